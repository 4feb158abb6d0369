//! The files of one run: read once, shared by every module that needs them, each with one id.
//!
//! A module directory is analysed on its own and again through every `module` block that calls
//! it; its files must keep one [`FileId`] so that findings at the same place are recognised as the
//! same. Reading is thread-safe; a file that cannot be read is reported once.
//!
//! Confinement: the scanned tree is hostile, so every file it makes kmslint read (the walked
//! files, module sources, `file()` and its kin) is opened once, and the opened handle is checked:
//! a regular file, within the size cap, whose real path (after symbolic links) lies inside the
//! repository. Files the user named (`--var-file`, the configuration) are read wherever they are.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::{InputError, InputErrorKind};
use crate::source::{self, FileId, SourceFile, SourceMap, display_path};

/// What makes two paths the same file: the device and inode where there are inodes (from the
/// opened handle, whose read follows), else the canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

#[derive(Default)]
struct Inner {
    by_path: HashMap<FileKey, Result<FileId, ()>>,
    files: Vec<Arc<SourceFile>>,
    errors: Vec<InputError>,
}

/// The registry of files read during a run.
pub struct Files {
    base: PathBuf,
    max_size: u64,
    /// Real paths of the repositories: files whose real path is outside all of them are never
    /// read (a module source or `file()` path that leads out is reported, and treated as unknown).
    boundaries: Vec<PathBuf>,
    /// Real paths of files the user named (`--var-file`, configuration files): read wherever
    /// they are.
    trusted: Vec<PathBuf>,
    inner: Mutex<Inner>,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A FIFO, socket, device or directory.
    NotRegular,
    /// Larger than the cap (its size, or at least the cap plus one byte when it grew).
    TooLarge {
        size: u64,
        cap: u64,
    },
    /// Its real path lies outside the repository.
    Outside,
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::NotRegular => {
                f.write_str("not a regular file (FIFO, socket, device or directory)")
            }
            ReadError::TooLarge { size, cap } => write!(
                f,
                "file is {size} bytes, larger than the limit of {cap} bytes"
            ),
            ReadError::Outside => f.write_str(
                "leads outside the repository (through a symbolic link or `..`); it was not read",
            ),
        }
    }
}

/// Opens `path` for reading without blocking (a FIFO would wait for a writer) and returns the
/// handle with its own metadata, refusing anything but a regular file: the checks apply to the
/// file that was opened, not to whatever the path names a moment later.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta))
}

/// Reads at most `cap` bytes of an opened regular file; a file that holds more is refused.
fn read_capped(
    file: std::fs::File,
    meta: &std::fs::Metadata,
    cap: u64,
) -> Result<Vec<u8>, ReadError> {
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Reads a regular file of at most `cap` bytes (configuration, baselines, variable files):
/// `/dev/zero` or a FIFO is refused at once instead of read without end.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path)?;
    read_capped(file, &meta, cap)
}

