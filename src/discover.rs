//! Finds the Terraform files to analyse and groups them into modules (one directory each).
//!
//! Directories are walked in parallel. Like Terraform itself, the walk skips hidden entries
//! (names starting with `.`, which covers `.git` and `.terraform`). Symbolic links are followed
//! while they stay inside the repository; one that leads out of it is not followed and is named
//! once in a note, and one that loops back to an ancestor is reported once and skipped. A
//! dangling link is an error only when its name is one kmslint would read. A file given on the
//! command line brings in its whole directory, because rules need the module's other files
//! (variables, locals, a key policy declared elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::Exclude;
use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::display_path;

/// The kinds of file kmslint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// Terraform configuration (`.tf`, `.tofu`, and their JSON forms `.tf.json`, `.tofu.json`).
    Config,
    /// Variable definitions (`.tfvars`).
    Vars,
    /// JSON that may be a `terraform show -json` plan.
    Json,
}

impl FileKind {
    fn of(path: &Path) -> Option<FileKind> {
        // A name that is not UTF-8 is still a Terraform file when it ends in `.tf`: Terraform
        // loads it, so it must not be skipped.
        let name = path.file_name()?.to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            return None;
        }
        if crate::terraform::layout::syntax(path).is_some()
            || crate::terraform::terragrunt::is_unit(path)
        {
            return Some(FileKind::Config);
        }
        match name.rsplit_once('.')?.1 {
            "tfvars" => Some(FileKind::Vars),
            // JSON variable files are not plans.
            "json" if !name.ends_with(".tfvars.json") => Some(FileKind::Json),
            _ => None,
        }
    }
}

/// One file of a module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// A Terraform module: one directory and its `.tf`/`.tfvars` files, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<Input>,
}

/// What discovery found, in a deterministic order.
#[derive(Debug, Default)]
pub struct Discovery {
    pub modules: Vec<Module>,
    /// JSON files that may be plans; `true` when named on the command line (then they must be).
    pub plans: Vec<(PathBuf, bool)>,
    pub errors: Vec<InputError>,
}

#[derive(Default)]
struct Found {
    files: BTreeSet<Input>,
    explicit_plans: BTreeSet<PathBuf>,
    errors: Vec<InputError>,
}

/// Walks `paths` (files or directories) and returns the modules to analyse; paths matching
/// `exclude` are left out (also when named on the command line, as a pre-commit hook names them).
/// Symbolic links whose real path is outside `boundaries` (the repositories, as real paths) are
/// not followed.
pub fn discover(
    paths: &[PathBuf],
    base: &Path,
    exclude: Option<&Exclude>,
    boundaries: &[PathBuf],
) -> Discovery {
    let excluded = |p: &Path| exclude.is_some_and(|e| e.matches(&base.join(p)));
    let paths: Vec<PathBuf> = paths.iter().filter(|p| !excluded(p)).cloned().collect();
    let paths = paths.as_slice();
    let found = Mutex::new(Found::default());
    let mut dirs = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                push_error(
                    &found,
                    InputError::whole(
                        InputErrorKind::NotFound,
                        display_path(path, base),
                        "no such file or directory",
                    ),
                );
            }
            Err(e) => push_error(
                &found,
                InputError::whole(
                    InputErrorKind::Unreadable,
                    display_path(path, base),
                    format!("cannot read: {e}"),
                ),
            ),
            Ok(meta) if meta.is_dir() => dirs.push(path.clone()),
            Ok(_) => match FileKind::of(path) {
                Some(FileKind::Json) => {
                    if let Ok(mut f) = found.lock() {
                        f.explicit_plans.insert(normalize(path));
                    }
                }
                Some(_) => {
                    // A file argument stands for its whole module.
                    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
                    list_module(dir.unwrap_or(Path::new(".")), base, &found, boundaries);
                    // Also include the file itself, in case it is hidden or otherwise skipped.
                    add_file(path, &found);
                }
                None => push_error(
                    &found,
                    InputError::whole(
                        InputErrorKind::UnsupportedFile,
                        display_path(path, base),
                        "not a Terraform file: expected a `.tf`, `.tofu`, `.tfvars` or plan `.json` file, or a directory",
                    ),
                ),
            },
        }
    }
    if !dirs.is_empty() {
        walk(&dirs, base, &found, &excluded, boundaries);
    }
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut modules: BTreeMap<PathBuf, Vec<Input>> = BTreeMap::new();
    let mut plans: Vec<(PathBuf, bool)> = found
        .explicit_plans
        .iter()
        .map(|p| (p.clone(), true))
        .collect();
    for input in found.files {
        if input.kind == FileKind::Json {
            if !found.explicit_plans.contains(&input.path) {
                plans.push((input.path, false));
            }
            continue;
        }
        // `main.tf` has the parent `""`, which names no directory to read.
        let dir = input
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        modules.entry(dir).or_default().push(input);
    }
    // OpenTofu reads `x.tofu` instead of `x.tf` beside it.
    for files in modules.values_mut() {
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let shadowed = crate::terraform::layout::shadowed(&paths);
        files.retain(|f| !shadowed.contains(&f.path));
    }
    let mut errors = found.errors;
    errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.dedup();
    Discovery {
        modules: modules
            .into_iter()
            .map(|(dir, files)| Module { dir, files })
            .collect(),
        plans: {
            plans.sort();
            plans
        },
        errors,
    }
}

