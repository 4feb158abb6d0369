//! The SARIF 2.1.0 format, shaped for GitHub code scanning.
//!
//! Own serde structs for the subset GitHub reads (its upload step validates the schema; every
//! field here is checked in CI against the SARIF schema and GitHub's ingestion rules). Paths are
//! relative to the repository root; the primary region is the narrow offending span; related
//! locations (the whole resource block, where a value was defined) are linked from the message.
//! No `primaryLocationLineHash` (upload-sarif computes it) and no `automationDetails` (the
//! upload's `category` sets it).

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use crate::explain;
use crate::report::ReportOptions;
use crate::rules::{self, Rule};
use crate::source::{Loc, SourceMap};
use crate::{Finding, InputError, Outcome};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    descriptor: Descriptor,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    resource: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "kmslint",
                    version: &options.version,
                    semantic_version: &options.version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rules::ALL.iter().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: !outcome
                    .errors
                    .iter()
                    .any(|e| e.level() == crate::rules::Level::Error),
                tool_execution_notifications: outcome
                    .errors
                    .iter()
                    .map(|e| notification(e, options))
                    .collect(),
            }],
            results: Vec::new(),
            column_kind: "unicodeCodePoints",
        }],
    };
    let log = serde_json::to_string_pretty(&log).map_err(std::io::Error::other)?;
    // A large scan has many thousands of results: they are serialized in parallel and written
    // where the empty array is, indented as `to_writer_pretty` would (JSON strings hold no raw
    // line break, so indenting after each one is safe).
    let (head, tail) = match log.split_once(EMPTY_RESULTS) {
        Some((head, tail)) if !outcome.findings.is_empty() => (head, tail),
        _ => return writeln!(out, "{log}"),
    };
    write!(out, "{head}\"results\": [")?;
    // Windows of chunks: each window is built and serialized on every core, then written, so
    // memory holds one window's output, not the whole report's.
    for (w, window) in outcome.findings.chunks(CHUNK * 16).enumerate() {
        let chunks: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::new();
                for f in chunk {
                    buf.extend_from_slice(b",\n");
                    let r = result(f, &outcome.sources, options);
                    let json = serde_json::to_vec_pretty(&r).map_err(std::io::Error::other)?;
                    for line in json.split(|&b| b == b'\n') {
                        buf.extend_from_slice(RESULT_INDENT.as_bytes());
                        buf.extend_from_slice(line);
                        buf.push(b'\n');
                    }
                    buf.pop();
                }
                Ok(buf)
            })
            .collect::<std::io::Result<_>>()?;
        for (i, chunk) in chunks.iter().enumerate() {
            // Every result starts with ",\n"; the very first has no comma.
            let skip = usize::from(w == 0 && i == 0);
            out.write_all(chunk.get(skip..).unwrap_or_default())?;
        }
    }
    writeln!(out, "\n{}]{tail}", &RESULT_INDENT[2..])
}

/// Results serialized by one task.
const CHUNK: usize = 64;
/// How `results` looks in the serialized log before the results are put in.
const EMPTY_RESULTS: &str = "\"results\": []";
/// The indentation of one result: four levels (the log, `runs`, the run, `results`).
const RESULT_INDENT: &str = "        ";

/// One finding as a SARIF result.
fn result(f: &Finding, sources: &SourceMap, options: &ReportOptions) -> SarifResult {
    let related: Vec<Location> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            location(
                sources,
                options,
                &r.loc,
                Some(i + 1),
                Some(r.message.clone()),
            )
        })
        .collect();
    let links: Vec<String> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| format!("[{}]({})", escape(&r.message), i + 1))
        .collect();
    let mut text = escape(&f.message);
    if !links.is_empty() {
        text = format!("{text} ({})", links.join(", "));
    }
    SarifResult {
        rule_id: f.rule.id,
        rule_index: rules::ALL
            .iter()
            .position(|r| r.id == f.rule.id)
            .unwrap_or(0),
        level: f.level.as_str(),
        message: Text { text },
        locations: vec![location(sources, options, &f.primary, None, None)],
        related_locations: related,
        properties: ResultProperties {
            resource: f.resource.clone(),
        },
    }
}

fn descriptor(rule: &'static Rule) -> RuleDescriptor {
    let mut tags = vec!["security", "terraform", "aws", "kms"];
    tags.extend(rule.tags);
    RuleDescriptor {
        id: rule.id,
        name: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: explain::plain(rule.rationale),
        },
        help: Help {
            text: explain::help_text(rule),
            markdown: explain::page(rule),
        },
        help_uri: explain::doc_url(rule),
        default_configuration: Configuration {
            level: rule.level.as_str(),
        },
        properties: RuleProperties {
            tags,
            precision: rule.precision.as_str(),
            security_severity: rule.security_severity,
        },
    }
}

fn notification(error: &InputError, options: &ReportOptions) -> Notification {
    let mut text = error.message.clone();
    if let Some(help) = &error.help {
        text = format!("{text} (help: {help})");
    }
    Notification {
        level: error.level().as_str(),
        message: Text { text },
        locations: vec![Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(options, &error.path),
                },
                region: Region {
                    start_line: error.position.line,
                    start_column: error.position.column,
                    end_line: error.position.line,
                    end_column: error.position.column + 1,
                },
            },
            message: None,
        }],
        descriptor: Descriptor {
            id: error.kind.code(),
        },
    }
}

fn location(
    sources: &SourceMap,
    options: &ReportOptions,
    loc: &Loc,
    id: Option<usize>,
    message: Option<String>,
) -> Location {
    let (start, end, path) = match sources.get(loc.file) {
        Some(file) => {
            let (s, e) = file.range(&loc.span);
            (s, e, file.display.as_str())
        }
        None => Default::default(),
    };
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(options, path),
            },
            region: Region {
                start_line: start.line.max(1),
                start_column: start.column.max(1),
                end_line: end.line.max(start.line).max(1),
                end_column: end.column.max(1),
            },
        },
        message: message.map(|text| Text { text }),
    }
}

/// A repository-relative URI reference: `/`-separated, percent-encoded where URIs require it.
fn uri(options: &ReportOptions, path: &str) -> String {
    // A display path may climb out of the working directory (`../../modules/kms/main.tf`, run
    // from `envs/prod`): joined to the working directory's place it names the repository file.
    let full = crate::report::repo_path(options, path);
    let mut out = String::with_capacity(full.len());
    for b in full.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if full.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// SARIF message text reads `[text](id)` as a link; literal brackets must be escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        let o = ReportOptions {
            repo_prefix: "infra/".into(),
            ..ReportOptions::default()
        };
        assert_eq!(uri(&o, "a b/main.tf"), "infra/a%20b/main.tf");
        assert_eq!(uri(&o, "/abs/x.tf"), "file:///abs/x.tf");
        assert_eq!(uri(&o, "../modules/kms/main.tf"), "modules/kms/main.tf");
    }

    #[test]
    fn brackets_are_escaped() {
        assert_eq!(escape("a[\"k\"]"), "a\\[\"k\"\\]");
    }
}
