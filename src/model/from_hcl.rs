//! Adapter: the parsed files of one module → the [`Inventory`] of what they declare: key
//! resources with their policies, and `aws_kms_key_policy` resources linked to their key.

use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};

use crate::model::key::defaults;
use crate::model::policy::{Policy, Problem};
use crate::model::policy_document::Documents;
use crate::model::{Grant, IamPolicy, Inventory, Key, KeyKind, KeyPolicyResource, Origin, Value};
use crate::source::{FileId, Loc, SourceFile};
use crate::terraform::eval::{Data, Evaluator, Val};
use crate::terraform::json;

/// One parsed file of a module.
pub struct ParsedFile<'a> {
    pub id: FileId,
    pub source: &'a SourceFile,
    pub body: Body,
}

/// Adds what the files of one module declare to `inventory`. `module` names the module (its
/// directory as displayed).
pub fn adapt_module(module: &str, files: &[ParsedFile<'_>], inventory: &mut Inventory) {
    let docs = Documents::collect(files);
    for file in files {
        for block in file.body.get_blocks("resource") {
            let Some(ty) = block.labels.first().map(|l| l.as_str()) else {
                continue;
            };
            let attrs = Attrs::new(file, block, &docs);
            if let Some(kind) = KeyKind::from_resource_type(ty) {
                if let Some(key) = key(module, kind, &attrs) {
                    inventory.keys.push(key);
                }
            } else if ty == "aws_kms_key_policy" {
                if let Some(kp) = key_policy_resource(module, &attrs) {
                    inventory.key_policies.push(kp);
                }
            } else if ty == "aws_kms_grant" {
                if let Some(grant) = grant(module, &attrs) {
                    inventory.grants.push(grant);
                }
            } else if IAM_POLICY_TYPES.contains(&ty) {
                iam_policies(&attrs, inventory);
            }
        }
    }
}

/// Resource types whose `policy` (or `inline_policy { policy }`) is an IAM identity policy.
const IAM_POLICY_TYPES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
];

/// Reads the attributes of one block.
struct Attrs<'a> {
    eval: Evaluator,
    file: &'a ParsedFile<'a>,
    source: &'a SourceFile,
    block: &'a Block,
    block_loc: Loc,
    docs: &'a Documents<'a>,
}

impl<'a> Attrs<'a> {
    fn new(file: &'a ParsedFile<'a>, block: &'a Block, docs: &'a Documents<'a>) -> Self {
        let span = block.span().unwrap_or(0..0);
        Attrs {
            eval: Evaluator::new(file.id),
            file,
            source: file.source,
            block,
            block_loc: Loc::new(file.id, span),
            docs,
        }
    }

