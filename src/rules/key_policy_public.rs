//! KMS001 key-policy-public: a key policy that allows everyone, unrestricted by any condition.

use crate::fix::{Applicability, Fix};
use crate::model::Carrier;
use crate::model::policy::{Condition, Effect, Statement};
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};
use crate::source::Loc;

pub(crate) const RULE: Rule = Rule {
    id: "KMS001",
    name: "key-policy-public",
    level: Level::Error,
    summary: "A KMS key policy allows any AWS principal to use or manage the key",
    rationale: "A key policy statement whose principal is `*` (in any form, or a `NotPrincipal` \
        with `Allow`) grants its actions to every AWS account in the world, unless a condition \
        restricts the callers to known ones. Only a condition on the caller's identity restricts: \
        kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths, \
        aws:PrincipalArn, aws:SourceAccount, aws:SourceOwner, aws:SourceArn, aws:SourceVpc, \
        aws:SourceVpce, aws:SourceOrgID, aws:userid or aws:username, with a positive String or Arn \
        operator (not negated, not IfExists, not ForAllValues) and fixed values (no wildcards, no \
        policy variables); or aws:SourceIp without 0.0.0.0/0. kms:ViaService alone does not \
        restrict: any account can call KMS through the same AWS service.",
    bad: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
    }]
  })
}"#,
    good: r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:CallerAccount" = "111122223333" }
      }
    }]
  })
}"#,
    remediation: "Name the principals (account roots or role ARNs) instead of `*`, or add a \
        condition that pins the caller, such as `StringEquals` on `kms:CallerAccount` or \
        `aws:PrincipalOrgID` with fixed values.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
        "https://docs.aws.amazon.com/config/latest/developerguide/kms-key-policy-no-public-access.html",
    ],
    security_severity: "9.1",
    precision: Precision::High,
    tags: &["external/cwe/cwe-732"],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Unsafe,
        text: "With owner accounts configured (`accounts`), a statement written as an HCL \
            object (`jsonencode`) that has no `Condition` gains `Condition = { StringEquals = { \
            \"kms:CallerAccount\" = \"<account>\" } }`, only with `--unsafe-fixes`: callers \
            from other accounts that the statement let in are shut out.",
    }),
    check,
};

/// Condition keys that identify the caller (compared case-insensitively, as IAM does).
const RESTRICTING_KEYS: &[&str] = &[
    "kms:calleraccount",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceorgid",
    "aws:userid",
    "aws:username",
];

const POSITIVE_OPERATORS: &[&str] = &[
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for Carrier {
        address,
        policy,
        block,
        calls,
    } in ctx.inventory.key_policy_documents()
    {
        for (i, statement) in policy.statements.iter().enumerate() {
            if statement.effect != Some(Effect::Allow) {
                continue;
            }
            let Some((at, how)) = everyone(statement) else {
                continue;
            };
            if statement.conditions_unknown {
                continue;
            }
            let verdicts: Vec<(&Condition, Result<(), String>)> = statement
                .conditions
                .iter()
                .map(|c| (c, restricts(c)))
                .collect();
            if verdicts.iter().any(|(_, v)| v.is_ok()) {
                continue;
            }
            let mut message = format!(
                "{} of the key policy of `{address}` allows {how}, and no condition restricts the caller",
                statement.name(i)
            );
            let rejected: Vec<&(&Condition, Result<(), String>)> =
                verdicts.iter().filter(|(_, v)| v.is_err()).collect();
            if let Some((_, Err(why))) = rejected.first() {
                message.push_str(&format!(": {why}"));
            } else {
                message.push_str(": add a condition such as `StringEquals` on `kms:CallerAccount` or `aws:PrincipalOrgID`");
            }
            let finding = sink.report_in(address, block, calls, at, message);
            finding.label("everyone");
            for (c, v) in &rejected {
                if let Err(why) = v {
                    finding.related(c.key.loc.clone(), format!("does not restrict: {why}"));
                }
            }
            finding.related(statement.loc.clone(), statement.name(i));
            // Principal `*` pinned to the owner accounts, when they are configured and the
            // statement has no condition to merge with.
            let accounts = &ctx.settings.accounts;
            if !principals_not(statement) && statement.conditions.is_empty() && !accounts.is_empty()
            {
                let quoted: Vec<String> = accounts.iter().map(|a| format!("{a:?}")).collect();
                let values = match quoted.as_slice() {
                    [one] => one.clone(),
                    many => format!("[{}]", many.join(", ")),
                };
                finding.fix(Fix::add_condition(
                    &statement.loc,
                    format!("{{ StringEquals = {{ \"kms:CallerAccount\" = {values} }} }}"),
                ));
            }
        }
    }
}

fn principals_not(statement: &Statement) -> bool {
    statement.principals.as_ref().is_some_and(|p| p.not)
}

/// Where and how a statement names everyone as its principal.
fn everyone(statement: &Statement) -> Option<(Loc, &'static str)> {
    let principals = statement.principals.as_ref()?;
    if principals.not {
        return Some((
            principals.key.clone(),
            "everyone except the principals in `NotPrincipal`",
        ));
    }
    let wildcard = principals.items.iter().find(|p| p.is_wildcard())?;
    Some((wildcard.id.loc.clone(), "every AWS principal (`*`)"))
}

/// Whether a condition limits the callers to known ones; `Err` says why not.
fn restricts(c: &Condition) -> Result<(), String> {
    let (Some(op), Some(key)) = (c.operator.value.as_deref(), c.key.value.as_deref()) else {
        // Unknown parts: treat as restricting, never guess a finding.
        return Ok(());
    };
    let key_lc = key.to_ascii_lowercase();
    let op_lc = op.to_ascii_lowercase();
    if op_lc.starts_with("forallvalues:") {
        return Err(format!(
            "`{op}` on `{key}` is also true when the request has no value for the key"
        ));
    }
    let base = op_lc.strip_prefix("foranyvalue:").unwrap_or(&op_lc);
    if base.ends_with("ifexists") {
        return Err(format!(
            "`{op}` on `{key}` is true when the key is absent from the request"
        ));
    }
    if key_lc == "aws:sourceip" {
        if base != "ipaddress" {
            return Err(format!(
                "`{op}` on `aws:SourceIp` does not pin the caller's network"
            ));
        }
        if c.values
            .iter()
            .any(|v| matches!(v.value.as_deref(), Some("0.0.0.0/0" | "::/0")))
        {
            return Err("`aws:SourceIp` allows every address (0.0.0.0/0 or ::/0)".to_string());
        }
        return Ok(());
    }
    if !RESTRICTING_KEYS.contains(&key_lc.as_str()) {
        return Err(if key_lc == "kms:viaservice" {
            "`kms:ViaService` names the service the request comes through, not the caller; any account can call KMS through the same service".to_string()
        } else {
            format!("`{key}` does not identify the caller")
        });
    }
    if !POSITIVE_OPERATORS.contains(&base) {
        return Err(format!(
            "`{op}` on `{key}` does not pin the caller to fixed values"
        ));
    }
    if c.values.is_empty() {
        return Err(format!("`{op}` on `{key}` lists no value"));
    }
    for v in &c.values {
        if let Some(value) = v.value.as_deref() {
            if value.contains(['*', '?']) || value.contains("${") {
                return Err(format!(
                    "the value \"{value}\" of `{key}` is not a fixed value"
                ));
            }
        }
    }
    Ok(())
}
