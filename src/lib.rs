//! kmslint: a static analyzer for AWS KMS configuration in Terraform.
//!
//! The pipeline, one module per arrow:
//!
//! ```text
//! discover ─► parse ─► evaluate ─► adapt ─► Inventory ─► rules ─► sort ─► report
//! discover.rs  terraform/hcl.rs  terraform/eval  model/from_hcl.rs  model  rules/  finding.rs  report/
//! ```
//!
//! Modules (directories) are read, parsed and adapted in parallel; each syntax tree is dropped
//! as soon as its module is adapted, so memory follows the largest module, not the tree. The
//! library never prints: reports are written to a `&mut dyn Write` chosen by the caller.

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod explain;
pub mod finding;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod terraform;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use config::{FailLevel, Options, Settings};
pub use diagnostic::InputError;
pub use finding::Finding;
use model::Inventory;
use model::from_hcl::ParsedFile;
use source::{FileId, SourceFile, SourceMap, display_path};

/// Everything a run produced: the sources (for rendering), findings and input errors, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub stats: Stats,
}

/// Counts for summaries and benchmarks.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Stats {
    pub modules: usize,
    pub files: usize,
    pub bytes: u64,
}

impl Outcome {
    /// Exit status as specified: 2 when an input could not be analysed, 1 when a finding is at or
    /// above the fail level, 0 otherwise.
    pub fn exit_code(&self, fail_level: FailLevel) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self.findings.iter().any(|f| fail_level.fails(f.level)) {
            1
        } else {
            0
        }
    }
}

/// Analyses the given files and directories. `base` is the directory paths are shown relative to.
pub fn check(paths: &[PathBuf], base: &Path, settings: &Settings) -> Outcome {
    let found = discover::discover(paths, base);
    let modules: Vec<Vec<(FileId, PathBuf)>> = {
        let mut next = 0u32;
        found
            .modules
            .iter()
            .map(|m| {
                m.files
                    .iter()
                    .map(|f| {
                        let id = FileId(next);
                        next += 1;
                        (id, f.path.clone())
                    })
                    .collect()
            })
            .collect()
    };
    let analysed = in_pool(|| {
        modules
            .par_iter()
            .map(|files| {
                let loaded = files
                    .iter()
                    .map(|(id, path)| {
                        let display = display_path(path, base);
                        (*id, source::read(path, &display, settings.max_file_size))
                    })
                    .collect();
                analyse_module(loaded)
            })
            .collect::<Vec<_>>()
    });
    finish(analysed, found.errors, settings)
}

/// Analyses one module given as in-memory `(display path, text)` pairs (docs examples, tests).
pub fn check_sources(files: Vec<(String, String)>, settings: &Settings) -> Outcome {
    let loaded = files
        .into_iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            (id, Ok(SourceFile::new(PathBuf::from(&name), name, text)))
        })
        .collect();
    let analysed = in_pool(|| vec![analyse_module(loaded)]);
    finish(analysed, Vec::new(), settings)
}

/// One module after parse → evaluate → adapt; its syntax trees are already dropped.
struct ModuleResult {
    files: Vec<(FileId, SourceFile)>,
    inventory: Inventory,
    errors: Vec<InputError>,
}

fn analyse_module(loaded: Vec<(FileId, Result<SourceFile, Box<InputError>>)>) -> ModuleResult {
    let mut result = ModuleResult {
        files: Vec::with_capacity(loaded.len()),
        inventory: Inventory::default(),
        errors: Vec::new(),
    };
    let mut sources = Vec::with_capacity(loaded.len());
    for (id, file) in loaded {
        match file {
            Ok(file) => sources.push((id, file)),
            Err(e) => {
                result.errors.push(*e);
                // Keep the id valid in the source map, with no text.
                let empty = SourceFile::new(PathBuf::new(), String::new(), String::new());
                result.files.push((id, empty));
            }
        }
    }
    let parsed: Vec<ParsedFile<'_>> = sources
        .iter()
        .filter_map(|(id, file)| match terraform::hcl::parse(*id, file) {
            Ok(body) => Some(ParsedFile {
                id: *id,
                source: file,
                body,
            }),
            Err(e) => {
                result.errors.push(*e);
                None
            }
        })
        .collect();
    let module = sources
        .first()
        .and_then(|(_, f)| f.display.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .unwrap_or_else(|| ".".to_string());
    model::from_hcl::adapt_module(&module, &parsed, &mut result.inventory);
    // The syntax trees are the bulk of a module's memory: drop them before the next module.
    drop(parsed);
    result.files.extend(sources);
    result
}

fn finish(
    analysed: Vec<ModuleResult>,
    mut errors: Vec<InputError>,
    settings: &Settings,
) -> Outcome {
    let mut inventory = Inventory::default();
    let mut files = Vec::new();
    for m in analysed {
        inventory.extend(m.inventory);
        errors.extend(m.errors);
        files.extend(m.files);
    }
    files.sort_by_key(|(id, _)| *id);
    let mut stats = Stats {
        modules: 0,
        files: files.len(),
        bytes: files.iter().map(|(_, f)| f.text.len() as u64).sum(),
    };
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|(_, f)| f.path.parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    stats.modules = dirs.len();
    let mut sources = SourceMap::default();
    for (_, file) in files {
        sources.add(file);
    }
    inventory.sort();
    let mut findings = rules::run(&inventory, settings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        sources,
        findings,
        errors,
        stats,
    }
}

/// Runs `f` on a thread pool whose threads have room for deeply nested expressions: hcl-edit
/// at its nesting limit needs about 2 MiB of stack in a debug build, the evaluator more.
fn in_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .thread_name(|i| format!("kmslint-{i}"))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}
