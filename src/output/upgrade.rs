//! Kubernetes version changes between the tree in the output folder (what the clusters run,
//! as far as Git knows) and the tree about to be written. Cluster API's control-plane
//! webhook refuses to skip a minor version ("Skipping a minor version is not allowed",
//! cluster-api `controlplane/kubeadm/webhooks/admission/kubeadmcontrolplane.go`): a render
//! that moves a cluster from v1.28.x to v1.30.x would be accepted by Git and refused by the
//! cluster, halfway through a rollout. So `render` refuses it unless `--force`, and `check`
//! and `diff` name it.
//!
//! The versions are read from the control-plane objects themselves
//! ([`CONTROL_PLANES`]: kind → where the version is), in the old file on disk and the new
//! one at the same path; the disk is read without following symlinks, like the plan does.
//!
//! The same guard refuses to move a running cluster's Cluster API `Cluster` to another
//! namespace (issue 20's one namespace rule moved the management cluster's objects out of
//! `default`): Flux would apply a second `Cluster` in the new namespace and prune the old
//! one, and Cluster API deletes the machines of a deleted `Cluster`. Git would accept it;
//! the cluster would be gone.

use std::path::Path;

use serde_json::Value;

use super::OutputError;
use super::plan::{OnDisk, Plan, Probe};
use crate::tree::Tree;
use crate::yaml::read::{self, ReadOptions};

/// Control-plane kinds and the JSON pointer of their Kubernetes version: Cluster API's
/// KubeadmControlPlane (`spec.version`), CAPA's AWSManagedControlPlane for EKS
/// (`spec.version`), and kops' Cluster (`spec.kubernetesVersion`).
const CONTROL_PLANES: &[(&str, &str)] = &[
    ("KubeadmControlPlane", "/spec/version"),
    ("AWSManagedControlPlane", "/spec/version"),
    ("Cluster", "/spec/kubernetesVersion"),
];

/// One control plane whose minor version would jump by more than one, or one Cluster API
/// `Cluster` that would move to another namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The rendered file (relative to the output folder).
    pub path: String,
    pub kind: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub change: Change,
}

/// What would change in a way the cluster cannot follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// `from` and `to` are Kubernetes versions.
    Minor,
    /// `from` and `to` are namespaces.
    Namespace,
}

impl Skip {
    pub fn message(&self) -> String {
        match self.change {
            Change::Minor => {
                let (major, minor) = minor_of(&self.from).unwrap_or_default();
                format!(
                    "{}: {} `{}` would move from {} to {}, skipping v{major}.{}: Cluster API \
                     upgrades one minor version at a time",
                    self.path,
                    self.kind,
                    self.name,
                    self.from,
                    self.to,
                    minor + 1
                )
            }
            Change::Namespace => format!(
                "{}: Cluster `{}` would move from namespace `{}` to `{}`: applied by GitOps, that \
                 creates a second Cluster and prunes the running one, whose machines Cluster API \
                 then deletes",
                self.path, self.name, self.from, self.to
            ),
        }
    }

    /// What to do instead.
    pub fn help(&self) -> &'static str {
        match self.change {
            Change::Minor => {
                "render the next minor version first and let it roll out, or pass --force"
            }
            Change::Namespace => {
                "keep the cluster's namespace (a cluster without `workspace` stays in `default`), \
                 or move it with `clusterctl move` to a cluster that uses the new namespace and \
                 pass --force"
            }
        }
    }
}

