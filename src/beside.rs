//! Files beside the blueprint (overlay folders, an audit policy): the compiler reads them
//! through [`Beside`], so the pipeline itself does no I/O and tests hand it files from memory.
//! Paths are `/`-separated and relative to one root (the blueprint's folder, or the folder
//! `platc kustomize` builds); a path that leaves the root, by `..` or through a symlink, is
//! refused, so an overlay cannot read `~/.aws/credentials`.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// What is at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    Missing,
    /// The path leaves the root (`..`, absolute, or a symlink pointing out).
    Outside,
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The path leaves the root (`..`, absolute, or a symlink pointing out).
    Outside,
    /// Nothing there, a folder, or an I/O error: the text says which.
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Outside => f.write_str("it leaves the blueprint's folder"),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

/// A read-only view of the files under one root.
pub trait Beside: Sync {
    fn entry(&self, rel: &str) -> Entry;
    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError>;
    /// Every file below the folder `rel` (relative to the root, sorted); nothing for a path
    /// that is not a folder inside the root. Symlinks are not followed.
    fn list(&self, rel: &str) -> Vec<String>;
    /// The path of the folder or file at `rel` once symbolic links are resolved, relative to
    /// the root (`None` when nothing is there or it leaves the root): two paths naming one
    /// folder give one answer, which is how a nested kustomization's cycle is found.
    fn real_path(&self, rel: &str) -> Option<String> {
        normalize(rel)
    }
}

/// `a/./b/../c` → `a/c`; `None` when the path is absolute or climbs above the root.
pub fn normalize(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// `base` joined with `rel`, normalized (`None` when the result leaves the root).
pub fn join(base: &str, rel: &str) -> Option<String> {
    if base.is_empty() {
        normalize(rel)
    } else {
        normalize(&format!("{base}/{rel}"))
    }
}

/// Files on disk under `root`.
#[derive(Clone, Debug)]
pub struct Disk {
    root: PathBuf,
    /// The root with symlinks resolved, once per run (every read resolves against it).
    real_root: OnceLock<Option<PathBuf>>,
}

impl Disk {
    pub fn new(root: impl Into<PathBuf>) -> Disk {
        let root = root.into();
        Disk {
            root: if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            },
            real_root: OnceLock::new(),
        }
    }

    fn real_root(&self) -> Option<&PathBuf> {
        self.real_root
            .get_or_init(|| self.root.canonicalize().ok())
            .as_ref()
    }

    /// The path on disk, when it stays under the root once symlinks are resolved.
    fn resolve(&self, rel: &str) -> Result<Option<PathBuf>, ReadError> {
        let rel = normalize(rel).ok_or(ReadError::Outside)?;
        let path = self.root.join(&rel);
        let (Some(root), Ok(real)) = (self.real_root(), path.canonicalize()) else {
            return Ok(None);
        };
        if real.starts_with(root) {
            Ok(Some(real))
        } else {
            Err(ReadError::Outside)
        }
    }
}

impl Beside for Disk {
    fn entry(&self, rel: &str) -> Entry {
        match self.resolve(rel) {
            Ok(Some(p)) if p.is_dir() => Entry::Dir,
            Ok(Some(p)) if p.is_file() => Entry::File,
            Err(ReadError::Outside) => Entry::Outside,
            _ => Entry::Missing,
        }
    }

    fn real_path(&self, rel: &str) -> Option<String> {
        let real = self.resolve(rel).ok()??;
        let rel = real.strip_prefix(self.real_root()?).ok()?;
        Some(rel.to_str()?.replace('\\', "/"))
    }

    fn list(&self, rel: &str) -> Vec<String> {
        let Ok(Some(dir)) = self.resolve(rel) else {
            return Vec::new();
        };
        let Some(root) = self.real_root() else {
            return Vec::new();
        };
        let mut out: Vec<String> = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e.path().strip_prefix(root).ok()?;
                Some(rel.to_str()?.replace('\\', "/"))
            })
            .collect();
        out.sort();
        out
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let Some(path) = self.resolve(rel)? else {
            return Err(ReadError::Io("no such file".into()));
        };
        // Every file read beside the blueprint is parsed with a cap of at most this much
        // (overlay inputs have the largest, `overlay::MAX_INPUT_BYTES`; the audit policy is
        // parsed with the blueprint's 16 MiB); one byte past it is how the parser knows the
        // file is too large.
        crate::regular_file::read(
            &path,
            crate::overlay::MAX_INPUT_BYTES,
            crate::regular_file::Links::Follow,
        )
        .map_err(|e| match e {
            crate::regular_file::Error::Io(e) => ReadError::Io(io_text(&e)),
            not_regular => ReadError::Io(not_regular.to_string()),
        })
    }
}

/// An I/O error without the OS's error number (stable across machines, for golden output).
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Files in memory, for tests and for callers that already hold them.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    files: BTreeMap<String, Vec<u8>>,
}

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    /// A file's text (tests build one `Memory` from another).
    pub fn read_text(&self, rel: &str) -> String {
        self.read(rel)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    pub fn with(mut self, rel: &str, bytes: impl Into<Vec<u8>>) -> Memory {
        self.files
            .insert(normalize(rel).unwrap_or_default(), bytes.into());
        self
    }
}

impl Beside for Memory {
    fn entry(&self, rel: &str) -> Entry {
        let Some(rel) = normalize(rel) else {
            return Entry::Outside;
        };
        if self.files.contains_key(&rel) {
            return Entry::File;
        }
        let prefix = format!("{rel}/");
        if rel.is_empty() || self.files.keys().any(|k| k.starts_with(&prefix)) {
            Entry::Dir
        } else {
            Entry::Missing
        }
    }

    fn list(&self, rel: &str) -> Vec<String> {
        let Some(rel) = normalize(rel) else {
            return Vec::new();
        };
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{rel}/")
        };
        self.files
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect()
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let rel = normalize(rel).ok_or(ReadError::Outside)?;
        match self.files.get(&rel) {
            Some(b) => Ok(b.clone()),
            None if self.entry(&rel) == Entry::Dir => Err(ReadError::Io("it is a folder".into())),
            None => Err(ReadError::Io("no such file".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_inside_the_root_only() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize("/etc/passwd"), None);
        assert_eq!(
            join("overlays/a", "../b/p.yaml").as_deref(),
            Some("overlays/b/p.yaml")
        );
        assert_eq!(join("", "p.yaml").as_deref(), Some("p.yaml"));
    }

    #[test]
    fn memory_has_files_and_folders() {
        let m = Memory::new().with("o/kustomization.yaml", "a: 1\n");
        assert_eq!(m.entry("o"), Entry::Dir);
        assert_eq!(m.entry("o/kustomization.yaml"), Entry::File);
        assert_eq!(m.entry("p"), Entry::Missing);
        assert_eq!(m.read("o/../o/kustomization.yaml").unwrap(), b"a: 1\n");
        assert_eq!(m.read("../x"), Err(ReadError::Outside));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("link"))
            .unwrap();
        std::fs::write(root.path().join("ok"), "y").unwrap();
        let disk = Disk::new(root.path());
        assert_eq!(disk.read("link"), Err(ReadError::Outside));
        assert_eq!(disk.read("ok").unwrap(), b"y");
        assert_eq!(disk.entry("link"), Entry::Outside);
    }
}
