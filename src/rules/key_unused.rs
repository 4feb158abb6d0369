//! KMS021 key-unused: a customer-managed key that nothing in the configuration uses.

use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS021",
    name: "key-unused",
    level: Level::Note,
    summary: "A customer-managed KMS key is not used by anything in the configuration",
    rationale: "A customer-managed key costs money every month, and every key is one more policy \
        to review and one more set of principals that may use or administer it. A key that no \
        resource encrypts with, that no grant, IAM policy or module input names, whose aliases \
        nothing uses and that no output exposes is either left over (data encrypted under it \
        elsewhere must be found before it goes) or a sign that a resource meant to use it uses \
        another key. kmslint decides from the references written in the configuration: a \
        reference whose instance or value cannot be known (`aws_kms_key.k[var.i]`, a key looked \
        up by a name the scan does not know) counts as use; a key policy \
        (`aws_kms_key_policy`) or an alias pointing at the key does not. A key in a called module \
        is used when an output exposing it is read by the caller; every output of a root module \
        counts as use. Plans are not judged: they do not say what refers to what.",
    bad: r#"resource "aws_kms_key" "legacy" {
  description         = "left over from the old pipeline"
  enable_key_rotation = true
}"#,
    good: r#"resource "aws_kms_key" "reports" {
  description         = "report bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  bucket = aws_s3_bucket.reports.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.reports.arn
    }
  }
}"#,
    remediation: "Use the key where data should be encrypted with it, expose it as an output if \
        another configuration uses it, or remove it once no data depends on it (schedule its \
        deletion only after finding what it encrypted, for example with CloudTrail's Decrypt \
        events).",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-determining-usage.html",
        "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/KMS/unused-customer-master-key.html",
    ],
    security_severity: "1.0",
    precision: Precision::Medium,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        if !ctx.inventory.unused_keys.contains(&key.address) {
            continue;
        }
        sink.report_key(
            key,
            None,
            format!(
                "`{}` is not used: nothing refers to it or to an alias of it, and no output exposes it",
                key.address
            ),
        )
        .label("nothing uses this key");
    }
}
