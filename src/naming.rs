//! Every name platc derives (object names, file paths, labels) and every partition-aware
//! ARN, in one place: a rename is one edit here, and the checker's derived-name length rules
//! can call the same functions the generators use.

use serde_json::{Map, Value, json};

use crate::blueprint::model::Partition;

pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const LABEL_PLATFORM: &str = "platc.io/platform";
pub const LABEL_CLUSTER: &str = "platc.io/cluster";
pub const LABEL_NODE_POOL: &str = "platc.io/node-pool";
/// Cluster API's own label naming a Machine's cluster.
pub const CAPI_CLUSTER_NAME_LABEL: &str = "cluster.x-k8s.io/cluster-name";
/// Cluster API's label that ties Machines to their MachineDeployment.
pub const CAPI_DEPLOYMENT_NAME_LABEL: &str = "cluster.x-k8s.io/deployment-name";
/// The namespace Cluster API objects of a cluster live in: one per cluster, so that
/// `clusterctl move` and RBAC can work per cluster.
pub fn cluster_namespace(cluster: &str) -> String {
    cluster.to_string()
}

pub fn control_plane_name(cluster: &str) -> String {
    format!("{cluster}-control-plane")
}

/// The pool's templates and health check: `<cluster>-md-<pool>`.
pub fn pool_name(cluster: &str, pool: &str) -> String {
    format!("{cluster}-md-{pool}")
}

/// One MachineDeployment per zone: `<cluster>-md-<pool>-<zone letter>`.
pub fn machine_deployment_name(cluster: &str, pool: &str, zone: &str, region: &str) -> String {
    format!("{}-{}", pool_name(cluster, pool), zone_suffix(zone, region))
}

/// `us-west-2a` in `us-west-2` → `a`.
pub fn zone_suffix<'a>(zone: &'a str, region: &str) -> &'a str {
    zone.strip_prefix(region)
        .filter(|s| !s.is_empty())
        .unwrap_or(zone)
}

/// Subnet name (CAPA's `id` for subnets it creates).
pub fn managed_subnet_name(cluster: &str, zone: &str, public: bool) -> String {
    format!(
        "{cluster}-subnet-{}-{zone}",
        if public { "public" } else { "private" }
    )
}

/// The instance profiles that `clusterawsadm bootstrap iam` creates (CAPA's defaults).
pub const CONTROL_PLANE_INSTANCE_PROFILE: &str =
    "control-plane.cluster-api-provider-aws.sigs.k8s.io";
pub const NODES_INSTANCE_PROFILE: &str = "nodes.cluster-api-provider-aws.sigs.k8s.io";

/// The IAM role of one consumer (`external-dns`, `cert-manager`) of one cluster when workload
/// identity is IRSA (`outputs.md`: "one role per cluster and consumer"); at most 64 characters,
/// which the checker enforces.
pub fn irsa_role_name(platform: &str, cluster: &str, consumer: &str) -> String {
    format!("{platform}-{cluster}-{consumer}")
}

pub fn partition_name(p: Partition) -> &'static str {
    match p {
        Partition::Aws => "aws",
        Partition::AwsCn => "aws-cn",
        Partition::AwsUsGov => "aws-us-gov",
    }
}

/// The tree folder of one cluster.
pub fn cluster_dir(cluster: &str) -> String {
    format!("clusters/{cluster}")
}

/// Labels every object carries; `cluster` and `pool` narrow them.
pub fn labels(platform: &str, cluster: Option<&str>, pool: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(LABEL_MANAGED_BY.into(), json!("platc"));
    m.insert(LABEL_PLATFORM.into(), json!(platform));
    if let Some(c) = cluster {
        m.insert(LABEL_CLUSTER.into(), json!(c));
    }
    if let Some(p) = pool {
        m.insert(LABEL_NODE_POOL.into(), json!(p));
    }
    m
}

/// A short, stable digest of a template's spec. CAPA refuses changes to an existing
/// AWSMachineTemplate, and Cluster API rolls machines out when a reference changes, so a
/// template's name carries its content: a changed spec is a new template and a rollout.
pub fn template_name(base: &str, spec: &Value) -> String {
    // `template_base` undoes this: keep the two in step.
    use sha2::{Digest, Sha256};
    // Keys sorted: the digest depends on the content only, not on the order a generator or
    // an overlay happened to build the maps in.
    let bytes = serde_json::to_vec(&sorted_keys(spec)).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{base}-{hex}")
}

fn sorted_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// The base of a [`template_name`] (the name without its digest), if it has one.
pub fn template_base(name: &str) -> Option<&str> {
    let (base, hex) = name.rsplit_once('-')?;
    (hex.len() == 8
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(base)
}
