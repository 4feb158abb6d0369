//! Variable type constraints (`string`, `list(string)`, `object({...})` with `optional()`
//! defaults) and the conversion Terraform applies to a variable's value.

use hcl_edit::expr::{Expression, ObjectKey};

use crate::source::Loc;
use crate::terraform::eval::{Data, Evaluator, Val};

/// A type constraint.
#[derive(Debug, Clone)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    /// Attributes with their type and, for `optional(T, default)`, whether optional and the default.
    Object(Vec<(String, Type, Option<Option<Val>>)>),
}

impl Type {
    /// Reads a `type = ...` expression; anything unrecognised is `any`.
    pub fn parse(expr: &Expression, eval: &Evaluator<'_>) -> Type {
        match expr {
            Expression::Variable(v) => match v.as_str() {
                "string" => Type::String,
                "number" => Type::Number,
                "bool" => Type::Bool,
                _ => Type::Any,
            },
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                let inner = || args.first().map_or(Type::Any, |a| Type::parse(a, eval));
                match call.name.name.as_str() {
                    "list" => Type::List(Box::new(inner())),
                    "set" => Type::Set(Box::new(inner())),
                    "map" => Type::Map(Box::new(inner())),
                    "tuple" => match args.first() {
                        Some(Expression::Array(items)) => {
                            Type::Tuple(items.iter().map(|i| Type::parse(i, eval)).collect())
                        }
                        _ => Type::Any,
                    },
                    "object" => match args.first() {
                        Some(Expression::Object(o)) => Type::Object(
                            o.iter()
                                .filter_map(|(k, v)| {
                                    let name = match k {
                                        ObjectKey::Ident(id) => id.to_string(),
                                        ObjectKey::Expression(e) => eval
                                            .eval(e, &Loc::new(eval.file, 0..0))
                                            .data_str()?
                                            .to_string(),
                                    };
                                    Some(match v.expr() {
                                        Expression::FuncCall(c)
                                            if c.name.name.as_str() == "optional" =>
                                        {
                                            let a: Vec<&Expression> = c.args.iter().collect();
                                            let ty = a
                                                .first()
                                                .map_or(Type::Any, |t| Type::parse(t, eval));
                                            let default = a
                                                .get(1)
                                                .map(|d| eval.eval(d, &Loc::new(eval.file, 0..0)));
                                            (name, ty, Some(default))
                                        }
                                        other => (name, Type::parse(other, eval), None),
                                    })
                                })
                                .collect(),
                        ),
                        _ => Type::Any,
                    },
                    _ => Type::Any,
                }
            }
            _ => Type::Any,
        }
    }

    /// Converts a value to this type; what cannot convert (Terraform would reject it) becomes
    /// unknown.
    pub fn convert(&self, v: Val) -> Val {
        if v.is_unknown() || v.is_null() {
            return v;
        }
        let loc = v.loc.clone();
        let via = v.via.clone();
        let fail = || Val {
            via: via.clone(),
            ..Val::unknown(loc.clone())
        };
        match self {
            Type::Any => v,
            Type::String => match v.to_string_value() {
                Some(s) => Val {
                    data: Data::String(s),
                    ..v
                },
                None => fail(),
            },
            Type::Number => match v.to_number() {
                Some(n) => Val {
                    data: Data::Number(n),
                    ..v
                },
                None => fail(),
            },
            Type::Bool => match v.to_bool() {
                Some(b) => Val {
                    data: Data::Bool(b),
                    ..v
                },
                None => fail(),
            },
            Type::List(t) | Type::Set(t) => match v.data {
                Data::List(items) => {
                    let items = items.into_iter().map(|i| t.convert(i)).collect();
                    Val {
                        data: Data::List(items),
                        loc,
                        via,
                    }
                }
                _ => fail(),
            },
            Type::Tuple(ts) => match v.data {
                Data::List(items) if items.len() == ts.len() => {
                    let items = items
                        .into_iter()
                        .zip(ts)
                        .map(|(i, t)| t.convert(i))
                        .collect();
                    Val {
                        data: Data::List(items),
                        loc,
                        via,
                    }
                }
                _ => fail(),
            },
            Type::Map(t) => match v.data {
                Data::Object(entries) => {
                    let entries = entries
                        .into_iter()
                        .map(|(k, v)| (k, t.convert(v)))
                        .collect();
                    Val {
                        data: Data::Object(entries),
                        loc,
                        via,
                    }
                }
                _ => fail(),
            },
            Type::Object(attrs) => {
                let Data::Object(_) = &v.data else {
                    return fail();
                };
                let mut out = Vec::new();
                for (name, ty, optional) in attrs {
                    let key = Val::new(Data::String(name.clone()), loc.clone());
                    match (v.get(name), optional) {
                        (Some(value), _) if !value.is_null() => {
                            out.push((key, ty.convert(value.clone())))
                        }
                        (_, Some(Some(default))) => out.push((key, ty.convert(default.clone()))),
                        (Some(value), _) => out.push((key, value.clone())),
                        (None, Some(None)) => out.push((key, Val::new(Data::Null, loc.clone()))),
                        // A required attribute is missing: Terraform would reject the value.
                        (None, None) => return fail(),
                    }
                }
                Val {
                    data: Data::Object(out),
                    loc,
                    via,
                }
            }
        }
    }
}
