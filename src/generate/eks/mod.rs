//! EKS clusters (`provider: eks`) through CAPA's managed kinds: per cluster the Cluster, its
//! AWSManagedCluster and the AWSManagedControlPlane (`infrastructure/cluster.yaml`), and per
//! node pool a MachinePool with its AWSManagedMachinePool, an EKS managed node group
//! (`infrastructure/nodepool-<pool>.yaml`). Like capa's objects, they are applied to the
//! management cluster, whose CAPA (with EKS support on) creates the cluster.

mod control_plane;
mod machine_pool;

use serde_json::{Map, Value, json};

use super::capa::api::{Api, CAPA_VERSION};
use super::{GenError, Origin, Output};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "eks";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    for c in r.clusters.iter().filter(|c| c.provider == Provider::Eks) {
        let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
        out.origin(Origin::cluster(&c.name)).objects(
            format!("{dir}/cluster.yaml"),
            GENERATOR,
            control_plane::objects(r, c),
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

/// `metadata` for an object of cluster `c` (and of one pool), in the namespace capa uses.
fn metadata(
    r: &Resolved,
    c: &ResolvedCluster,
    name: &str,
    pool: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("namespace".into(), json!(super::capa::namespace(c)));
    m.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), pool)),
    );
    m
}

/// A reference from a Cluster API kind to a CAPA kind. CAPA serves every kind, its control
/// planes included, only as `v1beta2`, so a `v1beta1` reference names `<group>/v1beta2`
/// whatever the group (capa's own references only ever point at the infrastructure group).
fn capa_reference(api: Api, group: &str, kind: &str, name: &str) -> Value {
    if api.is_v1beta2() {
        json!({"apiGroup": group, "kind": kind, "name": name})
    } else {
        json!({"apiVersion": format!("{group}/{CAPA_VERSION}"), "kind": kind, "name": name})
    }
}

/// `apiVersion` of a CAPA kind in `group`.
fn capa_api_version(group: &str) -> String {
    format!("{group}/{CAPA_VERSION}")
}

#[cfg(test)]
mod tests;
