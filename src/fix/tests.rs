//! Fix fixtures (`testdata/fix/<case>/before` fixed must equal `after`, byte for byte) and the
//! properties every fixed tree keeps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Applicability, FixOptions, FixRun, run};
use crate::{Options, Settings};

/// A case's `options` file: `unsafe` for `--unsafe-fixes`, `account=ID` for an owner account.
struct CaseOptions {
    unsafe_fixes: bool,
    accounts: Vec<String>,
}

fn case_options(case: &Path) -> CaseOptions {
    let text = std::fs::read_to_string(case.join("options")).unwrap_or_default();
    CaseOptions {
        unsafe_fixes: text.split_whitespace().any(|w| w == "unsafe"),
        accounts: text
            .split_whitespace()
            .filter_map(|w| w.strip_prefix("account="))
            .map(str::to_string)
            .collect(),
    }
}

fn settings_with(accounts: &[String]) -> Settings {
    Settings::resolve(Options {
        accounts: (!accounts.is_empty()).then(|| accounts.to_vec()),
        ..Options::default()
    })
    .unwrap()
}

fn fix(dir: &Path, unsafe_fixes: bool, write: bool) -> FixRun {
    fix_with(dir, unsafe_fixes, write, &[])
}

fn fix_with(dir: &Path, unsafe_fixes: bool, write: bool, accounts: &[String]) -> FixRun {
    let options = FixOptions {
        unsafe_fixes,
        write,
    };
    run(
        &[dir.to_path_buf()],
        dir,
        &settings_with(accounts),
        options,
        &BTreeSet::new(),
    )
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` by its relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("before").is_dir())
        .collect();
    cases.sort();
    cases
}

fn terraform_present() -> bool {
    Command::new("terraform")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `.tf` files `terraform fmt -check` would change.
fn unformatted(dir: &Path) -> BTreeSet<String> {
    let out = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-list=true", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The `.tf` and `.tfvars` files that hcl-edit does not parse.
fn unparsed(files: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeSet<PathBuf> {
    files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf" || e == "tfvars"))
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim_start_matches('\u{feff}');
            hcl_edit::parser::parse_body(text).is_err()
        })
        .map(|(p, _)| p.clone())
        .collect()
}

/// Fixes a copy of `dir` and checks what holds for every fixed tree: a second fix changes
/// nothing, no finding with a fix that applies remains, what parsed still parses, and what
/// `terraform fmt` accepted it still accepts. Returns the fixed copy and the run.
fn fix_and_check(
    dir: &Path,
    unsafe_fixes: bool,
    accounts: &[String],
    fmt: bool,
) -> (tempfile::TempDir, FixRun) {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(dir, tmp.path());
    let before = tree(tmp.path());
    let fmt_before = fmt.then(|| unformatted(tmp.path()));
    let first = fix_with(tmp.path(), unsafe_fixes, true, accounts);
    let after = tree(tmp.path());
    let label = dir.display();
    assert!(first.refused.is_empty(), "{label}: {:?}", first.refused);
    let left: Vec<String> = first
        .outcome
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.applies(unsafe_fixes)))
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect();
    assert!(
        left.is_empty(),
        "{label}: fixable findings remain: {left:?}"
    );
    let second = fix_with(tmp.path(), unsafe_fixes, true, accounts);
    assert_eq!(second.fixed, 0, "{label}: a second --fix fixed more");
    assert!(
        tree(tmp.path()) == after,
        "{label}: a second --fix changed files"
    );
    assert!(
        unparsed(&after).is_subset(&unparsed(&before)),
        "{label}: a fixed file no longer parses: {:?}",
        unparsed(&after)
    );
    if let Some(fmt_before) = fmt_before {
        let fmt_after = unformatted(tmp.path());
        assert!(
            fmt_after.is_subset(&fmt_before),
            "{label}: terraform fmt -check fails after the fix on {:?}",
            fmt_after.difference(&fmt_before).collect::<Vec<_>>()
        );
    }
    (tmp, first)
}

#[test]
fn every_fixture_is_fixed_to_its_after_tree() {
    let fmt = terraform_present();
    let mut failures = Vec::new();
    for case in cases() {
        let o = case_options(&case);
        let (tmp, _) = fix_and_check(&case.join("before"), o.unsafe_fixes, &o.accounts, fmt);
        let got = tree(tmp.path());
        let want = tree(&case.join("after"));
        if got != want {
            let names: Vec<_> = got
                .iter()
                .filter(|(p, b)| want.get(*p) != Some(b))
                .map(|(p, b)| format!("{}:\n{}", p.display(), String::from_utf8_lossy(b)))
                .collect();
            failures.push(format!("{}: {names:?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fixtures_cover_every_fix_kind() {
    // Each case's before tree, checked: the fix kinds its findings offer.
    let mut kinds = BTreeSet::new();
    for case in cases() {
        let run = fix_with(
            &case.join("before"),
            true,
            false,
            &case_options(&case).accounts,
        );
        for f in &run.outcome.findings {
            if let Some(fix) = &f.fix {
                let verb = fix.description.split_whitespace().next().unwrap_or("");
                kinds.insert(format!("{} {verb}", f.rule.id));
            }
        }
    }
    for kind in [
        "KMS001 add",
        "KMS002 set",
        "KMS002 add",
        "KMS003 set",
        "KMS013 remove",
        "KMS014 set",
        "KMS020 set",
    ] {
        assert!(
            kinds.contains(kind),
            "no fixture has a `{kind}` fix: {kinds:?}"
        );
    }
}

#[test]
fn diff_writes_nothing_and_shows_what_fix_writes() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix/deletion_window");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&case.join("before"), tmp.path());
    let before = tree(tmp.path());
    let shown = fix(tmp.path(), false, false);
    assert_eq!(tree(tmp.path()), before);
    assert!(shown.fixed > 0);
    assert!(
        shown.diff.starts_with("--- a/main.tf\n+++ b/main.tf\n@@ "),
        "{}",
        shown.diff
    );
    assert!(
        shown
            .diff
            .contains("\n-  deletion_window_in_days = 7\n+  deletion_window_in_days = 30\n")
    );
}

#[test]
fn shared_values_and_disabled_keys_are_unsafe_fixes() {
    for (case, rule) in [("shared_variable", "KMS002"), ("key_disabled", "KMS003")] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/fix")
            .join(case);
        let run = fix(&dir.join("before"), false, false);
        let f = run
            .outcome
            .findings
            .iter()
            .find(|f| f.rule.id == rule)
            .unwrap();
        let fix = f.fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::Unsafe, "{case}");
        assert_eq!(run.fixed, 0, "{case}");
        assert_eq!(run.unsafe_remaining(), 1, "{case}");
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let text = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n";
    std::fs::write(outside.join("real.tf"), text).unwrap();
    std::fs::write(repo.join("inside.tf"), text.replace("\"k\"", "\"i\"")).unwrap();
    std::os::unix::fs::symlink(repo.join("inside.tf"), repo.join("link.tf")).unwrap();
    std::os::unix::fs::symlink(outside.join("real.tf"), repo.join("away.tf")).unwrap();
    let run = fix(&repo, true, true);
    assert_eq!(
        std::fs::read_to_string(outside.join("real.tf")).unwrap(),
        text
    );
    assert!(
        std::fs::symlink_metadata(repo.join("link.tf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(repo.join("away.tf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The file the link names, inside the repository, is fixed under its own name.
    let inside = std::fs::read_to_string(repo.join("inside.tf")).unwrap();
    assert!(inside.contains("enable_key_rotation = true"), "{inside}");
    assert!(
        run.refused.iter().all(|(p, _)| p.ends_with("link.tf")),
        "{:?}",
        run.refused
    );
}

#[cfg(unix)]
#[test]
fn writing_refuses_links_changed_files_and_places_outside() {
    use crate::source::SourceFile;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let text = "a = 1\n";
    std::fs::write(repo.join("real.tf"), text).unwrap();
    std::os::unix::fs::symlink(repo.join("real.tf"), repo.join("link.tf")).unwrap();
    std::fs::write(tmp.path().join("out.tf"), text).unwrap();
    let boundaries = vec![std::fs::canonicalize(&repo).unwrap()];
    let file =
        |name: &str| SourceFile::new(PathBuf::from(name), name.to_string(), text.to_string());
    let write = |f: &SourceFile| super::apply::write(f, "a = 2\n", &repo, &boundaries);
    let refused = write(&file("link.tf")).unwrap_err();
    assert!(refused.contains("symbolic link"), "{refused}");
    let refused = write(&file("../out.tf")).unwrap_err();
    assert!(refused.contains("outside"), "{refused}");
    let stale = SourceFile::new(PathBuf::from("real.tf"), "real.tf".into(), "a = 0\n".into());
    assert!(write(&stale).unwrap_err().contains("changed"));
    assert_eq!(std::fs::read_to_string(repo.join("real.tf")).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("out.tf")).unwrap(),
        text
    );
    write(&file("real.tf")).unwrap();
    assert_eq!(
        std::fs::read_to_string(repo.join("real.tf")).unwrap(),
        "a = 2\n"
    );
    assert!(
        std::fs::symlink_metadata(repo.join("link.tf"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&repo).unwrap().count(), 2);
}

#[test]
fn a_var_file_outside_the_repository_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(
        repo.join("main.tf"),
        "variable \"w\" {}\n\nresource \"aws_kms_key\" \"k\" {\n  enable_key_rotation     = true\n  deletion_window_in_days = var.w\n}\n",
    )
    .unwrap();
    let vars = tmp.path().join("shared.tfvars");
    std::fs::write(&vars, "w = 7\n").unwrap();
    let settings = Settings::resolve(Options {
        var_inputs: Some(crate::terraform::vars::VarInputs {
            files: vec![vars.clone()],
            ..Default::default()
        }),
        ..Options::default()
    })
    .unwrap();
    let options = FixOptions {
        unsafe_fixes: true,
        write: true,
    };
    let run = run(
        std::slice::from_ref(&repo),
        &repo,
        &settings,
        options,
        &BTreeSet::new(),
    );
    assert!(run.outcome.findings.iter().any(|f| f.rule.id == "KMS014"));
    assert_eq!(std::fs::read_to_string(&vars).unwrap(), "w = 7\n");
}

/// The generated corpus (`bench/gen_corpus.py`, 50 services) keeps every property; skipped
/// where python3 is missing.
#[test]
fn a_generated_tree_keeps_the_properties() {
    let tmp = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py");
    let made = Command::new("python3")
        .arg(&script)
        .arg(tmp.path())
        .args(["--modules", "50"])
        .output();
    let Ok(made) = made else {
        return;
    };
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (_fixed, run) = fix_and_check(tmp.path(), false, &[], terraform_present());
    assert!(run.fixed > 10, "only {} fixes in the corpus", run.fixed);
}

#[test]
fn fixes_of_one_aligned_group_wait_for_the_next_pass_unless_independent() {
    let plan = |src: &str| {
        let outcome = crate::check_sources(
            vec![("main.tf".to_string(), src.to_string())],
            &settings_with(&[]),
        );
        let plans = super::apply::plan(&outcome.findings, false);
        let text = super::apply::new_text(
            &outcome.sources.get(plans[0].file).unwrap().text,
            &plans[0].edits,
        );
        (plans[0].fixes, text)
    };
    // Three values changed in place, no trailing comment: independent, made together.
    let (fixes, text) = plan(
        "resource \"aws_kms_key\" \"d\" {\n  enable_key_rotation     = false\n  rotation_period_in_days = 3000\n  deletion_window_in_days = 31\n}\n",
    );
    assert_eq!(fixes, 3);
    assert_eq!(
        text,
        "resource \"aws_kms_key\" \"d\" {\n  enable_key_rotation     = true\n  rotation_period_in_days = 365\n  deletion_window_in_days = 30\n}\n"
    );
    // A removal and an insertion both realign the same group: one now, one in the next pass.
    let (fixes, text) = plan(
        "resource \"aws_kms_key\" \"b\" {\n  description                        = \"b\"\n  bypass_policy_lockout_safety_check = true\n}\n",
    );
    assert_eq!(fixes, 1);
    assert!(
        text == "resource \"aws_kms_key\" \"b\" {\n  description = \"b\"\n}\n"
            || text.contains("enable_key_rotation                = true\n"),
        "{text}"
    );
}