    /// The same reader for a nested block (`inline_policy`).
    fn nested(&self, block: &'a Block) -> Attrs<'a> {
        Attrs::new(self.file, block, self.docs)
    }

    fn label(&self, i: usize) -> Option<&str> {
        self.block.labels.get(i).map(|l| l.as_str())
    }

    /// The block header, `resource "aws_kms_key" "app"`: where findings about absent attributes point.
    fn header(&self) -> Loc {
        let start = self.block_loc.span.start;
        let end = self
            .block
            .labels
            .last()
            .and_then(Span::span)
            .map_or(start, |s| s.end.max(start));
        Loc::new(self.block_loc.file, start..end)
    }

    /// A policy attribute: `jsonencode({...})`, JSON in a string or heredoc, or unknown.
    fn policy(&self, name: &str) -> Value<Option<Policy>> {
        let Some(attr) = self.block.body.get_attribute(name) else {
            return Value::Default(None);
        };
        let expr = &attr.value;
        let file = self.block_loc.file;
        if let Some(doc) = self.docs.resolve(expr) {
            let loc = Loc::new(file, expr.span().unwrap_or(self.block_loc.span.clone()));
            let policy = Policy::from_val(&doc);
            return if doc.is_unknown() {
                Value::Unknown(Origin::at(loc))
            } else {
                Value::Set(Some(policy), Origin::at(loc))
            };
        }
        if let Some(parsed) = json::string_json(expr, file, self.source, &self.eval) {
            let loc = Loc::new(file, expr.span().unwrap_or(self.block_loc.span.clone()));
            return match parsed {
                Ok(doc) if doc.is_unknown() => Value::Unknown(Origin::at(loc)),
                Ok(doc) => Value::Set(Some(Policy::from_val(&doc)), Origin::at(loc)),
                Err(problem) => Value::Set(
                    Some(Policy {
                        loc: loc.clone(),
                        statements: Vec::new(),
                        problems: vec![Problem {
                            loc: problem.loc,
                            message: problem.message,
                        }],
                        unknown: false,
                    }),
                    Origin::at(loc),
                ),
            };
        }
        let v = self.eval.eval(expr, &self.block_loc);
        match &v.data {
            Data::Null => Value::Default(None),
            Data::Json(doc) => Value::Set(Some(Policy::from_val(doc)), Origin::at(v.loc.clone())),
            _ => Value::Unknown(Origin::at(v.loc)),
        }
    }

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

fn key(module: &str, kind: KeyKind, attrs: &Attrs<'_>) -> Option<Key> {
    let name = attrs.label(1)?;
    if has_no_instances(attrs) {
        return None;
    }
    let is_key = kind == KeyKind::Key;
    Some(Key {
        kind,
        address: format!("{}.{name}", kind.resource_type()),
        module: module.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        policy: attrs.policy("policy"),
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

fn key_policy_resource(module: &str, attrs: &Attrs<'_>) -> Option<KeyPolicyResource> {
    let name = attrs.label(1)?;
    if has_no_instances(attrs) {
        return None;
    }
    let key_id = attrs.block.body.get_attribute("key_id");
    Some(KeyPolicyResource {
        address: format!("aws_kms_key_policy.{name}"),
        module: module.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        key: key_id.and_then(|a| key_reference(&a.value)),
        policy: attrs.policy("policy"),
        bypass_policy_lockout_safety_check: attrs.bool("bypass_policy_lockout_safety_check", false),
    })
}

/// `policy` of an IAM policy resource, and each `inline_policy` block of an `aws_iam_role`.
fn iam_policies(attrs: &Attrs<'_>, inventory: &mut Inventory) {
    let (Some(ty), Some(name)) = (attrs.label(0), attrs.label(1)) else {
        return;
    };
    if has_no_instances(attrs) {
        return;
    }
    let address = format!("{ty}.{name}");
    let mut push = |a: &Attrs<'_>| {
        inventory.iam_policies.push(IamPolicy {
            address: address.clone(),
            header: attrs.header(),
            block: a.block_loc.clone(),
            policy: a.policy("policy"),
        });
    };
    if ty == "aws_iam_role" {
        for inline in attrs.block.body.get_blocks("inline_policy") {
            push(&attrs.nested(inline));
        }
    } else {
        push(attrs);
    }
}

fn grant(module: &str, attrs: &Attrs<'_>) -> Option<Grant> {
    let name = attrs.label(1)?;
    if has_no_instances(attrs) {
        return None;
    }
    let operations = match attrs.get("operations") {
        None => Value::Default(Vec::new()),
        Some(v) => match &v.data {
            Data::List(items) if items.iter().all(|i| i.data_str().is_some()) => Value::Set(
                items
                    .iter()
                    .filter_map(|i| Some((i.data_str()?.to_string(), i.loc.clone())))
                    .collect(),
                Origin::at(v.loc.clone()),
            ),
            _ => Value::Unknown(Origin::at(v.loc.clone())),
        },
    };
    Some(Grant {
        address: format!("aws_kms_grant.{name}"),
        module: module.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        key: attrs
            .block
            .body
            .get_attribute("key_id")
            .and_then(|a| key_reference(&a.value)),
        grantee_principal: attrs.value("grantee_principal", String::new(), Val::to_string_value),
        operations,
        has_constraints: attrs.block.body.get_blocks("constraints").next().is_some()
            || attrs.block.body.get_blocks("dynamic").next().is_some(),
    })
}

/// `aws_kms_key.NAME.id` (or `.key_id`, `.arn`, and the other key types) → `aws_kms_key.NAME`.
fn key_reference(expr: &Expression) -> Option<String> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    KeyKind::from_resource_type(root.as_str())?;
    let mut ops = t.operators.iter().map(|op| op.value());
    let name = match ops.next()? {
        TraversalOperator::GetAttr(id) => id.as_str(),
        _ => return None,
    };
    // `aws_kms_key.x[0].arn` and `aws_kms_key.x["a"].arn` reach an instance of the same block.
    for op in ops {
        match op {
            TraversalOperator::GetAttr(attr)
                if matches!(attr.as_str(), "id" | "key_id" | "arn") =>
            {
                return Some(format!("{}.{name}", root.as_str()));
            }
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
            _ => return None,
        }
    }
    None
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

    fn inventory(src: &str) -> Inventory {
        let source = SourceFile::new("main.tf".into(), "main.tf".into(), src.to_string());
        let file = ParsedFile {
            id: FileId(0),
            source: &source,
            body: hcl_edit::parser::parse_body(src).unwrap(),
        };
        let mut inv = Inventory::default();
        adapt_module(".", &[file], &mut inv);
        inv
    }

    fn keys(src: &str) -> Vec<Key> {
        inventory(src).keys
    }

    #[test]
    fn key_policy_resources_link_to_their_key() {
        let src = "resource \"aws_kms_key_policy\" \"a\" {\n  key_id = aws_kms_key.k.id\n  policy = jsonencode({ Statement = [] })\n}\nresource \"aws_kms_key_policy\" \"b\" {\n  key_id = aws_kms_key.each[\"x\"].arn\n}\nresource \"aws_kms_key_policy\" \"c\" {\n  key_id = var.key\n}\n";
        let inv = inventory(src);
        let keys: Vec<_> = inv.key_policies.iter().map(|k| k.key.clone()).collect();
        assert_eq!(
            keys,
            vec![
                Some("aws_kms_key.k".into()),
                Some("aws_kms_key.each".into()),
                None
            ]
        );
        assert!(matches!(inv.key_policies[0].policy, Value::Set(Some(_), _)));
        assert_eq!(inv.key_policies[1].policy, Value::Default(None));
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
