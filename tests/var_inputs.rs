//! Variable inputs that cannot be used (`--var`, `--var-file`, `TF_VAR_`, auto-loaded files) are
//! input errors with their place and exit 2, as Terraform stops at them; usable ones still apply.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::Path;
use std::process::Output;

mod common;
use common::{kmslint_with_env, write};

fn kmslint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<&str> = ["--format", "json", "--select", "KMS002"]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    kmslint_with_env(dir, &args, env)
}

/// A root whose key rotation is `var.rotate` (a bool) and which takes a list `var.ids`.
fn root(dir: &Path) {
    write(
        dir,
        "variables.tf",
        "variable \"rotate\" {\n  type = bool\n}\nvariable \"ids\" {\n  type    = list(string)\n  default = []\n}\n",
    );
    write(
        dir,
        "main.tf",
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = var.rotate\n}\n",
    );
}

/// The errors of a run: `(path:line:column, message)`, after checking it exited 2.
fn errors(o: &Output) -> Vec<(String, String)> {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                format!(
                    "{}:{}:{}",
                    e["path"].as_str().unwrap(),
                    e["start"]["line"],
                    e["start"]["column"]
                ),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn one_error(o: &Output) -> (String, String) {
    let mut all = errors(o);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

fn findings(o: &Output) -> usize {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    doc["findings"].as_array().unwrap().len()
}

#[test]
fn usable_values_still_apply() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    root(d);
    write(d, "off.tfvars", "rotate = false\n");
    assert_eq!(findings(&kmslint(d, &["--var-file", "off.tfvars"], &[])), 1);
    assert_eq!(findings(&kmslint(d, &["--var", "rotate=false"], &[])), 1);
    // A bool given as text converts, as Terraform converts it; so does a list expression.
    assert_eq!(findings(&kmslint(d, &["--var", " rotate =true"], &[])), 0);
    assert_eq!(
        findings(&kmslint(
            d,
            &["--var", "rotate=false", "--var", "ids=[\"a\", \"b\"]"],
            &[]
        )),
        1
    );
    assert_eq!(findings(&kmslint(d, &[], &[("TF_VAR_rotate", "false")])), 1);
}

#[test]
fn a_missing_var_file_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    root(t.path());
    let (at, message) = one_error(&kmslint(t.path(), &["--var-file", "no-such.tfvars"], &[]));
    assert_eq!(at, "no-such.tfvars:1:1");
    assert!(message.contains("`--var-file` does not exist"), "{message}");
}

#[test]
fn a_var_file_with_a_syntax_error_is_an_error_at_its_place() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // The files are outside the scanned root: only `--var-file` reads them.
    root(&d.join("tf"));
    let var_file = |name: &str, text: &str| {
        write(d, name, text);
        one_error(&kmslint(d, &["--var-file", name, "tf"], &[]))
    };
    let (at, message) = var_file("vars/broken.tfvars", "# broken\nrotate = \n");
    assert_eq!(at, "vars/broken.tfvars:3:1");
    assert!(message.contains("syntax error"), "{message}");
    let (at, _) = var_file("vars/broken.tfvars.json", "{\n  \"rotate\": fals\n}\n");
    assert_eq!(at, "vars/broken.tfvars.json:2:13");
    let (at, message) = var_file("vars/list.tfvars.json", "[false]\n");
    assert_eq!(at, "vars/list.tfvars.json:1:1");
    assert!(message.contains("one object"), "{message}");
    let (at, message) = var_file(
        "vars/dup.tfvars.json",
        "{\"rotate\": true,\n \"rotate\": false}\n",
    );
    assert_eq!(at, "vars/dup.tfvars.json:2:2");
    assert!(message.contains("duplicate key `rotate`"), "{message}");
}

#[test]
fn a_configuration_file_given_as_var_file_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    root(t.path());
    let (at, message) = one_error(&kmslint(t.path(), &["--var-file", "main.tf"], &[]));
    assert_eq!(at, "main.tf:1:1");
    assert!(message.contains("unexpected `resource` block"), "{message}");
}

#[test]
fn broken_auto_loaded_files_are_errors() {
    for (name, text, at) in [
        (
            "x.auto.tfvars.json",
            "{\"rotate\": fals\n",
            "x.auto.tfvars.json:1:12",
        ),
        (
            "terraform.tfvars.json",
            "{\"rotate\": false,}\n",
            "terraform.tfvars.json:1:17",
        ),
        ("x.auto.tfvars", "rotate = = false\n", "x.auto.tfvars:1:10"),
    ] {
        let t = tempfile::tempdir().unwrap();
        root(t.path());
        write(t.path(), name, text);
        let (got, _) = one_error(&kmslint(t.path(), &[], &[]));
        assert_eq!(got, at, "{name}");
    }
}

#[test]
fn a_var_without_equals_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    root(t.path());
    for bad in ["rotate", "=false"] {
        let o = kmslint(t.path(), &["--var", bad], &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("expected NAME=VALUE"), "{err}");
    }
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_where_it_is_given() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    root(d);
    let (at, message) = one_error(&kmslint(d, &["--var", "rotate=maybe"], &[]));
    assert_eq!(at, "variables.tf:1:1");
    assert!(
        message.contains("`rotate` given by `--var rotate=maybe`")
            && message.contains("type `bool`"),
        "{message}"
    );
    let (at, message) = one_error(&kmslint(
        d,
        &["--var", "rotate=false", "--var", "ids=a"],
        &[],
    ));
    assert_eq!(at, "variables.tf:4:1");
    assert!(message.contains("type `list(string)`"), "{message}");
    // A reference is no constant: Terraform refuses it on the command line.
    let (at, _) = one_error(&kmslint(
        d,
        &["--var", "rotate=false", "--var", "ids=[var.x]"],
        &[],
    ));
    assert_eq!(at, "variables.tf:4:1");
    let (at, message) = one_error(&kmslint(d, &[], &[("TF_VAR_rotate", "sometimes")]));
    assert_eq!(at, "variables.tf:1:1");
    assert!(message.contains("TF_VAR_rotate"), "{message}");
    write(d, "bad.tfvars", "ids    = []\nrotate = \"maybe\"\n");
    let (at, _) = one_error(&kmslint(d, &["--var-file", "bad.tfvars"], &[]));
    assert_eq!(at, "bad.tfvars:2:10");
}

#[test]
fn a_var_no_root_declares_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    root(&d.join("a"));
    write(
        d,
        "b/main.tf",
        "variable \"env\" {}\nresource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n}\n",
    );
    let (at, message) = one_error(&kmslint(
        d,
        &["--var", "nosuch=1", "--var", "rotate=true"],
        &[],
    ));
    assert_eq!(at, "--var:1:1");
    assert!(
        message.contains("undeclared variable `nosuch`"),
        "{message}"
    );
    // Declared by one root of the scan: it applies there, and the other roots do not object.
    assert_eq!(
        findings(&kmslint(
            d,
            &["--var", "env=prod", "--var", "rotate=true"],
            &[]
        )),
        0
    );
    let (_, message) = one_error(&kmslint(&d.join("b"), &["--var", "rotate=true"], &[]));
    assert!(
        message.contains("undeclared variable `rotate`"),
        "{message}"
    );
}
