//! The exposure of a capa cluster's API: the AWSCluster's `controlPlaneLoadBalancer`, a
//! network load balancer (CAPA's classic ELB default is deprecated by AWS) that is
//! `internal` for a private endpoint and `internet-facing` for a public one, with the
//! security-group `ingressRules` that say who reaches port 6443. Fields: `AWSLoadBalancerSpec`
//! (`api/v1beta2/awscluster_types.go`), `ELBScheme` `internet-facing`/`internal` and
//! `IngressRule` (`api/v1beta2/network_types.go`), kubernetes-sigs/cluster-api-provider-aws
//! v2.11.1; CAPA's own default is an internet-facing classic ELB (`api/v1beta2/defaults.go`).
//!
//! Without `ingressRules` CAPA opens the API load balancer to `0.0.0.0/0`
//! (`getControlPlaneLBIngressRules`, "we allow all traffic when no other rules are defined";
//! kubernetes-sigs/cluster-api-provider-aws v2.11.1,
//! `pkg/cloud/services/securitygroup/securitygroups.go`), so platc always writes them: the
//! cluster's own VPC and the management cluster's VPC for a private endpoint, the blueprint's
//! `allowedCIDRs` for a public one. CAPA adds what the cluster's own machines need itself
//! (`getIngressRulesToAllowKubeletToAccessTheControlPlaneLB`: the VPC's range behind an
//! internal load balancer, the NAT gateways' addresses behind an internet-facing one). The
//! scheme cannot change once the AWSCluster exists (`webhooks/awscluster_webhook.go`,
//! "field is immutable"): CAPA replaces nothing, the cluster has to be re-created.

use serde_json::Value;

use crate::json::json;

use crate::resolve::{Resolved, ResolvedCluster};

/// The API server's port behind CAPA's load balancer (`DefaultAPIServerPort`,
/// `api/v1beta2/network_types.go`).
pub const API_SERVER_PORT: u16 = 6443;
/// The description of the rule for the cluster's own sources; CAPA's rule for its machines
/// behind an internal load balancer is the same rule, so the two are one.
const RULE: &str = "Kubernetes API";
const MANAGEMENT_RULE: &str = "Kubernetes API from the management cluster's VPC";

fn rule(description: &str, cidrs: &[String]) -> Value {
    json!({
        "description": description,
        "protocol": "tcp",
        "fromPort": API_SERVER_PORT,
        "toPort": API_SERVER_PORT,
        "cidrBlocks": cidrs,
    })
}

/// `AWSCluster.spec.controlPlaneLoadBalancer`.
pub fn control_plane_load_balancer(r: &Resolved, c: &ResolvedCluster) -> Value {
    let (scheme, rules) = if c.api.public {
        ("internet-facing", vec![rule(RULE, &c.api.allowed_cidrs)])
    } else {
        let sources = r.private_api_sources(c);
        let mut rules = vec![rule(RULE, &sources[..1])];
        if let Some(management) = sources.get(1) {
            rules.push(rule(MANAGEMENT_RULE, std::slice::from_ref(management)));
        }
        ("internal", rules)
    };
    json!({"loadBalancerType": "nlb", "scheme": scheme, "ingressRules": rules})
}
