//! Evaluates HCL expressions into span-carrying values, the way Terraform would.
//!
//! A value that depends on anything the scan cannot know — an unset variable, a computed resource
//! attribute, a function kmslint does not implement — is `Unknown`, and unknown propagates
//! through every operator and function: rules never fire on it. Every value keeps where it was
//! written (`loc`) and the references it came through (`via`), so a finding can show both the
//! offending value (a variable default) and each place it is used.
//!
//! References known without running Terraform are markers inside strings: the deploying account
//! (`data.aws_caller_identity.*.account_id`), the partition, and the identifiers of resources
//! created in the scan that the caller's [`Schema`] names (keys, principals). The evaluator knows
//! no service itself: which resource types those are, and which data sources it may answer from
//! their own arguments, is the schema's business.

pub mod document;
mod functions;
pub(crate) use functions::relocate;
mod scope;
mod template;
pub mod types;
mod value;

pub use scope::{ModuleOutputs, Scope};
pub use value::{
    ALIAS_REF, Data, KEY_REF, NODE, OWNER_ACCOUNT, PARTITION, PRINCIPAL_REF, Val, alias_ref,
    alias_ref_name, display_markers, format_number, key_ref, key_ref_address, principal_ref,
};

use std::cell::Cell;
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};

use crate::diagnostic::InputErrorKind;
use crate::source::{FileId, Loc};

/// What a reference to a resource created in the scan stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A key: [`key_ref`].
    Key,
    /// An identity of the owner account: [`principal_ref`].
    Principal,
}

/// A resource type's marker and the attributes that carry it.
pub type Marked = (Marker, &'static [&'static str]);

/// A data source the evaluator answers from one of its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    /// The argument it looks up by.
    pub by: &'static str,
    /// Its attributes that give the key it finds (any other is computed at apply, so unknown).
    pub key: &'static [&'static str],
}

/// The resource type that gives a key another name, which a [`Lookup`] may look up by.
#[derive(Debug, Clone, Copy)]
pub struct Aliases {
    /// The resource type.
    pub ty: &'static str,
    /// Its argument holding the name.
    pub name: &'static str,
    /// Its argument holding the key.
    pub target: &'static str,
    /// Its attributes that read as the key.
    pub key: &'static [&'static str],
    /// The name a written name or ARN stands for, when it stands for one.
    pub parse: fn(&str) -> Option<&str>,
}

/// What the caller tells the evaluator about resource types and data sources.
#[derive(Clone, Copy)]
pub struct Schema {
    /// For a resource type whose identifiers stand for the resource: the marker, and the
    /// attributes that carry it (any other attribute is computed at apply, so unknown).
    pub marker: fn(&str) -> Option<Marked>,
    /// For a data source answered from one of its own arguments: how.
    pub lookup: fn(&str) -> Option<Lookup>,
    /// Which looked-up values stand for every attribute of the data source, as they are.
    pub answer: fn(&str) -> bool,
    /// The resource type that names keys, if any.
    pub aliases: Option<Aliases>,
}

impl Schema {
    /// Knows nothing: every resource attribute and data source is unknown.
    pub const NONE: Schema = Schema {
        marker: |_| None,
        lookup: |_| None,
        answer: |_| false,
        aliases: None,
    };
}

/// The evaluation work one module instance (or one variable value) may do, in the units of
/// [`Val::weight`]: about the bytes of the values it builds and copies. Values built from values
/// (a local doubling another, a loop over a loop) can grow exponentially with the size of the
/// configuration; past the budget every further value is unknown, so such a configuration costs
/// bounded time and memory. Real modules use a small part of it.
pub const BUDGET: u64 = 1 << 25;

/// What is left of [`BUDGET`], shared by the evaluators of one module instance.
#[derive(Debug)]
pub struct Budget {
    left: Cell<u64>,
    reported: Cell<bool>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: Cell::new(BUDGET),
            reported: Cell::new(false),
        }
    }
}

