//! The key access map: for every key of a scan, who may do what with it, what encrypts with it,
//! and what a change between two revisions does to that access (`kmslint map`).

pub mod base;
pub mod classes;
pub mod diff;
mod dot;
mod markdown;
pub mod model;
mod pretty;
pub mod reuse;
#[cfg(test)]
mod tests;

use std::io;

use serde::{Serialize, Serializer};

pub use diff::Diff;
pub use model::build;

/// The version of the JSON documents (`map` and `map --base`); raised on any incompatible change.
pub const VERSION: u32 = 1;

/// The output formats of `kmslint map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFormat {
    Pretty,
    Json,
    Markdown,
    Dot,
}

/// The map of one scan. Every string is display text: markers replaced by the references they
/// stand for and unsafe characters escaped ([`crate::report::escape::text`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Map {
    pub version: u32,
    pub keys: Vec<KeyEntry>,
    /// IAM policy statements in the scan that give KMS access to every key (`Resource "*"`).
    pub all_keys_iam: Vec<IamAccess>,
    /// Resources that encrypt with an AWS-managed key (or a key the service owns).
    pub aws_managed: Vec<ManagedUse>,
    /// How many inputs could not be analysed (the map may miss what they declare).
    pub input_errors: usize,
}

/// One key (one instance of a key resource).
#[derive(Debug, Clone, Serialize)]
pub struct KeyEntry {
    /// The root module directory the key belongs to (`.` for the scanned directory).
    pub root: String,
    pub address: String,
    /// The resource type (`aws_kms_key`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    pub file: String,
    pub line: usize,
    pub aliases: Vec<String>,
    #[serde(serialize_with = "known")]
    pub spec: Option<String>,
    #[serde(serialize_with = "known")]
    pub usage: Option<String>,
    #[serde(serialize_with = "known")]
    pub rotation: Option<bool>,
    #[serde(serialize_with = "known")]
    pub rotation_period_days: Option<i64>,
    /// `enabled`, `disabled`, `deleted` or `replaced` (by a plan), or `unknown`.
    pub state: String,
    #[serde(serialize_with = "known")]
    pub deletion_window_days: Option<i64>,
    #[serde(serialize_with = "known")]
    pub multi_region: Option<bool>,
    pub policy: PolicySource,
    pub principals: Vec<Access>,
    pub grants: Vec<GrantEntry>,
    pub iam_policies: Vec<IamAccess>,
    pub resources: Vec<ResourceUse>,
    pub findings: Vec<FindingRef>,
}

impl KeyEntry {
    /// What identifies the key across two revisions.
    pub fn id(&self) -> (&str, &str) {
        (&self.root, &self.address)
    }
}

/// Where the key's policy comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySource {
    /// `default` (no policy: the AWS default key policy), `jsonencode`, `heredoc`,
    /// `aws_iam_policy_document`, `string`, `expression`, `plan` or `unknown`.
    pub kind: String,
    /// The resource that sets it when it is not the key (`aws_kms_key_policy.x`).
    pub resource: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
}

/// The account class of a principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// The account the code deploys to (configured `--account`, `data.aws_caller_identity`, or
    /// the account the policy lets administer the key).
    Owner,
    /// An account listed with `--trusted-account`.
    Trusted,
    OtherAccount,
    /// Anyone in an organization (`aws:PrincipalOrgID`).
    Organization,
    /// `*` without an account or organization condition.
    Public,
    AwsService,
    Unknown,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Owner => "owner",
            Group::Trusted => "trusted",
            Group::OtherAccount => "other account",
            Group::Organization => "organization",
            Group::Public => "public",
            Group::AwsService => "AWS service",
            Group::Unknown => "unknown",
        }
    }
}

/// What one principal may do with a key, through one policy statement or grant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Access {
    pub group: Group,
    pub principal: String,
    /// `allow` or `deny`.
    pub effect: String,
    /// Action classes ([`classes::CLASSES`]); `unknown` when the statement's actions are not all known.
    pub actions: Vec<String>,
    /// The conditions, in one line (empty: none).
    pub conditions: String,
    /// The statement (`statement "Sid"`, `statement #2`) or grant it comes from.
    pub via: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantEntry {
    pub address: String,
    pub grantee: String,
    pub group: Group,
    pub operations: Vec<String>,
    pub actions: Vec<String>,
    pub constraints: bool,
    pub file: String,
    pub line: usize,
}

/// An IAM policy statement that gives KMS access.
#[derive(Debug, Clone, Serialize)]
pub struct IamAccess {
    pub address: String,
    pub statement: String,
    pub actions: Vec<String>,
    pub conditions: String,
    pub file: String,
    pub line: usize,
}

/// A resource setting that encrypts with a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceUse {
    pub address: String,
    pub attribute: String,
    pub file: String,
    pub line: usize,
}

/// A resource setting that encrypts with an AWS-managed key or a service-owned key.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedUse {
    pub root: String,
    pub address: String,
    pub attribute: String,
    /// The key (`alias/aws/s3`), or what the service falls back to.
    pub key: String,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRef {
    pub rule: String,
    pub level: String,
    pub message: String,
    pub line: usize,
}

/// `None` is written as the string `"unknown"`.
fn known<T: Serialize, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => v.serialize(s),
        None => s.serialize_str("unknown"),
    }
}

/// Writes a map in a format.
pub fn write_map(format: MapFormat, map: &Map, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        MapFormat::Pretty => pretty::map(map, out),
        MapFormat::Json => {
            crate::report::escape::write_json_pretty(out, map)?;
            writeln!(out)
        }
        MapFormat::Markdown => markdown::map(map, out),
        MapFormat::Dot => dot::map(map, out),
    }
}

