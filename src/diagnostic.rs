//! Input errors: files kmslint could not read or parse, with the exact place and what was expected.
//!
//! These are not findings: suppressions never hide them, and every report format lists them beside
//! the findings (SARIF: `toolExecutionNotifications`). Each kind has a level: error-level ones make
//! the exit code 2; warning and note ones (a limit of kmslint's own that was reached, a link that
//! was not followed) inform and leave the exit code alone.

use std::ops::Range;

use crate::rules::Level;
use crate::source::{FileId, Position, SourceFile};

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`), if any.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

/// What went wrong with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputErrorKind {
    /// A path given on the command line does not exist.
    NotFound,
    /// The file or directory could not be read (permissions, I/O).
    Unreadable,
    /// A symbolic link points back at one of its own ancestors.
    SymlinkLoop,
    /// The file is not valid UTF-8.
    NotUtf8,
    /// The file is larger than the configured cap.
    TooLarge,
    /// A FIFO, socket or device where a regular file was expected.
    NotARegularFile,
    /// A file kmslint does not know how to read.
    UnsupportedFile,
    /// The file is not valid HCL.
    Syntax,
    /// The configuration cannot be evaluated (a cycle between locals, a module calling itself).
    Evaluation,
    /// A suppression comment names an unknown rule, is misplaced, or (when asked) silenced nothing.
    Suppression,
    /// The configuration (`kmslint.toml`, `--config`, a baseline) or a command-line value is wrong.
    Configuration,
    /// kmslint itself failed on this input (a bug): the rest of the scan went on.
    Internal,
    /// One of kmslint's own budgets was reached; the part past it was analysed as unknown.
    Limit,
    /// Something was deliberately not read (a link leaving the repository).
    Skipped,
}

impl InputErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            InputErrorKind::NotFound => "input::not-found",
            InputErrorKind::Unreadable => "input::unreadable",
            InputErrorKind::SymlinkLoop => "input::symlink-loop",
            InputErrorKind::NotUtf8 => "input::not-utf8",
            InputErrorKind::TooLarge => "input::too-large",
            InputErrorKind::NotARegularFile => "input::not-a-regular-file",
            InputErrorKind::UnsupportedFile => "input::unsupported-file",
            InputErrorKind::Syntax => "input::syntax",
            InputErrorKind::Evaluation => "input::evaluation",
            InputErrorKind::Suppression => "input::suppression",
            InputErrorKind::Configuration => "input::configuration",
            InputErrorKind::Internal => "internal-error",
            InputErrorKind::Limit => "limit",
            InputErrorKind::Skipped => "skipped",
        }
    }

    /// How serious it is: only error-level diagnostics make the exit code 2.
    pub fn level(self) -> Level {
        match self {
            InputErrorKind::Limit => Level::Warning,
            InputErrorKind::Skipped => Level::Note,
            _ => Level::Error,
        }
    }
}

/// One input that could not be analysed (or analysed only in part).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct InputError {
    pub kind: InputErrorKind,
    /// Display path of the file or directory.
    pub path: String,
    /// The file, when its text is in the source map (for snippets).
    pub file: Option<FileId>,
    /// Byte span in `file` of the offending text.
    pub span: Option<Range<usize>>,
    /// Where the problem is (1:1 when the whole file is concerned).
    pub position: Position,
    pub message: String,
    #[help]
    pub help: Option<String>,
}

impl InputError {
    /// An error about a whole file or directory, with no position inside it.
    pub(crate) fn whole(
        kind: InputErrorKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            kind,
            path: path.into(),
            file: None,
            span: None,
            position: Position { line: 1, column: 1 },
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// An error at a span inside a file whose text is known.
    pub(crate) fn at(
        kind: InputErrorKind,
        id: FileId,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            kind,
            path: file.display.clone(),
            position: file.position(span.start),
            file: Some(id),
            span: Some(span),
            message: message.into(),
            help: None,
        }
    }

    /// See [`InputErrorKind::level`].
    pub fn level(&self) -> Level {
        self.kind.level()
    }

    pub(crate) fn sort_key(&self) -> (&str, Position, InputErrorKind, &str) {
        (&self.path, self.position, self.kind, &self.message)
    }
}
