//! The benchmark floor: reads and parses a tree exactly as `kmslint` does, without evaluating or
//! running rules. `cargo bench --bench parse_only -- DIR` prints the files parsed and the time.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

// The same allocator as the `kmslint` binary, so the floor is comparable.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let settings = kmslint::Settings::default();
    let start = Instant::now();
    let files = kmslint::parse_only(std::slice::from_ref(&dir), &base, &settings);
    let elapsed = start.elapsed();
    println!("parsed {files} files in {:.3} s", elapsed.as_secs_f64());
}
