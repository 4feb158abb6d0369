//! IAM policy documents (key policies, IAM policies) as the rules see them, with a span on every
//! element.
//!
//! Every source — a `jsonencode({...})` object, JSON in a heredoc or quoted string, later a plan
//! string or a `data "aws_iam_policy_document"` block — is first turned into an evaluated value
//! tree ([`Val`]) and then into this one model, so rules never know where a policy came from.
//! Shapes AWS would reject are collected as [`Problem`]s (rule KMS018) instead of being guessed at.

use crate::source::{Loc, Related};
use crate::terraform::eval::{Data, Val};

/// A string element of a policy; `None` when the scan cannot know it.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: Option<String>,
    pub loc: Loc,
    /// The references (variables, locals, module inputs) the value came through, innermost
    /// first: a finding at `loc` (a variable's default) lists where the variable is used.
    pub via: Vec<Related>,
}

impl Str {
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref() == Some(s)
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// The principal types of a `Principal` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `"Principal": "*"`: everyone, authenticated or not.
    Everyone,
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

/// One principal of a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub id: Str,
}

impl Principal {
    /// `"*"` in any form: the bare string or `{"AWS": "*"}`, in a list or not.
    pub fn is_wildcard(&self) -> bool {
        matches!(self.kind, PrincipalKind::Everyone | PrincipalKind::Aws) && self.id.is("*")
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Principals {
    /// `NotPrincipal`: everyone except the listed principals.
    pub not: bool,
    /// The element's key (`"Principal"`).
    pub key: Loc,
    pub items: Vec<Principal>,
    /// Some part of the element could not be evaluated.
    pub unknown: bool,
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    pub not: bool,
    pub key: Loc,
    pub items: Vec<Str>,
    pub unknown: bool,
}

/// One `operator: { key: values }` entry of a `Condition` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Str,
    pub key: Str,
    pub values: Vec<Str>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub loc: Loc,
    pub sid: Option<Str>,
    /// `None` when absent, not a valid effect, or unknown.
    pub effect: Option<Effect>,
    pub effect_loc: Option<Loc>,
    pub principals: Option<Principals>,
    pub actions: Option<Patterns>,
    pub resources: Option<Patterns>,
    pub conditions: Vec<Condition>,
    /// The `Condition` element (or part of it) could not be evaluated.
    pub conditions_unknown: bool,
}

impl Statement {
    /// `Sid "x"` or `#N` (1-based position) for messages.
    pub fn name(&self, index: usize) -> String {
        match self.sid.as_ref().and_then(|s| s.value.as_deref()) {
            Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
            _ => format!("statement #{}", index + 1),
        }
    }
}

/// A shape AWS would reject, at the offending element.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub loc: Loc,
    pub message: String,
}

/// A policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The expression the policy was written as.
    pub loc: Loc,
    pub statements: Vec<Statement>,
    pub problems: Vec<Problem>,
    /// The statement list itself (or the whole document) could not be evaluated.
    pub unknown: bool,
}