/// Every minor-version skip from the folder `dir` to `tree`. A file missing on disk, or one
/// that does not read as YAML (edited by hand), has nothing to compare.
///
/// With the `plan` of the folder (`check`, `diff`), only the files it found changed on disk
/// are read again: an unchanged file holds the same versions.
pub fn skips(dir: &Path, tree: &Tree, plan: Option<&Plan>) -> Result<Vec<Skip>, OutputError> {
    use rayon::prelude::*;
    let mut probe = Probe::new(dir)?;
    let changed = |path: &str| {
        plan.is_none_or(|plan| {
            plan.entry(path)
                .is_some_and(|e| e.disk_sha256.is_some() && e.disk_sha256 != e.new_sha256)
        })
    };
    // Cheap tests first: most files hold no control plane, and a render into an empty folder
    // has no old file to compare with. The folder checks are cached, in order; the files are
    // then read side by side (as `plan` reads them), the first error in the tree's order.
    let mut candidates = Vec::new();
    for (path, new_bytes) in tree.files() {
        if may_matter(new_bytes) && changed(path) && probe.parents_exist(path)? {
            candidates.push((path, new_bytes));
        }
    }
    let found: Vec<Vec<Skip>> = candidates
        .par_iter()
        .map(|&(path, new_bytes)| {
            let OnDisk::File(old_bytes) = probe.read_file(path)? else {
                return Ok(Vec::new());
            };
            Ok(skips_in(path, &old_bytes, new_bytes))
        })
        .collect::<Result<_, OutputError>>()?;
    Ok(found.into_iter().flatten().collect())
}

/// The minor-version skips from a file's bytes on disk to its new bytes.
fn skips_in(path: &str, old_bytes: &[u8], new_bytes: &[u8]) -> Vec<Skip> {
    // The same bytes hold the same versions: nothing to parse. This is every file of an
    // unchanged tree, what `check` in CI meets most: parsing them all was about 30% of
    // a 1,000-cluster `check`'s CPU (1.45 s of user time before, 1.03 s after).
    if old_bytes == new_bytes {
        return Vec::new();
    }
    let old = versions(old_bytes);
    let mut out = Vec::new();
    let new = if old.is_empty() {
        Vec::new()
    } else {
        versions(new_bytes)
    };
    for (kind, name, to) in new {
        let Some((_, _, from)) = old.iter().find(|(k, n, _)| *k == kind && *n == name) else {
            continue;
        };
        if is_skip(from, &to) {
            out.push(Skip {
                path: path.to_owned(),
                kind,
                name,
                from: from.clone(),
                to,
                change: Change::Minor,
            });
        }
    }
    let old_clusters = capi_clusters(old_bytes);
    for (name, to) in capi_clusters(new_bytes) {
        if let Some((_, from)) = old_clusters.iter().find(|(n, _)| *n == name)
            && *from != to
        {
            out.push(Skip {
                path: path.to_owned(),
                kind: "Cluster".to_owned(),
                name,
                from: from.clone(),
                to,
                change: Change::Namespace,
            });
        }
    }
    out
}

/// (name, namespace) of every Cluster API `Cluster` in a file (`default` when unset).
fn capi_clusters(bytes: &[u8]) -> Vec<(String, String)> {
    if memchr::memmem::find(bytes, CAPI_GROUP.as_bytes()).is_none() {
        return Vec::new();
    }
    parsed(bytes)
        .into_iter()
        .filter(|v| {
            v.get("kind").and_then(Value::as_str) == Some("Cluster")
                && v.get("apiVersion")
                    .and_then(Value::as_str)
                    .is_some_and(|a| a.starts_with(CAPI_GROUP))
        })
        .map(|v| {
            let at = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
            (
                at("/metadata/name").unwrap_or_default(),
                at("/metadata/namespace").unwrap_or_else(|| "default".to_owned()),
            )
        })
        .collect()
}

/// Cluster API's core group: its `Cluster` kind shares the name of kops' (`kops.k8s.io`).
const CAPI_GROUP: &str = "cluster.x-k8s.io/";

/// The documents of a rendered file; none when it does not read (edited by hand).
fn parsed(bytes: &[u8]) -> Vec<Value> {
    let Ok(src) = read::decode("", bytes, read::DEFAULT_MAX_BYTES) else {
        return Vec::new();
    };
    let Ok(docs) = read::read_stream(&src, &ReadOptions::kustomize()) else {
        return Vec::new();
    };
    docs.into_iter().map(|d| d.to_json()).collect()
}

/// (kind, name, version) of every control plane in a file.
fn versions(bytes: &[u8]) -> Vec<(String, String, String)> {
    if !may_hold_a_version(bytes) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for v in parsed(bytes) {
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
        let Some((_, pointer)) = CONTROL_PLANES.iter().find(|(k, _)| *k == kind) else {
            continue;
        };
        let Some(version) = v.pointer(pointer).and_then(Value::as_str) else {
            continue;
        };
        let name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        out.push((kind.to_owned(), name.to_owned(), version.to_owned()));
    }
    out
}

