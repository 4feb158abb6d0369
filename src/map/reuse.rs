//! The map of a revision made from the map of the tree as it is. A unit (a module directory
//! with its plans) whose files, modules and files read by name are all the same in the revision
//! maps the same there, so only the units that read something the revision has otherwise are
//! mapped again, from a copy of just what they read. When what they read in the revision was
//! not copied, it is copied and they are mapped again; when that does not settle, or what a
//! unit read is not known, the whole revision is mapped.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::map::base::{self, Blob, Listing, Snapshot};
use crate::map::{Map, model};
use crate::{Elsewhere, Settings, UnitScan};

/// How many times the units mapped again may reach beyond what was copied for them before the
/// whole revision is mapped instead.
const MAX_ROUNDS: usize = 4;

/// A unit of a scan, its paths relative to the repository's top level.
#[derive(Debug)]
pub struct Unit {
    dir: PathBuf,
    reached: BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
    /// Directories whose tree of file names it listed.
    trees: BTreeSet<PathBuf>,
    /// What it read is not known: outside the repository, or its analysis stopped.
    opaque: bool,
    /// The key blocks its map shows (file and offset).
    created: BTreeSet<(PathBuf, usize)>,
    /// Its map, when its keys are the scan's.
    part: Option<Map>,
}

/// The map of a scan and its units.
pub struct Scan {
    pub map: Map,
    pub units: Vec<Unit>,
}

/// The map of the revision, or why the whole revision must be mapped instead.
pub enum Revision {
    Mapped(Map, Made),
    Whole(String),
}

/// How the map of the revision was made (for tests and benchmarks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    /// Units of the tree as it is whose map was taken as the revision's.
    pub reused: usize,
    /// Units mapped in the revision.
    pub mapped: usize,
    /// Why the whole revision was mapped, when it was.
    pub whole: Option<String>,
}

/// Maps the given paths, keeping each unit's map and what it read. `tops` are the repository's
/// top level as the scan's paths show it and as its real path; `elsewhere` what units outside
/// the scan do.
pub fn scan(
    paths: &[PathBuf],
    cwd: &Path,
    settings: &Settings,
    tops: &[PathBuf],
    elsewhere: &Elsewhere,
) -> Scan {
    let (outcome, scanned) = crate::check_units(paths, cwd, settings, elsewhere);
    let mut inventories = Vec::new();
    let mut units = Vec::new();
    for u in scanned {
        let UnitScan {
            dir,
            reached,
            deps,
            inventory,
            called: _,
            created,
        } = u;
        let rel_dir = relative(tops, &dir);
        let reached_rel: Option<BTreeSet<PathBuf>> = reached
            .iter()
            .filter(|d| **d != dir)
            .map(|d| relative(tops, d))
            .collect();
        let files: Option<BTreeSet<PathBuf>> =
            deps.files.iter().map(|f| relative(tops, f)).collect();
        let trees: Option<BTreeSet<PathBuf>> =
            deps.trees.iter().map(|f| relative(tops, f)).collect();
        let created: Option<BTreeSet<(PathBuf, usize)>> = created
            .iter()
            .map(|(f, at)| Some((relative(tops, f)?, *at)))
            .collect();
        let opaque = deps.opaque
            || rel_dir.is_none()
            || reached_rel.is_none()
            || files.is_none()
            || trees.is_none()
            || created.is_none();
        let has_part = inventory.is_some();
        if let Some(i) = inventory {
            inventories.push(i);
        }
        units.push((
            Unit {
                dir: rel_dir.unwrap_or_default(),
                reached: reached_rel.unwrap_or_default(),
                files: files.unwrap_or_default(),
                trees: trees.unwrap_or_default(),
                opaque,
                created: created.unwrap_or_default(),
                part: None,
            },
            has_part,
        ));
    }
    let mut parts = model::parts(&outcome, inventories, settings).into_iter();
    let units: Vec<Unit> = units
        .into_iter()
        .map(|(mut u, has_part)| {
            if has_part {
                u.part = parts.next();
            }
            u
        })
        .collect();
    let map = model::merge(
        units.iter().filter_map(|u| u.part.clone()),
        outcome.errors.len(),
    );
    Scan { map, units }
}

