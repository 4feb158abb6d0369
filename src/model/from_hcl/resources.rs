//! Reading resource blocks into the inventory: keys, key policies, grants and IAM policies, each
//! attribute evaluated in the scope of its module instance.

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;

use crate::model::encryption::{
    Encryption, NamedKey, On, ROWS, aws_managed, not_a_key_setting, read_by_table,
};
use crate::model::key::defaults;
use crate::model::policy::{Policy, Problem};
use crate::model::{
    Alias, Grant, IamPolicy, Inventory, Key, KeyKind, KeyPolicyResource, Origin, Related, Value,
};
use crate::source::{Loc, SourceFile};
use crate::terraform::eval::{Data, Evaluator, Val, alias_ref_name, key_ref_address, relocate};
use crate::terraform::json;

/// Resource types whose `policy` (or `inline_policy { policy }`) is an IAM identity policy.
pub(super) const IAM_POLICY_TYPES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
];

/// Functions that always return a string (or fail): their result is never null.
const STRING_FUNCTIONS: &[&str] = &[
    "timeadd",
    "timestamp",
    "plantimestamp",
    "formatdate",
    "format",
    "replace",
    "join",
    "lower",
    "upper",
    "trimspace",
    "substr",
];

/// Where a resource instance sits: its module instance and instance key.
pub(super) struct Place<'a> {
    /// Identifies the module instance (directory and address prefix).
    pub module: &'a str,
    /// The root module directory of the analysis.
    pub root: &'a str,
    /// `default_tags` of the provider configuration the resource uses.
    pub default_tags: Option<&'a Val>,
    /// Address prefix of the module instance (`module.kms.`).
    pub prefix: &'a str,
    /// `[0]` or `["a"]` for an instance of a `count`/`for_each` resource, else empty.
    pub instance: String,
    /// The module calls that led here, outermost first.
    pub calls: &'a [Related],
}

/// Reads the attributes of one block.
pub(super) struct Attrs<'a> {
    pub eval: Evaluator<'a>,
    pub source: &'a SourceFile,
    pub block: &'a Block,
    pub block_loc: Loc,
}

impl<'a> Attrs<'a> {
    pub(super) fn new(eval: Evaluator<'a>, source: &'a SourceFile, block: &'a Block) -> Self {
        let block_loc = Loc::new(eval.file, block.span().unwrap_or(0..0));
        Attrs {
            eval,
            source,
            block,
            block_loc,
        }
    }

    fn nested(&self, block: &'a Block) -> Attrs<'a> {
        Attrs::new(self.eval.clone(), self.source, block)
    }

    pub(super) fn label(&self, i: usize) -> Option<&'a str> {
        self.block.labels.get(i).map(|l| l.as_str())
    }

    /// The block header, `resource "aws_kms_key" "app"`: where findings about absent attributes point.
    pub(super) fn header(&self) -> Loc {
        let start = self.block_loc.span.start;
        let end = self
            .block
            .labels
            .last()
            .and_then(Span::span)
            .map_or(start, |s| s.end.max(start));
        Loc::new(self.block_loc.file, start..end)
    }

    pub(super) fn get(&self, name: &str) -> Option<Val> {
        let attr = self.block.body.get_attribute(name)?;
        Some(self.eval.eval(&attr.value, &self.block_loc))
    }

    /// A policy attribute: `jsonencode({...})`, a policy document, JSON in a string or heredoc
    /// (located inside the `.tf` text), JSON text computed elsewhere, or unknown.
    fn policy(&self, name: &str) -> Value<Option<Policy>> {
        let Some(attr) = self.block.body.get_attribute(name) else {
            return Value::Default(None);
        };
        let expr = &attr.value;
        let file = self.block_loc.file;
        let expr_loc = Loc::new(file, expr.span().unwrap_or(self.block_loc.span.clone()));
        // The provider sends no policy for `""` (AWS then applies the default key policy), and
        // `terraform validate` accepts it: absent, not invalid JSON.
        if matches!(expr, Expression::String(s) if s.value().is_empty()) {
            return Value::Default(None);
        }
        let parsed = json::string_json(expr, file, self.source, &self.eval)
            .or_else(|| self.eval.templatefile_json(expr))
            .or_else(|| {
                let v = self.eval.eval(expr, &self.block_loc);
                match v.data {
                    Data::Null => None,
                    Data::String(ref text) if text.is_empty() => None,
                    Data::Json(doc) => Some(Ok(*doc)),
                    Data::String(ref text) => Some(computed_json(text, &v)),
                    _ => Some(Ok(Val::unknown(v.loc))),
                }
            });
        match parsed {
            None => Value::Default(None),
            Some(Ok(doc)) if doc.is_unknown() => Value::Unknown(origin(&expr_loc, &doc)),
            Some(Ok(doc)) => Value::Set(Some(Policy::from_val(&doc)), origin(&expr_loc, &doc)),
            Some(Err(problem)) => Value::Set(
                Some(Policy {
                    loc: expr_loc.clone(),
                    statements: Vec::new(),
                    problems: vec![Problem {
                        loc: problem.loc,
                        message: problem.message,
                    }],
                    unknown: false,
                }),
                Origin::at(expr_loc),
            ),
        }
    }

