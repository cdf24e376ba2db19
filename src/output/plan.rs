//! Deciding, without writing anything, what a render would do to an output folder. This
//! module owns the classification of every path (see [`Action`]), the folder's safety rules
//! and the manifest a render would leave behind; `write.rs` only carries a [`Plan`] out, and
//! `platc check` and `platc diff` use a plan alone.
//!
//! Safety: platc never writes or deletes through a symbolic link. The plan is refused when
//! the output folder itself is a symlink or not a folder, when any existing step between
//! the folder and a file (tree or manifest path) is a symlink or not a folder, or when the
//! file itself is a symlink, a folder, or anything but a regular file (a FIFO would block
//! the read). Metadata is read with `symlink_metadata`, which never follows links. Files the
//! previous manifest does not list are never classified as removable, wherever they are.
//!
//! A file nobody owns that already holds exactly the tree's bytes is adopted (`Unchanged`):
//! taking ownership changes nothing on disk, and it lets a folder whose manifest was lost
//! converge without `--force`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::OutputError;
use super::manifest::{
    MANIFEST_PATH, MAX_MANIFEST_BYTES, Manifest, PENDING_PATH, is_owned_path, is_sha256_hex,
    sha256_hex,
};
use super::scope::Scope;
use crate::regular_file::{self, Links};
use crate::tree::Tree;

/// A file in the output folder larger than this is no file platc wrote (a blueprint is at
/// most 16 MiB, and the largest rendered file of a 5,000-cluster fleet is a few MiB): it is
/// refused after reading this much, never read to its end.
const MAX_FILE_BYTES: usize = 256 << 20;

/// What a render does with one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// In the tree, absent on disk (also when platc owned it and someone deleted it).
    Create,
    /// Owned, on disk exactly as platc last wrote it, and the tree's bytes differ.
    Update,
    /// On disk with the tree's bytes already. Not rewritten (the mtime stays).
    Unchanged,
    /// Owned, but the bytes on disk are not the ones platc last wrote: edited by hand.
    /// Left alone unless `--force`.
    HandEdited,
    /// Owned, no longer in the tree, on disk as platc wrote it: deleted.
    Remove,
    /// Owned, no longer in the tree, edited by hand since. Left alone unless `--force`.
    RemoveHandEdited,
    /// Not owned, in the tree's way with other bytes. Left alone unless `--force`.
    Conflict,
}

impl Action {
    /// True when a render without `--force` changes the file on disk.
    pub fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Update | Action::Remove)
    }

    /// True when a render leaves the file alone only because `--force` is missing.
    pub fn needs_force(self) -> bool {
        matches!(
            self,
            Action::HandEdited | Action::RemoveHandEdited | Action::Conflict
        )
    }
}

/// Lines added and removed by an update (text files only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineStats {
    pub added: usize,
    pub removed: usize,
}

/// One path of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub action: Action,
    /// The sha256 the previous manifest lists (platc owns the path), if any.
    pub owned_sha256: Option<String>,
    /// The sha256 of the file on disk when planned; `None` when absent.
    pub disk_sha256: Option<String>,
    /// The sha256 of the tree's bytes; `None` when the tree no longer has the path.
    pub new_sha256: Option<String>,
    /// For `Update` of text files: lines added and removed.
    pub lines: Option<LineStats>,
}

/// How many paths get each action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub hand_edited: usize,
    pub remove: usize,
    pub remove_hand_edited: usize,
    pub conflict: usize,
}

/// What a render would do, decided from one reading of the folder.
#[derive(Clone, Debug)]
pub struct Plan {
    dir: PathBuf,
    blueprint_sha256: String,
    /// Tree paths and previously owned paths that still exist, in path order.
    entries: Vec<Entry>,
    /// sha256 of `.platc/manifest.json` as it was read; `None` when there was none.
    old_manifest_sha256: Option<String>,
    old_manifest: Option<Manifest>,
    /// sha256 of `.platc/pending.json` (an interrupted render's journal), when present.
    pending_sha256: Option<String>,
    /// The manifest a render without `--force` writes.
    new_manifest: Manifest,
    manifest_bytes: Vec<u8>,
    /// `render --cluster`: the clusters whose files the plan acts on (`None`: every file).
    scope: Option<Scope>,
    /// Out of the scope: every path classified as for a full render, never acted on.
    outside: Vec<Entry>,
    /// Out of the scope: the manifest entries a render carries over as they were.
    kept: BTreeMap<String, String>,
    /// The inputs digest the new manifest records (see [`plan_in`]).
    recorded_sha256: String,
}

