//! End-to-end tests of the `kmslint` binary: exit codes, formats, bad input.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{json, kmslint, kmslint_with_env, write};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A key policy no rule objects to: the owner account's root, delegating to IAM.
const POLICY: &str = r#"  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })"#;
const CLEAN: &[u8] = br#"resource "aws_kms_key" "ok" {
  enable_key_rotation = true
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}

# A root module's output uses the key (KMS021).
output "ok_arn" {
  value = aws_kms_key.ok.arn
}
"#;
const ROTATION_OFF: &[u8] = br#"resource "aws_kms_key" "off" {
  enable_key_rotation = false
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}

# A root module's output uses the key (KMS021).
output "off_arn" {
  value = aws_kms_key.off.arn
}
"#;

#[test]
fn the_test_keys_carry_the_clean_policy() {
    assert!(std::str::from_utf8(CLEAN).unwrap().contains(POLICY));
    assert!(std::str::from_utf8(ROTATION_OFF).unwrap().contains(POLICY));
}

#[test]
fn exit_code_0_when_clean() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", CLEAN);
    let o = kmslint(t.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 findings"));
}

#[test]
fn exit_code_1_on_findings_and_fail_level() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    assert_eq!(kmslint(t.path(), &[]).status.code(), Some(1));
    // KMS002 is a warning: below an `error` fail level it does not fail the run.
    assert_eq!(
        kmslint(t.path(), &["--fail-level", "error"]).status.code(),
        Some(0)
    );
    assert_eq!(
        kmslint(t.path(), &["--fail-level", "warning"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        kmslint(t.path(), &["--fail-level", "none"]).status.code(),
        Some(0)
    );
    assert_eq!(
        kmslint(t.path(), &["--ignore", "KMS002"]).status.code(),
        Some(0)
    );
    assert_eq!(
        kmslint(t.path(), &["--select", "key-disabled"])
            .status
            .code(),
        Some(0)
    );
}

/// Only a note: KMS014 (a short deletion window) on an otherwise clean key.
const NOTE_ONLY: &[u8] = br#"resource "aws_kms_key" "short" {
  enable_key_rotation = true
  deletion_window_in_days = 7
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}

# A root module's output uses the key (KMS021).
output "short_arn" {
  value = aws_kms_key.short.arn
}
"#;

#[test]
fn notes_fail_nothing_by_default() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", NOTE_ONLY);
    let o = kmslint(t.path(), &[]);
    assert!(stdout(&o).contains("KMS014"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        kmslint(t.path(), &["--fail-level", "note"]).status.code(),
        Some(1)
    );
    // A configuration file may still ask for notes to fail.
    write(t.path(), "kmslint.toml", b"fail-level = \"note\"\n");
    assert_eq!(kmslint(t.path(), &[]).status.code(), Some(1));
}

#[test]
fn exit_code_2_on_usage_errors() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", CLEAN);
    let o = kmslint(t.path(), &["--select", "KMS999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("command line: unknown rule `KMS999`"));
    let o = kmslint(t.path(), &["--select", "KMS999", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown rule `KMS999`"));
    assert_eq!(
        kmslint(t.path(), &["--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        kmslint(t.path(), &["explain", "KMS999"]).status.code(),
        Some(2)
    );
}

#[test]
fn syntax_error_next_to_a_valid_file_reports_both_and_exits_2() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "a_broken.tf",
        b"resource \"aws_kms_key\" \"x\" {\n  is_enabled = = false\n}\n",
    );
    write(t.path(), "b_valid.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["errors"][0]["path"], "a_broken.tf");
    assert_eq!(doc["errors"][0]["kind"], "syntax");
    assert_eq!(
        doc["errors"][0]["start"],
        serde_json::json!({"line": 2, "column": 16})
    );
    assert_eq!(doc["findings"][0]["rule"], "KMS002");
    assert_eq!(doc["findings"][0]["location"]["path"], "b_valid.tf");
    // The pretty output shows the snippet of the error.
    let pretty = stdout(&kmslint(t.path(), &[]));
    assert!(pretty.contains("a_broken.tf:2:16"), "{pretty}");
    assert!(pretty.contains("is_enabled = = false"), "{pretty}");
}

#[test]
fn bad_files_are_reported_and_the_rest_analysed() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a/latin1.tf", b"# caf\xe9\n");
    write(t.path(), "b/huge.tf", vec![b'#'; 2048]);
    write(t.path(), "c/main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "json", "--max-file-size", "1024"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["kind"], "not-utf8");
    assert_eq!(
        errors[0]["start"],
        serde_json::json!({"line": 1, "column": 6})
    );
    assert_eq!(errors[1]["kind"], "too-large");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn missing_path_is_an_input_error() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "json", "main.tf", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["errors"][0]["kind"], "not-found");
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_file_argument_analyses_its_whole_module() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "m/main.tf", CLEAN);
    write(t.path(), "m/other.tf", ROTATION_OFF);
    write(t.path(), "elsewhere/x.tf", ROTATION_OFF);
    let doc = json(&kmslint(t.path(), &["--format", "json", "m/main.tf"]));
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["location"]["path"], "m/other.tf");
}

#[test]
fn crlf_and_bom_files_give_exact_columns() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "crlf/main.tf",
        b"resource \"aws_kms_key\" \"x\" {\r\n  description = \"caf\xc3\xa9\"\r\n  enable_key_rotation = false\r\n}\r\n",
    );
    write(
        t.path(),
        "bom/main.tf",
        b"\xef\xbb\xbfresource \"aws_kms_key\" \"x\" {\n  enable_key_rotation = false\n}\n",
    );
    let doc = json(&kmslint(
        t.path(),
        &["--format", "json", "--select", "KMS002"],
    ));
    let f = &doc["findings"];
    assert_eq!(f[0]["location"]["path"], "bom/main.tf");
    assert_eq!(
        f[0]["location"]["start"],
        serde_json::json!({"line": 2, "column": 25})
    );
    assert_eq!(
        f[0]["location"]["end"],
        serde_json::json!({"line": 2, "column": 30})
    );
    // Byte offsets count the BOM, as the file is on disk.
    assert_eq!(f[0]["location"]["byte_start"], 3 + 29 + 24);
    assert_eq!(f[1]["location"]["path"], "crlf/main.tf");
    assert_eq!(
        f[1]["location"]["start"],
        serde_json::json!({"line": 3, "column": 25})
    );
    assert_eq!(
        f[1]["location"]["end"],
        serde_json::json!({"line": 3, "column": 30})
    );
}

