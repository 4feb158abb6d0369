//! Evaluates HCL expressions into span-carrying values.
//!
//! A value that depends on anything the scan cannot know is `Unknown`, and unknown propagates:
//! rules never fire on it. This evaluator knows literals (numbers, bools, strings, templates
//! and heredocs whose interpolations are known, `null`, lists and objects of those, parentheses),
//! the deploying account (`data.aws_caller_identity.*.account_id`) and partition
//! (`data.aws_partition.*.partition`) as markers, and `jsonencode` of a value (kept structured,
//! so every key and value keeps its own span). Every other expression — variables, other
//! references, other functions, operators — evaluates to `Unknown` at its span.

mod value;

pub use value::{Data, OWNER_ACCOUNT, PARTITION, Val, display_markers};

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::template::{Element, Template};

use crate::source::{FileId, Loc};

/// Evaluates expressions of one file.
#[derive(Debug, Clone, Copy)]
pub struct Evaluator {
    file: FileId,
}

impl Evaluator {
    pub fn new(file: FileId) -> Self {
        Evaluator { file }
    }

    fn loc(&self, span: Option<std::ops::Range<usize>>, fallback: &Loc) -> Loc {
        span.map_or_else(|| fallback.clone(), |s| Loc::new(self.file, s))
    }

    /// Evaluates `expr`; `fallback` is used for nodes the parser gave no span (never the case for
    /// parsed input, but the tree type allows it).
    pub fn eval(&self, expr: &Expression, fallback: &Loc) -> Val {
        let loc = self.loc(expr.span(), fallback);
        let data = match expr {
            Expression::Null(_) => Data::Null,
            Expression::Bool(b) => Data::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(Data::Unknown, Data::Number),
            Expression::String(s) => Data::String(s.value().clone()),
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => return self.eval(p.inner(), &loc),
            Expression::Traversal(t) => {
                traversal_marker(t).map_or(Data::Unknown, |m| Data::String(m.to_string()))
            }
            Expression::FuncCall(call)
                if is_jsonencode(call) && call.args.len() == 1 && !call.args.expand_final() =>
            {
                match call.args.iter().next() {
                    Some(arg) => Data::Json(Box::new(self.eval(arg, &loc))),
                    None => Data::Unknown,
                }
            }
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
            _ => Data::Unknown,
        };
        Val::new(data, loc)
    }

    /// A template evaluates when every interpolation in it does.
    fn template(&self, template: &Template) -> Data {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(lit) => out.push_str(lit.value()),
                Element::Interpolation(i) => {
                    let fallback = Loc::new(self.file, 0..0);
                    match self.eval(&i.expr, &fallback).to_string_value() {
                        Some(s) => out.push_str(&s),
                        None => return Data::Unknown,
                    }
                }
                Element::Directive(_) => return Data::Unknown,
            }
        }
        Data::String(out)
    }
}

fn is_jsonencode(call: &hcl_edit::expr::FuncCall) -> bool {
    call.name.namespace.is_empty() && call.name.name.as_str() == "jsonencode"
}

/// `data.aws_caller_identity.<name>.account_id` and `data.aws_partition.<name>.partition`.
fn traversal_marker(t: &hcl_edit::expr::Traversal) -> Option<&'static str> {
    match attribute_path(t)?.as_slice() {
        ["data", "aws_caller_identity", _, "account_id"] => Some(OWNER_ACCOUNT),
        ["data", "aws_partition", _, "partition"] => Some(PARTITION),
        _ => None,
    }
}

/// The names of a plain reference such as `data.aws_iam_policy_document.x.json`: the root
/// variable and each attribute; `None` when the traversal indexes or splats.
pub fn attribute_path(t: &hcl_edit::expr::Traversal) -> Option<Vec<&str>> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut names = vec![root.as_str()];
    for op in t.operators.iter() {
        match op.value() {
            hcl_edit::expr::TraversalOperator::GetAttr(id) => names.push(id.as_str()),
            _ => return None,
        }
    }
    Some(names)
}
