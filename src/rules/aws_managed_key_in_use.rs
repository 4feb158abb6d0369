//! KMS011 aws-managed-key-in-use: a resource encrypts with an AWS-managed key instead of a
//! customer-managed one.

use crate::model::Value;
use crate::model::encryption::{On, aws_managed};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};
use crate::terraform::eval::display_markers;

pub(crate) const RULE: Rule = Rule {
    id: "KMS011",
    name: "aws-managed-key-in-use",
    level: Level::Warning,
    summary: "A resource encrypts with an AWS-managed KMS key instead of a customer-managed key",
    rationale: "AWS-managed keys (`alias/aws/s3`, `alias/aws/rds`, ...) are created and controlled by \
        the service: their key policy cannot be changed, so access cannot be limited to the roles \
        that need it, cross-account sharing is impossible, usage cannot be separated per tier or \
        data class, and the key cannot be disabled or scheduled for deletion when the data must \
        be made unreadable. A resource uses one when any of its attributes (or an input of a \
        module the scan cannot read) names it, as an `alias/aws/...` name or its ARN in any \
        partition, literally or through `data \"aws_kms_alias\"`; or when, for a resource type \
        whose provider behaviour is known, it turns KMS encryption on without naming a key, so the \
        service falls back to its AWS-managed key (or to a key it owns outside the account). A \
        setting that asks for a customer key without naming one is rejected by AWS, and is not \
        reported. Resources that do not use KMS at all are not this rule's business.",
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
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for e in &ctx.inventory.encryptions {
        match &e.key {
            Value::Set(Some(key), origin) if aws_managed(key) => {
                let finding = sink.report_in(
                    &e.address,
                    &e.block,
                    &e.calls,
                    origin.at.clone(),
                    format!(
                        "`{}` encrypts with the AWS-managed key `{}`; use a customer-managed key",
                        e.address,
                        display_markers(key)
                    ),
                );
                finding.label("AWS-managed key");
                finding.related.extend(origin.via.iter().cloned());
            }
            Value::Default(None) if e.on.is_true() => {
                let at =
                    e.on.origin()
                        .map_or_else(|| e.header.clone(), |o| o.at.clone());
                let fallback = e.row.fallback.describe();
                let (message, label) = if e.row.key.is_empty() {
                    (
                        format!(
                            "`{}` turns on encryption, and `{}` cannot name a key, so it uses {fallback}; use a launch template with a customer-managed key",
                            e.address, e.row.resource
                        ),
                        "no key can be named".to_string(),
                    )
                } else if e.row.on == On::Always {
                    let path = e
                        .row
                        .blocks
                        .iter()
                        .chain(std::iter::once(&e.row.key))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(".");
                    (
                        format!(
                            "`{}` names no key in `{path}`, so it encrypts with {fallback}",
                            e.address
                        ),
                        format!("no `{path}`"),
                    )
                } else {
                    (
                        format!(
                            "`{}` turns on KMS encryption without `{}`, so it uses {fallback}",
                            e.address, e.row.key
                        ),
                        format!("no `{}`", e.row.key),
                    )
                };
                let finding = sink.report_in(&e.address, &e.block, &e.calls, at, message);
                finding.label(label);
                if let Some(o) = e.on.origin() {
                    finding.related.extend(o.via.iter().cloned());
                }
            }
            _ => {}
        }
    }
    for n in &ctx.inventory.named_keys {
        let key = display_markers(&n.key);
        let message = if n.module_input {
            format!(
                "`{}` is given the AWS-managed key `{key}` as `{}`; use a customer-managed key",
                n.address, n.attribute
            )
        } else {
            format!(
                "`{}` names the AWS-managed key `{key}` in `{}`; use a customer-managed key",
                n.address, n.attribute
            )
        };
        let finding = sink.report_in(&n.address, &n.block, &n.calls, n.origin.at.clone(), message);
        finding.label("AWS-managed key");
        finding.related.extend(n.origin.via.iter().cloned());
    }
}
