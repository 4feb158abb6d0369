//! Suppression behaviour, run on real findings of real rules; and the generated peer table.

use super::*;
use crate::config::Settings;
use std::path::Path;

/// What is left after suppression: (rule, resource, file, line) per finding, and the errors.
struct Kept {
    kept: Vec<(String, String, String, usize)>,
    errors: Vec<InputError>,
}

impl Kept {
    fn has(&self, rule: &str, resource: &str) -> bool {
        self.kept.iter().any(|k| k.0 == rule && k.1 == resource)
    }

    /// The rules still reported, sorted.
    fn rules(&self) -> Vec<&str> {
        let mut rules: Vec<&str> = self.kept.iter().map(|k| k.0.as_str()).collect();
        rules.sort_unstable();
        rules
    }

    fn errors(&self) -> Vec<(String, usize, usize, &str)> {
        self.errors
            .iter()
            .map(|e| {
                assert_eq!(e.kind, InputErrorKind::Suppression);
                (
                    e.path.clone(),
                    e.position.line,
                    e.position.column,
                    e.message.as_str(),
                )
            })
            .collect()
    }
}

/// The findings of the files as if they held no suppression, with the files' real text in the
/// source map. The run reads the files with every directive defused by one character (so spans
/// stay the same), whether or not the pipeline itself applies suppressions.
fn outcome(files: &[(&str, &str)]) -> crate::Outcome {
    let defused = files
        .iter()
        .map(|(n, t)| ((*n).to_string(), defuse(t)))
        .collect();
    let outcome = crate::check_sources(defused, &without_key_unused());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let originals: HashMap<&str, &str> = files.iter().copied().collect();
    with_texts(outcome, |display| {
        originals.get(display).map(|t| (*t).to_string())
    })
}

fn defuse(text: &str) -> String {
    [KMSLINT, CHECKOV, TFSEC, TRIVY]
        .iter()
        .fold(text.to_string(), |t, p| {
            t.replace(p, &p.replacen(':', ";", 1))
        })
}

/// Replaces the text of the files `text_of` knows, keeping ids, paths and everything else.
fn with_texts(
    mut outcome: crate::Outcome,
    text_of: impl Fn(&str) -> Option<String>,
) -> crate::Outcome {
    let files = outcome
        .sources
        .iter()
        .map(|(_, f)| {
            let text = text_of(&f.display).unwrap_or_else(|| f.text.clone());
            std::sync::Arc::new(crate::source::SourceFile::new(
                f.path.clone(),
                f.display.clone(),
                text,
            ))
        })
        .collect();
    outcome.sources = SourceMap::from_files(files);
    outcome
}

/// [`outcome`] for a fixture folder scanned from disk.
fn outcome_of_dir(dir: &Path) -> crate::Outcome {
    let copy = tempfile::tempdir().unwrap();
    let mut originals = HashMap::new();
    for entry in walk(dir) {
        let rel = entry.strip_prefix(dir).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        let target = copy.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, defuse(&text)).unwrap();
        originals.insert(crate::source::display_path(rel, Path::new("")), text);
    }
    let outcome = crate::check(
        &[copy.path().to_path_buf()],
        copy.path(),
        &without_key_unused(),
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    with_texts(outcome, |display| originals.get(display).cloned())
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn run_on(files: &[(&str, &str)], report_unused: bool, today: i64) -> Kept {
    let outcome = outcome(files);
    let Applied { kept, errors, .. } = apply_on(
        outcome.findings,
        &outcome.sources,
        &SuppressOptions { report_unused },
        today,
    );
    let kept = kept
        .iter()
        .map(|f| {
            let file = outcome.sources.get(f.primary.file).unwrap();
            (
                f.rule.id.to_string(),
                f.resource.clone(),
                file.display.clone(),
                file.position(f.primary.span.start).line,
            )
        })
        .collect();
    Kept { kept, errors }
}

/// 2024-06-01: the day the tests run on, for expiry dates.
const TODAY: i64 = 19_875;

fn run(src: &str) -> Kept {
    run_on(&[("main.tf", src)], false, TODAY)
}

fn run_unused(src: &str) -> Kept {
    run_on(&[("main.tf", src)], true, TODAY)
}

/// A key with a finding on each of its lines: KMS012 on the header (no policy), KMS002 on line
/// 2, KMS017 on line 3.
const KEY: &str = r#"resource "aws_kms_key" "app" {
  enable_key_rotation = false
  multi_region        = true
}
"#;