    /// Converts an attribute with `convert`; absent or `null` gives the default, a value of the
    /// wrong type or one the scan cannot know gives `Unknown`.
    pub(super) fn value<T>(
        &self,
        name: &str,
        default: T,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Value<T> {
        match self.get(name) {
            None => Value::Default(default),
            Some(v) if v.is_null() => Value::Default(default),
            Some(v) => match convert(&v) {
                Some(t) => Value::Set(t, value_origin(v)),
                None => Value::Unknown(value_origin(v)),
            },
        }
    }

    pub(super) fn bool(&self, name: &str, default: bool) -> Value<bool> {
        self.value(name, default, Val::to_bool)
    }

    fn int(&self, name: &str, default: i64) -> Value<i64> {
        self.value(name, default, Val::to_int)
    }

    fn string(&self, name: &str, default: &str) -> Value<String> {
        self.value(name, default.to_string(), Val::to_string_value)
    }

    /// An optional string; the provider treats `""` as not set (`kms_key_id = ""`,
    /// `custom_key_store_id = ""`), so it is the default here too.
    fn opt_string(&self, name: &str) -> Value<Option<String>> {
        match self.value(name, None, |v| v.to_string_value().map(Some)) {
            Value::Set(Some(s), _) if s.is_empty() => Value::Default(None),
            v => v,
        }
    }

    /// `valid_to` of imported key material. A value computed when Terraform runs
    /// (`timeadd(plantimestamp(), "8760h")`) is unknown but certainly set: a string function
    /// or template never gives null, so the material expires even though the date is not known.
    fn expiry(&self) -> Value<Option<String>> {
        let value = self.opt_string("valid_to");
        let Value::Unknown(origin) = value else {
            return value;
        };
        let never_null =
            self.block
                .body
                .get_attribute("valid_to")
                .is_some_and(|a| match &a.value {
                    Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => true,
                    Expression::FuncCall(call) => {
                        call.name.namespace.is_empty()
                            && STRING_FUNCTIONS.contains(&call.name.name.as_str())
                    }
                    _ => false,
                });
        if never_null {
            Value::Set(None, origin)
        } else {
            Value::Unknown(origin)
        }
    }

    /// The key an attribute such as `key_id` refers to (`aws_kms_key.app.arn` directly or
    /// through variables, locals and module outputs), or the alias marker of a key looked up by
    /// an alias name, which [`resolve_aliases`] replaces.
    fn key_reference(&self, name: &str) -> Option<String> {
        let v = self.get(name)?;
        let text = v.data_str()?;
        match key_ref_address(text) {
            Some(address) => Some(address.to_string()),
            None => alias_ref_name(text).map(|_| text.to_string()),
        }
    }
}

/// The origin of an evaluated value: where it was written, and the references it came through.
fn value_origin(v: Val) -> Origin {
    Origin {
        at: v.loc,
        via: v.via,
    }
}

fn origin(expr_loc: &Loc, doc: &Val) -> Origin {
    let mut o = Origin::at(expr_loc.clone());
    o.via = doc.via.clone();
    o
}

/// JSON text computed by an expression (a `templatefile`, a variable): parsed strictly; exact
/// positions when the text is a file's whole content, else every element at the value.
fn computed_json(text: &str, v: &Val) -> Result<Val, json::JsonProblem> {
    let verbatim = v.loc.span.len() == text.len();
    let offset = if verbatim { v.loc.span.start } else { 0 };
    match json::text_json(text, v.loc.file, offset) {
        Ok(mut doc) => {
            if !verbatim {
                relocate(&mut doc, &v.loc);
            }
            doc.via = v.via.clone();
            Ok(doc)
        }
        Err(mut problem) => {
            if !verbatim {
                problem.loc = v.loc.clone();
            }
            Err(problem)
        }
    }
}

pub(super) fn key(place: &Place<'_>, kind: KeyKind, attrs: &Attrs<'_>) -> Option<Key> {
    let name = attrs.label(1)?;
    let is_key = kind == KeyKind::Key;
    Some(Key {
        kind,
        address: format!(
            "{}{}.{name}{}",
            place.prefix,
            kind.resource_type(),
            place.instance
        ),
        module: place.module.to_string(),
        root: place.root.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        calls: place.calls.to_vec(),
        policy: attrs.policy("policy"),
        tags: tags(place.default_tags, attrs.get("tags")),
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
            attrs.expiry()
        } else {
            Value::Default(None)
        },
    })
}