const TOP_LEVEL: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Policy {
    /// Builds the model from an evaluated document.
    pub fn from_val(doc: &Val) -> Policy {
        let mut p = Policy {
            loc: doc.loc.clone(),
            statements: Vec::new(),
            problems: Vec::new(),
            unknown: false,
        };
        let entries = match &doc.data {
            Data::Object(entries) => entries,
            Data::Json(inner) => return Policy::from_val(inner),
            Data::Unknown => {
                p.unknown = true;
                return p;
            }
            _ => {
                p.problem(&doc.loc, "a policy must be a JSON object");
                return p;
            }
        };
        let mut statement = None;
        for (k, v) in entries {
            match k.data_str() {
                Some("Statement") => statement = Some(v),
                Some("Version") => {
                    if let Some(version) = v.data_str() {
                        if version != "2012-10-17" && version != "2008-10-17" {
                            p.problem(
                                &v.loc,
                                format!(
                                    "unknown policy `Version` \"{version}\": use \"2012-10-17\""
                                ),
                            );
                        }
                    }
                }
                Some(other) if !TOP_LEVEL.contains(&other) => p.problem(
                    &k.loc,
                    format!("unknown policy element `{other}` (expected Version, Id or Statement)"),
                ),
                _ => {}
            }
        }
        let Some(statement) = statement else {
            p.problem(&doc.loc, "the policy has no `Statement`");
            return p;
        };
        match &statement.data {
            Data::List(items) => {
                for item in items {
                    p.statement(item);
                }
            }
            Data::Object(_) => p.statement(statement),
            Data::Unknown => p.unknown = true,
            _ => p.problem(
                &statement.loc,
                "`Statement` must be an object or a list of objects",
            ),
        }
        p
    }

    fn problem(&mut self, loc: &Loc, message: impl Into<String>) {
        self.problems.push(Problem {
            loc: loc.clone(),
            message: message.into(),
        });
    }

    fn statement(&mut self, v: &Val) {
        let entries = match &v.data {
            Data::Object(entries) => entries,
            Data::Unknown => {
                self.unknown = true;
                return;
            }
            _ => {
                self.problem(&v.loc, "a statement must be a JSON object");
                return;
            }
        };
        let mut s = Statement {
            loc: v.loc.clone(),
            sid: None,
            effect: None,
            effect_loc: None,
            principals: None,
            actions: None,
            resources: None,
            conditions: Vec::new(),
            conditions_unknown: false,
        };
        let mut has_effect = false;
        for (k, value) in entries {
            let Some(key) = k.data_str() else { continue };
            match key {
                "Sid" => s.sid = Some(self.str(value)),
                "Effect" => {
                    has_effect = true;
                    s.effect_loc = Some(value.loc.clone());
                    match value.data_str() {
                        Some("Allow") => s.effect = Some(Effect::Allow),
                        Some("Deny") => s.effect = Some(Effect::Deny),
                        Some(other) => self.problem(
                            &value.loc,
                            format!("unknown `Effect` \"{other}\": must be \"Allow\" or \"Deny\""),
                        ),
                        None if value.is_unknown() => {}
                        None => self.problem(&value.loc, "`Effect` must be \"Allow\" or \"Deny\""),
                    }
                }
                "Principal" | "NotPrincipal" => {
                    if s.principals.is_some() {
                        self.problem(
                            &k.loc,
                            "a statement cannot have both `Principal` and `NotPrincipal`",
                        );
                    }
                    s.principals = Some(self.principals(key == "NotPrincipal", k, value));
                }
                "Action" | "NotAction" => s.actions = Some(self.patterns(key, k, value)),
                "Resource" | "NotResource" => s.resources = Some(self.patterns(key, k, value)),
                "Condition" => self.conditions(value, &mut s),
                other if !STATEMENT_KEYS.contains(&other) => {
                    self.problem(&k.loc, format!("unknown statement element `{other}`"))
                }
                _ => {}
            }
        }
        if !has_effect {
            self.problem(&v.loc, "the statement has no `Effect`");
        }
        self.statements.push(s);
    }

    fn str(&mut self, v: &Val) -> Str {
        let value = match &v.data {
            Data::Unknown => None,
            _ => {
                let s = v.to_string_value();
                if s.is_none() {
                    self.problem(&v.loc, "expected a string");
                }
                s
            }
        };
        Str {
            value,
            loc: v.loc.clone(),
            via: v.via.clone(),
        }
    }

    /// A string or a list of strings; `unknown` is set when any part is unknown.
    fn strings(&mut self, v: &Val, what: &str, unknown: &mut bool) -> Vec<Str> {
        match &v.data {
            Data::List(items) => items
                .iter()
                .filter_map(|item| {
                    if item.is_unknown() {
                        *unknown = true;
                    }
                    match &item.data {
                        Data::List(_) | Data::Object(_) | Data::Null => {
                            self.problem(&item.loc, format!("`{what}` must list strings"));
                            None
                        }
                        _ => {
                            // A list that came through a variable: each element came with it.
                            let mut s = self.str(item);
                            s.via.extend(v.via.iter().cloned());
                            Some(s)
                        }
                    }
                })
                .collect(),
            Data::Unknown => {
                *unknown = true;
                Vec::new()
            }
            Data::Object(_) | Data::Null | Data::Json(_) => {
                self.problem(
                    &v.loc,
                    format!("`{what}` must be a string or a list of strings"),
                );
                Vec::new()
            }
            _ => vec![self.str(v)],
        }
    }

    fn principals(&mut self, not: bool, key: &Val, v: &Val) -> Principals {
        let name = if not { "NotPrincipal" } else { "Principal" };
        let mut out = Principals {
            not,
            key: key.loc.clone(),
            items: Vec::new(),
            unknown: false,
        };
        match &v.data {
            Data::String(s) if s == "*" => out.items.push(Principal {
                kind: PrincipalKind::Everyone,
                id: self.str(v),
            }),
            Data::Object(entries) => {
                for (k, ids) in entries {
                    let kind = match k.data_str() {
                        Some("AWS") => PrincipalKind::Aws,
                        Some("Service") => PrincipalKind::Service,
                        Some("Federated") => PrincipalKind::Federated,
                        Some("CanonicalUser") => PrincipalKind::CanonicalUser,
                        Some(other) => {
                            self.problem(
                                &k.loc,
                                format!("unknown principal type `{other}` (expected AWS, Service, Federated or CanonicalUser)"),
                            );
                            continue;
                        }
                        None => {
                            out.unknown = true;
                            continue;
                        }
                    };
                    for id in self.strings(ids, name, &mut out.unknown) {
                        out.items.push(Principal { kind, id });
                    }
                }
            }
            Data::Unknown => out.unknown = true,
            _ => self.problem(
                &v.loc,
                format!("`{name}` must be \"*\" or an object such as {{\"AWS\": [...]}}"),
            ),
        }
        out
    }

    fn patterns(&mut self, name: &str, key: &Val, v: &Val) -> Patterns {
        let mut unknown = false;
        let items = self.strings(v, name, &mut unknown);
        Patterns {
            not: name.starts_with("Not"),
            key: key.loc.clone(),
            items,
            unknown,
        }
    }

    fn conditions(&mut self, v: &Val, s: &mut Statement) {
        let entries = match &v.data {
            Data::Object(entries) => entries,
            Data::Unknown => {
                s.conditions_unknown = true;
                return;
            }
            _ => {
                self.problem(&v.loc, "`Condition` must be an object of operators");
                return;
            }
        };
        for (op, keys) in entries {
            let operator = self.str(op);
            match &keys.data {
                Data::Object(pairs) => {
                    for (key, values) in pairs {
                        let key = self.str(key);
                        let mut unknown = false;
                        let values = self.strings(values, "Condition", &mut unknown);
                        if unknown || key.value.is_none() || operator.value.is_none() {
                            s.conditions_unknown = true;
                        }
                        s.conditions.push(Condition {
                            operator: operator.clone(),
                            key,
                            values,
                        });
                    }
                }
                Data::Unknown => s.conditions_unknown = true,
                _ => self.problem(
                    &keys.loc,
                    "a condition operator must map condition keys to values",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests;
