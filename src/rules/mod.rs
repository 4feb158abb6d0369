//! The rules: one file per rule, each with one metadata record and one `check` function.
//!
//! Rules read only the [`Inventory`]; they never know whether a key came from a `.tf` file or a
//! plan. The metadata record is the single source of the rule's docs page, `kmslint explain`,
//! its SARIF rule object and its row in the README table.

mod app_tier_key_missing;
pub(crate) mod aws_managed_key_in_use;
mod database_tier_key_missing;
mod deletion_window_too_short;
mod grant_too_permissive;
pub(crate) mod iam_policy_allows_decrypt_on_all_keys;
mod imported_key_material_expires;
pub(crate) mod key_configuration_invalid;
mod key_disabled;
mod key_policy_invalid;
mod key_policy_not_defined;
mod key_policy_public;
mod key_rotation_disabled;
mod key_scheduled_for_deletion;
mod key_unused;
mod lockout_safety_check_bypassed;
mod multi_region_key;
mod required_key_missing;
mod tier;
mod too_many_key_principals;
mod untrusted_cross_account_access;
mod web_tier_key_missing;

use crate::config::Settings;
use crate::finding::Finding;
use crate::model::{Inventory, Key, Origin, Related};
use crate::source::Loc;

/// How serious a finding is; ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// How sure a rule is that a finding is real (SARIF `precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
        }
    }
}

/// A rule's metadata and its check.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, never reused: `KMS002`.
    pub id: &'static str,
    /// Kebab-case name of the problem: `key-rotation-disabled`.
    pub name: &'static str,
    /// Default level.
    pub level: Level,
    /// One sentence: what the rule finds.
    pub summary: &'static str,
    /// Why it matters (plain text, at most 1024 characters: SARIF `fullDescription`).
    pub rationale: &'static str,
    /// Terraform that the rule reports.
    pub bad: &'static str,
    /// The same Terraform, fixed.
    pub good: &'static str,
    /// How to fix a finding.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// GitHub code scanning score in (0, 10], as a string.
    pub security_severity: &'static str,
    pub precision: Precision,
    /// Extra SARIF tags besides `security`, `terraform`, `aws` and `kms`.
    pub tags: &'static [&'static str],
    /// Configuration the rule needs before it can find anything.
    pub requires: Requires,
    /// Whether the rule decides from one root module (and its plans) or from the whole scan.
    pub scope: Scope,
    /// What `kmslint --fix` repairs of its findings, when it repairs any.
    pub fix: Option<FixDoc>,
    pub check: fn(&Context<'_>, &mut Sink),
}

/// The documentation of a rule's fixes.
#[derive(Debug, Clone, Copy)]
pub struct FixDoc {
    /// The applicability of the fixes (`Unsafe`: some or all need `--unsafe-fixes`).
    pub applicability: crate::fix::Applicability,
    /// What is repaired and how, in sentences.
    pub text: &'static str,
}

/// Configuration a rule needs: without it the rule is inactive (and `kmslint rules` says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    Nothing,
    /// `[tiers.NAME]`.
    Tier(crate::config::Tier),
    /// `required-aliases`.
    RequiredAliases,
}

/// What a rule needs to see to decide.
///
/// Root modules are analysed in parallel, and a `Unit` rule runs as soon as one is: on its
/// inventory and on that of each plan in its directory. After that only what `Scan` rules read is
/// kept: keys without their policies, aliases and the keys plans delete (see
/// [`Inventory::for_scan_rules`]). So memory does not hold every policy of a large tree at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Decides from one root module's resources (or one plan's): all Terraform applies together.
    Unit,
    /// Decides from the whole scan (a key or alias that must exist somewhere in it).
    Scan,
}

/// Whether a rule has the configuration it needs.
pub fn configured(rule: &Rule, settings: &Settings) -> bool {
    match rule.requires {
        Requires::Nothing => true,
        Requires::Tier(t) => settings.tiers.iter().any(|o| o.tier == t),
        Requires::RequiredAliases => !settings.required_aliases.is_empty(),
    }
}

