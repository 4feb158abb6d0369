//! Inputs the fuzz targets in `fuzz/` once crashed, hung or ran out of memory on: each file in
//! `testdata/fuzz/<target>/` goes through the same entry point as that target and must return.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use kmslint::Settings;

/// Far above what any of these inputs takes in a debug build; past it the input counts as a hang.
const LIMIT: Duration = Duration::from_secs(60);

fn hcl(text: String) {
    kmslint::check_sources(vec![("main.tf".into(), text)], &Settings::default());
}

fn policy_json(text: String) {
    if text.lines().any(|l| l.trim() == "EOT") {
        return;
    }
    let tf = format!("resource \"aws_kms_key\" \"k\" {{\n policy = <<EOT\n{text}\nEOT\n}}");
    kmslint::check_sources(vec![("main.tf".into(), tf)], &Settings::default());
}

fn plan_json(text: String) {
    kmslint::check_sources(vec![("plan.json".into(), text)], &Settings::default());
}

fn config_toml(text: String) {
    if let Ok(options) =
        kmslint::config::file::parse(&text, Path::new("kmslint.toml"), "kmslint.toml")
    {
        let _ = Settings::resolve(options);
    }
}

/// Runs `entry` on every input of `target`, each on a thread of its own: a panic or a hang names
/// the file instead of taking the test binary down. Like the fuzz targets, inputs that are not
/// UTF-8 are skipped.
fn replay(target: &str, entry: fn(String)) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz")
        .join(target);
    let mut inputs: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        // A target whose fuzzing found nothing has no directory.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    inputs.sort();
    for path in inputs {
        let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap()) else {
            continue;
        };
        let (done, wait) = mpsc::channel();
        // The fuzzer runs these on its main thread (8 MiB); the default test thread has 2 MiB.
        let worker = std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || {
                entry(text);
                let _ = done.send(());
            })
            .unwrap();
        match wait.recv_timeout(LIMIT) {
            Ok(()) => worker.join().unwrap(),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("{}: panicked", path.display())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("{}: still running after {LIMIT:?}", path.display())
            }
        }
    }
}

#[test]
fn hcl_inputs_return() {
    replay("hcl", hcl);
}

#[test]
fn policy_json_inputs_return() {
    replay("policy_json", policy_json);
}

#[test]
fn plan_json_inputs_return() {
    replay("plan_json", plan_json);
}

#[test]
fn config_toml_inputs_return() {
    replay("config_toml", config_toml);
}
