//! Drops from a parsed file the resource attributes that analysis never reads, so a module of
//! hundreds of thousands of resources is not held whole (see docs/performance.md).

use hcl_edit::structure::{Block, Body, Structure};

use crate::model::KeyKind;
use crate::model::encryption::ROWS;

use super::resources::{IAM_POLICY_TYPES, may_say};

/// Removes, from each top-level `resource` block whose attributes only the encryption table and
/// the scan for AWS-managed keys read, the top-level attributes neither of them reads: literals
/// that cannot name a key alias, when the table reads no attribute of the resource itself.
/// Blocks, meta-arguments and every expression that refers to anything are kept.
pub(super) fn prune(body: &mut Body) {
    for i in 0..body.len() {
        if let Some(Structure::Block(block)) = body.get_mut(i) {
            if block.ident.as_str() == "resource" {
                prune_resource(block);
            }
        }
    }
}

fn prune_resource(block: &mut Block) {
    let (Some(ty), 2) = (block.labels.first().map(|l| l.as_str()), block.labels.len()) else {
        return;
    };
    if !only_scanned(ty) {
        return;
    }
    let droppable = |s: &Structure| match s {
        Structure::Attribute(attr) => {
            !matches!(
                attr.key.as_str(),
                "count" | "for_each" | "provider" | "depends_on" // An alias name (`alias/app`) is a use of the key it names (KMS021); names of
                                                                 // AWS-managed keys (`alias/aws/s3`) are found by the scan for them.
            ) && !may_say(&attr.value, "alias/", 0)
        }
        Structure::Block(_) => false,
    };
    if !block.body.iter().any(droppable) {
        return;
    }
    let mut kept: Vec<Structure> = std::mem::take(&mut block.body)
        .into_iter()
        .filter(|s| !droppable(s))
        .collect();
    // The body is rebuilt at its exact length (collecting keeps the vector's allocation).
    kept.shrink_to_fit();
    block.body = Body::from(kept);
}

/// Whether nothing but the encryption table (reading nested blocks only) and the scan for
/// AWS-managed keys reads the attributes of this resource type: not keys, KMS or IAM resources
/// (read by name, or through the model's schema), and no table row on the resource itself.
fn only_scanned(ty: &str) -> bool {
    KeyKind::from_resource_type(ty).is_none()
        && !ty.starts_with("aws_kms_")
        && !ty.starts_with("aws_iam_")
        && !IAM_POLICY_TYPES.contains(&ty)
        && !ROWS.iter().any(|r| r.resource == ty && r.blocks.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pruned(text: &str) -> Vec<Vec<String>> {
        let mut body = hcl_edit::parser::parse_body(text).unwrap();
        prune(&mut body);
        body.blocks()
            .map(|b| {
                b.body
                    .iter()
                    .map(|s| match s {
                        Structure::Attribute(a) => a.key.as_str().to_string(),
                        Structure::Block(b) => format!("{} {{}}", b.ident.as_str()),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn literals_that_cannot_name_a_managed_key_are_dropped() {
        let text = r#"
resource "aws_s3_bucket" "b" {
  bucket        = "x"
  force_destroy = true
  tags          = { a = "b", c = ["d", 1, null] }
  acl           = <<EOT
alias/aws/s3
EOT
  server_side_encryption_configuration {
    rule {}
  }
}
"#;
        assert_eq!(pruned(text), [["server_side_encryption_configuration {}"]]);
    }

    #[test]
    fn references_meta_arguments_and_managed_key_names_are_kept() {
        let text = r#"
resource "aws_s3_bucket" "b" {
  count      = 2
  for_each   = {}
  provider   = aws.x
  depends_on = []
  bucket     = var.name
  tags       = { a = local.b }
  x          = "alias/aws/s3"
  y          = ["arn:aws:kms:us-east-1:111122223333:alias/aws/ebs"]
  z          = "${var.k}"
  dropped    = "literal"
}
"#;
        assert_eq!(
            pruned(text),
            [[
                "count",
                "for_each",
                "provider",
                "depends_on",
                "bucket",
                "tags",
                "x",
                "y",
                "z"
            ]]
        );
    }

    #[test]
    fn resources_read_by_name_are_kept_whole() {
        // Keys, KMS and IAM resources are read attribute by attribute, and the table reads
        // `kms_key_id` and `encrypted` of the volume itself.
        for ty in [
            "aws_kms_key",
            "aws_kms_alias",
            "aws_kms_grant",
            "aws_iam_role",
            "aws_iam_policy",
            "aws_ebs_volume",
        ] {
            let text = format!("resource \"{ty}\" \"r\" {{\n  description = \"x\"\n}}\n");
            assert_eq!(pruned(&text), [["description"]], "{ty}");
        }
        // Other blocks than resources are left alone.
        let text = "data \"aws_s3_bucket\" \"d\" {\n  bucket = \"x\"\n}\nlocals {\n  a = 1\n}\n";
        assert_eq!(pruned(text), [["bucket"], ["a"]]);
    }
}
