//! Settings: which rules run, at which level, with which thresholds.
//!
//! Configuration comes in two steps: [`Options`] is what a user wrote (every field optional),
//! [`Settings`] is the resolved form the pipeline uses. The configuration file and command-line
//! flags are both turned into an `Options`, so there is one merge path: defaults < discovered
//! `kmslint.toml` < `--config` file < flags.

pub mod file;
pub mod keys;
pub mod origin;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use crate::rules::{self, Level, Rule};
use crate::terraform::vars::VarInputs;

/// The level at or above which findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailLevel {
    Error,
    Warning,
    Note,
    /// Findings never fail the run.
    None,
}

impl FailLevel {
    pub fn fails(self, level: Level) -> bool {
        match self {
            FailLevel::Error => level >= Level::Error,
            FailLevel::Warning => level >= Level::Warning,
            FailLevel::Note => level >= Level::Note,
            FailLevel::None => false,
        }
    }
}

/// What a user asked for; every field optional.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_level: Option<FailLevel>,
    pub levels: BTreeMap<String, Level>,
    pub max_rotation_period_days: Option<i64>,
    pub min_deletion_window_days: Option<i64>,
    pub max_file_size: Option<u64>,
    pub max_plan_size: Option<u64>,
    pub max_instances: Option<usize>,
    pub accounts: Option<Vec<String>>,
    pub trusted_accounts: Option<Vec<String>>,
    pub trusted_organizations: Option<Vec<String>>,
    pub max_key_admins: Option<usize>,
    pub max_key_users: Option<usize>,
    /// `--var-file`, `--var` and `TF_VAR_*` values for root modules.
    pub var_inputs: Option<VarInputs>,
    /// Glob patterns of paths not to analyse, and the directory they are relative to.
    pub exclude: Option<(Vec<String>, PathBuf)>,
    pub tiers: Option<Vec<TierOption>>,
    pub required_aliases: Option<Vec<(String, ConfigEntry)>>,
    pub report_unused_suppressions: Option<bool>,
}

/// Where a setting was written in a configuration file: findings that a setting asks for
/// (a missing tier key, a missing alias) point there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub path: PathBuf,
    pub span: Range<usize>,
}

/// The three tiers of the KMS checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    App,
    Database,
    Web,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::App => "app",
            Tier::Database => "database",
            Tier::Web => "web",
        }
    }
}

/// `[tiers.NAME]`: keys of the tier carry the tag `tag` (with `value`, when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierOption {
    pub tier: Tier,
    pub tag: String,
    pub value: Option<String>,
    pub at: ConfigEntry,
}

impl Options {
    /// Fields set in `other` replace those in `self`.
    pub fn merge(mut self, other: Options) -> Options {
        self.select = other.select.or(self.select);
        self.ignore = other.ignore.or(self.ignore);
        self.fail_level = other.fail_level.or(self.fail_level);
        self.levels.extend(other.levels);
        self.max_rotation_period_days = other
            .max_rotation_period_days
            .or(self.max_rotation_period_days);
        self.min_deletion_window_days = other
            .min_deletion_window_days
            .or(self.min_deletion_window_days);
        self.max_file_size = other.max_file_size.or(self.max_file_size);
        self.max_plan_size = other.max_plan_size.or(self.max_plan_size);
        self.max_instances = other.max_instances.or(self.max_instances);
        self.accounts = other.accounts.or(self.accounts);
        self.trusted_accounts = other.trusted_accounts.or(self.trusted_accounts);
        self.trusted_organizations = other.trusted_organizations.or(self.trusted_organizations);
        self.max_key_admins = other.max_key_admins.or(self.max_key_admins);
        self.max_key_users = other.max_key_users.or(self.max_key_users);
        self.var_inputs = other.var_inputs.or(self.var_inputs);
        self.exclude = other.exclude.or(self.exclude);
        self.tiers = other.tiers.or(self.tiers);
        self.required_aliases = other.required_aliases.or(self.required_aliases);
        self.report_unused_suppressions = other
            .report_unused_suppressions
            .or(self.report_unused_suppressions);
        self
    }
}

