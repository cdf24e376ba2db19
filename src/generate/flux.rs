//! GitOps with Flux (`gitops.flux`): per cluster, `gitops/flux/<cluster>.yaml` with a
//! `GitRepository` of the repository the rendered tree lives in and one `Kustomization` per
//! folder of the cluster, in the order a cluster comes up:
//! - `<platform>-<cluster>-infrastructure` (capa and eks, with a management cluster): the
//!   Cluster API objects, so a commit creates the cluster;
//! - `-namespaces`: the releases' Namespaces with their Pod Security labels, in the cluster;
//! - `-releases` (after `-namespaces`, `wait: true`): the HelmRepositories and HelmReleases,
//!   which live where Flux runs; Ready only once every HelmRelease is (on the management
//!   cluster also Kommander's cert-manager, a health check);
//! - `-addons` (after `-releases`): the objects that need the releases' CRDs (ClusterIssuer,
//!   ClusterPolicy, Calico's BGP objects), in the cluster.
//!
//! Calico's BGP objects wait for Calico transitively: the releases become Ready only on Ready
//! nodes, and nodes are Ready only with a CNI.
//!
//! With a management cluster, Flux runs there and delivers every cluster: the objects live in
//! the namespace of the cluster's Cluster API objects, and a Kustomization of objects inside a
//! workload cluster reaches it through the kubeconfig Secret Cluster API keeps there
//! (`<cluster>-kubeconfig`), so `kubectl apply -k gitops/flux` on the management cluster
//! delivers all of them. Without one, each cluster's own Flux applies its file, locally (no
//! infrastructure: the cluster cannot create itself).
//!
//! This generator runs last: a folder without Kubernetes objects (so without a
//! `kustomization.yaml`) gets no Kustomization, since Flux would otherwise apply its Helm
//! values files as if they were manifests.

use serde_json::{Map, Value};

use crate::json::json;

use super::releases::HELM_API;
use super::releases::plan::KOMMANDER_CERT_MANAGER;
use super::{Content, GenError, Origin, Output, Source, capa};
use crate::blueprint::model::Flux;
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "flux";

pub const SOURCE_API: &str = "source.toolkit.fluxcd.io/v1";
pub const KUSTOMIZE_API: &str = "kustomize.toolkit.fluxcd.io/v1";

/// How often Flux looks for new commits, and re-applies the add-ons (correcting drift). A
/// rendered tree changes only by commits, so polling each minute keeps delivery prompt; the
/// apply interval is Flux's documented default.
const SOURCE_INTERVAL: &str = "1m";
const APPLY_INTERVAL: &str = "10m";
/// The key of Cluster API's kubeconfig Secret that holds the kubeconfig.
const KUBECONFIG_KEY: &str = "value";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let Some(flux) = r.gitops.as_ref().and_then(|g| g.flux.as_ref()) else {
        return Ok(());
    };
    let management = r.management_cluster().is_some();
    for c in &r.clusters {
        let has = |dir: String| has_objects(out, &dir);
        let folders = Folders {
            infrastructure: management
                && c.provider != Provider::Kops
                && has(format!("{}/infrastructure", naming::cluster_dir(&c.name))),
            namespaces: has(naming::namespaces_dir(&c.name)),
            releases: has(naming::releases_dir(&c.name)),
            addons: has(naming::addons_dir(&c.name)),
            helm_releases: helm_releases(out, &naming::releases_dir(&c.name)),
        };
        if !(folders.infrastructure || folders.namespaces || folders.releases || folders.addons) {
            continue;
        }
        out.origin(Origin::cluster(&c.name).with("flux", Source::path("spec.gitops.flux")))
            .objects(
                naming::flux_path(&c.name),
                GENERATOR,
                objects(r, c, flux, management && !c.management, &folders),
            )?;
    }
    Ok(())
}

