//! kops clusters (`provider: kops`): per cluster a `kops.k8s.io/v1alpha2` Cluster
//! (`infrastructure/cluster.yaml`), its control-plane InstanceGroups, one per control-plane
//! machine (`infrastructure/control-plane.yaml`), and one InstanceGroup per node pool
//! (`infrastructure/nodepool-<pool>.yaml`), for the kOps release in
//! [`crate::facts::kops::KOPS_VERSION`].
//!
//! kOps reads these files itself (`kops replace -f … --force`, then `kops update cluster`);
//! they are not Kubernetes API objects, so the folder is marked as not for kubectl: it gets
//! no kustomization, and the cluster's kustomization lists only its add-ons.

mod api_server;
mod cluster;
mod identity;
pub use identity::kops_service_account;
mod instance_group;

use serde_json::{Map, Value};

use crate::json::json;

use super::{Content, GenError, Origin, Output};
use crate::blueprint::model::Provider;
use crate::facts::kops as facts;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "kops";

/// The file of a kops cluster's control-plane InstanceGroups.
pub const CONTROL_PLANE_FILE: &str = "control-plane.yaml";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let clusters = r.clusters_of(Provider::Kops);
    // Clusters are independent: made side by side, added in order.
    out.try_add_parallel(GENERATOR, &clusters, |c| {
        let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
        let placement = instance_group::control_plane_placement(c);
        let mut files = vec![
            (
                format!("{dir}/cluster.yaml"),
                Content::Objects(vec![cluster::object(r, c, &placement)?]),
                Origin::cluster(&c.name),
            ),
            (
                format!("{dir}/{CONTROL_PLANE_FILE}"),
                Content::Objects(instance_group::control_plane(r, c, &placement)),
                Origin::control_plane(&c.name),
            ),
        ];
        for pool in &c.node_pools {
            files.push((
                format!("{dir}/nodepool-{}.yaml", pool.name),
                Content::Objects(vec![instance_group::node_pool(r, c, pool)]),
                Origin::node_pool(&c.name, &pool.name),
            ));
        }
        Ok(files)
    })?;
    for c in clusters {
        out.not_for_kubectl(format!("{}/infrastructure", naming::cluster_dir(&c.name)));
    }
    Ok(())
}

/// The cluster's name in kOps.
fn cluster_name(r: &Resolved, c: &ResolvedCluster) -> String {
    naming::kops_cluster_name(&c.name, &r.domain)
}

/// `metadata` of a kOps object: a name, no namespace (kOps objects have none), platc's labels
/// and, on InstanceGroups, kOps' own label naming the cluster.
fn metadata(
    r: &Resolved,
    c: &ResolvedCluster,
    name: &str,
    pool: Option<&str>,
    instance_group: bool,
) -> Map<String, Value> {
    let mut labels = naming::labels(&r.platform, Some(&c.name), pool);
    if instance_group {
        labels.insert(facts::CLUSTER_LABEL.into(), json!(cluster_name(r, c)));
    }
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("labels".into(), Value::Object(labels));
    m
}

#[cfg(test)]
mod tests;
