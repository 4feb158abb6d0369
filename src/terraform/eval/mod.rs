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
    Data, KEY_REF, NODE, OWNER_ACCOUNT, PARTITION, PRINCIPAL_REF, Val, display_markers,
    format_number, key_ref, key_ref_address, principal_ref,
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

/// What the caller tells the evaluator about resource types and data sources.
#[derive(Clone, Copy)]
pub struct Schema {
    /// For a resource type whose identifiers stand for the resource: the marker, and the
    /// attributes that carry it (any other attribute is computed at apply, so unknown).
    pub marker: fn(&str) -> Option<Marked>,
    /// For a data source answered from one of its own arguments: that argument.
    pub lookup: fn(&str) -> Option<&'static str>,
    /// Which looked-up values stand for the data source's attributes (others are unknown).
    pub answer: fn(&str) -> bool,
}

impl Schema {
    /// Knows nothing: every resource attribute and data source is unknown.
    pub const NONE: Schema = Schema {
        marker: |_| None,
        lookup: |_| None,
        answer: |_| false,
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
            scope.error(
                InputErrorKind::Evaluation,
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
                let (value, used) = self.reference(root.as_str(), &ops, loc);
                (self.charged(value, loc), used)
            }
            other => (self.eval(other, loc), 0),
        };
        self.apply(value, ops.get(used..).unwrap_or(&[]), loc)
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
            ("path", Some(kind @ ("module" | "root" | "cwd"))) => {
                let dir = self.scope.map(|s| s.dir.clone()).unwrap_or_default();
                let text = if kind == "module" {
                    dir.to_string_lossy().into_owned()
                } else {
                    ".".to_string()
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
                        (ty, Some(name), Some(_)) if (scope.schema.lookup)(ty).is_some() => {
                            (self.data_lookup(scope, ty, name, loc), 3)
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

    /// `TYPE.NAME[...].ATTR` of a resource declared in the module: a key's identifiers and the
    /// ARNs of IAM roles and users are markers; anything else is computed at apply time.
    fn resource_reference(
        &self,
        scope: &Scope<'_>,
        ty: &str,
        name: &str,
        ops: &[&TraversalOperator],
        loc: &Loc,
    ) -> (Val, usize) {
        let mut i = 1;
        while matches!(
            ops.get(i),
            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
        ) {
            i += 1;
        }
        let address = format!("{}{ty}.{name}", scope.prefix);
        let attr = match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => id.as_str(),
            // The whole resource (`for_each = aws_kms_key.tenant`): its instances, each with
            // the identifiers the rules follow.
            None if i == 1 => return (self.instances_value(scope, ty, name, &address, loc), i),
            _ => return (Val::unknown(loc.clone()), ops.len()),
        };
        let marker = (scope.schema.marker)(ty)
            .filter(|(_, attrs)| attrs.contains(&attr))
            .map(|(m, _)| marker_text(m, &address));
        match marker {
            Some(m) => (Val::new(Data::String(m), loc.clone()), i + 1),
            None => (Val::unknown(loc.clone()), ops.len()),
        }
    }

    /// `data.TYPE.NAME.*` of a data source the schema answers from its own argument (an alias
    /// looked up by name): that argument's value when the schema keeps it, else unknown.
    fn data_lookup(&self, scope: &Scope<'_>, ty: &str, name: &str, loc: &Loc) -> Val {
        let (Some(attr), Some(decl)) =
            ((scope.schema.lookup)(ty), scope.index.data.get(&(ty, name)))
        else {
            return Val::unknown(loc.clone());
        };
        let eval = Evaluator::in_scope(decl.file.id, scope);
        let block_loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let looked_up = decl.block.body.get_attribute(attr).and_then(|a| {
            scope.guarded(&format!("data.{ty}.{name}"), decl, a, || {
                eval.eval(&a.value, &block_loc)
            })
        });
        match looked_up {
            Some(v) if v.data_str().is_some_and(scope.schema.answer) => {
                v.through(loc.clone(), format!("used through `data.{ty}.{name}`"))
            }
            _ => Val::unknown(loc.clone()),
        }
    }

    /// `TYPE.NAME` as a value: an object (or, with `count`, a list) of its instances, each an
    /// object of the attributes that carry the resource's marker (none when it has none).
    fn instances_value(
        &self,
        scope: &Scope<'_>,
        ty: &str,
        name: &str,
        address: &str,
        loc: &Loc,
    ) -> Val {
        let known = (scope.schema.marker)(ty);
        let one = || {
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
            None => one(),
            Some(Err(())) => Val::unknown(loc.clone()),
            Some(Ok(keys)) => {
                let counted = keys.iter().all(|k| matches!(k.data, Data::Number(_)));
                if counted {
                    Val::new(
                        Data::List(keys.iter().map(|_| one()).collect()),
                        loc.clone(),
                    )
                } else {
                    let entries = keys.into_iter().map(|k| (k, one())).collect();
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
    match (&value.data, &key.data) {
        (Data::List(items), _) => key
            .to_int()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i).cloned())
            .unwrap_or_else(|| Val::unknown(loc.clone())),
        (Data::Object(_), _) => key
            .to_string_value()
            .and_then(|k| value.get(&k).cloned())
            .unwrap_or_else(|| Val::unknown(loc.clone())),
        _ => Val::unknown(loc.clone()),
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
