//! EKS clusters (`provider: eks`) through CAPA's managed kinds: per cluster the Cluster, its
//! AWSManagedCluster and the AWSManagedControlPlane (`infrastructure/cluster.yaml`), and per
//! node pool a MachinePool with its AWSManagedMachinePool, an EKS managed node group
//! (`infrastructure/nodepool-<pool>.yaml`). Like capa's objects, they are applied to the
//! management cluster, whose CAPA (with EKS support on) creates the cluster; the EKS managed
//! add-ons are part of the control plane. The default StorageClass is applied inside the
//! cluster with its add-ons (`addons/storage-class.yaml`).

mod control_plane;
mod machine_pool;
pub mod storage_class;

use super::capa::metadata;
use super::{GenError, Origin, Output};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::Resolved;

const GENERATOR: &str = "eks";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    for c in r.clusters.iter().filter(|c| c.provider == Provider::Eks) {
        let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
        out.origin(Origin::cluster(&c.name)).objects(
            format!("{dir}/cluster.yaml"),
            GENERATOR,
            control_plane::objects(r, c),
        )?;
        out.origin(Origin::cluster(&c.name)).objects(
            format!("{}/addons/storage-class.yaml", naming::cluster_dir(&c.name)),
            GENERATOR,
            vec![storage_class::object(r, c)],
        )?;
        for pool in &c.node_pools {
            out.origin(Origin::node_pool(&c.name, &pool.name)).objects(
                format!("{dir}/nodepool-{}.yaml", pool.name),
                GENERATOR,
                machine_pool::objects(r, c, pool),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
