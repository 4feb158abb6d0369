//! Adapter: the resource changes of a `terraform show -json` plan → the [`Inventory`].
//!
//! A plan knows every value Terraform knows before apply (variables, modules and `count`
//! resolved), marks the rest in `after_unknown`, and is the only place a pending key deletion is
//! visible. Values are located in the plan file. When the scan also holds the configuration the
//! plan was made from (the `.tf` files in the plan's directory), a value's `.tf` place stays the
//! primary location and the plan's place is related: reviewers fix `.tf` files, not plans.

use std::collections::HashMap;

use crate::config::Settings;
use crate::model::encryption::{
    NamedKey, aws_managed, known, may_use_keys, not_a_key_setting, read_by_table,
};
use crate::model::key::defaults;
use crate::model::policy::{Policy, Problem};
use crate::model::{
    Alias, Deletion, Grant, IamPolicy, Inventory, Key, KeyKind, KeyPolicyResource, Origin, Related,
    Value,
};
use crate::rules::{self, Rule};
use crate::source::SourceFile;
use crate::terraform::eval::{Data, Val, key_ref_address};
use crate::terraform::json;
use crate::terraform::plan::{ResourceChange, change_loc};

/// Resource changes the plan adapter reads for the enabled rules, by type (and, for the scan of
/// every attribute for AWS-managed keys, the JSON text of the change). The resources that
/// encrypt with KMS and the IAM policies can be most of a large plan; they are read only for the
/// rules that look at them, and other resources only when their text names an AWS-managed alias.
pub fn wanted(ty: &str, change: &str, settings: &Settings) -> bool {
    let enabled = |rule: &Rule| settings.level(rule.id).is_some();
    let kms011 = || enabled(&rules::aws_managed_key_in_use::RULE);
    (may_use_keys(ty) && change.contains("alias/aws/") && kms011())
        || KeyKind::from_resource_type(ty).is_some()
        || matches!(ty, "aws_kms_key_policy" | "aws_kms_alias" | "aws_kms_grant")
        || (known(ty) && kms011())
        || (matches!(
            ty,
            "aws_iam_policy"
                | "aws_iam_role_policy"
                | "aws_iam_user_policy"
                | "aws_iam_group_policy"
                | "aws_iam_role"
        ) && enabled(&rules::iam_policy_allows_decrypt_on_all_keys::RULE))
}

/// Adds a plan's changes to an inventory, one at a time as the plan is read, so a large plan
/// never holds more than one change's values at once.
pub struct Adapter<'a> {
    file: &'a SourceFile,
    /// How `from_hcl` names the plan's directory: the configuration there has the same addresses.
    root: &'a str,
    /// The keys that configuration declares (to point at `.tf` places), by address.
    keys: HashMap<&'a str, &'a Key>,
    plan_name: String,
}

impl<'a> Adapter<'a> {
    /// `configured` is what the `.tf` analysis of the plan's directory found.
    pub fn new(file: &'a SourceFile, root: &'a str, configured: &'a Inventory) -> Self {
        let keys = configured
            .keys
            .iter()
            .filter(|k| k.root == root)
            .map(|k| (k.address.as_str(), k))
            .collect();
        let plan_name = file
            .display
            .rsplit('/')
            .next()
            .unwrap_or(&file.display)
            .to_string();
        Adapter {
            file,
            root,
            keys,
            plan_name,
        }
    }

    pub fn change(&self, change: &ResourceChange, inventory: &mut Inventory) {
        let root = self.root;
        let reader = Reader {
            change,
            file: self.file,
            plan_name: &self.plan_name,
        };
        reader.sensitive(inventory);
        let hcl = self.keys.get(change.address.as_str()).copied();
        if let Some(kind) = KeyKind::from_resource_type(&change.ty) {
            if change.actions.iter().any(|a| a == "delete") {
                inventory.deletions.push(Deletion {
                    address: change.address.clone(),
                    at: hcl.map_or_else(|| change_loc(change), |k| k.header.clone()),
                    plan: change_loc(change),
                    block: hcl.map(|k| k.block.clone()),
                    window_days: reader
                        .before()
                        .and_then(|b| b.get("deletion_window_in_days"))
                        .and_then(Val::to_int)
                        .unwrap_or(defaults::DELETION_WINDOW_DAYS),
                    replace: change.actions.iter().any(|a| a == "create"),
                });
            }
            if let Some(key) = reader.key(kind, hcl, root) {
                inventory.keys.push(key);
            }
        } else if reader.after().is_some() {
            let ty = change.ty.as_str();
            if may_use_keys(ty) {
                reader.named_keys(inventory);
            }
            // Other resources are read only for the attributes that name AWS-managed keys.
            if known(ty) || !may_use_keys(ty) {
                reader.other(inventory);
            }
        }
    }
}

