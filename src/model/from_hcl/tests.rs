use std::path::Path;

use super::*;
use crate::config::{Options, Settings};
use crate::model::{Key, Value};

fn inventory(src: &str) -> Inventory {
    let dir = std::env::temp_dir();
    let files = Files::new(&dir, std::slice::from_ref(&dir), 1 << 20);
    let loaded = vec![files.add_text("main.tf", src.to_string())];
    analyse_root(
        &files,
        &ModuleCache::default(),
        &VarInputs::default(),
        DEFAULT_MAX_INSTANCES,
        &dir,
        loaded,
    )
    .0
}

fn keys(src: &str) -> Vec<Key> {
    inventory(src).keys
}

#[test]
fn key_policy_resources_link_to_their_key() {
    let src = r#"resource "aws_kms_key" "k" {}
resource "aws_kms_key" "each" {
  for_each = toset(["x"])
}
resource "aws_kms_key_policy" "a" {
  key_id = aws_kms_key.k.id
  policy = jsonencode({ Statement = [] })
}
resource "aws_kms_key_policy" "b" {
  key_id = aws_kms_key.each["x"].arn
}
locals {
  key = aws_kms_key.k.key_id
}
resource "aws_kms_key_policy" "c" {
  key_id = local.key
}
resource "aws_kms_key_policy" "d" {
  key_id = var.key
}
"#;
    let inv = inventory(src);
    let keys: Vec<_> = inv.key_policies.iter().map(|k| k.key.clone()).collect();
    assert_eq!(
        keys,
        vec![
            Some("aws_kms_key.k".into()),
            Some("aws_kms_key.each[\"x\"]".into()),
            Some("aws_kms_key.k".into()),
            None
        ]
    );
    assert!(matches!(inv.key_policies[0].policy, Value::Set(Some(_), _)));
    assert_eq!(inv.key_policies[1].policy, Value::Default(None));
    let addresses: Vec<_> = inv.keys.iter().map(|k| k.address.as_str()).collect();
    assert_eq!(addresses, vec!["aws_kms_key.k", "aws_kms_key.each[\"x\"]"]);
}

#[test]
fn attributes_are_set_default_or_unknown() {
    let src = "resource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = false\n  is_enabled = var.x\n  deletion_window_in_days = \"7\"\n}\n";
    let k = &keys(src)[0];
    assert_eq!(k.address, "aws_kms_key.a");
    assert_eq!(
        &src[k.header.span.clone()],
        "resource \"aws_kms_key\" \"a\""
    );
    let (v, o) = k.enable_key_rotation.set().unwrap();
    assert!(!v);
    assert_eq!(&src[o.at.span.clone()], "false");
    assert!(matches!(k.enabled, Value::Unknown(_)));
    assert_eq!(k.deletion_window_in_days.known(), Some(&7));
    assert_eq!(k.multi_region, Value::Default(false));
    assert_eq!(k.key_spec, Value::Default("SYMMETRIC_DEFAULT".into()));
}

#[test]
fn enabled_attribute_depends_on_the_kind() {
    let src = "resource \"aws_kms_external_key\" \"e\" {\n  is_enabled = false\n  enabled = false\n}\nresource \"aws_kms_key\" \"k\" {\n  enabled = false\n}\n";
    let ks = keys(src);
    assert!(ks[0].enabled.is_false());
    assert_eq!(ks[1].enabled, Value::Default(true));
}

#[test]
fn null_means_default_and_empty_collections_mean_no_instance() {
    let src = "resource \"aws_kms_key\" \"a\" {\n  multi_region = null\n}\nresource \"aws_kms_key\" \"b\" {\n  count = 0\n}\nresource \"aws_kms_key\" \"c\" {\n  for_each = {}\n}\n";
    let ks = keys(src);
    assert_eq!(ks.len(), 1);
    assert_eq!(ks[0].multi_region, Value::Default(false));
}

#[test]
fn unknown_and_huge_collections_give_one_instance() {
    let src = "resource \"aws_kms_key\" \"a\" {\n  count = var.n\n}\nresource \"aws_kms_key\" \"b\" {\n  count = 100000000\n}\n";
    let addresses: Vec<_> = keys(src).into_iter().map(|k| k.address).collect();
    assert_eq!(addresses, vec!["aws_kms_key.a", "aws_kms_key.b"]);
}

#[test]
fn values_carry_where_they_were_used() {
    let src = "variable \"rotate\" {\n  default = false\n}\nresource \"aws_kms_key\" \"a\" {\n  enable_key_rotation = var.rotate\n}\n";
    let k = &keys(src)[0];
    let (_, origin) = k.enable_key_rotation.set().unwrap();
    assert_eq!(&src[origin.at.span.clone()], "false");
    assert_eq!(origin.via.len(), 1);
    assert_eq!(&src[origin.via[0].loc.span.clone()], "var.rotate");
    assert_eq!(origin.via[0].message, "used through `var.rotate`");
}

/// The evaluation fixtures (`testdata/eval/`).
#[test]
fn evaluation_fixtures() {
    let failures = crate::fixtures::run_cases("eval");
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// The fixtures of other input forms (`testdata/inputs/`): OpenTofu files, the JSON syntax,
/// override files, Terragrunt directories.
#[test]
fn input_fixtures() {
    let failures = crate::fixtures::run_cases("inputs");
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// The plan fixtures (`testdata/plans/`).
#[test]
fn plan_fixtures() {
    let failures = crate::fixtures::run_cases("plans");
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

/// Past `max-instances`, a finding repeated over the instances that were analysed lists a few of
/// them and counts the others, and the report does not grow with the instances.
#[test]
fn instances_past_the_budget_are_counted_not_listed() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/eval/module_fanout");
    let file = crate::config::file::options_for(std::slice::from_ref(&case), &case, None).unwrap();
    let settings = Settings::resolve(file.merge(Options {
        select: Some(vec!["KMS003".into()]),
        ..Options::default()
    }))
    .unwrap();
    assert_eq!(settings.max_instances, 50);
    let outcome = crate::check(std::slice::from_ref(&case), &case, &settings);
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let related = &outcome.findings[0].related;
    let more: Vec<_> = related
        .iter()
        .filter(|r| r.message.starts_with("and ") && r.message.ends_with("with this finding"))
        .collect();
    assert_eq!(more.len(), 1, "{related:?}");
    let shown = related
        .iter()
        .filter(|r| r.message.ends_with("called here"))
        .count();
    // Three call chains of at most four calls each.
    assert!(shown <= 3 * 4, "{related:?}");
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert_eq!(outcome.errors[0].kind, InputErrorKind::Limit);
    assert_eq!(outcome.exit_code(crate::FailLevel::None), 0);
}

/// Without a budget in the way, every instance is analysed, and the one finding counts them.
#[test]
fn instances_within_the_budget_are_all_analysed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"a\" {\n  count  = 7\n  source = \"./m\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("m/main.tf"),
        "resource \"aws_kms_key\" \"k\" {\n  is_enabled = false\n}\n",
    )
    .unwrap();
    let settings = Settings::resolve(Options {
        select: Some(vec!["KMS003".into()]),
        ..Options::default()
    })
    .unwrap();
    let outcome = crate::check(&[dir.path().to_path_buf()], dir.path(), &settings);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.findings.len(), 1);
    let related = &outcome.findings[0].related;
    // Seven instances (`m` on its own is a called module, not a root): three shown, four counted.
    assert!(
        related
            .iter()
            .any(|r| r.message == "and 4 more module or resource instances with this finding"),
        "{related:?}"
    );
}
