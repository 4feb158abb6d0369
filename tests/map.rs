//! `kmslint map`: snapshots of every format on the fixture trees under testdata/map, hostile
//! strings, and the access diff against a git repository built here.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{git, json, kmslint, write};

fn map_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/map")
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let o = kmslint(dir, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn tree_pretty() {
    insta::assert_snapshot!(stdout(&map_dir(), &["map", "tree"]));
}

#[test]
fn tree_json() {
    insta::assert_snapshot!(stdout(&map_dir(), &["map", "tree", "--format", "json"]));
}

#[test]
fn tree_markdown() {
    insta::assert_snapshot!(stdout(&map_dir(), &["map", "tree", "--format", "markdown"]));
}

#[test]
fn tree_dot() {
    insta::assert_snapshot!(stdout(&map_dir(), &["map", "tree", "--format", "dot"]));
}

#[test]
fn plan_pretty() {
    insta::assert_snapshot!(stdout(&map_dir(), &["map", "plan"]));
}

#[test]
fn plan_json_marks_the_deleted_key() {
    let o = kmslint(&map_dir(), &["map", "plan", "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let states: Vec<(&str, &str)> = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["address"].as_str().unwrap(), k["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("aws_kms_key.kept", "enabled"),
            ("aws_kms_key.old", "deleted")
        ]
    );
}

#[test]
fn the_json_map_answers_who_and_what() {
    let v = json(&kmslint(&map_dir(), &["map", "tree", "--format", "json"]));
    let keys = v["keys"].as_array().unwrap();
    let app = keys
        .iter()
        .find(|k| k["address"] == "aws_kms_key.app")
        .unwrap();
    assert_eq!(app["aliases"], serde_json::json!(["alias/app"]));
    assert_eq!(app["policy"]["kind"], "jsonencode");
    let groups: Vec<(&str, &str)> = app["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["group"].as_str().unwrap(),
                a["principal"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        groups.contains(&("other_account", "arn:aws:iam::444455556666:root")),
        "{groups:?}"
    );
    assert!(groups.contains(&("organization", "*")), "{groups:?}");
    assert!(
        groups.contains(&("aws_service", "logs.eu-west-1.amazonaws.com")),
        "{groups:?}"
    );
    // The principal from a variable without a value is unknown, never guessed.
    assert!(groups.contains(&("unknown", "unknown")), "{groups:?}");
    let resources: Vec<&str> = addresses(&app["resources"]);
    assert_eq!(
        resources,
        [
            "aws_s3_bucket_server_side_encryption_configuration.data",
            "aws_sqs_queue.jobs"
        ]
    );
    let module_key = keys
        .iter()
        .find(|k| k["address"] == "module.kms.aws_kms_key.this")
        .unwrap();
    assert_eq!(
        module_key["resources"][0]["address"],
        "aws_cloudwatch_log_group.app"
    );
    let signing = keys
        .iter()
        .find(|k| k["address"] == "aws_kms_key.signing")
        .unwrap();
    assert_eq!(signing["policy"]["kind"], "aws_iam_policy_document");
    assert_eq!(
        signing["principals"][0]["actions"],
        serde_json::json!(["sign_verify"])
    );
    let env: Vec<&str> = keys
        .iter()
        .filter_map(|k| k["address"].as_str())
        .filter(|a| a.starts_with("aws_kms_key.env[") || a.starts_with("aws_kms_key.counted["))
        .collect();
    assert_eq!(env.len(), 4, "{env:?}");
    assert_eq!(v["aws_managed"][0]["key"], "alias/aws/sqs");
}

#[test]
fn hostile_strings_are_escaped_in_every_format() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "main.tf",
        r#"resource "aws_kms_key" "k" {
  for_each = toset(["a\u001b[2J|`<b>\"]x", "b\n::error::x"])
  policy = jsonencode({
    Statement = [{
      Sid       = "S\u202e|]"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/x\"]; click n1 call evil()" }
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}
"#,
    );
    for format in ["pretty", "json", "markdown", "dot"] {
        let o = kmslint(t.path(), &["map", "--format", format]);
        assert_eq!(o.status.code(), Some(0));
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{format}: {out}"
        );
        assert!(!out.contains("\n::error"), "{format}: {out}");
        if format == "markdown" {
            assert!(!out.contains("<b>"), "{out}");
            assert!(!out.contains("call evil()"), "{out}");
            let graph = out
                .split("```mermaid")
                .nth(1)
                .unwrap()
                .split("```")
                .next()
                .unwrap();
            assert!(!graph.contains("\"]; "), "{graph}");
            // Every table row has the same number of unescaped cell separators as its header.
            for line in out.lines().filter(|l| l.starts_with("| ")) {
                assert!(line.ends_with(" |"), "{line}");
            }
        }
        if format == "dot" {
            for line in out.lines().skip(2).filter(|l| *l != "}") {
                assert!(line.ends_with(';'), "{line}");
            }
        }
    }
}

const BASE: &str = r#"resource "aws_kms_key" "app" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Admins"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/admin" }
        Action    = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "old" {
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = "data"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.app.arn
    }
  }
}
"#;

