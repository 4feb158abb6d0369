//! The files of one run: read once, shared by every module that needs them, each with one id.
//!
//! A module directory is analysed on its own and again through every `module` block that calls
//! it; its files must keep one [`FileId`] so that findings at the same place are recognised as the
//! same. Reading is thread-safe; a file that cannot be read is reported once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::InputError;
use crate::source::{self, FileId, SourceFile, SourceMap, display_path};

/// What makes two paths the same file: the device and inode where there are inodes (one
/// `stat`, whose result the read reuses, instead of resolving every path component as
/// `canonicalize` does), else the canonical path.
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
    /// Files outside these directories are never read (a module source or `file()` path that
    /// escapes them is reported, or treated as unknown).
    boundaries: Vec<PathBuf>,
    inner: Mutex<Inner>,
}

impl Files {
    pub fn new(base: &Path, boundaries: &[PathBuf], max_size: u64) -> Self {
        Files {
            base: base.to_path_buf(),
            max_size,
            boundaries: boundaries
                .iter()
                .map(|b| normalize(&base.join(b)))
                .collect(),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether `path` lies inside a boundary.
    pub fn allowed(&self, path: &Path) -> bool {
        let path = normalize(&self.base.join(path));
        self.boundaries.iter().any(|b| path.starts_with(b))
    }

    /// Reads `path` (once per run); `None` when it cannot be read (the error is recorded).
    pub fn load(&self, path: &Path) -> Option<(FileId, Arc<SourceFile>)> {
        self.load_limited(path, self.max_size)
    }

    /// [`Files::load`] with another size limit (plans are far larger than configuration files).
    pub fn load_limited(&self, path: &Path, max_size: u64) -> Option<(FileId, Arc<SourceFile>)> {
        let meta = std::fs::metadata(path);
        let key = match &meta {
            #[cfg(unix)]
            Ok(m) => {
                use std::os::unix::fs::MetadataExt;
                FileKey::Inode(m.dev(), m.ino())
            }
            #[cfg(not(unix))]
            Ok(_) => FileKey::Path(
                std::fs::canonicalize(path).unwrap_or_else(|_| normalize(&self.base.join(path))),
            ),
            Err(_) => FileKey::Path(normalize(&self.base.join(path))),
        };
        {
            let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(known) = inner.by_path.get(&key) {
                let id = known.as_ref().ok()?;
                return inner.files.get(id.0 as usize).map(|f| (*id, Arc::clone(f)));
            }
        }
        let display = display_path(path, &self.base);
        let read = source::read(path, &display, max_size, meta);
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
    pub fn finish(self) -> (SourceMap, Vec<InputError>) {
        let inner = self
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        (SourceMap::from_files(inner.files), inner.errors)
    }
}

/// Removes `.` and resolves `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
