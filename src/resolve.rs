//! The resolved model: the blueprint with every default applied and every derived value
//! computed once (region per cluster, zones per pool, CIDRs, replica spread, the labels and
//! taints that the monitoring and route-reflector roles add, the workloads that need AWS
//! permissions and each cluster's service-account issuer). Immutable, and the only input
//! generators see, so no generator re-implements a default.

mod iam;
pub mod network;

use std::collections::BTreeMap;

pub use iam::{Consumer, IamOutput, ServiceAccountIssuer, TerraformBackend, consumers, policy_arn};
pub use network::ApiAccess;

use crate::blueprint::model::{
    Acme, AcmeSolver, Blueprint, ClusterApiVersion, Dns, DnsPolicy, ExistingVpc, Gitops,
    ImageLookup, Oidc, Partition, PodSecurityLevel, PolicyEngine, Provider, RootVolume,
    RouteReflectors, Security, Spec, Taint, TaintEffect, WorkloadIdentity,
};

/// Pod CIDR when the blueprint gives none (Calico's and CAPA's templates' default).
pub const DEFAULT_POD_CIDR: &str = "192.168.0.0/16";
/// Service CIDR when the blueprint gives none (kubeadm's default).
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";
/// Control-plane replicas when the blueprint gives none: the smallest highly available etcd.
pub const DEFAULT_CONTROL_PLANE_REPLICAS: u32 = 3;

/// The label and taint a dedicated monitoring pool gets (`outputs.md`).
pub const MONITORING_LABEL: (&str, &str) = ("dedicated", "monitoring");
/// The label of route-reflector nodes, which Calico's BGPPeers select (`outputs.md`).
pub const ROUTE_REFLECTOR_LABEL: (&str, &str) = ("route-reflector", "true");

/// Audit log retention when `security.auditLog` leaves a limit out: a month of logs, ten
/// rotated files of 100 MB (the values of the reference blueprint and of common hardening
/// guides); kube-apiserver's own defaults keep everything, until the disk is full.
pub const DEFAULT_AUDIT_MAX_AGE_DAYS: u32 = 30;
pub const DEFAULT_AUDIT_MAX_BACKUPS: u32 = 10;
pub const DEFAULT_AUDIT_MAX_SIZE_MB: u32 = 100;
/// The namespace Pod Security always exempts and the image policy always excludes: the
/// control plane's and the CNI's own pods (kube-proxy, calico-node) run privileged there.
pub const SYSTEM_NAMESPACE: &str = "kube-system";

#[derive(Clone, Debug)]
pub struct Resolved {
    pub platform: String,
    /// The blueprint's file name, for headers and the tree's README.
    pub blueprint_file: String,
    pub domain: String,
    pub cluster_api: ClusterApiVersion,
    pub tags: BTreeMap<String, String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub partition: Partition,
    pub hosted_zone_id: Option<String>,
    pub workload_identity: WorkloadIdentity,
    pub oidc: Option<Oidc>,
    pub acme: Option<Acme>,
    pub acme_solver: AcmeSolver,
    pub dns: Option<Dns>,
    pub dns_policy: DnsPolicy,
    pub security: Option<Security>,
    pub gitops: Option<Gitops>,
    pub spec: Spec,
    /// The workloads that need Route 53 permissions, in a fixed order; empty when none does.
    pub consumers: Vec<Consumer>,
    /// The form of the IAM under `iam/` (`spec.iam`).
    pub iam: IamOutput,
    pub clusters: Vec<ResolvedCluster>,
    /// API server audit logging, when `security.auditLog.enabled`.
    pub audit: Option<ResolvedAudit>,
    /// Pod Security admission, when `security.podSecurity` is set.
    pub pod_security: Option<ResolvedPodSecurity>,
    pub policy_engine: PolicyEngine,
}

/// Audit logging with its limits defaulted.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedAudit {
    pub max_age_days: u32,
    pub max_backups: u32,
    pub max_size_mb: u32,
    /// The user's `audit.k8s.io/v1` Policy read from beside the blueprint (`policy: <path>`):
    /// its path as written, and its content, which the pipeline reads and validates before
    /// generation (resolve sees no files, so it leaves the content `None`). Without a path,
    /// platc's default policy applies.
    pub policy_file: Option<(String, Option<serde_json::Value>)>,
}

