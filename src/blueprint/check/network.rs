//! Cluster networks: pod and service CIDRs (IPv4, no host bits, sizes Kubernetes accepts, no
//! overlap with each other or the VPC: the existing VPC's, `vpcCIDR` (/16 to /23, so that
//! platc can carve its subnets) or the derived one), an existing VPC (ID formats, a private subnet in every
//! zone of the cluster and none elsewhere), and Calico route reflectors (a pool of the cluster
//! with at least two machines, an IPv4-formatted cluster ID, a valid AS number; not on EKS,
//! which does not run Calico's BGP).

use std::collections::BTreeMap;

use super::Cx;
use super::syntax::{Cidr, cidr, ipv4};
use crate::blueprint::model::{Cluster, ExistingVpc, NodePool, Provider};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::aws;
use crate::resolve::network::{MAX_MANAGED_VPC_PREFIX, VpcSource, vpc_cidr};
use crate::resolve::{DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR};
use crate::suggest::did_you_mean;

/// kube-apiserver refuses larger IPv4 service ranges: "specified --service-cluster-ip-range
/// is too large; for 32-bit addresses, the mask must be >= 12" (kubernetes/kubernetes,
/// pkg/controlplane/apiserver/options/validation.go).
pub const MIN_SERVICE_PREFIX: u8 = 12;
/// kubeadm (CAPA) gives every node a /24 out of the pod CIDR (kube-controller-manager
/// `--node-cidr-mask-size` 24) and refuses a pod subnet smaller than that.
pub const MAX_POD_PREFIX: u8 = 24;
/// A VPC's IPv4 block is between /16 and /28 (Amazon VPC "VPC CIDR blocks").
pub const VPC_PREFIXES: (u8, u8) = (16, 28);
/// Calico route reflectors: at least two, so losing one does not cut BGP (`blueprint.md`).
pub const MIN_REFLECTORS: i64 = 2;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, cluster, path) in cx.clusters() {
        cidrs(cx, out, cluster, &path);
        if let Some(vpc) = cluster
            .network
            .as_ref()
            .and_then(|n| n.existing_vpc.as_ref())
        {
            existing_vpc(
                cx,
                out,
                cluster,
                vpc,
                &path.field("network").field("existingVPC"),
            );
        }
        route_reflectors(cx, out, cluster, &path);
    }
}

/// One CIDR of a cluster: where it comes from and what it is.
struct Block {
    name: &'static str,
    /// The field that sets it, when the blueprint writes it.
    path: Option<BlueprintPath>,
    cidr: Cidr,
}

impl Block {
    fn describe(&self) -> String {
        match &self.path {
            Some(p) => format!("{} {} ({p})", self.name, self.cidr),
            None => format!("{} {} (the default)", self.name, self.cidr),
        }
    }
}

