//! Platform-wide settings that a cluster's provider cannot apply, as data. The checker warns
//! about each one (naming the field, the cluster and its provider), and the rendered tree's
//! README lists each one, so a setting that does not reach a cluster is said twice and never
//! dropped in silence. Settings a provider cannot apply and that are specific to one cluster
//! are refused by the checker instead (`blueprint/check/providers.rs`).
//!
//! The decisions (ARCHITECTURE.md, "Providers"): on eks, registry mirrors, the cluster-wide
//! Pod Security defaults and the audit log's file settings have no place in CAPA's managed
//! kinds; on kops, a mirror's credentials cannot be given to kOps without writing them into
//! its files, and route reflectors work but their cluster ID must be set by hand.

use crate::blueprint::model::{Provider, Spec};
use crate::blueprint::path::BlueprintPath;
use crate::generate::hardening::calico::CLUSTER_ID_ANNOTATION;
use crate::resolve::ROUTE_REFLECTOR_LABEL;

/// One setting one cluster does not get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The cluster's index in `spec.clusters` and its name.
    pub cluster_index: usize,
    pub cluster: String,
    pub provider: Provider,
    /// The blueprint field that is not applied to this cluster.
    pub path: BlueprintPath,
    /// What is not applied, and why.
    pub what: String,
    /// What to do instead.
    pub instead: String,
}

pub fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Capa => "capa",
        Provider::Eks => "eks",
        Provider::Kops => "kops",
    }
}

/// Every limit of the blueprint, cluster by cluster.
pub fn limits(spec: &Spec) -> Vec<Limit> {
    let root = BlueprintPath::root().field("spec");
    let mirrors = spec
        .registries
        .as_ref()
        .map(|r| r.mirrors.as_slice())
        .unwrap_or_default();
    let security = spec.security.as_ref();
    let mut out = Vec::new();
    for (i, c) in spec.clusters.iter().enumerate() {
        let mut push = |path: BlueprintPath, what: String, instead: &str| {
            out.push(Limit {
                cluster_index: i,
                cluster: c.name.clone(),
                provider: c.provider,
                path,
                what,
                instead: instead.to_string(),
            });
        };
        match c.provider {
            Provider::Capa => {}
            Provider::Eks => {
                if !mirrors.is_empty() {
                    push(
                        root.field("registries").field("mirrors"),
                        "registry mirrors are not configured on the nodes: EKS managed node groups \
                         take no containerd configuration (only a custom launch template with its \
                         own bootstrap could carry it)"
                            .into(),
                        "pull through the mirror by image name, or use an ECR pull-through cache \
                         rule for the upstream registry",
                    );
                }
                if security.and_then(|s| s.pod_security.as_ref()).is_some() {
                    push(
                        root.field("security").field("podSecurity"),
                        "the cluster-wide Pod Security defaults are not set: EKS does not expose the \
                         API server's admission configuration"
                            .into(),
                        "label each namespace with `pod-security.kubernetes.io/enforce`, `audit` and \
                         `warn`, or enforce with the policy engine",
                    );
                }
                if security
                    .and_then(|s| s.audit_log.as_ref())
                    .is_some_and(|a| a.enabled)
                {
                    push(
                        root.field("security").field("auditLog"),
                        format!(
                            "the audit log goes to CloudWatch Logs (control-plane logging `audit`) \
                             with EKS's own audit policy: `maxAgeDays`, `maxBackups`, `maxSizeMB` and \
                             `policy` are not applied (log group `/aws/eks/{}/cluster`)",
                            c.name
                        ),
                        "set the log group's retention in CloudWatch Logs",
                    );
                }
            }
            Provider::Kops => {
                if let Some(rr) = c
                    .network
                    .as_ref()
                    .and_then(|n| n.calico.as_ref())
                    .and_then(|calico| calico.route_reflectors.as_ref())
                {
                    let (key, value) = ROUTE_REFLECTOR_LABEL;
                    push(
                        root.field("clusters")
                            .index(i)
                            .field("network")
                            .field("calico")
                            .field("routeReflectors")
                            .field("clusterID"),
                        "the reflectors' cluster ID is not set on their Nodes automatically: kOps' \
                         nodes have no kubectl to annotate their own Node after joining, as capa's do"
                            .into(),
                        &format!(
                            "annotate the reflectors whenever one joins: `kubectl annotate node -l \
                             {key}={value} --overwrite {CLUSTER_ID_ANNOTATION}={}`",
                            rr.cluster_id
                        ),
                    );
                }
                for (m, mirror) in mirrors.iter().enumerate() {
                    if mirror.credentials_ref.is_some() {
                        push(
                            root.field("registries")
                                .field("mirrors")
                                .index(m)
                                .field("credentialsRef"),
                            format!(
                                "the credentials of mirror `{}` are not configured on the nodes: \
                                 kOps' `containerd.registryMirrors` takes none, and giving them to \
                                 kOps would write them into its files",
                                mirror.endpoint
                            ),
                            "let the mirror serve the cluster's nodes without credentials (by \
                             network), or use an ECR pull-through cache",
                        );
                    }
                }
            }
        }
    }
    out
}
