//! The pretty format: codespan-reporting diagnostics with annotated source snippets.

use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config};

use crate::report::ReportOptions;
use crate::rules::Level;
use crate::source::{FileId, SourceMap};
use crate::{InputError, Outcome};

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let config = Config::default();
    let files = Sources(&outcome.sources);
    for error in &outcome.errors {
        emit(out, options, &config, &files, &error_diagnostic(error))?;
    }
    for f in &outcome.findings {
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        match snippet_line(outcome, &f.primary) {
            Some(_) => labels.push(
                Label::primary(f.primary.file, f.primary.span.clone()).with_message(&f.label),
            ),
            None => notes.push(format!("at {} ({})", place(outcome, &f.primary), f.label)),
        }
        for r in &f.related {
            let Some(file) = outcome.sources.get(r.loc.file) else {
                continue;
            };
            if snippet_line(outcome, &r.loc).is_none() {
                notes.push(format!("{}: {}", r.message, place(outcome, &r.loc)));
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
            labels.push(Label::secondary(r.loc.file, span).with_message(&r.message));
        }
        notes.push(format!("see `kmslint explain {}`", f.rule.id));
        let diagnostic = Diagnostic::new(severity(f.level))
            .with_code(format!("{}/{}", f.rule.id, f.rule.name))
            .with_message(&f.message)
            .with_labels(labels)
            .with_notes(notes);
        emit(out, options, &config, &files, &diagnostic)?;
    }
    let count = |l: Level| outcome.findings.iter().filter(|f| f.level == l).count();
    writeln!(
        out,
        "{} finding{} ({} error, {} warning, {} note) in {} file{}; {} input error{}",
        outcome.findings.len(),
        plural(outcome.findings.len()),
        count(Level::Error),
        count(Level::Warning),
        count(Level::Note),
        outcome.stats.files,
        plural(outcome.stats.files),
        outcome.errors.len(),
        plural(outcome.errors.len()),
    )
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
            format!("{}:{}:{}", file.display, p.line, p.column)
        }
        None => String::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn error_diagnostic(error: &InputError) -> Diagnostic<FileId> {
    let mut d = match error.level() {
        Level::Error => Diagnostic::error(),
        Level::Warning => Diagnostic::warning(),
        Level::Note => Diagnostic::note(),
    }
    .with_code(error.kind.code())
    .with_message(&error.message);
    match (error.file, &error.span) {
        (Some(file), Some(span)) => {
            d = d.with_labels(vec![
                Label::primary(file, span.clone()).with_message("here"),
            ]);
        }
        _ => {
            d = d.with_notes(vec![format!(
                "in {}:{}:{}",
                error.path, error.position.line, error.position.column
            )]);
        }
    }
    if let Some(help) = &error.help {
        d.notes.push(format!("help: {help}"));
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

/// The source map as codespan-reporting sees it.
struct Sources<'a>(&'a SourceMap);

impl<'a> Files<'a> for Sources<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|f| f.display.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        Ok(file.position(byte_index).line - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        file.line_span(line_index + 1)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: file.line_count().saturating_sub(1),
            })
    }
}