fn cidrs(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let net_path = path.field("network");
    let network = cluster.network.as_ref();
    let mut valid = true;

    let mut take = |name: &'static str,
                    field: &str,
                    written: Option<&String>,
                    default: &str,
                    out: &mut Vec<Diagnostic>| {
        let field_path = net_path.field(field);
        match written {
            Some(text) => match cidr(text) {
                Ok(c) => Some(Block {
                    name,
                    path: Some(field_path),
                    cidr: c,
                }),
                Err(problem) => {
                    out.push(cx.error(Code::Cidr, &field_path, format!("`{text}` {problem}")));
                    valid = false;
                    None
                }
            },
            None => cidr(default).ok().map(|c| Block {
                name,
                path: None,
                cidr: c,
            }),
        }
    };
    let pods = take(
        "podCIDR",
        "podCIDR",
        network.and_then(|n| n.pod_cidr.as_ref()),
        DEFAULT_POD_CIDR,
        out,
    );
    let services = take(
        "serviceCIDR",
        "serviceCIDR",
        network.and_then(|n| n.service_cidr.as_ref()),
        DEFAULT_SERVICE_CIDR,
        out,
    );
    let vpc = if let Some(text) = network
        .and_then(|n| n.existing_vpc.as_ref())
        .map(|v| &v.cidr)
    {
        let vpc_path = net_path.field("existingVPC").field("cidr");
        vpc_block(cx, out, text, vpc_path, VPC_PREFIXES.1)
    } else if let Some(text) = network.and_then(|n| n.vpc_cidr.as_ref()) {
        // platc lays out the subnets of a VPC the provider creates itself
        // (`resolve::network::managed_subnets`), which needs a /23 or larger.
        vpc_block(
            cx,
            out,
            text,
            net_path.field("vpcCIDR"),
            MAX_MANAGED_VPC_PREFIX,
        )
    } else {
        // Derived apart from this cluster's own pod and service ranges (`resolve::network`).
        vpc_cidr(&cx.bp.metadata.name, cluster)
            .filter(|(_, source)| *source == VpcSource::Derived)
            .map(|(c, _)| Block {
                name: "VPC CIDR",
                path: None,
                cidr: c,
            })
    };

    if let Some(s) = &services
        && let Some(p) = &s.path
        && s.cidr.prefix < MIN_SERVICE_PREFIX
    {
        out.push(
            cx.error(
                Code::Cidr,
                p,
                format!(
                    "{} is larger than /{MIN_SERVICE_PREFIX}; kube-apiserver refuses service ranges larger than /{MIN_SERVICE_PREFIX} (the mask must be >= {MIN_SERVICE_PREFIX})",
                    s.cidr
                ),
            )
            .help("a /12 (1,048,576 addresses) is the largest; 10.96.0.0/12 is the usual choice"),
        );
    }
    if cluster.provider == Provider::Capa
        && let Some(p) = &pods
        && let Some(field) = &p.path
        && p.cidr.prefix > MAX_POD_PREFIX
    {
        out.push(cx.error(
            Code::Cidr,
            field,
            format!(
                "{} is smaller than /{MAX_POD_PREFIX}; every node takes a /{MAX_POD_PREFIX} of the pod CIDR, so it must be /{MAX_POD_PREFIX} or larger",
                p.cidr
            ),
        ));
    }
    if !valid {
        return;
    }
    // EKS runs the AWS VPC CNI: pods get VPC addresses, so podCIDR takes no part there.
    let pods = pods.filter(|_| cluster.provider != Provider::Eks);
    let pairs = [(&pods, &services), (&pods, &vpc), (&services, &vpc)];
    for (a, b) in pairs {
        let (Some(a), Some(b)) = (a, b) else {
            continue;
        };
        if let Some(overlap) = a.cidr.overlap(b.cidr) {
            // Point at a field the blueprint writes; if neither is written, the defaults
            // cannot overlap (they are chosen apart, and a derived VPC range avoids the
            // cluster's own ranges), so one of them always is.
            let (at, other) = if a.path.is_some() { (a, b) } else { (b, a) };
            let Some(at_path) = &at.path else {
                continue;
            };
            out.push(
                cx.error(
                    Code::Cidr,
                    at_path,
                    format!(
                        "{} {} overlaps {}: both contain {overlap}",
                        at.name,
                        at.cidr,
                        other.describe()
                    ),
                )
                .help("pod, service and VPC ranges must be disjoint, or traffic is routed to the wrong place"),
            );
        }
    }
}

/// A VPC range written at `path`: a valid IPv4 block of /16 to /`max_prefix`.
fn vpc_block(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    text: &str,
    path: BlueprintPath,
    max_prefix: u8,
) -> Option<Block> {
    match cidr(text) {
        Ok(c) => {
            if c.prefix < VPC_PREFIXES.0 || c.prefix > max_prefix {
                let why = if max_prefix < VPC_PREFIXES.1 {
                    format!(
                        "a VPC the provider creates is /{} to /{max_prefix} (an AWS VPC is /{} at most, and platc carves a private and a public subnet per zone out of it, the public ones a thirty-second of the VPC and at least a /28)",
                        VPC_PREFIXES.0, VPC_PREFIXES.0
                    )
                } else {
                    format!(
                        "an AWS VPC block is /{} to /{}",
                        VPC_PREFIXES.0, VPC_PREFIXES.1
                    )
                };
                out.push(cx.error(
                    Code::Cidr,
                    &path,
                    format!("`{text}` is a /{} block; {why}", c.prefix),
                ));
            }
            Some(Block {
                name: "VPC CIDR",
                path: Some(path),
                cidr: c,
            })
        }
        Err(problem) => {
            out.push(cx.error(Code::Cidr, &path, format!("`{text}` {problem}")));
            None
        }
    }
}

