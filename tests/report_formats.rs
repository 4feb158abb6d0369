//! The GitLab Code Quality, JUnit and Checkstyle reports, and `--report FORMAT=PATH`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

mod common;

use std::path::{Path, PathBuf};

use common::{kmslint, write};

fn report_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/report")
}

fn stdout(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let o = kmslint(dir, args);
    (String::from_utf8(o.stdout).unwrap(), o.status.code())
}

/// A tree whose author tries to break the reports: markup, CDATA ends, terminal escapes, bidi
/// overrides and controls in a file name and in a `for_each` key (which lands in messages), and
/// a file that does not parse (an input error).
fn hostile_tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let key = |name: &str| {
        format!(
            "resource \"aws_kms_key\" \"{name}\" {{\n  for_each = toset([\"x\\u001b[2J]]><&\\\"'\\u202egnp.exe\\u0001\\t\\uffff\"])\n  description = each.key\n  enable_key_rotation = false\n}}\n"
        )
    };
    write(t.path(), "a&<b>'\".tf", key("a"));
    write(t.path(), "z\u{1b}[2J\u{202e}q\u{1}\tr]]>.tf", key("z"));
    write(t.path(), "broken.tf", "resource \"aws_kms_key\" {\n");
    t
}

/// No character that a terminal or a log would act on is written raw (nor, in XML, one that XML
/// 1.0 forbids).
fn assert_no_raw_unsafe(out: &str, xml: bool) {
    assert!(
        !out.chars()
            .any(|c| c != '\n' && kmslint::report::escape::is_unsafe(c)),
        "{out:?}"
    );
    if xml {
        assert!(!out.contains(['\u{fffe}', '\u{ffff}']), "{out:?}");
    }
}

#[test]
fn gitlab() {
    let (out, code) = stdout(&report_dir(), &["--format", "gitlab"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn junit() {
    let (out, code) = stdout(&report_dir(), &["--format", "junit"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn checkstyle() {
    let (out, code) = stdout(&report_dir(), &["--format", "checkstyle"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn gitlab_hostile() {
    let t = hostile_tree();
    let (out, code) = stdout(t.path(), &["--format", "gitlab"]);
    assert_eq!(code, Some(2));
    assert_no_raw_unsafe(&out, false);
    let issues: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    // The path is the file's exact name, JSON-escaped.
    assert!(
        paths.contains(&"z\u{1b}[2J\u{202e}q\u{1}\tr]]>.tf"),
        "{paths:?}"
    );
    assert!(
        issues
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["check_name"] == "input::syntax" && i["severity"] == "blocker")
    );
    insta::assert_snapshot!(out);
}

#[test]
fn junit_hostile() {
    let t = hostile_tree();
    let (out, code) = stdout(t.path(), &["--format", "junit"]);
    assert_eq!(code, Some(2));
    assert_no_raw_unsafe(&out, true);
    assert!(!out.contains("]]>"), "{out}");
    assert!(out.contains("<error type=\"input::syntax\""), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn checkstyle_hostile() {
    let t = hostile_tree();
    let (out, code) = stdout(t.path(), &["--format", "checkstyle"]);
    assert_eq!(code, Some(2));
    assert_no_raw_unsafe(&out, true);
    assert!(!out.contains("]]>"), "{out}");
    assert!(
        out.contains("<file name=\"z\\u{1b}[2J\\u{202e}q\\u{1}&#9;r]]&gt;.tf\">"),
        "{out}"
    );
    assert!(out.contains("source=\"kmslint.input.syntax\""), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn empty_runs_are_empty_documents() {
    let t = tempfile::tempdir().unwrap();
    assert_eq!(
        stdout(t.path(), &["--format", "gitlab"]),
        ("[]\n".to_string(), Some(0))
    );
    assert_eq!(
        stdout(t.path(), &["--format", "junit"]),
        (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kmslint\" tests=\"0\" failures=\"0\" errors=\"0\">\n</testsuites>\n".to_string(),
            Some(0)
        )
    );
    assert_eq!(
        stdout(t.path(), &["--format", "checkstyle"]),
        (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n</checkstyle>\n".to_string(),
            Some(0)
        )
    );
}

#[test]
fn junit_lists_only_the_rules_that_ran() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "main.tf",
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
    );
    let (out, _) = stdout(
        t.path(),
        &["--format", "junit", "--select", "KMS002,KMS003"],
    );
    let cases: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<testcase name=\""))
        .map(|l| l.split('"').next().unwrap())
        .collect();
    assert_eq!(
        cases,
        ["KMS002 key-rotation-disabled", "KMS003 key-disabled"]
    );
    assert!(
        out.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{out}"
    );
}

#[test]
fn several_reports_from_one_run() {
    let t = tempfile::tempdir().unwrap();
    let dir = report_dir();
    let out = |name: &str| t.path().join(name).to_string_lossy().into_owned();
    let o = kmslint(
        &dir,
        &[
            "--report",
            &format!("sarif={}", out("k.sarif")),
            "--report",
            &format!("JUnit={}", out("k.xml")),
            "--report",
            &format!("gitlab={}", out("k.json")),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    // The primary report is still pretty text on standard output.
    let pretty = String::from_utf8(o.stdout).unwrap();
    assert!(pretty.contains("KMS002"), "{pretty}");
    assert!(!pretty.contains('\u{1b}'), "no colour in a log: {pretty:?}");
    for (format, file) in [
        ("sarif", "k.sarif"),
        ("junit", "k.xml"),
        ("gitlab", "k.json"),
    ] {
        let alone = stdout(&dir, &["--format", format]).0;
        let written = std::fs::read_to_string(t.path().join(file)).unwrap();
        assert_eq!(written, alone, "{format}");
    }
}

#[test]
fn an_unwritable_report_is_named_and_the_others_are_written() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("c.xml");
    let o = kmslint(
        &report_dir(),
        &[
            "--format",
            "json",
            "--report",
            "junit=/nonexistent-dir/k.xml",
            "--report",
            &format!("checkstyle={}", good.display()),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("error: cannot write the report to /nonexistent-dir/k.xml"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(good)
            .unwrap()
            .contains("<checkstyle")
    );
}

#[test]
fn report_flags_are_checked() {
    let t = tempfile::tempdir().unwrap();
    let o = kmslint(t.path(), &["--report", "xml=a.xml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("unknown format `xml`; one of: pretty, sarif"),
        "{err}"
    );
    let o = kmslint(t.path(), &["--report", "junit"]);
    assert_eq!(o.status.code(), Some(2));
    let o = kmslint(
        t.path(),
        &[
            "-o",
            "a.xml",
            "--format",
            "junit",
            "--report",
            "checkstyle=./a.xml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("two reports would be written to ./a.xml"),
        "{err}"
    );
    assert!(!t.path().join("a.xml").exists());
}

#[test]
fn a_configuration_error_is_in_every_report() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "kmslint.toml", "max-key-admins = \"many\"\n");
    write(t.path(), "main.tf", "");
    let o = kmslint(
        t.path(),
        &["--report", "checkstyle=c.xml", "--report", "junit=j.xml"],
    );
    assert_eq!(o.status.code(), Some(2));
    let c = std::fs::read_to_string(t.path().join("c.xml")).unwrap();
    assert!(c.contains("<file name=\"kmslint.toml\">"), "{c}");
    let j = std::fs::read_to_string(t.path().join("j.xml")).unwrap();
    assert!(j.contains("<error type=\"input::configuration\""), "{j}");
}