const ALL_THREE: [&str; 3] = ["KMS002", "KMS012", "KMS017"];

#[test]
fn the_example_key_has_three_findings() {
    let r = run(KEY);
    assert_eq!(r.rules(), ALL_THREE);
    let lines: Vec<usize> = r.kept.iter().map(|k| k.3).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert!(r.errors.is_empty());
}

#[test]
fn end_of_line() {
    let src = KEY.replace(
        "enable_key_rotation = false",
        "enable_key_rotation = false # kmslint:ignore KMS002 -- rotated by a pipeline",
    );
    assert_eq!(run(&src).rules(), ["KMS012", "KMS017"]);
    // Only the rule named: KMS017 on that line would stay.
    let src = KEY.replace(
        "multi_region        = true",
        "multi_region        = true # kmslint:ignore KMS002",
    );
    let r = run_unused(&src);
    assert_eq!(r.rules(), ALL_THREE);
    assert_eq!(
        r.errors(),
        [(
            "main.tf".to_string(),
            3,
            47,
            "unused suppression: no KMS002 finding here"
        )]
    );
}

#[test]
fn line_above_and_runs_of_comments() {
    let src = KEY.replace(
        "  multi_region",
        "  # kmslint:ignore KMS017 -- replicas are intended\n  multi_region",
    );
    assert_eq!(run(&src).rules(), ["KMS002", "KMS012"]);
    let src = KEY.replace(
        "  multi_region",
        "  # kmslint:ignore KMS017\n  // another note\n  /* and\n     more */\n  multi_region",
    );
    assert_eq!(run(&src).rules(), ["KMS002", "KMS012"]);
    // A blank line in between: the suppression covers nothing.
    let src = KEY.replace(
        "  multi_region",
        "  # kmslint:ignore KMS017\n\n  multi_region",
    );
    let r = run_unused(&src);
    assert_eq!(r.rules(), ALL_THREE);
    assert_eq!(r.errors().len(), 1);
}

#[test]
fn above_a_block_covers_the_block() {
    let src = format!("# kmslint:ignore KMS002, KMS012 -- legacy key\n{KEY}");
    assert_eq!(run(&src).rules(), ["KMS017"]);
    // Also when the attribute is absent and the finding points at the header.
    let src = "# kmslint:ignore KMS002\nresource \"aws_kms_key\" \"app\" {\n}\n";
    assert_eq!(run(src).rules(), ["KMS012"]);
    // Other blocks are not covered.
    let two = format!(
        "# kmslint:ignore KMS002\n{KEY}\n{}",
        KEY.replace("\"app\"", "\"other\"")
    );
    let r = run(&two);
    assert!(!r.has("KMS002", "aws_kms_key.app"));
    assert!(r.has("KMS002", "aws_kms_key.other"));
}

#[test]
fn above_a_block_covers_findings_about_it_in_other_files() {
    let main = r#"# kmslint:ignore KMS002 -- the variable is set per environment
resource "aws_kms_key" "app" {
  enable_key_rotation = var.rotate
}
"#;
    let variables = "variable \"rotate\" {\n  default = false\n}\n";
    let files = [("main.tf", main), ("variables.tf", variables)];
    // The finding points at the default in variables.tf; its block is in main.tf.
    let plain = outcome(&[("main.tf", &main[main.find('\n').unwrap() + 1..]), files[1]]);
    let rotation = plain
        .findings
        .iter()
        .find(|f| f.rule.id == "KMS002")
        .unwrap();
    assert_eq!(plain.sources.display(rotation.primary.file), "variables.tf");
    let r = run_on(&files, true, TODAY);
    assert_eq!(r.rules(), ["KMS012"]);
    assert!(r.errors.is_empty());
    // A suppression at the value in variables.tf works as well.
    let variables = "variable \"rotate\" {\n  default = false # kmslint:ignore KMS002\n}\n";
    let plain_main = &main[main.find('\n').unwrap() + 1..];
    let r = run_on(
        &[("main.tf", plain_main), ("variables.tf", variables)],
        true,
        TODAY,
    );
    assert_eq!(r.rules(), ["KMS012"]);
}

