//! KMS006 untrusted-cross-account-access: a key policy that lets accounts or organizations
//! outside the owner and the trusted lists use the key.

use crate::model::Carrier;
use crate::model::policy::{Effect, Str};
use crate::model::principal::{Account, Identity, allow_statements, names_caller, owner_accounts};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS006",
    name: "untrusted-cross-account-access",
    level: Level::Error,
    summary: "A KMS key policy grants access to an account or organization that is not trusted",
    rationale: "A principal from another account in a key policy (its root, a role or a user, or \
        an account named in a kms:CallerAccount or aws:PrincipalAccount condition) lets that \
        account's administrators decide who there may use the key: the data it protects is only \
        as safe as that other account. Such access must be deliberate. The owner account is the \
        configured `--account`, the account of `data.aws_caller_identity`, or, when nothing is \
        configured, the account the policy lets administer the key. When the owner is known \
        only as `data.aws_caller_identity`, an account number written beside it is another \
        account. Other accounts must be listed with `--trusted-account`, organizations in \
        aws:PrincipalOrgID with `--trusted-organization`.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Partner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
        Action    = ["kms:Decrypt"]
        Resource  = "*"
      },
    ]
  })
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Owner"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}"#,
    remediation: "Remove the other account, or, if the access is intended, list it with \
        `--trusted-account` (organizations with `--trusted-organization`). If the code deploys \
        into that account, list it in `accounts`.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account",
    ],
    security_severity: "8.0",
    precision: Precision::High,
    tags: &["external/cwe/cwe-284"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let settings = ctx.settings;
    let trusted = |a: &Account, owners: &[Account]| match a {
        Account::Id(id) => owners.contains(a) || settings.trusted_accounts.contains(id),
        Account::Owner => true,
        Account::Any => false,
    };
    for Carrier {
        address,
        policy,
        block,
        calls,
    } in ctx.inventory.key_policy_documents()
    {
        let owners = owner_accounts(policy, &settings.accounts);
        let owner_id = owners.iter().any(|a| matches!(a, Account::Id(_)));
        // Known only as the deploying account (`data.aws_caller_identity`): an account number
        // written beside it is another account, unless the code deploys into it, which only
        // `accounts` can say. Without any owner, "another account" cannot be told apart.
        let caller_only = !owner_id && names_caller(policy);
        let owner_known = owner_id || caller_only;
        let why = |account: &Account| match account {
            Account::Id(id) if caller_only => format!(
                "an account other than the deploying one (`data.aws_caller_identity`); if this code deploys into {id}, list it in `accounts`"
            ),
            _ => "an account that is neither the owner nor trusted".to_string(),
        };
        for (i, s) in allow_statements(policy).enumerate() {
            for p in s.principals.iter().flat_map(|p| &p.items) {
                let Some(id) = Identity::of(p) else { continue };
                let Some(account) = id.account() else {
                    continue;
                };
                let bad = match account {
                    Account::Any => !p.is_wildcard(),
                    Account::Id(_) => owner_known && !trusted(account, &owners),
                    Account::Owner => false,
                };
                if bad {
                    let finding = sink.report_in(
                        address,
                        block,
                        calls,
                        p.id.loc.clone(),
                        format!(
                            "{} of the key policy of `{address}` grants access to {}, {}",
                            s.name(i),
                            id.display(),
                            if *account == Account::Any {
                                "which is every account".to_string()
                            } else {
                                why(account)
                            }
                        ),
                    );
                    finding.related.extend(p.id.via.iter().cloned());
                    finding
                        .label("untrusted account")
                        .related(s.loc.clone(), s.name(i));
                }
            }
            for c in &s.conditions {
                let (Some(op), Some(key)) = (c.operator.value.as_deref(), c.key.value.as_deref())
                else {
                    continue;
                };
                let op = op.to_ascii_lowercase();
                if op.contains("not") {
                    continue;
                }
                let key_lc = key.to_ascii_lowercase();
                let untrusted = |v: &Str| -> Option<String> {
                    let value = v.value.as_deref()?;
                    match key_lc.as_str() {
                        "kms:calleraccount" | "aws:principalaccount" if owner_known => {
                            let a = Account::parse(value);
                            (matches!(a, Account::Id(_)) && !trusted(&a, &owners))
                                .then(|| format!("account {value}, {}", why(&a)))
                        }
                        "aws:principalorgid" => {
                            (!settings.trusted_organizations.iter().any(|o| o == value)
                                && !value.contains(['*', '?']))
                            .then(|| format!("organization {value}"))
                        }
                        _ => None,
                    }
                };
                let untrusted = |v: &Str| -> Option<String> {
                    let what = untrusted(v)?;
                    Some(if what.starts_with("organization") {
                        format!("{what}, which is not trusted")
                    } else {
                        what
                    })
                };
                for v in &c.values {
                    if let Some(what) = untrusted(v) {
                        let finding = sink.report_in(
                            address,
                            block,
                            calls,
                            v.loc.clone(),
                            format!(
                                "{} of the key policy of `{address}` lets {what} use the key through `{key}`",
                                s.name(i)
                            ),
                        );
                        finding.related.extend(v.via.iter().cloned());
                        finding.label("untrusted").related(s.loc.clone(), s.name(i));
                    }
                }
            }
            debug_assert!(s.effect == Some(Effect::Allow));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;

    /// The KMS006 findings of one file, each as its primary line and its related locations
    /// (line and message).
    fn findings(src: &str) -> Vec<(usize, Vec<(usize, String)>)> {
        let settings = Settings::resolve(crate::config::Options {
            select: Some(vec!["KMS006".to_string()]),
            ..crate::config::Options::default()
        })
        .unwrap();
        let o = crate::check_sources(vec![("main.tf".to_string(), src.to_string())], &settings);
        let line = |loc: &crate::source::Loc| {
            let file = o.sources.get(loc.file).unwrap();
            file.range(&loc.span).0.line
        };
        o.findings
            .iter()
            .map(|f| {
                let related = f
                    .related
                    .iter()
                    .map(|r| (line(&r.loc), r.message.clone()))
                    .collect();
                (line(&f.primary), related)
            })
            .collect()
    }

    const OWNER: &str = r#"{
        Sid       = "Owner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },"#;

    #[test]
    fn a_principal_from_a_variable_lists_where_the_variable_is_used() {
        let src = format!(
            r#"variable "partner" {{
  default = "arn:aws:iam::444455556666:root"
}}
resource "aws_kms_key" "app" {{
  policy = jsonencode({{
    Statement = [
      {OWNER}
      {{
        Effect    = "Allow"
        Principal = {{ AWS = var.partner }}
        Action    = "kms:Decrypt"
        Resource  = "*"
      }},
    ]
  }})
}}
"#
        );
        let found = findings(&src);
        assert_eq!(found.len(), 1, "{found:?}");
        let (primary, related) = &found[0];
        assert_eq!(*primary, 2);
        assert!(
            related.contains(&(16, "used through `var.partner`".to_string())),
            "{related:?}"
        );
    }

    #[test]
    fn a_condition_value_from_a_list_variable_lists_where_the_variable_is_used() {
        let src = format!(
            r#"variable "accounts" {{
  default = ["555566667777"]
}}
resource "aws_kms_key" "app" {{
  policy = jsonencode({{
    Statement = [
      {OWNER}
      {{
        Effect    = "Allow"
        Principal = {{ AWS = "*" }}
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {{ StringEquals = {{ "kms:CallerAccount" = var.accounts }} }}
      }},
    ]
  }})
}}
"#
        );
        let found = findings(&src);
        assert_eq!(found.len(), 1, "{found:?}");
        let (primary, related) = &found[0];
        assert_eq!(*primary, 2);
        assert!(
            related.contains(&(19, "used through `var.accounts`".to_string())),
            "{related:?}"
        );
    }

    #[test]
    fn a_literal_principal_has_no_variable_use() {
        let src = format!(
            r#"resource "aws_kms_key" "app" {{
  policy = jsonencode({{
    Statement = [
      {OWNER}
      {{
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::444455556666:root" }}
        Action    = "kms:Decrypt"
        Resource  = "*"
      }},
    ]
  }})
}}
"#
        );
        let found = findings(&src);
        assert_eq!(found.len(), 1, "{found:?}");
        let (primary, related) = &found[0];
        assert_eq!(*primary, 13);
        assert!(
            related.iter().all(|(_, m)| !m.starts_with("used through")),
            "{related:?}"
        );
    }
}
