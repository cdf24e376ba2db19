//! Workload identity on a kops cluster. With IRSA (the cluster's issuer is
//! [`ServiceAccountIssuer::Kops`]), kOps publishes the cluster's service-account issuer into
//! the discovery bucket platc creates (`serviceAccountIssuerDiscovery`), creates the IAM OIDC
//! provider for it, and creates one IAM role per service account listed in
//! `iam.serviceAccountExternalPermissions`, with the platform's Route 53 policies (`iam/`)
//! attached by ARN; its pod identity webhook gives the pods of those service accounts their
//! role, and needs cert-manager (the platform's). With `node-role`, the same policies are
//! attached to the nodes' role (`externalPolicies`).

use serde_json::{Map, Value};

use crate::json::json;

use crate::blueprint::model::WorkloadIdentity;
use crate::naming;
use crate::resolve::{self, Consumer, Resolved, ResolvedCluster, ServiceAccountIssuer};

/// The ARN of a consumer's Route 53 policy (the checker makes sure the account is known
/// whenever a consumer exists).
fn policy_arn(r: &Resolved, consumer: resolve::Consumer) -> Option<String> {
    resolve::policy_arn(&r.platform, r.partition, r.account_id.as_deref(), consumer)
}

/// The Cluster spec fields of workload identity: `iam` always (per-role policies), and the
/// IRSA or node-role fields.
pub fn fields(r: &Resolved, c: &ResolvedCluster) -> Map<String, Value> {
    let mut out = Map::new();
    let mut iam = Map::new();
    // Per-role IAM policies; `legacy: true` would give every node the control plane's rights.
    iam.insert("legacy".into(), json!(false));
    match (&c.issuer, r.workload_identity) {
        (Some(issuer @ ServiceAccountIssuer::Kops { .. }), _) => {
            iam.insert("useServiceAccountExternalPermissions".into(), json!(true));
            let permissions: Vec<Value> = r
                .consumers
                .iter()
                .filter_map(|&consumer| {
                    let arn = policy_arn(r, consumer)?;
                    let (namespace, service_account) = kops_service_account(consumer, c.management);
                    Some(json!({
                        "name": service_account,
                        "namespace": namespace,
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
            out.insert(
                "serviceAccountIssuerDiscovery".into(),
                json!({
                    "discoveryStore": issuer.kops_discovery_store(),
                    "enableAWSOIDCProvider": true,
                }),
            );
            // kOps refuses the pod identity webhook without cert-manager, which issues the
            // webhook's serving certificate: kOps installs both (`certManager` in
            // [`super::cluster`]).
            out.insert("podIdentityWebhook".into(), json!({"enabled": true}));
        }
        (_, WorkloadIdentity::NodeRole) => {
            let arns: Vec<String> = r
                .consumers
                .iter()
                .filter_map(|&consumer| policy_arn(r, consumer))
                .collect();
            if !arns.is_empty() {
                out.insert("externalPolicies".into(), json!({"node": arns}));
            }
        }
        // IRSA without a workload that needs AWS: nothing to publish or attach.
        (_, WorkloadIdentity::Irsa) => {}
    }
    out.insert("iam".into(), Value::Object(iam));
    out
}

/// Where a consumer runs on a kops cluster: cert-manager is kOps' add-on there, in
/// `kube-system` with service account `cert-manager` (kOps v1.36.2,
/// `upup/models/cloudup/resources/addons/certmanager.io/k8s-1.16.yaml.template`).
pub fn kops_service_account(consumer: Consumer, management: bool) -> (&'static str, &'static str) {
    match consumer {
        Consumer::CertManager => (
            crate::resolve::SYSTEM_NAMESPACE,
            naming::CERT_MANAGER_SERVICE_ACCOUNT,
        ),
        Consumer::ExternalDns => consumer.service_account(management),
    }
}
