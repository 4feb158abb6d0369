//! Applying fixes: which ones, grouped per file, and each file written atomically, never
//! through a symbolic link and never outside the scanned repository; then the check again.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Edit, Fix};
use crate::source::{FileId, SourceFile};
use crate::{Outcome, Settings, files};

/// How often fixing and checking again alternate at most: a fix can bring out another (a
/// realigned block, a second attribute of the same block).
const PASSES: usize = 4;

/// What `--fix` and `--diff` were asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Write the files (`--fix`); otherwise only the diff is made (`--diff`).
    pub write: bool,
}

/// What a fixing run did.
#[derive(Debug, Default)]
pub struct FixRun {
    /// The check after the last fix: what remains.
    pub outcome: Outcome,
    /// Fixes applied (or, for `--diff`, that would be).
    pub fixed: usize,
    /// Display paths of the files written (or that would be).
    pub changed: Vec<String>,
    /// Files a fix was not written to, and why.
    pub refused: Vec<(String, String)>,
    /// The unified diff (`--diff` only).
    pub diff: String,
}

impl FixRun {
    /// Remaining findings whose fix waits for `--unsafe-fixes`.
    pub fn unsafe_remaining(&self) -> usize {
        unsafe_waiting(&self.outcome.findings)
    }
}

/// How many of `findings` have a fix that only `--unsafe-fixes` applies.
pub fn unsafe_waiting(findings: &[crate::Finding]) -> usize {
    findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applies(true) && !x.applies(false))
        })
        .count()
}

/// The edits chosen for one file, and how many fixes they make.
#[derive(Debug)]
pub struct FilePlan {
    pub file: FileId,
    pub edits: Vec<Edit>,
    pub fixes: usize,
}

/// Checks, fixes, and checks again until no fix applies (at most a few passes). Findings whose
/// baseline fingerprint is in `accepted` are left alone.
pub fn run(
    paths: &[PathBuf],
    base: &Path,
    settings: &Settings,
    options: FixOptions,
    accepted: &BTreeSet<String>,
) -> FixRun {
    let boundaries = files::repositories(paths, base);
    let mut run = FixRun {
        outcome: crate::check(paths, base, settings),
        ..FixRun::default()
    };
    let mut changed = BTreeSet::new();
    let mut refused: BTreeSet<String> = BTreeSet::new();
    for _ in 0..PASSES {
        let open: Vec<crate::Finding> = run
            .outcome
            .findings
            .iter()
            .filter(|f| {
                accepted.is_empty()
                    || !accepted.contains(&crate::baseline::fingerprint(f, &run.outcome.sources))
            })
            .cloned()
            .collect();
        let planned: Vec<FilePlan> = plan(&open, options.unsafe_fixes)
            .into_iter()
            .filter(|p| !refused.contains(run.outcome.sources.display(p.file)))
            .collect();
        if planned.is_empty() {
            break;
        }
        if !options.write {
            for p in &planned {
                let Some(file) = run.outcome.sources.get(p.file) else {
                    continue;
                };
                let new = new_text(&file.text, &p.edits);
                run.diff
                    .push_str(&super::diff::unified(&file.display, &file.text, &new));
                run.fixed += p.fixes;
                changed.insert(file.display.clone());
            }
            break;
        }
        let mut wrote = false;
        for p in &planned {
            let Some(file) = run.outcome.sources.get(p.file) else {
                continue;
            };
            match write(file, &new_text(&file.text, &p.edits), base, &boundaries) {
                Ok(()) => {
                    run.fixed += p.fixes;
                    changed.insert(file.display.clone());
                    wrote = true;
                }
                Err(why) => {
                    refused.insert(file.display.clone());
                    run.refused.push((file.display.clone(), why));
                }
            }
        }
        if !wrote {
            break;
        }
        run.outcome = crate::check(paths, base, settings);
    }
    run.changed = changed.into_iter().collect();
    run
}