/// A setting that names something that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("unknown rule `{0}`")]
    #[diagnostic(code(config::unknown_rule), help("`kmslint rules` lists the rule ids"))]
    UnknownRule(String),
    #[error("`{name}`: \"{value}\" is not a 12-digit AWS account id")]
    #[diagnostic(code(config::bad_account))]
    BadAccount { name: &'static str, value: String },
    #[error("`exclude`: invalid glob `{0}`: {1}")]
    #[diagnostic(code(config::bad_glob))]
    BadGlob(String, String),
    #[error("`trusted-organizations`: \"{0}\" is not an AWS Organizations id (o-...)")]
    #[diagnostic(code(config::bad_organization))]
    BadOrganization(String),
    #[error("`{name}` must be {what}, got {value}")]
    #[diagnostic(code(config::out_of_range))]
    OutOfRange {
        name: &'static str,
        what: &'static str,
        value: i64,
    },
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Enabled rules, sorted by id, with their effective level.
    pub rules: Vec<(&'static Rule, Level)>,
    pub fail_level: FailLevel,
    pub max_rotation_period_days: i64,
    pub min_deletion_window_days: i64,
    /// Files larger than this many bytes are reported and skipped.
    pub max_file_size: u64,
    /// Plans larger than this many bytes are reported and skipped.
    pub max_plan_size: u64,
    /// Module and resource instances one root module may create; past it, `count` and
    /// `for_each` are analysed once with an unknown index.
    pub max_instances: usize,
    /// The accounts this code deploys to (owner accounts); empty: inferred per key policy.
    pub accounts: Vec<String>,
    /// Other accounts allowed to use the keys.
    pub trusted_accounts: Vec<String>,
    /// Organizations (`o-...`) allowed through `aws:PrincipalOrgID`.
    pub trusted_organizations: Vec<String>,
    pub max_key_admins: usize,
    pub max_key_users: usize,
    pub var_inputs: VarInputs,
    /// Paths not to analyse.
    pub exclude: Option<Exclude>,
    /// Configured tiers; a tier rule with no entry here is inactive.
    pub tiers: Vec<TierOption>,
    pub required_aliases: Vec<(String, ConfigEntry)>,
    /// Report kmslint suppressions that silenced nothing.
    pub report_unused_suppressions: bool,
}

/// Compiled `exclude` globs, matched against paths relative to the configuration file.
#[derive(Debug, Clone)]
pub struct Exclude {
    pub globs: globset::GlobSet,
    pub base: PathBuf,
}

impl Exclude {
    pub fn matches(&self, path: &std::path::Path) -> bool {
        let abs = crate::files::normalize(path);
        let rel = abs
            .strip_prefix(crate::files::normalize(&self.base))
            .unwrap_or(&abs);
        self.globs.is_match(rel) || self.globs.is_match(&abs)
    }
}

pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;
pub const DEFAULT_MAX_PLAN_SIZE: u64 = 512 * 1024 * 1024;
pub use crate::model::from_hcl::DEFAULT_MAX_INSTANCES;

impl Default for Settings {
    fn default() -> Self {
        // The defaults name no rule and no out-of-range value, so resolving cannot fail.
        Settings::resolve(Options::default()).unwrap_or_else(|_| Settings {
            rules: Vec::new(),
            fail_level: FailLevel::Warning,
            max_rotation_period_days: 365,
            min_deletion_window_days: 30,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_plan_size: DEFAULT_MAX_PLAN_SIZE,
            max_instances: DEFAULT_MAX_INSTANCES,
            accounts: Vec::new(),
            trusted_accounts: Vec::new(),
            trusted_organizations: Vec::new(),
            max_key_admins: 3,
            max_key_users: 10,
            var_inputs: VarInputs::default(),
            exclude: None,
            tiers: Vec::new(),
            required_aliases: Vec::new(),
            report_unused_suppressions: false,
        })
    }
}

fn accounts(name: &'static str, ids: Option<Vec<String>>) -> Result<Vec<String>, ConfigError> {
    let ids = ids.unwrap_or_default();
    for id in &ids {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::BadAccount {
                name,
                value: id.clone(),
            });
        }
    }
    Ok(ids)
}

