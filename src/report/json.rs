//! kmslint's own JSON format: stable field names, documented in docs/json-output.md.

use std::io::Write;

use serde::Serialize;

use crate::report::ReportOptions;
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
    #[serde(flatten)]
    stats: Stats,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    level: Level,
    message: &'a str,
    resource: &'a str,
    location: JsonLocation<'a>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
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
    message: &'a str,
    help: Option<&'a str>,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let count = |l: Level| outcome.findings.iter().filter(|f| f.level == l).count();
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
            stats: outcome.stats,
        },
        findings: outcome
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule.id,
                name: f.rule.name,
                level: f.level,
                message: &f.message,
                resource: &f.resource,
                location: location(&outcome.sources, &f.primary),
                related: f
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        message: &r.message,
                        location: location(&outcome.sources, &r.loc),
                    })
                    .collect(),
            })
            .collect(),
        errors: outcome
            .errors
            .iter()
            .map(|e| JsonError {
                kind: e.kind,
                level: e.level(),
                code: e.kind.code(),
                path: &e.path,
                start: e.position,
                message: &e.message,
                help: e.help.as_deref(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    writeln!(out)
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
