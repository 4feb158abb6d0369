//! Checks `map --base` on a real repository: the diff made by reusing the map of unchanged units
//! must be the diff of the whole revision. `cargo bench --bench map_reuse_check -- DIR [REV]`
//! prints how the revision's map was made, both times and whether the diffs are the same (exit
//! status 1 when they differ).
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let dir = args
        .first()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let revision = args.get(1).map_or("HEAD", String::as_str);
    let settings = kmslint::Settings::default();
    let paths = [dir.clone()];
    let timed = |reuse: bool| {
        let start = Instant::now();
        let made = kmslint::map::diff_made(&paths, &dir, &settings, revision, reuse);
        (made, start.elapsed())
    };
    let ((reused, t_reused), (whole, t_whole)) = (timed(true), timed(false));
    let (Ok((reused, made)), Ok((whole, _))) = (reused, whole) else {
        println!("cannot map {}", dir.display());
        return ExitCode::from(2);
    };
    let same = serde_json::to_string(&reused).ok() == serde_json::to_string(&whole).ok();
    println!(
        "{made:?} reuse {:.3} s whole {:.3} s keys changed {} same {same}",
        t_reused.as_secs_f64(),
        t_whole.as_secs_f64(),
        reused.keys.len()
    );
    if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