/// Reads one resource change.
struct Reader<'a> {
    change: &'a ResourceChange,
    file: &'a SourceFile,
    plan_name: &'a str,
}

impl Reader<'_> {
    fn after(&self) -> Option<&Val> {
        self.change
            .change
            .get("after")
            .filter(|a| matches!(a.data, Data::Object(_)))
    }

    fn before(&self) -> Option<&Val> {
        self.change
            .change
            .get("before")
            .filter(|a| matches!(a.data, Data::Object(_)))
    }

    /// Attributes the plan marks sensitive: their places are recorded so no report shows them.
    fn sensitive(&self, inventory: &mut Inventory) {
        for (values, marks) in [("after", "after_sensitive"), ("before", "before_sensitive")] {
            let (
                Some(values),
                Some(Val {
                    data: Data::Object(marks),
                    ..
                }),
            ) = (
                self.change.change.get(values),
                self.change.change.get(marks),
            )
            else {
                continue;
            };
            for (k, mark) in marks {
                let marked = match &mark.data {
                    Data::Bool(b) => *b,
                    _ => mark.has_true(),
                };
                if let (true, Some(name)) = (marked, k.data_str()) {
                    if let Some(v) = values.get(name) {
                        inventory.sensitive.push(v.loc.clone());
                    }
                }
            }
        }
    }

    fn unknown(&self, name: &str) -> bool {
        self.change
            .change
            .get("after_unknown")
            .and_then(|u| u.get(name))
            .is_some_and(|u| matches!(u.data, Data::Bool(true)) || u.has_true())
    }

    /// One attribute of `after`, as the plan states it.
    fn value<T>(&self, name: &str, default: T, convert: impl Fn(&Val) -> Option<T>) -> Value<T> {
        if self.unknown(name) {
            return Value::Unknown(Origin::at(change_loc(self.change)));
        }
        match self.after().and_then(|a| a.get(name)) {
            None => Value::Default(default),
            Some(v) if v.is_null() => Value::Default(default),
            Some(v) => match convert(v) {
                Some(t) => Value::Set(t, Origin::at(v.loc.clone())),
                None => Value::Unknown(Origin::at(v.loc.clone())),
            },
        }
    }

    /// The planned value, placed at the `.tf` expression when the configuration is in the scan:
    /// a value the `.tf` analysis knew, or left at its default, is the `.tf` one; one it could
    /// not know (a variable without value) is the plan's, reported at the `.tf` expression.
    fn merged<T: Clone>(&self, planned: Value<T>, configured: Option<&Value<T>>) -> Value<T> {
        let Some(configured) = configured else {
            return planned;
        };
        match (configured, planned) {
            (Value::Unknown(at), Value::Set(v, plan_origin)) => {
                let mut origin = at.clone();
                origin.via.push(Related {
                    loc: plan_origin.at,
                    message: format!("planned value in {}", self.plan_name),
                });
                Value::Set(v, origin)
            }
            (Value::Unknown(_), planned) => planned,
            (configured, _) => configured.clone(),
        }
    }

    fn policy(&self, name: &str) -> Value<Option<Policy>> {
        if self.unknown(name) {
            return Value::Unknown(Origin::at(change_loc(self.change)));
        }
        let Some(v) = self.after().and_then(|a| a.get(name)) else {
            return Value::Default(None);
        };
        if v.is_null() || v.data_str().is_some_and(str::is_empty) {
            return Value::Default(None);
        }
        let literal = self.file.slice(&v.loc.span);
        let origin = Origin::at(v.loc.clone());
        match json::embedded_json(literal, v.loc.file, v.loc.span.start) {
            Ok(doc) => Value::Set(Some(Policy::from_val(&doc)), origin),
            Err(p) => Value::Set(
                Some(Policy {
                    loc: v.loc.clone(),
                    statements: Vec::new(),
                    problems: vec![Problem {
                        loc: p.loc,
                        message: p.message,
                    }],
                    unknown: false,
                }),
                origin,
            ),
        }
    }

    fn key(&self, kind: KeyKind, hcl: Option<&Key>, root: &str) -> Option<Key> {
        self.after()?;
        let is_key = kind == KeyKind::Key;
        let string =
            |name: &str, default: &str| self.value(name, default.to_string(), Val::to_string_value);
        let opt = |name: &str| self.value(name, None, |v| v.to_string_value().map(Some));
        let plan_policy = self.policy("policy");
        // A policy the `.tf` analysis read is located in the `.tf` text; the plan's copy is the
        // provider's normalised rendering of the same document.
        let policy = match hcl.map(|k| &k.policy) {
            Some(p @ Value::Set(..)) => p.clone(),
            _ => plan_policy,
        };
        let (header, block, calls, module) = match hcl {
            Some(k) => (
                k.header.clone(),
                k.block.clone(),
                k.calls.clone(),
                k.module.clone(),
            ),
            None => (
                change_loc(self.change),
                self.change.change.loc.clone(),
                Vec::new(),
                format!("{root}#plan"),
            ),
        };
        Some(Key {
            kind,
            address: self.change.address.clone(),
            module,
            root: root.to_string(),
            header,
            block,
            calls,
            policy,
            tags: self.merged(self.tags(), hcl.map(|k| &k.tags)),
            key_spec: if is_key {
                self.merged(
                    string("customer_master_key_spec", defaults::KEY_SPEC),
                    hcl.map(|k| &k.key_spec),
                )
            } else {
                Value::Default(defaults::KEY_SPEC.to_string())
            },
            key_usage: if is_key {
                self.merged(
                    string("key_usage", defaults::KEY_USAGE),
                    hcl.map(|k| &k.key_usage),
                )
            } else {
                Value::Default(defaults::KEY_USAGE.to_string())
            },
            custom_key_store_id: self.merged(
                opt("custom_key_store_id"),
                hcl.map(|k| &k.custom_key_store_id),
            ),
            xks_key_id: self.merged(opt("xks_key_id"), hcl.map(|k| &k.xks_key_id)),
            enable_key_rotation: self.merged(
                self.value("enable_key_rotation", false, Val::to_bool),
                hcl.map(|k| &k.enable_key_rotation),
            ),
            rotation_period_in_days: self.merged(
                self.value(
                    "rotation_period_in_days",
                    defaults::ROTATION_PERIOD_DAYS,
                    Val::to_int,
                ),
                hcl.map(|k| &k.rotation_period_in_days),
            ),
            enabled: self.merged(
                self.value(kind.enabled_attribute(), true, Val::to_bool),
                hcl.map(|k| &k.enabled),
            ),
            bypass_policy_lockout_safety_check: self.merged(
                self.value("bypass_policy_lockout_safety_check", false, Val::to_bool),
                hcl.map(|k| &k.bypass_policy_lockout_safety_check),
            ),
            deletion_window_in_days: self.merged(
                self.value(
                    "deletion_window_in_days",
                    defaults::DELETION_WINDOW_DAYS,
                    Val::to_int,
                ),
                hcl.map(|k| &k.deletion_window_in_days),
            ),
            multi_region: self.merged(
                self.value("multi_region", false, Val::to_bool),
                hcl.map(|k| &k.multi_region),
            ),
            valid_to: if kind.is_imported() {
                self.merged(opt("valid_to"), hcl.map(|k| &k.valid_to))
            } else {
                Value::Default(None)
            },
        })
    }

    /// The KMS settings of a resource in the KMS011 table (nested blocks are lists in a plan).
    fn encryptions(&self, ty: &str, header: &crate::source::Loc, inventory: &mut Inventory) {
        use crate::model::encryption::{Encryption, On, ROWS};
        let Some(after) = self.after() else { return };
        for row in ROWS.iter().filter(|r| r.resource == ty) {
            let mut leaves = vec![after];
            for segment in row.blocks {
                leaves = leaves
                    .iter()
                    .flat_map(|l| match l.get(segment).map(|b| &b.data) {
                        Some(Data::List(items)) => items.iter().collect(),
                        _ => Vec::new(),
                    })
                    .collect();
            }
            // Always encrypted: without the blocks that would name a key, the fallback is used
            // (unless the plan does not know the outermost block yet).
            let outer_unknown = row.blocks.first().is_some_and(|b| self.unknown(b));
            if leaves.is_empty() && row.on == On::Always && !outer_unknown {
                inventory.encryptions.push(Encryption {
                    address: self.change.address.clone(),
                    row,
                    header: header.clone(),
                    block: after.loc.clone(),
                    calls: Vec::new(),
                    key: Value::Default(None),
                    on: Value::Default(true),
                });
            }
            for leaf in leaves {
                let attr = |name: &str| leaf.get(name).filter(|v| !v.is_null());
                let key = match attr(row.key) {
                    None => Value::Default(None),
                    Some(v) => match v.to_string_value() {
                        Some(s) if !s.is_empty() => Value::Set(Some(s), Origin::at(v.loc.clone())),
                        Some(_) => Value::Default(None),
                        None => Value::Unknown(Origin::at(v.loc.clone())),
                    },
                };
                let flag = |name: &str, test: &dyn Fn(&Val) -> Option<bool>| match attr(name) {
                    None => Value::Default(false),
                    Some(v) => match test(v) {
                        Some(b) => Value::Set(b, Origin::at(v.loc.clone())),
                        None => Value::Unknown(Origin::at(v.loc.clone())),
                    },
                };
                let on = row.on.eval(&flag, &|b| {
                    matches!(leaf.get(b).map(|v| &v.data), Some(Data::List(items)) if !items.is_empty())
                });
                // Keys of resources created in the same plan are unknown until apply (in a nested
                // block, anything unknown under its outermost block makes the key unknown).
                let unknown = match row.blocks.first() {
                    None => self.unknown(row.key),
                    Some(outer) => self.unknown(outer),
                };
                let key = if unknown {
                    Value::Unknown(Origin::at(header.clone()))
                } else {
                    key
                };
                inventory.encryptions.push(Encryption {
                    address: self.change.address.clone(),
                    row,
                    header: header.clone(),
                    block: leaf.loc.clone(),
                    calls: Vec::new(),
                    key,
                    on,
                });
            }
        }
    }

    /// Every attribute of `after` (nested blocks included) that names an AWS-managed key,
    /// outside the attributes the table reads.
    fn named_keys(&self, inventory: &mut Inventory) {
        let Some(after) = self.after() else { return };
        let mut path = Vec::new();
        let mut found = Vec::new();
        named_in(&self.change.ty, after, &mut path, &mut found);
        for (attribute, v) in found {
            inventory.named_keys.push(NamedKey {
                address: self.change.address.clone(),
                header: change_loc(self.change),
                block: self.change.change.loc.clone(),
                calls: Vec::new(),
                attribute,
                module_input: false,
                key: v.data_str().unwrap_or_default().to_string(),
                origin: Origin::at(v.loc.clone()),
            });
        }
    }

    /// `tags_all` (tags with the provider's default tags), or `tags`.
    fn tags(&self) -> Value<Vec<(String, String)>> {
        let name =
            if self.after().and_then(|a| a.get("tags_all")).is_some() || self.unknown("tags_all") {
                "tags_all"
            } else {
                "tags"
            };
        self.value(name, Vec::new(), |v| match &v.data {
            Data::Object(entries) => entries
                .iter()
                .map(|(k, v)| Some((k.to_string_value()?, v.to_string_value()?)))
                .collect(),
            _ => None,
        })
    }

    /// Key policies, grants, aliases and IAM policies, located in the plan.
    fn other(&self, inventory: &mut Inventory) {
        let address = self.change.address.clone();
        let header = change_loc(self.change);
        let block = self.change.change.loc.clone();
        let module = format!("{}#plan", self.plan_name);
        let key = self
            .after()
            .and_then(|a| a.get("key_id"))
            .and_then(|v| v.data_str())
            .and_then(key_ref_address)
            .map(str::to_string);
        match self.change.ty.as_str() {
            ty if known(ty) => self.encryptions(ty, &header, inventory),
            "aws_kms_alias" => inventory.aliases.push(Alias {
                address,
                header,
                name: self.value("name", String::new(), Val::to_string_value),
                name_prefix: false,
                target: match self.value("target_key_id", None, |v| {
                    Some(v.data_str().and_then(key_ref_address).map(str::to_string))
                }) {
                    // A plan shows the ids of existing keys and `after_unknown` for keys it creates.
                    Value::Set(None, origin) => Value::Unknown(origin),
                    other => other,
                },
            }),
            "aws_kms_key_policy" => inventory.key_policies.push(KeyPolicyResource {
                address,
                module,
                header,
                block,
                calls: Vec::new(),
                key,
                policy: self.policy("policy"),
                bypass_policy_lockout_safety_check: self.value(
                    "bypass_policy_lockout_safety_check",
                    false,
                    Val::to_bool,
                ),
            }),
            "aws_kms_grant" => {
                let operations = match self.after().and_then(|a| a.get("operations")) {
                    _ if self.unknown("operations") => Value::Unknown(Origin::at(header.clone())),
                    Some(Val {
                        data: Data::List(items),
                        loc,
                        ..
                    }) => Value::Set(
                        items
                            .iter()
                            .filter_map(|i| Some((i.data_str()?.to_string(), i.loc.clone())))
                            .collect(),
                        Origin::at(loc.clone()),
                    ),
                    _ => Value::Default(Vec::new()),
                };
                let has_constraints = self
                    .after()
                    .and_then(|a| a.get("constraints"))
                    .is_some_and(|c| matches!(&c.data, Data::List(items) if !items.is_empty()))
                    || self.unknown("constraints");
                inventory.grants.push(Grant {
                    address,
                    module,
                    header,
                    block,
                    calls: Vec::new(),
                    key,
                    grantee_principal: self.value(
                        "grantee_principal",
                        String::new(),
                        Val::to_string_value,
                    ),
                    operations,
                    has_constraints,
                });
            }
            "aws_iam_role" => {
                let inline = self.after().and_then(|a| a.get("inline_policy"));
                if let Some(Val {
                    data: Data::List(blocks),
                    ..
                }) = inline
                {
                    for b in blocks {
                        let policy = match b.get("policy") {
                            Some(v) if !v.is_null() => {
                                let literal = self.file.slice(&v.loc.span);
                                match json::embedded_json(literal, v.loc.file, v.loc.span.start) {
                                    Ok(doc) => Value::Set(
                                        Some(Policy::from_val(&doc)),
                                        Origin::at(v.loc.clone()),
                                    ),
                                    Err(_) => Value::Unknown(Origin::at(v.loc.clone())),
                                }
                            }
                            _ => Value::Default(None),
                        };
                        inventory.iam_policies.push(IamPolicy {
                            address: address.clone(),
                            header: header.clone(),
                            block: b.loc.clone(),
                            calls: Vec::new(),
                            policy,
                        });
                    }
                }
            }
            _ => inventory.iam_policies.push(IamPolicy {
                address,
                header,
                block,
                calls: Vec::new(),
                policy: self.policy("policy"),
            }),
        }
    }
}

/// Nested values of a plan are looked at to this depth.
const MAX_NAMED_DEPTH: usize = 16;

/// The strings under `value` that name an AWS-managed key, with their attribute paths (nested
/// blocks are lists of objects in a plan, so lists add nothing to the path).
fn named_in<'v>(
    ty: &str,
    value: &'v Val,
    path: &mut Vec<&'v str>,
    out: &mut Vec<(String, &'v Val)>,
) {
    if path.len() > MAX_NAMED_DEPTH {
        return;
    }
    match &value.data {
        Data::String(s) if aws_managed(s) => {
            if let Some((attribute, blocks)) = path.split_last()
                && !read_by_table(ty, blocks, attribute)
            {
                out.push((path.join("."), value));
            }
        }
        Data::List(items) => {
            for item in items {
                named_in(ty, item, path, out);
            }
        }
        Data::Object(entries) => {
            for (k, v) in entries {
                let Some(name) = k.data_str() else { continue };
                if not_a_key_setting(name) {
                    continue;
                }
                path.push(name);
                named_in(ty, v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