impl Budget {
    /// Takes `units`; once it cannot, nothing more is given (so what follows is unknown too,
    /// whatever it costs).
    fn take(&self, units: u64) -> bool {
        match self.left.get().checked_sub(units) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }
}

/// `count.index`, `each.key` and `each.value` of the resource or module instance being evaluated.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub count_index: Option<Val>,
    pub each_key: Option<Val>,
    pub each_value: Option<Val>,
}

/// Evaluates expressions of one file of one module instance.
#[derive(Clone)]
pub struct Evaluator<'a> {
    pub file: FileId,
    scope: Option<&'a Scope<'a>>,
    instance: Option<&'a Instance>,
    /// Names bound by `for` expressions, template `for` directives and `templatefile` variables.
    bindings: Vec<(String, Val)>,
    /// With bindings only (`templatefile`): `var`, `local` and the rest are not visible.
    isolated: bool,
    budget: Rc<Budget>,
}

impl Evaluator<'static> {
    /// An evaluator that knows literals only (no module scope).
    pub fn new(file: FileId) -> Self {
        Evaluator {
            file,
            scope: None,
            instance: None,
            bindings: Vec::new(),
            isolated: false,
            budget: Rc::default(),
        }
    }
}

impl<'a> Evaluator<'a> {
    pub fn in_scope(file: FileId, scope: &'a Scope<'a>) -> Self {
        Evaluator {
            file,
            scope: Some(scope),
            instance: None,
            bindings: Vec::new(),
            isolated: false,
            budget: scope.budget(),
        }
    }

    pub fn with_instance(mut self, instance: &'a Instance) -> Self {
        self.instance = Some(instance);
        self
    }

    pub fn scope(&self) -> Option<&'a Scope<'a>> {
        self.scope
    }

    /// The same evaluator in another file of the module.
    pub fn for_file(&self, file: FileId) -> Self {
        let mut e = self.clone();
        e.file = file;
        e
    }

    /// A policy written as `templatefile(...)`, parsed with positions in the template file.
    pub fn templatefile_json(
        &self,
        expr: &Expression,
    ) -> Option<Result<Val, crate::terraform::json::JsonProblem>> {
        functions::templatefile_json(self, expr)
    }

    /// An evaluator that sees only `names` (a `templatefile` template).
    pub(crate) fn isolated_with(&self, names: Vec<(String, Val)>) -> Self {
        let mut e = self.clone();
        e.bindings = names;
        e.isolated = true;
        e.instance = None;
        e
    }

    pub(crate) fn bind(&self, names: Vec<(String, Val)>) -> Self {
        let mut e = self.clone();
        e.bindings.extend(names);
        e
    }

    /// Pays `units` of evaluation work from the budget; `false` when it is spent, and then the
    /// caller's value is unknown. The first refusal is reported at `loc`.
    pub(crate) fn charge(&self, units: u64, loc: &Loc) -> bool {
        if self.budget.take(units) {
            return true;
        }
        if let Some(scope) = self.scope
            && !self.budget.reported.replace(true)
        {
            // A limit of kmslint's own, not a fault of the input: a warning.
            scope.error(
                InputErrorKind::Limit,
                loc,
                format!(
                    "evaluating this module builds and copies more than {} MiB of values; values from here on are treated as unknown",
                    BUDGET >> 20
                ),
            );
        }
        false
    }

    /// Pays for comparing a new object key with each of the `kept` keys before it (`merge`,
    /// object `for`): what makes building a wide object quadratic.
    pub(crate) fn charge_key_compares(&self, kept: usize, key: &str, loc: &Loc) -> bool {
        self.charge((kept as u64).saturating_mul(1 + key.len() as u64 / 16), loc)
    }

    /// `v`, when the budget pays for this copy of it; else unknown.
    fn charged(&self, v: Val, loc: &Loc) -> Val {
        if self.charge(v.weight(), loc) {
            v
        } else {
            Val::unknown(loc.clone())
        }
    }

    fn loc(&self, span: Option<std::ops::Range<usize>>, fallback: &Loc) -> Loc {
        span.map_or_else(|| fallback.clone(), |s| Loc::new(self.file, s))
    }

