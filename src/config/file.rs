//! The configuration file, `kmslint.toml` (or `.kmslint.toml`): discovery and parsing into
//! [`Options`]. Every key is checked: an unknown key is an error naming it and its line.

use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{ConfigEntry, FailLevel, Options, Tier, TierOption};
use crate::rules::Level;

/// Names looked for, in this order, in each directory.
pub const FILE_NAMES: [&str; 2] = ["kmslint.toml", ".kmslint.toml"];

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FileError {
    #[error("cannot read {path}: {message}")]
    #[diagnostic(code(config::unreadable))]
    Unreadable { path: String, message: String },
    #[error("{message}")]
    #[diagnostic(
        code(config::invalid),
        help("`kmslint init` writes a file with every key")
    )]
    Invalid {
        message: String,
        #[source_code]
        source_code: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
        /// 1-based line of the problem, for messages and tests.
        line: usize,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileOptions {
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    fail_level: Option<FailLevel>,
    exclude: Option<Vec<String>>,
    accounts: Option<Vec<String>>,
    trusted_accounts: Option<Vec<String>>,
    trusted_organizations: Option<Vec<String>>,
    max_key_admins: Option<usize>,
    max_key_users: Option<usize>,
    max_rotation_period_days: Option<i64>,
    min_deletion_window_days: Option<i64>,
    max_file_size: Option<u64>,
    max_plan_size: Option<u64>,
    max_instances: Option<usize>,
    required_aliases: Option<Vec<Spanned<String>>>,
    report_unused_suppressions: Option<bool>,
    tiers: Option<Tiers>,
    rules: Option<std::collections::BTreeMap<String, RuleOptions>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tiers {
    app: Option<TierTable>,
    database: Option<TierTable>,
    web: Option<TierTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierTable {
    tag: Spanned<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOptions {
    level: Level,
}

/// The configuration file that applies to `start`: the first `kmslint.toml`/`.kmslint.toml`
/// found in `start` or a parent, stopping at the repository root (the directory with `.git`).
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// The options of the configuration files that apply to a scan of `paths` from `cwd`: the file
/// discovered from the first path, then `explicit` (`--config`), later ones taking precedence.
pub fn options_for(
    paths: &[PathBuf],
    cwd: &Path,
    explicit: Option<&Path>,
) -> Result<Options, Box<FileError>> {
    let mut options = Options::default();
    for path in files_for(paths, cwd, explicit) {
        let display = crate::source::display_path(&path, cwd);
        options = options.merge(load(&path, &display)?);
    }
    Ok(options)
}

/// The configuration files [`options_for`] reads, in order.
pub fn files_for(paths: &[PathBuf], cwd: &Path, explicit: Option<&Path>) -> Vec<PathBuf> {
    let first = paths
        .first()
        .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
    let mut files: Vec<PathBuf> = discover(&crate::files::normalize(&first))
        .into_iter()
        .collect();
    if let Some(path) = explicit {
        let path = cwd.join(path);
        if !files
            .iter()
            .any(|f| crate::files::normalize(f) == crate::files::normalize(&path))
        {
            files.push(path);
        }
    }
    files
}

/// Reads a configuration file; `display` is how its path is shown.
/// A regular file of at most [`MAX_CONFIG_SIZE`] bytes: `--config /dev/zero` is refused at once.
pub fn load(path: &Path, display: &str) -> Result<Options, Box<FileError>> {
    let unreadable = |message: String| {
        Box::new(FileError::Unreadable {
            path: display.to_string(),
            message,
        })
    };
    let bytes =
        crate::files::read_regular(path, MAX_CONFIG_SIZE).map_err(|e| unreadable(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(format!("not UTF-8: {e}")))?;
    parse(&text, path, display)
}

/// Configuration files larger than this are refused (real ones are a few KiB).
pub const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// Parses configuration text (a leading BOM is ignored, as the file registry does, so spans agree).
pub fn parse(text: &str, path: &Path, display: &str) -> Result<Options, Box<FileError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let invalid = |message: String, span: std::ops::Range<usize>| {
        let line = text
            .get(..span.start)
            .map_or(1, |t| t.matches('\n').count() + 1);
        Box::new(FileError::Invalid {
            message: format!("{display}:{line}: {message}"),
            source_code: NamedSource::new(display, text.to_string()),
            span: (span.start, span.len()).into(),
            line,
        })
    };
    let file: FileOptions = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        invalid(e.message().trim().to_string(), span)
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut tiers = Vec::new();
    if let Some(t) = file.tiers {
        for (tier, table) in [
            (Tier::App, t.app),
            (Tier::Database, t.database),
            (Tier::Web, t.web),
        ] {
            if let Some(table) = table {
                if table.tag.get_ref().is_empty() {
                    return Err(invalid(
                        format!("`tiers.{}.tag` is empty", tier.name()),
                        table.tag.span(),
                    ));
                }
                tiers.push(TierOption {
                    tier,
                    at: ConfigEntry {
                        path: path.to_path_buf(),
                        span: table.tag.span(),
                    },
                    tag: table.tag.into_inner(),
                    value: table.value,
                });
            }
        }
    }
    Ok(Options {
        select: file.select,
        ignore: file.ignore,
        fail_level: file.fail_level,
        levels: file
            .rules
            .unwrap_or_default()
            .into_iter()
            .map(|(id, r)| (id, r.level))
            .collect(),
        max_rotation_period_days: file.max_rotation_period_days,
        min_deletion_window_days: file.min_deletion_window_days,
        max_file_size: file.max_file_size,
        max_plan_size: file.max_plan_size,
        max_instances: file.max_instances,
        accounts: file.accounts,
        trusted_accounts: file.trusted_accounts,
        trusted_organizations: file.trusted_organizations,
        max_key_admins: file.max_key_admins,
        max_key_users: file.max_key_users,
        var_inputs: None,
        exclude: file.exclude.map(|globs| (globs, dir)),
        tiers: (!tiers.is_empty()).then_some(tiers),
        report_unused_suppressions: file.report_unused_suppressions,
        required_aliases: file.required_aliases.map(|a| {
            a.into_iter()
                .map(|s| {
                    let at = ConfigEntry {
                        path: path.to_path_buf(),
                        span: s.span(),
                    };
                    (s.into_inner(), at)
                })
                .collect()
        }),
    })
}
