//! What the three tier rules (KMS007–KMS009) share: is there an enabled key with the tier's tag?

use crate::config::Tier;
use crate::model::{Key, Value};
use crate::rules::{Context, Sink};
use crate::source::Loc;

/// Reports each `[tiers.NAME]` entry for `tier` that no enabled key of the scan satisfies.
pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink, tier: Tier) {
    let inventory = ctx.inventory;
    let deleted = |k: &Key| {
        inventory
            .deletions
            .iter()
            .any(|d| !d.replace && d.address == k.address)
    };
    for option in ctx.settings.tiers.iter().filter(|o| o.tier == tier) {
        let Some(file) = ctx.config_file(&option.at.path) else {
            continue;
        };
        let wanted = match &option.value {
            Some(v) => format!("`{} = \"{v}\"`", option.tag),
            None => format!("`{}`", option.tag),
        };
        let tagged = |k: &Key| -> Option<bool> {
            let tags = match &k.tags {
                Value::Unknown(_) => return None,
                Value::Set(t, _) | Value::Default(t) => t,
            };
            Some(tags.iter().any(|(key, value)| {
                *key == option.tag && option.value.as_ref().is_none_or(|v| v == value)
            }))
        };
        // Only a key the scan knows to be enabled and tagged satisfies the tier: unknown tags (a
        // module's variable never given a value) might be anything, and counting them would
        // silence the rule.
        let satisfied = inventory
            .keys
            .iter()
            .any(|k| !deleted(k) && k.enabled.is_known_and(|e| *e) && tagged(k) == Some(true));
        if satisfied {
            continue;
        }
        let mut message = format!(
            "no enabled customer-managed key in the scan is tagged {wanted} (the {} tier key)",
            tier.name()
        );
        if let Some(k) = inventory.keys.iter().find(|k| tagged(k) == Some(true)) {
            message.push_str(&format!(
                "; `{}` is tagged so but is {}",
                k.address,
                if deleted(k) {
                    "deleted by the plan"
                } else if k.enabled.is_false() {
                    "disabled"
                } else {
                    "not known to be enabled"
                }
            ));
        } else if let Some((k, key, value)) =
            near_miss(&inventory.keys, &option.tag, option.value.as_deref())
        {
            message.push_str(&format!(
                "; `{}` has `{key} = \"{value}\"`, but tags match case-sensitively",
                k.address
            ));
        } else if let Some(k) = inventory.keys.iter().find(|k| tagged(k).is_none()) {
            message.push_str(&format!(
                "; the tags of `{}` are not known, so it does not count",
                k.address
            ));
        }
        sink.report(
            &format!("tiers.{}", tier.name()),
            Loc::new(file, option.at.span.clone()),
            message,
        )
        .label("required here");
    }
}

/// A key whose tag matches only when case is ignored: the likely cause of a missing tier.
fn near_miss<'a>(
    keys: &'a [Key],
    tag: &str,
    value: Option<&str>,
) -> Option<(&'a Key, &'a str, &'a str)> {
    keys.iter().find_map(|k| {
        let tags = k.tags.known()?;
        tags.iter().find_map(|(key, v)| {
            (key.eq_ignore_ascii_case(tag) && value.is_none_or(|w| v.eq_ignore_ascii_case(w)))
                .then_some((k, key.as_str(), v.as_str()))
        })
    })
}
