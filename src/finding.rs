//! Findings: what a rule reports, where, and why. Findings are data; reports render them.

use crate::model::Related;
use crate::rules::{Level, Rule};
use crate::source::Loc;

/// One problem found by one rule.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The effective level (the rule's default unless configured otherwise).
    pub level: Level,
    /// A complete sentence naming the resource and the offending value.
    pub message: String,
    /// The narrowest span that shows the problem: the offending value, or the block header when
    /// the attribute is absent.
    pub primary: Loc,
    /// A short label for the primary span.
    pub label: String,
    /// Places that explain the finding: the whole resource block, where a value was defined.
    pub related: Vec<Related>,
    /// The Terraform address of the resource concerned (e.g. `aws_kms_key.app`).
    pub resource: String,
}

impl Finding {
    pub fn related(&mut self, loc: Loc, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }

    /// The order of reports: file, position, rule, message.
    pub(crate) fn sort_key(&self) -> (crate::source::FileId, usize, usize, &str, &str) {
        (
            self.primary.file,
            self.primary.span.start,
            self.primary.span.end,
            self.rule.id,
            &self.message,
        )
    }
}
