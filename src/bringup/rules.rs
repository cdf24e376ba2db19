//! The bring-up rules, per cluster, over the [`Graph`]:
//! (a) complete and acyclic: every custom resource's CRD is installed into its cluster, and
//!     the Kustomization applying it depends (through `dependsOn`) on one that waits for the
//!     installer; every `dependsOn`, source, path and ConfigMap named exists; no cycle;
//! (b) every `*-values.yaml` is consumed by exactly one release, under the key it reads;
//! (c) no component is installed twice into one cluster;
//! (d) every chart and managed add-on version is a row of `facts::addons::ADDONS`.

use std::collections::{BTreeMap, BTreeSet};

use super::Facts;
use super::crds;
use super::finding::{Finding, Rule};
use super::model::{Applied, Graph, Install, Key, Kustomization, ObjRef, Release, find_cycles};
use crate::facts::addons::Installer;

/// Lookups built once per run: a fleet has thousands of each.
struct Index<'g> {
    /// Object file → the Kustomizations whose folder applies it.
    appliers: BTreeMap<&'g str, Vec<&'g Kustomization>>,
    /// Kustomization → every Kustomization it depends on, transitively.
    deps: BTreeMap<&'g Key, Vec<&'g Kustomization>>,
    /// Cluster → what lands in it.
    installs: BTreeMap<&'g str, Vec<&'g Install>>,
}

impl<'g> Index<'g> {
    fn new(g: &'g Graph) -> Self {
        let mut appliers: BTreeMap<&str, Vec<&Kustomization>> = BTreeMap::new();
        for k in g.kustomizations.values() {
            for file in g.files_of(k) {
                appliers.entry(file.as_str()).or_default().push(k);
            }
        }
        let deps = g
            .kustomizations
            .keys()
            .map(|key| {
                let closure = g.kustomization_deps(key);
                let ks = closure
                    .iter()
                    .filter_map(|d| g.kustomizations.get(d))
                    .collect();
                (key, ks)
            })
            .collect();
        let mut installs: BTreeMap<&str, Vec<&Install>> = BTreeMap::new();
        for i in &g.installs {
            installs.entry(i.lands_in.as_str()).or_default().push(i);
        }
        Self {
            appliers,
            deps,
            installs,
        }
    }

    /// What lands in `cluster`.
    fn installs_into(&self, cluster: &str) -> &[&'g Install] {
        self.installs.get(cluster).map_or(&[], Vec::as_slice)
    }
}

/// Every finding of the graph, sorted; versions are looked up in `facts`.
pub fn run(g: &Graph, facts: &Facts<'_>) -> Vec<Finding> {
    let idx = Index::new(g);
    let mut out = Vec::new();
    for m in &g.malformed {
        out.push(Finding {
            cluster: m.cluster.clone(),
            rule: Rule::Shape,
            object: m.obj.clone(),
            message: m.message.clone(),
        });
    }
    references_and_cycles(g, &mut out);
    for a in &g.applied {
        custom_resource(g, &idx, a, &mut out);
    }
    values(g, &mut out);
    twice(g, &mut out);
    versions(g, facts, &mut out);
    out.sort();
    out.dedup();
    out
}

fn cluster_of(file: &str) -> String {
    super::extract::cluster_of_path(file)
        .unwrap_or_default()
        .to_string()
}

fn key_text((ns, name): &Key) -> String {
    format!("{ns}/{name}")
}