/// Whether a folder holds Kubernetes objects (so a kustomization): Flux would otherwise
/// apply its other files (Helm values) as if they were manifests.
fn has_objects(out: &Output, dir: &str) -> bool {
    let prefix = format!("{dir}/");
    out.files_under(&prefix)
        .any(|(_, file)| matches!(file.content, Content::Objects(_)))
}

/// The HelmReleases (name, namespace) of a folder.
fn helm_releases(out: &Output, dir: &str) -> Vec<(String, String)> {
    let prefix = format!("{dir}/");
    let mut list = Vec::new();
    for (_, file) in out.files_under(&prefix) {
        if let Content::Objects(objects) = &file.content {
            for o in objects {
                if o["kind"] == "HelmRelease" {
                    let text = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or_default();
                    list.push((
                        text("/metadata/name").to_owned(),
                        text("/metadata/namespace").to_owned(),
                    ));
                }
            }
        }
    }
    list
}

/// Which of a cluster's folders Flux applies.
struct Folders {
    infrastructure: bool,
    namespaces: bool,
    releases: bool,
    addons: bool,
    /// The HelmReleases of `releases/` (name, namespace), for a health check by name.
    helm_releases: Vec<(String, String)>,
}

/// The path of a cluster's `addons/` in the repository: under the tree's folder there.
pub fn addons_path(tree_path: &str, cluster: &str) -> String {
    repo_path(tree_path, &naming::addons_dir(cluster))
}

/// The path of a folder of the tree in the repository.
pub fn repo_path(tree_path: &str, dir: &str) -> String {
    let base = tree_path.trim_start_matches("./").trim_matches('/');
    if base.is_empty() || base == "." {
        format!("./{dir}")
    } else {
        format!("./{base}/{dir}")
    }
}

