//! KMS003 key-disabled: a key created disabled (`is_enabled = false` / `enabled = false`).

use crate::fix::{Applicability, Fix};
use crate::model::Value;
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS003",
    name: "key-disabled",
    level: Level::Warning,
    summary: "A KMS key is disabled",
    rationale: "A disabled key cannot be used for any cryptographic operation: it is an unused \
        customer master key that still costs money every month, and data already encrypted under \
        it cannot be decrypted until it is enabled again. Either the key is no longer needed and \
        should be scheduled for deletion after its data is re-encrypted, or it was disabled by \
        mistake. The attribute is `is_enabled` on `aws_kms_key` and `enabled` on \
        `aws_kms_external_key` and the replica key resources.",
    bad: r#"resource "aws_kms_key" "legacy" {
  enable_key_rotation = true
  is_enabled          = false
}"#,
    good: r#"resource "aws_kms_key" "legacy" {
  enable_key_rotation = true
  is_enabled          = true
}"#,
    remediation: "Enable the key (`is_enabled = true` on `aws_kms_key`, `enabled = true` on the \
        other key resources), or remove the resource once nothing depends on it.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#is_enabled",
    ],
    security_severity: "3.0",
    precision: Precision::VeryHigh,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Unsafe,
        text: "`is_enabled = false` (`enabled` on the other key resources) becomes `true`, only \
            with `--unsafe-fixes`: a key may have been disabled on purpose.",
    }),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        if let Value::Set(false, origin) = &key.enabled {
            let attr = key.kind.enabled_attribute();
            sink.report_key(
                key,
                Some(origin),
                format!("`{}` is disabled: `{attr}` is false", key.address),
            )
            .label("the key is disabled here")
            // Enabling a key someone disabled on purpose makes it usable again: asked for only.
            .fix(Fix::set(
                attr,
                &key.block,
                origin,
                false,
                true,
                Applicability::Unsafe,
            ));
        }
    }
}