/// Pod Security admission defaults with every level written out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPodSecurity {
    /// A level the blueprint leaves out is Kubernetes' own default, `privileged`.
    pub enforce: PodSecurityLevel,
    pub audit: PodSecurityLevel,
    pub warn: PodSecurityLevel,
    /// [`SYSTEM_NAMESPACE`] and the blueprint's exempt namespaces, sorted, each once.
    pub exempt_namespaces: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ResolvedCluster {
    pub name: String,
    pub provider: Provider,
    pub management: bool,
    pub kubernetes_version: String,
    pub workspace: Option<String>,
    pub region: String,
    pub zones: Vec<String>,
    pub ami: Option<String>,
    /// `image.lookup`: the image found by owner and name pattern (never with `ami`).
    pub image_lookup: Option<ImageLookup>,
    pub pod_cidr: String,
    pub service_cidr: String,
    pub existing_vpc: Option<ExistingVpc>,
    /// The VPC's IPv4 range: the existing VPC's, `network.vpcCIDR`, or derived
    /// (`resolve::network`).
    pub vpc_cidr: String,
    /// Who reaches the cluster's API (`api`).
    pub api: ApiAccess,
    pub route_reflectors: Option<RouteReflectors>,
    pub control_plane: Option<ResolvedControlPlane>,
    pub node_pools: Vec<ResolvedNodePool>,
    pub kops_state_store: Option<String>,
    /// Set when workload identity is IRSA and some workload needs AWS permissions.
    pub issuer: Option<ServiceAccountIssuer>,
}

#[derive(Clone, Debug)]
pub struct ResolvedControlPlane {
    pub replicas: u32,
    pub instance_type: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scaling {
    Fixed(u32),
    Auto { min: u32, max: u32 },
}

/// What a pool is for, beyond running workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolRole {
    General,
    Monitoring,
    RouteReflector,
}

#[derive(Clone, Debug)]
pub struct ResolvedNodePool {
    pub name: String,
    pub instance_type: String,
    pub scaling: Scaling,
    pub role: PoolRole,
    /// The blueprint's labels plus the role's label.
    pub labels: BTreeMap<String, String>,
    /// The blueprint's taints plus the role's taint.
    pub taints: Vec<Taint>,
    pub root_volume: Option<RootVolume>,
    pub zones: Vec<String>,
}

/// One slice of a pool in one zone: CAPA places a MachineDeployment's machines in one
/// failure domain, so a pool spread over zones is one MachineDeployment per zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneShare {
    pub zone: String,
    pub scaling: Scaling,
}