/// The plan entry of one file platc writes, from what is on disk.
/// `owner` says which digest platc last wrote at a path, given the digest on disk (the
/// manifest, or an interrupted render's journal).
fn entry(
    path: &str,
    new_bytes: &[u8],
    disk: OnDisk,
    owner: &(dyn Fn(&str, Option<&str>) -> Option<String> + Sync),
) -> Entry {
    let new_sha256 = sha256_hex(new_bytes);
    let owned_sha256;
    let (action, disk_sha256, lines) = match disk {
        OnDisk::Absent => {
            owned_sha256 = owner(path, None);
            (Action::Create, None, None)
        }
        OnDisk::File(bytes) => {
            // Equal bytes need no second digest: the common case of a re-render.
            let disk_sha256 = if bytes == new_bytes {
                new_sha256.clone()
            } else {
                sha256_hex(&bytes)
            };
            owned_sha256 = owner(path, Some(&disk_sha256));
            let action = if disk_sha256 == new_sha256 {
                Action::Unchanged
            } else {
                match &owned_sha256 {
                    Some(o) if *o == disk_sha256 => Action::Update,
                    Some(_) => Action::HandEdited,
                    None => Action::Conflict,
                }
            };
            let lines = (action == Action::Update)
                .then(|| line_stats(&bytes, new_bytes))
                .flatten();
            (action, Some(disk_sha256), lines)
        }
    };
    Entry {
        path: path.to_owned(),
        action,
        owned_sha256,
        disk_sha256,
        new_sha256: Some(new_sha256),
        lines,
    }
}

/// Reads `dir` and classifies every path of `tree` and of the previous manifest.
/// Writes nothing. `blueprint_sha256` is recorded in the new manifest.
pub fn plan(dir: &Path, tree: &Tree, blueprint_sha256: &str) -> Result<Plan, OutputError> {
    plan_in(dir, tree, blueprint_sha256, None)
}

