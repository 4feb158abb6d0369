//! Generated docs must match the metadata: `UPDATE_DOCS=1 cargo test` rewrites them.

use super::*;
use std::path::Path;

const README_START: &str = "<!-- rules:start (generated from the rule metadata; do not edit) -->\n";
const README_END: &str = "<!-- rules:end -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check_or_update(path: &Path, expected: &str, stale: &mut Vec<String>) {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, expected).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
}

#[test]
fn rule_pages_and_readme_table_are_current() {
    let mut stale = Vec::new();
    let docs = root().join("docs/rules");
    for rule in rules::ALL {
        check_or_update(
            &docs.join(format!("{}.md", rule.id)),
            &page(rule),
            &mut stale,
        );
    }
    let index = format!(
        "# Rules\n\nGenerated from the rule metadata; `kmslint explain ID` prints the same pages.\n\n{}",
        rules_table().replace("](docs/rules/", "](")
    );
    check_or_update(&docs.join("README.md"), &index, &mut stale);
    // No page for a rule that does not exist.
    for entry in std::fs::read_dir(&docs).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" {
            let id = name.trim_end_matches(".md");
            assert!(rules::find(id).is_some(), "docs/rules/{name} has no rule");
        }
    }
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let start = readme
        .find(README_START)
        .expect("README rules:start marker")
        + README_START.len();
    let end = readme.find(README_END).expect("README rules:end marker");
    let mut updated = readme.clone();
    updated.replace_range(start..end, &rules_table());
    check_or_update(&readme_path, &updated, &mut stale);
    assert!(
        stale.is_empty(),
        "stale generated docs (run `UPDATE_DOCS=1 cargo test`): {stale:?}"
    );
}

#[test]
fn descriptions_fit_github_limits() {
    for rule in rules::ALL {
        assert!(
            plain(rule.rationale).len() <= 1024,
            "{} rationale too long",
            rule.id
        );
        assert!(rule.summary.len() <= 1024);
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summary is a title, no period",
            rule.id
        );
        let s: f64 = rule.security_severity.parse().unwrap();
        assert!(s > 0.0 && s <= 10.0, "{}", rule.id);
        assert!(
            rule.tags.len() + 4 <= 10,
            "{}: GitHub shows 10 tags",
            rule.id
        );
        assert!(!rule.references.is_empty(), "{}", rule.id);
    }
}

#[test]
fn rules_listing_aligns_every_column() {
    let listing = rules_listing(&crate::Settings::default());
    let rows: Vec<&str> = listing.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), rules::ALL.len() + 1);
    // Each column starts where its header starts, on every row, the longest name included.
    let header = rows[0];
    let starts: Vec<usize> = ["NAME", "LEVEL", "STATUS", "SUMMARY"]
        .iter()
        .map(|h| header.find(h).unwrap())
        .collect();
    for row in &rows[1..] {
        for &at in &starts {
            let (before, after) = row.split_at(at);
            assert!(before.ends_with("  "), "{row}");
            assert!(!after.starts_with(' '), "{row}");
        }
    }
}
