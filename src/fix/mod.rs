//! Fixes: the edits that repair a finding, whether they are safe to apply unasked, and applying
//! them to the scanned files (`--fix`) or showing them as a diff (`--diff`).
//!
//! A rule says what would repair its finding in terms of the model (set this value, remove this
//! attribute, add this one to the block): a [`Plan`]. Once the sources are known the plan is
//! turned into byte edits, and dropped when the value is not a literal that can be edited in
//! place: computed by an expression, read from a plan, or written in a module outside the
//! repository.

pub mod apply;
pub mod diff;
mod layout;
mod resolve;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::model::Origin;
use crate::source::{FileId, Loc, SourceMap};

pub use apply::{FixOptions, FixRun, run};

/// Whether a fix is applied by `--fix` alone or needs `--unsafe-fixes` too.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Repairs the finding and changes nothing else.
    Safe,
    /// Changes behaviour someone may rely on (a disabled key enabled, a variable other places
    /// read): applied only when asked.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes `span` of `file` with `text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub span: Range<usize>,
    pub text: String,
}

/// The repair of one finding.
#[derive(Debug, Clone)]
pub struct Fix {
    /// What the fix does, in a few words: "set `enable_key_rotation = true`".
    pub description: String,
    pub applicability: Applicability,
    /// The edits, all in one file, in order; empty until resolved against the sources.
    pub edits: Vec<Edit>,
    /// The bytes the fix depends on: its edits, and the lines of an aligned group it lays out
    /// again. Two fixes whose claims overlap are not applied in the same pass.
    pub(crate) claims: Vec<Range<usize>>,
    pub(crate) plan: Option<Plan>,
}

/// What would repair a finding, said in terms of the model.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// Replace the literal `old` where the value was written with `new`.
    Set {
        origin: Origin,
        attribute: &'static str,
        block: Loc,
        old: String,
        new: String,
    },
    /// Remove the line that sets `attribute` to `true`.
    Remove {
        origin: Origin,
        attribute: &'static str,
        block: Loc,
    },
    /// Add `attribute = value` to the block (or object) that lacks it and has `needs`.
    Insert {
        block: Loc,
        attribute: &'static str,
        value: String,
        needs: Option<&'static str>,
    },
}

impl Fix {
    /// Calls `f` on every location the plan holds, so that a plan made in a translated or merged
    /// file (an override's attribute) is resolved in the file the value is written in.
    pub(crate) fn for_each_loc(&mut self, mut f: impl FnMut(&mut Loc)) {
        match &mut self.plan {
            Some(Plan::Set { origin, block, .. } | Plan::Remove { origin, block, .. }) => {
                f(&mut origin.at);
                origin.via.iter_mut().for_each(|r| f(&mut r.loc));
                f(block);
            }
            Some(Plan::Insert { block, .. }) => f(block),
            None => {}
        }
    }

    fn planned(description: String, applicability: Applicability, plan: Plan) -> Fix {
        Fix {
            description,
            applicability,
            edits: Vec::new(),
            claims: Vec::new(),
            plan: Some(plan),
        }
    }

    /// Sets `attribute` (written in `block`, or reaching it from `origin`) from `old` to `new`.
    pub(crate) fn set(
        attribute: &'static str,
        block: &Loc,
        origin: &Origin,
        old: impl std::fmt::Display,
        new: impl std::fmt::Display,
        applicability: Applicability,
    ) -> Fix {
        let new = new.to_string();
        Fix::planned(
            format!("set `{attribute} = {new}`"),
            applicability,
            Plan::Set {
                origin: origin.clone(),
                attribute,
                block: block.clone(),
                old: old.to_string(),
                new,
            },
        )
    }

    /// Removes `attribute = true` from `block`.
    pub(crate) fn remove(attribute: &'static str, block: &Loc, origin: &Origin) -> Fix {
        Fix::planned(
            format!("remove `{attribute}`"),
            Applicability::Safe,
            Plan::Remove {
                origin: origin.clone(),
                attribute,
                block: block.clone(),
            },
        )
    }

    /// Adds `attribute = value` to `block`.
    pub(crate) fn insert(attribute: &'static str, block: &Loc, value: &str) -> Fix {
        Fix::planned(
            format!("add `{attribute} = {value}`"),
            Applicability::Safe,
            Plan::Insert {
                block: block.clone(),
                attribute,
                value: value.to_string(),
                needs: None,
            },
        )
    }

    /// Adds a `Condition` to a policy statement written as an HCL object (`jsonencode`) that
    /// has none: an unsafe fix, as callers the statement let in may be shut out.
    pub(crate) fn add_condition(statement: &Loc, condition: String) -> Fix {
        Fix::planned(
            format!("add `Condition = {condition}`"),
            Applicability::Unsafe,
            Plan::Insert {
                block: statement.clone(),
                attribute: "Condition",
                value: condition,
                needs: Some("Effect"),
            },
        )
    }

    /// The edit that does the work (not one that only realigns neighbours), with the text it
    /// replaces.
    pub fn main_edit<'a>(&'a self, sources: &'a SourceMap) -> Option<(&'a Edit, &'a str)> {
        self.edits
            .iter()
            .filter_map(|e| Some((e, sources.get(e.file)?.slice(&e.span))))
            .find(|(e, old)| !e.text.trim().is_empty() || !old.trim().is_empty())
    }

    /// The command that applies the fix.
    pub fn command(&self) -> &'static str {
        match self.applicability {
            Applicability::Safe => "kmslint --fix",
            Applicability::Unsafe => "kmslint --fix --unsafe-fixes",
        }
    }

    /// Whether the fix is applied with the given choice of `--unsafe-fixes`.
    pub fn applies(&self, unsafe_fixes: bool) -> bool {
        !self.edits.is_empty() && (self.applicability == Applicability::Safe || unsafe_fixes)
    }
}

/// Turns the plans of the findings' fixes into edits; a fix that cannot be made is removed.
pub(crate) fn resolve(findings: &mut [crate::Finding], sources: &crate::source::SourceMap) {
    let mut resolver = resolve::Resolver::new(sources);
    for f in findings {
        let Some(fix) = &mut f.fix else { continue };
        let made = fix.plan.take().and_then(|plan| resolver.edits(&plan));
        match made {
            Some(made) => {
                fix.edits = made.edits;
                fix.claims = made.claims;
                fix.applicability = fix.applicability.max(made.floor);
            }
            None => f.fix = None,
        }
    }
}
