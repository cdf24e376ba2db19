//! The rendered tree in memory: relative path → bytes. The stage between generation/emission
//! and the disk; `render` writes it, `check` and `diff` compare it with a folder.
//! Paths are `/`-separated, relative, and never contain `.` or `..` steps.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// Lowercase hex of the sha256 of `bytes`: how platc names file contents (the manifest, the
/// plan, the inputs digest). sha2 0.11's output array has no `LowerHex`, so the encoding is
/// done here.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    files: BTreeMap<String, Vec<u8>>,
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. Returns false (and keeps the first) when the path is already taken,
    /// which is a generator bug the caller reports.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> bool {
        let path = path.into();
        debug_assert!(is_clean_relative(&path), "unclean tree path {path}");
        if self.files.contains_key(&path) {
            return false;
        }
        self.files.insert(path, bytes.into());
        true
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// True for `a/b/c.yaml`: relative, `/`-separated, no empty, `.` or `..` steps.
pub fn is_clean_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}