/// The tags a resource ends up with: the provider's `default_tags`, then its own `tags`.
/// Unknown when either is (or holds a value that is).
fn tags(default: Option<&Val>, own: Option<Val>) -> Value<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut at = None;
    for v in default.into_iter().chain(own.as_ref()) {
        match &v.data {
            Data::Null => {}
            Data::Object(entries) => {
                for (k, val) in entries {
                    let (Some(k), Some(val)) = (k.to_string_value(), val.to_string_value()) else {
                        return Value::Unknown(Origin::at(v.loc.clone()));
                    };
                    out.retain(|(k2, _)| *k2 != k);
                    out.push((k, val));
                }
                at = Some(v.loc.clone());
            }
            _ => return Value::Unknown(Origin::at(v.loc.clone())),
        }
    }
    match at {
        Some(loc) => Value::Set(out, Origin::at(loc)),
        None => Value::Default(Vec::new()),
    }
}

/// An `aws_kms_alias`: its name and the key it points at.
pub(super) fn alias(place: &Place<'_>, attrs: &Attrs<'_>) -> Option<Alias> {
    let name = attrs.label(1)?;
    let target = match attrs.get("target_key_id") {
        None => Value::Default(None),
        Some(v) => match v.data_str().map(|s| key_ref_address(s).map(str::to_string)) {
            Some(found) => Value::Set(found, Origin::at(v.loc.clone())),
            None => Value::Unknown(Origin::at(v.loc.clone())),
        },
    };
    Some(Alias {
        address: format!("{}aws_kms_alias.{name}{}", place.prefix, place.instance),
        header: attrs.header(),
        name: attrs.string("name", ""),
        name_prefix: attrs.get("name_prefix").is_some(),
        target,
    })
}

/// The KMS settings of a resource type in the KMS011 table: one entry per block that holds a key.
pub(super) fn encryptions(
    place: &Place<'_>,
    attrs: &Attrs<'_>,
    ty: &str,
    inventory: &mut Inventory,
) {
    let Some(name) = attrs.label(1) else { return };
    let address = format!("{}{ty}.{name}{}", place.prefix, place.instance);
    for row in ROWS.iter().filter(|r| r.resource == ty) {
        let mut leaves = vec![Leaf {
            block: attrs.block,
            eval: attrs.eval.clone(),
            maybe: false,
        }];
        // Whether a `dynamic` block on the way makes blocks that cannot be counted.
        let mut uncounted = false;
        for segment in row.blocks {
            let mut next = Vec::new();
            for leaf in &leaves {
                next.extend(leaf.block.body.get_blocks(segment).map(|b| Leaf {
                    block: b,
                    eval: leaf.eval.clone(),
                    maybe: leaf.maybe,
                }));
                let dynamics = leaf.block.body.get_blocks("dynamic");
                for d in
                    dynamics.filter(|d| d.labels.first().is_some_and(|l| l.as_str() == *segment))
                {
                    uncounted |= dynamic_leaves(&leaf.eval, d, leaf.maybe, &mut next);
                }
            }
            leaves = next;
        }
        // Always encrypted: without the blocks that would name a key, the fallback key is used.
        if leaves.is_empty() && row.on == On::Always && !uncounted {
            inventory.encryptions.push(Encryption {
                address: address.clone(),
                row,
                header: attrs.header(),
                block: attrs.block_loc.clone(),
                calls: place.calls.to_vec(),
                key: Value::Default(None),
                on: Value::Default(true),
            });
        }
        for leaf in leaves {
            let leaf_attrs = Attrs::new(leaf.eval, attrs.source, leaf.block);
            let on = if leaf.maybe {
                // A block a `dynamic` may or may not make: its key is read, its being on is not
                // known.
                Value::Unknown(Origin::at(leaf_attrs.block_loc.clone()))
            } else {
                row.on
                    .eval(&|a, test| leaf_attrs.value(a, false, test), &|b| {
                        leaf.block.body.get_blocks(b).next().is_some()
                    })
            };
            // The provider reads key attributes with `GetOk`: `""` is unset.
            let key = match leaf_attrs.opt_string(row.key) {
                Value::Set(Some(k), _) if k.is_empty() => Value::Default(None),
                other => other,
            };
            inventory.encryptions.push(Encryption {
                address: address.clone(),
                row,
                header: attrs.header(),
                block: leaf_attrs.block_loc.clone(),
                calls: place.calls.to_vec(),
                key,
                on,
            });
        }
    }
}

