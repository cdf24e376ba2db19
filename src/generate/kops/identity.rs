//! Workload identity on a kops cluster. With IRSA, kOps publishes the cluster's
//! service-account issuer in the state store (`serviceAccountIssuerDiscovery`), creates the
//! IAM OIDC provider for it, and creates one IAM role per service account listed in
//! `iam.serviceAccountExternalPermissions`, with the platform's Route 53 policies (`iam/`)
//! attached by ARN; its pod identity webhook gives the pods of those service accounts their
//! role, and needs cert-manager (the platform's). With `node-role`, the same policies are attached to the
//! nodes' role (`externalPolicies`).

use serde_json::{Map, Value, json};

use crate::blueprint::model::{AcmeSolver, WorkloadIdentity};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

/// A workload that needs Route 53: its name (as its policy carries it), namespace and service
/// account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consumer {
    pub name: &'static str,
    pub namespace: &'static str,
    pub service_account: &'static str,
}

/// external-dns with `spec.dns`, cert-manager with the Route 53 DNS-01 solver.
pub fn consumers(r: &Resolved) -> Vec<Consumer> {
    let mut out = Vec::new();
    if r.dns.is_some() {
        out.push(Consumer {
            name: naming::CONSUMER_EXTERNAL_DNS,
            namespace: naming::EXTERNAL_DNS_NAMESPACE,
            service_account: naming::EXTERNAL_DNS_SERVICE_ACCOUNT,
        });
    }
    if r.acme.is_some() && r.acme_solver == AcmeSolver::Dns01Route53 {
        out.push(Consumer {
            name: naming::CONSUMER_CERT_MANAGER,
            namespace: naming::CERT_MANAGER_NAMESPACE,
            service_account: naming::CERT_MANAGER_SERVICE_ACCOUNT,
        });
    }
    out
}

/// The Route 53 policy of a consumer, by ARN (the checker makes sure the account is known
/// whenever a consumer needs one).
fn policy_arn(r: &Resolved, consumer: &Consumer) -> Option<String> {
    let account = r.account_id.as_deref()?;
    Some(naming::policy_arn(
        r.partition,
        account,
        &naming::route53_policy_name(&r.platform, consumer.name),
    ))
}

/// The Cluster spec fields of workload identity: `iam` always (kOps requires `legacy`), and
/// the IRSA or node-role fields.
pub fn fields(r: &Resolved, c: &ResolvedCluster, kops_cluster: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let consumers = consumers(r);
    let mut iam = Map::new();
    // Per-role IAM policies; `legacy: true` would give every node the control plane's rights.
    iam.insert("legacy".into(), json!(false));
    match r.workload_identity {
        WorkloadIdentity::Irsa => {
            iam.insert("useServiceAccountExternalPermissions".into(), json!(true));
            let permissions: Vec<Value> = consumers
                .iter()
                .filter_map(|consumer| {
                    let arn = policy_arn(r, consumer)?;
                    Some(json!({
                        "name": consumer.service_account,
                        "namespace": consumer.namespace,
                        "aws": {"policyARNs": [arn]},
                    }))
                })
                .collect();
            if !permissions.is_empty() {
                iam.insert(
                    "serviceAccountExternalPermissions".into(),
                    Value::Array(permissions),
                );
            }
            let state_store = c.kops_state_store.as_deref().unwrap_or_default();
            out.insert(
                "serviceAccountIssuerDiscovery".into(),
                json!({
                    "discoveryStore": naming::kops_discovery_store(state_store, kops_cluster),
                    "enableAWSOIDCProvider": true,
                }),
            );
            out.insert("podIdentityWebhook".into(), json!({"enabled": true}));
            // kOps refuses the pod identity webhook without cert-manager, which issues the
            // webhook's serving certificate. The platform installs cert-manager on every
            // cluster, in its own namespace (the service account the role above trusts);
            // kOps' own copy would run in kube-system, so kOps only learns it is there.
            out.insert(
                "certManager".into(),
                json!({"enabled": true, "managed": false}),
            );
        }
        WorkloadIdentity::NodeRole => {
            let arns: Vec<String> = consumers
                .iter()
                .filter_map(|consumer| policy_arn(r, consumer))
                .collect();
            if !arns.is_empty() {
                out.insert("externalPolicies".into(), json!({"node": arns}));
            }
        }
    }
    out.insert("iam".into(), Value::Object(iam));
    out
}
