//! Adapter: HCL bodies of one module → the [`Inventory`] of the key resources they declare.

use hcl_edit::Span;
use hcl_edit::structure::{Block, Body};

use crate::model::key::defaults;
use crate::model::{Inventory, Key, KeyKind, Origin, Value};
use crate::source::{FileId, Loc};
use crate::terraform::eval::{Data, Evaluator, Val};

/// Adds the key resources of one parsed file to `inventory`.
pub fn adapt_file(file: FileId, body: &Body, inventory: &mut Inventory) {
    for block in body.get_blocks("resource") {
        let Some(ty) = block.labels.first().map(|l| l.as_str()) else {
            continue;
        };
        if let Some(kind) = KeyKind::from_resource_type(ty) {
            if let Some(key) = key(file, kind, block) {
                inventory.keys.push(key);
            }
        }
    }
}

/// Reads one attribute of a block.
struct Attrs<'a> {
    eval: Evaluator,
    block: &'a Block,
    block_loc: Loc,
}

impl Attrs<'_> {
    fn get(&self, name: &str) -> Option<Val> {
        let attr = self.block.body.get_attribute(name)?;
        Some(self.eval.eval(&attr.value, &self.block_loc))
    }

    /// Converts an attribute with `convert`; absent or `null` gives the default, a value of the
    /// wrong type or one the scan cannot know gives `Unknown`.
    fn value<T>(&self, name: &str, default: T, convert: impl Fn(&Val) -> Option<T>) -> Value<T> {
        match self.get(name) {
            None => Value::Default(default),
            Some(v) if v.is_null() => Value::Default(default),
            Some(v) => match convert(&v) {
                Some(t) => Value::Set(t, Origin::at(v.loc)),
                None => Value::Unknown(Origin::at(v.loc)),
            },
        }
    }

    fn bool(&self, name: &str, default: bool) -> Value<bool> {
        self.value(name, default, Val::to_bool)
    }

    fn int(&self, name: &str, default: i64) -> Value<i64> {
        self.value(name, default, Val::to_int)
    }

    fn string(&self, name: &str, default: &str) -> Value<String> {
        self.value(name, default.to_string(), Val::to_string_value)
    }

    fn opt_string(&self, name: &str) -> Value<Option<String>> {
        self.value(name, None, |v| v.to_string_value().map(Some))
    }
}

fn key(file: FileId, kind: KeyKind, block: &Block) -> Option<Key> {
    let name = block.labels.get(1)?.as_str();
    let block_span = block.span()?;
    let block_loc = Loc::new(file, block_span.clone());
    let attrs = Attrs {
        eval: Evaluator::new(file),
        block,
        block_loc: block_loc.clone(),
    };
    if has_no_instances(&attrs) {
        return None;
    }
    let header_end = block
        .labels
        .last()
        .and_then(Span::span)
        .map_or(block_span.start, |s| s.end);
    let header = Loc::new(file, block_span.start..header_end.max(block_span.start));
    let is_key = kind == KeyKind::Key;
    Some(Key {
        kind,
        address: format!("{}.{name}", kind.resource_type()),
        header,
        block: block_loc,
        key_spec: if is_key {
            attrs.string("customer_master_key_spec", defaults::KEY_SPEC)
        } else {
            Value::Default(defaults::KEY_SPEC.to_string())
        },
        key_usage: if is_key {
            attrs.string("key_usage", defaults::KEY_USAGE)
        } else {
            Value::Default(defaults::KEY_USAGE.to_string())
        },
        custom_key_store_id: attrs.opt_string("custom_key_store_id"),
        xks_key_id: attrs.opt_string("xks_key_id"),
        enable_key_rotation: attrs.bool("enable_key_rotation", false),
        rotation_period_in_days: attrs
            .int("rotation_period_in_days", defaults::ROTATION_PERIOD_DAYS),
        enabled: attrs.bool(kind.enabled_attribute(), true),
        bypass_policy_lockout_safety_check: attrs.bool("bypass_policy_lockout_safety_check", false),
        deletion_window_in_days: attrs
            .int("deletion_window_in_days", defaults::DELETION_WINDOW_DAYS),
        multi_region: attrs.bool("multi_region", false),
        valid_to: if kind.is_imported() {
            attrs.opt_string("valid_to")
        } else {
            Value::Default(None)
        },
    })
}

/// `count = 0`, or `for_each` over an empty collection, creates no key at all.
fn has_no_instances(attrs: &Attrs<'_>) -> bool {
    if let Some(count) = attrs.get("count") {
        if count.to_int() == Some(0) {
            return true;
        }
    }
    if let Some(each) = attrs.get("for_each") {
        match &each.data {
            Data::List(items) if items.is_empty() => return true,
            Data::Object(entries) if entries.is_empty() => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<Key> {
        let body = hcl_edit::parser::parse_body(src).unwrap();
        let mut inv = Inventory::default();
        adapt_file(FileId(0), &body, &mut inv);
        inv.keys
    }

    #[test]
    fn attributes_are_set_default_or_unknown() {
        let src = "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false\n  is_enabled = var.x\n  deletion_window_in_days = \"7\"\n}\n";
        let k = &keys(src)[0];
        assert_eq!(k.address, "aws_kms_key.a");
        assert_eq!(
            &src[k.header.span.clone()],
            "resource \"aws_kms_key\" \"a\""
        );
        let (v, o) = k.enable_key_rotation.set().unwrap();
        assert!(!v);
        assert_eq!(&src[o.at.span.clone()], "false");
        assert!(matches!(k.enabled, Value::Unknown(_)));
        assert_eq!(k.deletion_window_in_days.known(), Some(&7));
        assert_eq!(k.multi_region, Value::Default(false));
        assert_eq!(k.key_spec, Value::Default("SYMMETRIC_DEFAULT".into()));
    }

    #[test]
    fn enabled_attribute_depends_on_the_kind() {
        let src = "resource \"aws_kms_external_key\" \"e\" {\n  is_enabled = false\n  enabled = false\n}\nresource \"aws_kms_key\" \"k\" {\n  enabled = false\n}\n";
        let ks = keys(src);
        assert!(ks[0].enabled.is_false());
        assert_eq!(ks[1].enabled, Value::Default(true));
    }

    #[test]
    fn null_means_default_and_zero_count_means_absent() {
        let src = "resource \"aws_kms_key\" \"a\" {\n  multi_region = null\n}\nresource \"aws_kms_key\" \"b\" {\n  count = 0\n}\nresource \"aws_kms_key\" \"c\" {\n  for_each = {}\n}\n";
        let ks = keys(src);
        assert_eq!(ks.len(), 1);
        assert_eq!(ks[0].multi_region, Value::Default(false));
    }
}