#[test]
fn above_a_block_covers_findings_inside_it_whatever_block_they_name() {
    let src = format!("# kmslint:ignore KMS017\n{KEY}");
    let outcome = outcome(&[("main.tf", &src)]);
    let mut findings = outcome.findings;
    // A finding inside the block that names no block of its own (or another one).
    for f in &mut findings {
        f.block = None;
    }
    let Applied { kept, errors, .. } = apply_on(
        findings,
        &outcome.sources,
        &SuppressOptions {
            report_unused: true,
        },
        TODAY,
    );
    let mut rules: Vec<&str> = kept.iter().map(|f| f.rule.id).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["KMS002", "KMS012"]);
    assert!(errors.is_empty());
}

#[test]
fn comment_styles_several_ids_and_names() {
    for comment in [
        "// kmslint:ignore KMS002 KMS017",
        "/* kmslint:ignore KMS002,KMS017 -- reason */",
        "# kmslint:ignore key-rotation-disabled, multi-region-key -- by name",
        "#kmslint:ignore kms002 , kms017",
        "/* kmslint:ignore KMS002\n   KMS017 -- over two lines */",
    ] {
        let src = format!("{comment}\n{KEY}");
        assert_eq!(run(&src).rules(), ["KMS012"], "{comment}");
    }
}

#[test]
fn unknown_rules_are_reported_where_they_are_written() {
    let src = "resource \"aws_kms_key\" \"app\" {\n  # kmslint:ignore KMS999, KMS002, rotation\n  enable_key_rotation = false\n}\n";
    let r = run(src);
    // The known id still works.
    assert_eq!(r.rules(), ["KMS012"]);
    assert_eq!(
        r.errors(),
        [
            (
                "main.tf".to_string(),
                2,
                20,
                "unknown rule `KMS999` in a kmslint suppression"
            ),
            (
                "main.tf".to_string(),
                2,
                36,
                "a kmslint suppression reason must follow `--`"
            ),
        ]
    );
    assert!(r.errors[0].help.as_deref().unwrap().contains("--"));
}

#[test]
fn malformed_kmslint_comments_are_reported() {
    let r = run(&format!("# kmslint:ignore -- forgot the id\n{KEY}"));
    assert_eq!(r.rules(), ALL_THREE);
    assert_eq!(
        r.errors(),
        [(
            "main.tf".to_string(),
            1,
            3,
            "a kmslint suppression names no rule"
        )]
    );
    let r = run(&format!("# kmslint:ignroe KMS002\n{KEY}"));
    assert_eq!(r.rules(), ALL_THREE);
    assert_eq!(
        r.errors()[0].3,
        "unknown directive `kmslint:ignroe` in a comment"
    );
    // Prose that mentions the syntax is not a directive.
    let r = run(&format!("# see kmslint:ignore in the docs\n{KEY}"));
    assert_eq!(r.rules(), ALL_THREE);
    assert!(r.errors.is_empty());
}

#[test]
fn unused_suppressions_are_reported_only_when_asked() {
    let src = format!("# kmslint:ignore KMS003, KMS002 -- KMS003 was fixed\n{KEY}");
    assert!(run(&src).errors.is_empty());
    let r = run_unused(&src);
    assert_eq!(r.rules(), ["KMS012", "KMS017"]);
    assert_eq!(
        r.errors(),
        [(
            "main.tf".to_string(),
            1,
            18,
            "unused suppression: no KMS003 finding here"
        )]
    );
}

#[test]
fn heredoc_and_string_content_never_suppresses() {
    let src = r##"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy              = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "# kmslint:ignore KMS001", "Principal": "*",
      "Effect": "Allow",
      "Action": "kms:Decrypt",
      "Resource": "*"
    }
  ]
}
EOF
  tags = { note = "# kmslint:ignore KMS017" }
  multi_region = true
}
"##;
    let r = run_unused(src);
    assert_eq!(r.rules(), ["KMS001", "KMS017"]);
    assert_eq!(r.kept[0].3, 8, "{:?}", r.kept);
    assert!(r.errors.is_empty());
    // A real comment does.
    let src = src.replace("  tags = { note = \"# ", "  # ");
    let src = src.replace("KMS017\" }", "KMS017");
    assert_eq!(run(&src).rules(), ["KMS001"]);
}