/// The edits to make, per file: the fixes that apply, without two whose regions overlap (the
/// later one is made in the next pass, on the text the first one left).
pub fn plan(findings: &[crate::Finding], unsafe_fixes: bool) -> Vec<FilePlan> {
    let mut by_file: BTreeMap<FileId, Vec<&Fix>> = BTreeMap::new();
    for fix in findings.iter().filter_map(|f| f.fix.as_ref()) {
        let Some(first) = fix.edits.first() else {
            continue;
        };
        if fix.applies(unsafe_fixes) && fix.edits.iter().all(|e| e.file == first.file) {
            by_file.entry(first.file).or_default().push(fix);
        }
    }
    let mut out = Vec::new();
    for (file, mut fixes) in by_file {
        fixes.sort_by_key(|f| f.edits.first().map(|e| (e.span.start, e.span.end)));
        let mut kept: Vec<&Fix> = Vec::new();
        let mut count = 0;
        for fix in fixes {
            // The same repair of one place reported twice is made once, and counts for both.
            if kept.iter().any(|k| k.edits == fix.edits) {
                count += 1;
                continue;
            }
            let overlaps = kept.iter().any(|k| {
                k.claims
                    .iter()
                    .any(|a| fix.claims.iter().any(|b| overlap(a, b)))
            });
            if !overlaps {
                kept.push(fix);
                count += 1;
            }
        }
        let mut edits: Vec<Edit> = kept.iter().flat_map(|f| f.edits.iter().cloned()).collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        out.push(FilePlan {
            file,
            edits,
            fixes: count,
        });
    }
    out
}

/// Whether two claimed byte ranges meet; an insertion claims the byte it is made before, so two
/// insertions at one place, or one inside a replaced range, conflict.
fn overlap(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// The text with the edits made, from the last to the first so that offsets stay valid.
pub fn new_text(text: &str, edits: &[Edit]) -> String {
    let mut out = text.to_string();
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut limit = usize::MAX;
    for e in sorted.into_iter().rev() {
        // Overlapping edits never reach here; one that would is skipped, not misapplied.
        if e.span.end > limit || e.span.start > e.span.end {
            continue;
        }
        if out.is_char_boundary(e.span.start) && out.is_char_boundary(e.span.end) {
            out.replace_range(e.span.clone(), &e.text);
            limit = e.span.start;
        }
    }
    out
}

/// Writes the new text of a file: only a regular file (not a symbolic link) whose directory
/// lies inside the repository and whose bytes are still those that were checked; through a
/// temporary file in the same directory renamed over it, so that a reader never sees half a
/// file. The byte order mark stays.
pub(super) fn write(
    file: &SourceFile,
    new: &str,
    base: &Path,
    boundaries: &[PathBuf],
) -> Result<(), String> {
    let path = files::normalize(&base.join(&file.path));
    let meta = std::fs::symlink_metadata(&path).map_err(|e| e.to_string())?;
    if meta.file_type().is_symlink() {
        return Err("it is a symbolic link; fixes are not written through links".to_string());
    }
    if !meta.is_file() {
        return Err("it is not a regular file".to_string());
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err("it has no directory".to_string());
    };
    let dir = std::fs::canonicalize(dir).map_err(|e| e.to_string())?;
    if !files::inside(&dir, boundaries) {
        return Err("it is outside the scanned repository".to_string());
    }
    let real = dir.join(name);
    let bom = if file.bom_len == 3 { "\u{feff}" } else { "" };
    let before = files::read_regular(&real, (file.text.len() + bom.len() + 1) as u64)
        .map_err(|e| e.to_string())?;
    if before != [bom.as_bytes(), file.text.as_bytes()].concat() {
        return Err("it changed since it was checked".to_string());
    }
    if std::fs::symlink_metadata(&real).map_or(true, |m| !m.file_type().is_file()) {
        return Err("it is no longer a regular file".to_string());
    }
    let tmp = dir.join(format!(
        ".{}.kmslint-fix-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        out.write_all(bom.as_bytes())?;
        out.write_all(new.as_bytes())?;
        out.set_permissions(meta.permissions())?;
        out.sync_all()?;
        std::fs::rename(&tmp, &real)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.to_string()
    })
}
