//! Inline suppressions: comments that silence reviewed findings where they are.
//!
//! `# kmslint:ignore KMS002 -- reason` (also with `//` or `/* */`, several ids, or rule names)
//! covers findings on its own line when it ends a line, and the line below when it stands on its
//! own line (a run of comment lines all cover the line after the run). When that line is a block
//! header, it covers the whole block: every finding about the block (wherever the finding points,
//! even in another file) and every finding inside it. `# kmslint:ignore-file KMS017` before the
//! first block covers the file. The peers' comments (`#checkov:skip=`, `#tfsec:ignore:`,
//! `#trivy:ignore:`) silence the kmslint rules their checks map to (see `peers`); Checkov's,
//! written inside a block, cover that block as Checkov does.
//!
//! Suppressed findings are set apart, each marked with what silenced it (the tool whose comment
//! it was, the justification written after the ids), so reports can count and list them; they
//! never count for the exit code. Mistakes in kmslint's own comments
//! (an unknown rule, a misplaced `ignore-file`, and, when asked, a suppression that silenced
//! nothing) are input errors: a typo must not quietly leave a finding unsilenced, nor a stale
//! suppression linger. Peers' comments are never reported: they belong to the peer tool.

mod lexer;
mod peers;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::finding::Finding;
use crate::rules;
use crate::source::{FileId, Loc, SourceFile, SourceMap};

use peers::Tool;

/// What silenced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A `kmslint:ignore` or `kmslint:ignore-file` comment.
    Kmslint,
    /// A `checkov:skip=` comment.
    Checkov,
    /// A `tfsec:ignore:` comment.
    Tfsec,
    /// A `trivy:ignore:` comment.
    Trivy,
    /// An entry of the `--baseline` file.
    Baseline,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Kmslint,
        Source::Checkov,
        Source::Tfsec,
        Source::Trivy,
        Source::Baseline,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Kmslint => "kmslint",
            Source::Checkov => "checkov",
            Source::Tfsec => "tfsec",
            Source::Trivy => "trivy",
            Source::Baseline => "baseline",
        }
    }

    /// Written in the scanned files (SARIF `inSource`), rather than kept apart (`external`).
    pub fn in_source(self) -> bool {
        self != Source::Baseline
    }
}

/// The marker of a suppressed finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub source: Source,
    /// The reason written with the suppression (`-- reason`, Checkov's `:reason`), if any.
    pub justification: Option<String>,
    /// Where the suppressing id is written (none for a baseline).
    pub at: Option<Loc>,
}

