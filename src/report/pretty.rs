//! The pretty format: codespan-reporting diagnostics with annotated source snippets.

use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config};

use std::sync::OnceLock;

use crate::report::{ReportOptions, escape, wrap};
use crate::rules::Level;
use crate::source::{FileId, SourceFile, SourceMap};
use crate::{Finding, InputError, Outcome};

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let config = Config::default();
    let files = Sources::new(&outcome.sources);
    for error in &outcome.errors {
        emit(
            out,
            options,
            &config,
            &files,
            &error_diagnostic(error, &files),
        )?;
    }
    let shown_suppressed: &[Finding] = if options.show_suppressed {
        &outcome.suppressed
    } else {
        &[]
    };
    for f in outcome.findings.iter().chain(shown_suppressed) {
        emit(
            out,
            options,
            &config,
            &files,
            &finding_diagnostic(outcome, &files, f),
        )?;
    }
    let line = format!("{}{}", summary(outcome), super::configuration_note(options));
    writeln!(out, "{}", wrap::fill(&line, options.width, 0, 2))
}

/// The last line: findings by level, files, input diagnostics by level, suppressed by source.
pub(super) fn summary(outcome: &Outcome) -> String {
    let count = |l: Level| outcome.findings.iter().filter(|f| f.level == l).count();
    let n = outcome.findings.len();
    let mut line = format!(
        "{} ({}, {}, {}) in {}",
        super::counted(n, "finding"),
        super::counted(count(Level::Error), "error"),
        super::counted(count(Level::Warning), "warning"),
        super::counted(count(Level::Note), "note"),
        super::counted(outcome.stats.files, "file"),
    );
    let errors = outcome
        .errors
        .iter()
        .filter(|e| e.level() == Level::Error)
        .count();
    let other = outcome.errors.len() - errors;
    line.push_str(&format!("; {}", super::counted(errors, "input error")));
    if other > 0 {
        let warnings = outcome
            .errors
            .iter()
            .filter(|e| e.level() == Level::Warning)
            .count();
        let notes = other - warnings;
        line.push_str(&format!(
            ", {}, {}",
            super::counted(warnings, "input warning"),
            super::counted(notes, "input note")
        ));
    }
    let fixable = |unsafe_fixes: bool| {
        outcome
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applies(unsafe_fixes)))
            .count()
    };
    let (safe, all) = (fixable(false), fixable(true));
    if all > 0 {
        line.push_str(&format!("; {safe} fixable with `kmslint --fix`"));
        if all > safe {
            line.push_str(&format!(" ({} more with `--unsafe-fixes`)", all - safe));
        }
    }
    if let Some(by_source) = crate::suppress::counts_text(&outcome.suppressed) {
        line.push_str(&format!(
            "; {} suppressed: {by_source}",
            outcome.suppressed.len()
        ));
    }
    line
}

fn finding_diagnostic(outcome: &Outcome, files: &Sources<'_>, f: &Finding) -> Diagnostic<FileId> {
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    match snippet_line(outcome, &f.primary) {
        Some(_) => labels.push(
            Label::primary(
                f.primary.file,
                files.span(f.primary.file, f.primary.span.clone()),
            )
            .with_message(escape::text(&f.label)),
        ),
        None => notes.push(format!(
            "at {} ({})",
            place(outcome, &f.primary),
            escape::text(&f.label)
        )),
    }
    for r in &f.related {
        let Some(file) = outcome.sources.get(r.loc.file) else {
            continue;
        };
        if snippet_line(outcome, &r.loc).is_none() {
            notes.push(format!(
                "{}: {}",
                escape::text(&r.message),
                place(outcome, &r.loc)
            ));
            continue;
        }
        // Related places are context (a resource block, a statement, a module call): label
        // their first line only, and not at all when the finding is already on that line.
        let mut span = r.loc.span.clone();
        let first = file.position(span.start).line;
        if r.loc.file == f.primary.file
            && contains(&span, &f.primary.span)
            && file.position(f.primary.span.start).line == first
        {
            continue;
        }
        if file.position(span.end).line != first {
            let line_start = file.line_span(first).map_or(span.start, |l| l.start);
            span.end = (line_start + file.line_text(first).len()).max(span.start);
        }
        labels.push(
            Label::secondary(r.loc.file, files.span(r.loc.file, span))
                .with_message(escape::text(&r.message)),
        );
    }
    if let Some(s) = &f.suppressed {
        let mut note = format!("suppressed by {}", s.source.name());
        if let Some(at) = &s.at {
            note.push_str(&format!(" at {}", place(outcome, at)));
        }
        if let Some(j) = &s.justification {
            note.push_str(&format!(": {}", escape::text(j)));
        }
        notes.push(note);
    }
    if let Some(fix) = f.fix.as_ref().filter(|x| !x.edits.is_empty()) {
        notes.push(fix_help(outcome, fix));
    }
    notes.push(format!("see `kmslint explain {}`", f.rule.id));
    let message = match f.suppressed {
        Some(_) => format!("(suppressed) {}", escape::text(&f.message)),
        None => escape::text(&f.message).into_owned(),
    };
    Diagnostic::new(severity(f.level))
        .with_code(format!("{}/{}", f.rule.id, f.rule.name))
        .with_message(message)
        .with_labels(labels)
        .with_notes(notes)
}