fn references_and_cycles(g: &Graph, out: &mut Vec<Finding>) {
    let mut k_edges: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for k in g.kustomizations.values() {
        let cluster = k
            .folder
            .as_deref()
            .map(cluster_of)
            .unwrap_or_else(|| k.target.clone());
        if k.folder.is_none() {
            out.push(Finding {
                cluster: cluster.clone(),
                rule: Rule::Reference,
                object: k.obj.clone(),
                message: format!(
                    "applies `spec.path: {}`, which is no folder of the tree with a kustomization.yaml",
                    k.path
                ),
            });
        }
        for d in &k.depends_on {
            if !g.kustomizations.contains_key(d) {
                out.push(Finding {
                    cluster: cluster.clone(),
                    rule: Rule::Reference,
                    object: k.obj.clone(),
                    message: format!(
                        "depends on Kustomization {}, which is not in the tree",
                        key_text(d)
                    ),
                });
            }
        }
        k_edges.insert(k.key.clone(), k.depends_on.clone());
    }
    for cycle in find_cycles(&k_edges) {
        let first = &g.kustomizations[&cycle[0]];
        out.push(cycle_finding(first.target.clone(), &first.obj, &cycle));
    }
    // Kommander's HelmReleases are on the management cluster, not in the tree.
    let kommander: BTreeSet<&Key> = g
        .installs
        .iter()
        .filter(|i| i.installer == Installer::Kommander)
        .filter_map(|i| i.release.as_ref())
        .collect();
    let mut r_edges: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for r in g.releases.values() {
        for d in &r.depends_on {
            if !g.releases.contains_key(d) && !kommander.contains(d) {
                out.push(Finding {
                    cluster: cluster_of(&r.obj.file),
                    rule: Rule::Reference,
                    object: r.obj.clone(),
                    message: format!(
                        "depends on HelmRelease {}, which is not in the tree",
                        key_text(d)
                    ),
                });
            }
        }
        r_edges.insert(r.key.clone(), r.depends_on.clone());
    }
    for cycle in find_cycles(&r_edges) {
        let first = &g.releases[&cycle[0]];
        out.push(cycle_finding(
            cluster_of(&first.obj.file),
            &first.obj,
            &cycle,
        ));
    }
}

fn cycle_finding(cluster: String, obj: &ObjRef, cycle: &[Key]) -> Finding {
    let path: Vec<String> = cycle.iter().chain(cycle.first()).map(key_text).collect();
    Finding {
        cluster,
        rule: Rule::Cycle,
        object: obj.clone(),
        message: format!("is in a dependsOn cycle: {}", path.join(" → ")),
    }
}

/// Rule (a) for one applied object.
fn custom_resource(g: &Graph, idx: &Index<'_>, a: &Applied, out: &mut Vec<Finding>) {
    if crds::is_built_in(&a.group) {
        return;
    }
    let on_host = g.management.as_ref().is_none_or(|m| *m == a.target);
    if crds::is_prerequisite(&a.group) {
        if !on_host {
            out.push(Finding {
                cluster: a.target.clone(),
                rule: Rule::Installer,
                object: a.obj.clone(),
                message: format!(
                    "is applied inside cluster `{}`, but its API group `{}` is only on the \
                     management cluster",
                    a.target, a.group
                ),
            });
        }
        return;
    }
    let Some(row) = crds::crd_group(&a.group) else {
        out.push(Finding {
            cluster: a.target.clone(),
            rule: Rule::Installer,
            object: a.obj.clone(),
            message: format!(
                "has API group `{}`, which no component platc knows installs \
                 (bringup::crds::CRD_GROUPS)",
                a.group
            ),
        });
        return;
    };
    let installs: Vec<&Install> = idx
        .installs_into(&a.target)
        .iter()
        .copied()
        .filter(|i| row.components.contains(&i.component.as_str()))
        .collect();
    if installs.is_empty() {
        out.push(Finding {
            cluster: a.target.clone(),
            rule: Rule::Installer,
            object: a.obj.clone(),
            message: format!(
                "needs the CRDs of `{}`, but nothing installs {} into cluster `{}`",
                a.group,
                row.components.join(" or "),
                a.target
            ),
        });
        return;
    }
    // Without a GitOps engine, the README's steps order the applies; nothing to check.
    if g.kustomizations.is_empty() {
        return;
    }
    let appliers = idx
        .appliers
        .get(a.obj.file.as_str())
        .map_or(&[][..], Vec::as_slice);
    if appliers.is_empty() {
        out.push(Finding {
            cluster: a.target.clone(),
            rule: Rule::Order,
            object: a.obj.clone(),
            message: "is applied by no Flux Kustomization nor Argo CD Application".into(),
        });
        return;
    }
    for k in appliers {
        if !installs.iter().any(|i| ordered(g, idx, k, i)) {
            let waits_for: Vec<String> = installs.iter().map(|i| describe_wait(g, i)).collect();
            out.push(Finding {
                cluster: a.target.clone(),
                rule: Rule::Order,
                object: a.obj.clone(),
                message: format!(
                    "is applied by {} before its CRDs exist: it must depend (dependsOn, \
                     transitively) on a Kustomization that waits for {}",
                    k.obj,
                    waits_for.join(" or ")
                ),
            });
        }
    }
}