    /// Evaluates `expr`; `fallback` locates nodes the parser gave no span (never the case for
    /// parsed input, but the tree type allows it).
    pub fn eval(&self, expr: &Expression, fallback: &Loc) -> Val {
        let loc = self.loc(expr.span(), fallback);
        if !self.charge(NODE, &loc) {
            return Val::unknown(loc);
        }
        let data = match expr {
            Expression::Null(_) => Data::Null,
            Expression::Bool(b) => Data::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(Data::Unknown, Data::Number),
            Expression::String(s) => Data::String(s.value().clone()),
            Expression::StringTemplate(t) => return template::render(self, t, &loc),
            Expression::HeredocTemplate(h) => return template::render(self, &h.template, &loc),
            Expression::Parenthesis(p) => return self.eval(p.inner(), &loc),
            Expression::Array(items) => {
                Data::List(items.iter().map(|e| self.eval(e, &loc)).collect())
            }
            Expression::Object(object) => Data::Object(
                object
                    .iter()
                    .map(|(k, v)| {
                        let key_loc = self.loc(k.span(), &loc);
                        let key = match k {
                            ObjectKey::Ident(id) => Val::new(Data::String(id.to_string()), key_loc),
                            ObjectKey::Expression(e) => self.eval(e, &key_loc),
                        };
                        (key, self.eval(v.expr(), &loc))
                    })
                    .collect(),
            ),
            // A referenced value is copied, and a function's result can be far larger than its
            // arguments: both are paid for by their size.
            Expression::Variable(v) => return self.charged(self.variable(v.as_str(), &loc), &loc),
            Expression::Traversal(t) => return self.traversal(t, &loc),
            Expression::FuncCall(call) => {
                return self.charged(functions::call(self, call, &loc), &loc);
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, &loc);
                return match cond.to_bool() {
                    Some(true) => self.eval(&c.true_expr, &loc),
                    Some(false) => self.eval(&c.false_expr, &loc),
                    None => Val::unknown(loc),
                };
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, &loc);
                match op.operator.value() {
                    UnaryOperator::Not => v.to_bool().map_or(Data::Unknown, |b| Data::Bool(!b)),
                    UnaryOperator::Neg => v.to_number().map_or(Data::Unknown, |n| Data::Number(-n)),
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.eval(&op.lhs_expr, &loc);
                let rhs = || self.eval(&op.rhs_expr, &loc);
                binary(*op.operator.value(), &lhs, rhs)
            }
            Expression::ForExpr(f) => return self.for_expr(f, &loc),
        };
        Val::new(data, loc)
    }

    /// A bare name: a `for` or template binding, else not a value on its own.
    fn variable(&self, name: &str, loc: &Loc) -> Val {
        match self.bindings.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => v.clone(),
            None => Val::unknown(loc.clone()),
        }
    }

    fn traversal(&self, t: &Traversal, loc: &Loc) -> Val {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (value, used) = match &t.expr {
            Expression::Variable(root) => {
                if let Some(selected) = self.select_shared(root.as_str(), &ops, loc) {
                    return selected;
                }
                let (value, used) = self.reference(root.as_str(), &ops, loc);
                (self.charged(value, loc), used)
            }
            other => (self.eval(other, loc), 0),
        };
        self.apply(value, ops.get(used..).unwrap_or(&[]), loc)
    }

    /// `local.X.a`, `var.X["k"]`, `module.M.out`, `each.value.a`, or a bound name followed by
    /// attributes or indexes: the part read is found inside the value where it is kept, and only
    /// that part is copied and paid for (large locals, such as a decoded JSON file read one
    /// setting at a time, are read hundreds of times). `None`, having evaluated nothing, for any
    /// other reference.
    fn select_shared(&self, root: &str, ops: &[&TraversalOperator], loc: &Loc) -> Option<Val> {
        let selects = |i: usize| {
            matches!(
                ops.get(i),
                Some(
                    TraversalOperator::GetAttr(_)
                        | TraversalOperator::Index(_)
                        | TraversalOperator::LegacyIndex(_)
                )
            )
        };
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let unknown = || Val::unknown(loc.clone());
        if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == root) {
            return selects(0).then(|| self.select(v, ops, 0, loc));
        }
        if self.isolated || !selects(1) {
            return None;
        }
        match (root, attr(0)) {
            ("each", Some("value")) => {
                Some(match self.instance.and_then(|i| i.each_value.as_ref()) {
                    Some(v) => self.select(v, ops, 1, loc),
                    None => unknown(),
                })
            }
            ("var", Some(name)) => {
                let scope = self.scope?;
                Some(match scope.vars.get(name) {
                    Some(v) => self.select(v, ops, 1, loc),
                    None => unknown(),
                })
            }
            ("local", Some(name)) => {
                let scope = self.scope?;
                Some(match scope.local_shared(name) {
                    Some(v) => self.select(&v, ops, 1, loc),
                    None => unknown(),
                })
            }
            ("module", Some(name)) => {
                let scope = self.scope?;
                Some(match scope.module_output_shared(name) {
                    Some(v) => self.select(&v, ops, 1, loc),
                    None => unknown(),
                })
            }
            _ => None,
        }
    }

    /// Follows attributes and indexes from `ops[start]` inside `root` without copying it, then
    /// copies what they reach and applies the rest (splats) to the copy.
    fn select(&self, root: &Val, ops: &[&TraversalOperator], start: usize, loc: &Loc) -> Val {
        let mut current = root;
        let mut i = start;
        while let Some(op) = ops.get(i) {
            let next = match op {
                TraversalOperator::GetAttr(id) => current.get(id.as_str()),
                TraversalOperator::Index(e) => {
                    let key = self.eval(e, loc);
                    index_ref(current, &key)
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Val::new(Data::Number(*n.value() as f64), loc.clone());
                    index_ref(current, &key)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => break,
            };
            let Some(next) = next else {
                return Val::unknown(loc.clone());
            };
            current = next;
            i += 1;
            if current.is_unknown() {
                return current.clone();
            }
        }
        let value = self.charged(current.clone(), loc);
        self.apply(value, ops.get(i..).unwrap_or(&[]), loc)
    }

    /// Resolves the start of a reference; returns the value and how many operators it used.
    fn reference(&self, root: &str, ops: &[&TraversalOperator], loc: &Loc) -> (Val, usize) {
        if self.bindings.iter().any(|(n, _)| n == root) {
            return (self.variable(root, loc), 0);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let unknown = (Val::unknown(loc.clone()), ops.len());
        if self.isolated {
            return unknown;
        }
        match (root, attr(0)) {
            ("each", Some(field @ ("key" | "value"))) => {
                let inst = self.instance;
                let v = if field == "key" {
                    inst.and_then(|i| i.each_key.clone())
                } else {
                    inst.and_then(|i| i.each_value.clone())
                };
                (v.unwrap_or_else(|| Val::unknown(loc.clone())), 1)
            }
            ("count", Some("index")) => (
                self.instance
                    .and_then(|i| i.count_index.clone())
                    .unwrap_or_else(|| Val::unknown(loc.clone())),
                1,
            ),
            ("data", Some("aws_caller_identity")) if attr(2) == Some("account_id") => {
                (Val::new(Data::String(OWNER_ACCOUNT.into()), loc.clone()), 3)
            }
            ("data", Some("aws_partition")) if attr(2) == Some("partition") => {
                (Val::new(Data::String(PARTITION.into()), loc.clone()), 3)
            }
            // Paths are relative to the root module's directory, Terraform's working
            // directory: `path.root` is `.` as Terraform shows it, and so is `path.cwd`, which
            // Terraform shows absolute. The absolute form would name wherever kmslint runs, so
            // the report would depend on the invocation; `.` resolves to the same directory.
            ("path", Some(kind @ ("module" | "root" | "cwd"))) => {
                let text = match self.scope {
                    Some(scope) if kind == "module" => scope.path_module(),
                    _ => ".".to_string(),
                };
                (Val::new(Data::String(text), loc.clone()), 1)
            }
            _ => {
                let Some(scope) = self.scope else {
                    return unknown;
                };
                match (root, attr(0)) {
                    ("var", Some(name)) => (scope.var(name, loc), 1),
                    ("local", Some(name)) => (scope.local(name, loc), 1),
                    ("module", Some(name)) => (scope.module_output(name, loc), 1),
                    ("data", Some(ty)) => match (ty, attr(1), attr(2)) {
                        (ty, Some(name), Some(wanted)) if (scope.schema.lookup)(ty).is_some() => {
                            (self.data_lookup(scope, ty, name, wanted, loc), 3)
                        }
                        ("aws_iam_policy_document", Some(name), Some("json" | "minified_json")) => {
                            let doc = scope.document(name, loc);
                            (Val::new(Data::Json(Box::new(doc)), loc.clone()), 3)
                        }
                        _ => unknown,
                    },
                    (ty, Some(name)) if scope.has_resource(ty, name) => {
                        self.resource_reference(scope, ty, name, ops, loc)
                    }
                    _ => unknown,
                }
            }
        }
    }

    /// `TYPE.NAME[...].ATTR` of a resource declared in the module: the attributes the schema
    /// gives a marker are markers, an alias resource's name and key are what it was given;
    /// anything else is computed at apply time.
    /// An index the scan can evaluate names the instance (`aws_kms_key.k[0]`, `aws_kms_key.k["a"]`);
    /// one it cannot still names the resource block, which is all of its instances.
    fn resource_reference(
        &self,
        scope: &Scope<'_>,
        ty: &str,
        name: &str,
        ops: &[&TraversalOperator],
        loc: &Loc,
    ) -> (Val, usize) {
        let address = format!("{}{ty}.{name}", scope.prefix);
        let rest = ops.get(1..).unwrap_or(&[]);
        if let Some(aliases) = scope.schema.aliases
            && aliases.ty == ty
            && let [TraversalOperator::GetAttr(attr)] = rest
        {
            return (
                self.alias_attribute(scope, aliases, name, attr.as_str(), loc),
                ops.len(),
            );
        }
        // Only the resource types the schema marks have attributes the scan knows.
        let known = (scope.schema.marker)(ty);
        if !rest.is_empty() && known.is_none() {
            return (Val::unknown(loc.clone()), ops.len());
        }
        let whole = self.instances_value(scope, ty, name, &address, loc);
        if rest.is_empty() {
            return (whole, ops.len());
        }
        let exact = self.apply(whole, rest, loc);
        if !exact.is_unknown() {
            return (exact, ops.len());
        }
        let mut i = 1;
        while matches!(
            ops.get(i),
            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
        ) {
            i += 1;
        }
        let attr = match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => id.as_str(),
            _ => return (Val::unknown(loc.clone()), ops.len()),
        };
        let marker = known
            .filter(|(_, attrs)| attrs.contains(&attr))
            .map(|(m, _)| marker_text(m, &address));
        match marker {
            Some(m) => (Val::new(Data::String(m), loc.clone()), i + 1),
            None => (Val::unknown(loc.clone()), ops.len()),
        }
    }

    /// `data.TYPE.NAME.WANTED` of a data source the schema answers from its own argument:
    /// looked up by a value the schema keeps as it is (an AWS-managed alias), that value;
    /// looked up by a key of the module or by an alias an alias resource of the module creates,
    /// that key's marker when `wanted` is an attribute that gives the key; looked up by another
    /// alias, an alias marker the caller resolves; anything else is unknown.
    fn data_lookup(&self, scope: &Scope<'_>, ty: &str, name: &str, wanted: &str, loc: &Loc) -> Val {
        let (Some(lookup), Some(decl)) =
            ((scope.schema.lookup)(ty), scope.index.data.get(&(ty, name)))
        else {
            return Val::unknown(loc.clone());
        };
        let eval = Evaluator::in_scope(decl.file.id, scope);
        let block_loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let looked_up = decl.block.body.get_attribute(lookup.by).and_then(|a| {
            scope.guarded(&format!("data.{ty}.{name}"), decl, a, || {
                eval.eval(&a.value, &block_loc)
            })
        });
        let Some(v) = looked_up else {
            return Val::unknown(loc.clone());
        };
        let via = format!("used through `data.{ty}.{name}`");
        let Some(text) = v.data_str() else {
            return Val::unknown(loc.clone());
        };
        if (scope.schema.answer)(text) {
            return v.through(loc.clone(), via);
        }
        if !lookup.key.contains(&wanted) {
            return Val::unknown(loc.clone());
        }
        let key = if key_ref_address(text).is_some() {
            Some(v.clone())
        } else {
            self.alias_target(scope, text)
        };
        match key {
            Some(k) if k.data_str().and_then(key_ref_address).is_some() => {
                Val::new(k.data, v.loc.clone()).through(loc.clone(), via)
            }
            // An alias another module of the root may create: resolved with the inventory.
            None => match alias_name(scope, text) {
                Some(alias) => Val::new(Data::String(alias_ref(alias)), v.loc.clone())
                    .through(loc.clone(), via),
                None => Val::unknown(loc.clone()),
            },
            _ => Val::unknown(loc.clone()),
        }
    }

    /// The key that the alias resource of the module named `alias` (`alias/app`, or its ARN)
    /// points at.
    fn alias_target(&self, scope: &Scope<'_>, alias: &str) -> Option<Val> {
        let aliases = scope.schema.aliases?;
        let alias = alias_name(scope, alias)?;
        for ((ty, res), decl) in scope.index.resources.iter() {
            if ty != aliases.ty {
                continue;
            }
            let eval = Evaluator::in_scope(decl.file.id, scope);
            let block_loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
            let address = format!("{ty}.{res}");
            let read = |attr: &str| {
                let a = decl.block.body.get_attribute(attr)?;
                scope.guarded(&address, decl, a, || eval.eval(&a.value, &block_loc))
            };
            if read(aliases.name).is_some_and(|n| n.data_str() == Some(alias)) {
                return read(aliases.target);
            }
        }
        None
    }

    /// `ALIAS.NAME.ATTR` of a single alias resource: its name as written, and for the
    /// attributes that read as its key, the key it points at when that is a key of the scan.
    fn alias_attribute(
        &self,
        scope: &Scope<'_>,
        aliases: Aliases,
        name: &str,
        attr: &str,
        loc: &Loc,
    ) -> Val {
        let names = attr == aliases.name;
        let from = if names {
            aliases.name
        } else if aliases.key.contains(&attr) {
            aliases.target
        } else {
            return Val::unknown(loc.clone());
        };
        let Some(decl) = scope.index.resources.get(&(aliases.ty, name)) else {
            return Val::unknown(loc.clone());
        };
        if scope.instance_keys(aliases.ty, name).is_some() {
            return Val::unknown(loc.clone());
        }
        let eval = Evaluator::in_scope(decl.file.id, scope);
        let block_loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let address = format!("{}.{name}", aliases.ty);
        let v = decl
            .block
            .body
            .get_attribute(from)
            .and_then(|a| scope.guarded(&address, decl, a, || eval.eval(&a.value, &block_loc)));
        match v {
            Some(v)
                if (names && v.data_str().is_some())
                    || v.data_str().and_then(key_ref_address).is_some() =>
            {
                v.through(loc.clone(), format!("used through `{address}`"))
            }
            _ => Val::unknown(loc.clone()),
        }
    }

    /// `TYPE.NAME` as a value: an object (or, with `count`, a list) of its instances, each an
    /// object of the attributes that carry the resource's marker (none when it has none),
    /// naming that instance (`aws_kms_key.k[0]`, `aws_kms_key.k["a"]`).
    fn instances_value(
        &self,
        scope: &Scope<'_>,
        ty: &str,
        name: &str,
        address: &str,
        loc: &Loc,
    ) -> Val {
        let known = (scope.schema.marker)(ty);
        let one = |address: &str| {
            let entries = match known {
                Some((m, attrs)) => attrs
                    .iter()
                    .map(|a| {
                        (
                            Val::new(Data::String((*a).to_string()), loc.clone()),
                            Val::new(Data::String(marker_text(m, address)), loc.clone()),
                        )
                    })
                    .collect(),
                None => Vec::new(),
            };
            Val::new(Data::Object(entries), loc.clone())
        };
        match scope.instance_keys(ty, name) {
            None => one(address),
            Some(Err(())) => Val::unknown(loc.clone()),
            Some(Ok(keys)) => {
                let counted = keys.iter().all(|k| matches!(k.data, Data::Number(_)));
                if counted {
                    Val::new(
                        Data::List(
                            (0..keys.len())
                                .map(|i| one(&format!("{address}[{i}]")))
                                .collect(),
                        ),
                        loc.clone(),
                    )
                } else {
                    let entries = keys
                        .into_iter()
                        .map(|k| {
                            let key = k.to_string_value().unwrap_or_default();
                            let quoted = serde_json::to_string(&key).unwrap_or_default();
                            let v = one(&format!("{address}[{quoted}]"));
                            (k, v)
                        })
                        .collect();
                    Val::new(Data::Object(entries), loc.clone())
                }
            }
        }
    }

    /// Applies attribute access, indexing and splats.
    fn apply(&self, mut value: Val, ops: &[&TraversalOperator], loc: &Loc) -> Val {
        for (i, op) in ops.iter().enumerate() {
            value = match op {
                TraversalOperator::GetAttr(id) => match &value.data {
                    Data::Object(_) => value
                        .get(id.as_str())
                        .cloned()
                        .unwrap_or_else(|| Val::unknown(loc.clone())),
                    _ => Val::unknown(loc.clone()),
                },
                TraversalOperator::Index(e) => {
                    let key = self.eval(e, loc);
                    index(&value, &key, loc)
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Val::new(Data::Number(*n.value() as f64), loc.clone());
                    index(&value, &key, loc)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let items = match value.data {
                        Data::List(items) => items,
                        Data::Null => Vec::new(),
                        Data::Unknown => return Val::unknown(loc.clone()),
                        _ => vec![value],
                    };
                    let mapped = items
                        .into_iter()
                        .map(|item| self.apply(item, rest, loc))
                        .collect();
                    return Val::new(Data::List(mapped), loc.clone());
                }
            };
            if value.is_unknown() {
                return value;
            }
        }
        value
    }

    fn for_expr(&self, f: &ForExpr, loc: &Loc) -> Val {
        let collection = self.eval(&f.intro.collection_expr, loc);
        let pairs: Vec<(Val, Val)> = match collection.data {
            Data::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::new(Data::Number(i as f64), loc.clone()), v))
                .collect(),
            Data::Object(entries) => entries,
            _ => return Val::unknown(loc.clone()),
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut object: Vec<(Val, Val)> = Vec::new();
        for (k, v) in pairs {
            let mut names = vec![(value_var.clone(), v)];
            if let Some(kv) = &key_var {
                names.push((kv.clone(), k));
            }
            let inner = self.bind(names);
            if let Some(cond) = &f.cond {
                match inner.eval(&cond.expr, loc).to_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Val::unknown(loc.clone()),
                }
            }
            let value = inner.eval(&f.value_expr, loc);
            match &f.key_expr {
                None => list.push(value),
                Some(key_expr) => {
                    let key = inner.eval(key_expr, loc);
                    if key.data_str().is_none() && key.to_string_value().is_none() {
                        return Val::unknown(loc.clone());
                    }
                    let key_text = key.to_string_value().unwrap_or_default();
                    if !self.charge_key_compares(object.len(), &key_text, loc) {
                        return Val::unknown(loc.clone());
                    }
                    let key = Val::new(Data::String(key_text.clone()), key.loc);
                    if f.grouping {
                        match object
                            .iter_mut()
                            .find(|(k, _)| k.data_str() == Some(&key_text))
                        {
                            Some((
                                _,
                                Val {
                                    data: Data::List(items),
                                    ..
                                },
                            )) => items.push(value),
                            _ => object.push((key, Val::new(Data::List(vec![value]), loc.clone()))),
                        }
                    } else {
                        object.retain(|(k, _)| k.data_str() != Some(&key_text));
                        object.push((key, value));
                    }
                }
            }
        }
        let data = if f.key_expr.is_some() {
            Data::Object(object)
        } else {
            Data::List(list)
        };
        Val::new(data, loc.clone())
    }
}

