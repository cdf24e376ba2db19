//! The review of a render: what `platc diff --format markdown|json` shows in a pull request.
//! Changes are grouped by cluster (the `clusters/<name>/` folder, or platform-wide) and,
//! inside one, by kind: Kubernetes objects added, removed or changed (with the field paths
//! that changed), and other files (Helm values, CloudFormation, README) with the key paths
//! that changed where they are YAML. Both sides come from the same plan as `render`: the
//! old side is the file on disk, the new side the rendered tree. This module builds the
//! [`Review`] as data; `markdown` and `json` lay it out. Works on any file of any generator:
//! object identity is read from the YAML itself, never from a list of kinds.

mod json;
mod markdown;
mod objects;

use std::collections::BTreeMap;
use std::path::Path;

use super::OutputError;
use super::diff::{self, Sides};
use super::plan::{Action, Plan};
use crate::tree::Tree;

pub use json::json;
pub use markdown::markdown;
pub use objects::{Identity, field_changes};

/// What happened to an object or a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Changed,
    /// Renamed by a change upstream refuses in place (`facts::immutable`): a new object takes
    /// the old one's place.
    Replaced,
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Replaced => "replaced",
            Change::Removed => "removed",
        }
    }
}

/// One Kubernetes object that the render adds, removes or changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectChange {
    pub change: Change,
    pub id: Identity,
    /// The apiVersion on the new side (the old one for a removed object).
    pub api_version: String,
    /// The name it had before, when a content-named template was renamed by its change.
    pub previous_name: Option<String>,
    /// The file it is in (the new side's; the old one's for a removed object).
    pub file: String,
    /// The file it was in, when a change moved it to another file.
    pub previous_file: Option<String>,
    /// Field paths that differ (changed objects only), as `spec.template.spec.instanceType`.
    pub fields: Vec<String>,
    /// Why upstream cannot apply the change in place: set on a replaced object, and on a
    /// changed one whose change upstream refuses (`facts::immutable`).
    pub reason: Option<String>,
}

/// One file that is not a set of Kubernetes objects (or whose objects did not change, only
/// its comments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub change: Change,
    /// Key paths that differ, for a YAML document changed on both sides.
    pub keys: Vec<String>,
    /// Lines added and removed (text files).
    pub lines: Option<(usize, usize)>,
}

/// The objects of one kind in one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindChanges {
    /// The API group (empty for the core group).
    pub group: String,
    pub kind: String,
    /// Sorted by change (added, changed, removed), then namespace and name.
    pub objects: Vec<ObjectChange>,
}

/// Everything that changes in one cluster's folder (or outside any cluster's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `None` for files outside `clusters/` (README.md, platform-wide folders).
    pub cluster: Option<String>,
    pub kinds: Vec<KindChanges>,
    pub files: Vec<FileChange>,
}

/// A file the render leaves alone for want of `--force`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftAlone {
    pub path: String,
    pub reason: &'static str,
}

/// Counts for the headline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub files_created: usize,
    pub files_changed: usize,
    pub files_removed: usize,
    pub objects_added: usize,
    pub objects_changed: usize,
    pub objects_replaced: usize,
    pub objects_removed: usize,
}

/// The whole review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// Platform-wide first, then clusters by name.
    pub groups: Vec<Group>,
    pub left_alone: Vec<LeftAlone>,
    pub totals: Totals,
    /// The unified diff of every file (no colour), for the folded part.
    pub unified: String,
    /// Only `.platc/manifest.json` would be rewritten.
    pub manifest_only: bool,
}

impl Review {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.left_alone.is_empty()
    }
}

/// Reads both sides of every file the plan writes and builds the review.
pub fn review(dir: &Path, plan: &Plan, tree: &Tree) -> Result<Review, OutputError> {
    let sides = diff::sides(dir, plan, tree)?;
    let unified = diff::unified(dir, plan, tree, false)?;
    let mut review = build(&sides, unified);
    review.left_alone = plan
        .entries()
        .iter()
        .filter_map(|e| {
            let reason = match e.action {
                Action::HandEdited => "edited by hand: left alone, --force overwrites it",
                Action::RemoveHandEdited => {
                    "no longer generated, edited by hand: left alone, --force removes it"
                }
                Action::Conflict => "not written by platc: left alone, --force overwrites it",
                _ => return None,
            };
            Some(LeftAlone {
                path: e.path.clone(),
                reason,
            })
        })
        .collect();
    review.manifest_only = review.is_empty() && plan.manifest_changed();
    Ok(review)
}

/// The cluster a tree path belongs to (`clusters/<name>/…`).
fn cluster_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("clusters/")?;
    let (name, _) = rest.split_once('/')?;
    Some(name)
}

/// Builds the review from both sides of every changed file (pure; for tests too).
pub fn build(sides: &[Sides<'_>], unified: String) -> Review {
    let mut totals = Totals::default();
    // Per group: objects on each side, and the files that are not objects.
    let mut groups: BTreeMap<Option<String>, (objects::Sides, Vec<FileChange>)> = BTreeMap::new();
    for side in sides {
        let path = side.entry.path.as_str();
        match side.entry.action {
            Action::Create => totals.files_created += 1,
            Action::Update => totals.files_changed += 1,
            Action::Remove => totals.files_removed += 1,
            _ => {}
        }
        let (objs, files) = groups
            .entry(cluster_of(path).map(str::to_string))
            .or_default();
        let old = objects::parse(path, &side.old, side.entry.action == Action::Create);
        let new = objects::parse(path, side.new, side.entry.action == Action::Remove);
        match (old.objects(), new.objects()) {
            (Some(o), Some(n)) => {
                if objects::same_objects(o, n) {
                    // Only comments or layout changed: still say so.
                    files.push(FileChange {
                        path: path.to_string(),
                        change: Change::Changed,
                        keys: Vec::new(),
                        lines: line_counts(&side.old, side.new),
                    });
                }
                objs.old.extend(o.iter().cloned());
                objs.new.extend(n.iter().cloned());
            }
            _ => files.push(file_change(path, side, &old, &new)),
        }
    }
    let mut out = Vec::new();
    for (cluster, (sides, files)) in groups {
        let kinds = objects::pair(sides);
        for k in &kinds {
            for o in &k.objects {
                match o.change {
                    Change::Added => totals.objects_added += 1,
                    Change::Changed => totals.objects_changed += 1,
                    Change::Replaced => totals.objects_replaced += 1,
                    Change::Removed => totals.objects_removed += 1,
                }
            }
        }
        if kinds.is_empty() && files.is_empty() {
            continue;
        }
        out.push(Group {
            cluster,
            kinds,
            files,
        });
    }
    Review {
        groups: out,
        left_alone: Vec::new(),
        totals,
        unified,
        manifest_only: false,
    }
}

fn file_change(
    path: &str,
    side: &Sides<'_>,
    old: &objects::Parsed,
    new: &objects::Parsed,
) -> FileChange {
    let change = match side.entry.action {
        Action::Create => Change::Added,
        Action::Remove => Change::Removed,
        _ => Change::Changed,
    };
    let keys = match (old, new) {
        (objects::Parsed::Document(a), objects::Parsed::Document(b)) => field_changes(a, b),
        _ => Vec::new(),
    };
    FileChange {
        path: path.to_string(),
        change,
        keys,
        lines: line_counts(&side.old, side.new),
    }
}

/// Lines added and removed between two text files (`None` when either is not UTF-8).
fn line_counts(old: &[u8], new: &[u8]) -> Option<(usize, usize)> {
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return None;
    };
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    Some((added, removed))
}

#[cfg(test)]
mod tests;
