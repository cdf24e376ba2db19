//! The bring-up graph of a rendered tree, as plain data: who installs which component into
//! which cluster, the Flux Kustomizations and HelmReleases with their `dependsOn` edges, the
//! values files and the ConfigMaps generated from them, and every object applied with the
//! cluster it lands in. `extract` builds it from the objects; `rules` judges it. Nothing here
//! knows an object's shape.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::addons::Installer;

/// One object of the tree: the file it is in and its kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    pub file: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// A namespaced name: how `dependsOn` and `healthChecks` find an object.
pub type Key = (String, String);

/// A chart (or managed add-on) at a version, as the installing object names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// `https://…` or `oci://…`; empty for EKS managed add-ons.
    pub repository: String,
    pub chart: String,
    pub version: String,
    /// For an EKS managed add-on: the Kubernetes minor of its control plane (add-on
    /// versions are pinned per minor).
    pub minor: Option<u32>,
}

/// One component installed into one cluster by one object (or one setting of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub component: String,
    pub installer: Installer,
    /// The cluster it serves (`platc.io/cluster`): one installer per component and cluster.
    pub cluster: String,
    /// The cluster its objects (and CRDs) land in: the served cluster, except for a
    /// HelmRelease that runs on the management cluster for another one (Cluster API's
    /// cluster-autoscaler).
    pub lands_in: String,
    /// The object that installs it (the HelmRelease, the HelmChartProxy, the
    /// AWSManagedControlPlane or kops Cluster, Kommander's Installation).
    pub by: ObjRef,
    /// What in `by` installs it, when `by` installs several (`spec.addons[vpc-cni]`).
    pub setting: Option<String>,
    /// The chart and version, where the installer names one (None: kOps and Kommander pin
    /// versions by their own release).
    pub chart: Option<Chart>,
    /// For a Flux HelmRelease: its key, to find who waits for it. For a Kommander app: the
    /// key of the HelmRelease Kommander creates for it.
    pub release: Option<Key>,
}

/// A Flux Kustomization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kustomization {
    pub obj: ObjRef,
    pub key: Key,
    /// The tree folder `spec.path` resolves to, when it resolves.
    pub folder: Option<String>,
    pub path: String,
    pub depends_on: Vec<Key>,
    pub wait: bool,
    /// `healthChecks` entries: (kind, namespace, name).
    pub health_checks: Vec<(String, String, String)>,
    /// The cluster the objects are applied to.
    pub target: String,
    /// An Argo CD Application of a folder (its `dependsOn` are the siblings of earlier sync
    /// waves; `wait` is whether Argo CD assesses child Applications' health).
    pub argo: bool,
}

/// A Flux HelmRelease, or an Argo CD Application of a Helm chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub obj: ObjRef,
    pub key: Key,
    pub depends_on: Vec<Key>,
    /// `valuesFrom` entries of kind ConfigMap: (name, valuesKey, optional).
    pub values_from: Vec<(String, String, bool)>,
    /// Argo CD's `helm.valueFiles` read from the tree's repository (`$values/…`): the tree
    /// path each resolves to, or the entry as written when it names no file of the tree.
    pub value_files: Vec<Result<String, String>>,
}

/// A ConfigMap made by a kustomization's `configMapGenerator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedConfigMap {
    /// The kustomization.yaml that declares it.
    pub file: String,
    pub name: String,
    pub namespace: Option<String>,
    /// (data key, tree path of the file).
    pub files: Vec<(String, String)>,
}

/// An object applied to a cluster by kubectl or Flux.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub obj: ObjRef,
    pub group: String,
    /// The cluster it lands in.
    pub target: String,
}

/// A problem the extraction met: an object that lacks what the check needs to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub cluster: String,
    pub obj: ObjRef,
    pub message: String,
}

