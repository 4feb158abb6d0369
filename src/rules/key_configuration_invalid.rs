//! KMS020 key-configuration-invalid: key settings the KMS API rejects when Terraform applies them.

use crate::config::Settings;
use crate::fix::{Applicability, Fix};
use crate::model::{Key, KeyKind, Origin, Value};
use crate::rules::{Context, FixDoc, Level, Precision, Requires, Rule, Scope, Sink};

pub(crate) const RULE: Rule = Rule {
    id: "KMS020",
    name: "key-configuration-invalid",
    level: Level::Error,
    summary: "A KMS key setting is one the KMS API rejects at apply",
    rationale: "`terraform plan` succeeds, and `terraform apply` then fails half-way: KMS \
        rejects a deletion window outside 7 to 30 days, a rotation period outside 90 to 2560 \
        days, automatic rotation on a key that cannot rotate (asymmetric, HMAC, imported key \
        material, custom key store), and a key usage its key spec does not support. Other \
        resources of the same apply may already have been created or changed, leaving the \
        environment half-deployed until the configuration is fixed.",
    bad: r#"resource "aws_kms_key" "signing" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  enable_key_rotation      = true
  deletion_window_in_days  = 31
}"#,
    good: r#"resource "aws_kms_key" "signing" {
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = 30
}"#,
    remediation: "Use a value the KMS API accepts: `deletion_window_in_days` 7 to 30, \
        `rotation_period_in_days` 90 to 2560, `enable_key_rotation` only on symmetric encryption \
        keys whose material KMS generates, and a `key_usage` that the \
        `customer_master_key_spec` supports.",
    references: &[
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html",
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-KeyUsage",
        "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html#rotation-concepts",
    ],
    security_severity: "4.0",
    precision: Precision::VeryHigh,
    tags: &[],
    requires: Requires::Nothing,
    scope: Scope::Unit,
    fix: Some(FixDoc {
        applicability: Applicability::Safe,
        text: "Where one right value exists: a deletion window above 30 days becomes 30 (below \
            7, the configured minimum); a rotation period below 90 days becomes 90 (above 2560, the \
            configured maximum); `enable_key_rotation = true` on a key that cannot rotate becomes \
            `false`; a `key_usage` becomes the only one the key spec allows.",
    }),
    check,
};

/// `deletion_window_in_days` that ScheduleKeyDeletion accepts (`PendingWindowInDays`).
pub(crate) const DELETION_WINDOW_DAYS: std::ops::RangeInclusive<i64> = 7..=30;

/// `rotation_period_in_days` that EnableKeyRotation accepts (`RotationPeriodInDays`).
pub(crate) const ROTATION_PERIOD_DAYS: std::ops::RangeInclusive<i64> = 90..=2560;