/// [`plan`], acting only on the files of `scope` when there is one (`render --cluster`).
/// Every path is still read and classified (the folder's safety rules hold for all of it,
/// and the summary says how many files out of the scope are out of date), but only the
/// entries in the scope are acted on: the others are [`Plan::outside`], and their manifest
/// entries are carried over exactly as they were ([`Plan::kept`]; an interrupted render's
/// journal is honoured as in a full plan). The manifest records the new inputs digest only
/// when nothing out of the scope differs from what a full render would leave (then the
/// scoped render left the folder exactly as a full one would, and `check` passes);
/// otherwise it keeps the previous digest, so a record never claims more than was rendered
/// (a folder rendered for the first time, by cluster, has no previous digest: it records the
/// new one, and its missing files are what `check` reports).
pub fn plan_in(
    dir: &Path,
    tree: &Tree,
    blueprint_sha256: &str,
    scope: Option<&Scope>,
) -> Result<Plan, OutputError> {
    if !is_sha256_hex(blueprint_sha256) {
        return Err(OutputError::Internal {
            path: dir.join(MANIFEST_PATH),
            reason: format!("blueprint digest {blueprint_sha256:?} is not a sha256 hex string"),
        });
    }
    check_tree(dir, tree)?;

    let mut probe = Probe::new(dir)?;
    let manifest_path = dir.join(MANIFEST_PATH);
    let (old_manifest, old_manifest_sha256) = match probe.read(MANIFEST_PATH)? {
        OnDisk::Absent => (None, None),
        OnDisk::File(bytes) => (
            Some(Manifest::parse_at(&bytes, &manifest_path)?),
            Some(sha256_hex(&bytes)),
        ),
    };
    let owned = old_manifest
        .as_ref()
        .map(|m| m.files.clone())
        .unwrap_or_default();
    // An interrupted render's journal: what it was about to write. A file holding exactly
    // those bytes was written by platc, whatever the (older) manifest says.
    let (pending, pending_sha256) = match probe.read(PENDING_PATH)? {
        OnDisk::Absent => (BTreeMap::new(), None),
        OnDisk::File(bytes) => (
            Manifest::parse_at(&bytes, &dir.join(PENDING_PATH))?.files,
            Some(sha256_hex(&bytes)),
        ),
    };
    let owner = |path: &str, disk: Option<&str>| -> Option<String> {
        match (pending.get(path), disk) {
            (Some(p), Some(d)) if p == d => Some(p.clone()),
            _ => owned.get(path).cloned(),
        }
    };

    // Folder checks first (cached, in order), then every file read and hashed in parallel:
    // `collect` keeps the tree's order and returns the first error in that order.
    let files: Vec<(&str, &[u8], bool)> = tree
        .files()
        .map(|(path, bytes)| Ok((path, bytes, probe.parents_exist(path)?)))
        .collect::<Result<_, OutputError>>()?;
    let entries: Vec<Entry> = files
        .par_iter()
        .map(|&(path, new_bytes, parents)| {
            let disk = if parents {
                probe.read_file(path)?
            } else {
                OnDisk::Absent
            };
            Ok(entry(path, new_bytes, disk, &owner))
        })
        .collect::<Result<_, OutputError>>()?;
    let mut entries = entries;
    let claimed: std::collections::BTreeSet<&String> = owned.keys().chain(pending.keys()).collect();
    for path in claimed {
        if tree.get(path).is_some() {
            continue;
        }
        // Already gone from disk: nothing to do, and it simply drops out of the manifest.
        let OnDisk::File(bytes) = probe.read(path)? else {
            continue;
        };
        let disk_sha256 = sha256_hex(&bytes);
        // Claimed only by the journal, with other bytes: never platc's to remove.
        let Some(owned_sha256) = owner(path, Some(&disk_sha256)) else {
            continue;
        };
        let owned_sha256 = &owned_sha256;
        let action = if disk_sha256 == *owned_sha256 {
            Action::Remove
        } else {
            Action::RemoveHandEdited
        };
        entries.push(Entry {
            path: path.clone(),
            action,
            owned_sha256: Some(owned_sha256.clone()),
            disk_sha256: Some(disk_sha256),
            new_sha256: None,
            lines: None,
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));

    let mut outside = Vec::new();
    let mut kept = BTreeMap::new();
    let mut recorded_sha256 = blueprint_sha256.to_owned();
    if let Some(scope) = scope {
        let (inside, out): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| scope.contains(&e.path));
        entries = inside;
        outside = out;
        // As they were: the manifest's entries, and an owner the journal proves.
        kept = owned
            .iter()
            .filter(|(p, _)| !scope.contains(p))
            .map(|(p, h)| (p.clone(), h.clone()))
            .collect();
        for e in &outside {
            if let Some(o) = &e.owned_sha256 {
                kept.insert(e.path.clone(), o.clone());
            }
        }
        let full: BTreeMap<String, String> = outside
            .iter()
            .filter(|e| e.action == Action::Unchanged)
            .filter_map(|e| Some((e.path.clone(), e.new_sha256.clone()?)))
            .collect();
        let settled = outside.iter().all(|e| e.action == Action::Unchanged) && kept == full;
        if !settled && let Some(old) = &old_manifest {
            recorded_sha256 = old.blueprint_sha256.clone();
        }
    }

    let mut plan = Plan {
        dir: dir.to_path_buf(),
        blueprint_sha256: blueprint_sha256.to_owned(),
        entries,
        old_manifest_sha256,
        old_manifest,
        pending_sha256,
        new_manifest: Manifest::for_tree(&Tree::new(), blueprint_sha256),
        manifest_bytes: Vec::new(),
        scope: scope.cloned(),
        outside,
        kept,
        recorded_sha256,
    };
    plan.new_manifest = plan.manifest_after(false);
    plan.manifest_bytes = plan.new_manifest.to_bytes();
    Ok(plan)
}