/// Every rule, sorted by id.
pub static ALL: &[Rule] = &[
    key_policy_public::RULE,
    key_rotation_disabled::RULE,
    key_disabled::RULE,
    too_many_key_principals::RULE,
    key_scheduled_for_deletion::RULE,
    untrusted_cross_account_access::RULE,
    app_tier_key_missing::RULE,
    database_tier_key_missing::RULE,
    web_tier_key_missing::RULE,
    required_key_missing::RULE,
    aws_managed_key_in_use::RULE,
    key_policy_not_defined::RULE,
    lockout_safety_check_bypassed::RULE,
    deletion_window_too_short::RULE,
    iam_policy_allows_decrypt_on_all_keys::RULE,
    grant_too_permissive::RULE,
    multi_region_key::RULE,
    key_policy_invalid::RULE,
    imported_key_material_expires::RULE,
    key_configuration_invalid::RULE,
    key_unused::RULE,
];

/// Looks a rule up by id (`KMS002`) or name (`key-rotation-disabled`).
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// What a rule's check can read.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub settings: &'a Settings,
    /// The configuration files read, for findings located at a configuration entry.
    pub config_files: &'a [(std::path::PathBuf, crate::source::FileId)],
}

impl Context<'_> {
    /// The id of a configuration file read for this run.
    pub fn config_file(&self, path: &std::path::Path) -> Option<crate::source::FileId> {
        self.config_files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, id)| *id)
    }
}

/// Collects the findings of one rule.
pub struct Sink {
    rule: &'static Rule,
    level: Level,
    findings: Vec<Finding>,
}

impl Sink {
    /// Reports a finding at `at` about `resource`.
    pub fn report(&mut self, resource: &str, at: Loc, message: String) -> &mut Finding {
        let finding = Finding {
            rule: self.rule,
            level: self.level,
            message,
            primary: at,
            label: String::new(),
            related: Vec::new(),
            resource: resource.to_string(),
            block: None,
            suppressed: None,
            fix: None,
        };
        let index = self.findings.len();
        self.findings.push(finding);
        &mut self.findings[index]
    }

    /// Reports a finding about a resource reached through module calls (listed as related).
    pub fn report_in(
        &mut self,
        resource: &str,
        block: &Loc,
        calls: &[Related],
        at: Loc,
        message: String,
    ) -> &mut Finding {
        let finding = self.report(resource, at, message);
        finding.block = Some(block.clone());
        finding.related.extend(calls.iter().rev().cloned());
        finding
    }

    /// Reports a finding about a key: at the value when it was written (with the places it came
    /// through), at the block header when the attribute is absent; the whole block is related.
    pub fn report_key(
        &mut self,
        key: &Key,
        value: Option<&Origin>,
        message: String,
    ) -> &mut Finding {
        let at = value.map_or_else(|| key.header.clone(), |o| o.at.clone());
        let block = key.block.clone();
        let address = key.address.clone();
        let finding = self.report_in(&address, &key.block, &key.calls, at, message);
        if let Some(origin) = value {
            finding.related.extend(origin.via.iter().cloned());
        }
        finding.related(block, format!("resource `{address}`"));
        finding
    }
}

/// Whether an enabled `Scan` rule has what it needs to run (its configuration entries).
pub fn scan_rules_active(settings: &Settings) -> bool {
    settings
        .rules
        .iter()
        .any(|(r, _)| r.scope == Scope::Scan && configured(r, settings))
}

/// Runs every enabled rule of `scope` over the inventory.
pub fn run(
    inventory: &Inventory,
    settings: &Settings,
    config_files: &[(std::path::PathBuf, crate::source::FileId)],
    scope: Scope,
) -> Vec<Finding> {
    let ctx = Context {
        inventory,
        settings,
        config_files,
    };
    let mut out = Vec::new();
    for (rule, level) in settings.rules.iter().filter(|(r, _)| r.scope == scope) {
        let mut sink = Sink {
            rule,
            level: *level,
            findings: Vec::new(),
        };
        (rule.check)(&ctx, &mut sink);
        out.append(&mut sink.findings);
    }
    out
}

#[cfg(test)]
mod tests;
