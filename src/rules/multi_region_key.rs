//! KMS017 multi-region-key: `multi_region = true`.

use crate::model::Value;
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS017",
    name: "multi-region-key",
    level: Level::Note,
    summary: "A KMS key is a multi-Region primary key",
    rationale: "A multi-Region key can be replicated to other AWS Regions, and every replica \
        shares the same key material. Data encrypted in one Region can be decrypted in another, \
        so the key's protection depends on the policies of every replica and on the controls of \
        every Region it reaches, and data-residency requirements may be broken. Use multi-Region \
        keys only where cross-Region decryption is a requirement, and review each replica's \
        policy.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  multi_region        = true
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  multi_region        = false
}"#,
    remediation: "Use a single-Region key (`multi_region = false`, the default) unless \
        cross-Region decryption is required; if it is, suppress this finding with a reason.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-security.html",
    ],
    security_severity: "2.0",
    precision: Precision::VeryHigh,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        if let Value::Set(true, origin) = &key.multi_region {
            sink.report_key(
                key,
                Some(origin),
                format!(
                    "`{}` is a multi-Region key: replicas in other Regions share its key material",
                    key.address
                ),
            )
            .label("multi-Region key");
        }
    }
}
