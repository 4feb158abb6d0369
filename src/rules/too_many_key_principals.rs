//! KMS004 too-many-key-principals: more key administrators or key users than allowed, or full
//! control (`kms:*`) given to one identity.

use std::collections::BTreeMap;

use crate::model::Carrier;
use crate::model::policy::Principal;
use crate::model::principal::{
    Account, Identity, allow_statements, owner_accounts, statement_allows_action,
};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};
use crate::source::Loc;

pub(crate) const RULE: Rule = Rule {
    id: "KMS004",
    name: "too-many-key-principals",
    level: Level::Warning,
    summary: "Too many principals administer or use a KMS key, or one identity has full control",
    rationale: "Every principal in a key policy that may administer the key (change its policy, \
        disable it, schedule its deletion) or use it (encrypt, decrypt, generate data keys) widens \
        who can read or destroy the data it protects. Few administrators, separate from the key \
        users, keep that reviewable (least privilege, separation of duties). The owning account's \
        root (delegation to IAM) and AWS service principals are not counted. Granting `kms:*` to a \
        single role or user gives it administration and use at once.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Admins"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/deployer" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admins"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/kms-admin" }
        Action    = ["kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion"]
        Resource  = "*"
      },
      {
        Sid       = "Users"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/app" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  })
}"#,
    remediation: "Give administration to a few dedicated roles and cryptographic use to the \
        roles that need it, in separate statements; replace `kms:*` for a single identity with \
        the actions it needs. Thresholds: `--max-key-admins` (3), `--max-key-users` (10).",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators",
        "https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html",
    ],
    security_severity: "5.0",
    precision: Precision::High,
    tags: &["external/cwe/cwe-269"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

/// Administrative actions; a statement pattern that matches one makes the principal an admin.
const ADMIN_ACTIONS: &[&str] = &[
    "kms:CreateAlias",
    "kms:PutKeyPolicy",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
    "kms:UpdatePrimaryRegion",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:DeleteAlias",
    "kms:DeleteImportedKeyMaterial",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:RevokeGrant",
];

/// Cryptographic-use actions.
const USE_ACTIONS: &[&str] = &[
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let settings = ctx.settings;
    for Carrier {
        address,
        policy,
        block,
        calls,
    } in ctx.inventory.key_policy_documents()
    {
        let owners = owner_accounts(policy, &settings.accounts);
        let mut admins: BTreeMap<Identity, Loc> = BTreeMap::new();
        let mut users: BTreeMap<Identity, Loc> = BTreeMap::new();
        for (i, s) in allow_statements(policy).enumerate() {
            let any = |list: &[&str]| {
                list.iter()
                    .any(|a| statement_allows_action(s, a) == Some(true))
            };
            let (is_admin, is_user) = (any(ADMIN_ACTIONS), any(USE_ACTIONS));
            let full = s.actions.as_ref().is_some_and(|a| {
                !a.not
                    && a.items
                        .iter()
                        .any(|p| matches!(p.value.as_deref(), Some("kms:*" | "*")))
            });
            for p in s.principals.iter().flat_map(|p| &p.items) {
                let Some(id) = counted(p, &owners) else {
                    continue;
                };
                if full && matches!(id, Identity::InAccount(..)) {
                    sink.report_in(
                        address,
                        block,
                        calls,
                        p.id.loc.clone(),
                        format!(
                            "{} of the key policy of `{address}` gives `kms:*` (full control: administration and use) to the single identity {}",
                            s.name(i),
                            id.display()
                        ),
                    )
                    .label("full control")
                    .related(s.loc.clone(), s.name(i));
                }
                if is_admin {
                    admins.entry(id.clone()).or_insert_with(|| p.id.loc.clone());
                }
                if is_user {
                    users.entry(id).or_insert_with(|| p.id.loc.clone());
                }
            }
        }
        for (what, set, max) in [
            ("administer", &admins, settings.max_key_admins),
            ("use", &users, settings.max_key_users),
        ] {
            if set.len() > max {
                let mut locs: Vec<&Loc> = set.values().collect();
                locs.sort_by_key(|l| (l.file, l.span.start));
                let Some(at) = locs.get(max) else { continue };
                sink.report_in(
                    address,
                    block,
                    calls,
                    (*at).clone(),
                    format!(
                        "{} principals may {what} `{address}`, more than the maximum of {max}",
                        set.len()
                    ),
                )
                .label(format!("principal number {}", max + 1))
                .related(policy.loc.clone(), "the key policy");
            }
        }
    }
}

/// The identity to count, or `None` for principals not counted (the owner's root, services,
/// wildcards and unknown values).
fn counted(p: &Principal, owners: &[Account]) -> Option<Identity> {
    let id = Identity::of(p)?;
    match &id {
        Identity::Service(_) => None,
        Identity::Root(a) if owners.contains(a) || *a == Account::Any => None,
        _ => Some(id),
    }
}
