//! End-to-end tests of what a scan reads and how it names it: the repository is the boundary,
//! relative paths resolve as Terraform resolves them, and the report does not depend on how the
//! tree is named on the command line.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::Path;
use std::process::Output;

mod common;
use common::{json, kmslint, write};

/// A repository whose root module (`envs/prod`) calls `../../modules/kms`, which reads a policy
/// template through `path.module` and a data file relative to the root module.
fn tree(root: &Path) {
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(
        root,
        "envs/prod/main.tf",
        r#"module "kms" {
  source = "../../modules/kms"
  sid    = file("sid.txt")
}
"#,
    );
    write(root, "envs/prod/sid.txt", "FromRoot");
    write(
        root,
        "modules/kms/main.tf",
        r#"variable "sid" {
  type = string
}
resource "aws_kms_key" "k" {
  enable_key_rotation = false
  policy = templatefile("${path.module}/policy.tpl", { sid = var.sid, again = file("sid.txt") })
}
"#,
    );
    write(
        root,
        "modules/kms/policy.tpl",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "${sid}${again}", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}"#,
    );
}

/// The findings of a JSON report as `rule path:line message`, with `strip` removed from paths.
fn findings(o: &Output, strip: &str) -> Vec<String> {
    let doc = json(o);
    let mut out: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                path.strip_prefix(strip).unwrap_or(path),
                f["location"]["start"]["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

fn errors(o: &Output) -> Vec<String> {
    json(o)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["path"], e["message"]))
        .collect()
}