#[test]
fn output_file_and_summary() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "sarif", "--output", "out.sarif"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("kmslint: 1 finding, worst warning, 0 input errors")
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "KMS002");
}

#[test]
fn sarif_input_errors_are_notifications() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "broken.tf", b"locals {\n  x = [\n");
    let o = kmslint(t.path(), &["--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    let sarif = json(&o);
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.tf"
    );
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join(".git")).unwrap();
    write(t.path(), "infra/kms/main.tf", ROTATION_OFF);
    let sarif = json(&kmslint(&t.path().join("infra"), &["--format", "sarif"]));
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "infra/kms/main.tf");
}

#[test]
fn rules_and_explain() {
    let o = kmslint(&repo(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("KMS002  key-rotation-disabled"));
    let o = kmslint(&repo(), &["explain", "kms002", "--markdown"]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(repo().join("docs/rules/KMS002.md")).unwrap();
    assert_eq!(stdout(&o), page);
    // Rendered for a terminal: no Markdown marks, prose within 80 columns when not a terminal
    // (code blocks are shown as written), the terminal's width when `COLUMNS` says so.
    let o = kmslint(&repo(), &["explain", "KMS002"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with("KMS002 key-rotation-disabled\n====="),
        "{text}"
    );
    assert!(!text.contains("```") && !text.contains("**") && !text.contains("## "));
    assert!(
        text.contains("\n    resource \"aws_kms_key\" \"app\" {\n"),
        "{text}"
    );
    let prose = |text: &str, width: usize| {
        text.lines()
            // Code is shown as written, and a URL is never cut.
            .filter(|l| !l.starts_with("    ") && !l.contains("://"))
            .all(|l| l.chars().count() <= width)
    };
    assert!(prose(&text, 80), "{text}");
    let narrow = kmslint_with_env(&repo(), &["explain", "KMS002"], &[("COLUMNS", "50")]);
    let narrow = stdout(&narrow);
    assert!(prose(&narrow, 50) && !prose(&narrow, 49), "{narrow}");
}

#[test]
fn check_subcommand_is_the_default_command() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let a = kmslint(t.path(), &["--format", "json", "."]);
    let b = kmslint(t.path(), &["check", "--format", "json", "."]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(b.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_symlink_loops() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "a/main.tf", ROTATION_OFF);
    write(t.path(), "b/secret.tf", CLEAN);
    std::os::unix::fs::symlink(t.path(), t.path().join("a/loop")).unwrap();
    let secret = t.path().join("b/secret.tf");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root can read anything: only check the permission case when it applies.
    let readable_anyway = std::fs::read(&secret).is_ok();
    let o = kmslint(t.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    let kinds: Vec<_> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert!(
        kinds.contains(&serde_json::json!("symlink-loop")),
        "{kinds:?}"
    );
    if !readable_anyway {
        assert!(
            kinds.contains(&serde_json::json!("unreadable")),
            "{kinds:?}"
        );
    }
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

/// Where the KMS002 finding is (`path:line`), or `None` when the scan is clean.
fn rotation_finding(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<String> {
    let mut all = vec!["--format", "json", "--select", "KMS002"];
    all.extend_from_slice(args);
    let doc = json(&kmslint_with_env(dir, &all, env));
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    let f = doc["findings"].as_array().unwrap().first()?.clone();
    Some(format!(
        "{}:{}",
        f["location"]["path"].as_str().unwrap(),
        f["location"]["start"]["line"]
    ))
}

#[test]
fn variable_values_follow_terraforms_precedence() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(
        d,
        "variables.tf",
        b"variable \"rotate\" {\n  type    = bool\n  default = true\n}\n",
    );
    write(
        d,
        "main.tf",
        b"resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = var.rotate\n}\n",
    );
    assert_eq!(rotation_finding(d, &[], &[]), None);
    // TF_VAR_ is below every file.
    assert_eq!(
        rotation_finding(d, &[], &[("TF_VAR_rotate", "false")]).as_deref(),
        Some("variables.tf:1")
    );
    write(d, "terraform.tfvars", b"rotate = false\n");
    assert_eq!(
        rotation_finding(d, &[], &[]).as_deref(),
        Some("terraform.tfvars:1")
    );
    write(d, "terraform.tfvars", b"rotate = true\n");
    assert_eq!(
        rotation_finding(d, &[], &[("TF_VAR_rotate", "false")]),
        None
    );
    write(d, "terraform.tfvars.json", b"{\n  \"rotate\": false\n}\n");
    assert_eq!(
        rotation_finding(d, &[], &[]).as_deref(),
        Some("terraform.tfvars.json:2")
    );
    write(d, "a.auto.tfvars", b"rotate = true\n");
    assert_eq!(rotation_finding(d, &[], &[]), None);
    write(d, "b.auto.tfvars.json", b"{\"rotate\": false}\n");
    assert_eq!(
        rotation_finding(d, &[], &[]).as_deref(),
        Some("b.auto.tfvars.json:1")
    );
    write(d, "extra/prod.tfvars", b"# production\nrotate = true\n");
    assert_eq!(
        rotation_finding(d, &["--var-file", "extra/prod.tfvars"], &[]),
        None
    );
    write(d, "extra/dev.tfvars", b"rotate = false\n");
    assert_eq!(
        rotation_finding(
            d,
            &[
                "--var-file",
                "extra/prod.tfvars",
                "--var-file",
                "extra/dev.tfvars"
            ],
            &[]
        )
        .as_deref(),
        Some("extra/dev.tfvars:1")
    );
    assert_eq!(
        rotation_finding(
            d,
            &["--var-file", "extra/dev.tfvars", "--var", "rotate=true"],
            &[]
        ),
        None
    );
}

#[test]
fn a_finding_through_a_variable_shows_both_places() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(
        d,
        "variables.tf",
        b"variable \"rotate\" {\n  default = false\n}\n",
    );
    write(
        d,
        "main.tf",
        b"resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = var.rotate\n}\n",
    );
    let doc = json(&kmslint(d, &["--format", "json", "--select", "KMS002"]));
    let f = &doc["findings"][0];
    assert_eq!(f["location"]["path"], "variables.tf");
    assert_eq!(
        f["location"]["start"],
        serde_json::json!({"line": 2, "column": 13})
    );
    let related: Vec<_> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{} {}",
                r["location"]["path"].as_str().unwrap(),
                r["location"]["start"]["line"],
                r["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            "main.tf:2 used through `var.rotate`",
            "main.tf:1 resource `aws_kms_key.k`"
        ]
    );
    let sarif = json(&kmslint(d, &["--format", "sarif", "--select", "KMS002"]));
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["relatedLocations"].as_array().unwrap().len(), 2);
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("[used through `var.rotate`](1)")
    );
}

#[test]
fn module_sources_outside_the_tree_or_recursive_are_reported() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(
        d,
        "outside/main.tf",
        b"resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
    );
    write(d, "scan/main.tf", b"module \"far\" {\n  source = \"../outside\"\n}\n\nmodule \"me\" {\n  source = \"./\"\n}\n");
    let o = kmslint(
        &d.join("scan"),
        &["--format", "json", "--select", "KMS002", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    let errors: Vec<String> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["path"].as_str().unwrap(),
                e["start"]["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("main.tf:2 module source `../outside` is outside the scanned tree"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("main.tf:6 module `me` calls itself"),
        "{errors:?}"
    );
    assert_eq!(doc["findings"], serde_json::json!([]));
}

#[test]
fn files_outside_the_tree_are_never_read() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "secret.json", b"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"kms:*\", \"Resource\": \"*\"}]}");
    write(
        d,
        "scan/main.tf",
        b"resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n  policy = file(\"../secret.json\")\n}\n",
    );
    let doc = json(&kmslint(
        &d.join("scan"),
        &["--format", "json", "--select", "KMS001"],
    ));
    assert_eq!(doc["findings"], serde_json::json!([]));
    // Inside the tree, the same file is read and its principal located.
    write(
        d,
        "scan/policy.json",
        std::fs::read(d.join("secret.json")).unwrap(),
    );
    write(
        d,
        "scan/main.tf",
        b"resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n  policy = file(\"${path.module}/policy.json\")\n}\n",
    );
    let doc = json(&kmslint(
        &d.join("scan"),
        &["--format", "json", "--select", "KMS001"],
    ));
    let f = &doc["findings"][0];
    assert_eq!(f["location"]["path"], "policy.json");
    assert_eq!(
        f["location"]["start"],
        serde_json::json!({"line": 1, "column": 49})
    );
}