/// `help: kmslint --fix: set ... (main.tf:3:25: `false` → `true`)`: the command, what the fix
/// does and the replacement it makes.
fn fix_help(outcome: &Outcome, fix: &crate::fix::Fix) -> String {
    let mut help = format!(
        "help: {}: {}",
        fix.command(),
        escape::text(&fix.description)
    );
    if fix.applicability == crate::fix::Applicability::Unsafe {
        help.push_str(" (unsafe: check that nothing relies on the current value)");
    }
    if let Some((edit, old)) = fix.main_edit(&outcome.sources) {
        let at = place(
            outcome,
            &crate::source::Loc {
                file: edit.file,
                span: edit.span.clone(),
            },
        );
        let shown = |s: &str| escape::text(s.trim_end_matches(['\n', '\r'])).into_owned();
        let change = match (old.trim().is_empty(), edit.text.trim().is_empty()) {
            (true, _) => format!(
                "adds `{}`",
                shown(edit.text.trim_start_matches(['\n', '\r']))
            ),
            (false, true) => format!("removes `{}`", shown(old)),
            (false, false) => format!("`{}` → `{}`", shown(old), shown(&edit.text)),
        };
        help.push_str(&format!("\n  {at}: {change}"));
    }
    help
}

/// Lines longer than this (a one-line plan file) are not shown: the place is given instead.
const MAX_SNIPPET_LINE: usize = 300;

/// The first line of a location, when it is short enough to show.
fn snippet_line<'a>(outcome: &'a Outcome, loc: &crate::source::Loc) -> Option<&'a str> {
    let file = outcome.sources.get(loc.file)?;
    let line = file.line_text(file.position(loc.span.start).line);
    (line.len() <= MAX_SNIPPET_LINE).then_some(line)
}

