//! Where a configuration error comes from: the file, line and column (or the command-line flag)
//! of the value it names, so that every configuration error is reported, in every format, as an
//! input error with its place.

use std::path::{Path, PathBuf};

use crate::config::file::{self, FileError};
use crate::config::{ConfigError, Options, Settings};
use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::Position;

/// A configuration file that cannot be read or parsed, as an input error at its place.
pub fn file_error(error: &FileError) -> InputError {
    let help = miette::Diagnostic::help(error).map(|h| h.to_string());
    match error {
        FileError::Unreadable { path, message } => InputError {
            help,
            ..configuration(path, Position::default(), format!("cannot read: {message}"))
        },
        FileError::Invalid {
            message,
            source_code,
            span,
            line,
        } => {
            let text = source_code.inner();
            let offset = span.offset().min(text.len());
            let line_start = text
                .get(..offset)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            let column = text
                .get(line_start..offset)
                .map_or(0, |t| t.chars().count())
                + 1;
            // The message reads `path:line: what`; the place is given apart.
            let marker = format!(":{line}: ");
            let (path, what) = message
                .split_once(&marker)
                .map_or((source_code.name(), message.as_str()), |(p, w)| (p, w));
            InputError {
                help,
                ..configuration(
                    path,
                    Position {
                        line: *line,
                        column,
                    },
                    what.to_string(),
                )
            }
        }
    }
}

/// A setting that does not resolve, as an input error at the value that caused it: on the
/// command line (highest precedence, checked first) or in the configuration file (`--config`,
/// then the discovered one) whose value alone gives the same error. `paths`, `cwd` and
/// `explicit` are what [`file::options_for`] was given; `flags` the command-line options.
pub fn settings_error(
    error: &ConfigError,
    paths: &[PathBuf],
    cwd: &Path,
    explicit: Option<&Path>,
    flags: &Options,
) -> InputError {
    let help = miette::Diagnostic::help(error).map(|h| h.to_string());
    let same = |options: Options| Settings::resolve(options).err().as_ref() == Some(error);
    if same(flags.clone()) {
        return InputError {
            help,
            ..configuration("", Position::default(), format!("command line: {error}"))
        };
    }
    let first = paths
        .first()
        .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
    let mut files: Vec<PathBuf> = file::discover(&crate::files::normalize(&first))
        .into_iter()
        .collect();
    files.extend(explicit.map(|p| cwd.join(p)));
    for path in files.iter().rev() {
        let display = crate::source::display_path(path, cwd);
        let (Ok(options), Ok(text)) = (file::load(path, &display), std::fs::read_to_string(path))
        else {
            continue;
        };
        if same(options) {
            return InputError {
                help,
                ..configuration(&display, place(&text, error), error.to_string())
            };
        }
    }
    InputError {
        help,
        ..configuration("", Position::default(), error.to_string())
    }
}

fn configuration(path: &str, position: Position, message: String) -> InputError {
    InputError {
        kind: InputErrorKind::Configuration,
        path: path.to_string(),
        file: None,
        span: None,
        position,
        message,
        help: None,
    }
}

/// The line and column of the value an error names in a configuration file's text: the value
/// quoted (or, for a number out of range, its key at the start of a line); 1:1 when not found.
fn place(text: &str, error: &ConfigError) -> Position {
    let value = match error {
        ConfigError::UnknownRule(id) => id.as_str(),
        ConfigError::BadAccount { value, .. } => value.as_str(),
        ConfigError::BadGlob(pattern, _) => pattern.as_str(),
        ConfigError::BadOrganization(id) => id.as_str(),
        ConfigError::OutOfRange { name, .. } => {
            return find(text, |line| {
                let rest = line.trim_start();
                rest.strip_prefix(*name)
                    .is_some_and(|r| r.trim_start().starts_with('='))
                    .then(|| line.len() - rest.len())
            });
        }
    };
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    find(text, |line| {
        quoted
            .iter()
            .find_map(|q| line.find(q.as_str()).map(|i| i + 1))
            // A rule table header: `[rules.KMS999]`.
            .or_else(|| line.find(value))
    })
}

fn find(text: &str, at: impl Fn(&str) -> Option<usize>) -> Position {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            at(line).map(|byte| Position {
                line: i + 1,
                column: line.get(..byte).map_or(0, |t| t.chars().count()) + 1,
            })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_quoted_or_by_key() {
        let text = "select = [\"KMS002\",\n  \"KMS999\"]\nmax-rotation-period-days = 3\n";
        let unknown = ConfigError::UnknownRule("KMS999".into());
        assert_eq!(place(text, &unknown), Position { line: 2, column: 4 });
        let range = ConfigError::OutOfRange {
            name: "max-rotation-period-days",
            what: "",
            value: 3,
        };
        assert_eq!(place(text, &range), Position { line: 3, column: 1 });
        let table = "[rules.KMS998]\nlevel = \"error\"\n";
        let rule = ConfigError::UnknownRule("KMS998".into());
        assert_eq!(place(table, &rule), Position { line: 1, column: 8 });
    }

    #[test]
    fn a_file_value_is_blamed_on_its_file_and_a_flag_on_the_command_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(dir.path().join(".git")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("kmslint.toml"),
            "fail-level = \"note\"\naccounts = [\"123\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let error = ConfigError::BadAccount {
            name: "accounts",
            value: "123".into(),
        };
        let e = settings_error(&error, &[], dir.path(), None, &Options::default());
        assert_eq!(e.kind, InputErrorKind::Configuration);
        assert_eq!(e.path, "kmslint.toml");
        assert_eq!(
            e.position,
            Position {
                line: 2,
                column: 14
            }
        );
        let flags = Options {
            accounts: Some(vec!["123".into()]),
            ..Options::default()
        };
        let e = settings_error(&error, &[], dir.path(), None, &flags);
        assert_eq!(e.path, "");
        assert!(e.message.starts_with("command line: "), "{}", e.message);
    }
}