/// A nested block the KMS011 table reads, with the evaluator of its expressions (the content of
/// a `dynamic` block sees its iterator).
struct Leaf<'a> {
    block: &'a Block,
    eval: Evaluator<'a>,
    /// Made by a `dynamic` block whose `for_each` is not known: it may not exist.
    maybe: bool,
}

/// Instances of one `dynamic` block expanded, at most; past this they are not counted.
const MAX_DYNAMIC_INSTANCES: usize = 256;

/// Adds the `content` blocks a `dynamic` block makes, one per element of its `for_each` with
/// the iterator (its `iterator`, else its label) bound to `{ key, value }`. When `for_each` is not
/// known, one block whose iterator is unknown stands for them all, marked as maybe made; the
/// return value says so.
fn dynamic_leaves<'a>(
    eval: &Evaluator<'a>,
    dynamic: &'a Block,
    maybe: bool,
    out: &mut Vec<Leaf<'a>>,
) -> bool {
    let loc = Loc::new(eval.file, dynamic.span().unwrap_or(0..0));
    let name = match dynamic.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(v)) => v.as_str().to_string(),
        Some(_) => return false,
        None => match dynamic.labels.first() {
            Some(label) => label.as_str().to_string(),
            None => return false,
        },
    };
    let items = dynamic
        .body
        .get_attribute("for_each")
        .map(|a| eval.eval(&a.value, &loc));
    let elements: Option<Vec<(Val, Val)>> = match items.map(|v| v.data) {
        Some(Data::List(items)) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let index = Val::new(Data::Number(i as f64), v.loc.clone());
                    (index, v)
                })
                .collect(),
        ),
        Some(Data::Object(entries)) => Some(entries),
        Some(Data::Null) => Some(Vec::new()),
        _ => None,
    };
    let iterator = |key: Val, value: Val| {
        let entries = vec![
            (Val::new(Data::String("key".into()), loc.clone()), key),
            (Val::new(Data::String("value".into()), loc.clone()), value),
        ];
        vec![(name.clone(), Val::new(Data::Object(entries), loc.clone()))]
    };
    let contents = || dynamic.body.get_blocks("content");
    match elements.filter(|e| e.len() <= MAX_DYNAMIC_INSTANCES) {
        Some(elements) => {
            for (key, value) in elements {
                let bound = eval.bind(iterator(key, value));
                out.extend(contents().map(|block| Leaf {
                    block,
                    eval: bound.clone(),
                    maybe,
                }));
            }
            false
        }
        None => {
            let bound = eval.bind(vec![(name.clone(), Val::unknown(loc.clone()))]);
            out.extend(contents().map(|block| Leaf {
                block,
                eval: bound.clone(),
                maybe: true,
            }));
            true
        }
    }
}