/// Whether a file can hold a control plane's version: the kind's name (or, for kops'
/// `Cluster`, whose name is in every Cluster API file, the version field's) appears in it.
/// Only a file that passes is parsed.
fn may_hold_a_version(bytes: &[u8]) -> bool {
    let has = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    CONTROL_PLANES.iter().any(|(kind, pointer)| match *kind {
        "Cluster" => has(pointer.rsplit('/').next().unwrap_or(kind)),
        _ => has(kind),
    })
}

/// Whether a file may hold something this guard compares: a control plane's version or a
/// Cluster API `Cluster`.
fn may_matter(bytes: &[u8]) -> bool {
    may_hold_a_version(bytes) || memchr::memmem::find(bytes, b"kind: Cluster\n").is_some()
}

/// `v1.30.4` → (1, 30).
fn minor_of(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.strip_prefix('v').unwrap_or(version).split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn is_skip(from: &str, to: &str) -> bool {
    match (minor_of(from), minor_of(to)) {
        (Some((fa, fi)), Some((ta, ti))) => ta > fa || (ta == fa && ti > fi + 1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kcp(version: &str) -> Vec<u8> {
        format!(
            "apiVersion: controlplane.cluster.x-k8s.io/v1beta2\nkind: KubeadmControlPlane\n\
             metadata:\n  name: a-control-plane\nspec:\n  version: {version}\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_skipped_minor_is_found_one_minor_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("clusters/a")).unwrap();
        std::fs::write(dir.join("clusters/a/cp.yaml"), kcp("v1.28.15")).unwrap();
        let mut tree = Tree::new();
        tree.insert("clusters/a/cp.yaml", kcp("v1.30.4"));
        tree.insert("clusters/b/cp.yaml", kcp("v1.33.0"));
        let found = skips(dir, &tree, None).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].from, "v1.28.15");
        assert!(
            found[0].message().contains("skipping v1.29"),
            "{}",
            found[0].message()
        );
        let mut tree = Tree::new();
        tree.insert("clusters/a/cp.yaml", kcp("v1.29.9"));
        assert!(skips(dir, &tree, None).unwrap().is_empty());
        // kops names its Cluster kind as Cluster API does: the version field tells them
        // apart before anything is parsed.
        let kops = b"apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: k\nspec:\n  kubernetesVersion: v1.30.4\n";
        assert!(may_hold_a_version(kops));
        assert_eq!(versions(kops).len(), 1);
        assert!(!may_hold_a_version(
            b"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: c\n"
        ));
        // A Cluster API Cluster moved to another namespace is named; kops' Cluster is not
        // Cluster API's.
        let cluster = |ns: &str| {
            format!(
                "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: m\n  namespace: {ns}\n"
            )
            .into_bytes()
        };
        std::fs::create_dir_all(dir.join("clusters/m")).unwrap();
        std::fs::write(dir.join("clusters/m/cluster.yaml"), cluster("default")).unwrap();
        let mut tree = Tree::new();
        tree.insert("clusters/m/cluster.yaml", cluster("kommander"));
        let found = skips(dir, &tree, None).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].change, Change::Namespace);
        assert!(
            found[0].message().contains("`default` to `kommander`"),
            "{}",
            found[0].message()
        );
        let mut tree = Tree::new();
        tree.insert("clusters/m/cluster.yaml", cluster("default"));
        assert!(skips(dir, &tree, None).unwrap().is_empty());
        let unset = b"apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: m\n";
        assert_eq!(
            capi_clusters(unset),
            vec![("m".to_owned(), "default".to_owned())]
        );
        assert!(capi_clusters(kops).is_empty());
        // Downgrades and patch changes are not skips.
        assert!(!is_skip("v1.30.4", "v1.28.1"));
        assert!(!is_skip("v1.30.4", "v1.30.9"));
        assert!(is_skip("v1.30.4", "v2.0.0"));
    }
}
