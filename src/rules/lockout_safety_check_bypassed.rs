//! KMS013 lockout-safety-check-bypassed: `bypass_policy_lockout_safety_check = true`.

use crate::fix::{Applicability, Fix};
use crate::model::Value;
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS013",
    name: "lockout-safety-check-bypassed",
    level: Level::Warning,
    summary: "A KMS key skips the policy lockout safety check",
    rationale: "Before it accepts a key policy, KMS checks that the principal making the request \
        can still change the policy afterwards. Bypassing that check lets a policy through that \
        locks every administrator out of the key; AWS support then has to be involved to regain \
        control, and until then nobody can rotate, manage or delete the key. AWS recommends never \
        setting this flag without a specific reason.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation                = true
  bypass_policy_lockout_safety_check = true
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
}"#,
    remediation: "Remove `bypass_policy_lockout_safety_check` (it defaults to false) and make sure \
        the key policy keeps an administrator able to manage the key.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#bypass_policy_lockout_safety_check",
    ],
    security_severity: "6.0",
    precision: Precision::VeryHigh,
    tags: &["external/cwe/cwe-284"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Safe,
        text: "The `bypass_policy_lockout_safety_check = true` line is removed.",
    }),
    check,
};

const ATTRIBUTE: &str = "bypass_policy_lockout_safety_check";

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        if let Value::Set(true, origin) = &key.bypass_policy_lockout_safety_check {
            sink.report_key(
                key,
                Some(origin),
                format!(
                    "`{}` bypasses the policy lockout safety check; a policy that locks out every administrator would be accepted",
                    key.address
                ),
            )
            .label("safety check bypassed here")
            .fix(Fix::remove(ATTRIBUTE, &key.block, origin));
        }
    }
    for kp in &ctx.inventory.key_policies {
        if let Value::Set(true, origin) = &kp.bypass_policy_lockout_safety_check {
            sink.report_in(
                &kp.address,
                &kp.block,
                &kp.calls,
                origin.at.clone(),
                format!(
                    "`{}` bypasses the policy lockout safety check; a policy that locks out every administrator would be accepted",
                    kp.address
                ),
            )
            .label("safety check bypassed here")
            .related(kp.block.clone(), format!("resource `{}`", kp.address))
            .fix(Fix::remove(ATTRIBUTE, &kp.block, origin));
        }
    }
}
