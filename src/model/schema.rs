//! What the evaluator is told about AWS resource types: which references stand for keys and
//! principals created in the scan, and which KMS data sources it answers from their arguments.

use crate::model::KeyKind;
use crate::model::encryption::aws_managed;
use crate::terraform::eval::{Marker, Schema};

/// The schema every module instance is evaluated with.
pub const SCHEMA: Schema = Schema {
    marker,
    lookup,
    answer: aws_managed,
};

/// A key's `arn`, `key_id` and `id` stand for the key; the `arn` of an IAM role or user created
/// in the scan is an identity of the owner account.
fn marker(ty: &str) -> Option<(Marker, &'static [&'static str])> {
    if KeyKind::from_resource_type(ty).is_some() {
        Some((Marker::Key, &["arn", "key_id", "id"]))
    } else if matches!(ty, "aws_iam_role" | "aws_iam_user") {
        Some((Marker::Principal, &["arn"]))
    } else {
        None
    }
}

/// `data.aws_kms_alias.X.*` and `data.aws_kms_key.X.*` looked up by an AWS-managed alias stand
/// for that alias, which is all rule KMS011 needs of them.
fn lookup(ty: &str) -> Option<&'static str> {
    match ty {
        "aws_kms_alias" => Some("name"),
        "aws_kms_key" => Some("key_id"),
        _ => None,
    }
}