impl ResolvedNodePool {
    /// Splits the pool's replicas (or autoscaling bounds) over its zones as evenly as
    /// possible, earlier zones taking the remainder; zones that would get nothing (fewer
    /// machines than zones) are left out, but a pool always keeps at least its first zone.
    pub fn zone_shares(&self) -> Vec<ZoneShare> {
        let n = self.zones.len().max(1) as u32;
        let share = |total: u32, i: u32| total / n + u32::from(i < total % n);
        let mut out: Vec<ZoneShare> = self
            .zones
            .iter()
            .enumerate()
            .map(|(i, zone)| {
                let i = i as u32;
                let scaling = match self.scaling {
                    Scaling::Fixed(r) => Scaling::Fixed(share(r, i)),
                    Scaling::Auto { min, max } => Scaling::Auto {
                        min: share(min, i),
                        max: share(max, i),
                    },
                };
                ZoneShare {
                    zone: zone.clone(),
                    scaling,
                }
            })
            .filter(|s| match s.scaling {
                Scaling::Fixed(r) => r > 0,
                Scaling::Auto { max, .. } => max > 0,
            })
            .collect();
        if out.is_empty()
            && let Some(zone) = self.zones.first()
        {
            out.push(ZoneShare {
                zone: zone.clone(),
                scaling: self.scaling,
            });
        }
        out
    }
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Resolves a blueprint that passed every check. `blueprint_file` is the file name only,
/// so the output does not depend on where the blueprint was read from.
pub fn resolve(bp: &Blueprint, blueprint_file: &str) -> Resolved {
    let spec = &bp.spec;
    let aws = spec.aws.as_ref();
    let region = aws.and_then(|a| a.region.clone());
    let monitoring_pool = spec.monitoring.as_ref().and_then(|m| m.node_pool.clone());
    let security = spec.security.clone();
    let consumers = consumers(spec);
    let clusters = spec
        .clusters
        .iter()
        .map(|c| {
            let network = c.network.as_ref();
            let reflectors = network
                .and_then(|n| n.calico.as_ref())
                .and_then(|calico| calico.route_reflectors.clone());
            let node_pools = c
                .node_pools
                .iter()
                .map(|p| {
                    let role = if reflectors.as_ref().is_some_and(|r| r.node_pool == p.name) {
                        PoolRole::RouteReflector
                    } else if monitoring_pool.as_deref() == Some(p.name.as_str()) {
                        PoolRole::Monitoring
                    } else {
                        PoolRole::General
                    };
                    let mut labels = p.labels.clone();
                    let mut taints = p.taints.clone();
                    let role_mark = match role {
                        PoolRole::Monitoring => Some(MONITORING_LABEL),
                        PoolRole::RouteReflector => Some(ROUTE_REFLECTOR_LABEL),
                        PoolRole::General => None,
                    };
                    if let Some((key, value)) = role_mark {
                        labels.insert(key.to_string(), value.to_string());
                        let taint = Taint {
                            key: key.to_string(),
                            value: Some(value.to_string()),
                            effect: TaintEffect::NoSchedule,
                        };
                        if !taints.contains(&taint) {
                            taints.push(taint);
                        }
                    }
                    let scaling = match (&p.autoscaling, p.replicas) {
                        (Some(a), _) => Scaling::Auto {
                            min: to_u32(a.min),
                            max: to_u32(a.max),
                        },
                        (None, r) => Scaling::Fixed(to_u32(r.unwrap_or(0))),
                    };
                    ResolvedNodePool {
                        name: p.name.clone(),
                        instance_type: p.instance_type.clone(),
                        scaling,
                        role,
                        labels,
                        taints,
                        root_volume: p.root_volume.clone(),
                        zones: if p.availability_zones.is_empty() {
                            c.availability_zones.clone()
                        } else {
                            p.availability_zones.clone()
                        },
                    }
                })
                .collect();
            let cluster_region = c
                .region
                .clone()
                .or_else(|| region.clone())
                .unwrap_or_default();
            let issuer = iam::issuer(bp, c, &cluster_region, &consumers);
            ResolvedCluster {
                name: c.name.clone(),
                provider: c.provider,
                management: c.management,
                kubernetes_version: c.kubernetes_version.clone(),
                workspace: c.workspace.clone(),
                region: cluster_region,
                zones: c.availability_zones.clone(),
                ami: c.image.as_ref().and_then(|i| i.ami.clone()),
                image_lookup: c.image.as_ref().and_then(|i| i.lookup.clone()),
                pod_cidr: network
                    .and_then(|n| n.pod_cidr.clone())
                    .unwrap_or_else(|| DEFAULT_POD_CIDR.to_string()),
                service_cidr: network
                    .and_then(|n| n.service_cidr.clone())
                    .unwrap_or_else(|| DEFAULT_SERVICE_CIDR.to_string()),
                existing_vpc: network.and_then(|n| n.existing_vpc.clone()),
                vpc_cidr: network::vpc_cidr(&bp.metadata.name, c)
                    .map(|(block, _)| block.to_string())
                    .unwrap_or_default(),
                api: ApiAccess::of(c),
                route_reflectors: reflectors,
                control_plane: c.control_plane.as_ref().map(|cp| ResolvedControlPlane {
                    replicas: cp.replicas.map_or(DEFAULT_CONTROL_PLANE_REPLICAS, to_u32),
                    instance_type: cp.instance_type.clone(),
                }),
                node_pools,
                kops_state_store: c.kops.as_ref().map(|k| k.state_store.clone()),
                issuer,
            }
        })
        .collect();
    let acme = spec.certificates.as_ref().and_then(|c| c.acme.clone());
    let audit = security
        .as_ref()
        .and_then(|s| s.audit_log.as_ref())
        .filter(|a| a.enabled)
        .map(|a| ResolvedAudit {
            max_age_days: a.max_age_days.map_or(DEFAULT_AUDIT_MAX_AGE_DAYS, to_u32),
            max_backups: a.max_backups.map_or(DEFAULT_AUDIT_MAX_BACKUPS, to_u32),
            max_size_mb: a.max_size_mb.map_or(DEFAULT_AUDIT_MAX_SIZE_MB, to_u32),
            policy_file: a
                .policy
                .as_ref()
                .filter(|p| p.as_str() != "default")
                .map(|p| (p.clone(), None)),
        });
    let pod_security = security
        .as_ref()
        .and_then(|s| s.pod_security.as_ref())
        .map(|ps| {
            let mut exempt: std::collections::BTreeSet<String> =
                ps.exempt_namespaces.iter().cloned().collect();
            exempt.insert(SYSTEM_NAMESPACE.to_string());
            ResolvedPodSecurity {
                enforce: ps.enforce.unwrap_or(PodSecurityLevel::Privileged),
                audit: ps.audit.unwrap_or(PodSecurityLevel::Privileged),
                warn: ps.warn.unwrap_or(PodSecurityLevel::Privileged),
                exempt_namespaces: exempt.into_iter().collect(),
            }
        });
    let policy_engine = security
        .as_ref()
        .and_then(|s| s.policy_engine)
        .unwrap_or_default();
    Resolved {
        platform: bp.metadata.name.clone(),
        blueprint_file: blueprint_file.to_string(),
        domain: spec.domain.clone(),
        cluster_api: spec
            .targets
            .as_ref()
            .and_then(|t| t.cluster_api)
            .unwrap_or_default(),
        tags: spec.tags.clone(),
        account_id: aws.and_then(|a| a.account_id.clone()),
        region,
        partition: aws.and_then(|a| a.partition).unwrap_or_default(),
        hosted_zone_id: aws.and_then(|a| a.hosted_zone_id.clone()),
        workload_identity: security
            .as_ref()
            .and_then(|s| s.workload_identity)
            .unwrap_or_default(),
        acme_solver: acme.as_ref().and_then(|a| a.solver).unwrap_or_default(),
        acme,
        dns_policy: spec.dns.as_ref().and_then(|d| d.policy).unwrap_or_default(),
        dns: spec.dns.clone(),
        oidc: spec.identity.as_ref().and_then(|i| i.oidc.clone()),
        security,
        gitops: spec.gitops.clone(),
        spec: spec.clone(),
        consumers,
        iam: iam::iam_output(bp),
        clusters,
        audit,
        pod_security,
        policy_engine,
    }
}

/// dex's username claim when the blueprint gives none (`blueprint.md`).
pub const DEFAULT_USERNAME_CLAIM: &str = "email";
/// dex's groups claim when the blueprint gives none (`blueprint.md`).
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";
/// Flux's branch and the tree's folder in the repository when the blueprint gives none.
pub const DEFAULT_FLUX_BRANCH: &str = "main";
pub const DEFAULT_FLUX_PATH: &str = ".";
pub const DEFAULT_ARGOCD_PROJECT: &str = "default";

/// Defaults of the platform layer, external-dns and GitOps, derived from the blueprint on
/// demand (each is one lookup; keeping them here keeps every default in this file).
impl Resolved {
    /// The KMS key ARN that encrypts Secrets at rest (`security.encryptionAtRest.kmsKeyARN`);
    /// the checker has refused every other form before generation.
    pub fn encryption_key(&self) -> Option<&str> {
        self.security
            .as_ref()
            .and_then(|s| s.encryption_at_rest.as_ref())
            .and_then(|e| e.kms_key_arn.as_deref())
    }