fn push_error(found: &Mutex<Found>, error: InputError) {
    if let Ok(mut f) = found.lock() {
        f.errors.push(error);
    }
}

fn add_file(path: &Path, found: &Mutex<Found>) {
    let Some(kind) = FileKind::of(path).or_else(|| {
        // An explicitly named hidden file is still analysed.
        match path.extension().map(|e| e.to_string_lossy()).as_deref() {
            Some("tf" | "tofu") => Some(FileKind::Config),
            Some("tfvars") => Some(FileKind::Vars),
            _ => None,
        }
    }) else {
        return;
    };
    if let Ok(mut f) = found.lock() {
        f.files.insert(Input {
            path: normalize(path),
            kind,
        });
    }
}

/// Whether `path`, a symbolic link, leads outside `boundaries`; a dangling link does not (it is
/// judged by its name where it is read).
fn leaves(path: &Path, boundaries: &[PathBuf]) -> bool {
    std::fs::canonicalize(path).is_ok_and(|real| !crate::files::inside(&real, boundaries))
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn skipped(path: &Path, base: &Path) -> InputError {
    InputError::whole(
        InputErrorKind::Skipped,
        display_path(path, base),
        "symbolic link leading outside the repository; it was not followed",
    )
}

/// The files of one directory, without descending into subdirectories.
fn list_module(dir: &Path, base: &Path, found: &Mutex<Found>, boundaries: &[PathBuf]) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            push_error(
                found,
                InputError::whole(
                    InputErrorKind::Unreadable,
                    display_path(dir, base),
                    format!("cannot read directory: {e}"),
                ),
            );
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // A file argument brings its module's configuration, not the plans lying beside it.
        if matches!(FileKind::of(&path), None | Some(FileKind::Json)) {
            continue;
        }
        if is_symlink(&path) && leaves(&path, boundaries) {
            push_error(found, skipped(&path, base));
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => add_file(&path, found),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => push_error(found, not_regular(&path, base)),
            Err(e) => push_error(found, unreadable(&path, base, &e.to_string())),
        }
    }
}