/// `path` (absolute, or relative to the process's directory) relative to the first of `tops`
/// it is inside.
fn relative(tops: &[PathBuf], path: &Path) -> Option<PathBuf> {
    let abs = if path.is_absolute() {
        crate::files::normalize(path)
    } else {
        crate::files::normalize(&std::env::current_dir().ok()?.join(path))
    };
    let rel = tops.iter().find_map(|top| abs.strip_prefix(top).ok())?;
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| rel.to_path_buf())
}

/// The git object id of `content` as a blob, in the hash of `like` (SHA-1 or SHA-256).
fn blob_id(content: &[u8], like: &str) -> String {
    use sha1::Digest;
    let header = format!("blob {}\0", content.len());
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if like.len() == 64 {
        let mut h = sha2::Sha256::new();
        h.update(header.as_bytes());
        h.update(content);
        hex(&h.finalize())
    } else {
        let mut h = sha1::Sha1::new();
        h.update(header.as_bytes());
        h.update(content);
        hex(&h.finalize())
    }
}

/// Whether a path is in a `.terraform` directory: what `terraform init` put there, which git
/// does not track. The revision is mapped with the work tree's when it has none of it.
fn local(path: &Path) -> bool {
    path.components()
        .any(|c| matches!(c, Component::Normal(n) if n == ".terraform"))
}

/// The revision's files beside the work tree's.
pub struct Tree {
    /// The repository's top level (its real path).
    repo: PathBuf,
    listing: Listing,
    max_size: u64,
    /// The revision's files a map reads, by directory.
    by_dir: BTreeMap<PathBuf, BTreeSet<OsString>>,
    /// Those whose copy in the work tree differs (or is missing, or is no regular file).
    changed: BTreeSet<PathBuf>,
}

impl Tree {
    /// Compares every file of the revision that a map reads with the work tree's.
    pub fn new(repo: PathBuf, listing: Listing, max_size: u64) -> Tree {
        let read: Vec<(&PathBuf, &Blob)> = listing
            .files
            .iter()
            .filter(|(p, b)| b.size <= max_size && base::wanted(&p.to_string_lossy()))
            .collect();
        let mut by_dir: BTreeMap<PathBuf, BTreeSet<OsString>> = BTreeMap::new();
        for (p, _) in &read {
            if let (Some(dir), Some(name)) = (p.parent(), p.file_name()) {
                by_dir
                    .entry(dir.to_path_buf())
                    .or_default()
                    .insert(name.to_os_string());
            }
        }
        let changed = read
            .par_iter()
            .filter(|(p, b)| work_id(&repo, p, max_size, &b.oid).as_deref() != Some(&b.oid))
            .map(|(p, _)| (*p).clone())
            .collect();
        Tree {
            repo,
            listing,
            max_size,
            by_dir,
            changed,
        }
    }

    /// Whether the directory holds the same files a map reads in both trees.
    fn dir_same(&self, dir: &Path) -> bool {
        let names = self.by_dir.get(dir);
        if names.is_none() && local(dir) {
            return true;
        }
        let empty = BTreeSet::new();
        let names = names.unwrap_or(&empty);
        if names.iter().any(|n| self.changed.contains(&dir.join(n))) {
            return false;
        }
        let path = self.repo.join(dir);
        if !inside(&self.repo, &path) {
            return false;
        }
        match wanted_names(&path) {
            Ok(work) => work == *names,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => names.is_empty(),
            Err(_) => false,
        }
    }

