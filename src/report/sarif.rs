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
use crate::report::{ReportOptions, escape};
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties,
}

/// A fix (SARIF 3.55): the replacements in one artifact.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
    properties: FixProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: DeletedRegion,
    inserted_content: Content,
}

/// Line and column as in every region, and the same place as a character offset and length
/// counted in the run's column kind (Unicode code points, the BOM not counted).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    char_offset: usize,
    char_length: usize,
}

#[derive(Serialize)]
struct Content {
    text: String,
}

#[derive(Serialize)]
struct FixProperties {
    /// `safe` (applied by `kmslint --fix`) or `unsafe` (only with `--unsafe-fixes`).
    applicability: crate::fix::Applicability,
}

/// The key of the baseline fingerprint among a result's partial fingerprints: code scanning
/// matches alerts across runs by it, so an alert survives lines added above its block.
const FINGERPRINT_KEY: &str = "kmslintFingerprint/v1";

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
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
    let shown_suppressed: &[Finding] = if options.show_suppressed {
        &outcome.suppressed
    } else {
        &[]
    };
    let (kept, left_out) = capped(&outcome.findings, shown_suppressed, MAX_RESULTS);
    let mut notifications: Vec<Notification> = outcome
        .errors
        .iter()
        .map(|e| notification(e, options))
        .collect();
    if left_out > 0 {
        notifications.push(summary_notification(
            "warning",
            "results-left-out",
            format!(
                "{left_out} of {} results were left out: GitHub code scanning takes at most {MAX_RESULTS} per run; the most severe were kept. The JSON or pretty output lists them all.",
                kept.len() + left_out
            ),
        ));
    }
    if let Some(by_source) = crate::suppress::counts_text(&outcome.suppressed)
        && !options.show_suppressed
    {
        notifications.push(summary_notification(
            "note",
            "suppressed",
            format!(
                "{} suppressed ({by_source}) and not listed; `--show-suppressed` lists them with their suppressions",
                match outcome.suppressed.len() {
                    1 => "1 finding was".to_string(),
                    n => format!("{n} findings were"),
                }
            ),
        ));
    }
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
                tool_execution_notifications: notifications,
            }],
            results: Vec::new(),
            column_kind: "unicodeCodePoints",
        }],
    };
    let log = String::from_utf8(escape::to_json_pretty(&log)?).map_err(std::io::Error::other)?;
    // A large scan has many thousands of results: they are serialized in parallel and written
    // where the empty array is, indented as `to_writer_pretty` would (JSON strings hold no raw
    // line break, so indenting after each one is safe).
    let (head, tail) = match log.split_once(EMPTY_RESULTS) {
        Some((head, tail)) if !kept.is_empty() => (head, tail),
        _ => return writeln!(out, "{log}"),
    };
    write!(out, "{head}\"results\": [")?;
    // Windows of chunks: each window is built and serialized on every core, then written, so
    // memory holds one window's output, not the whole report's.
    for (w, window) in kept.chunks(CHUNK * 16).enumerate() {
        let chunks: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::new();
                for f in chunk {
                    buf.extend_from_slice(b",\n");
                    let r = result(f, &outcome.sources, options);
                    let json = escape::to_json_pretty(&r)?;
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

/// GitHub code scanning rejects a run with more results than this.
const MAX_RESULTS: usize = 25_000;
/// GitHub rejects a result with more locations than this; related locations are held to it too.
const MAX_RELATED: usize = 1_000;

/// The findings written as results (open ones, then the suppressed ones shown), at most `max`:
/// when there are more, the most severe are kept, open before suppressed, each group in its
/// sorted order. Also returns how many were left out.
fn capped<'a>(
    open: &'a [Finding],
    suppressed: &'a [Finding],
    max: usize,
) -> (Vec<&'a Finding>, usize) {
    let all: Vec<&Finding> = open.iter().chain(suppressed).collect();
    if all.len() <= max {
        return (all, 0);
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    // Stable: equal levels keep their sorted order; open findings come first in `all`.
    order.sort_by_key(|&i| {
        let f = all[i];
        (f.suppressed.is_some(), std::cmp::Reverse(f.level))
    });
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_unstable();
    let left_out = all.len() - keep.len();
    (keep.into_iter().map(|i| all[i]).collect(), left_out)
}

/// A notification about the run as a whole (no location).
fn summary_notification(level: &'static str, id: &'static str, text: String) -> Notification {
    Notification {
        level,
        message: Text { text },
        locations: Vec::new(),
        descriptor: Descriptor { id },
    }
}

/// Results serialized by one task.
const CHUNK: usize = 64;
/// How `results` looks in the serialized log before the results are put in.
const EMPTY_RESULTS: &str = "\"results\": []";
/// The indentation of one result: four levels (the log, `runs`, the run, `results`).
const RESULT_INDENT: &str = "        ";

/// One finding as a SARIF result.
fn result(f: &Finding, sources: &SourceMap, options: &ReportOptions) -> SarifResult {
    let shown = &f.related[..f.related.len().min(MAX_RELATED)];
    let related: Vec<Location> = shown
        .iter()
        .enumerate()
        .map(|(i, r)| {
            location(
                sources,
                options,
                &r.loc,
                Some(i + 1),
                Some(escape::text(&r.message).into_owned()),
            )
        })
        .collect();
    let links: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(i, r)| format!("[{}]({})", link_text(&escape::text(&r.message)), i + 1))
        .collect();
    let mut text = link_text(&escape::text(&f.message));
    if !links.is_empty() {
        text = format!("{text} ({})", links.join(", "));
    }
    if f.related.len() > shown.len() {
        text.push_str(&format!(
            " ({} more related locations are not listed)",
            f.related.len() - shown.len()
        ));
    }
    let suppressions = f
        .suppressed
        .iter()
        .map(|s| Suppression {
            kind: if s.source.in_source() {
                "inSource"
            } else {
                "external"
            },
            justification: Some(match &s.justification {
                Some(j) => format!("{}: {}", s.source.name(), escape::text(j)),
                None => s.source.name().to_string(),
            }),
        })
        .collect();
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
        suppressions,
        partial_fingerprints: [(FINGERPRINT_KEY, crate::baseline::fingerprint(f, sources))].into(),
        fixes: f
            .fix
            .iter()
            .filter_map(|x| fix(x, sources, options))
            .collect(),
        properties: ResultProperties {
            resource: escape::text(&f.resource).into_owned(),
        },
    }
}

