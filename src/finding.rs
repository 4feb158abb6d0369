//! Findings: what a rule reports, where, and why. Findings are data; reports render them.

use rayon::prelude::*;

use crate::model::Related;
use crate::rules::{Level, Rule};
use crate::source::{Loc, SourceMap};

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
    /// The resource block the finding is about, when there is one: a suppression comment above
    /// the block covers the finding.
    pub block: Option<Loc>,
    /// Set when a suppression comment or a baseline silenced the finding: it is then listed
    /// apart from the open findings (`Outcome::suppressed`) and never counts for the exit code.
    pub suppressed: Option<crate::suppress::Suppressed>,
    /// The edits that repair the finding, when it can be repaired in the source.
    pub fix: Option<crate::fix::Fix>,
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

    pub(crate) fn fix(&mut self, fix: crate::fix::Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}

/// Replaces what a finding says about a value a plan marks sensitive: the message and label of a
/// finding located inside such a value name the rule and the resource only.
pub(crate) fn redact(findings: &mut [Finding], sensitive: &[Loc]) {
    for f in findings {
        let inside = sensitive.iter().any(|s| {
            s.file == f.primary.file
                && s.span.start <= f.primary.span.start
                && f.primary.span.end <= s.span.end
        });
        if inside {
            f.message = format!(
                "{} (`{}`; the value is sensitive and is not shown)",
                f.rule.summary, f.resource
            );
            f.label = "sensitive value".to_string();
        }
    }
}

/// How many of the instances merged into one finding keep their call chains as related
/// locations; the others are counted in one "and N more" entry, so that a report grows with
/// the configuration and not with what its `count`s multiply into.
pub(crate) const SHOWN_INSTANCES: usize = 3;

/// Sorts findings by file path, position, rule and message, and merges the findings of one rule
/// at one place (the same literal seen through several module calls or resource instances)
/// into one that keeps the call chains of the first [`SHOWN_INSTANCES`] as related locations
/// and whose message ends with how many instances it stands for.
pub(crate) fn dedup_and_sort(mut findings: Vec<Finding>, sources: &SourceMap) -> Vec<Finding> {
    let path = |f: &Finding| sources.display(f.primary.file).to_string();
    // The same problem seen through another instance differs only in the resource address.
    let gist = |f: &Finding| f.message.replace(&f.resource, "");
    let key = |f: &Finding| {
        (
            path(f),
            f.primary.span.start,
            f.primary.span.end,
            f.rule.id,
            gist(f),
            f.related.len(),
        )
    };
    // The key allocates (path, gist): computed once per finding, not once per comparison.
    findings.par_sort_by_cached_key(|f| (key(f), f.message.clone()));
    // Each kept finding with the number of findings merged into it.
    let mut out: Vec<(Finding, usize)> = Vec::with_capacity(findings.len());
    for f in findings {
        match out.last_mut() {
            Some((last, merged))
                if last.rule.id == f.rule.id
                    && last.primary == f.primary
                    && gist(last) == gist(&f) =>
            {
                *merged += 1;
                if *merged <= SHOWN_INSTANCES {
                    for r in f.related {
                        if !last.related.contains(&r) {
                            last.related.push(r);
                        }
                    }
                }
            }
            _ => out.push((f, 1)),
        }
    }
    out.into_iter()
        .map(|(mut f, merged)| {
            if merged > 1 {
                f.message.push_str(&format!(" ({merged} instances)"));
            }
            if let Some(more) = merged.checked_sub(SHOWN_INSTANCES).filter(|n| *n > 0) {
                let loc = f.primary.clone();
                f.related(
                    loc,
                    format!("and {more} more module or resource instances with this finding"),
                );
            }
            f
        })
        .collect()
}

/// The message without the instance count that merging appended: a finding keeps its baseline
/// fingerprint when a `for_each` gains or loses a key.
pub(crate) fn without_instance_count(message: &str) -> &str {
    let Some(rest) = message.strip_suffix(" instances)") else {
        return message;
    };
    match rest.rsplit_once(" (") {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::without_instance_count;

    fn scan(keys: &str) -> crate::Outcome {
        let src = format!(
            "resource \"aws_kms_key\" \"k\" {{\n  for_each = toset([{keys}])\n  enable_key_rotation = false\n}}\n"
        );
        let settings = crate::config::Settings::resolve(crate::config::Options {
            select: Some(vec!["KMS002".to_string()]),
            ..crate::config::Options::default()
        })
        .unwrap();
        crate::check_sources(vec![("main.tf".to_string(), src)], &settings)
    }

    #[test]
    fn a_finding_over_several_instances_says_how_many() {
        let o = scan("\"a\", \"b\", \"c\"");
        assert_eq!(o.findings.len(), 1);
        assert!(
            o.findings[0].message.ends_with(" (3 instances)"),
            "{}",
            o.findings[0].message
        );
        let one = scan("\"a\"");
        assert_eq!(one.findings.len(), 1);
        assert!(
            !one.findings[0].message.contains("instances"),
            "{}",
            one.findings[0].message
        );
    }

    #[test]
    fn the_instance_count_leaves_the_fingerprint_alone() {
        let print = |o: &crate::Outcome| crate::baseline::fingerprint(&o.findings[0], &o.sources);
        let three = scan("\"a\", \"b\", \"c\"");
        let five = scan("\"a\", \"b\", \"c\", \"d\", \"e\"");
        let one = scan("\"a\"");
        assert_eq!(print(&three), print(&five));
        assert_eq!(print(&three), print(&one));
    }

    #[test]
    fn only_a_trailing_count_is_taken_off() {
        assert_eq!(without_instance_count("bad (12 instances)"), "bad");
        assert_eq!(
            without_instance_count("bad ( instances)"),
            "bad ( instances)"
        );
        assert_eq!(
            without_instance_count("bad (x2 instances)"),
            "bad (x2 instances)"
        );
        assert_eq!(
            without_instance_count("bad (2 instances) here"),
            "bad (2 instances) here"
        );
        assert_eq!(without_instance_count("bad"), "bad");
    }
}
