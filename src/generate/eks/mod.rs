//! EKS clusters (`provider: eks`) through CAPA's managed kinds: per cluster the Cluster, its
//! AWSManagedCluster and the AWSManagedControlPlane (`infrastructure/cluster.yaml`), and per
//! node pool a MachinePool with its AWSManagedMachinePool, an EKS managed node group
//! (`infrastructure/nodepool-<pool>.yaml`). Like capa's objects, they are applied to the
//! management cluster, whose CAPA (with EKS support on) creates the cluster; the EKS managed
//! add-ons are part of the control plane. The default StorageClass is applied inside the
//! cluster with its add-ons (`addons/storage-class.yaml`).

mod control_plane;
pub mod machine_pool;
pub mod storage_class;

use super::capa::metadata;
use super::{Content, GenError, Origin, Output};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::Resolved;

const GENERATOR: &str = "eks";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let clusters = r.clusters_of(Provider::Eks);
    // Clusters are independent: made side by side, added in order.
    out.add_parallel(GENERATOR, &clusters, |c| {
        let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
        let mut files = vec![
            (
                format!("{dir}/cluster.yaml"),
                Content::Objects(control_plane::objects(r, c)),
                Origin::cluster(&c.name),
            ),
            (
                format!("{}/addons/storage-class.yaml", naming::cluster_dir(&c.name)),
                Content::Objects(vec![storage_class::object(r, c)]),
                Origin::cluster(&c.name),
            ),
        ];
        for pool in &c.node_pools {
            files.push((
                format!("{dir}/nodepool-{}.yaml", pool.name),
                Content::Objects(machine_pool::objects(r, c, pool)),
                Origin::node_pool(&c.name, &pool.name),
            ));
        }
        files
    })
}

#[cfg(test)]
mod tests;