/// The whole tree's bring-up graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Every cluster of the tree (`clusters/<name>/`).
    pub clusters: BTreeSet<String>,
    /// The management cluster, when the tree has one.
    pub management: Option<String>,
    pub installs: Vec<Install>,
    pub kustomizations: BTreeMap<Key, Kustomization>,
    pub releases: BTreeMap<Key, Release>,
    pub generated: Vec<GeneratedConfigMap>,
    /// Every `*-values.yaml` file platc wrote, with its cluster.
    pub values_files: Vec<(String, String)>,
    /// The objects applied to a cluster whose API group is not built into Kubernetes, and
    /// every ConfigMap.
    pub applied: Vec<Applied>,
    /// Folders (with a kustomization.yaml) → every object file under them, recursively.
    pub folder_files: BTreeMap<String, BTreeSet<String>>,
    pub malformed: Vec<Malformed>,
}

impl Graph {
    /// The Kustomizations reachable from `from` through `dependsOn` (not `from` itself,
    /// unless a cycle leads back to it).
    pub fn kustomization_deps(&self, from: &Key) -> BTreeSet<Key> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Key> = self
            .kustomizations
            .get(from)
            .map(|k| k.depends_on.clone())
            .unwrap_or_default();
        while let Some(key) = stack.pop() {
            if seen.insert(key.clone())
                && let Some(k) = self.kustomizations.get(&key)
            {
                stack.extend(k.depends_on.iter().cloned());
            }
        }
        seen
    }

    /// The object files Kustomization `k` applies (everything under its folder).
    pub fn files_of<'a>(&'a self, k: &Kustomization) -> impl Iterator<Item = &'a String> {
        k.folder
            .as_ref()
            .and_then(|f| self.folder_files.get(f))
            .into_iter()
            .flatten()
    }

    /// Whether Kustomization `k` is Ready only when HelmRelease `release` is Ready: it applies
    /// the release with `wait`, or (without `wait`, which makes Flux ignore `healthChecks`)
    /// lists it in `healthChecks`.
    pub fn waits_for(&self, k: &Kustomization, release: &Key, release_file: Option<&str>) -> bool {
        if k.wait {
            return release_file.is_some_and(|file| self.files_of(k).any(|f| f == file));
        }
        k.health_checks
            .iter()
            .any(|(kind, ns, name)| kind == "HelmRelease" && (ns, name) == (&release.0, &release.1))
    }
}

/// The first cycle through `edges` (each node's successors), as the nodes in order, if any.
pub fn find_cycles<K: Ord + Clone>(edges: &BTreeMap<K, Vec<K>>) -> Vec<Vec<K>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<K, Mark> = BTreeMap::new();
    let mut cycles = Vec::new();
    for start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // Iterative depth-first search: (node, index of the next successor to visit).
        let mut path: Vec<(K, usize)> = vec![(start.clone(), 0)];
        marks.insert(start.clone(), Mark::Open);
        while let Some((node, next)) = path.last().cloned() {
            let succ = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if next >= succ.len() {
                marks.insert(node, Mark::Done);
                path.pop();
                continue;
            }
            path.last_mut().expect("non-empty").1 += 1;
            let to = succ[next].clone();
            match marks.get(&to) {
                Some(Mark::Open) => {
                    let at = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    cycles.push(path[at..].iter().map(|(n, _)| n.clone()).collect());
                }
                Some(Mark::Done) => {}
                None => {
                    if edges.contains_key(&to) {
                        marks.insert(to.clone(), Mark::Open);
                        path.push((to, 0));
                    }
                }
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_once_and_acyclic_graphs_pass() {
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        edges.insert("a", vec!["b"]);
        edges.insert("b", vec!["c"]);
        edges.insert("c", vec![]);
        assert!(find_cycles(&edges).is_empty());
        edges.insert("c", vec!["a"]);
        assert_eq!(find_cycles(&edges), vec![vec!["a", "b", "c"]]);
        let mut own: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        own.insert("x", vec!["x"]);
        assert_eq!(find_cycles(&own), vec![vec!["x"]]);
    }
}