/// Every attribute of a resource (nested blocks included) whose known value names an
/// AWS-managed key, outside the attributes the table reads (those are [`encryptions`]).
pub(super) fn named_keys(
    place: &Place<'_>,
    attrs: &Attrs<'_>,
    ty: &str,
    inventory: &mut Inventory,
) {
    let Some(name) = attrs.label(1) else { return };
    let address = format!("{}{ty}.{name}{}", place.prefix, place.instance);
    let mut path = Vec::new();
    scan_block(place, attrs, ty, &address, &mut path, inventory);
}

/// Blocks below this depth are not scanned (a hostile file can nest without end).
const MAX_SCAN_DEPTH: usize = 8;

fn scan_block<'a>(
    place: &Place<'_>,
    attrs: &Attrs<'a>,
    ty: &str,
    address: &str,
    path: &mut Vec<&'a str>,
    inventory: &mut Inventory,
) {
    for attr in attrs.block.body.attributes() {
        let attribute = attr.key.as_str();
        if (path.is_empty()
            && matches!(attribute, "count" | "for_each" | "provider" | "depends_on"))
            || not_a_key_setting(attribute)
            || read_by_table(ty, path, attribute)
            || !may_name_key(&attr.value)
        {
            continue;
        }
        let value = attrs.eval.eval(&attr.value, &attrs.block_loc);
        let mut found = Vec::new();
        managed_strings(&value, 0, &mut found);
        for (key, origin) in found {
            let mut full = path.join(".");
            if !full.is_empty() {
                full.push('.');
            }
            full.push_str(attribute);
            inventory.named_keys.push(NamedKey {
                address: address.to_string(),
                header: attrs.header(),
                block: attrs.block_loc.clone(),
                calls: place.calls.to_vec(),
                attribute: full,
                module_input: false,
                key,
                origin,
            });
        }
    }
    if path.len() >= MAX_SCAN_DEPTH {
        return;
    }
    for block in attrs.block.body.blocks() {
        let ident = block.ident.as_str();
        if matches!(ident, "lifecycle" | "provisioner" | "connection") {
            continue;
        }
        if ident == "dynamic" {
            // `content` of `dynamic "x"` is block `x`; its iterator is not bound here, so what
            // depends on it is unknown and only fixed values are found.
            let Some(label) = block.labels.first().map(|l| l.as_str()) else {
                continue;
            };
            for content in block.body.get_blocks("content") {
                path.push(label);
                scan_block(place, &attrs.nested(content), ty, address, path, inventory);
                path.pop();
            }
            continue;
        }
        path.push(ident);
        scan_block(place, &attrs.nested(block), ty, address, path, inventory);
        path.pop();
    }
}

/// Whether an expression can evaluate to a string naming an AWS-managed key: literals that do
/// not say `alias/aws/` cannot, and most attributes are such literals, which keeps the scan cheap.
pub(super) fn may_name_key(expr: &hcl_edit::expr::Expression) -> bool {
    may_say(expr, "alias/aws/", 0)
}

/// Whether an expression can evaluate to a string that says `needle`: any expression but a
/// literal, and literals that say it.
pub(super) fn may_say(expr: &hcl_edit::expr::Expression, needle: &str, depth: usize) -> bool {
    use hcl_edit::expr::Expression as E;
    if depth > MAX_VALUE_DEPTH {
        // Deeper literals are left to the evaluator, which bounds its own work.
        return true;
    }
    match expr {
        E::Null(_) | E::Bool(_) | E::Number(_) | E::HeredocTemplate(_) => false,
        E::String(s) => s.value().contains(needle),
        E::Array(items) => items.iter().any(|i| may_say(i, needle, depth + 1)),
        E::Object(entries) => entries
            .iter()
            .any(|(_, v)| may_say(v.expr(), needle, depth + 1)),
        _ => true,
    }
}

/// Nested values are looked at to this depth.
const MAX_VALUE_DEPTH: usize = 8;