/// `vpc-`/`subnet-` followed by 8 or 17 lowercase hexadecimal digits (EC2 resource IDs).
pub fn is_resource_id(id: &str, kind: &str) -> bool {
    id.strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            (hex.len() == 8 || hex.len() == 17)
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn existing_vpc(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    cluster: &Cluster,
    vpc: &ExistingVpc,
    path: &BlueprintPath,
) {
    if !is_resource_id(&vpc.id, "vpc") {
        out.push(
            cx.error(
                Code::Vpc,
                &path.field("id"),
                format!("`{}` is not a VPC ID", vpc.id),
            )
            .help("a VPC ID is `vpc-` followed by 8 or 17 lowercase hexadecimal digits"),
        );
    }
    let zones: Vec<&str> = cluster
        .availability_zones
        .iter()
        .map(String::as_str)
        .collect();
    let mut ids: BTreeMap<&str, BlueprintPath> = BTreeMap::new();
    for (field, subnets, required) in [
        ("privateSubnets", &vpc.private_subnets, true),
        ("publicSubnets", &vpc.public_subnets, false),
    ] {
        let map_path = path.field(field);
        for (zone, id) in subnets {
            let entry = map_path.field(zone);
            if !zones.contains(&zone.as_str()) {
                let mut d = cx.key_error(
                    Code::Vpc,
                    &entry,
                    format!("zone `{zone}` is not one of this cluster's availabilityZones"),
                );
                d = match did_you_mean(zone, zones.iter().copied()) {
                    Some(best) => d.help(format!(
                        "did you mean `{best}`? Subnets are listed per cluster zone"
                    )),
                    None => d.help(format!("the cluster's zones are: {}", zones.join(", "))),
                };
                out.push(d);
            }
            if !is_resource_id(id, "subnet") {
                out.push(
                    cx.error(Code::Vpc, &entry, format!("`{id}` is not a subnet ID"))
                        .help("a subnet ID is `subnet-` followed by 8 or 17 lowercase hexadecimal digits"),
                );
            } else if let Some(first) = ids.get(id.as_str()) {
                out.push(cx.error(
                    Code::Vpc,
                    &entry,
                    format!("subnet `{id}` is also used by {first}; every zone and role needs its own subnet"),
                ));
            } else {
                ids.insert(id, entry.clone());
            }
        }
        if required {
            for zone in &zones {
                let known = cx
                    .region_of(cluster)
                    .and_then(aws::region)
                    .is_some_and(|r| r.has_zone(zone));
                if known && !subnets.contains_key(*zone) {
                    out.push(
                        cx.key_error(
                            Code::Vpc,
                            &map_path,
                            format!("zone `{zone}` has no private subnet; nodes of every cluster zone go into a private subnet"),
                        )
                        .help(format!("add `{zone}: subnet-...` to {map_path}")),
                    );
                }
            }
        }
    }
}

fn pool_min_machines(pool: &NodePool) -> Option<i64> {
    match (pool.replicas, &pool.autoscaling) {
        (Some(n), None) => Some(n),
        (None, Some(a)) => Some(a.min),
        _ => None,
    }
}

fn route_reflectors(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    cluster: &Cluster,
    path: &BlueprintPath,
) {
    let Some(rr) = cluster
        .network
        .as_ref()
        .and_then(|n| n.calico.as_ref())
        .and_then(|c| c.route_reflectors.as_ref())
    else {
        return;
    };
    let rr_path = path
        .field("network")
        .field("calico")
        .field("routeReflectors");
    if cluster.provider == Provider::Eks {
        out.push(
            cx.key_error(
                Code::Provider,
                &rr_path,
                "Calico route reflectors are not supported with provider eks",
            )
            .note("EKS clusters use the AWS VPC CNI; there is no Calico BGP mesh to replace")
            .help("remove `network.calico` from this cluster"),
        );
        return;
    }
    let pools: Vec<&str> = cluster.node_pools.iter().map(|p| p.name.as_str()).collect();
    match cluster
        .node_pools
        .iter()
        .position(|p| p.name == rr.node_pool)
    {
        None => {
            let mut d = cx.error(
                Code::Reference,
                &rr_path.field("nodePool"),
                format!(
                    "cluster `{}` has no node pool `{}`",
                    cluster.name, rr.node_pool
                ),
            );
            d = match did_you_mean(&rr.node_pool, pools.iter().copied()) {
                Some(best) => d.help(format!("did you mean `{best}`?")),
                None if pools.is_empty() => d.help("add a node pool for the route reflectors"),
                None => d.help(format!(
                    "the pools of this cluster are: {}; add one for the reflectors",
                    pools.join(", ")
                )),
            };
            out.push(d);
        }
        Some(j) => {
            let pool = &cluster.node_pools[j];
            if let Some(n) = pool_min_machines(pool)
                && n < MIN_REFLECTORS
            {
                let field = if pool.replicas.is_some() {
                    "replicas"
                } else {
                    "autoscaling"
                };
                out.push(
                    cx.error(
                        Code::Replicas,
                        &rr_path.field("nodePool"),
                        format!(
                            "route-reflector pool `{}` can shrink to {n} machine(s) ({}); reflectors need at least {MIN_REFLECTORS}",
                            pool.name,
                            path.field("nodePools").index(j).field(field)
                        ),
                    )
                    .help("with one reflector, losing it cuts every BGP session: give the pool at least 2 machines (3 is usual)"),
                );
            }
        }
    }
    if let Err(problem) = ipv4(&rr.cluster_id) {
        out.push(
            cx.error(
                Code::Format,
                &rr_path.field("clusterID"),
                format!("`{}` {problem}", rr.cluster_id),
            )
            .help(
                "a BGP route-reflector cluster ID is written as an IPv4 address, e.g. `244.0.0.1`",
            ),
        );
    }
    // BGP AS numbers are 32-bit (RFC 6793); 0 is reserved (RFC 7607).
    if rr.as_number == 0 || rr.as_number > u64::from(u32::MAX) {
        out.push(
            cx.error(
                Code::Range,
                &rr_path.field("asNumber"),
                format!("{} is not a BGP AS number (1 to 4294967295)", rr.as_number),
            )
            .help("private AS numbers are 64512–65534 and 4200000000–4294967294"),
        );
    }
}