    /// The clusters of one provider, in blueprint order (what each provider's generator makes).
    pub fn clusters_of(&self, provider: Provider) -> Vec<&ResolvedCluster> {
        self.clusters
            .iter()
            .filter(|c| c.provider == provider)
            .collect()
    }

    /// The sources a private API endpoint of `c` admits: its own VPC, and the management
    /// cluster's VPC, from which Cluster API's controllers and Flux reach it once the two VPCs
    /// are connected (peering or a transit gateway; their ranges never overlap).
    pub fn private_api_sources(&self, c: &ResolvedCluster) -> Vec<String> {
        let mut out = vec![c.vpc_cidr.clone()];
        if let Some(m) = self.clusters.iter().find(|m| m.management)
            && m.name != c.name
            && m.vpc_cidr != c.vpc_cidr
        {
            out.push(m.vpc_cidr.clone());
        }
        out
    }

    /// The cluster with `management: true` (at most one: the checker enforces it).
    pub fn management_cluster(&self) -> Option<&ResolvedCluster> {
        self.clusters.iter().find(|c| c.management)
    }

    /// external-dns's domain filters: the blueprint's, or the platform's domain.
    pub fn dns_domain_filters(&self) -> Vec<String> {
        match &self.dns {
            Some(dns) if !dns.domain_filters.is_empty() => dns.domain_filters.clone(),
            _ => vec![self.domain.clone()],
        }
    }