/// The alias a written alias name or ARN names (`alias/app`), as the schema reads it; none
/// when the text holds a marker, so is not written out.
fn alias_name<'t>(scope: &Scope<'_>, text: &'t str) -> Option<&'t str> {
    let aliases = scope.schema.aliases?;
    (aliases.parse)(text).filter(|a| !a.contains('\u{1}'))
}

/// The marker string for the resource at `address`.
fn marker_text(marker: Marker, address: &str) -> String {
    match marker {
        Marker::Key => key_ref(address),
        Marker::Principal => principal_ref(address),
    }
}

/// The names of a plain reference such as `aws.west` or `data.x.y.json`: the root variable and
/// each attribute; `None` when the traversal indexes or splats.
pub fn attribute_path(t: &Traversal) -> Option<Vec<&str>> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut names = vec![root.as_str()];
    for op in t.operators.iter() {
        match op.value() {
            TraversalOperator::GetAttr(id) => names.push(id.as_str()),
            _ => return None,
        }
    }
    Some(names)
}

fn index(value: &Val, key: &Val, loc: &Loc) -> Val {
    index_ref(value, key)
        .cloned()
        .unwrap_or_else(|| Val::unknown(loc.clone()))
}

/// The element of a list or object `key` selects, when there is one.
fn index_ref<'v>(value: &'v Val, key: &Val) -> Option<&'v Val> {
    match &value.data {
        Data::List(items) => key
            .to_int()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i)),
        Data::Object(_) => key.to_string_value().and_then(|k| value.get(&k)),
        _ => None,
    }
}