#[test]
fn checkov_skip_silences_only_its_resource_and_rule() {
    let src = format!(
        "{}\n{}",
        KEY.replace(
            "  enable_key_rotation",
            "  #checkov:skip=CKV_AWS_7:rotation handled by the HSM team\n  enable_key_rotation"
        ),
        KEY.replace("\"app\"", "\"other\"")
    );
    let r = run_unused(&src);
    assert!(!r.has("KMS002", "aws_kms_key.app"));
    assert!(r.has("KMS002", "aws_kms_key.other"));
    // The other rules of the same resource stay.
    assert!(r.has("KMS017", "aws_kms_key.app"));
    assert!(r.has("KMS012", "aws_kms_key.app"));
    assert!(r.errors.is_empty());
    // Anywhere inside the block, as Checkov reads it.
    let src = KEY.replace(
        "  multi_region        = true",
        "  multi_region        = true\n  # checkov:skip= CKV_AWS_7",
    );
    assert_eq!(run(&src).rules(), ["KMS012", "KMS017"]);
    // A Checkov id that maps to no kmslint rule silences nothing and is not an error.
    let src = format!("#checkov:skip=CKV_AWS_999:x\n{KEY}");
    let r = run_unused(&src);
    assert_eq!(r.rules(), ALL_THREE);
    assert!(r.errors.is_empty());
    // CKV2_AWS_64 is KMS012.
    let src = format!("#checkov:skip=CKV2_AWS_64:reviewed\n{KEY}");
    assert_eq!(run(&src).rules(), ["KMS002", "KMS017"]);
}

#[test]
fn tfsec_and_trivy_forms() {
    for comment in [
        "#tfsec:ignore:aws-kms-auto-rotate-keys",
        "# tfsec:ignore:AWS019",
        "#trivy:ignore:AVD-AWS-0065",
        "#trivy:ignore:avd-aws-0065",
        "#trivy:ignore:AWS-0065",
        "// trivy:ignore:aws-kms-auto-rotate-keys",
        "#trivy:ignore:aws-s3-enable-logging trivy:ignore:AVD-AWS-0065",
        "#tfsec:ignore:aws-kms-auto-rotate-keys:exp:2024-06-01",
        "#trivy:ignore:AVD-AWS-0065:exp:2030-01-01",
    ] {
        let src = format!("{comment}\n{KEY}");
        assert_eq!(run(&src).rules(), ["KMS012", "KMS017"], "{comment}");
    }
    // Not honoured: expired, a filter kmslint cannot evaluate, a wildcard.
    for comment in [
        "#tfsec:ignore:aws-kms-auto-rotate-keys:exp:2024-05-31",
        "#trivy:ignore:AVD-AWS-0065:exp:not-a-date",
        "#trivy:ignore:AVD-AWS-0065[multi_region=true]",
        "#trivy:ignore:AVD-AWS-0065:ws:prod",
        "#trivy:ignore:*",
        "#trivy:ignore:aws-kms-*",
    ] {
        let src = format!("{comment}\n{KEY}");
        let r = run_unused(&src);
        assert_eq!(r.rules(), ALL_THREE, "{comment}");
        assert!(r.errors.is_empty());
    }
    // At the end of the offending line.
    let src = KEY.replace("= false", "= false #tfsec:ignore:aws-kms-auto-rotate-keys");
    assert_eq!(run(&src).rules(), ["KMS012", "KMS017"]);
}

#[test]
fn peer_ids_for_aws_managed_keys() {
    let queue = |comment: &str| {
        format!(
            "resource \"aws_sqs_queue\" \"q\" {{\n  {comment}\n  kms_master_key_id = \"alias/aws/sqs\"\n}}\n"
        )
    };
    let plain = run(&queue(""));
    assert_eq!(plain.rules(), ["KMS011"]);
    for comment in [
        "#checkov:skip=CKV2_AWS_73:the queue holds no secrets",
        "#trivy:ignore:AVD-AWS-0135",
        "#tfsec:ignore:aws-sqs-queue-encryption-use-cmk",
    ] {
        assert!(run(&queue(comment)).rules().is_empty(), "{comment}");
    }
    // A check of another resource type maps to the same rule: the comment's place decides.
    assert!(run(&queue("#trivy:ignore:AVD-AWS-0136")).rules().is_empty());
    // Checkov's check that only asks for encryption is not mapped.
    assert_eq!(
        run(&queue("#checkov:skip=CKV_AWS_27:encrypted")).rules(),
        ["KMS011"]
    );
}