fn walk(
    dirs: &[PathBuf],
    base: &Path,
    found: &Mutex<Found>,
    excluded: &(dyn Fn(&Path) -> bool + Sync),
    boundaries: &[PathBuf],
) {
    let mut builder = ignore::WalkBuilder::new(&dirs[0]);
    for dir in &dirs[1..] {
        builder.add(dir);
    }
    // Links are judged before the walker lists what they lead to; the filter must own its data.
    let left: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let filter_left = Arc::clone(&left);
    let filter_bounds = boundaries.to_vec();
    builder
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .filter_entry(move |entry| {
            if !entry.path_is_symlink() || !leaves(entry.path(), &filter_bounds) {
                return true;
            }
            let dir = entry.file_type().is_some_and(|ft| ft.is_dir());
            if dir || FileKind::of(entry.path()).is_some() {
                if let Ok(mut left) = filter_left.lock() {
                    left.push(entry.path().to_path_buf());
                }
            }
            false
        })
        .threads(0);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    if entry.depth() > 0 && excluded(path) {
                        return ignore::WalkState::Skip;
                    }
                    if let Some(ft) = entry.file_type() {
                        if ft.is_dir() {
                            return ignore::WalkState::Continue;
                        }
                        if FileKind::of(path).is_some() {
                            if ft.is_file() {
                                add_file(path, found);
                            } else {
                                push_error(found, not_regular(path, base));
                            }
                        }
                    }
                }
                Err(err) => {
                    if let Some(e) = walk_error(&err, base) {
                        push_error(found, e);
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    let left = std::mem::take(&mut *left.lock().unwrap_or_else(|e| e.into_inner()));
    for path in left {
        if !excluded(&path) {
            push_error(found, skipped(&path, base));
        }
    }
}

/// The input error for a walk error; `None` for a dangling link with a name kmslint does not read
/// (a `README` pointing nowhere is not input).
fn walk_error(err: &ignore::Error, base: &Path) -> Option<InputError> {
    Some(match err {
        ignore::Error::WithPath { path, err } => match innermost(err) {
            ignore::Error::Io(io) => {
                if io.kind() == std::io::ErrorKind::NotFound && is_symlink(path) {
                    return match FileKind::of(path) {
                        Some(FileKind::Config | FileKind::Vars) => {
                            Some(unreadable(path, base, "dangling symbolic link"))
                        }
                        _ => None,
                    };
                }
                unreadable(path, base, &io.to_string())
            }
            other => {
                let mut e = walk_error(other, base)?;
                if e.path.is_empty() {
                    e.path = display_path(path, base);
                }
                e
            }
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err, base)?
        }
        ignore::Error::Loop { ancestor, child } => InputError::whole(
            InputErrorKind::SymlinkLoop,
            display_path(child, base),
            format!(
                "symbolic link loop: this directory leads back to `{}`; it was skipped",
                display_path(ancestor, base)
            ),
        ),
        other => InputError::whole(InputErrorKind::Unreadable, String::new(), other.to_string()),
    })
}

/// The error inside depth and line-number wrappers.
fn innermost(err: &ignore::Error) -> &ignore::Error {
    match err {
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            innermost(err)
        }
        other => other,
    }
}

fn not_regular(path: &Path, base: &Path) -> InputError {
    InputError::whole(
        InputErrorKind::NotARegularFile,
        display_path(path, base),
        "not a regular file (FIFO, socket or device); it was skipped",
    )
}

fn unreadable(path: &Path, base: &Path, why: &str) -> InputError {
    InputError::whole(
        InputErrorKind::Unreadable,
        display_path(path, base),
        format!("cannot read: {why}"),
    )
}

