//! KMS009 web-tier-key-missing: no enabled key carries the web tier's tag.

use crate::config::Tier;
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink, tier};

pub(crate) const RULE: Rule = Rule {
    id: "KMS009",
    name: "web-tier-key-missing",
    level: Level::Warning,
    summary: "No customer-managed KMS key is tagged for the web tier",
    rationale: "Encrypting each tier's data under its own customer-managed key keeps a \
        compromise or a mistaken policy in one tier from exposing the others, and lets each tier's \
        key policy name only that tier's roles. The web tier's key is identified by the tag \
        configured in `[tiers.web]`; this rule checks that the scan creates at least one enabled \
        customer-managed key carrying it (in its `tags` or through the provider's `default_tags`). \
        Tags match case-sensitively, as AWS compares them. Without `[tiers.web]` the rule is \
        inactive.",
    bad: r#"# kmslint.toml: tiers.web = { tag = "Tier", value = "web" }
resource "aws_kms_key" "data" {
  enable_key_rotation = true
  tags = {
    Tier = "Web"
  }
}"#,
    good: r#"# kmslint.toml: tiers.web = { tag = "Tier", value = "web" }
resource "aws_kms_key" "data" {
  enable_key_rotation = true
  tags = {
    Tier = "web"
  }
}"#,
    remediation: "Create (or tag) an enabled customer-managed key for the web tier with the \
        configured tag, and encrypt the tier's resources with it.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html",
        "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_data_rest_key_mgmt.html",
    ],
    security_severity: "3.0",
    precision: Precision::High,
    tags: &[],
    requires: Requires::Tier(Tier::Web),
    scope: Scope::Scan,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    tier::check(ctx, sink, Tier::Web);
}
