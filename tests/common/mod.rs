//! Helpers shared by the end-to-end tests: running the binary, writing a tree, reading a report.
#![allow(dead_code)] // each test crate uses its own part of these

use std::path::Path;
use std::process::{Command, Output};

/// Runs `kmslint ARGS` in `dir`, without colour.
pub(crate) fn kmslint(dir: &Path, args: &[&str]) -> Output {
    kmslint_with_env(dir, args, &[])
}

/// [`kmslint`] with these environment variables set too.
pub(crate) fn kmslint_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kmslint"));
    // Reports fit the terminal's width; `COLUMNS` from the environment running the tests
    // must not change what they see (80 columns: not a terminal).
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Writes `dir/name`, creating its directories.
pub(crate) fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The JSON report on standard output.
pub(crate) fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// Runs `git ARGS` in `dir` with a fixed identity and no system or global configuration, and
/// returns its standard output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}
