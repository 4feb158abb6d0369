//! `map --base` maps again only the units that read something the revision has otherwise: on
//! every change, single and combined, the diff must be the one mapping the whole revision gives.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{git, write};
use kmslint::map::reuse::Made;

const KMS_MODULE: &str = r#"variable "name" {}
variable "principal" {
  default = "arn:aws:iam::111122223333:root"
}

resource "aws_kms_key" "this" {
  description         = var.name
  enable_key_rotation = true
  policy              = templatefile("${path.module}/policy.json.tpl", { principal = var.principal })
}

output "arn" {
  value = aws_kms_key.this.arn
}
"#;

const POLICY_TEMPLATE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Use","Effect":"Allow","Principal":{"AWS":"${principal}"},"Action":"kms:*","Resource":"*"}]}
"#;

const B_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}
"#;

/// A repository of roots and modules that read each other in every way a map follows: module
/// calls, `templatefile()` in a module, `file()` outside the root, a module resolved through
/// the untracked `.terraform` manifest, a module without keys, a module nothing calls.
fn base_tree(dir: &Path) {
    write(dir, ".gitignore", ".terraform/\n");
    write(dir, "modules/kms/main.tf", KMS_MODULE);
    write(dir, "modules/kms/policy.json.tpl", POLICY_TEMPLATE);
    write(
        dir,
        "modules/nokeys/main.tf",
        r#"variable "key" {}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = "x"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.key
    }
  }
}
"#,
    );
    write(
        dir,
        "modules/unused/main.tf",
        "resource \"aws_kms_key\" \"u\" {\n  enable_key_rotation = true\n}\n",
    );
    write(
        dir,
        "live/a/main.tf",
        r#"module "kms" {
  source = "../../modules/kms"
  name   = "a"
}

module "store" {
  source = "../../modules/nokeys"
  key    = module.kms.arn
}
"#,
    );
    write(
        dir,
        "live/b/main.tf",
        r#"resource "aws_kms_key" "b" {
  enable_key_rotation = true
  policy              = file("${path.module}/../../policies/b.json")
}

resource "aws_sqs_queue" "q" {
  kms_master_key_id = "alias/aws/sqs"
}
"#,
    );
    write(dir, "policies/b.json", B_POLICY);
    write(
        dir,
        "live/c/main.tf",
        "module \"reg\" {\n  source = \"terraform-aws-modules/kms/aws\"\n}\n",
    );
    write(
        dir,
        "live/c/.terraform/modules/modules.json",
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"reg","Source":"registry.terraform.io/terraform-aws-modules/kms/aws","Dir":".terraform/modules/reg"}]}"#,
    );
    write(
        dir,
        "live/c/.terraform/modules/reg/main.tf",
        "resource \"aws_kms_key\" \"r\" {\n  enable_key_rotation = false\n}\n",
    );
}

