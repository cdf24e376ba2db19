//! The releases of a cluster as Argo CD Applications (`gitops.argocd`): one Application of a
//! Helm chart per [`Release`], in `clusters/<cluster>/releases/applications.yaml`, beside the
//! same Helm values files Flux would read. Argo CD v3.5.1 (argoproj/argo-cd, tag v3.5.1):
//! - the chart is the first of the Application's `sources` (`repoURL` without `oci://` for an
//!   OCI registry, `chart`, `targetRevision` = the pinned version; docs/user-guide/helm.md);
//! - the values file is read from the Git repository the tree lives in through a second
//!   source with `ref: values`, as `$values/<path in the repository>`
//!   (docs/user-guide/multiple_sources.md), so the file platc writes is the one Argo CD
//!   reads, and no ConfigMap is generated; platc's own settings are `helm.valuesObject`,
//!   which wins over value files as Flux's `values` wins over `valuesFrom`
//!   (docs/user-guide/helm.md: "parameters > valuesObject > values > valueFiles");
//! - Flux's `dependsOn` becomes the `argocd.argoproj.io/sync-wave` annotation: a release's
//!   wave is one more than the highest wave of the releases it depends on, so the folder's
//!   Application (an app of apps) applies it only once they are Healthy
//!   (docs/user-guide/sync-waves.md, "How sync waves work?"; the Application health check of
//!   `generate::argocd` makes a child Application's health count). A dependency outside the
//!   folder (Kommander's cert-manager on the management cluster) is installed by the
//!   bootstrap before Argo CD delivers anything (`releases::steps`).
//!
//! The Applications live where Argo CD runs, in its namespace; a release into a workload
//! cluster names that cluster by the name it is registered under (`destination.name`, the
//! README's `argocd cluster add … --name <cluster>`), any other `in-cluster`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Release;
use crate::json::json;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

pub const API: &str = "argoproj.io/v1alpha1";
/// The annotation that orders an app of apps' children (docs/user-guide/sync-waves.md).
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
/// Argo CD's name for the cluster it runs in (docs/operator-manual/declarative-setup.md).
pub const IN_CLUSTER: &str = "in-cluster";
/// Deleting an Application deletes what it installed, as Flux's `prune` garbage-collects
/// (docs/user-guide/app_deletion.md).
pub const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";
/// The name of the Git source the values files are read through (`$values`).
const VALUES_REF: &str = "values";

/// The sync wave of each release (by component): 0 without dependencies inside the list,
/// else one more than the highest wave it depends on. `Release::depends_on` names
/// HelmReleases (`<cluster>-<component>`); names outside the list are ignored (installed
/// before Argo CD delivers anything).
pub fn waves(c: &ResolvedCluster, releases: &[Release]) -> BTreeMap<&'static str, u32> {
    let by_name: BTreeMap<String, &Release> = releases
        .iter()
        .map(|r| (naming::helm_release_name(&c.name, r.component), r))
        .collect();
    let mut out = BTreeMap::new();
    // The releases' dependencies form a forest of a few levels; each pass settles one level.
    for _ in 0..=releases.len() {
        for rel in releases {
            let wave = rel
                .depends_on
                .iter()
                .filter(|(_, ns)| ns.is_none())
                .filter_map(|(name, _)| by_name.get(name))
                .map(|dep| out.get(dep.component).copied().unwrap_or(0) + 1)
                .max()
                .unwrap_or(0);
            out.insert(rel.component, wave);
        }
    }
    out
}

/// The path of a tree folder in the repository, without a leading `./` (Argo CD's `path`
/// and `$values/…` are relative to the repository's root).
pub fn repo_path(tree_path: &str, dir: &str) -> String {
    crate::generate::flux::repo_path(tree_path, dir)
        .trim_start_matches("./")
        .to_string()
}

/// `syncPolicy` of every Application platc writes: automated, pruning what left Git and
/// undoing drift (docs/user-guide/auto_sync.md), retried without limit (a workload cluster
/// may not be reachable yet; Flux's `RetryOnFailure`), with `extra` sync options.
pub fn sync_policy(extra: &[&str]) -> Value {
    let mut policy = Map::new();
    policy.insert("automated".into(), json!({"prune": true, "selfHeal": true}));
    // docs/operator-manual/application.yaml: "unlimited number of attempts if less than 0".
    policy.insert(
        "retry".into(),
        json!({"limit": -1, "backoff": {"duration": "30s", "factor": 2, "maxDuration": "10m"}}),
    );
    if !extra.is_empty() {
        policy.insert("syncOptions".into(), json!(extra));
    }
    Value::Object(policy)
}

/// The destination cluster of an Application: the registered workload cluster when Argo CD
/// on the management cluster reaches it remotely, else the cluster Argo CD runs in.
pub fn destination(c: &ResolvedCluster, remote: bool) -> &str {
    if remote { &c.name } else { IN_CLUSTER }
}

/// One release's Application.
pub fn helm_application(r: &Resolved, c: &ResolvedCluster, rel: &Release, wave: u32) -> Value {
    let name = naming::helm_release_name(&c.name, rel.component);
    let mut labels = naming::labels(&r.platform, Some(&c.name), None);
    labels.insert(naming::LABEL_COMPONENT.into(), json!(rel.component));
    let mut helm = Map::new();
    helm.insert("releaseName".into(), json!(rel.release_name));
    if let Some(file) = &rel.values_file {
        let path = repo_path(
            r.argocd_path(),
            &format!("{}/{file}", naming::releases_dir(&c.name)),
        );
        helm.insert(
            "valueFiles".into(),
            json!([format!("${VALUES_REF}/{path}")]),
        );
    }
    if let Some(values) = &rel.values {
        helm.insert("valuesObject".into(), values.clone());
    }
    let repository = rel.addon.repository;
    let mut sources = vec![json!({
        "repoURL": repository.strip_prefix("oci://").unwrap_or(repository),
        "chart": rel.addon.chart,
        "targetRevision": rel.addon.version,
        "helm": helm,
    })];
    if rel.values_file.is_some() {
        let git = r.argocd().map(|a| a.url.as_str()).unwrap_or_default();
        sources.push(json!({
            "repoURL": git,
            "targetRevision": r.argocd_branch(),
            "ref": VALUES_REF,
        }));
    }
    json!({
        "apiVersion": API,
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": naming::ARGOCD_NAMESPACE,
            "labels": labels,
            "annotations": {SYNC_WAVE: wave.to_string()},
            "finalizers": [FINALIZER],
        },
        "spec": {
            "project": r.argocd_project(),
            "destination": {"name": destination(c, rel.remote), "namespace": rel.namespace},
            "sources": sources,
            // The release's namespace may not exist yet (Flux's `createNamespace`); CRDs as
            // large as kube-prometheus-stack's exceed the annotation client-side apply keeps
            // (docs/user-guide/sync-options.md, "Server-Side Apply").
            "syncPolicy": sync_policy(&["CreateNamespace=true", "ServerSideApply=true"]),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::repo_path;

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        assert_eq!(repo_path(".", "clusters/a/addons"), "clusters/a/addons");
        assert_eq!(
            repo_path("./rendered/", "clusters/a/addons"),
            "rendered/clusters/a/addons"
        );
    }
}
