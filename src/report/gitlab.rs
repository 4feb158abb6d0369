//! GitLab Code Quality: the Code Climate issue format, a JSON array GitLab shows in merge requests.
//!
//! Severities: a finding at level error is `critical`, warning `major`, note `minor`; an input
//! that could not be analysed is `blocker` (its findings are unknown), a limit reached `major`,
//! a skipped input `info`. The fingerprint is the baseline's (docs/baseline.md), so an issue
//! keeps its identity when lines move; GitLab needs them unique within a report, so a repeat
//! gets `-2`, `-3`. Input errors without a file (a command-line value) have no place to show
//! and are left out, as are suppressed findings.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use crate::Outcome;
use crate::report::sarif::relative_path;
use crate::report::{ReportOptions, escape};
use crate::rules::Level;

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub(super) fn write(
    outcome: &Outcome,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut issues = Vec::new();
    for e in outcome.errors.iter().filter(|e| !e.path.is_empty()) {
        let path = relative_path(options, &e.path);
        let mut description = format!("kmslint input error: {}", escape::text(&e.message));
        if let Some(help) = &e.help {
            description.push_str(&format!(" (help: {})", escape::text(help)));
        }
        issues.push(Issue {
            kind: "issue",
            check_name: e.kind.code().to_string(),
            description,
            categories: ["Bug Risk"],
            severity: match e.level() {
                Level::Error => "blocker",
                Level::Warning => "major",
                Level::Note => "info",
            },
            fingerprint: crate::baseline::digest(&format!(
                "kmslint-input-error-v1\n{}\n{path}\n{}",
                e.kind.code(),
                e.message
            )),
            location: Location {
                path,
                lines: Lines {
                    begin: e.position.line.max(1),
                    end: e.position.line.max(1),
                },
            },
        });
    }
    for f in &outcome.findings {
        let Some(file) = outcome.sources.get(f.primary.file) else {
            continue;
        };
        let (start, end) = file.range(&f.primary.span);
        issues.push(Issue {
            kind: "issue",
            check_name: f.rule.id.to_string(),
            description: format!(
                "{} {}: {}",
                f.rule.id,
                f.rule.name,
                escape::text(&f.message)
            ),
            categories: ["Security"],
            severity: match f.level {
                Level::Error => "critical",
                Level::Warning => "major",
                Level::Note => "minor",
            },
            fingerprint: crate::baseline::fingerprint(f, &outcome.sources),
            location: Location {
                path: relative_path(options, &file.display),
                lines: Lines {
                    begin: start.line.max(1),
                    end: end.line.max(start.line).max(1),
                },
            },
        });
    }
    unique(issues.iter_mut().map(|i| &mut i.fingerprint));
    escape::write_json_pretty(out, &issues)?;
    writeln!(out)
}

/// Makes repeated fingerprints unique: the second of a kind gets `-2`, the third `-3`.
fn unique<'a>(fingerprints: impl Iterator<Item = &'a mut String>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for fingerprint in fingerprints {
        let n = seen.entry(fingerprint.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            *fingerprint = format!("{fingerprint}-{n}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::Settings;

    fn render(sources: Vec<(&str, &str)>) -> serde_json::Value {
        let outcome = crate::report::checked(&sources);
        let mut out = Vec::new();
        write(&outcome, &ReportOptions::default(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn fingerprints_are_unique_and_stable_across_moves() {
        let key = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n";
        let a = render(vec![("main.tf", key)]);
        let b = render(vec![("main.tf", &format!("\n\n{key}"))]);
        let fp = |v: &serde_json::Value| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|i| i["fingerprint"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(fp(&a), fp(&b));
        let line = |v: &serde_json::Value| {
            v.as_array()
                .unwrap()
                .iter()
                .find(|i| i["check_name"] == "KMS002")
                .unwrap()["location"]["lines"]["begin"]
                .clone()
        };
        assert_eq!(line(&a), 2);
        assert_eq!(line(&b), 4);
    }

    #[test]
    fn paths_are_repository_relative_as_in_sarif() {
        let outcome = crate::check_sources(
            vec![(
                "/srv/other/main.tf".to_string(),
                "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n".to_string(),
            )],
            &Settings::default(),
        );
        let options = ReportOptions {
            base: std::path::PathBuf::from("/work/repo/envs"),
            repo_prefix: "envs/".to_string(),
            ..ReportOptions::default()
        };
        let mut out = Vec::new();
        write(&outcome, &options, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["location"]["path"], "../../srv/other/main.tf");
    }

    #[test]
    fn repeated_fingerprints_are_numbered() {
        let mut fps: Vec<String> = ["a", "b", "a", "a", "b"].map(String::from).to_vec();
        unique(fps.iter_mut());
        assert_eq!(fps, ["a", "b", "a-2", "a-3", "b-2"]);
    }

    #[test]
    fn severities_follow_levels() {
        let v = render(vec![(
            "main.tf",
            "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
        )]);
        let by_rule = |id: &str| {
            v.as_array()
                .unwrap()
                .iter()
                .find(|i| i["check_name"] == id)
                .unwrap()["severity"]
                .clone()
        };
        assert_eq!(by_rule("KMS002"), "major");
        assert_eq!(by_rule("KMS012"), "minor");
    }
}