fn edit(dir: &Path, name: &str, from: &str, to: &str) {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{name} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The changes a pull request may make, each named.
const CHANGES: &[&str] = &[
    "a_new_principal",
    "module_template",
    "file_outside_root",
    "root_deleted",
    "root_added",
    "rotation_off",
    "unused_now_called",
    "b_calls_kms",
    "module_deleted",
    "module_moved",
    "local_module_edited",
    "unrelated_json",
    "unrelated_text",
    "symlinked_root_file",
    "keyless_module_to_managed",
    "root_renamed",
    "tfvars_added",
];

fn change(dir: &Path, name: &str) {
    match name {
        "a_new_principal" => edit(
            dir,
            "live/a/main.tf",
            "name   = \"a\"",
            "name      = \"a\"\n  principal = \"arn:aws:iam::444455556666:root\"",
        ),
        "module_template" => edit(
            dir,
            "modules/kms/policy.json.tpl",
            "\"kms:*\"",
            "\"kms:Decrypt\"",
        ),
        "file_outside_root" => edit(
            dir,
            "policies/b.json",
            "111122223333:root",
            "999988887777:root",
        ),
        "root_deleted" => std::fs::remove_dir_all(dir.join("live/c")).unwrap(),
        "root_added" => write(
            dir,
            "live/e/main.tf",
            "resource \"aws_kms_key\" \"e\" {\n  enable_key_rotation = false\n}\n",
        ),
        "rotation_off" => edit(
            dir,
            "live/b/main.tf",
            "enable_key_rotation = true",
            "enable_key_rotation = false",
        ),
        "unused_now_called" => {
            let text = std::fs::read_to_string(dir.join("live/b/main.tf")).unwrap();
            write(
                dir,
                "live/b/main.tf",
                text + "\nmodule \"u\" {\n  source = \"../../modules/unused\"\n}\n",
            );
        }
        "b_calls_kms" => {
            let text = std::fs::read_to_string(dir.join("live/b/main.tf")).unwrap();
            write(
                dir,
                "live/b/main.tf",
                text + "\nmodule \"k2\" {\n  source = \"../../modules/kms\"\n  name   = \"b\"\n}\n",
            );
        }
        "module_deleted" => std::fs::remove_dir_all(dir.join("modules/unused")).unwrap(),
        "module_moved" => {
            write(dir, "modules/kms2/main.tf", KMS_MODULE);
            write(
                dir,
                "modules/kms2/policy.json.tpl",
                POLICY_TEMPLATE.replace("Use", "Moved"),
            );
            edit(dir, "live/a/main.tf", "modules/kms\"", "modules/kms2\"");
        }
        "local_module_edited" => edit(
            dir,
            "live/c/.terraform/modules/reg/main.tf",
            "false",
            "true",
        ),
        "unrelated_json" => write(dir, "docs/data.json", "{\"a\": 1}\n"),
        "unrelated_text" => write(dir, "live/a/README.md", "# a\n"),
        "symlinked_root_file" => {
            let main = dir.join("live/b/main.tf");
            let text = std::fs::read_to_string(&main).unwrap();
            write(dir, "live/shared/b.tf.txt", text);
            std::fs::remove_file(&main).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink("../shared/b.tf.txt", &main).unwrap();
        }
        "keyless_module_to_managed" => {
            edit(dir, "modules/nokeys/main.tf", "var.key", "\"alias/aws/s3\"")
        }
        "root_renamed" => {
            std::fs::rename(dir.join("live/b"), dir.join("live/b2")).unwrap();
        }
        "tfvars_added" => write(dir, "live/c/terraform.tfvars", "unused_value = 1\n"),
        other => panic!("no change {other}"),
    }
}

/// A repository whose last commit is the base tree, with `changes` made in its work tree.
fn repository(changes: &[&str]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    git(dir, &["init", "-q"]);
    base_tree(dir);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    for c in changes {
        change(dir, c);
    }
    t
}

/// The diff made by reusing, the diff of the whole revision, and how the first was made.
fn both(dir: &Path, settings: &kmslint::Settings) -> (String, String, Made) {
    let paths = [dir.to_path_buf()];
    let (reused, made) = kmslint::map::diff_made(&paths, dir, settings, "HEAD", true).unwrap();
    let (whole, whole_made) =
        kmslint::map::diff_made(&paths, dir, settings, "HEAD", false).unwrap();
    assert!(whole_made.whole.is_some());
    (
        serde_json::to_string_pretty(&reused).unwrap(),
        serde_json::to_string_pretty(&whole).unwrap(),
        made,
    )
}

fn check(changes: &[&str]) -> Made {
    let repo = repository(changes);
    let (reused, whole, made) = both(repo.path(), &kmslint::Settings::default());
    assert_eq!(reused, whole, "changes {changes:?}, made {made:?}");
    made
}

#[test]
fn no_change_maps_nothing_again() {
    let made = check(&[]);
    assert_eq!((made.mapped, made.whole.as_deref()), (0, None), "{made:?}");
    assert!(made.reused >= 6, "{made:?}");
}

#[test]
fn each_change_gives_the_diff_of_the_whole_revision() {
    for c in CHANGES {
        let made = check(&[c]);
        assert_eq!(made.whole, None, "{c}: {made:?}");
    }
}

#[test]
fn only_what_reads_a_changed_file_is_mapped_again() {
    // `live/b` reads its file and `policies/b.json`; `policies` is mapped with it, as a JSON
    // file there may be a plan.
    for c in ["rotation_off", "file_outside_root"] {
        let made = check(&[c]);
        assert_eq!((made.reused, made.mapped), (5, 2), "{c}: {made:?}");
    }
    // The module's template: the module itself and `live/a`, which calls it.
    let made = check(&["module_template"]);
    assert_eq!(made.mapped, 3, "{made:?}");
    // Untracked module copies are the work tree's in both: nothing to map again.
    let made = check(&["local_module_edited", "unrelated_text"]);
    assert_eq!(made.mapped, 0, "{made:?}");
}

#[test]
fn combined_changes_give_the_diff_of_the_whole_revision() {
    // A fixed pseudo-random sequence: each case is reproducible from its list.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..16 {
        let mut picked = Vec::new();
        for c in CHANGES {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            if (state >> 33) % 4 == 0 {
                picked.push(*c);
            }
        }
        // Changes that remove what a later one edits are applied last.
        picked.sort_by_key(|c| {
            matches!(
                *c,
                "root_deleted" | "module_deleted" | "root_renamed" | "symlinked_root_file"
            )
        });
        check(&picked);
    }
}