fn binary(op: BinaryOperator, lhs: &Val, rhs: impl FnOnce() -> Val) -> Data {
    use BinaryOperator as B;
    match op {
        // Short-circuit where the left side decides, as Terraform's unknown-aware logic does.
        B::And => match lhs.to_bool() {
            Some(false) => Data::Bool(false),
            Some(true) => rhs().to_bool().map_or(Data::Unknown, Data::Bool),
            None => match rhs().to_bool() {
                Some(false) => Data::Bool(false),
                _ => Data::Unknown,
            },
        },
        B::Or => match lhs.to_bool() {
            Some(true) => Data::Bool(true),
            Some(false) => rhs().to_bool().map_or(Data::Unknown, Data::Bool),
            None => match rhs().to_bool() {
                Some(true) => Data::Bool(true),
                _ => Data::Unknown,
            },
        },
        B::Eq | B::NotEq => {
            let r = rhs();
            match lhs.same(&r) {
                Some(eq) => Data::Bool(eq == (op == B::Eq)),
                None => Data::Unknown,
            }
        }
        _ => {
            let (Some(a), Some(b)) = (lhs.to_number(), rhs().to_number()) else {
                return Data::Unknown;
            };
            match op {
                B::Plus => Data::Number(a + b),
                B::Minus => Data::Number(a - b),
                B::Mul => Data::Number(a * b),
                B::Div if b != 0.0 => Data::Number(a / b),
                B::Mod if b != 0.0 => Data::Number(a % b),
                B::Less => Data::Bool(a < b),
                B::LessEq => Data::Bool(a <= b),
                B::Greater => Data::Bool(a > b),
                B::GreaterEq => Data::Bool(a >= b),
                _ => Data::Unknown,
            }
        }
    }
}

#[cfg(test)]
mod tests;
