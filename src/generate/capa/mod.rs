//! Self-managed Cluster API clusters on AWS (`provider: capa`): per cluster, the Cluster and
//! AWSCluster, the KubeadmControlPlane with its machine template, and per node pool the
//! MachineDeployments (one per zone), their machine and bootstrap templates and a health check;
//! and the HelmChartProxies that install what the nodes need to become Ready ([`bring_up`]).

pub mod api;
pub mod bring_up;
pub(crate) mod cluster;
mod control_plane;
pub mod endpoint;
pub mod fields;
pub mod hardening;
mod node_pool;
pub mod sso;

use serde_json::{Map, Value};

use crate::json::json;

pub use api::Api;

use super::{Content, GenError, Origin, Output};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "capa";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let api_server =
        crate::generate::hardening::api_server(r).map_err(|message| GenError { message })?;
    let clusters = r.clusters_of(Provider::Capa);
    // Encryption at rest adds a Secret of the cluster's own to its API server.
    let cluster_api_server = |c: &ResolvedCluster| {
        let mut api = api_server.clone();
        if r.encryption_key().is_some() {
            api.extend(crate::generate::hardening::encryption::api_server(&c.name));
        }
        api
    };
    out.add_parallel(GENERATOR, &clusters, |c| {
        let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
        let mut files = vec![
            (
                format!("{dir}/cluster.yaml"),
                Content::Objects(cluster::objects(r, c)),
                Origin::cluster(&c.name),
            ),
            (
                format!("{dir}/control-plane.yaml"),
                Content::Objects(control_plane::objects(r, c, &cluster_api_server(c))),
                Origin::control_plane(&c.name),
            ),
        ];
        files.push((
            format!("{dir}/bring-up.yaml"),
            Content::Objects(bring_up::objects(r, c)),
            Origin::cluster(&c.name),
        ));
        for pool in &c.node_pools {
            files.push((
                format!("{dir}/nodepool-{}.yaml", pool.name),
                Content::Objects(node_pool::objects(r, c, pool)),
                Origin::node_pool(&c.name, &pool.name),
            ));
        }
        files
    })
}

/// The namespace of a cluster's Cluster API objects, one rule for every cluster: its
/// workspace's namespace (where Kommander looks for a workspace's clusters), `default` for a
/// cluster without a workspace. The management cluster follows it too: the bootstrap cluster
/// gets the namespace before its objects (the README's bootstrap step), and `clusterctl move`
/// creates it on the target (`ensureNamespaces`, kubernetes-sigs/cluster-api
/// `cmd/clusterctl/client/cluster/mover.go`). Until issue 20 the management cluster's
/// objects were in `default` whatever its workspace.
pub fn namespace(c: &ResolvedCluster) -> String {
    c.workspace
        .clone()
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
}

/// The namespace of the Cluster API objects of a cluster without a workspace.
pub const DEFAULT_NAMESPACE: &str = "default";

/// `metadata` for an object of cluster `c` (and of one pool); eks's objects live in the same
/// namespace.
pub(crate) fn metadata(
    r: &Resolved,
    c: &ResolvedCluster,
    name: &str,
    pool: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("namespace".into(), json!(namespace(c)));
    m.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), pool)),
    );
    m
}

/// kubeadm's node name: the instance's private DNS name, which the AWS cloud provider
/// expects (as CAPA's own templates set it).
const NODE_NAME: &str = "{{ ds.meta_data.local_hostname }}";
