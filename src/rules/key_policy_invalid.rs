//! KMS018 key-policy-invalid: a key policy that is not valid JSON or not a valid policy.

use crate::model::Carrier;
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS018",
    name: "key-policy-invalid",
    level: Level::Error,
    summary: "A KMS key policy is not valid JSON or not a valid policy document",
    rationale: "KMS rejects a malformed key policy with MalformedPolicyDocumentException, so the \
        apply fails after the plan looked fine; worse, a policy that parses but whose statement \
        has a misspelled element or an unknown Effect does not grant or deny what its author \
        meant. Policies written as heredocs or strings are not checked by Terraform before \
        apply. The finding points at the exact character or element that is wrong.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy              = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": "kms:*",
          "Resource": "*",
        }
      ]
    }
  EOT
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy              = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": "kms:*",
          "Resource": "*"
        }
      ]
    }
  EOT
}"#,
    remediation: "Fix the JSON at the reported position, or build the policy with `jsonencode` or \
        a `data \"aws_iam_policy_document\"` so Terraform produces valid JSON.",
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
    ],
    security_severity: "5.0",
    precision: Precision::VeryHigh,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for Carrier {
        address,
        policy,
        block,
        calls,
    } in ctx.inventory.key_policy_documents()
    {
        for problem in &policy.problems {
            sink.report_in(
                address,
                block,
                calls,
                problem.loc.clone(),
                format!(
                    "the key policy of `{address}` is invalid: {}",
                    problem.message
                ),
            )
            .label("here")
            .related(policy.loc.clone(), "the policy");
        }
    }
}