fn fix(fix: &crate::fix::Fix, sources: &SourceMap, options: &ReportOptions) -> Option<SarifFix> {
    let first = fix.edits.first()?;
    let file = sources.get(first.file)?;
    let chars = |offset: usize| file.text.get(..offset).map_or(0, |s| s.chars().count());
    let replacements = fix
        .edits
        .iter()
        .filter(|e| e.file == first.file)
        .map(|e| {
            let (start, end) = file.range(&e.span);
            let offset = chars(e.span.start);
            Replacement {
                deleted_region: DeletedRegion {
                    start_line: start.line,
                    start_column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    char_offset: offset,
                    char_length: chars(e.span.end) - offset,
                },
                inserted_content: Content {
                    text: e.text.clone(),
                },
            }
        })
        .collect();
    Some(SarifFix {
        description: Text {
            text: format!("{} (`{}`)", escape::text(&fix.description), fix.command()),
        },
        artifact_changes: vec![ArtifactChange {
            artifact_location: ArtifactLocation {
                uri: uri(options, &file.display),
            },
            replacements,
        }],
        properties: FixProperties {
            applicability: fix.applicability,
        },
    })
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
        help_uri: help_uri(rule),
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

/// The rule's page in the docs of this release (its tag), which says what this version does;
/// the page on the default branch may describe a later behaviour.
fn help_uri(rule: &Rule) -> String {
    format!(
        "{}/blob/v{}/docs/rules/{}.md",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION"),
        rule.id
    )
}

fn notification(error: &InputError, options: &ReportOptions) -> Notification {
    let mut text = escape::text(&error.message).into_owned();
    if let Some(help) = &error.help {
        text = format!("{text} (help: {})", escape::text(help));
    }
    // A command-line value has no file to point at.
    let locations = if error.path.is_empty() {
        Vec::new()
    } else {
        vec![Location {
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
        }]
    };
    Notification {
        level: error.level().as_str(),
        message: Text { text },
        locations,
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

/// A repository-relative URI reference without a scheme: `/`-separated segments, each
/// percent-encoded to RFC 3986's unreserved characters and the sub-delimiters (so `:`, which
/// would make the first segment a scheme, `%`, `#`, `?`, spaces, controls and non-ASCII bytes
/// are all encoded). An absolute path is made relative to the repository root (`..` when it lies
/// outside): code scanning reads URIs relative to the checkout and rejects `file://` ones.
fn uri(options: &ReportOptions, path: &str) -> String {
    let full = relative_path(options, path);
    let mut out = String::with_capacity(full.len());
    for b in full.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A display path relative to the repository root, `/`-separated, also when it is absolute:
/// the path of a file in every report a CI system places by file (SARIF, Code Quality, JUnit,
/// Checkstyle).
pub(super) fn relative_path(options: &ReportOptions, path: &str) -> String {
    // A display path may climb out of the working directory (`../../modules/kms/main.tf`, run
    // from `envs/prod`): joined to the working directory's place it names the repository file.
    let full = crate::report::repo_path(options, path);
    // An absolute path (a file outside the working directory's tree) is made relative too: no
    // URI has a scheme or an authority.
    if full.starts_with('/') {
        relative_to_root(options, &full)
    } else {
        full
    }
}

/// An absolute `/`-separated path relative to the repository root (the base directory less
/// the repository prefix), with `..` segments where it lies outside.
fn relative_to_root(options: &ReportOptions, path: &str) -> String {
    let depth = options
        .repo_prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .count();
    let root = options
        .base
        .ancestors()
        .nth(depth)
        .unwrap_or(std::path::Path::new("/"));
    match crate::files::relative(std::path::Path::new(path), root) {
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path.to_string(),
    }
}

/// SARIF message text reads `[text](id)` as a link; literal brackets must be escaped.
fn link_text(text: &str) -> String {
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
        assert_eq!(uri(&o, "../modules/kms/main.tf"), "modules/kms/main.tf");
        assert_eq!(
            uri(&ReportOptions::default(), "javascript:alert(1).tf"),
            "javascript%3Aalert(1).tf"
        );
        assert_eq!(
            uri(&ReportOptions::default(), "d/%41#x?y/\u{e9}\u{1b}.tf"),
            "d/%2541%23x%3Fy/%C3%A9%1B.tf"
        );
    }

    #[test]
    fn absolute_paths_become_repository_relative() {
        let o = ReportOptions {
            repo_prefix: "infra/envs/".into(),
            base: "/home/u/repo/infra/envs".into(),
            ..ReportOptions::default()
        };
        assert_eq!(uri(&o, "/home/u/repo/modules/k.tf"), "modules/k.tf");
        assert_eq!(uri(&o, "/home/u/other/k.tf"), "../other/k.tf");
        assert_eq!(uri(&o, "/etc/x:y.tf"), "../../../etc/x%3Ay.tf");
    }

    #[test]
    fn brackets_are_escaped() {
        assert_eq!(link_text("a[\"k\"]"), "a\\[\"k\"\\]");
    }

    fn sarif(sources: Vec<(&str, String)>, options: &ReportOptions) -> serde_json::Value {
        let sources: Vec<(&str, &str)> = sources.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let outcome = crate::report::checked(&sources);
        let mut out = Vec::new();
        write(&outcome, options, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| escape::is_unsafe(c) && c != '\n'),
            "raw control character in {text:?}"
        );
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn every_result_carries_the_baseline_fingerprint_which_survives_line_moves() {
        let key = "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false\n}\n";
        let prints = |src: String| {
            let sources = vec![("main.tf".to_string(), src.clone())];
            let outcome = crate::check_sources(sources, &crate::config::Settings::default());
            let log = sarif(vec![("main.tf", src)], &ReportOptions::default());
            let results = log["runs"][0]["results"].as_array().unwrap().clone();
            assert_eq!(results.len(), outcome.findings.len());
            results
                .iter()
                .zip(&outcome.findings)
                .map(|(r, f)| {
                    let prints = r["partialFingerprints"].as_object().unwrap();
                    assert_eq!(prints.len(), 1, "{r}");
                    let print = prints[FINGERPRINT_KEY].as_str().unwrap().to_string();
                    assert_eq!(print, crate::baseline::fingerprint(f, &outcome.sources));
                    print
                })
                .collect::<Vec<_>>()
        };
        let before = prints(key.to_string());
        assert!(!before.is_empty());
        let moved = prints(format!("# the platform keys\n\n\n{key}"));
        assert_eq!(before, moved);
        let other = prints(key.replace("\"a\"", "\"b\""));
        assert_ne!(before, other);
    }

    #[test]
    fn help_links_point_at_the_docs_of_this_release() {
        let log = sarif(Vec::new(), &ReportOptions::default());
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), rules::ALL.len());
        for r in rules {
            let id = r["id"].as_str().unwrap();
            assert_eq!(
                r["helpUri"],
                format!(
                    "{}/blob/v{}/docs/rules/{id}.md",
                    env!("CARGO_PKG_REPOSITORY"),
                    env!("CARGO_PKG_VERSION")
                )
            );
            let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/rules")
                .join(format!("{id}.md"));
            assert!(page.is_file(), "{} missing", page.display());
        }
    }

    #[test]
    fn the_most_severe_are_kept_in_order() {
        let findings = |src: &str| {
            crate::check_sources(
                vec![("main.tf".to_string(), src.to_string())],
                &crate::config::Settings::default(),
            )
            .findings
        };
        let all = findings(
            "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false\n  deletion_window_in_days = 7\n}\nresource \"aws_kms_key\" \"b\" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n  })\n}\n",
        );
        let worst = all.iter().map(|f| f.level).max();
        assert!(all.len() > 2 && all.iter().any(|f| Some(f.level) != worst));
        // The last of the sorted findings is not the most severe: the cap must look at levels.
        let max = 2;
        let (kept, left_out) = capped(&all, &[], max);
        assert_eq!((kept.len(), left_out), (max, all.len() - max));
        let least_kept = kept.iter().map(|f| f.level).min();
        let left: Vec<_> = all
            .iter()
            .filter(|f| !kept.iter().any(|k| std::ptr::eq(*k, *f)))
            .collect();
        assert!(left.iter().all(|f| Some(f.level) <= least_kept));
        assert!(kept.iter().any(|f| Some(f.level) == worst));

        let positions: Vec<usize> = kept
            .iter()
            .filter_map(|k| all.iter().position(|f| std::ptr::eq(f, *k)))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert_ne!(positions, (0..max).collect::<Vec<_>>(), "not a mere prefix");
        let (kept, left_out) = capped(&all, &[], all.len());
        assert_eq!((kept.len(), left_out), (all.len(), 0));
    }

    #[test]
    fn suppressed_findings_are_results_with_suppressions_only_when_shown() {
        let src = "# kmslint:ignore KMS002 -- rotated by the \u{1b} platform\nresource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false # checkov:skip=CKV_AWS_7:managed elsewhere\n}\n".to_string();
        let hidden = sarif(vec![("main.tf", src.clone())], &ReportOptions::default());
        let run = &hidden["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert!(results.iter().all(|r| r["ruleId"] != "KMS002"), "{run}");
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(
            notes.iter().any(|n| n["descriptor"]["id"] == "suppressed"
                && n["level"] == "note"
                && n["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("1 finding was suppressed (1 kmslint)")),
            "{notes:?}"
        );
        let shown = sarif(
            vec![("main.tf", src)],
            &ReportOptions {
                show_suppressed: true,
                ..ReportOptions::default()
            },
        );
        let result = shown["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "KMS002")
            .cloned()
            .unwrap();
        assert_eq!(
            result["suppressions"],
            serde_json::json!([{
                "kind": "inSource",
                "justification": "kmslint: rotated by the \\u{1b} platform"
            }])
        );
        let open = shown["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["suppressions"].is_null())
            .count();
        assert_eq!(open, hidden["runs"][0]["results"].as_array().unwrap().len());
    }

    #[test]
    fn hostile_names_and_values_reach_no_uri_or_text_raw() {
        let src = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n  description = \"\u{9b}\"\n}\n".to_string();
        let log = sarif(
            vec![("javascript:\u{1b}\n.tf", src)],
            &ReportOptions::default(),
        );
        let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"];
        assert_eq!(uri, "javascript%3A%1B%0A.tf");
    }
}