#[test]
fn the_report_does_not_depend_on_how_the_tree_is_named() {
    let t = tempfile::tempdir().unwrap();
    let outer = t.path();
    let root = outer.join("repo");
    tree(&root);
    let prod = root.join("envs/prod");
    let abs = prod.to_str().unwrap();

    let dot = kmslint(&prod, &["--format", "json", "."]);
    assert!(errors(&dot).is_empty(), "{:?}", errors(&dot));
    let from_dot = findings(&dot, "");
    // The template and both `file()` calls were read: the Sid joins the two data files.
    assert!(
        from_dot.iter().any(|f| f.contains("FromRootFromRoot")),
        "{from_dot:?}"
    );
    // Paths are relative to the working directory and name existing files.
    for f in &from_dot {
        let path = f.split(' ').nth(1).unwrap().rsplit_once(':').unwrap().0;
        assert!(prod.join(path).is_file(), "{path} in {f}");
    }
    let absolute = kmslint(&prod, &["--format", "json", abs]);
    assert_eq!(findings(&absolute, ""), from_dot);
    let from_outer = kmslint(outer, &["--format", "json", "repo/envs/prod"]);
    assert!(errors(&from_outer).is_empty(), "{:?}", errors(&from_outer));
    assert_eq!(
        findings(&from_outer, "repo/envs/prod/")
            .iter()
            .map(|f| f.replace("repo/modules/", "../../modules/"))
            .collect::<Vec<_>>(),
        from_dot
    );
    let absolute_elsewhere = kmslint(outer, &["--format", "json", abs]);
    assert_eq!(
        findings(&absolute_elsewhere, "repo/envs/prod/")
            .iter()
            .map(|f| f.replace("repo/modules/", "../../modules/"))
            .collect::<Vec<_>>(),
        from_dot
    );

    // SARIF is repository-relative, so it is the same from the root module and from the
    // repository root.
    let sarif = |dir: &Path, arg: &str| {
        let o = kmslint(dir, &["--format", "sarif", arg]);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut uris: Vec<String> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["locations"].as_array().unwrap().clone())
            .map(|l| {
                l["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        uris.sort();
        uris
    };
    let in_prod = sarif(&prod, ".");
    assert!(!in_prod.is_empty());
    for uri in &in_prod {
        assert!(root.join(uri).is_file(), "{uri}");
    }
    assert_eq!(sarif(&prod, abs), in_prod);
    assert_eq!(sarif(&root, "envs/prod"), in_prod);
    // From outside the repository too: a path the repository holds is relative to its root.
    assert_eq!(sarif(outer, "repo/envs/prod"), in_prod);
    assert_eq!(sarif(outer, abs), in_prod);
}

#[test]
fn path_module_and_cwd_are_as_terraform_shows_them() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(
        root,
        "main.tf",
        r#"module "m" {
  source = "./modules/m"
}
"#,
    );
    write(
        root,
        "modules/m/main.tf",
        r#"resource "aws_kms_key" "k" {
  enable_key_rotation = false
  description         = "${path.module}|${path.root}|${path.cwd}"
  policy = jsonencode({ Statement = [{ Sid = "${path.module}|${path.root}|${path.cwd}", Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })
}
"#,
    );
    let o = kmslint(root, &["--format", "json", "."]);
    let all = findings(&o, "").join("\n");
    // Called from the root: `modules/m`; analysed on its own: `.`.
    assert!(all.contains("modules/m|.|."), "{all}");
    assert!(all.contains("`.|.|.`") || all.contains(".|.|."), "{all}");
    assert!(!all.contains(root.to_str().unwrap()), "{all}");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_repository_are_not_read_or_walked() {
    let t = tempfile::tempdir().unwrap();
    let outside = t.path().join("outside");
    let root = t.path().join("repo");
    write(&outside, "secret.txt", "OUTSIDE_SECRET_MARKER");
    write(
        &outside,
        "elsewhere.tf",
        "resource \"aws_kms_key\" \"outside\" {\n  is_enabled = false\n}\n",
    );
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(
        &root,
        "main.tf",
        r#"resource "aws_kms_key" "k" {
  policy = jsonencode({ Statement = [{ Sid = file("creds"), Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "j" {
  policy = jsonencode({ Statement = [{ Sid = file("dir/secret.txt"), Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })
}
"#,
    );
    std::os::unix::fs::symlink("../outside/secret.txt", root.join("creds")).unwrap();
    std::os::unix::fs::symlink("../outside", root.join("dir")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("README")).unwrap();
    for format in ["json", "sarif", "pretty", "github"] {
        let o = kmslint(&root, &["--format", format, "."]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!all.contains("OUTSIDE_SECRET_MARKER"), "{format}: {all}");
        assert!(!all.contains("aws_kms_key.outside"), "{format}: {all}");
    }
    let o = kmslint(&root, &["--format", "json", "."]);
    let errs = errors(&o);
    // One error per refused link (naming the link), one note for the directory link not walked,
    // nothing for the dangling README.
    assert!(
        errs.iter()
            .any(|e| e.starts_with("\"creds\"") && e.contains("outside the repository")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.starts_with("\"dir/secret.txt\"") && e.contains("outside the repository")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.starts_with("\"dir\"") && e.contains("not followed")),
        "{errs:?}"
    );
    assert!(!errs.iter().any(|e| e.contains("README")), "{errs:?}");
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "main.tf", "resource \"aws_kms_key\" \"k\" {}\n");
    for option in ["--config", "--baseline", "--var-file"] {
        let start = std::time::Instant::now();
        let o = kmslint(t.path(), &[option, "/dev/zero", "."]);
        if option != "--var-file" {
            assert_eq!(o.status.code(), Some(2), "{option}");
        }
        assert!(start.elapsed().as_secs() < 10, "{option}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_tf_file_whose_name_is_not_utf8_is_analysed() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"key_\xff.tf");
    std::fs::write(
        t.path().join(name),
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n",
    )
    .unwrap();
    let o = kmslint(t.path(), &["--format", "json", "."]);
    let doc = json(&o);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"key_\\xFF.tf"), "{paths:?}");
}

#[test]
fn fileset_lists_the_files_a_for_each_reads() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(
        root,
        "main.tf",
        r#"module "keys" {
  source = "./modules/keys"
}
"#,
    );
    write(
        root,
        "modules/keys/main.tf",
        r#"resource "aws_kms_key" "k" {
  for_each            = fileset("${path.module}/policies", "**/*.json")
  enable_key_rotation = true
  policy              = file("${path.module}/policies/${each.value}")
}
"#,
    );
    let public = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}"#;
    write(root, "modules/keys/policies/a.json", public);
    write(root, "modules/keys/policies/deep/b.json", public);
    write(root, "modules/keys/policies/c.txt", public);
    let o = kmslint(root, &["--format", "json", "--select", "KMS001", "."]);
    let doc = json(&o);
    let mut resources: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let r = f["resource"].as_str().unwrap();
            r.strip_prefix("module.keys.").unwrap_or(r)
        })
        .collect();
    resources.sort();
    resources.dedup();
    assert_eq!(
        resources,
        [
            r#"aws_kms_key.k["a.json"]"#,
            r#"aws_kms_key.k["deep/b.json"]"#
        ],
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
