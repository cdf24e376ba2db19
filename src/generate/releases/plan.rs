//! Which platform components Flux installs into each cluster, and where each HelmRelease
//! runs. One installer per component per cluster (the lead's bring-up design):
//! - kOps installs cert-manager, cluster-autoscaler and the pod identity webhook itself
//!   (its `certManager`, `clusterAutoscaler` and `podIdentityWebhook` settings);
//! - Kommander installs cert-manager (always: a core platform app), external-dns and
//!   kube-prometheus-stack on the management cluster (mesosphere/kommander-applications,
//!   `applications/cert-manager/1.19.3/release/release.yaml`, `applications/external-dns/
//!   10.20.0/helmrelease/external-dns.yaml`, `applications/kube-prometheus-stack/82.13.6/
//!   helmrelease/kube-prometheus-stack.yaml`: HelmReleases `cert-manager`, `external-dns` and
//!   `kube-prometheus-stack` in the workspace namespace, `kommander` on the management cluster);
//! - EKS runs the pod identity webhook itself;
//! - Flux installs the rest.

use crate::blueprint::model::{PolicyEngine, Provider};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, Scaling, ServiceAccountIssuer};

pub const CERT_MANAGER: &str = "cert-manager";
pub const CLUSTER_AUTOSCALER: &str = "cluster-autoscaler";
pub const EXTERNAL_DNS: &str = "external-dns";
pub const KUBE_PROMETHEUS_STACK: &str = "kube-prometheus-stack";
pub const KYVERNO: &str = "kyverno";
pub const POD_IDENTITY_WEBHOOK: &str = "pod-identity-webhook";

/// Kommander's HelmRelease of cert-manager on the management cluster, which the management
/// cluster's releases and add-ons wait for (name, namespace).
pub const KOMMANDER_CERT_MANAGER: (&str, &str) = ("cert-manager", naming::KOMMANDER_NAMESPACE);

/// The namespaces the releases install into (the charts' documented ones, and those the
/// IRSA roles trust for cert-manager and external-dns).
pub const MONITORING_NAMESPACE: &str = "monitoring";
pub const KYVERNO_NAMESPACE: &str = "kyverno";
pub const POD_IDENTITY_WEBHOOK_NAMESPACE: &str = "pod-identity-webhook";

/// Whether a pool of the cluster autoscales.
pub fn autoscales(c: &ResolvedCluster) -> bool {
    c.node_pools
        .iter()
        .any(|p| matches!(p.scaling, Scaling::Auto { .. }))
}

/// Whether the cluster runs the pod identity webhook from Flux: a self-managed (capa) cluster
/// whose workloads use IRSA (EKS runs its own, kOps installs its own).
pub fn needs_pod_identity_webhook(c: &ResolvedCluster) -> bool {
    c.provider == Provider::Capa
        && matches!(c.issuer, Some(ServiceAccountIssuer::SelfHosted { .. }))
}

/// The components Flux installs for cluster `c`, sorted by name.
pub fn components(r: &Resolved, c: &ResolvedCluster) -> Vec<&'static str> {
    let kops = c.provider == Provider::Kops;
    let webhook = needs_pod_identity_webhook(c);
    let mut out = Vec::new();
    if !kops && !c.management && (r.acme.is_some() || webhook) {
        out.push(CERT_MANAGER);
    }
    if !kops && autoscales(c) {
        out.push(CLUSTER_AUTOSCALER);
    }
    if r.dns.is_some() && !c.management {
        out.push(EXTERNAL_DNS);
    }
    if r.spec.monitoring.is_some() && !c.management {
        out.push(KUBE_PROMETHEUS_STACK);
    }
    if r.policy_engine == PolicyEngine::Kyverno {
        out.push(KYVERNO);
    }
    if webhook {
        out.push(POD_IDENTITY_WEBHOOK);
    }
    out
}

/// Whether Flux on the management cluster delivers `c` remotely (through Cluster API's
/// kubeconfig Secret); otherwise the objects apply where Flux runs (the management cluster
/// itself, or a cluster's own Flux without a management cluster).
pub fn remote(r: &Resolved, c: &ResolvedCluster) -> bool {
    !c.management && r.management_cluster().is_some()
}
