//! KMS014 deletion-window-too-short: `deletion_window_in_days` below the configured minimum.

use crate::fix::{Applicability, Fix};
use crate::model::Value;
use crate::rules::key_configuration_invalid::DELETION_WINDOW_DAYS;
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS014",
    name: "deletion-window-too-short",
    level: Level::Note,
    summary: "A KMS key's deletion waiting period is shorter than the configured minimum",
    rationale: "Deleting a KMS key is destructive and irreversible: everything encrypted under it \
        becomes unrecoverable. KMS therefore waits 7 to 30 days (default 30) between \
        ScheduleKeyDeletion and the deletion, and the deletion can be cancelled during that \
        window. A short window leaves little time to notice a mistaken `terraform destroy` or a \
        removed resource block. The minimum is `min-deletion-window-days` (default 30).",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation     = true
  deletion_window_in_days = 7
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation     = true
  deletion_window_in_days = 30
}"#,
    remediation: "Raise `deletion_window_in_days` to at least the minimum, or remove it to get \
        the 30-day default.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-how-it-works",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#deletion_window_in_days",
    ],
    security_severity: "2.5",
    precision: Precision::VeryHigh,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Safe,
        text: "`deletion_window_in_days` becomes the configured minimum (when it lies within \
            7–30).",
    }),
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let min = ctx.settings.min_deletion_window_days;
    for key in &ctx.inventory.keys {
        if let Value::Set(days, origin) = &key.deletion_window_in_days {
            // A window KMS rejects is KMS020's finding, not a short one.
            if *days < min && DELETION_WINDOW_DAYS.contains(days) {
                let finding = sink.report_key(
                    key,
                    Some(origin),
                    format!(
                        "`{}` would be deleted {days} days after it is scheduled for deletion, less than the minimum of {min}",
                        key.address
                    ),
                )
                .label(format!("{days} days < {min}"));
                if DELETION_WINDOW_DAYS.contains(&min) {
                    finding.fix(Fix::set(
                        "deletion_window_in_days",
                        &key.block,
                        origin,
                        days,
                        min,
                        Applicability::Safe,
                    ));
                }
            }
        }
    }
}
