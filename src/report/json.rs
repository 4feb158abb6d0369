//! kmslint's own JSON format: stable field names, documented in docs/json-output.md.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::Finding;
use crate::report::{ReportOptions, escape};
use crate::rules::Level;
use crate::source::{Loc, Position, SourceMap};
use crate::{Outcome, Stats};

/// Bumped only when a field changes meaning or disappears.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    /// Filled with `--show-suppressed`; the summary counts them either way.
    suppressed: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    errors: usize,
    error: usize,
    warning: usize,
    note: usize,
    /// Input diagnostics per level: only error-level ones make the exit code 2.
    input_error: usize,
    input_warning: usize,
    input_note: usize,
    suppressed: usize,
    suppressed_by: BTreeMap<&'static str, usize>,
    #[serde(flatten)]
    stats: Stats,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    level: Level,
    message: Cow<'a, str>,
    resource: Cow<'a, str>,
    location: JsonLocation<'a>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
    /// Present when the finding can be repaired in the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: Cow<'a, str>,
    applicability: crate::fix::Applicability,
    command: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the bytes of `location` with `text` (exact: the file's own line ends).
#[derive(Serialize)]
struct JsonEdit<'a> {
    location: JsonLocation<'a>,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    source: crate::suppress::Source,
    justification: Option<Cow<'a, str>>,
    location: Option<JsonLocation<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: Cow<'a, str>,
    location: JsonLocation<'a>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    start: Position,
    end: Position,
    /// Byte offsets in the file as stored on disk (a UTF-8 BOM counts).
    byte_start: usize,
    byte_end: usize,
}

#[derive(Serialize)]
struct JsonError<'a> {
    kind: crate::diagnostic::InputErrorKind,
    level: Level,
    code: &'static str,
    path: &'a str,
    start: Position,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let count = |l: Level| outcome.findings.iter().filter(|f| f.level == l).count();
    let input = |l: Level| outcome.errors.iter().filter(|e| e.level() == l).count();
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "kmslint",
            version: &options.version,
        },
        summary: Summary {
            findings: outcome.findings.len(),
            errors: outcome.errors.len(),
            error: count(Level::Error),
            warning: count(Level::Warning),
            note: count(Level::Note),
            input_error: input(Level::Error),
            input_warning: input(Level::Warning),
            input_note: input(Level::Note),
            suppressed: outcome.suppressed.len(),
            suppressed_by: crate::suppress::counts(&outcome.suppressed)
                .into_iter()
                .map(|(s, n)| (s.name(), n))
                .collect(),
            stats: outcome.stats,
        },
        findings: outcome
            .findings
            .iter()
            .map(|f| finding(&outcome.sources, f))
            .collect(),
        suppressed: if options.show_suppressed {
            outcome
                .suppressed
                .iter()
                .map(|f| finding(&outcome.sources, f))
                .collect()
        } else {
            Vec::new()
        },
        errors: outcome
            .errors
            .iter()
            .map(|e| JsonError {
                kind: e.kind,
                level: e.level(),
                code: e.kind.code(),
                path: &e.path,
                start: e.position,
                message: escape::text(&e.message),
                help: e.help.as_deref().map(escape::text),
            })
            .collect(),
    };
    escape::write_json_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One finding; its texts as every format shows them (see `escape`), its paths exact.
fn finding<'a>(sources: &'a SourceMap, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule.id,
        name: f.rule.name,
        level: f.level,
        message: escape::text(&f.message),
        resource: escape::text(&f.resource),
        location: location(sources, &f.primary),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                message: escape::text(&r.message),
                location: location(sources, &r.loc),
            })
            .collect(),
        suppression: f.suppressed.as_ref().map(|s| JsonSuppression {
            source: s.source,
            justification: s.justification.as_deref().map(escape::text),
            location: s.at.as_ref().map(|at| location(sources, at)),
        }),
        fix: f
            .fix
            .as_ref()
            .filter(|x| !x.edits.is_empty())
            .map(|x| JsonFix {
                description: escape::text(&x.description),
                applicability: x.applicability,
                command: x.command(),
                edits: x
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        location: location(
                            sources,
                            &Loc {
                                file: e.file,
                                span: e.span.clone(),
                            },
                        ),
                        text: &e.text,
                    })
                    .collect(),
            }),
    }
}

fn location<'a>(sources: &'a SourceMap, loc: &Loc) -> JsonLocation<'a> {
    match sources.get(loc.file) {
        Some(file) => {
            let (start, end) = file.range(&loc.span);
            JsonLocation {
                path: &file.display,
                start,
                end,
                byte_start: loc.span.start + file.bom_len,
                byte_end: loc.span.end + file.bom_len,
            }
        }
        None => JsonLocation {
            path: "",
            start: Position::default(),
            end: Position::default(),
            byte_start: 0,
            byte_end: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_as_shown_and_paths_exact_with_no_raw_control_byte() {
        let name = "a\u{1b}[2J\u{9b}.tf";
        let src = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid = \"x\\n::error\\u001b\\u0085\"\n      Effect = \"Allow\"\n      Principal = \"*\"\n      Action = \"kms:*\"\n      Resource = \"*\"\n    }]\n  })\n}\n";
        let outcome = crate::check_sources(
            vec![(name.to_string(), src.to_string())],
            &crate::config::Settings::default(),
        );
        let raw: Vec<&str> = outcome
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .filter(|m| m.contains('\u{1b}'))
            .collect();
        assert!(
            !raw.is_empty(),
            "no finding quotes the Sid: {:?}",
            outcome.findings
        );
        let mut out = Vec::new();
        write(&outcome, &ReportOptions::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| escape::is_unsafe(c) && c != '\n'),
            "{text:?}"
        );
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let findings = doc["findings"].as_array().unwrap();
        assert!(findings.iter().all(|f| f["location"]["path"] == name));
        let shown: Vec<&str> = findings
            .iter()
            .filter_map(|f| f["message"].as_str())
            .filter(|m| m.contains("x\\n::error\\u{1b}\\u{85}"))
            .collect();
        assert_eq!(shown.len(), raw.len(), "{doc}");
    }
}