fn plans() -> PathBuf {
    repo().join("testdata/plans")
}

#[test]
fn a_plan_file_argument_is_analysed() {
    let o = kmslint(
        &plans().join("changes"),
        &["--format", "json", "--select", "KMS005", "plan.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    let resources: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].clone())
        .collect();
    assert_eq!(
        resources,
        [
            serde_json::json!("aws_kms_key.replaced"),
            serde_json::json!("module.old.aws_kms_key.a"),
            serde_json::json!("module.old.aws_kms_key.b")
        ]
    );
}

#[test]
fn a_truncated_plan_is_an_input_error_and_the_rest_is_reported() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "plan.json",
        std::fs::read(plans().join("truncated/plan.json")).unwrap(),
    );
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["errors"][0]["path"], "plan.json");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid plan JSON: EOF while parsing")
    );
    assert_eq!(doc["findings"][0]["rule"], "KMS002");
}

#[test]
fn json_that_is_not_a_plan() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "package.json",
        b"{\"name\": \"x\", \"version\": \"1.0.0\"}",
    );
    write(
        t.path(),
        "state.json",
        b"{\"format_version\": \"1.0\", \"values\": {}}",
    );
    write(t.path(), "main.tf", CLEAN);
    // Found while walking: ignored.
    assert_eq!(kmslint(t.path(), &[]).status.code(), Some(0));
    // Named on the command line: it must be a plan.
    let o = kmslint(t.path(), &["--format", "json", "state.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        json(&o)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("not a Terraform plan")
    );
}

