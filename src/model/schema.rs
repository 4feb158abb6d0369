//! What the evaluator is told about AWS resource types: which references stand for keys and
//! principals created in the scan, and which KMS data sources it answers from their arguments.

use crate::model::KeyKind;
use crate::model::encryption::aws_managed;
use crate::terraform::eval::{Aliases, Lookup, Marker, Schema};

/// The schema every module instance is evaluated with.
pub const SCHEMA: Schema = Schema {
    marker,
    lookup,
    answer: aws_managed,
    aliases: Some(Aliases {
        ty: "aws_kms_alias",
        name: "name",
        target: "target_key_id",
        key: &["target_key_id", "target_key_arn"],
        parse: alias_name,
    }),
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

/// `data.aws_kms_alias.X.*` and `data.aws_kms_key.X.*`: looked up by an AWS-managed alias they
/// stand for that alias, which is all rule KMS011 needs of them; looked up by a key of the scan
/// or by an alias that names one, the attributes that give the key stand for it.
fn lookup(ty: &str) -> Option<Lookup> {
    match ty {
        "aws_kms_alias" => Some(Lookup {
            by: "name",
            key: &["target_key_id", "target_key_arn"],
        }),
        "aws_kms_key" => Some(Lookup {
            by: "key_id",
            key: &["arn", "id", "key_id"],
        }),
        _ => None,
    }
}

/// The alias an alias name or alias ARN names (`alias/app`), when it is written out.
fn alias_name(text: &str) -> Option<&str> {
    let alias = match text.find(":alias/") {
        Some(i) if text.starts_with("arn:") => &text[i + 1..],
        _ => text,
    };
    (alias.starts_with("alias/") && alias.len() > "alias/".len()).then_some(alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_are_read_from_names_and_arns() {
        assert_eq!(alias_name("alias/app"), Some("alias/app"));
        assert_eq!(
            alias_name("arn:aws:kms:us-east-1:111122223333:alias/app"),
            Some("alias/app")
        );
        assert_eq!(alias_name("alias/"), None);
        assert_eq!(alias_name("1234abcd-12ab-34cd-56ef-1234567890ab"), None);
        assert_eq!(alias_name("x:alias/app"), None);
    }

    #[test]
    fn key_lookups_give_the_key_only_through_key_attributes() {
        let by_alias = lookup("aws_kms_alias");
        assert!(by_alias.is_some_and(|l| l.by == "name" && l.key.contains(&"target_key_arn")));
        assert!(by_alias.is_some_and(|l| !l.key.contains(&"arn")));
        assert!(lookup("aws_kms_key").is_some_and(|l| l.by == "key_id" && l.key.contains(&"arn")));
        assert!(lookup("aws_s3_bucket").is_none());
    }
}
