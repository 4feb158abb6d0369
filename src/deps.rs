//! What the analysis of one root module read of the tree beyond its module directories, path by
//! path: the map of a revision reuses a root's map when nothing it read changed (`map --base`).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files a root's analysis read or looked for by name, beside the directories of its
/// modules (which the analysis records itself).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deps {
    /// `file()`, `templatefile()` and `fileexists()` paths, the module manifest, Terragrunt's
    /// included files and the files `find_in_parent_folders()` looked for: read or only looked
    /// for (a file that does not exist is a dependency too, as it may appear).
    pub files: BTreeSet<PathBuf>,
    /// Directories whose whole tree of file names was listed (`fileset()`).
    pub trees: BTreeSet<PathBuf>,
    /// Whether what it read is not known (its analysis stopped): any change may touch it.
    pub opaque: bool,
}

/// Collects [`Deps`] while one root is analysed (on one thread).
#[derive(Debug, Default)]
pub struct Recorder(RefCell<Deps>);

impl Recorder {
    pub fn file(&self, path: &Path) {
        self.0
            .borrow_mut()
            .files
            .insert(crate::files::normalize(path));
    }

    pub fn tree(&self, dir: &Path) {
        self.0
            .borrow_mut()
            .trees
            .insert(crate::files::normalize(dir));
    }

    pub fn opaque(&self) {
        self.0.borrow_mut().opaque = true;
    }

    pub fn into_inner(self) -> Deps {
        self.0.into_inner()
    }
}