    /// external-dns's TXT owner ID on one cluster (`naming::txt_owner_id`).
    pub fn dns_txt_owner(&self, cluster: &str) -> String {
        let explicit = self.dns.as_ref().and_then(|d| d.txt_owner_id.as_deref());
        crate::naming::txt_owner_id(explicit, &self.platform, cluster)
    }

    pub fn oidc_username_claim(&self) -> &str {
        self.oidc
            .as_ref()
            .and_then(|o| o.username_claim.as_deref())
            .unwrap_or(DEFAULT_USERNAME_CLAIM)
    }

    pub fn oidc_groups_claim(&self) -> &str {
        self.oidc
            .as_ref()
            .and_then(|o| o.groups_claim.as_deref())
            .unwrap_or(DEFAULT_GROUPS_CLAIM)
    }

    /// Flux's branch and the folder of the tree in the repository (`.` for its root).
    pub fn flux_branch(&self) -> &str {
        self.gitops
            .as_ref()
            .and_then(|g| g.flux.as_ref())
            .and_then(|f| f.branch.as_deref())
            .unwrap_or(DEFAULT_FLUX_BRANCH)
    }

    /// `gitops.argocd`, when Argo CD delivers the tree.
    pub fn argocd(&self) -> Option<&crate::blueprint::model::Argocd> {
        self.gitops.as_ref().and_then(|g| g.argocd.as_ref())
    }

    /// Argo CD's branch, the folder of the tree in the repository and the AppProject, with
    /// Flux's defaults (`main`, `.`) and Argo CD's (`default`, the project every install has:
    /// argo-cd v3.5.1 docs/user-guide/projects.md).
    pub fn argocd_branch(&self) -> &str {
        self.argocd()
            .and_then(|a| a.branch.as_deref())
            .unwrap_or(DEFAULT_FLUX_BRANCH)
    }

    pub fn argocd_path(&self) -> &str {
        self.argocd()
            .and_then(|a| a.path.as_deref())
            .unwrap_or(DEFAULT_FLUX_PATH)
    }

    pub fn argocd_project(&self) -> &str {
        self.argocd()
            .and_then(|a| a.project.as_deref())
            .unwrap_or(DEFAULT_ARGOCD_PROJECT)
    }

    pub fn flux_path(&self) -> &str {
        self.gitops
            .as_ref()
            .and_then(|g| g.flux.as_ref())
            .and_then(|f| f.path.as_deref())
            .unwrap_or(DEFAULT_FLUX_PATH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(zones: &[&str], scaling: Scaling) -> ResolvedNodePool {
        ResolvedNodePool {
            name: "p".into(),
            instance_type: "m5.large".into(),
            scaling,
            role: PoolRole::General,
            labels: BTreeMap::new(),
            taints: Vec::new(),
            root_volume: None,
            zones: zones.iter().map(|z| z.to_string()).collect(),
        }
    }

    #[test]
    fn replicas_spread_evenly_over_zones() {
        let p = pool(&["a", "b", "c"], Scaling::Fixed(4));
        let got: Vec<_> = p.zone_shares().into_iter().map(|s| s.scaling).collect();
        assert_eq!(
            got,
            [Scaling::Fixed(2), Scaling::Fixed(1), Scaling::Fixed(1)]
        );
        let p = pool(&["a", "b", "c"], Scaling::Fixed(2));
        assert_eq!(
            p.zone_shares().len(),
            2,
            "a zone with no machine gets no MachineDeployment"
        );
        let p = pool(&["a", "b", "c"], Scaling::Auto { min: 4, max: 12 });
        let got: Vec<_> = p.zone_shares().into_iter().map(|s| s.scaling).collect();
        assert_eq!(
            got,
            [
                Scaling::Auto { min: 2, max: 4 },
                Scaling::Auto { min: 1, max: 4 },
                Scaling::Auto { min: 1, max: 4 }
            ]
        );
        let p = pool(&["a", "b"], Scaling::Fixed(0));
        assert_eq!(
            p.zone_shares(),
            [ZoneShare {
                zone: "a".into(),
                scaling: Scaling::Fixed(0)
            }]
        );
    }
}