/// What a Kustomization must wait for to know `i` has installed its CRDs.
fn describe_wait(g: &Graph, i: &Install) -> String {
    match i.installer {
        Installer::Flux => format!("{} (`wait: true` on its folder, or `healthChecks`)", i.by),
        Installer::ArgoCd => format!(
            "{} (an Application of its folder in an earlier sync wave, with the Application \
             health check in `argocd-cm`)",
            i.by
        ),
        Installer::Kommander => format!(
            "Kommander's HelmRelease {} (`healthChecks`, without `wait`)",
            i.release.as_ref().map(key_text).unwrap_or_default()
        ),
        _ => format!(
            "a HelmRelease installing into cluster `{}` (it is Ready only on Ready nodes, \
             which need {} of {})",
            i.lands_in,
            i.component,
            describe_installer(g, i)
        ),
    }
}

fn describe_installer(_g: &Graph, i: &Install) -> String {
    match &i.setting {
        Some(s) => format!("{} `{s}`", i.by),
        None => i.by.to_string(),
    }
}

/// Whether Kustomization `k` is applied only after `i` has installed its CRDs.
fn ordered(g: &Graph, idx: &Index<'_>, k: &Kustomization, i: &Install) -> bool {
    let deps = idx.deps.get(&k.key).map_or(&[][..], Vec::as_slice);
    match i.installer {
        Installer::Flux | Installer::ArgoCd => {
            let Some(release) = &i.release else {
                return false;
            };
            let file = g.releases.get(release).map(|r| r.obj.file.as_str());
            deps.iter().any(|d| g.waits_for(d, release, file))
        }
        // Argo CD delivers nothing before the bootstrap has installed Kommander and waited
        // for its cert-manager (`releases::steps`): an Application comes after its apps.
        Installer::Kommander if k.argo => true,
        Installer::Kommander => {
            let Some(release) = &i.release else {
                return false;
            };
            deps.iter().any(|d| g.waits_for(d, release, None))
        }
        // Installed with the cluster (CAAPH as soon as the control plane is up, EKS with its
        // control plane, kOps from its control plane): their CRDs exist once nodes are Ready,
        // and a HelmRelease into the cluster is Ready only when its pods run on Ready nodes.
        Installer::ClusterApiHelm | Installer::EksManaged | Installer::Kops => {
            let into_cluster: Vec<&Install> = idx
                .installs_into(&i.cluster)
                .iter()
                .copied()
                .filter(|r| matches!(r.installer, Installer::Flux | Installer::ArgoCd))
                .collect();
            deps.iter().any(|d| {
                into_cluster.iter().any(|r| {
                    r.release.as_ref().is_some_and(|key| {
                        let file = g.releases.get(key).map(|r| r.obj.file.as_str());
                        g.waits_for(d, key, file)
                    })
                })
            })
        }
    }
}

fn values_file_ref(path: &str) -> ObjRef {
    ObjRef {
        file: path.to_string(),
        kind: "Helm values".to_string(),
        namespace: None,
        name: path.rsplit('/').next().unwrap_or(path).to_string(),
    }
}