#[test]
fn plans_over_the_size_limit_are_reported() {
    let o = kmslint(
        &plans().join("changes"),
        &["--format", "json", "--max-plan-size", "1000", "plan.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    assert_eq!(doc["errors"][0]["kind"], "too-large");
    assert!(
        doc["errors"][0]["help"]
            .as_str()
            .unwrap()
            .contains("--max-plan-size")
    );
}

#[test]
fn pretty_output_of_a_one_line_plan_gives_the_place_instead_of_the_line() {
    let o = kmslint(
        &plans().join("changes"),
        &["--select", "KMS005", "plan.json"],
    );
    let text = stdout(&o);
    assert!(
        text.contains("= at plan.json:1:274 (key replaced)"),
        "{text}"
    );
    assert!(
        text.lines().all(|l| l.len() < 400),
        "a line of the plan was printed"
    );
}

#[test]
fn sensitive_plan_values_are_never_printed() {
    let dir = plans().join("changes");
    for format in ["pretty", "json", "sarif", "github"] {
        // Wide enough that a finding's message is one line, so that the line naming the
        // resource holds all that is said of its value.
        let o = kmslint_with_env(
            &dir,
            &["--format", format, "--select", "KMS001", "plan.json"],
            &[("COLUMNS", "10000")],
        );
        let text = stdout(&o);
        assert!(text.contains("aws_kms_key.secret"), "{format}: {text}");
        assert!(
            text.contains("the value is sensitive and is not shown"),
            "{format}"
        );
        let secret_line = text
            .lines()
            .filter(|l| l.contains("aws_kms_key.secret"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !secret_line.contains("every AWS principal"),
            "{format}: {secret_line}"
        );
    }
}

#[test]
fn configuration_file_keys_are_checked_with_their_line() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join(".git")).unwrap();
    write(t.path(), "main.tf", CLEAN);
    write(
        t.path(),
        "kmslint.toml",
        b"fail-level = \"warning\"\nmax-key-admin = 2\n",
    );
    let o = kmslint(t.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains("error[input::configuration]: unknown field `max-key-admin`"),
        "{out}"
    );
    assert!(out.contains("in kmslint.toml:2:1"), "{out}");
    assert!(out.contains("; 1 input error"), "{out}");
}

/// The one input error of a report that a configuration error ended.
fn config_error(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let o = kmslint(dir, &all);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let doc = json(&o);
    assert_eq!(doc["findings"], serde_json::json!([]), "{doc}");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["kind"], "configuration", "{doc}");
    assert_eq!(errors[0]["level"], "error", "{doc}");
    errors[0].clone()
}

