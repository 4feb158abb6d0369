//! End-to-end tests of what a scan covers however kmslint is called: scan-wide rules judge the
//! whole project, findings about resources are reported once, baselines match in every mode.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::Path;

mod common;
use common::{kmslint, write};

/// `(rule, resource)` of each finding, from the JSON report.
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = kmslint(dir, &all);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(
        doc["errors"].as_array().is_none_or(|e| e.is_empty()),
        "{doc}"
    );
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["resource"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

const MODULE: &str = r#"variable "name" {
  type = string
}

variable "tags" {
  type = map(string)
}

resource "aws_kms_key" "this" {
  enable_key_rotation = false
  tags                = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
"#;

/// A repository whose root calls a reusable module (creating `alias/payments` and the app tier's
/// key through it) and holds the configuration; `envs/dev` is another root.
fn project() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "kmslint.toml",
        "required-aliases = [\"alias/payments\"]\n\n[tiers.app]\ntag = \"Tier\"\nvalue = \"app\"\n",
    );
    write(
        d,
        "main.tf",
        r#"module "payments" {
  source = "./modules/kms"
  name   = "payments"
  tags   = { Tier = "app" }
}
"#,
    );
    write(d, "modules/kms/main.tf", MODULE);
    write(
        d,
        "envs/dev/main.tf",
        "resource \"aws_kms_key\" \"dev\" {\n  enable_key_rotation = false\n}\n",
    );
    t
}

fn ids(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn a_called_module_is_not_a_root_and_its_unknown_alias_satisfies_nothing() {
    let t = project();
    let d = t.path();
    let scan = ["--select", "KMS007,KMS010"];
    assert!(findings(d, &scan).is_empty());
    // Without the call, the module alone creates an alias whose name is unknown: not enough.
    write(d, "main.tf", "");
    let mut args = scan.to_vec();
    args.push(".");
    assert_eq!(ids(&findings(d, &args)), ["KMS010", "KMS007"]);
}

#[test]
fn scan_wide_rules_judge_the_whole_project_when_files_are_given() {
    let t = project();
    let d = t.path();
    let select = "KMS002,KMS007,KMS010";
    // What pre-commit runs for a commit touching only `envs/dev`: the root still creates the
    // alias and the tagged key; only dev's own finding is reported.
    let staged = findings(d, &["--select", select, "envs/dev/main.tf"]);
    assert_eq!(staged, [("KMS002".into(), "aws_kms_key.dev".into())]);
    let dev = findings(&d.join("envs/dev"), &["--select", select, "main.tf"]);
    assert_eq!(dev, staged);
    // A file of the module itself: its findings, and the scan-wide rules still satisfied.
    let module = findings(d, &["--select", select, "modules/kms/main.tf"]);
    assert_eq!(ids(&module), ["KMS002"]);
    // When the project lacks the alias, the finding is there in every mode.
    write(d, "main.tf", "");
    for args in [
        vec!["--select", select, "envs/dev/main.tf"],
        vec!["--select", select, "."],
    ] {
        let found = findings(d, &args);
        assert!(
            ids(&found).contains(&"KMS010") && ids(&found).contains(&"KMS007"),
            "{args:?}: {found:?}"
        );
    }
}

#[test]
fn a_module_finding_has_one_address_and_fingerprint_in_every_mode() {
    let t = project();
    let d = t.path();
    let all = findings(d, &["--select", "KMS002", "."]);
    let root = findings(d, &["--select", "KMS002", "main.tf"]);
    let module: Vec<_> = all
        .iter()
        .filter(|(_, r)| r.contains("this"))
        .cloned()
        .collect();
    assert_eq!(
        module,
        [("KMS002".into(), "module.payments.aws_kms_key.this".into())]
    );
    assert_eq!(root, module);

    let written = kmslint(
        d,
        &[
            "--select",
            "KMS002",
            "--write-baseline",
            "baseline.json",
            ".",
        ],
    );
    assert!(written.status.code().is_some_and(|c| c < 2), "{written:?}");
    let accepted = |dir: &Path, baseline: &str, path: &str| {
        findings(dir, &["--select", "KMS002", "--baseline", baseline, path])
    };
    assert!(accepted(d, "baseline.json", ".").is_empty());
    assert!(accepted(d, "baseline.json", "main.tf").is_empty());
    assert!(accepted(d, "baseline.json", "modules/kms/main.tf").is_empty());
    assert!(accepted(d, "baseline.json", "envs/dev/main.tf").is_empty());
    let sub = d.join("modules");
    assert!(accepted(&sub, "../baseline.json", "kms").is_empty());
    assert!(accepted(&sub, "../baseline.json", "../main.tf").is_empty());
    assert!(accepted(&d.join("envs/dev"), "../../baseline.json", ".").is_empty());
    // A new problem is still reported.
    write(
        d,
        "envs/dev/main.tf",
        "resource \"aws_kms_key\" \"other\" {\n  enable_key_rotation = false\n}\n",
    );
    assert_eq!(
        accepted(d, "baseline.json", "envs/dev/main.tf"),
        [("KMS002".into(), "aws_kms_key.other".into())]
    );
}

/// A repository whose root is a module that its examples call as `../..` (the layout of most
/// published modules): the example's call is analysed with the example's inputs whether the scan
/// names the repository as `.`, by its absolute path or the example alone.
#[test]
fn an_example_calling_the_repository_root_analyses_it() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "main.tf",
        "variable \"rotate\" {\n  type    = bool\n  default = true\n}\n\n\
         resource \"aws_kms_key\" \"this\" {\n  enable_key_rotation = var.rotate\n}\n\n\
         output \"key_arn\" {\n  value = aws_kms_key.this.arn\n}\n",
    );
    write(
        d,
        "examples/no-rotation/main.tf",
        "module \"kms\" {\n  source = \"../..\"\n  rotate = false\n}\n\n\
         output \"key_arn\" {\n  value = module.kms.key_arn\n}\n",
    );
    let expected = vec![(
        "KMS002".to_string(),
        "module.kms.aws_kms_key.this".to_string(),
    )];
    let absolute = d.to_string_lossy().into_owned();
    for args in [
        vec!["--select", "KMS002", "."],
        vec!["--select", "KMS002", absolute.as_str()],
        vec!["--select", "KMS002", "examples/no-rotation"],
    ] {
        assert_eq!(findings(d, &args), expected, "{args:?}");
    }
}