/// Rule (b).
fn values(g: &Graph, out: &mut Vec<Finding>) {
    // Values file → the generators listing it; ConfigMap name → (release, valuesKey).
    let mut listing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for cmg in &g.generated {
        for (_, path) in &cmg.files {
            listing
                .entry(path.as_str())
                .or_default()
                .push(cmg.name.as_str());
        }
    }
    let mut readers: BTreeMap<&str, Vec<(&Release, &str)>> = BTreeMap::new();
    for r in g.releases.values() {
        for (name, key, _) in &r.values_from {
            readers
                .entry(name.as_str())
                .or_default()
                .push((r, key.as_str()));
        }
    }
    // Argo CD's Applications read values files from Git directly (`$values/…`).
    for r in g.releases.values() {
        for file in &r.value_files {
            match file {
                Ok(path) => listing
                    .entry(path.as_str())
                    .or_default()
                    .push(r.obj.name.as_str()),
                Err(entry) => out.push(Finding {
                    cluster: cluster_of(&r.obj.file),
                    rule: Rule::Reference,
                    object: r.obj.clone(),
                    message: format!("reads values file `{entry}`, which is not in the tree"),
                }),
            }
        }
    }
    for (cluster, path) in &g.values_files {
        let listed = listing.get(path.as_str()).map_or(&[][..], Vec::as_slice);
        let message = match listed.len() {
            1 => continue,
            0 => "is consumed by no release: no configMapGenerator lists it, no Application \
                  reads it"
                .to_string(),
            _ => format!(
                "is listed by {} configMapGenerators or Applications ({})",
                listed.len(),
                listed.join(", ")
            ),
        };
        out.push(Finding {
            cluster: cluster.clone(),
            rule: Rule::Values,
            object: values_file_ref(path),
            message,
        });
    }
    let mut generated: BTreeMap<&str, Vec<Option<&str>>> = BTreeMap::new();
    for cmg in &g.generated {
        generated
            .entry(cmg.name.as_str())
            .or_default()
            .push(cmg.namespace.as_deref());
        let cluster = cluster_of(&cmg.file);
        let object = cmg
            .files
            .first()
            .map_or_else(|| values_file_ref(&cmg.file), |(_, p)| values_file_ref(p));
        let read: Vec<&(&Release, &str)> = readers
            .get(cmg.name.as_str())
            .into_iter()
            .flatten()
            .filter(|(r, _)| cmg.namespace.as_ref().is_none_or(|ns| *ns == r.key.0))
            .collect();
        match read.as_slice() {
            [] => out.push(Finding {
                cluster,
                rule: Rule::Values,
                object,
                message: format!(
                    "becomes ConfigMap `{}` ({}), which no HelmRelease reads in `valuesFrom`",
                    cmg.name, cmg.file
                ),
            }),
            [(release, key)] => {
                if !cmg.files.iter().any(|(k, _)| k == key) {
                    let keys: Vec<&str> = cmg.files.iter().map(|(k, _)| k.as_str()).collect();
                    out.push(Finding {
                        cluster,
                        rule: Rule::Values,
                        object: release.obj.clone(),
                        message: format!(
                            "reads key `{key}` of ConfigMap `{}`, which holds only `{}`: set \
                             `valuesKey`",
                            cmg.name,
                            keys.join("`, `")
                        ),
                    });
                }
            }
            many => {
                let names: Vec<String> = many.iter().map(|(r, _)| r.obj.to_string()).collect();
                out.push(Finding {
                    cluster,
                    rule: Rule::Values,
                    object,
                    message: format!(
                        "becomes ConfigMap `{}`, which {} releases read: {}",
                        cmg.name,
                        many.len(),
                        names.join(", ")
                    ),
                });
            }
        }
    }
    let config_maps: BTreeSet<(&str, &str)> = g
        .applied
        .iter()
        .filter(|a| a.obj.kind == "ConfigMap")
        .map(|a| {
            (
                a.obj.namespace.as_deref().unwrap_or("default"),
                a.obj.name.as_str(),
            )
        })
        .collect();
    for r in g.releases.values() {
        for (name, _, optional) in &r.values_from {
            let made = generated
                .get(name.as_str())
                .is_some_and(|nss| nss.iter().any(|ns| ns.is_none_or(|ns| ns == r.key.0)))
                || config_maps.contains(&(r.key.0.as_str(), name.as_str()));
            if !made && !optional {
                out.push(Finding {
                    cluster: cluster_of(&r.obj.file),
                    rule: Rule::Reference,
                    object: r.obj.clone(),
                    message: format!(
                        "reads values from ConfigMap {}/{name}, which the tree does not make",
                        r.key.0
                    ),
                });
            }
        }
    }
}

