//! KMS016 grant-too-permissive: an `aws_kms_grant` that lets its grantee re-delegate, has no
//! encryption-context constraints, or goes to an untrusted account.

use crate::model::policy::{Principal, PrincipalKind, Str};
use crate::model::principal::{Account, Identity, names_caller, owner_accounts};
use crate::model::{Grant, Value, names_key};
use crate::rules::{Context, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS016",
    name: "grant-too-permissive",
    level: Level::Warning,
    summary: "A KMS grant allows re-delegation, has no constraints, or goes to an untrusted account",
    rationale: "A grant gives its grantee permissions on a key outside the key policy, and it is \
        easy to overlook in a review. With the CreateGrant operation the grantee can hand the same \
        permissions on to anyone; without `constraints` (encryption_context_equals or \
        encryption_context_subset) the grantee can use the key for any data, not only the \
        resources it was meant for; and a grantee in an account that is neither the owner nor \
        trusted gets access that no key policy shows.",
    bad: r#"resource "aws_kms_grant" "app" {
  name              = "app"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = aws_iam_role.app.arn
  operations        = ["Encrypt", "Decrypt", "CreateGrant"]
}"#,
    good: r#"resource "aws_kms_grant" "app" {
  name              = "app"
  key_id            = aws_kms_key.app.key_id
  grantee_principal = aws_iam_role.app.arn
  operations        = ["Encrypt", "Decrypt"]

  constraints {
    encryption_context_equals = {
      Department = "Finance"
    }
  }
}"#,
    remediation: "Remove CreateGrant from `operations`, add a `constraints` block that pins the \
        encryption context, and grant only to principals of the owner or trusted accounts \
        (`--trusted-account`).",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/grants.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-constraints",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_grant",
    ],
    security_severity: "5.0",
    precision: Precision::High,
    tags: &["external/cwe/cwe-269"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: None,
    check,
};

/// Operations that accept an encryption context, the only ones constraints can limit.
const CONTEXT_OPERATIONS: &[&str] = &[
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for grant in &ctx.inventory.grants {
        if let Value::Set(ops, _) = &grant.operations {
            if let Some((_, loc)) = ops.iter().find(|(op, _)| op == "CreateGrant") {
                sink.report_in(
                    &grant.address,
                    &grant.block,
                    &grant.calls,
                    loc.clone(),
                    format!(
                        "`{}` includes CreateGrant: the grantee can pass its permissions on to any principal",
                        grant.address
                    ),
                )
                .label("re-delegation")
                .related(grant.block.clone(), format!("resource `{}`", grant.address));
            }
            let context_ops: Vec<&str> = ops
                .iter()
                .map(|(op, _)| op.as_str())
                .filter(|op| CONTEXT_OPERATIONS.contains(op))
                .collect();
            if !grant.has_constraints && !context_ops.is_empty() {
                sink.report_in(
                    &grant.address,
                    &grant.block,
                    &grant.calls,
                    grant.header.clone(),
                    format!(
                        "`{}` has no `constraints`: the grantee may use {} with any encryption context",
                        grant.address,
                        context_ops.join(", ")
                    ),
                )
                .label("no encryption-context constraints");
            }
        }
        untrusted_grantee(ctx, grant, sink);
    }
}

fn untrusted_grantee(ctx: &Context<'_>, grant: &Grant, sink: &mut Sink) {
    let Value::Set(grantee, origin) = &grant.grantee_principal else {
        return;
    };
    let principal = Principal {
        kind: PrincipalKind::Aws,
        id: Str {
            value: Some(grantee.clone()),
            loc: origin.at.clone(),
            via: origin.via.clone(),
        },
    };
    let Some(Identity::Root(account) | Identity::InAccount(account, _)) = Identity::of(&principal)
    else {
        return;
    };
    let Account::Id(id) = &account else { return };
    let settings = ctx.settings;
    let mut owners: Vec<Account> = settings
        .accounts
        .iter()
        .map(|a| Account::Id(a.clone()))
        .collect();
    let mut caller_only = false;
    if owners.is_empty() {
        // The owner of the key the grant is for, as its key policy shows it: the key's `policy`,
        // or the `aws_kms_key_policy` that sets it.
        let inventory = ctx.inventory;
        let key = grant
            .key
            .as_deref()
            .and_then(|r| inventory.keys.iter().find(|k| names_key(r, &k.address)));
        let policy = key.and_then(|k| {
            k.policy.known().and_then(Option::as_ref).or_else(|| {
                inventory
                    .key_policies
                    .iter()
                    .filter(|p| p.key.as_deref().is_some_and(|r| names_key(r, &k.address)))
                    .find_map(|p| p.policy.known()?.as_ref())
            })
        });
        if let Some(policy) = policy {
            owners = owner_accounts(policy, &[]);
            // Known only as the deploying account: an account number is another account.
            caller_only =
                !owners.iter().any(|a| matches!(a, Account::Id(_))) && names_caller(policy);
        }
    }
    if !caller_only && !owners.iter().any(|a| matches!(a, Account::Id(_))) {
        return;
    }
    if owners.contains(&account) || settings.trusted_accounts.contains(id) {
        return;
    }
    sink.report_in(
        &grant.address,
        &grant.block,
        &grant.calls,
        origin.at.clone(),
        format!(
            "`{}` grants to {grantee}, in account {id}, {}",
            grant.address,
            if caller_only {
                format!(
                    "an account other than the deploying one (`data.aws_caller_identity`); if this code deploys into {id}, list it in `accounts`"
                )
            } else {
                "which is neither the owner nor trusted".to_string()
            }
        ),
    )
    .label("untrusted grantee")
    .related(grant.block.clone(), format!("resource `{}`", grant.address));
}