#[test]
fn configuration_errors_are_reports_naming_file_and_line() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "main.tf", ROTATION_OFF);
    // A key the file format does not know.
    write(
        d,
        "kmslint.toml",
        b"fail-level = \"warning\"\n\nmax-key-admin = 2\n",
    );
    let e = config_error(d, &[]);
    assert_eq!(
        (e["path"].as_str(), e["start"]["line"].as_u64()),
        (Some("kmslint.toml"), Some(3)),
        "{e}"
    );
    // SARIF: a valid log, the error as an error-level notification at the file and line.
    let o = kmslint(d, &["--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    let sarif = json(&o);
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let n = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error", "{n}");
    assert_eq!(n["descriptor"]["id"], "input::configuration", "{n}");
    let place = &n["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "kmslint.toml", "{n}");
    assert_eq!(place["region"]["startLine"], 3, "{n}");
    // A value that parses but names nothing: found in the file, quoted.
    write(
        d,
        "kmslint.toml",
        b"fail-level = \"warning\"\nselect = [\n  \"KMS002\",\n  \"KMS999\",\n]\n",
    );
    let e = config_error(d, &[]);
    assert_eq!(
        (
            e["path"].as_str(),
            e["start"]["line"].as_u64(),
            e["start"]["column"].as_u64()
        ),
        (Some("kmslint.toml"), Some(4), Some(4)),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("KMS999"), "{e}");
    // The same mistake in --config, beside a good discovered file.
    write(d, "kmslint.toml", b"fail-level = \"warning\"\n");
    write(d, "ci/strict.toml", b"\naccounts = [\"12345\"]\n");
    let e = config_error(d, &["--config", "ci/strict.toml"]);
    assert_eq!(
        (e["path"].as_str(), e["start"]["line"].as_u64()),
        (Some("ci/strict.toml"), Some(2)),
        "{e}"
    );
    // A --config that does not exist.
    let e = config_error(d, &["--config", "missing.toml"]);
    assert_eq!(e["path"], "missing.toml", "{e}");
    // A flag: the command line is named instead of a file.
    let e = config_error(d, &["--select", "KMS999"]);
    assert_eq!(e["path"], "", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("command line: unknown rule `KMS999`"),
        "{e}"
    );
    // A broken baseline: its line.
    write(
        d,
        "baseline.json",
        b"{\n  \"version\": 1,\n  \"fingerprints\": [}\n",
    );
    let e = config_error(d, &["--baseline", "baseline.json"]);
    assert_eq!(
        (e["path"].as_str(), e["start"]["line"].as_u64()),
        (Some("baseline.json"), Some(3)),
        "{e}"
    );
}

#[test]
fn suppressed_findings_are_counted_and_listed_on_request() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(
        d,
        "main.tf",
        b"#checkov:skip=CKV_AWS_7:rotation is handled by the HSM team\nresource \"aws_kms_key\" \"hsm\" {\n  enable_key_rotation = false\n}\n\nresource \"aws_kms_key\" \"app\" {\n  enable_key_rotation = false # kmslint:ignore KMS002 -- reviewed\n}\n\nresource \"aws_kms_key\" \"old\" {\n  enable_key_rotation = false\n}\n",
    );
    let o = kmslint(d, &["--select", "KMS002", "--write-baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "kmslint: wrote 1 finding to the baseline b.json\n"
    );
    let args = ["--select", "KMS002", "--baseline", "b.json"];
    let o = kmslint(d, &args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "suppressed findings never fail a run"
    );
    let out = one_line(&stdout(&o));
    assert!(
        out.contains("0 findings (0 errors, 0 warnings, 0 notes) in 1 file; 0 input errors; 3 suppressed: 1 kmslint, 1 checkov, 1 baseline"),
        "{out}"
    );
    assert!(!out.contains("(suppressed)"), "{out}");
    let mut shown = args.to_vec();
    shown.push("--show-suppressed");
    let o = kmslint(d, &shown);
    assert_eq!(o.status.code(), Some(0));
    let out = one_line(&stdout(&o));
    assert_eq!(out.matches("(suppressed)").count(), 3, "{out}");
    assert!(
        out.contains("suppressed by checkov at main.tf:1:15: rotation is handled by the HSM team"),
        "{out}"
    );
    assert!(
        out.contains("suppressed by kmslint at main.tf:7:48: reviewed"),
        "{out}"
    );
    assert!(out.contains("suppressed by baseline"), "{out}");
    // JSON: counted by source, listed apart.
    let mut json_args = shown.clone();
    json_args.extend(["--format", "json"]);
    let doc = json(&kmslint(d, &json_args));
    assert_eq!(doc["summary"]["findings"], 0);
    assert_eq!(doc["summary"]["suppressed"], 3);
    assert_eq!(
        doc["summary"]["suppressed_by"],
        serde_json::json!({"baseline": 1, "checkov": 1, "kmslint": 1})
    );
    let sources: Vec<_> = doc["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["suppression"]["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources, ["checkov", "kmslint", "baseline"], "{doc}");
    // SARIF: results with their suppressions; a baseline's is external.
    let mut sarif_args = shown.clone();
    sarif_args.extend(["--format", "sarif"]);
    let sarif = json(&kmslint(d, &sarif_args));
    let kinds: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["inSource", "inSource", "external"], "{sarif}");
}

#[test]
fn configuration_precedence_and_discovery() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "infra/main.tf", ROTATION_OFF);
    // Discovered upward from the scanned path: KMS002 ignored.
    write(d, "kmslint.toml", b"ignore = [\"KMS002\"]\n");
    assert_eq!(kmslint(&d.join("infra"), &[]).status.code(), Some(0));
    // --config comes after the discovered file.
    write(d, "strict.toml", b"ignore = []\nfail-level = \"warning\"\n");
    assert_eq!(
        kmslint(&d.join("infra"), &["--config", "../strict.toml"])
            .status
            .code(),
        Some(1)
    );
    // Flags come last.
    assert_eq!(
        kmslint(
            &d.join("infra"),
            &["--config", "../strict.toml", "--fail-level", "error"]
        )
        .status
        .code(),
        Some(0)
    );
    // Discovery stops at the repository root.
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "kmslint.toml", b"ignore = [\"KMS002\"]\n");
    std::fs::create_dir_all(outer.path().join("repo/.git")).unwrap();
    write(outer.path(), "repo/main.tf", ROTATION_OFF);
    assert_eq!(
        kmslint(&outer.path().join("repo"), &[]).status.code(),
        Some(1)
    );
}