    /// Whether the file (read by name, whatever its name) is the same in both trees, or in
    /// neither.
    fn file_same(&self, file: &Path) -> bool {
        match self.listing.files.get(file) {
            Some(b) if b.size <= self.max_size => {
                if base::wanted(&file.to_string_lossy()) {
                    !self.changed.contains(file)
                } else {
                    work_id(&self.repo, file, self.max_size, &b.oid).as_deref() == Some(&b.oid)
                }
            }
            Some(_) => false,
            None => local(file) || std::fs::symlink_metadata(self.repo.join(file)).is_err(),
        }
    }

    /// The revision's files under `dir`, whatever their names.
    fn under(&self, dir: &Path) -> impl Iterator<Item = (&PathBuf, &Blob)> {
        let (start, inside) = (dir.to_path_buf(), dir.to_path_buf());
        let dir_itself = dir.to_path_buf();
        self.listing
            .files
            .range(start..)
            .skip_while(move |(p, _)| **p == *dir_itself)
            .take_while(move |(p, _)| p.starts_with(&inside))
    }

    /// Whether the same file names are under `dir` in both trees (what `fileset()` lists; what
    /// the files hold is compared where they are read).
    fn tree_same(&self, dir: &Path) -> bool {
        let rev: BTreeSet<PathBuf> = self
            .under(dir)
            .filter_map(|(p, _)| p.strip_prefix(dir).ok().map(Path::to_path_buf))
            .collect();
        let path = self.repo.join(dir);
        inside(&self.repo, &path) && work_names(&path).is_some_and(|work| work == rev)
    }

    /// Whether a unit reads the same in both trees; `dirs_same` holds [`Tree::dir_same`] of
    /// every directory units read (a module directory is read by each of its callers).
    fn unit_same(&self, unit: &Unit, dirs_same: &BTreeMap<&Path, bool>) -> bool {
        let dir_same = |d: &PathBuf| dirs_same.get(d.as_path()).copied().unwrap_or(false);
        !unit.opaque
            && dir_same(&unit.dir)
            && unit.reached.iter().all(dir_same)
            && unit.files.iter().all(|f| self.file_same(f))
            && unit.trees.iter().all(|t| self.tree_same(t))
    }
}

/// Whether the work tree's `path` is inside the repository after links (a missing path is
/// judged by its text): nothing outside is listed or read.
fn inside(repo: &Path, path: &Path) -> bool {
    match std::fs::canonicalize(path) {
        Ok(real) => real.starts_with(repo),
        Err(_) => path.starts_with(repo),
    }
}

/// The names of the files a map reads in the work tree's directory `dir`.
fn wanted_names(dir: &Path) -> std::io::Result<BTreeSet<OsString>> {
    Ok(std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| base::wanted(&n.to_string_lossy()))
        .collect())
}

/// Entries a tree of the work tree is listed to, at most (as `fileset()` lists at most).
const MAX_TREE_ENTRIES: usize = 10_000;

/// The regular files under `dir` in the work tree (relative to it); `None` when the tree has a
/// link, is too large or cannot be read (it is then taken as changed). A missing directory has
/// no files.
fn work_names(dir: &Path) -> Option<BTreeSet<PathBuf>> {
    let mut out = BTreeSet::new();
    let mut pending = vec![PathBuf::new()];
    let mut seen = 0usize;
    while let Some(rel) = pending.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && rel.as_os_str().is_empty() => {
                return Some(out);
            }
            Err(_) => return None,
        };
        for entry in entries {
            seen += 1;
            if seen > MAX_TREE_ENTRIES {
                return None;
            }
            let entry = entry.ok()?;
            let kind = entry.file_type().ok()?;
            let path = rel.join(entry.file_name());
            if kind.is_dir() {
                if entry.file_name() != ".git" {
                    pending.push(path);
                }
            } else if kind.is_file() {
                out.insert(path);
            } else {
                return None;
            }
        }
    }
    Some(out)
}

