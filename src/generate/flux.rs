//! GitOps with Flux (`gitops.flux`): per cluster, `gitops/flux/<cluster>.yaml` with a
//! `GitRepository` of the repository the rendered tree lives in and a `Kustomization` that
//! applies the cluster's `addons/` from it (its path under the blueprint's `path`).
//!
//! With a management cluster, Flux runs there and delivers every cluster: the objects live in
//! the namespace of the cluster's Cluster API objects, and a workload cluster's Kustomization
//! reaches it through the kubeconfig Secret Cluster API keeps there (`<cluster>-kubeconfig`),
//! so `kubectl apply -k gitops/flux` on the management cluster delivers all of them. Without
//! one, each cluster's own Flux applies its file, locally.
//!
//! This generator runs after every generator of `addons/` objects: a cluster whose `addons/`
//! holds no Kubernetes object (so no `kustomization.yaml`) has nothing to deliver and gets no
//! file, since Flux would otherwise apply its Helm values files as if they were manifests.

use serde_json::{Map, Value, json};

use super::{Content, GenError, Origin, Output, Source, capa};
use crate::blueprint::model::Flux;
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
    let remote = r.management_cluster().is_some();
    for c in &r.clusters {
        let addons = naming::addons_dir(&c.name);
        let delivers_something = out.files().any(|(path, file)| {
            matches!(file.content, Content::Objects(_))
                && path
                    .strip_prefix(&addons)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        if !delivers_something {
            continue;
        }
        out.origin(Origin::cluster(&c.name).with("flux", Source::path("spec.gitops.flux")))
            .objects(
                naming::flux_path(&c.name),
                GENERATOR,
                objects(r, c, flux, remote && !c.management),
            )?;
    }
    Ok(())
}

/// The path of a cluster's `addons/` in the repository: under the tree's folder there.
pub fn addons_path(tree_path: &str, cluster: &str) -> String {
    let base = tree_path.trim_start_matches("./").trim_matches('/');
    let addons = naming::addons_dir(cluster);
    if base.is_empty() || base == "." {
        format!("./{addons}")
    } else {
        format!("./{base}/{addons}")
    }
}

fn objects(r: &Resolved, c: &ResolvedCluster, flux: &Flux, remote: bool) -> Vec<Value> {
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
    let mut spec = Map::new();
    spec.insert("interval".into(), json!(APPLY_INTERVAL));
    spec.insert("path".into(), json!(addons_path(r.flux_path(), &c.name)));
    // Objects removed from the blueprint are removed from the cluster: what is in Git is
    // exactly what runs.
    spec.insert("prune".into(), json!(true));
    spec.insert(
        "sourceRef".into(),
        json!({"kind": "GitRepository", "name": source_name}),
    );
    if remote {
        spec.insert(
            "kubeConfig".into(),
            json!({"secretRef": {
                "name": naming::kubeconfig_secret_name(&c.name),
                "key": KUBECONFIG_KEY,
            }}),
        );
    }
    vec![
        json!({
            "apiVersion": SOURCE_API,
            "kind": "GitRepository",
            "metadata": metadata(&source_name),
            "spec": source,
        }),
        json!({
            "apiVersion": KUSTOMIZE_API,
            "kind": "Kustomization",
            "metadata": metadata(&naming::flux_kustomization_name(&r.platform, &c.name)),
            "spec": spec,
        }),
    ]
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