/// Suppressed findings counted by source, in [`Source::ALL`] order, sources with none left out.
pub fn counts(suppressed: &[Finding]) -> Vec<(Source, usize)> {
    Source::ALL
        .iter()
        .map(|&s| {
            let n = suppressed
                .iter()
                .filter(|f| f.suppressed.as_ref().is_some_and(|m| m.source == s))
                .count();
            (s, n)
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// How many findings each source silenced, for a report's summary (`1 kmslint, 2 baseline`);
/// `None` when none was.
pub fn counts_text(suppressed: &[Finding]) -> Option<String> {
    let parts: Vec<String> = counts(suppressed)
        .iter()
        .map(|(s, n)| format!("{n} {}", s.name()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The findings suppressions left open, those they silenced (marked), and diagnostics.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<InputError>,
}

/// How suppressions are applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct SuppressOptions {
    /// Report every kmslint suppression that silenced no finding.
    pub report_unused: bool,
}

/// Sets suppressed findings apart; returns them with the kept findings and diagnostics (unknown
/// rule ids in a kmslint suppression, and with report_unused, suppressions that silenced nothing).
pub fn apply(findings: Vec<Finding>, sources: &SourceMap, options: &SuppressOptions) -> Applied {
    apply_on(findings, sources, options, today())
}

/// [`apply`] on a given day (days since 1970-01-01), which decides whether a peer's ignore with
/// an expiry date still holds.
fn apply_on(
    findings: Vec<Finding>,
    sources: &SourceMap,
    options: &SuppressOptions,
    today: i64,
) -> Applied {
    let files: Vec<_> = sources.iter().collect();
    let per_file: Vec<Found> = files
        .par_iter()
        .map(|(id, file)| {
            let mut found = Found::default();
            scan_file(*id, file, today, &mut found);
            found
        })
        .collect();
    let mut found = Found::default();
    for f in per_file {
        found.suppressions.extend(f.suppressions);
        found.headers.extend(f.headers);
        found.module_lines.extend(f.module_lines);
        found.errors.extend(f.errors);
    }
    if found.suppressions.is_empty() {
        return Applied {
            kept: findings,
            suppressed: Vec::new(),
            errors: found.errors,
        };
    }
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, s) in found.suppressions.iter().enumerate() {
        by_file.entry(s.file).or_default().push(i);
    }
    let mut kept = Vec::with_capacity(findings.len());
    let mut silenced = Vec::new();
    for mut finding in findings {
        let Some(target) = Target::of(&finding, sources, &found) else {
            kept.push(finding);
            continue;
        };
        let mut files: Vec<FileId> = std::iter::once(target.primary.file)
            .chain(target.block.iter().map(|b| b.file))
            .chain(target.calls.iter().map(|c| c.file))
            .collect();
        files.sort_unstable();
        files.dedup();
        let mut suppressed: Option<Suppressed> = None;
        for file in files {
            for &i in by_file.get(&file).into_iter().flatten() {
                let s = &mut found.suppressions[i];
                if !s.entries.iter().any(|e| e.rule == finding.rule.id)
                    || !covers(s, &target, &found.headers)
                {
                    continue;
                }
                if let Some((date, span)) = &s.expired {
                    for e in s.entries.iter_mut().filter(|e| e.rule == finding.rule.id) {
                        e.used = true;
                    }
                    finding.related(
                        Loc::new(s.file, span.clone()),
                        format!(
                            "a suppression of {} here expired on {date}",
                            finding.rule.id
                        ),
                    );
                    continue;
                }
                // Every suppression that covers the finding counts as used, not only the first.
                let mut first = None;
                for e in s.entries.iter_mut().filter(|e| e.rule == finding.rule.id) {
                    e.used = true;
                    first.get_or_insert_with(|| e.span.clone());
                }
                // The first suppression in file order is the one shown, whichever else covers it.
                suppressed.get_or_insert_with(|| Suppressed {
                    source: s.source,
                    justification: s.justification.clone(),
                    at: first.map(|span| Loc::new(s.file, span)),
                });
            }
        }
        match suppressed {
            Some(marker) => {
                finding.suppressed = Some(marker);
                silenced.push(finding);
            }
            None => kept.push(finding),
        }
    }
    let mut errors = found.errors;
    if options.report_unused {
        for s in found.suppressions.iter().filter(|s| s.own) {
            let Some(file) = sources.get(s.file) else {
                continue;
            };
            for e in s.entries.iter().filter(|e| !e.used) {
                let where_ = if matches!(s.scope, Scope::File) {
                    "in this file"
                } else {
                    "here"
                };
                errors.push(
                    InputError::at(
                        InputErrorKind::Suppression,
                        s.file,
                        file,
                        e.span.clone(),
                        format!("unused suppression: no {} finding {where_}", e.rule),
                    )
                    .with_help(UNUSED_HELP),
                );
            }
        }
    }
    Applied {
        kept,
        suppressed: silenced,
        errors,
    }
}

const UNUSED_HELP: &str = "a suppression covers findings on its own line, on the line directly below it, or in the block whose header is directly below it; remove it when the finding is gone";

/// The peers' ids kmslint honours, as a Markdown table (docs/suppressions.md holds it).
pub fn peer_table() -> String {
    let mut out =
        String::from("| Comment | Silences | The peer's check | Defined in |\n|---|---|---|---|\n");
    for p in peers::PEER_CHECKS {
        let comments: Vec<String> = p
            .ids
            .iter()
            .map(|id| match p.tool {
                Tool::Checkov => format!("`#checkov:skip={id}:reason`"),
                Tool::Aqua => format!("`#tfsec:ignore:{id}`, `#trivy:ignore:{id}`"),
            })
            .collect();
        out.push_str(&format!(
            "| {} | [{}](rules/{}.md) | {}: {} | {} |\n",
            comments.join("<br>"),
            p.rule,
            p.rule,
            p.tool.name(),
            p.evidence.replace('|', "\\|"),
            p.defined
        ));
    }
    out
}

/// What the suppression comments of all files say.
#[derive(Default)]
struct Found {
    suppressions: Vec<Suppression>,
    /// The blocks of the files holding suppressions, by (file, header line): a suppression
    /// covering a header line covers what is inside the block.
    headers: HashMap<(FileId, usize), Vec<Range<usize>>>,
    /// The header lines of `module` blocks in those files: a suppression covering one covers
    /// what is found through the call.
    module_lines: HashSet<(FileId, usize)>,
    errors: Vec<InputError>,
}

/// One suppression comment (or one peer directive in a comment).
struct Suppression {
    file: FileId,
    scope: Scope,
    entries: Vec<Entry>,
    /// Written in kmslint's own form: reported when unused.
    own: bool,
    source: Source,
    /// The reason written with it, if any.
    justification: Option<String>,
    /// `exp:YYYY-MM-DD` in a kmslint reason that is past: the date and where it is written. An
    /// expired suppression silences nothing; the findings it covers say that it expired.
    expired: Option<(String, Range<usize>)>,
}

/// One rule a suppression silences, with where its id is written.
struct Entry {
    rule: &'static str,
    span: Range<usize>,
    used: bool,
}

/// What a suppression covers.
enum Scope {
    /// Findings that start on a line, findings about a block whose header is on it, and findings
    /// inside that block.
    Line(usize),
    /// Findings inside a block or about it (a Checkov comment inside the block).
    Block(Range<usize>),
    /// Findings in the file or about a block in it.
    File,
    /// Nothing: a comment followed by a blank line or the end of the file.
    Nothing,
}

/// A location reduced to what coverage needs.
struct Place {
    file: FileId,
    line: usize,
    start: usize,
}

impl Place {
    fn of(loc: &Loc, sources: &SourceMap) -> Option<Place> {
        let file = sources.get(loc.file)?;
        Some(Place {
            file: loc.file,
            line: file.position(loc.span.start).line,
            start: loc.span.start,
        })
    }
}

/// Where a finding is, for coverage: where it points, the block it is about, and the `module`
/// calls it was reached through.
struct Target {
    primary: Place,
    block: Option<Place>,
    calls: Vec<Place>,
}

impl Target {
    fn of(finding: &Finding, sources: &SourceMap, found: &Found) -> Option<Target> {
        let primary = Place::of(&finding.primary, sources)?;
        let block = finding.block.as_ref().and_then(|b| Place::of(b, sources));
        // A finding inside a called module lists the calls among its related locations, each at
        // the `module` block's header.
        let calls = finding
            .related
            .iter()
            .filter_map(|r| Place::of(&r.loc, sources))
            .filter(|p| found.module_lines.contains(&(p.file, p.line)))
            .collect();
        Some(Target {
            primary,
            block,
            calls,
        })
    }
}

fn covers(
    s: &Suppression,
    target: &Target,
    headers: &HashMap<(FileId, usize), Vec<Range<usize>>>,
) -> bool {
    let primary = &target.primary;
    let primary_here = primary.file == s.file;
    let block_here = target.block.as_ref().filter(|b| b.file == s.file);
    match &s.scope {
        Scope::Line(line) => {
            (primary_here && primary.line == *line)
                || block_here.is_some_and(|b| b.line == *line)
                || (primary_here
                    && headers
                        .get(&(s.file, *line))
                        .is_some_and(|spans| spans.iter().any(|r| r.contains(&primary.start))))
                || target
                    .calls
                    .iter()
                    .any(|c| c.file == s.file && c.line == *line)
        }
        Scope::Block(span) => {
            (primary_here && span.contains(&primary.start))
                || block_here.is_some_and(|b| span.contains(&b.start))
                || target
                    .calls
                    .iter()
                    .any(|c| c.file == s.file && span.contains(&c.start))
        }
        Scope::File => primary_here || block_here.is_some(),
        Scope::Nothing => false,
    }
}

/// Directive prefixes; a file that holds none of them is not lexed at all.
const KMSLINT: &str = "kmslint:";
const CHECKOV: &str = "checkov:skip=";
const TFSEC: &str = "tfsec:ignore:";
const TRIVY: &str = "trivy:ignore:";

fn scan_file(id: FileId, file: &SourceFile, today: i64, found: &mut Found) {
    // JSON plans and templates hold no HCL comments.
    let hcl = file.display.ends_with(".tf") || file.display.ends_with(".tfvars");
    let text = file.text.as_str();
    if !hcl
        || ![KMSLINT, CHECKOV, TFSEC, TRIVY]
            .iter()
            .any(|p| text.contains(p))
    {
        return;
    }
    let lexed = lexer::lex(text);
    let mut has_suppression = false;
    for comment in &lexed.comments {
        let before = found.suppressions.len();
        let body = text.get(comment.body.clone()).unwrap_or("");
        let line_scope = line_scope(comment, &lexed);
        let at = Ctx {
            id,
            file,
            base: comment.body.start,
        };
        kmslint_directive(&at, body, comment, &lexed, &line_scope, today, found);
        peer_directives(&at, body, comment, &lexed, &line_scope, today, found);
        has_suppression |= found.suppressions.len() > before;
    }
    if has_suppression {
        for b in lexed.blocks {
            let header = file.line_text(b.header_line).trim_start();
            if header
                .strip_prefix("module")
                .is_some_and(|rest| rest.starts_with([' ', '\t', '"']))
            {
                found.module_lines.insert((id, b.header_line));
            }
            found
                .headers
                .entry((id, b.header_line))
                .or_default()
                .push(b.span);
        }
    }
}

/// Where a comment is: its file and the offset of its body.
struct Ctx<'a> {
    id: FileId,
    file: &'a SourceFile,
    base: usize,
}

impl Ctx<'_> {
    fn error(&self, span: Range<usize>, message: String) -> InputError {
        InputError::at(
            InputErrorKind::Suppression,
            self.id,
            self.file,
            span,
            message,
        )
    }
}

/// The line a comment covers: its own when code precedes it, else the next line that is not
/// itself only comments (none when a blank line or the end of the file comes first).
fn line_scope(comment: &lexer::Comment, lexed: &lexer::Lexed) -> LineScope {
    if !comment.own_line {
        return LineScope::Line(comment.line);
    }
    let mut line = comment.end_line + 1;
    while line <= lexed.line_count() && lexed.comment_only(line) {
        line += 1;
    }
    if lexed.has_code(line) {
        LineScope::Line(line)
    } else {
        LineScope::Nothing
    }
}

#[derive(Clone, Copy)]
enum LineScope {
    Line(usize),
    Nothing,
}

impl LineScope {
    fn scope(self) -> Scope {
        match self {
            LineScope::Line(l) => Scope::Line(l),
            LineScope::Nothing => Scope::Nothing,
        }
    }
}

/// Parses `kmslint:ignore IDS [-- reason]` or `kmslint:ignore-file IDS [-- reason]` at the start
/// of a comment. Only the start counts, so prose that mentions the syntax is not a directive.
fn kmslint_directive(
    at: &Ctx<'_>,
    body: &str,
    comment: &lexer::Comment,
    lexed: &lexer::Lexed,
    line_scope: &LineScope,
    today: i64,
    found: &mut Found,
) {
    let trimmed = body.trim_start();
    let start = at.base + (body.len() - trimmed.len());
    let Some(rest) = trimmed.strip_prefix(KMSLINT) else {
        return;
    };
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    let directive = start..start + KMSLINT.len() + word_len;
    let file_wide = match word {
        "ignore" => false,
        "ignore-file" => true,
        _ => {
            found.errors.push(
                at.error(
                    directive,
                    format!("unknown directive `kmslint:{word}` in a comment"),
                )
                .with_help("write `kmslint:ignore KMS002 -- reason` or `kmslint:ignore-file KMS002 -- reason`"),
            );
            return;
        }
    };
    let list_start = directive.end;
    let after = &rest[word_len..];
    let separated = after.split_once("--");
    let list = separated.map_or(after, |(ids, _)| ids);
    let mut entries = Vec::new();
    let mut any = false;
    let mut unseparated_reason = None;
    for (offset, token) in tokens(list) {
        let span = list_start + offset..list_start + offset + token.len();
        if separated.is_none() && any && rules::find(token).is_none() && !looks_like_rule(token) {
            // Prose after the ids: a reason written without `--`. One error for all of it.
            let end = list_start + list.trim_end().len();
            found.errors.push(
                at.error(
                    span.start..end,
                    "a kmslint suppression reason must follow `--`".to_string(),
                )
                .with_help("write `# kmslint:ignore KMS002 -- reason`"),
            );
            unseparated_reason = Some(list[offset..].trim());
            break;
        }
        any = true;
        match rules::find(token) {
            Some(rule) => entries.push(Entry {
                rule: rule.id,
                span,
                used: false,
            }),
            None => found.errors.push(
                at.error(
                    span,
                    format!("unknown rule `{token}` in a kmslint suppression"),
                )
                .with_help(
                    "`kmslint rules` lists the rule ids and names; separate a reason with `--`: `kmslint:ignore KMS002 -- reason`",
                ),
            ),
        }
    }
    if !any {
        found.errors.push(
            at.error(directive, "a kmslint suppression names no rule".to_string())
                .with_help("write `kmslint:ignore KMS002 -- reason`"),
        );
        return;
    }
    if entries.is_empty() {
        return;
    }
    let scope = if file_wide {
        if lexed
            .first_block_start()
            .is_some_and(|first| comment.span.start > first)
        {
            found.errors.push(
                at.error(
                    directive,
                    "`kmslint:ignore-file` must come before the first block; it was not applied"
                        .to_string(),
                )
                .with_help(
                    "move it to the top of the file, or use `kmslint:ignore` above the block",
                ),
            );
            return;
        }
        Scope::File
    } else {
        line_scope.scope()
    };
    let expired = match separated {
        Some((ids, reason)) => match expiry(reason, list_start + ids.len() + 2, today) {
            Ok(expired) => expired,
            Err(span) => {
                found.errors.push(
                    at.error(
                        span,
                        "the expiry date of a kmslint suppression is not a date; it was not applied"
                            .to_string(),
                    )
                    .with_help("write `# kmslint:ignore KMS002 -- reason exp:2027-03-31`"),
                );
                return;
            }
        },
        None => None,
    };
    found.suppressions.push(Suppression {
        file: at.id,
        scope,
        entries,
        own: true,
        source: Source::Kmslint,
        justification: separated
            .map(|(_, reason)| reason.trim())
            .or(unseparated_reason)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        expired,
    });
}

/// Whether a word in a suppression's id list is meant as a rule (a misspelt id or name, reported
/// as an unknown rule) rather than the first word of a reason: it has a digit or a hyphen.
fn looks_like_rule(token: &str) -> bool {
    token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && token.chars().any(|c| c.is_ascii_digit() || c == '-')
}

/// `exp:YYYY-MM-DD` in a kmslint suppression's reason: `Ok(None)` without one or while it holds,
/// `Ok(Some(date, span))` once `today` is past it, `Err` for a date that is not one.
fn expiry(
    reason: &str,
    base: usize,
    today: i64,
) -> Result<Option<(String, Range<usize>)>, Range<usize>> {
    let Some(pos) = reason.find("exp:") else {
        return Ok(None);
    };
    let value = &reason[pos + 4..];
    let len = value.find(char::is_whitespace).unwrap_or(value.len());
    let date = &value[..len];
    let span = base + pos..base + pos + 4 + len;
    match parse_date(date) {
        Some(day) if day >= today => Ok(None),
        Some(_) => Ok(Some((date.to_string(), span))),
        None => Err(span),
    }
}

/// The ids of a list separated by whitespace, commas, colons or equals signs, with their
/// offsets in the list.
fn tokens(list: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_sep = |c: char| c.is_whitespace() || matches!(c, ',' | ':' | '=');
    let mut rest = list;
    let mut offset = 0;
    std::iter::from_fn(move || {
        let skip = rest.find(|c: char| !is_sep(c))?;
        rest = &rest[skip..];
        offset += skip;
        let len = rest.find(is_sep).unwrap_or(rest.len());
        let token = &rest[..len];
        let at = offset;
        rest = &rest[len..];
        offset += len;
        Some((at, token))
    })
}

/// Finds `checkov:skip=ID`, `tfsec:ignore:ID` and `trivy:ignore:ID` anywhere in a comment (the
/// peers search the whole comment, and allow several ignores in one).
fn peer_directives(
    at: &Ctx<'_>,
    body: &str,
    comment: &lexer::Comment,
    lexed: &lexer::Lexed,
    line_scope: &LineScope,
    today: i64,
    found: &mut Found,
) {
    for (prefix, tool, source) in [
        (CHECKOV, Tool::Checkov, Source::Checkov),
        (TFSEC, Tool::Aqua, Source::Tfsec),
        (TRIVY, Tool::Aqua, Source::Trivy),
    ] {
        for (pos, _) in body.match_indices(prefix) {
            let rest = &body[pos + prefix.len()..];
            let Some((offset, peer_id, honoured)) = (match tool {
                Tool::Checkov => checkov_id(rest),
                Tool::Aqua => aqua_id(rest, today),
            }) else {
                continue;
            };
            if !honoured {
                continue;
            }
            let id_start = at.base + pos + prefix.len() + offset;
            let span = id_start..id_start + peer_id.len();
            let entries: Vec<Entry> = peers::rules_for(tool, peer_id)
                .into_iter()
                .map(|rule| Entry {
                    rule,
                    span: span.clone(),
                    used: false,
                })
                .collect();
            if entries.is_empty() {
                continue;
            }
            // Checkov reads a skip anywhere inside a block as covering the block.
            let enclosing = lexed
                .blocks
                .iter()
                .filter(|b| b.top_level && b.span.contains(&comment.span.start))
                .find(|b| b.header_line < comment.line || !comment.own_line);
            let scope = match (tool, enclosing) {
                (Tool::Checkov, Some(b)) => Scope::Block(b.span.clone()),
                _ => line_scope.scope(),
            };
            found.suppressions.push(Suppression {
                file: at.id,
                scope,
                entries,
                own: false,
                source,
                justification: match tool {
                    // `checkov:skip=ID:reason`, the reason running to the end of the line.
                    Tool::Checkov => rest[offset + peer_id.len()..]
                        .strip_prefix(':')
                        .and_then(|r| r.lines().next())
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                    Tool::Aqua => None,
                },
                expired: None,
            });
        }
    }
}

/// `ID[:reason]` after `checkov:skip=` (Checkov allows spaces before the id): the id's offset
/// in `rest`, the id, and whether it is honoured.
fn checkov_id(rest: &str) -> Option<(usize, &str, bool)> {
    let id = rest.trim_start_matches(' ');
    let offset = rest.len() - id.len();
    let len = id
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(id.len());
    (len > 0).then(|| (offset, &id[..len], true))
}

/// `ID[[attr=value]][:exp:YYYY-MM-DD][:ws:NAME]` after `tfsec:ignore:` or `trivy:ignore:`.
/// Honoured only when it is a plain id: wildcards and attribute or workspace filters select
/// instances or checks kmslint cannot tell apart, and an expired ignore no longer holds.
fn aqua_id(rest: &str, today: i64) -> Option<(usize, &str, bool)> {
    let len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | '['))
        .unwrap_or(rest.len());
    if len == 0 {
        return None;
    }
    let id = &rest[..len];
    let mut honoured = !id.contains('*');
    let mut tail = &rest[len..];
    if tail.starts_with('[') {
        honoured = false;
        tail = tail.find(']').map_or("", |end| &tail[end + 1..]);
    }
    while let Some(option) = tail.strip_prefix(':') {
        let (key, value) = option.split_once(':').unwrap_or((option, ""));
        let value_len = value
            .find(|c: char| c.is_whitespace() || c == ':')
            .unwrap_or(value.len());
        match key {
            "exp" => match parse_date(&value[..value_len]) {
                Some(day) if day >= today => {}
                _ => honoured = false,
            },
            // Terraform workspaces are not modelled: kmslint always reads the default one.
            "ws" => honoured = false,
            _ => break,
        }
        tail = &value[value_len..];
    }
    Some((0, id, honoured))
}

/// `YYYY-MM-DD` as days since 1970-01-01.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    // Four-digit years keep the day arithmetic far from overflow.
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the era arithmetic of the civil
/// calendar: 400-year cycles of 146097 days, years starting in March so leap days come last).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            i64::try_from(d.as_secs() / 86_400).unwrap_or(i64::MAX)
        })
}