/// The blob id of the work tree's file at `rel` (hashed like `like`), when it is a regular file
/// inside the repository of at most `max_size` bytes.
fn work_id(repo: &Path, rel: &Path, max_size: u64, like: &str) -> Option<String> {
    read_work(repo, rel, max_size).map(|bytes| blob_id(&bytes, like))
}

/// The work tree's file at `rel`: a regular file (not a link) whose real path is inside the
/// repository, of at most `max_size` bytes.
fn read_work(repo: &Path, rel: &Path, max_size: u64) -> Option<Vec<u8>> {
    let path = repo.join(rel);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    if !std::fs::canonicalize(&path).ok()?.starts_with(repo) {
        return None;
    }
    crate::files::read_regular(&path, max_size).ok()
}

/// What the copy of the revision holds so far.
struct Copy<'a> {
    tree: &'a Tree,
    snapshot: Snapshot,
    dirs: BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
    trees: BTreeSet<PathBuf>,
    written: BTreeSet<PathBuf>,
    /// Whether the work tree's files can be linked into the copy (same file system).
    links: bool,
}

impl<'a> Copy<'a> {
    fn new(tree: &'a Tree) -> Result<Copy<'a>, String> {
        Ok(Copy {
            tree,
            snapshot: Snapshot::new()?,
            dirs: BTreeSet::new(),
            files: BTreeSet::new(),
            trees: BTreeSet::new(),
            written: BTreeSet::new(),
            links: true,
        })
    }

    /// Copies the files a map reads of each directory, the files read by name, and every file
    /// of the trees whose names were listed. A file the work tree has the same is linked from
    /// there (creating files is most of the cost of a copy); the others are read from the
    /// object database, or for what `terraform init` wrote, from the work tree.
    fn add(
        &mut self,
        dirs: &BTreeSet<PathBuf>,
        files: &BTreeSet<PathBuf>,
        trees: &BTreeSet<PathBuf>,
    ) -> Result<(), String> {
        let tree = self.tree;
        let repo = tree.repo.as_path();
        let mut blobs: Vec<(&Path, &Blob)> = Vec::new();
        let mut locals: Vec<PathBuf> = Vec::new();
        for dir in dirs.difference(&self.dirs) {
            match tree.by_dir.get(dir) {
                Some(names) => {
                    for name in names {
                        let p = dir.join(name);
                        if let Some((p, b)) = tree.listing.files.get_key_value(&p) {
                            blobs.push((p.as_path(), b));
                        }
                    }
                }
                None if local(dir) && inside(repo, &repo.join(dir)) => {
                    let names = wanted_names(&repo.join(dir)).unwrap_or_default();
                    locals.extend(names.into_iter().map(|n| dir.join(n)));
                }
                None => {}
            }
        }
        for file in files.difference(&self.files) {
            match tree.listing.files.get_key_value(file) {
                Some((p, b)) if b.size <= tree.max_size => blobs.push((p.as_path(), b)),
                Some(_) => {}
                None if local(file) => locals.push(file.clone()),
                None => {}
            }
        }
        for t in trees.difference(&self.trees) {
            blobs.extend(
                tree.under(t)
                    .filter(|(_, b)| b.size <= tree.max_size)
                    .map(|(p, b)| (p.as_path(), b)),
            );
        }
        self.dirs.extend(dirs.iter().cloned());
        self.files.extend(files.iter().cloned());
        self.trees.extend(trees.iter().cloned());
        blobs.retain(|(p, _)| self.written.insert(p.to_path_buf()));
        // Only files compared and found the same (regular, inside the repository) are linked.
        blobs.retain(|(p, _)| {
            let same = base::wanted(&p.to_string_lossy()) && !tree.changed.contains(*p);
            if !(same && self.links) {
                return true;
            }
            let linked = self.snapshot.link(p, &repo.join(p));
            self.links = linked;
            !linked
        });
        base::write_blobs(repo, &blobs, &self.snapshot)?;
        for rel in locals {
            if self.written.insert(rel.clone()) {
                if let Some(bytes) = read_work(repo, &rel, tree.max_size) {
                    self.snapshot.put(&rel, &bytes)?;
                }
            }
        }
        Ok(())
    }
}

/// The map of the revision given the scan of the tree as it is: the units that read the same
/// in both keep their map; the others are mapped again in a partial copy of the revision.
pub fn revision_map(
    head: &Scan,
    tree: &Tree,
    paths: &[PathBuf],
    prefix: &Path,
    settings: &Settings,
) -> Result<Revision, String> {
    let units = &head.units;
    let read_dirs: BTreeSet<&Path> = units
        .iter()
        .flat_map(|u| std::iter::once(&u.dir).chain(&u.reached))
        .map(PathBuf::as_path)
        .collect();
    let dirs_same: BTreeMap<&Path, bool> = read_dirs
        .par_iter()
        .map(|d| (*d, tree.dir_same(d)))
        .collect();
    let same: Vec<bool> = units
        .par_iter()
        .map(|u| tree.unit_same(u, &dirs_same))
        .collect();
    // A file of the revision that no unit reads may make a unit of its own there (a root the
    // tree as it is deleted): its directory is mapped too.
    let read_files: BTreeSet<&Path> = units
        .iter()
        .flat_map(|u| &u.files)
        .map(PathBuf::as_path)
        .collect();
    let mut dirs: BTreeSet<PathBuf> = tree
        .changed
        .iter()
        .filter(|p| !read_files.contains(p.as_path()))
        .filter_map(|p| p.parent())
        .filter(|d| !read_dirs.contains(d))
        .map(Path::to_path_buf)
        .collect();
    let mut files = BTreeSet::new();
    let mut trees = BTreeSet::new();
    for (u, same) in units.iter().zip(&same) {
        if !same {
            dirs.insert(u.dir.clone());
        }
    }
    if dirs.is_empty() {
        let map = model::merge(units.iter().filter_map(|u| u.part.clone()), 0);
        let made = Made {
            reused: units.len(),
            ..Made::default()
        };
        return Ok(Revision::Mapped(map, made));
    }
    let mut copy = Copy::new(tree)?;
    for _ in 0..MAX_ROUNDS {
        // Every unit whose directory is copied is mapped again, with the modules it calls.
        let mut mapped = vec![false; units.len()];
        loop {
            let mut grew = false;
            for (i, u) in units.iter().enumerate() {
                if !mapped[i] && dirs.contains(&u.dir) {
                    if u.opaque {
                        return Ok(Revision::Whole(format!(
                            "what `{}` reads is not known (outside the repository, or its analysis stopped)",
                            u.dir.display()
                        )));
                    }
                    mapped[i] = true;
                    grew = true;
                    dirs.extend(u.reached.iter().cloned());
                    files.extend(u.files.iter().cloned());
                    trees.extend(u.trees.iter().cloned());
                }
            }
            if !grew {
                break;
            }
        }
        copy.add(&dirs, &files, &trees)?;
        let root = copy.snapshot.root().to_path_buf();
        let reused = || {
            units
                .iter()
                .zip(&mapped)
                .filter(|(_, m)| !**m)
                .map(|(u, _)| u)
        };
        let elsewhere = Elsewhere {
            called: reused()
                .flat_map(|u| u.reached.iter().map(|d| root.join(d)))
                .collect(),
            created: reused()
                .flat_map(|u| u.created.iter().map(|(f, at)| (root.join(f), *at)))
                .collect(),
        };
        let base_cwd = root.join(prefix);
        let base_paths = revision_paths(&tree.repo, &root, &base_cwd, paths)?;
        let partial = if base_paths.is_empty() || !base_cwd.exists() {
            Scan {
                map: Map::default(),
                units: Vec::new(),
            }
        } else {
            let tops = [
                root.clone(),
                std::fs::canonicalize(&root).unwrap_or(root.clone()),
            ];
            scan(&base_paths, &base_cwd, settings, &tops, &elsewhere)
        };
        // What the units mapped again read must all be in the copy, as the same files.
        let mut more = false;
        for u in &partial.units {
            if u.opaque {
                return Ok(Revision::Whole(format!(
                    "what `{}` reads in the revision is not known (outside the repository, or its analysis stopped)",
                    u.dir.display()
                )));
            }
            let needed = std::iter::once(&u.dir).chain(&u.reached);
            for d in needed {
                more |= dirs.insert(d.clone());
            }
            for f in &u.files {
                more |= files.insert(f.clone());
            }
            for t in &u.trees {
                more |= trees.insert(t.clone());
            }
        }
        if more {
            continue;
        }
        let reused = reused().count();
        let parts = units
            .iter()
            .zip(&mapped)
            .filter(|(_, m)| !**m)
            .filter_map(|(u, _)| u.part.clone())
            .chain(partial.units.into_iter().filter_map(|u| u.part));
        let made = Made {
            reused,
            mapped: units.len() - reused,
            whole: None,
        };
        return Ok(Revision::Mapped(model::merge(parts, 0), made));
    }
    Ok(Revision::Whole(
        "the units mapped again kept reaching files not copied".to_string(),
    ))
}

/// The scanned paths as the copy of the revision has them; those it does not have are left
/// out (the revision has no keys there).
pub fn revision_paths(
    repo: &Path,
    root: &Path,
    base_cwd: &Path,
    paths: &[PathBuf],
) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_absolute() {
            let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            let inside = real
                .strip_prefix(repo)
                .map_err(|_| format!("`{}` is outside the repository", p.display()))?;
            out.push(root.join(inside));
        } else {
            // Absolute: discovery reads relative paths from the process's directory.
            out.push(base_cwd.join(p));
        }
    }
    out.retain(|p| p.exists());
    Ok(out)
}

