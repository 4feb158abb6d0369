//! KMS012 key-policy-not-defined: a key with no explicit key policy.

use crate::model::{Value, names_key};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS012",
    name: "key-policy-not-defined",
    level: Level::Note,
    summary: "A KMS key has no explicit key policy",
    rationale: "Without a `policy` argument or an `aws_kms_key_policy` resource, AWS attaches the \
        default key policy, which delegates every KMS action on the key to IAM in the owning \
        account. Who can use or administer the key is then decided by IAM policies scattered \
        across the account instead of by one reviewable document next to the key, and \
        separation between key administrators and key users is not expressed anywhere.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "KeyAdministration"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/kms-admin" }
      Action    = ["kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*"]
      Resource  = "*"
    }]
  })
}"#,
    remediation: "Write the key policy in the `policy` argument (or an `aws_kms_key_policy` \
        resource), separating key administrators from key users.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
    ],
    security_severity: "2.0",
    precision: Precision::High,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let inventory = ctx.inventory;
    for key in &inventory.keys {
        if key.policy != Value::Default(None) {
            continue;
        }
        // An aws_kms_key_policy replaces the key's policy. One whose `key_id` the scan cannot
        // resolve might target this key: no finding in that module rather than a guess.
        // A resolved `key_id` carries the module path, so it may name a key of another module.
        let covered = inventory
            .key_policies
            .iter()
            .any(|kp| match kp.key.as_deref() {
                Some(k) => names_key(k, &key.address),
                None => kp.module == key.module,
            });
        if !covered {
            sink.report_key(
                key,
                None,
                format!(
                    "`{}` has no key policy: AWS applies its default policy, which delegates all access to IAM",
                    key.address
                ),
            )
            .label("no `policy` and no `aws_kms_key_policy` for this key");
        }
    }
}
