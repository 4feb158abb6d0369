//! Action classes: what a reviewer asks of a key's access (administer it, decrypt with it, ...),
//! each as the KMS actions that give it.

use crate::model::policy::Statement;
use crate::model::principal::{action_matches, statement_allows_action};

/// Each class with the actions that give it. Read-only actions (`Describe*`, `List*`, `Get*`
/// other than `GetPublicKey`) are in no class.
pub const CLASSES: &[(&str, &[&str])] = &[
    (
        "administer",
        &[
            "kms:PutKeyPolicy",
            "kms:UpdateKeyDescription",
            "kms:EnableKeyRotation",
            "kms:DisableKeyRotation",
            "kms:RotateKeyOnDemand",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:CreateAlias",
            "kms:UpdateAlias",
            "kms:DeleteAlias",
            "kms:EnableKey",
            "kms:CancelKeyDeletion",
            "kms:ImportKeyMaterial",
            "kms:ReplicateKey",
            "kms:UpdatePrimaryRegion",
            "kms:RevokeGrant",
        ],
    ),
    ("encrypt", &["kms:Encrypt", "kms:ReEncryptTo"]),
    ("decrypt", &["kms:Decrypt", "kms:ReEncryptFrom"]),
    (
        "generate_data_keys",
        &[
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:GenerateDataKeyPair",
            "kms:GenerateDataKeyPairWithoutPlaintext",
        ],
    ),
    (
        "sign_verify",
        &["kms:Sign", "kms:Verify", "kms:GetPublicKey"],
    ),
    ("mac", &["kms:GenerateMac", "kms:VerifyMac"]),
    ("create_grants", &["kms:CreateGrant"]),
    (
        "delete_disable",
        &[
            "kms:ScheduleKeyDeletion",
            "kms:DisableKey",
            "kms:DeleteImportedKeyMaterial",
        ],
    ),
];

/// Marks a class list that may be incomplete: some action could not be evaluated.
pub const UNKNOWN: &str = "unknown";

/// Every class, as a key policy's `kms:*` gives.
pub fn all() -> Vec<String> {
    CLASSES.iter().map(|(c, _)| (*c).to_string()).collect()
}

/// Puts classes in the order of [`CLASSES`], [`UNKNOWN`] last.
pub fn sort(classes: &mut [String]) {
    classes.sort_by_key(|c| {
        CLASSES
            .iter()
            .position(|(name, _)| name == c)
            .unwrap_or(CLASSES.len())
    });
}

/// How a person reads a class name.
pub fn label(class: &str) -> &str {
    match class {
        "generate_data_keys" => "generate data keys",
        "sign_verify" => "sign/verify",
        "mac" => "MAC",
        "create_grants" => "create grants",
        "delete_disable" => "delete/disable",
        other => other,
    }
}

/// The classes a statement's `Action`/`NotAction` gives, with [`UNKNOWN`] last when some
/// action of a class not given could not be decided.
pub fn of_statement(s: &Statement) -> Vec<String> {
    let mut out = Vec::new();
    let mut unknown = s.actions.is_none();
    for (class, actions) in CLASSES {
        let answers: Vec<Option<bool>> = actions
            .iter()
            .map(|a| statement_allows_action(s, a))
            .collect();
        if answers.contains(&Some(true)) {
            out.push((*class).to_string());
        } else if answers.contains(&None) {
            unknown = true;
        }
    }
    if unknown {
        out.push(UNKNOWN.to_string());
    }
    out
}

/// The classes a grant's operations give (`Decrypt`, `GenerateDataKey`, ...).
pub fn of_operations(operations: &[String]) -> Vec<String> {
    CLASSES
        .iter()
        .filter(|(_, actions)| {
            actions.iter().any(|a| {
                operations
                    .iter()
                    .any(|op| action_matches(&format!("kms:{op}"), a))
            })
        })
        .map(|(c, _)| (*c).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_operations_map_to_classes() {
        let ops = ["Decrypt".to_string(), "GenerateDataKey".to_string()];
        assert_eq!(of_operations(&ops), ["decrypt", "generate_data_keys"]);
        assert!(of_operations(&["RetireGrant".to_string()]).is_empty());
    }
}
