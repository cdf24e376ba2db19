//! One node pool of an EKS cluster: a Cluster API MachinePool and its AWSManagedMachinePool,
//! which CAPA turns into an EKS managed node group: instance type and AMI type, size,
//! node labels and taints (the pool's own and its role's), root disk size, tags, and the
//! private subnets of the pool's zones. All three (MachinePool, AWSManagedMachinePool, node
//! group) are named `<cluster>-mp-<pool>-<digest>`, the digest of the node group's immutable
//! fields (`facts::immutable`), so a change EKS cannot make in place renders a replacement.

use serde_json::{Map, Value};

use crate::json::json;

use super::metadata;
use crate::blueprint::model::TaintEffect;
use crate::facts::eks::ami_type;
use crate::facts::immutable;
use crate::generate::capa::api::{Api, CAPI_GROUP, INFRASTRUCTURE_GROUP};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, ResolvedNodePool, Scaling};

pub const MACHINE_POOL_KIND: &str = "AWSManagedMachinePool";

/// Cluster API's cluster-autoscaler annotations, which its clusterapi provider reads on
/// MachinePools as on MachineDeployments.
const AUTOSCALER_MIN: &str = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size";
const AUTOSCALER_MAX: &str = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size";

/// The subnet type a node group uses in its zones: nodes run in private subnets only
/// (`blueprint.md`, `network.existingVPC`).
const SUBNET_TYPE: &str = "private";

/// CAPA spells taint effects the EKS API's way.
pub fn taint_effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "no-schedule",
        TaintEffect::PreferNoSchedule => "prefer-no-schedule",
        TaintEffect::NoExecute => "no-execute",
    }
}

pub fn objects(r: &Resolved, c: &ResolvedCluster, pool: &ResolvedNodePool) -> Vec<Value> {
    let api = Api(r.cluster_api);
    let base = naming::machine_pool_name(&c.name, &pool.name);
    let (min, max) = match pool.scaling {
        Scaling::Fixed(n) => (n, n.max(1)),
        Scaling::Auto { min, max } => (min, max),
    };
    // The node group's name carries a digest of the fields EKS and CAPA cannot change on an
    // existing node group (`facts::immutable`): a change is a new node group under a new name,
    // and the old one goes with the old name.
    let name = naming::template_name(
        &base,
        &immutable_fields(&node_group_spec(r, c, pool, &base, min, max)),
    );

    let mut meta = metadata(r, c, &name, Some(&pool.name));
    let mut spec = Map::new();
    spec.insert("clusterName".into(), json!(c.name));
    // EKS sizes the node group between min and max (max at least 1, an EKS rule); a fixed pool
    // is a MachinePool with replicas, an autoscaled one leaves replicas to the autoscaler
    // (Cluster API defaults them to the minimum on creation).
    match pool.scaling {
        Scaling::Fixed(n) => {
            spec.insert("replicas".into(), json!(n));
        }
        Scaling::Auto { min, max } => {
            meta.insert(
                "annotations".into(),
                json!({AUTOSCALER_MIN: min.to_string(), AUTOSCALER_MAX: max.to_string()}),
            );
        }
    }
    spec.insert(
        "template".into(),
        json!({
            "metadata": {"labels": naming::labels(&r.platform, Some(&c.name), Some(&pool.name))},
            "spec": {
                "clusterName": c.name,
                // EKS bootstraps managed nodes itself: no bootstrap configuration.
                "bootstrap": {"dataSecretName": ""},
                "infrastructureRef": api.capa_reference(INFRASTRUCTURE_GROUP, MACHINE_POOL_KIND, &name),
                "version": c.kubernetes_version,
            },
        }),
    );
    let machine_pool = json!({
        "apiVersion": api.api_version(CAPI_GROUP),
        "kind": "MachinePool",
        "metadata": meta,
        "spec": spec,
    });

    let managed = json!({
        "apiVersion": Api::capa_api_version_in(INFRASTRUCTURE_GROUP),
        "kind": MACHINE_POOL_KIND,
        "metadata": metadata(r, c, &name, Some(&pool.name)),
        "spec": node_group_spec(r, c, pool, &name, min, max),
    });
    vec![machine_pool, managed]
}

/// The fields of a node group's spec that upstream refuses to change
/// ([`immutable::replace_keys`]), less its name, which the digest goes into.
pub fn immutable_fields(spec: &Map<String, Value>) -> Value {
    let fields: Map<String, Value> = immutable::replace_keys(MACHINE_POOL_KIND)
        .into_iter()
        .filter(|key| *key != "eksNodegroupName")
        .filter_map(|key| spec.get(key).map(|v| (key.to_string(), v.clone())))
        .collect();
    Value::Object(fields)
}

fn node_group_spec(
    r: &Resolved,
    c: &ResolvedCluster,
    pool: &ResolvedNodePool,
    name: &str,
    min: u32,
    max: u32,
) -> Map<String, Value> {
    let mut spec = Map::new();
    spec.insert("eksNodegroupName".into(), json!(name));
    spec.insert("instanceType".into(), json!(pool.instance_type));
    spec.insert("amiType".into(), json!(ami_type(&pool.instance_type)));
    spec.insert("scaling".into(), json!({"minSize": min, "maxSize": max}));
    if !pool.labels.is_empty() {
        spec.insert("labels".into(), json!(pool.labels));
    }
    if !pool.taints.is_empty() {
        let taints: Vec<Value> = pool
            .taints
            .iter()
            .map(|t| {
                json!({
                    "key": t.key,
                    // CAPA requires the field; EKS takes an empty value as "no value".
                    "value": t.value.clone().unwrap_or_default(),
                    "effect": taint_effect(t.effect),
                })
            })
            .collect();
        spec.insert("taints".into(), Value::Array(taints));
    }
    // A managed node group without a launch template takes only the root disk's size; the
    // checker refuses a volume type or IOPS for eks.
    if let Some(volume) = &pool.root_volume {
        spec.insert("diskSize".into(), json!(volume.size_gib));
    }
    if !r.tags.is_empty() {
        spec.insert("additionalTags".into(), json!(r.tags));
    }
    match &c.existing_vpc {
        // The pool's zones' private subnets, named by ID.
        Some(vpc) => {
            let ids: Vec<&String> = pool
                .zones
                .iter()
                .filter_map(|z| vpc.private_subnets.get(z))
                .collect();
            spec.insert("subnetIDs".into(), json!(ids));
        }
        // The private subnets CAPA created in the pool's zones.
        None => {
            spec.insert("availabilityZones".into(), json!(pool.zones));
            spec.insert("availabilityZoneSubnetType".into(), json!(SUBNET_TYPE));
        }
    }
    spec
}
