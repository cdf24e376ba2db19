//! What each provider can express. Refused, naming the field and the provider: on eks, a
//! single zone (EKS needs subnets in two), a root volume type or IOPS (a managed node group
//! takes only a disk size), a pod CIDR (pods get VPC addresses), a service CIDR EKS does not
//! accept, label and taint keys longer than EKS takes; on kops, an existing VPC without a
//! public (utility) subnet in every zone, and a pool named like kOps' control-plane groups
//! (kOps' cluster name, `<cluster>.<domain>`, is the name `names.rs` already keeps within 253
//! characters; the account ID of kOps' policy ARNs is required by `platform.rs`).
//! Platform-wide settings a provider cannot apply are warnings
//! ([`crate::provider_limits`]). Older per-provider rules live with their concern (control
//! plane and image in `clusters.rs`, route reflectors in `network.rs`).

use super::Cx;
use super::syntax::{Cidr, cidr};
use crate::blueprint::model::{Cluster, Provider};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::kops::CONTROL_PLANE_GROUP_PREFIX;
use crate::provider_limits::{self, provider_name};

/// EKS places its control plane in subnets of at least two zones (CreateCluster:
/// "subnets in at least two different Availability Zones"; CAPA's `makeVpcConfig`).
pub const EKS_MIN_ZONES: usize = 2;
/// An EKS node group's label and taint keys are 1 to 63 characters (EKS API, CreateNodegroup
/// `labels` and `Taint.key`).
pub const EKS_KEY_MAX: usize = 63;
/// EKS's service range: inside an RFC 1918 block, /12 to /24 (CreateCluster
/// `kubernetesNetworkConfig.serviceIpv4Cidr`).
pub const EKS_SERVICE_BLOCKS: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
pub const EKS_SERVICE_PREFIXES: (u8, u8) = (12, 24);

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, cluster, path) in cx.clusters() {
        match cluster.provider {
            Provider::Capa => {}
            Provider::Eks => eks(cx, out, cluster, &path),
            Provider::Kops => kops(cx, out, cluster, &path),
        }
    }
    for limit in provider_limits::limits(&cx.bp.spec) {
        out.push(
            cx.key_warning(
                Code::Provider,
                &limit.path,
                format!(
                    "not applied on {} cluster `{}`: {}",
                    provider_name(limit.provider),
                    limit.cluster,
                    limit.what
                ),
            )
            .help(limit.instead)
            .note("the rendered tree's README lists this limitation"),
        );
    }
}

fn eks(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let zones = cluster.availability_zones.len();
    if (1..EKS_MIN_ZONES).contains(&zones) {
        out.push(
            cx.key_error(
                Code::Provider,
                &path.field("availabilityZones"),
                format!("provider eks needs at least {EKS_MIN_ZONES} availability zones; this cluster has {zones}"),
            )
            .note("EKS places its control plane in subnets of at least two zones")
            .help("add a second zone of the region"),
        );
    }
    let network = cluster.network.as_ref();
    if network.and_then(|n| n.pod_cidr.as_ref()).is_some() {
        out.push(
            cx.key_error(
                Code::Provider,
                &path.field("network").field("podCIDR"),
                "`podCIDR` is not used with provider eks: EKS runs the AWS VPC CNI, which gives pods addresses of the VPC's subnets",
            )
            .note("CAPA's secondary pod range (`secondaryCidrBlock`) places its subnets in the region's first zones, not in this cluster's")
            .help("remove `podCIDR` from this cluster"),
        );
    }
    if let Some(text) = network.and_then(|n| n.service_cidr.as_ref())
        && let Ok(block) = cidr(text)
        && let Some(problem) = eks_service_problem(block)
    {
        out.push(
            cx.error(
                Code::Provider,
                &path.field("network").field("serviceCIDR"),
                format!("{block} is not a service range EKS accepts: {problem}"),
            )
            .help("EKS takes a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, e.g. 172.20.0.0/16"),
        );
    }
    for (j, pool) in cluster.node_pools.iter().enumerate() {
        let pool_path = path.field("nodePools").index(j);
        if let Some(volume) = &pool.root_volume {
            let volume_path = pool_path.field("rootVolume");
            for (field, set) in [
                ("type", volume.volume_type.is_some()),
                ("iops", volume.iops.is_some()),
            ] {
                if set {
                    out.push(
                        cx.key_error(
                            Code::Provider,
                            &volume_path.field(field),
                            format!("`rootVolume.{field}` is not used with provider eks: an EKS managed node group sets only the root volume's size"),
                        )
                        .help("keep `sizeGiB` only, or use provider capa or kops for another volume type or IOPS"),
                    );
                }
            }
        }
        for key in pool.labels.keys() {
            if key.len() > EKS_KEY_MAX {
                out.push(long_key(
                    cx,
                    &pool_path.field("labels").field(key),
                    "label",
                    key,
                ));
            }
        }
        for (k, taint) in pool.taints.iter().enumerate() {
            if taint.key.len() > EKS_KEY_MAX {
                out.push(long_key(
                    cx,
                    &pool_path.field("taints").index(k).field("key"),
                    "taint",
                    &taint.key,
                ));
            }
        }
    }
}

fn long_key(cx: &Cx<'_>, path: &BlueprintPath, what: &str, key: &str) -> Diagnostic {
    cx.key_error(
        Code::Provider,
        path,
        format!(
            "{what} key `{key}` is {} characters; with provider eks a node group's {what} keys have at most {EKS_KEY_MAX}",
            key.len()
        ),
    )
    .help("use a shorter prefix or name")
}

/// Why EKS refuses `block` as its service range, if it does.
fn eks_service_problem(block: Cidr) -> Option<String> {
    let (min, max) = EKS_SERVICE_PREFIXES;
    if block.prefix < min || block.prefix > max {
        return Some(format!(
            "a /{} block; EKS takes /{min} to /{max}",
            block.prefix
        ));
    }
    let inside = EKS_SERVICE_BLOCKS
        .iter()
        .filter_map(|b| cidr(b).ok())
        .any(|b| {
            b.prefix <= block.prefix && b.first() <= block.first() && block.last() <= b.last()
        });
    (!inside).then(|| "it is not inside a private (RFC 1918) block".to_string())
}

fn kops(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    if let Some(vpc) = cluster
        .network
        .as_ref()
        .and_then(|n| n.existing_vpc.as_ref())
    {
        let missing: Vec<&str> = cluster
            .availability_zones
            .iter()
            .filter(|z| !vpc.public_subnets.contains_key(*z))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(
                cx.key_error(
                    Code::Provider,
                    &path.field("network").field("existingVPC").field("publicSubnets"),
                    format!(
                        "provider kops needs a public subnet in every zone of the cluster; {} {} none",
                        missing.join(", "),
                        if missing.len() == 1 { "has" } else { "have" }
                    ),
                )
                .note("kOps' private topology puts the API server's load balancer in a utility (public) subnet of each zone")
                .help(format!("add `{}: subnet-...` under publicSubnets", missing[0])),
            );
        }
    }
    for (j, pool) in cluster.node_pools.iter().enumerate() {
        if pool.name.starts_with(CONTROL_PLANE_GROUP_PREFIX) {
            out.push(
                cx.error(
                    Code::Provider,
                    &path.field("nodePools").index(j).field("name"),
                    format!(
                        "with provider kops a node pool cannot be named `{}`: kOps names its control-plane instance groups `{CONTROL_PLANE_GROUP_PREFIX}<zone>`",
                        pool.name
                    ),
                )
                .help("choose another name for the pool"),
            );
        }
    }
}