#[test]
fn init_writes_a_configuration_once() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join(".git")).unwrap();
    let o = kmslint(t.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(t.path().join("kmslint.toml")).unwrap();
    for key in [
        "select",
        "exclude",
        "required-aliases",
        "[tiers.app]",
        "max-rotation-period-days",
    ] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }
    write(t.path(), "main.tf", CLEAN);
    assert_eq!(
        kmslint(t.path(), &[]).status.code(),
        Some(0),
        "the written file is valid"
    );
    assert_eq!(
        kmslint(t.path(), &["init"]).status.code(),
        Some(2),
        "never overwritten"
    );
}

#[test]
fn exclude_globs_skip_paths() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "kmslint.toml", b"exclude = [\"examples/**\"]\n");
    write(d, "examples/demo/main.tf", ROTATION_OFF);
    write(d, "live/main.tf", CLEAN);
    let o = kmslint(d, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["summary"]["files"], 1);
}

#[test]
fn rules_listing_says_which_rules_need_configuration() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join(".git")).unwrap();
    write(t.path(), "kmslint.toml", b"[tiers.web]\ntag = \"Tier\"\n");
    let text = stdout(&kmslint(t.path(), &["rules"]));
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    assert!(line("KMS007").contains(" inactive "), "{text}");
    assert!(line("KMS009").contains(" on "), "{text}");
    assert!(line("KMS010").contains(" inactive "), "{text}");
}

