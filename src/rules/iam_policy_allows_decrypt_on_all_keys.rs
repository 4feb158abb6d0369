//! KMS015 iam-policy-allows-decrypt-on-all-keys: an IAM identity policy allowing decryption
//! with every KMS key (`Resource "*"`).

use crate::model::policy::Effect;
use crate::model::principal::{action_matches, statement_allows_action};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS015",
    name: "iam-policy-allows-decrypt-on-all-keys",
    level: Level::Warning,
    summary: "An IAM policy allows decryption with all KMS keys",
    rationale: "An identity policy that allows kms:Decrypt or kms:ReEncryptFrom (directly, through \
        kms:* or a wildcard) on `Resource \"*\"` lets its principals decrypt with every key in the \
        account whose key policy delegates to IAM, including keys created later for unrelated \
        data. Least privilege names the keys (their ARNs) the role needs. In a key policy, \
        `Resource \"*\"` means the key itself, so key policies are never reported by this rule. \
        This matches AWS Security Hub controls KMS.1 and KMS.2.",
    bad: r#"resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = "*"
    }]
  })
}"#,
    good: r#"resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }]
  })
}"#,
    remediation: "List the ARNs of the keys the principal needs in `Resource` (for example \
        `aws_kms_key.app.arn`) instead of `\"*\"`.",
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1",
        "https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html",
    ],
    security_severity: "5.5",
    precision: Precision::High,
    tags: &["external/cwe/cwe-732"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:ReEncryptFrom"];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for iam in &ctx.inventory.iam_policies {
        let Some(Some(policy)) = iam.policy.known() else {
            continue;
        };
        for (i, s) in policy.statements.iter().enumerate() {
            if s.effect != Some(Effect::Allow) {
                continue;
            }
            let Some(resources) = s.resources.as_ref().filter(|r| !r.not) else {
                continue;
            };
            let Some(star) = resources.items.iter().find(|r| r.is("*")) else {
                continue;
            };
            let allowed: Vec<&str> = DECRYPT_ACTIONS
                .iter()
                .copied()
                .filter(|a| statement_allows_action(s, a) == Some(true))
                .collect();
            let Some(actions) = s.actions.as_ref() else {
                continue;
            };
            if allowed.is_empty() {
                continue;
            }
            // Point at the pattern that grants decryption (or at `NotAction`).
            let at = if actions.not {
                actions.key.clone()
            } else {
                actions
                    .items
                    .iter()
                    .find(|p| {
                        p.value
                            .as_deref()
                            .is_some_and(|p| allowed.iter().any(|a| action_matches(p, a)))
                    })
                    .map_or_else(|| actions.key.clone(), |p| p.loc.clone())
            };
            sink.report_in(
                &iam.address,
                &iam.block,
                &iam.calls,
                at,
                format!(
                    "{} of `{}` allows {} on every KMS key (`Resource \"*\"`)",
                    s.name(i),
                    iam.address,
                    allowed.join(" and ")
                ),
            )
            .label("decryption with any key")
            .related(star.loc.clone(), "`Resource \"*\"`: all keys")
            .related(s.loc.clone(), s.name(i));
        }
    }
}
