//! KMS019 imported-key-material-expires: `valid_to` set on an imported-material key.

use crate::model::Value;
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS019",
    name: "imported-key-material-expires",
    level: Level::Note,
    summary: "Imported KMS key material has an expiration date",
    rationale: "When `valid_to` is set, KMS deletes the imported key material at that time. The \
        key becomes unusable: every decrypt fails until the same material is imported again, and \
        if that material is lost, the data encrypted under the key is lost with it. Expiring \
        material must be backed by a tested re-import process.",
    bad: r#"resource "aws_kms_external_key" "import" {
  key_material_base64 = var.key_material
  valid_to            = "2027-01-01T00:00:00Z"
}"#,
    good: r#"resource "aws_kms_external_key" "import" {
  key_material_base64 = var.key_material
}"#,
    remediation: "Remove `valid_to` so the material does not expire, or document and automate \
        the re-import before the date and suppress this finding with a reason.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html#importing-keys-expiration",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_external_key#valid_to",
    ],
    security_severity: "3.5",
    precision: Precision::VeryHigh,
    tags: &["external/cwe/cwe-324"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        if let Value::Set(date, origin) = &key.valid_to {
            let when = match date {
                Some(date) => format!("at {date}"),
                None => "at a time computed when Terraform runs".to_string(),
            };
            sink.report_key(
                key,
                Some(origin),
                format!(
                    "the imported key material of `{}` expires {when}; the key becomes unusable then",
                    key.address
                ),
            )
            .label("key material expires");
        }
    }
}