/// The strings in `value` (lists and maps included, encoded JSON documents not: those are
/// policies) that name an AWS-managed key, with where each was written.
fn managed_strings(value: &Val, depth: usize, out: &mut Vec<(String, Origin)>) {
    match &value.data {
        Data::String(s) if aws_managed(s) => out.push((
            s.clone(),
            Origin {
                at: value.loc.clone(),
                via: value.via.clone(),
            },
        )),
        Data::List(items) if depth < MAX_VALUE_DEPTH => {
            for item in items {
                managed_strings(item, depth + 1, out);
            }
        }
        Data::Object(entries) if depth < MAX_VALUE_DEPTH => {
            for (_, v) in entries {
                managed_strings(v, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The inputs of a module call the scan does not read (a registry module not downloaded, a
/// source outside the tree) that name an AWS-managed key: the module will use it somewhere.
pub(super) fn module_inputs(place: &Place<'_>, attrs: &Attrs<'_>, inventory: &mut Inventory) {
    let Some(name) = attrs.label(0) else { return };
    let address = format!("{}module.{name}", place.prefix);
    for attr in attrs.block.body.attributes() {
        let input = attr.key.as_str();
        if matches!(
            input,
            "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
        ) || not_a_key_setting(input)
            || !may_name_key(&attr.value)
        {
            continue;
        }
        let value = attrs.eval.eval(&attr.value, &attrs.block_loc);
        let mut found = Vec::new();
        managed_strings(&value, 0, &mut found);
        for (key, origin) in found {
            inventory.named_keys.push(NamedKey {
                address: address.clone(),
                header: attrs.header(),
                block: attrs.block_loc.clone(),
                calls: place.calls.to_vec(),
                attribute: input.to_string(),
                module_input: true,
                key,
                origin,
            });
        }
    }
}

pub(super) fn key_policy_resource(
    place: &Place<'_>,
    attrs: &Attrs<'_>,
) -> Option<KeyPolicyResource> {
    let name = attrs.label(1)?;
    Some(KeyPolicyResource {
        address: format!(
            "{}aws_kms_key_policy.{name}{}",
            place.prefix, place.instance
        ),
        module: place.module.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        calls: place.calls.to_vec(),
        key: attrs.key_reference("key_id"),
        policy: attrs.policy("policy"),
        bypass_policy_lockout_safety_check: attrs.bool("bypass_policy_lockout_safety_check", false),
    })
}

/// `policy` of an IAM policy resource, and each `inline_policy` block of an `aws_iam_role`.
pub(super) fn iam_policies(place: &Place<'_>, attrs: &Attrs<'_>, inventory: &mut Inventory) {
    let (Some(ty), Some(name)) = (attrs.label(0), attrs.label(1)) else {
        return;
    };
    let address = format!("{}{ty}.{name}{}", place.prefix, place.instance);
    let mut push = |a: &Attrs<'_>| {
        inventory.iam_policies.push(IamPolicy {
            address: address.clone(),
            header: attrs.header(),
            block: a.block_loc.clone(),
            calls: place.calls.to_vec(),
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

pub(super) fn grant(place: &Place<'_>, attrs: &Attrs<'_>) -> Option<Grant> {
    let name = attrs.label(1)?;
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
        address: format!("{}aws_kms_grant.{name}{}", place.prefix, place.instance),
        module: place.module.to_string(),
        header: attrs.header(),
        block: attrs.block_loc.clone(),
        calls: place.calls.to_vec(),
        key: attrs.key_reference("key_id"),
        grantee_principal: attrs.value("grantee_principal", String::new(), Val::to_string_value),
        operations,
        has_constraints: attrs.block.body.get_blocks("constraints").next().is_some()
            || attrs.block.body.get_blocks("dynamic").next().is_some(),
    })
}

/// Replaces the alias markers of key policies and grants with the key that an `aws_kms_alias`
/// of the root module's inventory gives that name, or with nothing (a key the scan cannot name).
pub(super) fn resolve_aliases(inventory: &mut Inventory) {
    let target = |reference: &mut Option<String>| {
        let Some(name) = reference.as_deref().and_then(alias_ref_name) else {
            return;
        };
        let found = inventory
            .aliases
            .iter()
            .find_map(|a| match (&a.name, &a.target) {
                (Value::Set(n, _), Value::Set(Some(key), _)) if n == name => Some(key.clone()),
                _ => None,
            });
        *reference = found;
    };
    let mut policies = std::mem::take(&mut inventory.key_policies);
    for kp in &mut policies {
        target(&mut kp.key);
    }
    let mut grants = std::mem::take(&mut inventory.grants);
    for g in &mut grants {
        target(&mut g.key);
    }
    inventory.key_policies = policies;
    inventory.grants = grants;
}