/// The head change: a partner account may decrypt, the admin role is gone, rotation is off, the
/// old key is deleted and the bucket moves to the AWS-managed key.
fn head() -> String {
    BASE.replace(
        r#"      {
        Sid       = "Admins"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/admin" }
        Action    = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]
        Resource  = "*"
      },"#,
        r#"      {
        Sid       = "Partner"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },"#,
    )
    .replace(
        "resource \"aws_kms_key\" \"old\" {\n  enable_key_rotation = true\n}\n",
        "",
    )
    .replacen(
        "enable_key_rotation = true",
        "enable_key_rotation = false",
        1,
    )
    .replace("aws_kms_key.app.arn\n    }", "\"alias/aws/s3\"\n    }")
}

fn repository() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    git(dir, &["init", "-q"]);
    write(dir, "infra/main.tf", BASE);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    write(dir, "infra/main.tf", head());
    t
}

#[test]
fn the_diff_reports_what_the_change_does_to_access() {
    let t = repository();
    let infra = t.path().join("infra");
    let o = kmslint(&infra, &["map", "--base", "HEAD", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["version"], 1);
    assert_eq!(v["new_cross_account"], 1);
    assert_eq!(v["new_public"], 0);
    let keys = v["keys"].as_array().unwrap();
    let change = |address: &str| {
        keys.iter()
            .find(|k| k["address"] == address)
            .unwrap_or_else(|| panic!("{address} not in {keys:?}"))
    };
    assert_eq!(change("aws_kms_key.old")["change"], "deleted");
    let app = change("aws_kms_key.app");
    assert_eq!(app["change"], "changed");
    let added = &app["added"][0];
    assert_eq!(added["principal"], "arn:aws:iam::444455556666:root");
    assert_eq!(added["flag"], "new_cross_account");
    assert_eq!(added["actions"], serde_json::json!(["decrypt"]));
    let removed = &app["removed"][0];
    assert_eq!(removed["principal"], "arn:aws:iam::111122223333:role/admin");
    assert_eq!(
        removed["actions"],
        serde_json::json!(["administer", "delete_disable"])
    );
    let settings: Vec<(&str, &str, &str)> = app["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["setting"].as_str().unwrap(),
                s["before"].as_str().unwrap(),
                s["after"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(settings, [("rotation", "true", "false")]);
    let moved = &v["moved"][0];
    assert_eq!(
        moved["address"],
        "aws_s3_bucket_server_side_encryption_configuration.data"
    );
    assert_eq!(moved["before"], "aws_kms_key.app");
    assert_eq!(moved["after"], "alias/aws/s3");
    assert_eq!(moved["to_aws_managed"], true);

    let o = kmslint(&infra, &["map", "--base", "HEAD", "--fail-on-new-access"]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("[NEW CROSS-ACCOUNT]"), "{text}");
    insta::assert_snapshot!(
        "diff_markdown",
        stdout(&infra, &["map", "--base", "HEAD", "--format", "markdown"])
    );
    insta::assert_snapshot!("diff_pretty", text);
    insta::assert_snapshot!(
        "diff_dot",
        stdout(&infra, &["map", "--base", "HEAD", "--format", "dot"])
    );
}

#[test]
fn the_base_tree_is_read_without_running_or_changing_anything_in_the_repository() {
    let t = repository();
    let dir = t.path();
    // A hostile repository: a filter that would run on checkout, a hook, an fsmonitor.
    write(dir, ".gitattributes", "*.tf filter=evil\n");
    git(dir, &["config", "filter.evil.smudge", "touch smudged; cat"]);
    git(dir, &["config", "filter.evil.clean", "touch cleaned; cat"]);
    git(
        dir,
        &["config", "core.fsmonitor", "touch fsmonitor-ran; false"],
    );
    let status = git(
        dir,
        &["-c", "core.fsmonitor=false", "status", "--porcelain"],
    );
    let index = std::fs::read(dir.join(".git/index")).unwrap();
    let o = kmslint(&dir.join("infra"), &["map", "--base", "HEAD"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for marker in [
        "smudged",
        "cleaned",
        "fsmonitor-ran",
        "infra/smudged",
        "infra/cleaned",
    ] {
        assert!(!dir.join(marker).exists(), "{marker}");
    }
    assert_eq!(std::fs::read(dir.join(".git/index")).unwrap(), index);
    assert_eq!(
        git(
            dir,
            &["-c", "core.fsmonitor=false", "status", "--porcelain"]
        ),
        status
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/main.tf")).unwrap(),
        head()
    );
}

#[test]
fn an_unknown_revision_is_an_error() {
    let t = repository();
    let o = kmslint(t.path(), &["map", "--base", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2));
    let o = kmslint(t.path(), &["map", "--base", "--upload-pack=touch x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!t.path().join("x").exists());
}

#[test]
fn no_change_is_no_change() {
    let t = repository();
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-qm", "head"]);
    let out = stdout(&t.path().join("infra"), &["map", "--base", "HEAD"]);
    assert!(out.contains("no change to key access"), "{out}");
}

#[test]
fn keypolicy_pretty() {
    insta::assert_snapshot!(stdout(
        &map_dir(),
        &["map", "keypolicy", "--trusted-account", "222233334444"]
    ));
}

#[test]
fn a_key_policy_resource_replicas_and_imported_keys() {
    let args = [
        "map",
        "keypolicy",
        "--format",
        "json",
        "--trusted-account",
        "222233334444",
    ];
    let v = json(&kmslint(&map_dir(), &args));
    let key = |address: &str| {
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["address"] == address)
            .unwrap()
            .clone()
    };
    let primary = key("aws_kms_key.primary");
    assert_eq!(primary["policy"]["resource"], "aws_kms_key_policy.primary");
    let groups: Vec<(String, String)> = primary["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["group"].to_string(), a["via"].to_string()))
        .collect();
    let group_of = |sid: &str| {
        groups
            .iter()
            .find(|(_, via)| via.contains(sid))
            .map(|(g, _)| g.trim_matches('"').to_string())
            .unwrap()
    };
    assert_eq!(group_of("Owner"), "owner");
    // `*` limited to a trusted account by kms:CallerAccount is that account.
    assert_eq!(group_of("Trusted"), "trusted");
    assert_eq!(group_of("OrgPath"), "organization");
    // `*` limited to an account the scan cannot know is not public: it is unknown.
    assert_eq!(group_of("SomeAccount"), "unknown");
    // Another account's role that may administer the key does not make its account the owner.
    assert_eq!(group_of("Everything"), "other_account");
    let everything = primary["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["via"].as_str().unwrap().contains("Everything"))
        .unwrap()
        .clone();
    assert!(
        everything["actions"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("delete_disable")),
        "NotAction of ScheduleKeyDeletion still allows DisableKey"
    );
    let copy = key("aws_kms_replica_key.copy");
    assert_eq!(copy["spec"], "unknown");
    assert_eq!(copy["rotation"], "unknown");
    assert_eq!(copy["multi_region"], true);
    let imported = key("aws_kms_external_key.imported");
    assert_eq!(imported["rotation"], false);
    assert_eq!(imported["state"], "disabled");
    assert_eq!(
        imported["aliases"],
        serde_json::json!(["unknown (name_prefix)"])
    );
}

/// The `address` of each object of a JSON array.
fn addresses(items: &serde_json::Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["address"].as_str().unwrap())
        .collect()
}

/// The JSON map of a repository made of `files`.
fn map_json(files: &[(&str, &str)]) -> serde_json::Value {
    let t = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(t.path(), name, text);
    }
    std::fs::create_dir(t.path().join(".git")).unwrap();
    json(&kmslint(t.path(), &["map", "--format", "json"]))
}

#[test]
fn keys_of_a_module_that_its_callers_do_not_create_are_kept() {
    // The example calls the root module with the key turned off: the root's key is mapped as
    // the root's, once (as `check` reports its findings).
    let v = map_json(&[
        (
            "main.tf",
            "variable \"create\" {\n  default = true\n}\nresource \"aws_kms_key\" \"k\" {\n  count = var.create ? 1 : 0\n  enable_key_rotation = true\n}\n",
        ),
        (
            "examples/off/main.tf",
            "module \"kms\" {\n  source = \"../..\"\n  create = false\n}\n",
        ),
    ]);
    let keys: Vec<(&str, &str)> = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["root"].as_str().unwrap(), k["address"].as_str().unwrap()))
        .collect();
    assert_eq!(keys, [(".", "aws_kms_key.k[0]")]);
}

#[test]
fn a_configuration_that_turns_off_kms011_still_maps_what_plans_encrypt() {
    let t = tempfile::tempdir().unwrap();
    let plan = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/plans/encryption/plan.json"),
    )
    .unwrap();
    write(t.path(), "plan.json", plan);
    write(
        t.path(),
        "kmslint.toml",
        "ignore = [\"KMS011\", \"KMS019\"]\n",
    );
    let v = json(&kmslint(t.path(), &["map", "--format", "json"]));
    let managed: Vec<&str> = addresses(&v["aws_managed"]);
    assert!(managed.contains(&"aws_sqs_queue.orders"), "{managed:?}");
}

#[test]
fn resources_encrypting_through_dynamic_blocks_are_mapped() {
    let v = map_json(&[(
        "main.tf",
        r#"resource "aws_kms_key" "k" {
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = "b"
  dynamic "rule" {
    for_each = [aws_kms_key.k.arn]
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = rule.value
      }
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "c" {
  bucket = "c"
  rule {
    dynamic "apply_server_side_encryption_by_default" {
      for_each = ["aws:kms"]
      content {
        sse_algorithm = apply_server_side_encryption_by_default.value
      }
    }
  }
}
"#,
    )]);
    let uses: Vec<&str> = addresses(&v["keys"][0]["resources"]);
    assert_eq!(
        uses,
        ["aws_s3_bucket_server_side_encryption_configuration.b"]
    );
    let managed: Vec<(&str, &str)> = v["aws_managed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["address"].as_str().unwrap(), m["key"].as_str().unwrap()))
        .collect();
    assert_eq!(
        managed,
        [(
            "aws_s3_bucket_server_side_encryption_configuration.c",
            "alias/aws/s3 (default)"
        )]
    );
}
