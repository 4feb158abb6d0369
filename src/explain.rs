//! Rule documentation, generated from each rule's metadata record.
//!
//! The same text is printed by `kmslint explain`, written to `docs/rules/<ID>.md`, embedded in
//! SARIF rule objects and summarised in the README rules table. A test fails when the committed
//! files differ from what this module generates.

use std::fmt::Write;

use crate::rules::{self, Rule};

/// Where the rule pages are published.
pub fn doc_url(rule: &Rule) -> String {
    format!(
        "{}/blob/main/docs/rules/{}.md",
        env!("CARGO_PKG_REPOSITORY"),
        rule.id
    )
}

/// Collapses the whitespace of a metadata string into single spaces.
pub fn plain(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Markdown page of one rule.
pub fn page(rule: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} {}\n", rule.id, rule.name);
    let _ = writeln!(
        s,
        "Default level: **{}** · security severity {} · precision {}\n",
        rule.level.as_str(),
        rule.security_severity,
        rule.precision.as_str()
    );
    let _ = writeln!(s, "{}.\n", rule.summary);
    let _ = writeln!(s, "## Why is this bad?\n\n{}\n", plain(rule.rationale));
    // Plan rules show a `terraform show -json` excerpt, the others Terraform.
    let lang = if rule.bad.starts_with('{') {
        "json"
    } else {
        "hcl"
    };
    let _ = writeln!(s, "## Example\n\n```{lang}\n{}\n```\n", rule.bad);
    let _ = writeln!(s, "## Use instead\n\n```{lang}\n{}\n```\n", rule.good);
    let _ = writeln!(s, "## How to fix\n\n{}\n", plain(rule.remediation));
    if let Some(fix) = fix_text(rule) {
        let _ = writeln!(s, "## Automatic fix\n\n{fix}\n");
    }
    let _ = writeln!(
        s,
        "## Turning it off\n\nRun without this rule with `--ignore {id}`.\n",
        id = rule.id
    );
    let _ = writeln!(s, "## References\n");
    for r in rule.references {
        let _ = writeln!(s, "- <{r}>");
    }
    s
}

/// What `kmslint --fix` does for the rule's findings.
fn fix_text(rule: &Rule) -> Option<String> {
    match &rule.fix {
        Some(fix) => {
            let how = match fix.applicability {
                crate::fix::Applicability::Safe => "`kmslint --fix` repairs findings of this rule",
                crate::fix::Applicability::Unsafe => {
                    "`kmslint --fix --unsafe-fixes` repairs findings of this rule (an unsafe fix)"
                }
            };
            Some(format!(
                "{how}: {} A value computed by an expression, read from a plan or written in a \
                 module outside the repository is never edited. See docs/fixes.md.",
                plain(fix.text)
            ))
        }
        None => None,
    }
}

/// Plain-text help for SARIF viewers that do not render Markdown.
pub fn help_text(rule: &Rule) -> String {
    format!(
        "{}.\n\n{}\n\nHow to fix: {}\n\nExample of the problem:\n{}\n\nFixed:\n{}\n",
        rule.summary,
        plain(rule.rationale),
        plain(rule.remediation),
        rule.bad,
        rule.good
    )
}

/// The rules table for the README and the docs index.
pub fn rules_table() -> String {
    let mut s = String::from(
        "| ID | Name | Default level | Fix | What it finds |\n|---|---|---|---|---|\n",
    );
    for rule in rules::ALL {
        let _ = writeln!(
            s,
            "| [{id}](docs/rules/{id}.md) | `{}` | {} | {} | {} |",
            rule.name,
            rule.level.as_str(),
            rule.fix.map_or("", |f| f.applicability.as_str()),
            rule.summary,
            id = rule.id
        );
    }
    s
}

/// The fixed-width table printed by `kmslint rules`: every rule, its effective level, and
/// whether it runs with `settings` (a tier or required-key rule runs only when configured).
pub fn rules_listing(settings: &crate::Settings) -> String {
    // Each column as wide as its widest cell, so that no long rule name shifts a row.
    let width = |cells: &mut dyn Iterator<Item = usize>, header: &str| {
        cells.max().unwrap_or(0).max(header.len())
    };
    let id = width(&mut rules::ALL.iter().map(|r| r.id.len()), "ID");
    let name = width(&mut rules::ALL.iter().map(|r| r.name.len()), "NAME");
    let level = width(&mut ["warning"].iter().map(|l| l.len()), "LEVEL");
    let status = width(&mut ["inactive"].iter().map(|l| l.len()), "STATUS");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<id$}  {:<name$}  {:<level$}  {:<status$}  SUMMARY",
        "ID", "NAME", "LEVEL", "STATUS"
    );
    for rule in rules::ALL {
        let rule_level = settings.level(rule.id);
        let rule_status = match rule_level {
            None => "off",
            Some(_) if !rules::configured(rule, settings) => "inactive",
            Some(_) => "on",
        };
        let _ = writeln!(
            s,
            "{:<id$}  {:<name$}  {:<level$}  {:<status$}  {}",
            rule.id,
            rule.name,
            rule_level.unwrap_or(rule.level).as_str(),
            rule_status,
            rule.summary
        );
    }
    s.push_str(
        "
inactive: the rule needs configuration (`kmslint explain ID` says which); off: not selected.
",
    );
    s
}

pub mod terminal;

#[cfg(test)]
mod tests;