#[test]
fn file_names_listed_by_fileset_are_compared() {
    // One key per file name under `keys/` (files of no name a map reads otherwise).
    let unit = "locals {\n  names = fileset(\"${path.module}/../../keys\", \"*.txt\")\n}\n\nresource \"aws_kms_key\" \"f\" {\n  for_each            = local.names\n  enable_key_rotation = true\n}\n";
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    base_tree(dir);
    write(dir, "live/f/main.tf", unit);
    write(dir, "keys/a.txt", "a\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);
    let (reused, whole, made) = both(dir, &kmslint::Settings::default());
    assert_eq!(
        (reused.as_str(), made.mapped),
        (whole.as_str(), 0),
        "{made:?}"
    );
    // A new name in the listed directory: a new key.
    write(dir, "keys/extra.txt", "extra\n");
    let (reused, whole, made) = both(dir, &kmslint::Settings::default());
    assert_eq!(reused, whole, "{made:?}");
    assert!(
        reused.contains("aws_kms_key.f[\\\"extra.txt\\\"]"),
        "{reused}"
    );
    assert_eq!((made.mapped, made.whole.as_deref()), (1, None), "{made:?}");
}

/// Terragrunt units: `live/env/app` includes the nearest `root.hcl` above it, and
/// `live/env/db` a common file by path; both call `modules/kms` with inputs.
fn terragrunt_tree(dir: &Path) {
    write(
        dir,
        "live/root.hcl",
        "inputs = {\n  principal = \"arn:aws:iam::111122223333:root\"\n}\n",
    );
    write(
        dir,
        "live/common.hcl",
        "inputs = {\n  principal = \"arn:aws:iam::111122223333:root\"\n}\n",
    );
    write(
        dir,
        "live/env/app/terragrunt.hcl",
        "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n\nterraform {\n  source = \"../../../modules//kms\"\n}\n\ninputs = {\n  name = \"app\"\n}\n",
    );
    write(
        dir,
        "live/env/db/terragrunt.hcl",
        "include \"common\" {\n  path = \"../../common.hcl\"\n}\n\nterraform {\n  source = \"../../../modules//kms\"\n}\n",
    );
}

#[test]
fn terragrunt_units_are_mapped_again_when_what_they_include_changes() {
    fn nothing(_: &Path) {}
    fn nearer_root(d: &Path) {
        write(
            d,
            "live/env/root.hcl",
            "inputs = {\n  principal = \"*\"\n}\n",
        );
    }
    fn no_nearer_root(d: &Path) {
        std::fs::remove_file(d.join("live/env/root.hcl")).unwrap();
    }
    // Each mapped again with the module it calls (`live/b` with `policies`): (what, the base
    // beside the common tree, the change, units mapped again).
    type Case = (&'static str, fn(&Path), fn(&Path), usize);
    let cases: &[Case] = &[
        // The included root file: the unit that includes it.
        (
            "root inputs",
            nothing,
            |d| edit(d, "live/root.hcl", "111122223333", "444455556666"),
            2,
        ),
        // A nearer `root.hcl` appears: `find_in_parent_folders` now finds it.
        ("nearer root added", nothing, nearer_root, 2),
        // The nearer one goes: the farther one is found again.
        ("nearer root removed", nearer_root, no_nearer_root, 2),
        // The file included by path.
        (
            "common",
            nothing,
            |d| edit(d, "live/common.hcl", "111122223333", "999988887777"),
            2,
        ),
        // Neither.
        ("other root", nothing, |d| change(d, "rotation_off"), 2),
    ];
    for (name, base, make, mapped) in cases {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        git(dir, &["init", "-q"]);
        base_tree(dir);
        terragrunt_tree(dir);
        base(dir);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "base"]);
        make(dir);
        let (reused, whole, made) = both(dir, &kmslint::Settings::default());
        assert_eq!(reused, whole, "{name}: {made:?}");
        assert_eq!(
            (made.mapped, made.whole.as_deref()),
            (*mapped, None),
            "{name}: {made:?}"
        );
        if *name != "other root" {
            assert!(reused.contains("terragrunt"), "{name}: {reused}");
        }
    }
}

#[test]
fn variable_files_are_the_work_trees_in_both() {
    let repo = repository(&["rotation_off"]);
    let dir = repo.path();
    write(dir, "vars/prod.tfvars", "name = \"prod\"\n");
    let mut settings = kmslint::Settings::default();
    settings.var_inputs.files = vec![dir.join("vars/prod.tfvars")];
    let (reused, whole, made) = both(dir, &settings);
    assert_eq!(reused, whole, "{made:?}");
    // The untracked variable file is read in the revision too: no input error, no spurious change.
    let diff: serde_json::Value = serde_json::from_str(&reused).unwrap();
    assert_eq!(diff["keys"].as_array().unwrap().len(), 1, "{reused}");
}

#[test]
fn the_cli_run_inside_the_repository_gives_the_diff_of_the_whole_revision() {
    // Relative paths from the process's directory, as a user or the action runs it.
    for changes in [
        &["b_calls_kms"][..],
        &["module_template", "root_deleted"],
        &["unused_now_called", "tfvars_added"],
    ] {
        let repo = repository(changes);
        let dir = repo.path();
        let out = common::kmslint(dir, &["map", "--base", "HEAD", "--format", "json"]);
        let cli: serde_json::Value = common::json(&out);
        let paths = [dir.to_path_buf()];
        let settings = kmslint::Settings::default();
        let (whole, _) = kmslint::map::diff_made(&paths, dir, &settings, "HEAD", false).unwrap();
        assert_eq!(cli, serde_json::to_value(&whole).unwrap(), "{changes:?}");
    }
}
