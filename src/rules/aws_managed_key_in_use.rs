//! KMS011 aws-managed-key-in-use: a resource encrypts with an AWS-managed key instead of a
//! customer-managed one.

use crate::model::Value;
use crate::model::encryption::aws_managed;
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS011",
    name: "aws-managed-key-in-use",
    level: Level::Warning,
    summary: "A resource encrypts with an AWS-managed KMS key instead of a customer-managed key",
    rationale: "AWS-managed keys (`alias/aws/s3`, `alias/aws/rds`, ...) are created and controlled by \
        the service: their key policy cannot be changed, so access cannot be limited to the roles \
        that need it, cross-account sharing is impossible, usage cannot be separated per tier or \
        data class, and the key cannot be disabled or scheduled for deletion when the data must \
        be made unreadable. A resource uses one when it names it (as an alias or ARN, or through \
        `data \"aws_kms_alias\"`) or turns KMS encryption on without naming a key. Resources that \
        do not use KMS at all are not this rule's business.",
    bad: r#"resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = "alias/aws/sqs"
}"#,
    good: r#"resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}"#,
    remediation: "Create a customer-managed key (`aws_kms_key`) with a key policy for the data's \
        users, and set the resource's key attribute to it (for example \
        `kms_master_key_id = aws_kms_key.orders.arn`).",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html",
    ],
    security_severity: "4.0",
    precision: Precision::High,
    tags: &["external/cwe/cwe-311"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for e in &ctx.inventory.encryptions {
        let managed = e.row.managed;
        match &e.key {
            Value::Set(Some(key), origin) if aws_managed(key) => {
                let finding = sink.report_in(
                    &e.address,
                    &e.block,
                    &e.calls,
                    origin.at.clone(),
                    format!(
                        "`{}` encrypts with the AWS-managed key `{key}`; use a customer-managed key",
                        e.address
                    ),
                );
                finding.label("AWS-managed key");
                finding.related.extend(origin.via.iter().cloned());
            }
            Value::Default(None) if e.on.is_true() => {
                let at =
                    e.on.origin()
                        .map_or_else(|| e.header.clone(), |o| o.at.clone());
                let finding = sink.report_in(
                    &e.address,
                    &e.block,
                    &e.calls,
                    at,
                    format!(
                        "`{}` turns on KMS encryption without `{}`, so it uses the AWS-managed key ({managed})",
                        e.address, e.row.key
                    ),
                );
                finding.label(format!("no `{}`", e.row.key));
                if let Some(o) = e.on.origin() {
                    finding.related.extend(o.via.iter().cloned());
                }
            }
            _ => {}
        }
    }
}
