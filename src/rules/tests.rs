//! Rule behaviour through annotated fixtures, and the guards that keep the rule registry honest.
//!
//! Each rule has a folder `testdata/rules/<rule_name_in_snake_case>/` of Terraform files. A line
//! that must produce a finding carries `# expect: KMS002` (optionally followed by a quoted
//! message substring), or a comment `# expect(+N): KMS002` N lines above it where the line cannot
//! hold a comment (JSON in a heredoc); every other line must stay clean. The folder is analysed with only that
//! rule enabled, and any unmatched finding or marker fails the test.

use std::path::{Path, PathBuf};

use super::*;
use crate::config::{Options, Settings};

fn fixture_dir(rule: &Rule) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/rules")
        .join(rule.name.replace('-', "_"))
}

/// The rule alone, with the `kmslint.toml` of `dir` when there is one.
fn only_in(rule: &Rule, dir: &Path) -> Settings {
    let file = crate::config::file::options_for(&[dir.to_path_buf()], dir, None).unwrap();
    Settings::resolve(file.merge(Options {
        select: Some(vec![rule.id.to_string()]),
        ..Options::default()
    }))
    .unwrap()
}

/// Runs an example of a rule as a user would: in a directory of its own, with the configuration
/// its first line gives (`# kmslint.toml: ...`).
fn run_example(rule: &Rule, name: &str, text: &str) -> crate::Outcome {
    let dir = tempfile::tempdir().unwrap();
    let ext = if text.starts_with('{') { "json" } else { "tf" };
    std::fs::write(dir.path().join(format!("{name}.{ext}")), text).unwrap();
    if let Some(config) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# kmslint.toml: "))
    {
        std::fs::write(dir.path().join("kmslint.toml"), config).unwrap();
    }
    let settings = only_in(rule, dir.path());
    crate::check(&[dir.path().to_path_buf()], dir.path(), &settings)
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    for rule in ALL {
        let dir = fixture_dir(rule);
        assert!(
            dir.is_dir(),
            "{} has no fixture folder {}",
            rule.id,
            dir.display()
        );
        assert!(
            crate::fixtures::markers(&dir)
                .values()
                .flatten()
                .any(|(id, _, _)| id == rule.id),
            "{}: the fixture has no `expect: {}` marker",
            rule.id,
            rule.id
        );
        failures.extend(crate::fixtures::run(&dir, &only_in(rule, &dir)));
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    for entry in std::fs::read_dir(root).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            ALL.iter().any(|r| r.name.replace('-', "_") == name),
            "testdata/rules/{name} names no rule"
        );
    }
}

#[test]
fn examples_in_metadata_behave() {
    for rule in ALL {
        let bad = run_example(rule, "bad", rule.bad);
        assert!(bad.errors.is_empty(), "{}: {:?}", rule.id, bad.errors);
        assert!(
            !bad.findings.is_empty(),
            "{}: the bad example is not reported",
            rule.id
        );
        let good = run_example(rule, "good", rule.good);
        assert!(good.errors.is_empty(), "{}: {:?}", rule.id, good.errors);
        assert!(
            good.findings.is_empty(),
            "{}: the good example is reported: {:?}",
            rule.id,
            good.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn registry_is_sorted_unique_and_well_named() {
    let mut last = "";
    for rule in ALL {
        assert!(rule.id > last, "{} is out of order or duplicated", rule.id);
        last = rule.id;
        assert!(
            rule.id.len() == 6
                && rule.id.starts_with("KMS")
                && rule.id[3..].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            rule.id
        );
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.name
        );
        assert_eq!(find(rule.name).map(|r| r.id), Some(rule.id));
    }
}

fn run_with(options: Options, src: &str) -> Vec<String> {
    let settings = Settings::resolve(options).unwrap();
    crate::check_sources(vec![("main.tf".into(), src.into())], &settings)
        .findings
        .into_iter()
        .map(|f| f.message)
        .collect()
}

#[test]
fn rotation_period_threshold_is_configurable() {
    let src = "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = true\n}\nresource \"aws_kms_key\" \"b\" {\n  enable_key_rotation = true\n  rotation_period_in_days = 180\n}\n";
    let strict = Options {
        select: Some(vec!["KMS002".into()]),
        max_rotation_period_days: Some(180),
        ..Options::default()
    };
    let found = run_with(strict, src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`aws_kms_key.a` rotates every 365 days (the default period)"));
    let default = Options {
        select: Some(vec!["KMS002".into()]),
        ..Options::default()
    };
    assert!(run_with(default, src).is_empty());
}

#[test]
fn deletion_window_threshold_is_configurable() {
    let src = "resource \"aws_kms_key\" \"a\" {\n  deletion_window_in_days = 14\n}\n";
    let lenient = Options {
        select: Some(vec!["KMS014".into()]),
        min_deletion_window_days: Some(14),
        ..Options::default()
    };
    assert!(run_with(lenient, src).is_empty());
    let default = Options {
        select: Some(vec!["KMS014".into()]),
        ..Options::default()
    };
    assert_eq!(run_with(default, src).len(), 1);
}

const PARTNER_POLICY: &str = r#"resource "aws_kms_key" "k" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "kms:Decrypt", Resource = "*" },
    ]
  })
}
resource "aws_kms_grant" "g" {
  name              = "g"
  key_id            = aws_kms_key.k.key_id
  grantee_principal = "arn:aws:iam::444455556666:role/partner"
  operations        = ["Sign"]
}
"#;

#[test]
fn trusted_accounts_silence_cross_account_findings() {
    let select = || Some(vec!["KMS006".into(), "KMS016".into()]);
    let untrusted = Options {
        select: select(),
        ..Options::default()
    };
    let found = run_with(untrusted, PARTNER_POLICY);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("the root of account 444455556666"),
        "{found:?}"
    );
    assert!(found[1].contains("in account 444455556666"), "{found:?}");
    let trusted = Options {
        select: select(),
        trusted_accounts: Some(vec!["444455556666".into()]),
        ..Options::default()
    };
    assert!(run_with(trusted, PARTNER_POLICY).is_empty());
}

#[test]
fn configured_accounts_replace_the_inferred_owner() {
    // The configured owner is 444455556666: now 111122223333 is the foreign one.
    let options = Options {
        select: Some(vec!["KMS006".into()]),
        accounts: Some(vec!["444455556666".into()]),
        ..Options::default()
    };
    let found = run_with(options, PARTNER_POLICY);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("the root of account 111122223333"),
        "{found:?}"
    );
}

#[test]
fn principal_thresholds_are_configurable() {
    let src = r#"resource "aws_kms_key" "k" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/b"] }
      Action    = ["kms:Decrypt", "kms:PutKeyPolicy"]
      Resource  = "*"
    }]
  })
}
"#;
    let options = |admins, users| Options {
        select: Some(vec!["KMS004".into()]),
        max_key_admins: Some(admins),
        max_key_users: Some(users),
        ..Options::default()
    };
    assert!(run_with(options(2, 2), src).is_empty());
    let found = run_with(options(1, 1), src);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("2 principals may administer"));
    assert!(found[1].contains("2 principals may use"));
}