impl Plan {
    /// The folder this plan was made for.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn blueprint_sha256(&self) -> &str {
        &self.blueprint_sha256
    }

    /// Every tree path, and every previously owned path still on disk, in path order (of
    /// the scope only, when the plan has one).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The clusters a scoped plan acts on (`render --cluster`).
    pub fn scope(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }

    /// The paths out of the scope, classified as a full plan would, never acted on.
    pub fn outside(&self) -> &[Entry] {
        &self.outside
    }

    /// The manifest entries out of the scope, carried over as they were.
    pub fn kept(&self) -> &BTreeMap<String, String> {
        &self.kept
    }

    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The paths with one action, in path order.
    pub fn paths(&self, action: Action) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.action == action)
            .map(|e| e.path.as_str())
            .collect()
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for e in &self.entries {
            *match e.action {
                Action::Create => &mut c.create,
                Action::Update => &mut c.update,
                Action::Unchanged => &mut c.unchanged,
                Action::HandEdited => &mut c.hand_edited,
                Action::Remove => &mut c.remove,
                Action::RemoveHandEdited => &mut c.remove_hand_edited,
                Action::Conflict => &mut c.conflict,
            } += 1;
        }
        c
    }

    /// The previous manifest, when there was one.
    pub fn old_manifest(&self) -> Option<&Manifest> {
        self.old_manifest.as_ref()
    }

    /// sha256 of the previous manifest file's bytes (`write.rs` checks it did not change
    /// between planning and writing).
    pub fn old_manifest_sha256(&self) -> Option<&str> {
        self.old_manifest_sha256.as_deref()
    }

    /// The bytes of `.platc/manifest.json` after a render without `--force`.
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }

    /// The manifest after a render without `--force`.
    pub fn new_manifest(&self) -> &Manifest {
        &self.new_manifest
    }

    /// True when a render would rewrite `.platc/manifest.json`.
    pub fn manifest_changed(&self) -> bool {
        self.old_manifest_sha256.as_deref() != Some(sha256_hex(&self.manifest_bytes).as_str())
    }

    /// Nothing to create, update or remove, no hand edits, no conflicts, and the manifest
    /// on disk is byte for byte the one a render would write: what `platc check` asks.
    pub fn is_up_to_date(&self) -> bool {
        self.entries.iter().all(|e| e.action == Action::Unchanged)
            && !self.manifest_changed()
            && self.pending_sha256.is_none()
    }

    /// sha256 of `.platc/pending.json`, left by an interrupted render, when present.
    pub fn pending_sha256(&self) -> Option<&str> {
        self.pending_sha256.as_deref()
    }

    /// One line per path that keeps the folder from being up to date, for `platc check`.
    pub fn differences(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .entries
            .iter()
            .filter_map(|e| {
                let what = match e.action {
                    Action::Unchanged => return None,
                    Action::Create if e.owned_sha256.is_some() => {
                        "missing (render writes it again)"
                    }
                    Action::Create => "not rendered yet (render creates it)",
                    Action::Update => "out of date (render updates it)",
                    Action::Remove => "no longer generated (render removes it)",
                    Action::HandEdited => {
                        "edited by hand since the last render (render --force overwrites it)"
                    }
                    Action::RemoveHandEdited => {
                        "no longer generated, but edited by hand (delete it, or render \
                         --force removes it)"
                    }
                    Action::Conflict => {
                        "exists but was not written by platc (move it away, or render \
                         --force overwrites it)"
                    }
                };
                Some(format!("{}: {what}", e.path))
            })
            .collect();
        if self.manifest_changed() {
            out.push(format!("{MANIFEST_PATH}: out of date (render rewrites it)"));
        }
        if self.pending_sha256.is_some() {
            out.push(format!(
                "{PENDING_PATH}: left by an interrupted render (render finishes its work)"
            ));
        }
        out
    }

    /// The manifest a render leaves when every write and removal succeeds. Its rule: an
    /// owned path's hash is always the hash of the bytes platc last wrote there, never of
    /// bytes it did not write. So a file left alone keeps its old entry (a hand edit stays
    /// detectable), a conflicting file platc did not write stays unlisted, and a file
    /// written or found with the tree's bytes gets the new hash.
    /// Out of a scope, entries are [`Plan::kept`] as they were.
    pub fn manifest_after(&self, force: bool) -> Manifest {
        let mut files = self.kept.clone();
        for e in &self.entries {
            let hash = match (e.action, force) {
                (Action::Create | Action::Update | Action::Unchanged, _)
                | (Action::HandEdited | Action::Conflict, true) => e.new_sha256.clone(),
                (Action::HandEdited | Action::RemoveHandEdited, false) => e.owned_sha256.clone(),
                (Action::Conflict, false)
                | (Action::Remove, _)
                | (Action::RemoveHandEdited, true) => None,
            };
            if let Some(hash) = hash {
                files.insert(e.path.clone(), hash);
            }
        }
        Manifest {
            format_version: super::FORMAT_VERSION,
            blueprint_sha256: self.recorded_sha256.clone(),
            files,
        }
    }
}

/// The tree must only hold paths platc may own, and no path may be both a file and a
/// folder (`a` and `a/b`): either is a generator bug.
pub(crate) fn check_tree(dir: &Path, tree: &Tree) -> Result<(), OutputError> {
    for (path, _) in tree.files() {
        if !is_owned_path(path) {
            return Err(OutputError::Internal {
                path: dir.join(path),
                reason: "the rendered tree has a path platc may not write".to_owned(),
            });
        }
        for (i, _) in path.match_indices('/') {
            let parent = &path[..i];
            if tree.get(parent).is_some() {
                return Err(OutputError::Internal {
                    path: dir.join(path),
                    reason: format!("the rendered tree has {parent} both as a file and a folder"),
                });
            }
        }
    }
    Ok(())
}

/// Line counts of a text change; `None` when either side is not UTF-8.
fn line_stats(old: &[u8], new: &[u8]) -> Option<LineStats> {
    let old = std::str::from_utf8(old).ok()?;
    let new = std::str::from_utf8(new).ok()?;
    let diff = similar::TextDiff::from_lines(old, new);
    let mut stats = LineStats::default();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => stats.added += 1,
            similar::ChangeTag::Delete => stats.removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    Some(stats)
}