/// `path:line:column` of a location.
fn place(outcome: &Outcome, loc: &crate::source::Loc) -> String {
    match outcome.sources.get(loc.file) {
        Some(file) => {
            let p = file.position(loc.span.start);
            format!("{}:{}:{}", escape::text(&file.display), p.line, p.column)
        }
        None => String::new(),
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn error_diagnostic(error: &InputError, files: &Sources<'_>) -> Diagnostic<FileId> {
    let mut d = match error.level() {
        Level::Error => Diagnostic::error(),
        Level::Warning => Diagnostic::warning(),
        Level::Note => Diagnostic::note(),
    }
    .with_code(error.kind.code())
    .with_message(escape::text(&error.message));
    match (error.file, &error.span) {
        (Some(file), Some(span)) => {
            d = d.with_labels(vec![
                Label::primary(file, files.span(file, span.clone())).with_message("here"),
            ]);
        }
        // A command-line value has no place in a file; its message says so.
        _ if error.path.is_empty() => {}
        _ => {
            d = d.with_notes(vec![format!(
                "in {}:{}:{}",
                escape::text(&error.path),
                error.position.line,
                error.position.column
            )]);
        }
    }
    if let Some(help) = &error.help {
        d.notes.push(format!("help: {}", escape::text(help)));
    }
    d
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    }
}

fn emit(
    out: &mut dyn Write,
    options: &ReportOptions,
    config: &Config,
    files: &Sources<'_>,
    diagnostic: &Diagnostic<FileId>,
) -> std::io::Result<()> {
    let diagnostic = &fit(diagnostic, options.width);
    let result = if options.color {
        let mut colored = termcolor::Ansi::new(&mut *out);
        term::emit_to_write_style(&mut colored, config, files, diagnostic)
    } else {
        term::emit_to_io_write(&mut *out, config, files, diagnostic)
    };
    result.map_err(|e| match e {
        FilesError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Columns before a note's text: the gutter (as wide as a five-digit line number) and `= `.
const NOTE_PREFIX: usize = 8;

/// The diagnostic with its message and notes broken at word boundaries to fit `width` columns;
/// a message's continuation lines are indented, as are the notes' (by codespan-reporting).
fn fit(diagnostic: &Diagnostic<FileId>, width: usize) -> Diagnostic<FileId> {
    let mut d = diagnostic.clone();
    let severity = match d.severity {
        Severity::Bug => "bug",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
        Severity::Help => "help",
    };
    let header = severity.len() + d.code.as_ref().map_or(0, |c| c.len() + 2) + 2;
    d.message = wrap::fill(&d.message, width, header, 2);
    for note in &mut d.notes {
        *note = wrap::fill(note, width.saturating_sub(NOTE_PREFIX), 0, 0);
    }
    d
}

/// The source map as codespan-reporting sees it: names and texts escaped (see `escape`), each
/// file's escaped text made on first use, as most files are never shown.
struct Sources<'a> {
    map: &'a SourceMap,
    shown: Vec<OnceLock<Shown>>,
}

/// A file as shown: its escaped name, and its escaped text when it had something to escape.
struct Shown {
    name: String,
    text: Option<Escaped>,
}

struct Escaped {
    text: String,
    shifts: Vec<(usize, usize)>,
    line_starts: Vec<usize>,
}

impl<'a> Sources<'a> {
    fn new(map: &'a SourceMap) -> Self {
        Sources {
            map,
            shown: map.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn shown(&self, id: FileId) -> Result<(&SourceFile, &Shown), FilesError> {
        let file = self.map.get(id).ok_or(FilesError::FileMissing)?;
        let cell = self
            .shown
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        let shown = cell.get_or_init(|| Shown {
            name: escape::text(&file.display).into_owned(),
            text: escape::source(&file.text).map(|(text, shifts)| {
                let mut line_starts = vec![0];
                line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
                Escaped {
                    text,
                    shifts,
                    line_starts,
                }
            }),
        });
        Ok((file, shown))
    }

    /// A span of the original text as a span of the shown text.
    fn span(&self, id: FileId, span: Range<usize>) -> Range<usize> {
        match self.shown(id) {
            Ok((_, Shown { text: Some(e), .. })) => {
                escape::shift(&e.shifts, span.start)..escape::shift(&e.shifts, span.end)
            }
            _ => span,
        }
    }
}

impl<'a> Files<'a> for Sources<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.shown(id)?.1.name.as_str())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        let (file, shown) = self.shown(id)?;
        Ok(shown
            .text
            .as_ref()
            .map_or(file.text.as_str(), |e| e.text.as_str()))
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let (file, shown) = self.shown(id)?;
        Ok(match &shown.text {
            Some(e) => e
                .line_starts
                .partition_point(|&s| s <= byte_index)
                .saturating_sub(1),
            None => file.position(byte_index).line - 1,
        })
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let (file, shown) = self.shown(id)?;
        let too_large = |count: usize| FilesError::LineTooLarge {
            given: line_index,
            max: count.saturating_sub(1),
        };
        match &shown.text {
            Some(e) => {
                let start = *e
                    .line_starts
                    .get(line_index)
                    .ok_or_else(|| too_large(e.line_starts.len()))?;
                let end = e
                    .line_starts
                    .get(line_index + 1)
                    .copied()
                    .unwrap_or(e.text.len());
                Ok(start..end)
            }
            None => file
                .line_span(line_index + 1)
                .ok_or_else(|| too_large(file.line_count())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::Settings;
    use crate::report::escape;

    fn render(name: &str, text: &str) -> String {
        let outcome = crate::check_sources(
            vec![(name.to_string(), text.to_string())],
            &Settings::default(),
        );
        let mut out = Vec::new();
        write(&outcome, &ReportOptions::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn input_text_is_escaped_and_starts_no_line() {
        // A raw ESC and C1 in a comment on the finding's line, a Sid holding a line break and a
        // workflow command, and a file name holding both.
        let text = "resource \"aws_kms_key\" \"k\" { # \u{1b}[2J\u{9b}\u{202e}\n  enable_key_rotation = false\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid = \"x\\n::error file=F.tf::sid\\u001b[31m\"\n      Effect = \"Allow\"\n      Principal = \"*\"\n      Action = \"kms:*\"\n      Resource = \"*\"\n    }]\n  })\n}\n";
        let out = render("a\n::error file=G.tf::name\u{7}.tf", text);
        assert!(out.contains("KMS002"), "{out}");
        assert!(
            !out.chars().any(|c| escape::is_unsafe(c) && c != '\n'),
            "{out:?}"
        );
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line:?} in\n{out}");
        }
        assert!(
            out.contains("a\\n::error file=G.tf::name\\u{7}.tf"),
            "{out}"
        );
        assert!(out.contains("\\u{1b}[2J\\u{9b}\\u{202e}"), "{out}");
    }

    #[test]
    fn labels_stay_under_their_text_after_escapes() {
        let text = "resource \"aws_kms_key\" \"k\" {\n  # \u{1b}\u{1b}\n  description = \"\u{1b}\" ; enable_key_rotation = false\n}\n";
        let shown = escape::source(text).map(|(t, _)| t).unwrap_or_default();
        let files = SourceMap::from_files(vec![std::sync::Arc::new(SourceFile::new(
            "a.tf".into(),
            "a.tf".into(),
            text.to_string(),
        ))]);
        let sources = Sources::new(&files);
        let id = FileId(0);
        let start = text.find("false").unwrap_or_default();
        let span = sources.span(id, start..start + 5);
        assert_eq!(&shown[span], "false");
        assert_eq!(sources.line_index(id, span_start(&shown)).ok(), Some(2));
    }

    fn span_start(shown: &str) -> usize {
        shown.find("false").unwrap_or_default()
    }
}