/// Rule (c).
fn twice(g: &Graph, out: &mut Vec<Finding>) {
    let mut by: BTreeMap<(&str, &str), Vec<&Install>> = BTreeMap::new();
    for i in &g.installs {
        by.entry((i.cluster.as_str(), i.component.as_str()))
            .or_default()
            .push(i);
    }
    for ((cluster, component), installs) in by {
        if installs.len() < 2 {
            continue;
        }
        let all: Vec<String> = installs
            .iter()
            .map(|i| format!("{} ({})", describe_installer(g, i), i.by.file))
            .collect();
        for i in &installs {
            out.push(Finding {
                cluster: cluster.to_string(),
                rule: Rule::Twice,
                object: i.by.clone(),
                message: format!(
                    "installs `{component}` into cluster `{cluster}`, which is installed {} \
                     times: {}",
                    installs.len(),
                    all.join("; ")
                ),
            });
        }
    }
}

fn same_repository(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Rule (d).
fn versions(g: &Graph, facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for i in &g.installs {
        let Some(chart) = &i.chart else {
            continue;
        };
        let (known, rows): (bool, Vec<String>) = if i.installer == Installer::EksManaged {
            // Pinned per Kubernetes minor (`None`: one version for every minor).
            let rows = facts.eks.iter().filter(|row| row.name == chart.chart);
            let known = rows.clone().any(|row| {
                row.version == chart.version
                    && row.minor.is_none_or(|m| chart.minor.is_none_or(|c| c == m))
            });
            let rows = rows
                .map(|row| match row.minor {
                    Some(m) => format!("{} {} for 1.{m}", row.name, row.version),
                    None => format!("{} {}", row.name, row.version),
                })
                .collect();
            (known, rows)
        } else {
            let rows = facts
                .charts
                .iter()
                .filter(|row| row.component == i.component);
            let known = rows.clone().any(|row| {
                row.chart == chart.chart
                    && row.version == chart.version
                    && same_repository(row.repository, &chart.repository)
            });
            let rows = rows
                .map(|row| format!("{} {} from {}", row.chart, row.version, row.repository))
                .collect();
            (known, rows)
        };
        if known {
            continue;
        }
        let what = if i.installer == Installer::EksManaged {
            let minor = chart
                .minor
                .map_or(String::new(), |m| format!(" on Kubernetes 1.{m}"));
            format!(
                "add-on `{}` version `{}`{minor}",
                chart.chart, chart.version
            )
        } else {
            format!(
                "chart `{}` version `{}` from `{}`",
                chart.chart, chart.version, chart.repository
            )
        };
        out.push(Finding {
            cluster: i.cluster.clone(),
            rule: Rule::Version,
            object: i.by.clone(),
            message: format!(
                "installs `{}` as {what}, which is not a row of facts::addons::{} ({})",
                i.component,
                if i.installer == Installer::EksManaged {
                    "EKS_ADDONS"
                } else {
                    "ADDONS"
                },
                if rows.is_empty() {
                    "no row for the component".to_string()
                } else {
                    format!("rows: {}", rows.join("; "))
                }
            ),
        });
    }
}
