//! Input errors: files kmslint could not read or parse, with the exact place and what was expected.
//!
//! These are not findings: suppressions never hide them, they make the exit code 2, and every
//! report format lists them beside the findings (SARIF: `toolExecutionNotifications`).

use std::ops::Range;

use crate::source::{FileId, Position, SourceFile};

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

    pub(crate) fn sort_key(&self) -> (&str, Position, InputErrorKind, &str) {
        (&self.path, self.position, self.kind, &self.message)
    }
}