/// A copy of the whole revision: every file a map reads, the files (and trees) the units of
/// the tree as it is read by name, and what `terraform init` wrote in the work tree for them where the
/// revision has none of it.
pub fn whole_copy(tree: &Tree, units: &[Unit]) -> Result<Snapshot, String> {
    let mut dirs: BTreeSet<PathBuf> = tree.by_dir.keys().cloned().collect();
    dirs.extend(
        units
            .iter()
            .flat_map(|u| std::iter::once(&u.dir).chain(&u.reached))
            .filter(|d| local(d))
            .cloned(),
    );
    let files = units.iter().flat_map(|u| u.files.iter().cloned()).collect();
    let trees = units.iter().flat_map(|u| u.trees.iter().cloned()).collect();
    let mut copy = Copy::new(tree)?;
    copy.add(&dirs, &files, &trees)?;
    Ok(copy.snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and with `--object-format=sha256`.
        assert_eq!(
            blob_id(b"hello\n", &"0".repeat(40)),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            blob_id(b"hello\n", &"0".repeat(64)),
            "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4"
        );
    }

    #[test]
    fn paths_leaving_the_top_are_not_relative() {
        let tops = [PathBuf::from("/r"), PathBuf::from("/real/r")];
        assert_eq!(
            relative(&tops, Path::new("/r/a/../b")),
            Some(PathBuf::from("b"))
        );
        assert_eq!(
            relative(&tops, Path::new("/real/r/c")),
            Some(PathBuf::from("c"))
        );
        assert_eq!(relative(&tops, Path::new("/other/x")), None);
        // Relative paths are read from the process's directory, as the scan reads them.
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            relative(&[here], Path::new("a/./b.tf")),
            Some(PathBuf::from("a/b.tf"))
        );
        assert!(local(Path::new("live/.terraform/modules/kms")));
        assert!(!local(Path::new("live/terraform/modules")));
    }
}