#[test]
fn suppressions_and_baselines_end_to_end() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(
        d,
        "main.tf",
        b"#checkov:skip=CKV_AWS_7:rotation is handled by the HSM team\nresource \"aws_kms_key\" \"hsm\" {\n  enable_key_rotation = false\n}\n\nresource \"aws_kms_key\" \"app\" {\n  enable_key_rotation = false # kmslint:ignore KMS002 -- reviewed\n}\n\nresource \"aws_kms_key\" \"other\" {\n  enable_key_rotation = false\n}\n",
    );
    let doc = json(&kmslint(d, &["--format", "json", "--select", "KMS002"]));
    let resources: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].clone())
        .collect();
    assert_eq!(resources, [serde_json::json!("aws_kms_key.other")]);
    // Suppressed findings are not in SARIF either.
    let sarif = json(&kmslint(d, &["--format", "sarif", "--select", "KMS002"]));
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    // A baseline accepts today's finding; it survives the file moving lines.
    let o = kmslint(
        d,
        &["--select", "KMS002", "--write-baseline", "baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        kmslint(d, &["--select", "KMS002", "--baseline", "baseline.json"])
            .status
            .code(),
        Some(0)
    );
    let moved = format!(
        "\n\n\n{}",
        std::fs::read_to_string(d.join("main.tf")).unwrap()
    );
    write(d, "main.tf", moved.as_bytes());
    assert_eq!(
        kmslint(d, &["--select", "KMS002", "--baseline", "baseline.json"])
            .status
            .code(),
        Some(0)
    );
    // A new finding is still reported.
    write(
        d,
        "new.tf",
        b"resource \"aws_kms_key\" \"new\" {\n  enable_key_rotation = false\n}\n",
    );
    assert_eq!(
        kmslint(d, &["--select", "KMS002", "--baseline", "baseline.json"])
            .status
            .code(),
        Some(1)
    );
    // An unknown id in a kmslint suppression is an input error.
    write(
        d,
        "bad.tf",
        b"# kmslint:ignore KMS999\nresource \"aws_kms_key\" \"x\" {}\n",
    );
    let o = kmslint(d, &["--format", "json", "--select", "KMS002"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("unknown rule `KMS999`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn scan_wide_rules_see_every_root_module_and_plan() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "kmslint.toml",
        b"required-aliases = [\"alias/app\"]\n\n[tiers.app]\ntag = \"Tier\"\nvalue = \"app\"\n",
    );
    // The tier key in one root module, the alias pointing at it in another, each analysed on its
    // own: both requirements are met by the scan as a whole.
    let key = format!(
        "resource \"aws_kms_key\" \"app\" {{\n  enable_key_rotation = true\n  tags = {{ Tier = \"app\" }}\n{POLICY}\n}}\n"
    );
    write(d, "keys/main.tf", key.as_bytes());
    write(
        d,
        "aliases/main.tf",
        b"resource \"aws_kms_alias\" \"app\" {\n  name          = \"alias/app\"\n  target_key_id = \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n}\n",
    );
    let o = kmslint(d, &["--format", "json"]);
    let ids: Vec<String> = json(&o)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.contains(&"KMS007".to_string()), "{}", stdout(&o));
    // The alias points at a key ARN, not at a key of the scan: reported once, at the entry.
    assert_eq!(
        ids.iter().filter(|i| *i == "KMS010").count(),
        1,
        "{}",
        stdout(&o)
    );
    // A plan that deletes the only tier key, in the key's directory: the tier is missing.
    write(
        d,
        "keys/plan.json",
        br#"{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[{"address":"aws_kms_key.app","mode":"managed","type":"aws_kms_key","name":"app","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["delete"],"before":{"deletion_window_in_days":30,"tags":{"Tier":"app"}},"after":null,"after_unknown":{},"before_sensitive":{},"after_sensitive":false}}]}"#,
    );
    let o = kmslint(d, &["--format", "json"]);
    let text = stdout(&o);
    assert!(text.contains("KMS007"), "{text}");
    assert!(text.contains("deleted by the plan"), "{text}");
}

#[test]
fn modules_calling_each_other_are_reported_once_with_clean_paths() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "root/main.tf",
        b"module \"a\" {\n  source = \"../a\"\n}\n",
    );
    write(
        d,
        "a/main.tf",
        b"module \"b\" {\n  source = \"../b\"\n}\n\nresource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
    );
    write(d, "b/main.tf", b"module \"a\" {\n  source = \"../a\"\n}\n");
    // Only the root is scanned; `a` and `b` are reached through calls, as `root/../a`.
    let o = kmslint(d, &["--format", "json", "--select", "KMS002", "root"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let doc = json(&o);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "b/main.tf");
    assert_eq!(errors[0]["start"]["line"], 2);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("module `a` calls itself through `../a`"),
        "{errors:?}"
    );
    // The key in the cycle is still analysed, once.
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["location"]["path"], "a/main.tf");
}