/// The real path of an opened file: where the kernel says the handle points (Linux), else the
/// canonical form of the path it was opened by.
fn real_path(file: &std::fs::File, path: &Path) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let link = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if let Ok(real) = std::fs::read_link(link) {
            if real.is_absolute() {
                return Some(real);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
    std::fs::canonicalize(path).ok()
}

/// The repository of each scanned path, as real paths: the nearest directory holding `.git`
/// (a directory or a worktree's file) above the path's real location, else the path itself (its
/// directory, for a file).
pub fn repositories(paths: &[PathBuf], base: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let joined = normalize(&base.join(p));
            let real = std::fs::canonicalize(&joined).unwrap_or(joined);
            let dir = if real.is_file() {
                real.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                real
            };
            work_tree(&dir).unwrap_or(&dir).to_path_buf()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The git work tree holding `dir`: the nearest of it and its ancestors that holds `.git` (a
/// directory, or the file of a worktree or submodule).
pub fn work_tree(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(".git").exists())
}

/// Whether `path` (a real path) lies inside one of `boundaries` (real paths).
pub fn inside(path: &Path, boundaries: &[PathBuf]) -> bool {
    boundaries.iter().any(|b| path.starts_with(b))
}

impl Files {
    pub fn new(base: &Path, boundaries: &[PathBuf], max_size: u64) -> Self {
        Files {
            base: base.to_path_buf(),
            max_size,
            boundaries: boundaries
                .iter()
                .map(|b| {
                    let b = normalize(&base.join(b));
                    std::fs::canonicalize(&b).unwrap_or(b)
                })
                .collect(),
            trusted: Vec::new(),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Files the user named, read even when outside the repository.
    pub fn trust(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for p in paths {
            if let Ok(real) = std::fs::canonicalize(self.base.join(p)) {
                self.trusted.push(real);
            }
        }
    }

    /// How `path` is shown in reports.
    pub fn display(&self, path: &Path) -> String {
        display_path(path, &self.base)
    }

    /// Whether `path`, after symbolic links, lies inside the repository. A path that does not
    /// exist is judged by its text.
    pub fn allowed(&self, path: &Path) -> bool {
        let joined = normalize(&self.base.join(path));
        match std::fs::canonicalize(&joined) {
            Ok(real) => self.permits(&real),
            Err(_) => inside(&joined, &self.boundaries),
        }
    }

    /// Whether a real path may be read: inside the repository, or a file the user named.
    fn permits(&self, real: &Path) -> bool {
        inside(real, &self.boundaries) || self.trusted.iter().any(|t| t == real)
    }

    /// Reads `path` (once per run); `None` when it cannot be read (the error is recorded).
    pub fn load(&self, path: &Path) -> Option<(FileId, Arc<SourceFile>)> {
        self.load_limited(path, self.max_size)
    }

    /// [`Files::load`] with another size limit (plans are far larger than configuration files).
    pub fn load_limited(&self, path: &Path, max_size: u64) -> Option<(FileId, Arc<SourceFile>)> {
        self.load_with(path, max_size, false)
    }

    /// [`Files::load`] for a path the configuration names (`file()`): one that does not exist
    /// is `None` without an error, since a module analysed on its own is not where Terraform
    /// would resolve it, and a file can be generated before apply.
    pub fn load_if_exists(&self, path: &Path) -> Option<(FileId, Arc<SourceFile>)> {
        self.load_with(path, self.max_size, true)
    }

    fn load_with(
        &self,
        path: &Path,
        max_size: u64,
        quiet_missing: bool,
    ) -> Option<(FileId, Arc<SourceFile>)> {
        let display = display_path(path, &self.base);
        // Only what is a regular file a moment before is opened, since opening some devices
        // has effects of its own; the opened handle is then checked again, and its real path is
        // judged (a regular file outside is opened, never read).
        let opened = match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Err(ReadError::NotRegular),
            _ => open_regular(path),
        };
        let opened = opened.and_then(|(file, meta)| {
            let real = real_path(&file, path);
            let allowed = real.as_ref().is_some_and(|r| self.permits(r));
            if allowed {
                Ok((file, meta, real))
            } else {
                Err(ReadError::Outside)
            }
        });
        let (file, meta, real) = match opened {
            Ok(o) => o,
            Err(e) if quiet_missing && e.is_not_found() => return None,
            Err(e) => {
                let key = FileKey::Path(normalize(&self.base.join(path)));
                let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
                if inner.by_path.insert(key, Err(())).is_none() {
                    inner.errors.push(read_error(&display, &e));
                }
                return None;
            }
        };
        let key = file_key(&meta, real);
        {
            let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(known) = inner.by_path.get(&key) {
                let id = known.as_ref().ok()?;
                return inner.files.get(id.0 as usize).map(|f| (*id, Arc::clone(f)));
            }
        }
        let read = read_capped(file, &meta, max_size)
            .map_err(|e| Box::new(read_error(&display, &e)))
            .and_then(|bytes| source::from_bytes(path, &display, bytes));
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        // Another thread may have read it meanwhile.
        if let Some(known) = inner.by_path.get(&key) {
            let id = known.as_ref().ok()?;
            return inner.files.get(id.0 as usize).map(|f| (*id, Arc::clone(f)));
        }
        match read {
            Ok(file) => {
                let id = FileId(u32::try_from(inner.files.len()).unwrap_or(u32::MAX));
                let file = Arc::new(file);
                inner.files.push(Arc::clone(&file));
                inner.by_path.insert(key, Ok(id));
                Some((id, file))
            }
            Err(e) => {
                inner.errors.push(*e);
                inner.by_path.insert(key, Err(()));
                None
            }
        }
    }

    /// Adds a file that exists only in memory.
    pub fn add_text(&self, name: &str, text: String) -> (FileId, Arc<SourceFile>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let id = FileId(u32::try_from(inner.files.len()).unwrap_or(u32::MAX));
        let file = Arc::new(SourceFile::new(PathBuf::from(name), name.to_string(), text));
        inner.files.push(Arc::clone(&file));
        inner
            .by_path
            .insert(FileKey::Path(PathBuf::from(name)), Ok(id));
        (id, file)
    }

    /// The sources and the read errors.
    /// The path a file was read by.
    pub fn path(&self, id: FileId) -> Option<PathBuf> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.files.get(id.0 as usize).map(|f| f.path.clone())
    }

    pub fn finish(self) -> (SourceMap, Vec<InputError>) {
        let inner = self
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        (SourceMap::from_files(inner.files), inner.errors)
    }
}

#[cfg(unix)]
fn file_key(meta: &std::fs::Metadata, _real: Option<PathBuf>) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    FileKey::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_key(_meta: &std::fs::Metadata, real: Option<PathBuf>) -> FileKey {
    FileKey::Path(real.unwrap_or_default())
}

/// The input error for a file that was not read; it names the path as written (the link), never
/// where a link leads.
fn read_error(display: &str, e: &ReadError) -> InputError {
    let whole = |kind, message: String| InputError::whole(kind, display, message);
    match e {
        ReadError::Io(_) => whole(InputErrorKind::Unreadable, e.to_string()),
        ReadError::NotRegular => whole(
            InputErrorKind::NotARegularFile,
            "not a regular file (FIFO, socket or device); it was skipped".to_string(),
        ),
        ReadError::TooLarge { .. } => {
            whole(InputErrorKind::TooLarge, format!("{e}; it was skipped")).with_help(
                "raise the limit with `--max-file-size BYTES` (`--max-plan-size BYTES` for plans)",
            )
        }
        // A boundary of kmslint's own, not a fault of the input: a note, as for a walked link.
        ReadError::Outside => whole(InputErrorKind::Skipped, e.to_string()),
    }
}

/// Removes `.` and resolves `..` lexically; `..` that climbs above a relative path's start is
/// kept (`../../m` stays as it is), and above the root is dropped.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `from`, lexically (both relative to the same directory, or both
/// absolute): `modules/m` from `.`, `../modules/m` from `root`; `None` when `from` climbs out
/// with `..` further than `path` does.
pub fn relative(path: &Path, from: &Path) -> Option<PathBuf> {
    let path = normalize(path);
    let from = normalize(from);
    let p: Vec<_> = path.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = p.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for c in &f[common..] {
        if !matches!(c, std::path::Component::Normal(_)) {
            return None;
        }
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    Some(out)
}

/// `path` as Terraform shows a module path: `/`-separated, `.` for the directory itself.
pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            std::path::Component::RootDir => String::new(),
            other => source::escape_component(other.as_os_str()),
        })
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `display` (relative to `cwd`, or absolute) relative to `root`, when the file lies under it.
pub fn under_root(cwd: &Path, root: &Path, display: &str) -> Option<String> {
    if display.is_empty() {
        return None;
    }
    let full = normalize(&cwd.join(display));
    let rel = full.strip_prefix(root).ok()?;
    Some(slash_path(rel))
}

/// A repository-relative path for a report: the working directory's place in the repository
/// (`envs/prod/`) joined to a display path (`../../modules/kms/main.tf`) and normalised
/// (`modules/kms/main.tf`). Absolute display paths are kept.
pub fn repo_relative(prefix: &str, display: &str) -> String {
    if display.is_empty() || display.starts_with('/') || prefix.is_empty() {
        return display.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in prefix.split('/').chain(display.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_leading_parents() {
        assert_eq!(normalize(Path::new("./a/../b")), PathBuf::from("b"));
        assert_eq!(
            normalize(Path::new("./../../m/kms")),
            PathBuf::from("../../m/kms")
        );
        assert_eq!(normalize(Path::new("a/../../m")), PathBuf::from("../m"));
        assert_eq!(normalize(Path::new("/../etc")), PathBuf::from("/etc"));
    }

    #[test]
    fn relative_paths_between_module_directories() {
        let rel = |p: &str, from: &str| relative(Path::new(p), Path::new(from));
        assert_eq!(rel("modules/m", "."), Some(PathBuf::from("modules/m")));
        assert_eq!(
            rel("repo/modules/m", "repo/root"),
            Some("../modules/m".into())
        );
        assert_eq!(rel("../../m", "."), Some(PathBuf::from("../../m")));
        assert_eq!(rel("x", "x"), Some(PathBuf::new()));
        // From above the start of a relative path, the way back is not known.
        assert_eq!(rel("a", "../b"), None);
        assert_eq!(slash_path(Path::new("")), ".");
        assert_eq!(slash_path(Path::new("../modules/m")), "../modules/m");
    }

    #[test]
    fn repository_relative_report_paths() {
        assert_eq!(
            repo_relative("envs/prod/", "../../modules/kms/main.tf"),
            "modules/kms/main.tf"
        );
        assert_eq!(repo_relative("envs/prod/", "main.tf"), "envs/prod/main.tf");
        assert_eq!(repo_relative("", "../x.tf"), "../x.tf");
        assert_eq!(repo_relative("a/", "/abs/x.tf"), "/abs/x.tf");
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let t = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        ));
        let fifo = t.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Without a writer, a blocking open would never return.
        assert!(matches!(
            read_regular(&fifo, 10),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_regular(t.path(), 10),
            Err(ReadError::NotRegular)
        ));
        std::fs::write(t.path().join("big"), "12345678901").unwrap();
        assert!(matches!(
            read_regular(&t.path().join("big"), 10),
            Err(ReadError::TooLarge { size: 11, cap: 10 })
        ));
        assert_eq!(read_regular(&t.path().join("big"), 11).unwrap().len(), 11);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_repository_are_refused_and_named() {
        let t = tempfile::tempdir().unwrap();
        let repo = t.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::write(t.path().join("secret"), "SECRET").unwrap();
        std::fs::write(repo.join("inside.txt"), "fine").unwrap();
        std::os::unix::fs::symlink("../secret", repo.join("creds")).unwrap();
        std::os::unix::fs::symlink("inside.txt", repo.join("alias")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", repo.join("env")).unwrap();
        let files = Files::new(&repo, std::slice::from_ref(&repo), 1 << 20);
        assert!(files.load(&repo.join("creds")).is_none());
        assert!(files.load(&repo.join("creds")).is_none());
        assert!(files.load(&repo.join("env")).is_none());
        assert!(files.load(&repo.join("../secret")).is_none());
        assert!(!files.allowed(&repo.join("creds")));
        assert!(files.allowed(&repo.join("alias")));
        // A link inside the repository is the file it names: one id.
        let (a, _) = files.load(&repo.join("alias")).unwrap();
        let (b, text) = files.load(&repo.join("inside.txt")).unwrap();
        assert_eq!(a, b);
        assert_eq!(text.text, "fine");
        // A missing file named by the configuration is not an error.
        assert!(files.load_if_exists(&repo.join("nowhere")).is_none());
        let (_, errors) = files.finish();
        let shown: Vec<_> = errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        for (path, message) in &shown {
            assert!(!message.contains("SECRET"));
            assert!(
                message.contains("outside the repository"),
                "{path}: {message}"
            );
        }
        let paths: Vec<_> = shown.iter().map(|(p, _)| *p).collect();
        assert_eq!(paths, ["creds", "env", "../secret"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_the_user_named_are_read_where_they_are() {
        let t = tempfile::tempdir().unwrap();
        let repo = t.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::write(t.path().join("vars.tfvars"), "a = 1\n").unwrap();
        let mut files = Files::new(&repo, std::slice::from_ref(&repo), 1 << 20);
        files.trust([t.path().join("vars.tfvars")]);
        assert!(files.load(&t.path().join("vars.tfvars")).is_some());
    }
}
