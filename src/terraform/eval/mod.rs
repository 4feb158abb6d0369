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
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    if root.as_str() != "data" {
        return None;
    }
    let names: Vec<&str> = t
        .operators
        .iter()
        .map(|op| match op.value() {
            hcl_edit::expr::TraversalOperator::GetAttr(id) => Some(id.as_str()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    match names.as_slice() {
        ["aws_caller_identity", _, "account_id"] => Some(OWNER_ACCOUNT),
        ["aws_partition", _, "partition"] => Some(PARTITION),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> Val {
        let body = hcl_edit::parser::parse_body(&format!("x = {src}\n")).unwrap();
        let attr = body.get_attribute("x").unwrap();
        Evaluator::new(FileId(0)).eval(&attr.value, &Loc::new(FileId(0), 0..0))
    }

    #[test]
    fn literals_evaluate_with_spans() {
        let v = eval("false");
        assert_eq!(v.data, Data::Bool(false));
        assert_eq!(v.loc.span, 4..9);
        assert_eq!(eval("730").data, Data::Number(730.0));
        assert_eq!(eval("\"RSA_2048\"").data, Data::String("RSA_2048".into()));
        assert_eq!(eval("(true)").data, Data::Bool(true));
        assert_eq!(eval("null").data, Data::Null);
        assert_eq!(eval("<<EOT\nab\nEOT").data, Data::String("ab\n".into()));
        assert_eq!(eval("\"a$${b}\"").data, Data::String("a${b}".into()));
    }

    #[test]
    fn anything_else_is_unknown() {
        for src in [
            "var.x",
            "local.y",
            "upper(\"a\")",
            "1 + 1",
            "\"${var.x}\"",
            "a ? 1 : 2",
        ] {
            assert_eq!(eval(src).data, Data::Unknown, "{src}");
        }
    }

    #[test]
    fn caller_identity_and_partition_are_markers() {
        let v = eval(
            "\"arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.current.account_id}:root\"",
        );
        assert_eq!(
            v.data,
            Data::String(format!("arn:{PARTITION}:iam::{OWNER_ACCOUNT}:root"))
        );
        assert_eq!(
            eval("\"a-${1}-${true}\"").data,
            Data::String("a-1-true".into())
        );
    }

    #[test]
    fn jsonencode_keeps_structure() {
        let v = eval("jsonencode({ Principal = \"*\" })");
        let Data::Json(inner) = &v.data else {
            panic!("{v:?}")
        };
        assert!(matches!(inner.data, Data::Object(_)));
    }

    #[test]
    fn collections_keep_element_spans() {
        let v = eval("{ a = 1, \"b\" = [true, var.x] }");
        let Data::Object(entries) = &v.data else {
            panic!()
        };
        assert_eq!(entries[0].0.data, Data::String("a".into()));
        let Data::List(items) = &entries[1].1.data else {
            panic!()
        };
        assert_eq!(items[0].data, Data::Bool(true));
        assert_eq!(items[1].data, Data::Unknown);
        assert!(items[1].loc.span.start > items[0].loc.span.start);
    }
}
