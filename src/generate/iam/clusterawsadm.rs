//! `iam/clusterawsadm/iam-config.yaml`: the `AWSIAMConfiguration` that
//! `clusterawsadm bootstrap iam create-cloudformation-stack --config` reads to create the
//! roles and instance profiles CAPA uses. Written whenever a capa or eks cluster exists.
//!
//! Fields from CAPA's `cmd/clusterawsadm/api/bootstrap/v1beta1/types.go` (schema:
//! `schema/platc/`). clusterawsadm enables EKS support when `spec.eks` is absent
//! (`defaults.go`), so platc always writes `eks.disable`: `false` only when an eks cluster
//! exists, which also creates the role of EKS managed machine pools
//! (`eks.managedMachinePool`, disabled by default). With workload identity `node-role`, the
//! Route 53 policies are attached to the roles of the nodes (`nodes`, and EKS managed
//! machine pools) through `extraPolicyAttachments`. `spec.tags` go on every role and on the
//! stack.

use serde_json::{Map, Value};

use crate::json::json;

use crate::blueprint::model::{Provider, WorkloadIdentity};
use crate::naming;
use crate::resolve::{Resolved, policy_arn};

pub const API_VERSION: &str = "bootstrap.aws.infrastructure.cluster.x-k8s.io/v1beta1";
pub const KIND: &str = "AWSIAMConfiguration";

/// Whether clusterawsadm's configuration is written: CAPA creates capa and eks clusters.
pub fn wanted(r: &Resolved) -> bool {
    r.clusters
        .iter()
        .any(|c| matches!(c.provider, Provider::Capa | Provider::Eks))
}

/// The ARNs attached to the nodes' roles (workload identity `node-role`).
pub fn node_policy_arns(r: &Resolved) -> Vec<String> {
    if r.workload_identity != WorkloadIdentity::NodeRole || r.hosted_zone_id.is_none() {
        return Vec::new();
    }
    r.consumers
        .iter()
        .filter_map(|&c| policy_arn(&r.platform, r.partition, r.account_id.as_deref(), c))
        .collect()
}

/// One role's settings: its tags, and the node policies where `nodes` is true.
fn role(r: &Resolved, extra_policies: &[String]) -> Map<String, Value> {
    let mut m = Map::new();
    if !extra_policies.is_empty() {
        m.insert("extraPolicyAttachments".into(), json!(extra_policies));
    }
    if !r.tags.is_empty() {
        m.insert("tags".into(), json!(r.tags));
    }
    m
}

pub fn config(r: &Resolved) -> Value {
    let node_policies = node_policy_arns(r);
    let mut spec = Map::new();
    spec.insert(
        "partition".into(),
        json!(naming::partition_name(r.partition)),
    );
    if let Some(region) = &r.region {
        spec.insert("region".into(), json!(region));
    }
    if !r.tags.is_empty() {
        spec.insert("stackTags".into(), json!(r.tags));
    }
    for (field, policies) in [
        ("controlPlane", &[][..]),
        ("clusterAPIControllers", &[][..]),
        ("nodes", &node_policies[..]),
    ] {
        let settings = role(r, policies);
        if !settings.is_empty() {
            spec.insert(field.into(), Value::Object(settings));
        }
    }
    let eks = r.clusters.iter().any(|c| c.provider == Provider::Eks);
    let mut eks_config = Map::new();
    eks_config.insert("disable".into(), json!(!eks));
    if eks {
        let default_role = role(r, &[]);
        if !default_role.is_empty() {
            eks_config.insert(
                "defaultControlPlaneRole".into(),
                Value::Object(default_role),
            );
        }
        let mut pools = role(r, &node_policies);
        pools.insert("disable".into(), json!(false));
        eks_config.insert("managedMachinePool".into(), Value::Object(pools));
    }
    spec.insert("eks".into(), Value::Object(eks_config));
    json!({"apiVersion": API_VERSION, "kind": KIND, "spec": spec})
}