fn objects(
    r: &Resolved,
    c: &ResolvedCluster,
    flux: &Flux,
    remote: bool,
    folders: &Folders,
) -> Vec<Value> {
    let namespace = capa::namespace(c);
    let metadata = |name: &str| {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("namespace".into(), json!(namespace));
        m.insert(
            "labels".into(),
            Value::Object(naming::labels(&r.platform, Some(&c.name), None)),
        );
        Value::Object(m)
    };
    let source_name = naming::flux_source_name(&r.platform, &c.name);
    let mut source = Map::new();
    source.insert("interval".into(), json!(SOURCE_INTERVAL));
    source.insert("url".into(), json!(flux.url));
    source.insert("ref".into(), json!({"branch": r.flux_branch()}));
    if let Some(secret) = &flux.secret_ref {
        source.insert("secretRef".into(), json!({"name": secret.name}));
    }
    let mut objects = vec![json!({
        "apiVersion": SOURCE_API,
        "kind": "GitRepository",
        "metadata": metadata(&source_name),
        "spec": source,
    })];
    // One Kustomization per folder; `in_cluster` ones reach a workload cluster through Cluster
    // API's kubeconfig Secret, the others apply where Flux runs.
    let kustomization = |name: String, dir: String, in_cluster: bool, extra: Map<String, Value>| {
        let mut spec = Map::new();
        spec.insert("interval".into(), json!(APPLY_INTERVAL));
        spec.insert("path".into(), json!(repo_path(r.flux_path(), &dir)));
        // Objects removed from the blueprint are removed from the cluster: what is in Git is
        // exactly what runs.
        spec.insert("prune".into(), json!(true));
        spec.insert(
            "sourceRef".into(),
            json!({"kind": "GitRepository", "name": source_name}),
        );
        if in_cluster && remote {
            spec.insert(
                "kubeConfig".into(),
                json!({"secretRef": {
                    "name": naming::kubeconfig_secret_name(&c.name),
                    "key": KUBECONFIG_KEY,
                }}),
            );
        }
        spec.extend(extra);
        json!({
            "apiVersion": KUSTOMIZE_API,
            "kind": "Kustomization",
            "metadata": metadata(&name),
            "spec": spec,
        })
    };
    let depends = |names: Vec<String>| {
        let list: Vec<Value> = names.into_iter().map(|n| json!({"name": n})).collect();
        let mut m = Map::new();
        if !list.is_empty() {
            m.insert("dependsOn".into(), Value::Array(list));
        }
        m
    };
    // On the management cluster the ClusterIssuer needs cert-manager, which Kommander
    // installs there: a Kustomization the add-ons depend on checks Kommander's HelmRelease
    // (`-namespaces`, else `-infrastructure`, else `-releases` with its own releases named).
    // Never beside `wait`: kustomize-controller ignores `healthChecks` where `wait` is set
    // (kustomize-controller v1.9.4, the Kustomization CRD's `wait` field).
    let mut kommander_check = (c.management && r.acme.is_some()).then(|| {
        let (name, ns) = KOMMANDER_CERT_MANAGER;
        vec![json!({"apiVersion": HELM_API, "kind": "HelmRelease", "name": name, "namespace": ns})]
    });
    // The Kustomizations the add-ons wait for.
    let mut addons_after = Vec::new();
    let health = |checks: Vec<Value>| {
        let mut m = Map::new();
        m.insert("healthChecks".into(), Value::Array(checks));
        m
    };
    if folders.infrastructure {
        // A commit creates (and changes) the cluster: its Cluster API objects apply on the
        // management cluster.
        let name = naming::flux_infrastructure_name(&r.platform, &c.name);
        let extra = match kommander_check.take_if(|_| !folders.namespaces) {
            Some(checks) => {
                addons_after.push(name.clone());
                health(checks)
            }
            None => Map::new(),
        };
        objects.push(kustomization(
            name,
            format!("{}/infrastructure", naming::cluster_dir(&c.name)),
            false,
            extra,
        ));
    }
    if folders.namespaces {
        let name = naming::flux_namespaces_name(&r.platform, &c.name);
        let extra = kommander_check.take().map(health).unwrap_or_default();
        if !extra.is_empty() && !folders.releases {
            // The releases depend on the namespaces; without releases the add-ons do directly.
            addons_after.push(name.clone());
        }
        objects.push(kustomization(
            name,
            naming::namespaces_dir(&c.name),
            true,
            extra,
        ));
    }
    let releases_name = naming::flux_releases_name(&r.platform, &c.name);
    if folders.releases {
        let mut extra = depends(if folders.namespaces {
            vec![naming::flux_namespaces_name(&r.platform, &c.name)]
        } else {
            Vec::new()
        });
        match kommander_check.take() {
            // Nothing else carries the check: the releases check Kommander's cert-manager and
            // their own HelmReleases by name instead of `wait`.
            Some(mut checks) => {
                checks.extend(folders.helm_releases.iter().map(|(name, ns)| {
                    json!({"apiVersion": HELM_API, "kind": "HelmRelease", "name": name, "namespace": ns})
                }));
                extra.extend(health(checks));
            }
            // Ready only when every HelmRelease is Ready (kustomize-controller: `wait` checks
            // every object it applied), so the add-ons that need their CRDs wait for them.
            None => {
                extra.insert("wait".into(), json!(true));
            }
        }
        objects.push(kustomization(
            releases_name.clone(),
            naming::releases_dir(&c.name),
            false,
            extra,
        ));
        addons_after.insert(0, releases_name);
    }
    if folders.addons {
        objects.push(kustomization(
            naming::flux_kustomization_name(&r.platform, &c.name),
            naming::addons_dir(&c.name),
            true,
            depends(addons_after),
        ));
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::addons_path;

    #[test]
    fn addons_path_is_under_the_tree_folder() {
        assert_eq!(addons_path(".", "a"), "./clusters/a/addons");
        assert_eq!(addons_path("./", "a"), "./clusters/a/addons");
        assert_eq!(addons_path("rendered", "a"), "./rendered/clusters/a/addons");
        assert_eq!(
            addons_path("./deep/tree/", "a"),
            "./deep/tree/clusters/a/addons"
        );
    }
}
