//! KMS010 required-key-missing: an alias listed in `required-aliases` is not created.

use crate::model::{Value, base_address};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};
use crate::source::Loc;

pub(crate) const RULE: Rule = Rule {
    id: "KMS010",
    name: "required-key-missing",
    level: Level::Error,
    summary: "A key the configuration requires (by alias) is not created",
    rationale: "Some keys must exist for an environment to work as designed: the key a payments \
        service or the audit trail encrypts with, named by an alias other stacks look up. \
        `required-aliases` lists them; each must be created by an `aws_kms_alias` whose name is \
        the alias and whose `target_key_id` refers to a key the scan declares. A missing alias \
        means that lookups fail, or silently fall back to another key. Without `required-aliases` \
        the rule is inactive.",
    bad: r#"# kmslint.toml: required-aliases = ["alias/payments-prod"]
resource "aws_kms_key" "payments" {
  enable_key_rotation = true
}"#,
    good: r#"# kmslint.toml: required-aliases = ["alias/payments-prod"]
resource "aws_kms_key" "payments" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "payments" {
  name          = "alias/payments-prod"
  target_key_id = aws_kms_key.payments.key_id
}"#,
    remediation: "Add the `aws_kms_alias` (pointing at a key of this configuration), or remove the \
        alias from `required-aliases` if it is no longer needed.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias",
    ],
    security_severity: "4.0",
    precision: Precision::High,
    tags: &[],
    requires: Requires::RequiredAliases,
    scope: Scope::Scan,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let inventory = ctx.inventory;
    // Only an alias whose name the scan knows satisfies a requirement: one whose name is unknown
    // (a module's variable never given a value) might be any, and counting it would silence
    // every required alias. A target computed at apply (a plan shows `after_unknown` for the
    // keys it creates) is taken to be the key it is created with.
    for (name, at) in &ctx.settings.required_aliases {
        let Some(file) = ctx.config_file(&at.path) else {
            continue;
        };
        let named: Vec<_> = inventory
            .aliases
            .iter()
            .filter(|a| !a.name_prefix && a.name.known().is_some_and(|n| n == name))
            .collect();
        let to_key_of_scan = named.iter().any(|a| match &a.target {
            Value::Unknown(_) => true,
            Value::Set(Some(key), _) => inventory
                .keys
                .iter()
                .any(|k| base_address(&k.address) == base_address(key)),
            _ => false,
        });
        if to_key_of_scan {
            continue;
        }
        let unknown = inventory
            .aliases
            .iter()
            .find(|a| a.name_prefix || matches!(a.name, Value::Unknown(_)));
        let message = match (named.first(), unknown) {
            (Some(a), _) => format!(
                "`{name}` is created by `{}`, but it does not point at a key this scan declares",
                a.address
            ),
            (None, Some(u)) => format!(
                "no `aws_kms_alias` in the scan creates the required alias `{name}` (the name of `{}` is not known, so it does not count)",
                u.address
            ),
            (None, None) => {
                format!("no `aws_kms_alias` in the scan creates the required alias `{name}`")
            }
        };
        sink.report("required-aliases", Loc::new(file, at.span.clone()), message)
            .label("required here");
    }
}