/// Writes an access diff in a format.
pub fn write_diff(format: MapFormat, diff: &Diff, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        MapFormat::Pretty => pretty::diff(diff, out),
        MapFormat::Json => {
            crate::report::escape::write_json_pretty(out, diff)?;
            writeln!(out)
        }
        MapFormat::Markdown => markdown::diff(diff, out),
        MapFormat::Dot => dot::diff(diff, out),
    }
}

/// The map of the given paths, with the same discovery, configuration, variables and modules
/// as `check` (whose findings it carries).
pub fn map_of(
    paths: &[std::path::PathBuf],
    base: &std::path::Path,
    settings: &crate::Settings,
) -> Map {
    let settings = with_plan_rules(settings);
    let (outcome, units) = crate::check_units(paths, base, &settings, &crate::Elsewhere::default());
    build(
        &outcome,
        units.into_iter().filter_map(|u| u.inventory).collect(),
        &settings,
    )
}

/// The rules whose being enabled makes the plan reader keep the resources that encrypt with
/// KMS and the IAM policies: the map needs them whatever the configuration selects.
const PLAN_RULES: [&crate::rules::Rule; 2] = [
    &crate::rules::aws_managed_key_in_use::RULE,
    &crate::rules::iam_policy_allows_decrypt_on_all_keys::RULE,
];

fn with_plan_rules(settings: &crate::Settings) -> crate::Settings {
    let mut settings = settings.clone();
    for rule in PLAN_RULES {
        if settings.level(rule.id).is_none() {
            settings.rules.push((rule, rule.level));
        }
    }
    settings.rules.sort_by_key(|(r, _)| r.id);
    settings
}

/// The access diff of the given paths between `revision` of the git repository holding `cwd`
/// and the tree as it is. The revision's tree is read with the settings (and variable files)
/// of the tree as it is.
pub fn diff_against(
    paths: &[std::path::PathBuf],
    cwd: &std::path::Path,
    settings: &crate::Settings,
    revision: &str,
) -> Result<Diff, String> {
    diff_made(paths, cwd, settings, revision, true).map(|(diff, _)| diff)
}

/// [`diff_against`], saying how the revision's map was made; with `reuse` false the whole
/// revision is always mapped (what reuse must give the same as).
pub fn diff_made(
    paths: &[std::path::PathBuf],
    cwd: &std::path::Path,
    settings: &crate::Settings,
    revision: &str,
    reuse: bool,
) -> Result<(Diff, reuse::Made), String> {
    use std::path::Path;
    let real = std::fs::canonicalize(cwd).map_err(|e| e.to_string())?;
    let repo = crate::files::work_tree(&real)
        .ok_or("`--base` needs a git repository: the current directory is in none")?
        .to_path_buf();
    let prefix = real
        .strip_prefix(&repo)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    // The repository's top level as the scan's paths show it (the directory may be reached
    // through a link).
    let lexical = crate::files::normalize(
        &std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(cwd),
    );
    let top = {
        let mut top = lexical.clone();
        let depth = prefix.components().count();
        for _ in 0..depth {
            top.pop();
        }
        if lexical.ends_with(&prefix) {
            top
        } else {
            repo.clone()
        }
    };
    // The diff does not show findings: only the rules that the plan reader needs stay.
    let mut settings = with_plan_rules(settings);
    settings
        .rules
        .retain(|(r, _)| PLAN_RULES.iter().any(|p| p.id == r.id));
    settings.tiers.clear();
    settings.required_aliases.clear();
    settings.report_unused_suppressions = false;
    // Variable files are the tree's: named from the directory kmslint runs in.
    for f in &mut settings.var_inputs.files {
        if f.is_relative() {
            *f = lexical.join(&*f);
        }
    }
    let settings = &settings;
    let limit = settings.max_file_size.max(settings.max_plan_size);
    // The revision is listed and compared with the work tree while the tree is mapped.
    let (head, tree) = std::thread::scope(|scope| {
        let tree = scope.spawn(|| {
            base::list(&repo, revision).map(|l| reuse::Tree::new(repo.clone(), l, limit))
        });
        let tops = [top.clone(), repo.clone()];
        let head = reuse::scan(paths, cwd, settings, &tops, &Default::default());
        let tree = tree
            .join()
            .unwrap_or_else(|_| Err("reading the revision stopped".to_string()));
        (head, tree)
    });
    let tree = tree?;
    let revision_map = if reuse {
        reuse::revision_map(&head, &tree, paths, &prefix, settings)?
    } else {
        reuse::Revision::Whole("asked for".to_string())
    };
    let (before, made) = match revision_map {
        reuse::Revision::Mapped(map, made) => (map, made),
        reuse::Revision::Whole(reason) => {
            let map = whole_revision_map(&repo, &tree, &head.units, paths, &prefix, settings)?;
            let made = reuse::Made {
                reused: 0,
                mapped: head.units.len(),
                whole: Some(reason),
            };
            (map, made)
        }
    };
    Ok((diff::diff(&before, &head.map, revision), made))
}

/// The map of the whole revision, from a copy of every file a map reads.
fn whole_revision_map(
    repo: &std::path::Path,
    tree: &reuse::Tree,
    units: &[reuse::Unit],
    paths: &[std::path::PathBuf],
    prefix: &std::path::Path,
    settings: &crate::Settings,
) -> Result<Map, String> {
    let snapshot = reuse::whole_copy(tree, units)?;
    let root = snapshot.root();
    let base_cwd = root.join(prefix);
    let base_paths = reuse::revision_paths(repo, root, &base_cwd, paths)?;
    Ok(if base_paths.is_empty() || !base_cwd.exists() {
        Map::default()
    } else {
        map_of(&base_paths, &base_cwd, settings)
    })
}