/// What is at a path.
pub(crate) enum OnDisk {
    Absent,
    File(Vec<u8>),
}

/// Reads paths below an output folder without ever following a symlink, remembering which
/// folders were already checked.
pub(crate) struct Probe<'a> {
    dir: &'a Path,
    /// False when the output folder does not exist yet: everything below is absent.
    dir_exists: bool,
    /// Relative folder → exists (true) or absent (false); only real folders get in.
    folders: BTreeMap<String, bool>,
}

impl<'a> Probe<'a> {
    pub(crate) fn new(dir: &'a Path) -> Result<Self, OutputError> {
        let dir_exists = match std::fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(OutputError::Unsafe {
                    path: dir.to_path_buf(),
                    reason: "the output folder is a symbolic link; give its real path with -o"
                        .to_owned(),
                });
            }
            Ok(m) if m.is_dir() => true,
            Ok(_) => {
                return Err(OutputError::Unsafe {
                    path: dir.to_path_buf(),
                    reason: "the output folder exists and is not a folder".to_owned(),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(OutputError::io(dir, "inspect", e)),
        };
        Ok(Probe {
            dir,
            dir_exists,
            folders: BTreeMap::new(),
        })
    }

    /// Checks every folder step of `rel`; true when all exist (as real folders).
    pub(crate) fn parents_exist(&mut self, rel: &str) -> Result<bool, OutputError> {
        if !self.dir_exists {
            return Ok(false);
        }
        for (i, _) in rel.match_indices('/') {
            let step = &rel[..i];
            match self.folders.get(step) {
                Some(true) => continue,
                Some(false) => return Ok(false),
                None => {}
            }
            let full = self.dir.join(step);
            let exists = match std::fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(OutputError::Unsafe {
                        path: full,
                        reason: format!(
                            "it is a symbolic link on the way to {rel}; platc never writes \
                             through links: replace it with a real folder"
                        ),
                    });
                }
                Ok(m) if m.is_dir() => true,
                Ok(_) => {
                    return Err(OutputError::Unsafe {
                        path: full,
                        reason: format!(
                            "it is a file where platc needs a folder for {rel}: move it away"
                        ),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => return Err(OutputError::io(full, "inspect", e)),
            };
            self.folders.insert(step.to_owned(), exists);
            if !exists {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The bytes at `rel`, or `Absent`. Refuses symlinks and anything not a regular file.
    pub(crate) fn read(&mut self, rel: &str) -> Result<OnDisk, OutputError> {
        if !self.parents_exist(rel)? {
            return Ok(OnDisk::Absent);
        }
        self.read_file(rel)
    }

    /// [`Probe::read`] once [`Probe::parents_exist`] said yes: needs no `&mut`, so many files
    /// can be read at once.
    pub(crate) fn read_file(&self, rel: &str) -> Result<OnDisk, OutputError> {
        let full = self.dir.join(rel);
        match std::fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_symlink() => Err(OutputError::Unsafe {
                path: full,
                reason: "it is a symbolic link where platc keeps a file; platc never writes \
                         through links: delete the link"
                    .to_owned(),
            }),
            Ok(m) if m.is_file() => {
                // The manifest and journal: their parser refuses one byte past its cap.
                let bookkeeping = rel == MANIFEST_PATH || rel == PENDING_PATH;
                let cap = if bookkeeping {
                    MAX_MANIFEST_BYTES
                } else {
                    MAX_FILE_BYTES
                };
                match regular_file::read(&full, cap, Links::Refuse) {
                    Ok(bytes) if !bookkeeping && bytes.len() > cap => Err(OutputError::Unsafe {
                        path: full,
                        reason: format!(
                            "it is larger than any file platc writes ({} MiB): move it away",
                            cap >> 20
                        ),
                    }),
                    Ok(bytes) => Ok(OnDisk::File(bytes)),
                    // Deleted between the look and the read (another render pruning).
                    Err(regular_file::Error::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                        Ok(OnDisk::Absent)
                    }
                    Err(regular_file::Error::Io(e)) => Err(OutputError::io(full, "read", e)),
                    // Swapped for a link, pipe or device between the look and the open.
                    Err(e @ regular_file::Error::NotRegular(_)) => Err(OutputError::Unsafe {
                        path: full,
                        reason: format!("{e}: move it away"),
                    }),
                }
            }
            Ok(m) if m.is_dir() => Err(OutputError::Unsafe {
                path: full,
                reason: "it is a folder where platc keeps a file: move it away".to_owned(),
            }),
            Ok(_) => Err(OutputError::Unsafe {
                path: full,
                reason: "it is not a regular file (device, pipe or socket): move it away"
                    .to_owned(),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(OnDisk::Absent),
            Err(e) => Err(OutputError::io(full, "inspect", e)),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    pub(crate) const BP: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    pub(crate) fn tree(files: &[(&str, &str)]) -> Tree {
        let mut t = Tree::new();
        for (p, b) in files {
            assert!(t.insert(*p, b.as_bytes().to_vec()));
        }
        t
    }

    /// Writes `files` and a manifest owning them, as a previous render would have.
    pub(crate) fn rendered(dir: &Path, files: &[(&str, &str)]) {
        let t = tree(files);
        for (p, b) in t.files() {
            let full = dir.join(p);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, b).unwrap();
        }
        fs::create_dir_all(dir.join(".platc")).unwrap();
        fs::write(
            dir.join(MANIFEST_PATH),
            Manifest::for_tree(&t, BP).to_bytes(),
        )
        .unwrap();
    }

    fn action(p: &Plan, path: &str) -> Action {
        p.entry(path).unwrap().action
    }

    #[test]
    fn first_plan_creates_everything() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let t = tree(&[("README.md", "r\n"), ("clusters/a/k.yaml", "k\n")]);
        let p = plan(&dir, &t, BP).unwrap();
        assert_eq!(
            p.paths(Action::Create),
            vec!["README.md", "clusters/a/k.yaml"]
        );
        assert!(!p.is_up_to_date());
        assert!(p.manifest_changed());
        assert_eq!(p.new_manifest(), &Manifest::for_tree(&t, BP));
        assert!(!dir.exists(), "planning writes nothing");
    }

    #[test]
    fn classifies_every_case() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        rendered(
            dir,
            &[
                ("iam/same.yaml", "s\n"),
                ("iam/upd.yaml", "old\n"),
                ("iam/edited.yaml", "e\n"),
                ("iam/gone.yaml", "g\n"),
                ("iam/gone-edited.yaml", "ge\n"),
                ("iam/deleted.yaml", "d\n"),
                ("iam/deleted-and-dropped.yaml", "dd\n"),
                ("iam/edited-to-new.yaml", "x\n"),
            ],
        );
        fs::write(dir.join("iam/edited.yaml"), "hand\n").unwrap();
        fs::write(dir.join("iam/gone-edited.yaml"), "hand\n").unwrap();
        fs::write(dir.join("iam/edited-to-new.yaml"), "y\n").unwrap();
        fs::remove_file(dir.join("iam/deleted.yaml")).unwrap();
        fs::remove_file(dir.join("iam/deleted-and-dropped.yaml")).unwrap();
        fs::write(dir.join("iam/theirs.yaml"), "theirs\n").unwrap();
        fs::write(dir.join("iam/adopt.yaml"), "a\n").unwrap();
        fs::write(dir.join("iam/unrelated.txt"), "u\n").unwrap();
        let t = tree(&[
            ("iam/same.yaml", "s\n"),
            ("iam/upd.yaml", "old\nnew\n"),
            ("iam/edited.yaml", "e2\n"),
            ("iam/deleted.yaml", "d\n"),
            ("iam/edited-to-new.yaml", "y\n"),
            ("iam/theirs.yaml", "mine\n"),
            ("iam/adopt.yaml", "a\n"),
            ("iam/new.yaml", "n\n"),
        ]);
        let p = plan(dir, &t, BP).unwrap();
        assert_eq!(action(&p, "iam/same.yaml"), Action::Unchanged);
        assert_eq!(action(&p, "iam/upd.yaml"), Action::Update);
        assert_eq!(
            p.entry("iam/upd.yaml").unwrap().lines,
            Some(LineStats {
                added: 1,
                removed: 0
            })
        );
        assert_eq!(action(&p, "iam/edited.yaml"), Action::HandEdited);
        assert_eq!(action(&p, "iam/gone.yaml"), Action::Remove);
        assert_eq!(action(&p, "iam/gone-edited.yaml"), Action::RemoveHandEdited);
        assert_eq!(action(&p, "iam/deleted.yaml"), Action::Create);
        assert!(p.entry("iam/deleted-and-dropped.yaml").is_none());
        assert_eq!(action(&p, "iam/edited-to-new.yaml"), Action::Unchanged);
        assert_eq!(action(&p, "iam/theirs.yaml"), Action::Conflict);
        assert_eq!(action(&p, "iam/adopt.yaml"), Action::Unchanged);
        assert_eq!(action(&p, "iam/new.yaml"), Action::Create);
        assert!(p.entry("iam/unrelated.txt").is_none());
        let c = p.counts();
        assert_eq!(
            (c.create, c.update, c.unchanged, c.hand_edited),
            (2, 1, 3, 1)
        );
        assert_eq!((c.remove, c.remove_hand_edited, c.conflict), (1, 1, 1));
        assert!(!p.is_up_to_date());

        // The manifest rule: left-alone files keep the hash platc last wrote, unowned
        // files stay unlisted, adopted and written files get the new hash.
        let m = p.new_manifest();
        let old = p.old_manifest().unwrap();
        assert_eq!(m.files["iam/edited.yaml"], old.files["iam/edited.yaml"]);
        assert_eq!(
            m.files["iam/gone-edited.yaml"],
            old.files["iam/gone-edited.yaml"]
        );
        assert!(!m.files.contains_key("iam/theirs.yaml"));
        assert!(!m.files.contains_key("iam/gone.yaml"));
        assert!(!m.files.contains_key("iam/deleted-and-dropped.yaml"));
        assert_eq!(m.files["iam/adopt.yaml"], sha256_hex(b"a\n"));
        assert_eq!(m.files["iam/upd.yaml"], sha256_hex(b"old\nnew\n"));
        let forced = p.manifest_after(true);
        assert_eq!(forced.files["iam/edited.yaml"], sha256_hex(b"e2\n"));
        assert_eq!(forced.files["iam/theirs.yaml"], sha256_hex(b"mine\n"));
        assert!(!forced.files.contains_key("iam/gone-edited.yaml"));

        let diffs = p.differences();
        assert!(
            diffs
                .iter()
                .any(|d| d.starts_with("iam/edited.yaml: edited by hand"))
        );
        assert!(diffs.iter().any(|d| d.starts_with(".platc/manifest.json")));
    }

    #[test]
    fn a_scoped_plan_acts_in_scope_and_keeps_the_rest_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let v1 = [
            ("README.md", "r1\n"),
            ("clusters/a/x.yaml", "x1\n"),
            ("clusters/a/gone.yaml", "g\n"),
            ("clusters/b/y.yaml", "y1\n"),
            ("clusters/b/gone.yaml", "g\n"),
            ("gitops/flux/a.yaml", "f\n"),
        ];
        rendered(dir, &v1);
        let old = Manifest::for_tree(&tree(&v1), BP);
        let new_digest = "1".repeat(64);
        let scope = Scope::new(["a"]);
        let v2 = tree(&[
            ("README.md", "r2\n"),
            ("clusters/a/x.yaml", "x2\n"),
            ("clusters/b/y.yaml", "y2\n"),
        ]);
        let p = plan_in(dir, &v2, &new_digest, Some(&scope)).unwrap();
        let paths: Vec<&str> = p.entries().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "clusters/a/gone.yaml",
                "clusters/a/x.yaml",
                "gitops/flux/a.yaml"
            ]
        );
        assert_eq!(action(&p, "clusters/a/gone.yaml"), Action::Remove);
        assert_eq!(action(&p, "gitops/flux/a.yaml"), Action::Remove);
        let outside: Vec<(&str, Action)> = p
            .outside()
            .iter()
            .map(|e| (e.path.as_str(), e.action))
            .collect();
        assert_eq!(
            outside,
            vec![
                ("README.md", Action::Update),
                ("clusters/b/gone.yaml", Action::Remove),
                ("clusters/b/y.yaml", Action::Update),
            ]
        );
        let m = p.new_manifest();
        for path in ["README.md", "clusters/b/gone.yaml", "clusters/b/y.yaml"] {
            assert_eq!(m.files[path], old.files[path], "{path}");
        }
        assert_eq!(m.files["clusters/a/x.yaml"], sha256_hex(b"x2\n"));
        assert!(!m.files.contains_key("clusters/a/gone.yaml"));
        assert_eq!(m.files.len(), 4);
        // Files out of the scope are stale: the manifest keeps the previous digest.
        assert_eq!(m.blueprint_sha256, BP);
        assert_eq!(p.manifest_after(true).blueprint_sha256, BP);

        // Nothing out of the scope differs: the new digest, and a full plan's manifest.
        let v3 = tree(&[
            ("README.md", "r1\n"),
            ("clusters/a/x.yaml", "x2\n"),
            ("clusters/b/y.yaml", "y1\n"),
            ("clusters/b/gone.yaml", "g\n"),
        ]);
        let scoped = plan_in(dir, &v3, &new_digest, Some(&scope)).unwrap();
        let full = plan(dir, &v3, &new_digest).unwrap();
        assert_eq!(scoped.new_manifest(), full.new_manifest());
        assert!(
            scoped
                .outside()
                .iter()
                .all(|e| e.action == Action::Unchanged)
        );
    }

    #[test]
    fn up_to_date_after_a_render() {
        let tmp = tempfile::tempdir().unwrap();
        let files = [("iam/a.yaml", "a\n"), ("clusters/c.yaml", "c\n")];
        rendered(tmp.path(), &files);
        let p = plan(tmp.path(), &tree(&files), BP).unwrap();
        assert!(p.is_up_to_date(), "{:?}", p.differences());
        assert!(p.differences().is_empty());
        // Only the blueprint digest differs: the manifest is out of date.
        let other = "0".repeat(64);
        let p = plan(tmp.path(), &tree(&files), &other).unwrap();
        assert!(!p.is_up_to_date());
        assert_eq!(p.counts().unchanged, 2);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_and_non_folders() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let t = tree(&[("clusters/x/addons/k.yaml", "k\n")]);

        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        symlink(&real, &link).unwrap();
        let e = plan(&link, &t, BP).unwrap_err();
        assert!(matches!(e, OutputError::Unsafe { .. }), "{e}");
        assert!(e.to_string().contains("link"), "{e}");

        let dir = tmp.path().join("out");
        fs::create_dir_all(dir.join("clusters/x")).unwrap();
        symlink(&real, dir.join("clusters/x/addons")).unwrap();
        let e = plan(&dir, &t, BP).unwrap_err();
        assert_eq!(e.path(), dir.join("clusters/x/addons"));
        assert_eq!(e.exit_code(), 74);

        fs::remove_file(dir.join("clusters/x/addons")).unwrap();
        fs::write(dir.join("clusters/x/addons"), "file").unwrap();
        let e = plan(&dir, &t, BP).unwrap_err();
        assert!(e.to_string().contains("needs a folder"), "{e}");

        fs::remove_file(dir.join("clusters/x/addons")).unwrap();
        fs::create_dir(dir.join("clusters/x/addons")).unwrap();
        symlink("/etc/passwd", dir.join("clusters/x/addons/k.yaml")).unwrap();
        let e = plan(&dir, &t, BP).unwrap_err();
        assert_eq!(e.path(), dir.join("clusters/x/addons/k.yaml"));

        fs::remove_file(dir.join("clusters/x/addons/k.yaml")).unwrap();
        fs::create_dir(dir.join("clusters/x/addons/k.yaml")).unwrap();
        let e = plan(&dir, &t, BP).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");

        let file_dir = tmp.path().join("plain-file");
        fs::write(&file_dir, "x").unwrap();
        assert!(plan(&file_dir, &t, BP).is_err());

        // A symlinked .platc is refused too (the manifest would be read through it).
        let dir2 = tmp.path().join("out2");
        fs::create_dir(&dir2).unwrap();
        symlink(&real, dir2.join(".platc")).unwrap();
        assert!(plan(&dir2, &t, BP).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_symlink_at_an_owned_path_no_longer_generated() {
        let tmp = tempfile::tempdir().unwrap();
        rendered(tmp.path(), &[("iam/old.yaml", "o\n")]);
        fs::remove_file(tmp.path().join("iam/old.yaml")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", tmp.path().join("iam/old.yaml")).unwrap();
        assert!(plan(tmp.path(), &Tree::new(), BP).is_err());
    }

    #[test]
    fn refuses_corrupt_or_hostile_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        rendered(tmp.path(), &[("iam/a.yaml", "a\n")]);
        let m = tmp.path().join(MANIFEST_PATH);
        fs::write(&m, "{not json").unwrap();
        let e = plan(tmp.path(), &Tree::new(), BP).unwrap_err();
        assert!(matches!(e, OutputError::Manifest { .. }));
        assert_eq!(e.path(), m);
        let hostile = Manifest {
            format_version: 1,
            blueprint_sha256: BP.to_owned(),
            files: [("../x".to_owned(), BP.to_owned())].into_iter().collect(),
        };
        fs::write(&m, hostile.to_bytes()).unwrap();
        let e = plan(tmp.path(), &Tree::new(), BP).unwrap_err();
        assert!(e.to_string().contains("../x"), "{e}");
    }

    #[test]
    fn refuses_bad_trees() {
        let tmp = tempfile::tempdir().unwrap();
        let mut t = Tree::new();
        t.insert("a", b"x".to_vec());
        t.insert("a/b", b"y".to_vec());
        let e = plan(tmp.path(), &t, BP).unwrap_err();
        assert_eq!(e.exit_code(), 70, "{e}");
        let t = tree(&[(".platc/manifest.json", "{}")]);
        assert_eq!(plan(tmp.path(), &t, BP).unwrap_err().exit_code(), 70);
        assert_eq!(
            plan(tmp.path(), &Tree::new(), "nope")
                .unwrap_err()
                .exit_code(),
            70
        );
    }
}