/// The key usages CreateKey accepts for a key spec (CreateKey, `KeyUsage`); `None` for a spec
/// this table does not know, which is then not judged.
fn usages(spec: &str) -> Option<&'static [&'static str]> {
    Some(match spec {
        "SYMMETRIC_DEFAULT" => &["ENCRYPT_DECRYPT"],
        "HMAC_224" | "HMAC_256" | "HMAC_384" | "HMAC_512" => &["GENERATE_VERIFY_MAC"],
        "RSA_2048" | "RSA_3072" | "RSA_4096" => &["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
        "ECC_NIST_P256" | "ECC_NIST_P384" | "ECC_NIST_P521" => &["SIGN_VERIFY", "KEY_AGREEMENT"],
        "ECC_NIST_EDWARDS25519" | "ECC_SECG_P256K1" => &["SIGN_VERIFY"],
        "ML_DSA_44" | "ML_DSA_65" | "ML_DSA_87" => &["SIGN_VERIFY"],
        "SM2" => &["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"],
        _ => return None,
    })
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for key in &ctx.inventory.keys {
        deletion_window(key, ctx.settings, sink);
        rotation(key, ctx.settings, sink);
        key_usage(key, sink);
    }
}

fn deletion_window(key: &Key, settings: &Settings, sink: &mut Sink) {
    if let Value::Set(days, origin) = &key.deletion_window_in_days
        && !DELETION_WINDOW_DAYS.contains(days)
    {
        sink.report_key(
            key,
            Some(origin),
            format!(
                "`{}` has `deletion_window_in_days = {days}`, which KMS rejects: ScheduleKeyDeletion accepts 7 to 30 days (KMS API reference)",
                key.address
            ),
        )
        .label(format!("{days} is outside 7..30"))
        .fix(Fix::set(
            "deletion_window_in_days",
            &key.block,
            origin,
            days,
            fixed_window(*days, settings),
            Applicability::Safe,
        ));
    }
}

fn rotation(key: &Key, settings: &Settings, sink: &mut Sink) {
    if key.kind != KeyKind::Key {
        return;
    }
    if let Value::Set(true, origin) = &key.enable_key_rotation
        && let Some(why) = cannot_rotate(key)
    {
        sink.report_key(
            key,
            Some(origin),
            format!(
                "`{}` enables automatic rotation, which KMS rejects for {why}: only symmetric encryption keys whose material KMS generates rotate (KMS API reference, EnableKeyRotation)",
                key.address
            ),
        )
        .label("this key cannot rotate")
        .fix(Fix::set(
            "enable_key_rotation",
            &key.block,
            origin,
            true,
            false,
            Applicability::Safe,
        ));
    }
    if let Value::Set(days, origin) = &key.rotation_period_in_days
        && !ROTATION_PERIOD_DAYS.contains(days)
    {
        sink.report_key(
            key,
            Some(origin),
            format!(
                "`{}` has `rotation_period_in_days = {days}`, which KMS rejects: EnableKeyRotation accepts 90 to 2560 days (KMS API reference)",
                key.address
            ),
        )
        .label(format!("{days} is outside 90..2560"))
        .fix(Fix::set(
            "rotation_period_in_days",
            &key.block,
            origin,
            days,
            fixed_period(*days, settings),
            Applicability::Safe,
        ));
    }
}

/// Why a key cannot rotate, when the scan knows that it cannot.
fn cannot_rotate(key: &Key) -> Option<String> {
    if let Some(spec) = key.key_spec.known()
        && spec != "SYMMETRIC_DEFAULT"
    {
        let kind = if spec.starts_with("HMAC_") {
            "an HMAC key"
        } else {
            "an asymmetric key"
        };
        return Some(format!("{kind} (`{spec}`)"));
    }
    let in_store =
        |v: &Value<Option<String>>| matches!(v.known(), Some(Some(id)) if !id.is_empty());
    if in_store(&key.custom_key_store_id) || in_store(&key.xks_key_id) {
        return Some("a key in a custom key store".to_string());
    }
    None
}

fn key_usage(key: &Key, sink: &mut Sink) {
    let (Some(spec), Some(usage)) = (key.key_spec.known(), key.key_usage.known()) else {
        return;
    };
    let Some(allowed) = usages(spec) else { return };
    if allowed.contains(&usage.as_str()) {
        return;
    }
    // At the value written: the usage, else the spec that the default usage does not fit.
    let at: Option<&Origin> = key.key_usage.origin().or(key.key_spec.origin());
    let usage_text = match key.key_usage {
        Value::Default(_) => format!("the default `key_usage` {usage}"),
        _ => format!("`key_usage = \"{usage}\"`"),
    };
    let finding = sink.report_key(
        key,
        at,
        format!(
            "`{}` has {usage_text}, which KMS rejects for a `{spec}` key: it accepts {} (KMS API reference, CreateKey)",
            key.address,
            allowed.join(" or ")
        ),
    )
    .label(format!("`{spec}` does not support {usage}"));
    // One usage fits the spec: the written usage becomes that one.
    if let (Value::Set(_, origin), [only]) = (&key.key_usage, allowed) {
        finding.fix(Fix::set(
            "key_usage",
            &key.block,
            origin,
            format!("\"{usage}\""),
            format!("\"{only}\""),
            Applicability::Safe,
        ));
    }
}

/// The deletion window a fix writes: the nearest accepted one, and not below the configured
/// minimum, so that the fixed value is not KMS014's finding.
fn fixed_window(days: i64, settings: &Settings) -> i64 {
    let (low, high) = (*DELETION_WINDOW_DAYS.start(), *DELETION_WINDOW_DAYS.end());
    if days > high {
        high
    } else {
        settings.min_deletion_window_days.clamp(low, high)
    }
}

/// The rotation period a fix writes: the nearest accepted one, and not above the configured
/// maximum, so that the fixed value is not KMS002's finding.
fn fixed_period(days: i64, settings: &Settings) -> i64 {
    let (low, high) = (*ROTATION_PERIOD_DAYS.start(), *ROTATION_PERIOD_DAYS.end());
    if days < low {
        low
    } else {
        settings.max_rotation_period_days.clamp(low, high)
    }
}