#[test]
fn crlf_files() {
    let src = format!(
        "# kmslint:ignore KMS012\r\n{}",
        KEY.replace(
            "  multi_region",
            "  # kmslint:ignore KMS017, KMS404 -- reason\n  multi_region"
        )
        .replace("= false", "= false // kmslint:ignore KMS002")
        .replace('\n', "\r\n")
    );
    let r = run_unused(&src);
    assert!(r.rules().is_empty(), "{:?}", r.kept);
    assert_eq!(
        r.errors(),
        [(
            "main.tf".to_string(),
            4,
            28,
            "unknown rule `KMS404` in a kmslint suppression"
        )]
    );
}

#[test]
fn ignore_file() {
    let src = format!(
        "# Keys of the audit account.\n# kmslint:ignore-file KMS017, KMS012 -- reviewed\n\n{KEY}\n{}",
        KEY.replace("\"app\"", "\"b\"")
    );
    let r = run_unused(&src);
    assert_eq!(r.rules(), ["KMS002", "KMS002"]);
    assert!(r.errors.is_empty());
    let src = format!("{KEY}# kmslint:ignore-file KMS017\n");
    let r = run(&src);
    assert_eq!(r.rules(), ALL_THREE);
    assert_eq!(
        r.errors(),
        [(
            "main.tf".to_string(),
            5,
            3,
            "`kmslint:ignore-file` must come before the first block; it was not applied"
        )]
    );
    let r = run_unused("# kmslint:ignore-file KMS003\nlocals {}\n");
    assert_eq!(
        r.errors()[0].3,
        "unused suppression: no KMS003 finding in this file"
    );
}

