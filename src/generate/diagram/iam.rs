//! Which IAM role each workload of a cluster assumes, and how, for the diagram: read from the
//! IAM plan (`super::super::iam::model`) where platc writes the roles (IRSA on capa and eks),
//! and from the resolved model where kOps writes them (IRSA on kops,
//! `serviceAccountExternalPermissions`) or where the permissions sit on the nodes' role
//! (workload identity `node-role`: clusterawsadm's `nodes` and `eks.managedMachinePool`
//! roles, kOps' `externalPolicies.node`).

use super::super::iam::model::{Attached, Plan, Workload};
use super::super::kops::kops_service_account;
use crate::blueprint::model::{Provider, WorkloadIdentity};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, ServiceAccountIssuer};

/// A workload of a cluster and the role it gets its AWS permissions from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    pub workload: &'static str,
    /// `namespace/service-account`.
    pub service_account: String,
    /// "IRSA" or "node role".
    pub how: &'static str,
    /// The role's identity in the diagram: equal keys are one node.
    pub role_key: Vec<String>,
    pub role: String,
    /// The role as the same sentence for every cluster of a provider (the fleet summary),
    /// with `<cluster>` for the cluster's name.
    pub role_pattern: String,
}

const IRSA: &str = "IRSA";
const NODE_ROLE: &str = "node role";

/// The assumptions of one cluster, in the plan's order (consumers, then the EBS CSI driver).
pub fn of_cluster(r: &Resolved, plan: Option<&Plan>, c: &ResolvedCluster) -> Vec<Assumption> {
    let mut out = if r.workload_identity == WorkloadIdentity::NodeRole {
        node_role(r, c)
    } else if let Some(ServiceAccountIssuer::Kops { .. }) = &c.issuer {
        kops_irsa(r, c)
    } else {
        Vec::new()
    };
    // The roles platc writes: the consumers' with IRSA on capa and eks, and on every eks
    // cluster the EBS CSI driver's, whatever the workload identity.
    let identity = plan.and_then(|p| p.clusters.iter().find(|i| i.cluster == c.name));
    for role in identity.map(|i| &i.roles[..]).unwrap_or_default() {
        let (namespace, account) = match role.workload {
            Workload::Consumer(consumer) => consumer.service_account(c.management),
            Workload::EbsCsiDriver => super::super::iam::model::EBS_CSI_SERVICE_ACCOUNT,
        };
        let policy = match &role.policy {
            Attached::Platform(name) => name.clone(),
            Attached::AwsManaged(path) => path.rsplit('/').next().unwrap_or(path).to_string(),
        };
        let name = role.workload.name();
        out.push(Assumption {
            workload: name,
            service_account: format!("{namespace}/{account}"),
            how: IRSA,
            role_key: vec![role.name.clone()],
            role: format!("role {} · policy {policy}", role.name),
            role_pattern: format!(
                "role {} · policy {policy}, one per cluster",
                naming::irsa_role_name(&r.platform, "<cluster>", name)
            ),
        });
    }
    out
}

/// IRSA on kops: kOps creates each consumer's role from `serviceAccountExternalPermissions`.
fn kops_irsa(r: &Resolved, c: &ResolvedCluster) -> Vec<Assumption> {
    r.consumers
        .iter()
        .map(|&consumer| {
            let (namespace, account) = kops_service_account(consumer, c.management);
            let policy = naming::route53_policy_name(&r.platform, consumer.name());
            let what = format!("role kOps creates for {namespace}/{account} · policy {policy}");
            Assumption {
                workload: consumer.name(),
                service_account: format!("{namespace}/{account}"),
                how: IRSA,
                role_key: vec!["kops".into(), c.name.clone(), consumer.name().into()],
                role: format!("{what} · cluster {}", c.name),
                role_pattern: format!("{what}, in each cluster"),
            }
        })
        .collect()
}

/// `node-role`: every consumer on the cluster uses the role of the nodes it runs on.
fn node_role(r: &Resolved, c: &ResolvedCluster) -> Vec<Assumption> {
    if r.hosted_zone_id.is_none() {
        return Vec::new();
    }
    let policies: Vec<String> = r
        .consumers
        .iter()
        .map(|consumer| naming::route53_policy_name(&r.platform, consumer.name()))
        .collect();
    let policies = policies.join(", ");
    let (key, role, pattern) = match c.provider {
        Provider::Capa => {
            let what = format!("CAPA nodes' role (clusterawsadm nodes) · policies {policies}");
            (vec!["nodes".to_string(), "capa".into()], what.clone(), what)
        }
        Provider::Eks => {
            let what = format!(
                "EKS node groups' role (clusterawsadm eks.managedMachinePool) · policies {policies}"
            );
            (vec!["nodes".to_string(), "eks".into()], what.clone(), what)
        }
        Provider::Kops => {
            let what = format!("kOps nodes' role (externalPolicies.node) · policies {policies}");
            (
                vec!["nodes".to_string(), "kops".into(), c.name.clone()],
                format!("{what} · cluster {}", c.name),
                format!("{what}, in each cluster"),
            )
        }
    };
    r.consumers
        .iter()
        .map(|&consumer| {
            let (namespace, account) = if c.provider == Provider::Kops {
                kops_service_account(consumer, c.management)
            } else {
                consumer.service_account(c.management)
            };
            Assumption {
                workload: consumer.name(),
                service_account: format!("{namespace}/{account}"),
                how: NODE_ROLE,
                role_key: key.clone(),
                role: role.clone(),
                role_pattern: pattern.clone(),
            }
        })
        .collect()
}
