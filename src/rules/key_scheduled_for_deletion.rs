//! KMS005 key-scheduled-for-deletion: a plan that deletes (or replaces) a KMS key.

use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS005",
    name: "key-scheduled-for-deletion",
    level: Level::Error,
    summary: "A Terraform plan schedules a KMS key for deletion",
    rationale: "Applying a plan that deletes a key resource — removed from the configuration, \
        destroyed, or replaced because an attribute that forces a new key changed — calls \
        ScheduleKeyDeletion. When the waiting period ends, the key material is gone and \
        everything encrypted under the key (data keys, S3 objects, EBS snapshots, database \
        backups) can never be decrypted again. A replacement creates a new key, but data \
        encrypted under the old one is not re-encrypted. Only a plan shows this before apply, \
        so kmslint reads `terraform show -json` output.",
    bad: r#"{
  "format_version": "1.2",
  "resource_changes": [
    {
      "address": "aws_kms_key.app",
      "mode": "managed",
      "type": "aws_kms_key",
      "name": "app",
      "change": {
        "actions": ["delete", "create"],
        "before": {"deletion_window_in_days": 7, "customer_master_key_spec": "SYMMETRIC_DEFAULT"},
        "after": {"deletion_window_in_days": 7, "customer_master_key_spec": "RSA_2048"},
        "after_unknown": {"arn": true}
      }
    }
  ]
}"#,
    good: r#"{
  "format_version": "1.2",
  "resource_changes": [
    {
      "address": "aws_kms_key.app",
      "mode": "managed",
      "type": "aws_kms_key",
      "name": "app",
      "change": {
        "actions": ["update"],
        "before": {"description": "app", "enable_key_rotation": true},
        "after": {"description": "application data", "enable_key_rotation": true},
        "after_unknown": {}
      }
    }
  ]
}"#,
    remediation: "Do not apply the plan until the data encrypted under the key has been \
        re-encrypted or is no longer needed. Add `lifecycle { prevent_destroy = true }` to keys \
        that must not be deleted, and cancel a scheduled deletion with `aws kms \
        cancel-key-deletion` if it was applied by mistake.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
        "https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy",
        "https://developer.hashicorp.com/terraform/internals/json-format#change-representation",
    ],
    security_severity: "8.5",
    precision: Precision::VeryHigh,
    tags: &["external/cwe/cwe-404"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for d in &ctx.inventory.deletions {
        let how = if d.replace {
            "replaces it (delete and create)"
        } else {
            "deletes it"
        };
        let finding = sink.report(
            &d.address,
            d.at.clone(),
            format!(
                "the plan {how}: `{}` is scheduled for deletion and becomes unusable after a {}-day waiting period",
                d.address, d.window_days
            ),
        );
        finding.label(if d.replace {
            "key replaced"
        } else {
            "key deleted"
        });
        if d.plan != d.at {
            finding.related(d.plan.clone(), "the change in the plan");
        }
        if let Some(block) = &d.block {
            finding.related(block.clone(), format!("resource `{}`", d.address));
        }
    }
}