impl Settings {
    pub fn resolve(options: Options) -> Result<Settings, ConfigError> {
        let lookup = |id: &String| -> Result<&'static Rule, ConfigError> {
            rules::find(id).ok_or_else(|| ConfigError::UnknownRule(id.clone()))
        };
        let selected: Vec<&'static Rule> = match &options.select {
            Some(ids) => ids.iter().map(lookup).collect::<Result<_, _>>()?,
            None => rules::ALL.iter().collect(),
        };
        let ignored: Vec<&'static Rule> = options
            .ignore
            .iter()
            .flatten()
            .map(lookup)
            .collect::<Result<_, _>>()?;
        for id in options.levels.keys() {
            lookup(id)?;
        }
        let mut enabled: Vec<(&'static Rule, Level)> = selected
            .into_iter()
            .filter(|r| !ignored.iter().any(|i| i.id == r.id))
            .map(|r| (r, options.levels.get(r.id).copied().unwrap_or(r.level)))
            .collect();
        enabled.sort_by_key(|(r, _)| r.id);
        enabled.dedup_by_key(|(r, _)| r.id);
        let max_rotation_period_days = options.max_rotation_period_days.unwrap_or(365);
        if !(90..=2560).contains(&max_rotation_period_days) {
            return Err(ConfigError::OutOfRange {
                name: "max-rotation-period-days",
                what: "between 90 and 2560 (the range AWS accepts)",
                value: max_rotation_period_days,
            });
        }
        let min_deletion_window_days = options.min_deletion_window_days.unwrap_or(30);
        if !(7..=30).contains(&min_deletion_window_days) {
            return Err(ConfigError::OutOfRange {
                name: "min-deletion-window-days",
                what: "between 7 and 30 (the range AWS accepts)",
                value: min_deletion_window_days,
            });
        }
        let trusted_organizations = options.trusted_organizations.unwrap_or_default();
        if let Some(bad) = trusted_organizations.iter().find(|o| !o.starts_with("o-")) {
            return Err(ConfigError::BadOrganization(bad.clone()));
        }
        Ok(Settings {
            accounts: accounts("accounts", options.accounts)?,
            trusted_accounts: accounts("trusted-accounts", options.trusted_accounts)?,
            trusted_organizations,
            max_key_admins: options.max_key_admins.unwrap_or(3),
            max_key_users: options.max_key_users.unwrap_or(10),
            var_inputs: options.var_inputs.unwrap_or_default(),
            rules: enabled,
            fail_level: options.fail_level.unwrap_or(FailLevel::Warning),
            max_rotation_period_days,
            min_deletion_window_days,
            max_file_size: options.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            max_plan_size: options.max_plan_size.unwrap_or(DEFAULT_MAX_PLAN_SIZE),
            max_instances: options.max_instances.unwrap_or(DEFAULT_MAX_INSTANCES),
            exclude: match options.exclude {
                Some((patterns, base)) => {
                    let mut set = globset::GlobSetBuilder::new();
                    for p in &patterns {
                        let glob = globset::GlobBuilder::new(p)
                            .literal_separator(true)
                            .build()
                            .map_err(|e| ConfigError::BadGlob(p.clone(), e.to_string()))?;
                        set.add(glob);
                    }
                    let globs = set
                        .build()
                        .map_err(|e| ConfigError::BadGlob(patterns.join(", "), e.to_string()))?;
                    Some(Exclude { globs, base })
                }
                None => None,
            },
            tiers: options.tiers.unwrap_or_default(),
            required_aliases: options.required_aliases.unwrap_or_default(),
            report_unused_suppressions: options.report_unused_suppressions.unwrap_or(false),
        })
    }

    /// The effective level of a rule, if it is enabled.
    pub fn level(&self, id: &str) -> Option<Level> {
        self.rules.iter().find(|(r, _)| r.id == id).map(|(_, l)| *l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_ignore_and_levels() {
        let s = Settings::resolve(Options {
            select: Some(vec!["KMS002".into(), "KMS003".into()]),
            ignore: Some(vec!["KMS003".into()]),
            levels: [("KMS002".to_string(), Level::Error)].into(),
            ..Options::default()
        })
        .unwrap();
        assert_eq!(s.rules.len(), 1);
        assert_eq!(s.level("KMS002"), Some(Level::Error));
    }

    #[test]
    fn unknown_rules_and_bad_thresholds_are_errors() {
        let e = Settings::resolve(Options {
            ignore: Some(vec!["KMS999".into()]),
            ..Options::default()
        })
        .unwrap_err();
        assert_eq!(e, ConfigError::UnknownRule("KMS999".into()));
        let e = Settings::resolve(Options {
            min_deletion_window_days: Some(3),
            ..Options::default()
        })
        .unwrap_err();
        assert!(matches!(e, ConfigError::OutOfRange { value: 3, .. }));
    }

    #[test]
    fn merge_prefers_the_later_source() {
        let a = Options {
            fail_level: Some(FailLevel::Error),
            max_file_size: Some(1),
            ..Options::default()
        };
        let b = Options {
            fail_level: Some(FailLevel::None),
            ..Options::default()
        };
        let m = a.merge(b);
        assert_eq!(m.fail_level, Some(FailLevel::None));
        assert_eq!(m.max_file_size, Some(1));
    }
}