#[test]
fn the_instance_budget_is_a_flag_and_a_warning() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "main.tf",
        b"module \"a\" {\n  count  = 4\n  source = \"./m\"\n}\n",
    );
    write(t.path(), "m/main.tf", CLEAN);
    let o = kmslint(t.path(), &["--format", "json", "--max-instances", "3", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let report = json(&o);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["kind"], "limit");
    assert_eq!(errors[0]["level"], "warning");
    assert_eq!(errors[0]["path"], "main.tf");
    assert_eq!(errors[0]["start"]["line"], 2);
    let o = kmslint(t.path(), &["--format", "json", "--max-instances", "4", "."]);
    assert_eq!(json(&o)["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn concise_format_is_one_escaped_line_per_finding_and_diagnostic() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "main.tf", ROTATION_OFF);
    // A file name with a line break must not split its finding over two lines.
    write(d, "m/a\nb.tf", ROTATION_OFF);
    write(d, "broken.tf", b"resource \"aws_kms_key\" {\n");
    let o = kmslint(d, &["--format", "concise"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("broken.tf:"), "{out}");
    assert!(lines[0].contains(": input error: "), "{out}");
    assert!(
        lines[1].starts_with("m/a\\nb.tf:2:25: KMS002 `aws_kms_key.off` does not rotate"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("main.tf:2:25: KMS002 `aws_kms_key.off` does not rotate"),
        "{out}"
    );
}

#[test]
fn an_unwritable_output_path_is_named() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", CLEAN);
    let o = kmslint(t.path(), &["--output", "no/such/dir/out.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot write the report to no/such/dir/out.txt: "),
        "{err}"
    );
}

#[test]
fn the_summary_names_the_configuration_and_rules_waiting_for_it() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write(d, "main.tf", CLEAN);
    let o = kmslint(d, &[]);
    assert!(
        stdout(&o).ends_with("0 input errors; no\n  configuration file\n"),
        "{}",
        stdout(&o)
    );
    // Not a terminal: 80 columns; a wider terminal (`COLUMNS`) gets one line.
    let o = kmslint_with_env(d, &[], &[("COLUMNS", "120")]);
    assert!(
        stdout(&o).ends_with(" in 1 file; 0 input errors; no configuration file\n"),
        "{}",
        stdout(&o)
    );
    write(d, "kmslint.toml", b"fail-level = \"warning\"\n");
    let o = kmslint(d, &["--select", "KMS002,KMS010,KMS007"]);
    assert!(
        one_line(&stdout(&o)).ends_with("0 input errors; configuration kmslint.toml; selected but inactive until configured: KMS007, KMS010 (`kmslint explain ID` says what they need)"),
        "{}",
        stdout(&o)
    );
    // Without `--select`, the waiting rules are not news: `kmslint rules` lists them.
    let o = kmslint(d, &[]);
    assert!(!stdout(&o).contains("inactive"), "{}", stdout(&o));
    // Configured, the rule is active and not mentioned.
    write(d, "kmslint.toml", b"required-aliases = [\"alias/app\"]\n");
    let o = kmslint(
        d,
        &["--select", "KMS010", "--format", "json", "-o", "r.json"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.ends_with("0 input errors; configuration kmslint.toml\n"),
        "{err}"
    );
}

/// The text with its line breaks and indentation (from wrapping to 80 columns) made single
/// spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn fix_writes_the_safe_fixes_and_says_what_remains() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let disabled = br#"resource "aws_kms_key" "off" {
  enable_key_rotation = true
  is_enabled          = false
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}

output "off_arn" {
  value = aws_kms_key.off.arn
}
"#;
    write(t.path(), "disabled/main.tf", disabled);
    let o = kmslint(t.path(), &["--fix", "--format", "concise", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("kmslint: 1 fixed, 1 remaining (1 with unsafe fixes: --unsafe-fixes)"),
        "{err}"
    );
    // The disabled key remains: a warning, so exit code 1.
    assert_eq!(o.status.code(), Some(1), "{err}");
    let fixed = std::fs::read_to_string(t.path().join("main.tf")).unwrap();
    assert_eq!(
        fixed,
        std::str::from_utf8(ROTATION_OFF)
            .unwrap()
            .replace("= false", "= true")
    );
    let o = kmslint(t.path(), &["--fix", "--unsafe-fixes", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kmslint: 1 fixed, 0 remaining"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn diff_shows_the_fix_writes_nothing_and_exits_1() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--diff", "."]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("--- a/main.tf\n+++ b/main.tf\n@@ -1,5 +1,5 @@\n"),
        "{out}"
    );
    assert!(out.contains("\n-  enable_key_rotation = false\n+  enable_key_rotation = true\n"));
    assert_eq!(
        std::fs::read(t.path().join("main.tf")).unwrap(),
        ROTATION_OFF
    );
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "main.tf", CLEAN);
    let o = kmslint(clean.path(), &["--diff", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    // --diff and --fix together are refused.
    let o = kmslint(clean.path(), &["--diff", "--fix", "."]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_carries_the_fix_edits() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--format", "json", "."]);
    let doc = json(&o);
    let fix = &doc["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["command"], "kmslint --fix");
    assert_eq!(fix["edits"][0]["text"], "true");
    let at = &fix["edits"][0]["location"];
    let start = at["byte_start"].as_u64().unwrap() as usize;
    let end = at["byte_end"].as_u64().unwrap() as usize;
    assert_eq!(&ROTATION_OFF[start..end], b"false");
}

#[test]
fn fix_leaves_findings_the_baseline_accepts() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", ROTATION_OFF);
    let o = kmslint(t.path(), &["--write-baseline", "base.json", "."]);
    assert_eq!(o.status.code(), Some(0));
    let o = kmslint(t.path(), &["--fix", "--baseline", "base.json", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kmslint: 0 fixed, 0 remaining"), "{err}");
    assert_eq!(
        std::fs::read(t.path().join("main.tf")).unwrap(),
        ROTATION_OFF
    );
}