#[test]
fn the_fixture_module() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/suppress/module");
    let mut files = Vec::new();
    for name in ["main.tf", "variables.tf"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        files.push((name, text));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let r = run_on(&files, true, TODAY);
    let mut kept: Vec<(&str, &str)> = r
        .kept
        .iter()
        .map(|k| (k.0.as_str(), k.1.as_str()))
        .collect();
    kept.sort_unstable();
    assert_eq!(
        kept,
        [
            ("KMS002", "aws_kms_key.unreviewed"),
            ("KMS012", "aws_kms_key.unreviewed"),
        ]
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn dates() {
    assert_eq!(parse_date("1970-01-01"), Some(0));
    assert_eq!(parse_date("2024-06-01"), Some(TODAY));
    assert_eq!(parse_date("2000-03-01"), Some(11_017));
    assert_eq!(parse_date("2024-13-01"), None);
    assert_eq!(parse_date("2024-06"), None);
    assert_eq!(parse_date("99999999999999999-01-01"), None);
    assert!(today() > TODAY);
}

#[test]
fn files_without_directives_are_not_touched() {
    let r = run_unused(KEY);
    assert_eq!(r.rules(), ALL_THREE);
    // A plan (JSON) holds no comments even when its text looks like one.
    let mut found = Found::default();
    let file = crate::source::SourceFile::new(
        "plan.json".into(),
        "plan.json".into(),
        "{\"a\": \"# kmslint:ignore KMS999\"}".into(),
    );
    scan_file(FileId(0), &file, TODAY, &mut found);
    assert!(found.errors.is_empty() && found.suppressions.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The peer table and its docs
// ---------------------------------------------------------------------------------------------

#[test]
fn peer_table_is_sound() {
    let mut seen = std::collections::HashSet::new();
    for p in peers::PEER_CHECKS {
        assert!(rules::find(p.rule).is_some(), "{} does not exist", p.rule);
        assert!(!p.ids.is_empty() && !p.evidence.is_empty() && !p.defined.is_empty());
        for id in p.ids {
            assert!(seen.insert(peers_key(p.tool, id)), "{id} listed twice");
        }
    }
    assert_eq!(peers::rules_for(Tool::Checkov, "ckv_aws_7"), ["KMS002"]);
    assert!(peers::rules_for(Tool::Aqua, "CKV_AWS_7").is_empty());
}

fn peers_key(tool: Tool, id: &str) -> (bool, String) {
    let upper = id.to_ascii_uppercase();
    (
        tool == Tool::Checkov,
        upper.strip_prefix("AVD-").unwrap_or(&upper).to_string(),
    )
}

const DOCS_START: &str = "<!-- peers:start (generated from src/suppress/peers.rs by `UPDATE_DOCS=1 cargo test`; do not edit) -->\n";
const DOCS_END: &str = "<!-- peers:end -->";

#[test]
fn peer_table_in_the_docs_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/suppressions.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(DOCS_START)
        .expect("docs/suppressions.md: peers:start marker")
        + DOCS_START.len();
    let end = text
        .find(DOCS_END)
        .expect("docs/suppressions.md: peers:end marker");
    let mut updated = text.clone();
    updated.replace_range(start..end, &peer_table());
    if updated != text {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("docs/suppressions.md is stale: run `UPDATE_DOCS=1 cargo test`");
        }
    }
}

#[test]
fn above_a_module_call_covers_what_is_found_through_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/suppress/module_call");
    let outcome = outcome_of_dir(&dir);
    let called_here = |r: &crate::model::Related| r.message.ends_with("called here");
    // The run merged the instances of the module's key policy finding into one that lists both
    // calls; split it again into one finding per call, as the rules report them.
    let merged = outcome
        .findings
        .iter()
        .find(|f| f.rule.id == "KMS012")
        .unwrap();
    let calls: Vec<_> = merged.related.iter().filter(|r| called_here(r)).collect();
    assert_eq!(calls.len(), 2, "{:?}", merged.related);
    let mut findings: Vec<Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.rule.id == "KMS002")
        .cloned()
        .collect();
    assert_eq!(findings.len(), 2);
    for call in &calls {
        let mut one = merged.clone();
        one.related.retain(|r| !called_here(r) || r == *call);
        findings.push(one);
    }
    let Applied { kept, errors, .. } = apply_on(
        findings,
        &outcome.sources,
        &SuppressOptions {
            report_unused: true,
        },
        TODAY,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let kept: Vec<(&str, String)> = kept
        .iter()
        .map(|f| {
            let via: Vec<&str> = f
                .related
                .iter()
                .filter(|r| called_here(r))
                .map(|r| r.message.as_str())
                .collect();
            let at = outcome.sources.display(f.primary.file).to_string()
                + ":"
                + &outcome
                    .sources
                    .get(f.primary.file)
                    .unwrap()
                    .position(f.primary.span.start)
                    .line
                    .to_string();
            (f.rule.id, format!("{at} {via:?}"))
        })
        .collect();
    assert_eq!(
        kept,
        [
            (
                "KMS002",
                "main.tf:9 [\"in `module.audit`, called here\"]".to_string()
            ),
            (
                "KMS012",
                "modules/key/main.tf:5 [\"in `module.audit`, called here\"]".to_string()
            ),
        ]
    );
}

#[test]
fn suppressed_findings_are_kept_apart_with_their_source_and_reason() {
    let text = "# kmslint:ignore KMS002 -- rotated by the platform team\nresource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false\n}\n\n# checkov:skip=CKV_AWS_7:handled elsewhere\nresource \"aws_kms_key\" \"b\" {\n  enable_key_rotation = false\n}\n\n# tfsec:ignore:aws-kms-auto-rotate-keys\nresource \"aws_kms_key\" \"c\" {\n  enable_key_rotation = false\n}\n\nresource \"aws_kms_key\" \"d\" {\n  enable_key_rotation = false # trivy:ignore:AVD-AWS-0065\n}\n\nresource \"aws_kms_key\" \"e\" {\n  enable_key_rotation = false\n}\n";
    let outcome = outcome(&[("main.tf", text)]);
    let all = outcome.findings.len();
    let applied = apply_on(
        outcome.findings,
        &outcome.sources,
        &SuppressOptions::default(),
        0,
    );
    assert_eq!(applied.kept.len() + applied.suppressed.len(), all);
    assert!(applied.kept.iter().all(|f| f.suppressed.is_none()));
    let mut seen: Vec<(String, &str, Option<&str>, String)> = applied
        .suppressed
        .iter()
        .filter(|f| f.rule.id == "KMS002")
        .map(|f| {
            let m = f.suppressed.as_ref().unwrap();
            let at = m.at.as_ref().unwrap();
            let written = outcome.sources.get(at.file).unwrap().slice(&at.span);
            (
                f.resource.clone(),
                m.source.name(),
                m.justification.as_deref(),
                written.to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "aws_kms_key.a".to_string(),
                "kmslint",
                Some("rotated by the platform team"),
                "KMS002".to_string()
            ),
            (
                "aws_kms_key.b".to_string(),
                "checkov",
                Some("handled elsewhere"),
                "CKV_AWS_7".to_string()
            ),
            (
                "aws_kms_key.c".to_string(),
                "tfsec",
                None,
                "aws-kms-auto-rotate-keys".to_string()
            ),
            (
                "aws_kms_key.d".to_string(),
                "trivy",
                None,
                "AVD-AWS-0065".to_string()
            ),
        ]
    );
    assert!(
        applied
            .kept
            .iter()
            .any(|f| f.rule.id == "KMS002" && f.resource == "aws_kms_key.e")
    );
    let counts = counts(&applied.suppressed);
    assert!(counts.iter().any(|&(s, n)| s == Source::Kmslint && n >= 1));
    assert!(counts.iter().all(|&(_, n)| n > 0));
}

#[test]
fn a_reason_without_separator_is_one_error_and_the_ids_still_apply() {
    let src = "resource \"aws_kms_key\" \"app\" {\n  enable_key_rotation = false # kmslint:ignore KMS002 rotation is done by the HSM team\n  multi_region        = true\n}\n";
    let r = run(src);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(
        r.errors[0].message,
        "a kmslint suppression reason must follow `--`"
    );
    assert_eq!(
        r.errors[0].help.as_deref(),
        Some("write `# kmslint:ignore KMS002 -- reason`")
    );
    assert!(!r.has("KMS002", "aws_kms_key.app"));
    // A misspelt id is still an unknown rule, not the start of a reason.
    let src = src.replace("KMS002 rotation", "KMS002 KMS0002 rotation");
    let r = run(&src);
    let messages: Vec<&str> = r.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown rule `KMS0002` in a kmslint suppression",
            "a kmslint suppression reason must follow `--`"
        ]
    );
}

