//! KMS002 key-rotation-disabled: a key eligible for automatic rotation that does not rotate, or
//! rotates less often than the configured maximum.

use crate::fix::{Applicability, Fix};
use crate::model::{Key, KeyKind, Value};
use crate::rules::key_configuration_invalid::ROTATION_PERIOD_DAYS;
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS002",
    name: "key-rotation-disabled",
    level: Level::Warning,
    summary: "A symmetric customer-managed KMS key does not rotate its key material automatically",
    rationale: "Automatic rotation creates new key material every rotation period while keeping \
        the old material to decrypt existing data. It limits how much data one piece of key \
        material protects and how long a leaked or broken key stays useful. KMS supports automatic \
        rotation only for symmetric encryption keys whose material KMS generates: asymmetric, HMAC, \
        imported-material and custom-key-store keys cannot rotate automatically, and replicas \
        follow their primary, so this rule never reports those. The rotation period defaults to \
        365 days and may not exceed `max-rotation-period-days`.",
    bad: r#"resource "aws_kms_key" "app" {
  description         = "application data"
  enable_key_rotation = false
}"#,
    good: r#"resource "aws_kms_key" "app" {
  description             = "application data"
  enable_key_rotation     = true
  rotation_period_in_days = 365
}"#,
    remediation: "Set `enable_key_rotation = true`, and keep `rotation_period_in_days` (90–2560, \
        default 365) at or below the configured maximum.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#enable_key_rotation",
    ],
    security_severity: "4.0",
    precision: Precision::VeryHigh,
    tags: &["external/cwe/cwe-320"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Safe,
        text: "`enable_key_rotation = false` becomes `true`; a missing \
            `enable_key_rotation` is added to the block, at the indentation of its siblings; a \
            `rotation_period_in_days` above the maximum becomes the maximum.",
    }),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let max = ctx.settings.max_rotation_period_days;
    for key in ctx.inventory.keys.iter().filter(|k| eligible(k)) {
        match &key.enable_key_rotation {
            Value::Set(false, origin) => {
                sink.report_key(
                    key,
                    Some(origin),
                    format!(
                        "`{}` does not rotate its key material: `enable_key_rotation` is false",
                        key.address
                    ),
                )
                .label("rotation is disabled here")
                .fix(Fix::set(
                    "enable_key_rotation",
                    &key.block,
                    origin,
                    false,
                    true,
                    Applicability::Safe,
                ));
            }
            Value::Default(false) => {
                sink.report_key(
                    key,
                    None,
                    format!(
                        "`{}` does not rotate its key material: `enable_key_rotation` is not set and defaults to false",
                        key.address
                    ),
                )
                .label("no `enable_key_rotation = true` in this key")
                .fix(Fix::insert("enable_key_rotation", &key.block, "true"));
            }
            Value::Set(true, _) | Value::Default(true) => match &key.rotation_period_in_days {
                // A period KMS rejects is KMS020's finding.
                Value::Set(days, origin) if *days > max && ROTATION_PERIOD_DAYS.contains(days) => {
                    let finding = sink.report_key(
                        key,
                        Some(origin),
                        format!(
                            "`{}` rotates only every {days} days, more than the maximum of {max}",
                            key.address
                        ),
                    )
                    .label(format!("{days} days > {max}"));
                    if ROTATION_PERIOD_DAYS.contains(&max) {
                        finding.fix(Fix::set(
                            "rotation_period_in_days",
                            &key.block,
                            origin,
                            days,
                            max,
                            Applicability::Safe,
                        ));
                    }
                }
                Value::Default(days) if *days > max => {
                    sink.report_key(
                        key,
                        None,
                        format!(
                            "`{}` rotates every {days} days (the default period), more than the maximum of {max}; set `rotation_period_in_days`",
                            key.address
                        ),
                    )
                    .label(format!("default period {days} days > {max}"));
                }
                _ => {}
            },
            Value::Unknown(_) => {}
        }
    }
}

/// Automatic rotation exists only for symmetric encryption keys whose material KMS generates and
/// holds. Anything the scan cannot know makes the key ineligible: no guess, no finding.
fn eligible(key: &Key) -> bool {
    key.kind == KeyKind::Key
        && key.key_spec.is_known_and(|s| s == "SYMMETRIC_DEFAULT")
        && key.key_usage.is_known_and(|u| u == "ENCRYPT_DECRYPT")
        && key.custom_key_store_id.is_known_and(is_absent)
        && key.xks_key_id.is_known_and(is_absent)
}

fn is_absent(id: &Option<String>) -> bool {
    id.as_deref().is_none_or(str::is_empty)
}