/// Removes `.` components so that the same file reached two ways is one entry.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        if c != std::path::Component::CurDir {
            out.push(c);
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(d: &Discovery) -> Vec<Vec<String>> {
        d.modules
            .iter()
            .map(|m| {
                m.files
                    .iter()
                    .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn groups_by_directory_and_skips_hidden() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::create_dir_all(root.join(".terraform/modules/x")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("main.tf"), "").unwrap();
        fs::write(root.join("terraform.tfvars"), "").unwrap();
        fs::write(root.join("notes.md"), "").unwrap();
        fs::write(root.join(".hidden.tf"), "").unwrap();
        fs::write(root.join("a/b/x.tf"), "").unwrap();
        fs::write(root.join(".terraform/modules/x/m.tf"), "").unwrap();
        fs::write(root.join(".git/m.tf"), "").unwrap();
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(
            names(&d),
            vec![vec!["main.tf", "terraform.tfvars"], vec!["x.tf"]]
        );
    }

    #[test]
    fn json_opentofu_and_terragrunt_files_are_configuration() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        for name in [
            "main.tf",
            "main.tofu",
            "cdk.tf.json",
            "keys.tofu.json",
            "terragrunt.hcl",
            "other.hcl",
            "plan.json",
            "x.tfvars.json",
        ] {
            fs::write(root.join(name), "").unwrap();
        }
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        // `main.tf` is replaced by `main.tofu`; plan.json may be a plan.
        assert_eq!(
            names(&d),
            vec![vec![
                "cdk.tf.json",
                "keys.tofu.json",
                "main.tofu",
                "terragrunt.hcl"
            ]]
        );
        assert_eq!(d.plans, vec![(root.join("plan.json"), false)]);
    }

    #[test]
    fn a_file_argument_brings_its_module() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::write(root.join("main.tf"), "").unwrap();
        fs::write(root.join("variables.tf"), "").unwrap();
        let d = discover(&[root.join("main.tf")], root, None, &[root.to_path_buf()]);
        assert_eq!(names(&d), vec![vec!["main.tf", "variables.tf"]]);
    }

    #[test]
    fn missing_paths_and_unsupported_files_are_errors() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::write(root.join("x.txt"), "").unwrap();
        let d = discover(
            &[root.join("nope"), root.join("x.txt")],
            root,
            None,
            &[root.to_path_buf()],
        );
        let kinds: Vec<_> = d.errors.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![InputErrorKind::NotFound, InputErrorKind::UnsupportedFile]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_once_and_the_rest_is_walked() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::create_dir_all(root.join("m")).unwrap();
        fs::write(root.join("m/main.tf"), "").unwrap();
        std::os::unix::fs::symlink(root, root.join("m/loop")).unwrap();
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        assert_eq!(names(&d), vec![vec!["main.tf"]]);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].kind, InputErrorKind::SymlinkLoop);
        assert_eq!(d.errors[0].path, "m/loop");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_reported() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::write(root.join("main.tf"), "").unwrap();
        let fifo = root.join("pipe.tf");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        assert_eq!(names(&d), vec![vec!["main.tf"]]);
        assert_eq!(d.errors[0].kind, InputErrorKind::NotARegularFile);
    }

    #[cfg(unix)]
    #[test]
    fn links_leaving_the_repository_are_not_followed_and_noted_once() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside");
        let root = t.path().join("repo");
        fs::create_dir_all(outside.join("sub")).unwrap();
        fs::create_dir_all(root.join("m")).unwrap();
        fs::write(outside.join("x.tf"), "").unwrap();
        fs::write(root.join("m/main.tf"), "").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("vendor")).unwrap();
        std::os::unix::fs::symlink(outside.join("x.tf"), root.join("m/x.tf")).unwrap();
        std::os::unix::fs::symlink(outside.join("x.tf"), root.join("notes.txt")).unwrap();
        // A link that stays inside is followed.
        std::os::unix::fs::symlink(root.join("m"), root.join("alias")).unwrap();
        let d = discover(
            std::slice::from_ref(&root),
            &root,
            None,
            std::slice::from_ref(&root),
        );
        assert_eq!(names(&d), vec![vec!["main.tf"], vec!["main.tf"]]);
        let errors: Vec<_> = d.errors.iter().map(|e| (e.kind, e.path.as_str())).collect();
        assert_eq!(
            errors,
            [
                (InputErrorKind::Skipped, "alias/x.tf"),
                (InputErrorKind::Skipped, "m/x.tf"),
                (InputErrorKind::Skipped, "vendor")
            ]
        );
        assert!(
            d.errors
                .iter()
                .all(|e| e.level() == crate::rules::Level::Note)
        );
        // The same through a file argument.
        let d = discover(
            &[root.join("m/main.tf")],
            &root,
            None,
            std::slice::from_ref(&root),
        );
        assert_eq!(names(&d), vec![vec!["main.tf"]]);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    }

    #[cfg(unix)]
    #[test]
    fn dangling_links_matter_only_for_files_kmslint_reads() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::write(root.join("main.tf"), "").unwrap();
        for name in ["README", "notes.txt", "data.json", "broken.tf"] {
            std::os::unix::fs::symlink("nowhere", root.join(name)).unwrap();
        }
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        let errors: Vec<_> = d.errors.iter().map(|e| (e.kind, e.path.as_str())).collect();
        assert_eq!(errors, [(InputErrorKind::Unreadable, "broken.tf")]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn names_that_are_not_utf8_are_found() {
        use std::os::unix::ffi::OsStrExt;
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let name = std::ffi::OsStr::from_bytes(b"key_\xff.tf");
        fs::write(root.join(name), "").unwrap();
        let d = discover(&[root.to_path_buf()], root, None, &[root.to_path_buf()]);
        assert_eq!(d.modules.len(), 1);
        assert_eq!(d.modules[0].files[0].path.file_name(), Some(name));
        assert_eq!(
            crate::source::display_path(&d.modules[0].files[0].path, root),
            "key_\\xFF.tf"
        );
    }
}
