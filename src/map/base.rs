//! The files of a git revision, listed and read from the object database into a directory of
//! their own (or linked from the work tree where it has them the same): the work tree and the
//! index are never touched. The scanned repository is hostile, so git runs without the system
//! and global configuration, with no hooks and no fsmonitor, and only `ls-tree` and
//! `cat-file --batch` (which applies no filter or textconv) read it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Files a map reads: configuration (`.tf`, `.tofu`, their JSON forms, Terragrunt's `.hcl`),
/// variables, plans, templates, module manifests, kmslint's configuration.
pub fn wanted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::terraform::layout::syntax(Path::new(name)).is_some()
        || [".hcl", ".tfvars", ".tfvars.json", ".json", ".tpl", ".tftpl"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || crate::config::file::FILE_NAMES.contains(&name)
}

/// A regular file of a revision.
#[derive(Debug, Clone)]
pub struct Blob {
    pub oid: String,
    pub size: u64,
}

/// The regular files of a revision (symbolic links and submodules are not files of it: a scan
/// does not follow the former out of the copy, and has none of the latter).
#[derive(Debug, Default)]
pub struct Listing {
    pub files: std::collections::BTreeMap<PathBuf, Blob>,
}

/// A copy of some files of a revision in a temporary directory, removed on drop.
pub struct Snapshot {
    dir: PathBuf,
}

impl Snapshot {
    /// An empty copy, its top level marked as a repository so that the scan is confined to it
    /// as it is to the work tree.
    pub fn new() -> Result<Snapshot, String> {
        let snapshot = Snapshot {
            dir: new_temp_dir()?,
        };
        std::fs::create_dir(snapshot.dir.join(".git")).map_err(|e| e.to_string())?;
        Ok(snapshot)
    }

    /// The directory of the repository's top level in the copy.
    pub fn root(&self) -> &Path {
        &self.dir
    }

    /// Where `rel` (a relative path of normal components) goes in the copy, its directory
    /// made.
    fn target(&self, rel: &Path) -> Result<PathBuf, String> {
        if safe_path(&rel.to_string_lossy()).is_none() {
            return Err(format!("`{}` is not a path of the tree", rel.display()));
        }
        let target = self.dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        Ok(target)
    }

    /// Writes a file read elsewhere at `rel`.
    pub fn put(&self, rel: &Path, content: &[u8]) -> Result<(), String> {
        let target = self.target(rel)?;
        // `create_new`: two entries cannot both write one file, nor a planted link be followed.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .and_then(|mut f| f.write_all(content))
            .map_err(|e| format!("cannot write {}: {e}", target.display()))
    }

    /// Makes `rel` another name of the work tree's file `from` (a hard link: no data is
    /// copied, and the copy's path is the one a scan sees). `false` when the file system
    /// refuses (another device, no links): the caller writes the file instead.
    pub fn link(&self, rel: &Path, from: &Path) -> bool {
        self.target(rel)
            .is_ok_and(|target| std::fs::hard_link(from, target).is_ok())
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        // Best effort: a temporary directory left behind is not an error of the run.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn git(repo: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(repo)
        .args([
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.untrackedCache=false",
            "-c",
            "protocol.allow=never",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null());
    c
}

/// A path of the tree as a relative path with only normal components (git never stores
/// others, but the object database is input like any other).
fn safe_path(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().all(|c| match c {
            Component::Normal(n) => n != ".git",
            _ => false,
        });
    ok.then(|| p.to_path_buf())
}

/// Lists the regular files of `revision` of the repository at `repo`.
pub fn list(repo: &Path, revision: &str) -> Result<Listing, String> {
    if revision.starts_with('-') {
        return Err(format!("`{revision}` is not a revision"));
    }
    let commit = run(git(repo).args([
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{revision}^{{commit}}"),
    ]))
    .map_err(|e| format!("`{revision}` is not a commit of the repository: {e}"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let listing = run(git(repo).args(["ls-tree", "-r", "-z", "-l", "--full-tree", &commit]))?;
    let mut files = std::collections::BTreeMap::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split_whitespace();
        let (Some(mode), Some(kind), Some(oid), Some(size)) =
            (meta.next(), meta.next(), meta.next(), meta.next())
        else {
            continue;
        };
        // Regular files only: no symlinks (120000), no submodules.
        if kind != "blob" || !matches!(mode, "100644" | "100755") {
            continue;
        }
        let (Ok(size), Some(rel)) = (size.parse::<u64>(), safe_path(path)) else {
            continue;
        };
        files.insert(
            rel,
            Blob {
                oid: oid.to_string(),
                size,
            },
        );
    }
    Ok(Listing { files })
}

fn new_temp_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!(
            "kmslint-base-{}-{stamp}-{attempt}",
            std::process::id()
        ));
        // `create_dir` fails on anything already there, a planted symlink included.
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create a temporary directory: {e}")),
        }
    }
    Err("cannot create a temporary directory".to_string())
}

fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(crate::report::escape::text(err.trim()).into_owned())
    }
}

/// Reads the blobs with one `git cat-file --batch` and writes each at its path in `snapshot`.
pub fn write_blobs(
    repo: &Path,
    files: &[(&Path, &Blob)],
    snapshot: &Snapshot,
) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    let mut child = git(repo)
        .args(["cat-file", "--batch", "--buffer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("cannot talk to git cat-file".to_string());
    };
    let oids: Vec<String> = files.iter().map(|(_, b)| b.oid.clone()).collect();
    // Written from a thread of its own: git's output must be read while it reads its input.
    // Both ends buffered: one pipe write per few hundred objects, not three per object.
    let feeder = std::thread::spawn(move || {
        let mut stdin = std::io::BufWriter::new(&mut stdin);
        for oid in oids {
            if writeln!(stdin, "{oid}").is_err() {
                break;
            }
        }
        let _ = stdin.flush();
    });
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut result = Ok(());
    for (rel, blob) in files {
        let oid = &blob.oid;
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(|e| e.to_string())? == 0 {
            result = Err("git cat-file stopped early".to_string());
            break;
        }
        let mut parts = header.split_whitespace();
        let (Some(got), Some("blob"), Some(size)) = (parts.next(), parts.next(), parts.next())
        else {
            result = Err(format!("unexpected answer from git cat-file for {oid}"));
            break;
        };
        let size: u64 = size.parse().map_err(|_| "bad size from git".to_string())?;
        let mut content = Vec::new();
        (&mut reader)
            .take(size)
            .read_to_end(&mut content)
            .map_err(|e| e.to_string())?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline).map_err(|e| e.to_string())?;
        if got != oid {
            result = Err(format!("git cat-file answered {got} for {oid}"));
            break;
        }
        snapshot.put(rel, &content)?;
    }
    drop(reader);
    let _ = child.kill();
    let _ = child.wait();
    let _ = feeder.join();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert!(safe_path("a/b.tf").is_some());
        assert!(safe_path("../x.tf").is_none());
        assert!(safe_path("/etc/x.tf").is_none());
        assert!(safe_path("a/.git/config.tf").is_none());
        assert!(safe_path("").is_none());
    }

    #[test]
    fn only_files_a_map_reads_are_wanted() {
        assert!(wanted("main.tf") && wanted("x/plan.json") && wanted("kmslint.toml"));
        assert!(wanted("a/main.tofu") && wanted("b/terragrunt.hcl") && wanted("c/x.tf.json"));
        assert!(wanted(".terraform/modules/modules.json") && wanted("a.tfvars"));
        assert!(!wanted("README.md") && !wanted("script.sh"));
    }
}