/// The key of [`KEY`] with its KMS002 suppressed until `date`.
fn expiring(date: &str) -> String {
    format!(
        "resource \"aws_kms_key\" \"app\" {{\n  enable_key_rotation = false # kmslint:ignore KMS002 -- HSM rotation exp:{date}\n}}\n"
    )
}

#[test]
fn a_kmslint_suppression_expires_after_its_date() {
    // TODAY is 2024-06-01: the suppression holds through its date.
    for date in ["2024-06-01", "2027-03-31"] {
        let r = run(&expiring(date));
        assert!(!r.has("KMS002", "aws_kms_key.app"), "{date}");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    let src = expiring("2024-05-31");
    let outcome = outcome(&[("main.tf", &src)]);
    let applied = apply_on(
        outcome.findings,
        &outcome.sources,
        &SuppressOptions {
            report_unused: true,
        },
        TODAY,
    );
    // The finding returns, with a note at the suppression; an expired suppression is not
    // also reported as unused.
    assert!(applied.errors.is_empty(), "{:?}", applied.errors);
    let f = applied.kept.iter().find(|f| f.rule.id == "KMS002").unwrap();
    let note = f
        .related
        .iter()
        .find(|r| r.message.contains("expired"))
        .unwrap();
    assert_eq!(
        note.message,
        "a suppression of KMS002 here expired on 2024-05-31"
    );
    let file = outcome.sources.get(note.loc.file).unwrap();
    assert_eq!(&file.text[note.loc.span.clone()], "exp:2024-05-31");
}

#[test]
fn an_expiry_that_is_not_a_date_is_an_error() {
    let r = run(&expiring("2024-13-01"));
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("expiry date"));
    assert!(r.has("KMS002", "aws_kms_key.app"));
}

/// Every rule but KMS021, which would report each key of these few-resource examples as unused.
fn without_key_unused() -> Settings {
    Settings::resolve(crate::config::Options {
        ignore: Some(vec!["KMS021".to_string()]),
        ..crate::config::Options::default()
    })
    .unwrap()
}
