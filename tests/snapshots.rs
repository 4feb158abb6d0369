//! Snapshots of the four report formats and of input-error rendering: here the output is the product.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let o = Command::new(env!("CARGO_BIN_EXE_kmslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    (text, o.status.code())
}

fn report_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/report")
}

#[test]
fn pretty() {
    let (out, code) = run(&report_dir(), &["--format", "pretty"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn sarif() {
    let (out, code) = run(&report_dir(), &["--format", "sarif"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn json() {
    let (out, code) = run(&report_dir(), &["--format", "json"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn github() {
    let (out, code) = run(&report_dir(), &["--format", "github"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn pretty_input_errors() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("broken.tf"),
        "resource \"aws_kms_key\" \"x\" {\n  tags = { (var.a) = 1, (var.a) = 2 }\n}\n",
    )
    .unwrap();
    std::fs::write(t.path().join("nul.tf"), b"x = \"\xff\"\n").unwrap();
    let (out, code) = run(t.path(), &[]);
    assert_eq!(code, Some(2));
    insta::assert_snapshot!(out);
}

#[test]
fn github_annotations_are_capped_per_level() {
    let t = tempfile::tempdir().unwrap();
    let mut src = String::new();
    for i in 0..12 {
        src.push_str(&format!(
            "resource \"aws_kms_key\" \"k{i}\" {{\n  enable_key_rotation = false\n}}\n"
        ));
    }
    std::fs::write(t.path().join("main.tf"), src).unwrap();
    let (out, _) = run(t.path(), &["--format", "github"]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert!(
        out.contains("kmslint: 2 more warning findings not annotated"),
        "{out}"
    );
}
