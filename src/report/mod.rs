//! Report formats: one file per format, all rendering the same sorted [`Outcome`].

mod checkstyle;
mod concise;
pub mod escape;
mod github;
mod gitlab;
mod json;
mod junit;
mod pretty;
mod sarif;
pub mod wrap;
mod xml;

use std::io::Write;

use crate::Outcome;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Annotated source snippets for people.
    Pretty,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// kmslint's own JSON document (see docs/json-output.md).
    Json,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
    /// One line per finding, `path:line:col: KMS002 message`, for editors and grep.
    Concise,
    /// GitLab Code Quality (Code Climate issues) for merge requests.
    Gitlab,
    /// JUnit XML test reports (Jenkins, Azure DevOps, GitLab, CircleCI).
    Junit,
    /// Checkstyle XML (reviewdog, Jenkins Warnings).
    Checkstyle,
}

/// How to render.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// ANSI colours (pretty format only).
    pub color: bool,
    /// Prefix that turns a displayed path (relative to the working directory) into a path
    /// relative to the repository root, for SARIF; empty when the two are the same. Ends in `/`.
    pub repo_prefix: String,
    /// The working directory and the scanned repository's root (absolute): when set, a path the
    /// repository holds is given relative to its root, wherever kmslint ran from; otherwise
    /// `repo_prefix` applies.
    pub repo_root: Option<(std::path::PathBuf, std::path::PathBuf)>,
    /// The tool version written into SARIF and JSON.
    pub version: String,
    /// List the suppressed findings too, marked as such (`--show-suppressed`); they are always
    /// counted.
    pub show_suppressed: bool,
    /// The absolute directory displayed paths are relative to (the working directory); with
    /// `repo_prefix` it turns an absolute path into a repository-relative SARIF URI.
    pub base: std::path::PathBuf,
    /// The configuration files read, as displayed (empty: none); the pretty summary names them.
    /// `None` leaves them out (the library's own callers know their settings).
    pub config_files: Option<Vec<String>>,
    /// Rules the user selected that do nothing until configured; the pretty summary says so.
    pub waiting_rules: Vec<&'static str>,
    /// Columns the pretty output fits in (the terminal's width, 80 when not a terminal).
    pub width: usize,
    /// The ids of the rules that ran, for the JUnit report's passing test cases; `None`: all.
    pub rules: Option<Vec<&'static str>>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            color: false,
            repo_prefix: String::new(),
            repo_root: None,
            version: env!("CARGO_PKG_VERSION").to_string(),
            show_suppressed: false,
            base: std::path::PathBuf::new(),
            config_files: None,
            waiting_rules: Vec::new(),
            width: wrap::DEFAULT_WIDTH,
            rules: None,
        }
    }
}

/// What the summary adds about the configuration: "; configuration kmslint.toml" or "; no
/// configuration file", and the selected rules that wait for configuration.
pub fn configuration_note(options: &ReportOptions) -> String {
    let mut note = match &options.config_files {
        None => String::new(),
        Some(files) if files.is_empty() => "; no configuration file".to_string(),
        Some(files) => format!("; configuration {}", escape::text(&files.join(", "))),
    };
    if !options.waiting_rules.is_empty() {
        note.push_str(&format!(
            "; selected but inactive until configured: {} (`kmslint explain ID` says what they need)",
            options.waiting_rules.join(", ")
        ));
    }
    note
}

/// A display path as a path relative to the repository root (SARIF, GitHub annotations).
pub(crate) fn repo_path(options: &ReportOptions, display: &str) -> String {
    options
        .repo_root
        .as_ref()
        .and_then(|(cwd, root)| crate::files::under_root(cwd, root, display))
        .unwrap_or_else(|| crate::files::repo_relative(&options.repo_prefix, display))
}

/// The directory of a `/`-separated path (`.` for a file at the top): the module it belongs to.
pub(crate) fn module_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

/// `n` and `noun`, the noun plural unless `n` is 1: "1 finding", "0 findings", "2 errors".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Writes the outcome in `format`.
pub fn write(
    format: Format,
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Pretty => pretty::write(outcome, options, out),
        Format::Sarif => sarif::write(outcome, options, out),
        Format::Json => json::write(outcome, options, out),
        Format::Github => github::write(outcome, options, out),
        Format::Concise => concise::write(outcome, options, out),
        Format::Gitlab => gitlab::write(outcome, options, out),
        Format::Junit => junit::write(outcome, options, out),
        Format::Checkstyle => checkstyle::write(outcome, options, out),
    }
}

/// The outcome of checking in-memory files with the default settings, for the tests of the
/// formats.
#[cfg(test)]
pub(crate) fn checked(sources: &[(&str, &str)]) -> crate::Outcome {
    let sources = sources
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    crate::check_sources(sources, &crate::config::Settings::default())
}
