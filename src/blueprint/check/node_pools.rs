//! Node pools: a size (exactly one of `replicas` and `autoscaling`, in range), taints and
//! labels the kubelet accepts, a root volume EBS accepts, and zones of the cluster.

use std::collections::BTreeMap;

use super::Cx;
use super::syntax::{label_value, qualified_name};
use crate::blueprint::model::{Cluster, NodePool, RootVolume, VolumeType};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::aws;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, cluster, path) in cx.clusters() {
        for (j, pool) in cluster.node_pools.iter().enumerate() {
            let pool_path = path.field("nodePools").index(j);
            size(cx, out, pool, &pool_path);
            if let Err(problem) = super::syntax::instance_type(&pool.instance_type) {
                out.push(cx.error(
                    Code::Format,
                    &pool_path.field("instanceType"),
                    format!("`{}` {problem}", pool.instance_type),
                ));
            }
            taints(cx, out, pool, &pool_path);
            labels(cx, out, pool, &pool_path);
            if let Some(volume) = &pool.root_volume {
                root_volume(cx, out, volume, &pool_path.field("rootVolume"));
            }
            zones(cx, out, cluster, pool, &pool_path);
        }
    }
}

/// Replicas may be 0: a pool scaled to zero is valid for a MachineDeployment, a kops
/// InstanceGroup and an EKS managed node group alike, and keeps the pool's definition for
/// later. Autoscaling follows the cluster autoscaler's rules: 0 <= min <= max, max >= 1
/// (a group that can never have a node is a mistake, not a setting).
fn size(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, pool: &NodePool, path: &BlueprintPath) {
    match (pool.replicas, &pool.autoscaling) {
        (Some(_), Some(_)) => out.push(
            cx.key_error(
                Code::Replicas,
                &path.field("autoscaling"),
                format!("node pool `{}` sets both `replicas` and `autoscaling`", pool.name),
            )
            .help("keep exactly one: `replicas` for a fixed size, `autoscaling: {min, max}` for the cluster autoscaler"),
        ),
        (None, None) => out.push(
            cx.error(
                Code::Replicas,
                path,
                format!("node pool `{}` sets neither `replicas` nor `autoscaling`", pool.name),
            )
            .help("add `replicas: N` for a fixed size, or `autoscaling: {min, max}`"),
        ),
        (Some(n), None) => {
            if n < 0 {
                out.push(cx.error(
                    Code::Replicas,
                    &path.field("replicas"),
                    format!("{n} replicas; a pool has 0 or more machines"),
                ));
            }
        }
        (None, Some(a)) => {
            let a_path = path.field("autoscaling");
            if a.min < 0 {
                out.push(cx.error(
                    Code::Replicas,
                    &a_path.field("min"),
                    format!("min is {}; it cannot be negative", a.min),
                ));
            }
            if a.max < 1 {
                out.push(
                    cx.error(Code::Replicas, &a_path.field("max"), format!("max is {}; it must be at least 1", a.max))
                        .help("a pool that can never have a machine is a mistake; remove the pool instead"),
                );
            } else if a.min > a.max {
                out.push(
                    cx.error(
                        Code::Replicas,
                        &a_path.field("min"),
                        format!("min ({}) is greater than max ({})", a.min, a.max),
                    )
                    .help("autoscaling needs 0 <= min <= max"),
                );
            }
        }
    }
}

fn taints(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, pool: &NodePool, path: &BlueprintPath) {
    // The kubelet refuses two taints with the same key and effect ("taints must be unique by
    // key and effect pair").
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (k, taint) in pool.taints.iter().enumerate() {
        let taint_path = path.field("taints").index(k);
        if let Err(problem) = qualified_name(&taint.key) {
            out.push(
                cx.error(Code::Taint, &taint_path.field("key"), format!("taint key `{}` {problem}", taint.key))
                    .help("a taint key is a label key: `[prefix/]name`, e.g. `dedicated` or `example.com/gpu`"),
            );
        }
        if let Some(value) = &taint.value
            && let Err(problem) = label_value(value)
        {
            out.push(cx.error(
                Code::Taint,
                &taint_path.field("value"),
                format!("taint {problem}"),
            ));
        }
        let effect = format!("{:?}", taint.effect);
        let key = (taint.key.clone(), effect.clone());
        if let Some(first) = seen.get(&key) {
            out.push(cx.error(
                Code::Taint,
                &taint_path,
                format!(
                    "a second taint with key `{}` and effect {effect} (the first is {})",
                    taint.key,
                    path.field("taints").index(*first)
                ),
            ));
        } else {
            seen.insert(key, k);
        }
    }
}

/// Label keys the kubelet may set on its own Node (`--node-labels`), from kubernetes
/// `staging/src/k8s.io/kubelet/pkg/apis/well_known_labels.go` (`kubeletLabels`): every other
/// key in the `kubernetes.io` or `k8s.io` namespaces makes the kubelet refuse to start ("unknown
/// 'kubernetes.io' or 'k8s.io' labels specified with --node-labels"), so a pool that sets one
/// never joins. `node-role.kubernetes.io/*` is among the refused ones.
const KUBELET_LABELS: &[&str] = &[
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
];

/// Namespaces (and their subdomains) the kubelet may set freely (`kubeletLabelNamespaces`).
const KUBELET_LABEL_NAMESPACES: &[&str] = &["kubelet.kubernetes.io", "node.kubernetes.io"];

/// Whether the kubelet refuses `key` in `--node-labels`.
pub fn kubelet_refuses(key: &str) -> bool {
    let Some((namespace, _)) = key.split_once('/') else {
        return false;
    };
    let in_domain = |ns: &str, domain: &str| ns == domain || ns.ends_with(&format!(".{domain}"));
    let kubernetes = in_domain(namespace, "kubernetes.io") || in_domain(namespace, "k8s.io");
    if !kubernetes || KUBELET_LABELS.contains(&key) {
        return false;
    }
    !KUBELET_LABEL_NAMESPACES
        .iter()
        .any(|ns| in_domain(namespace, ns))
}

fn labels(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, pool: &NodePool, path: &BlueprintPath) {
    for (key, value) in &pool.labels {
        let label_path = path.field("labels").field(key);
        if let Err(problem) = qualified_name(key) {
            out.push(cx.key_error(
                Code::Label,
                &label_path,
                format!("label key `{key}` {problem}"),
            ));
            continue;
        }
        if kubelet_refuses(key) {
            let mut d = cx.key_error(
                Code::Label,
                &label_path,
                format!("the kubelet cannot set the label `{key}`: it refuses `kubernetes.io` and `k8s.io` labels it does not own"),
            );
            d = if key.starts_with("node-role.kubernetes.io/") {
                d.help(format!(
                    "node roles are set by an administrator, not by the node; use your own label, e.g. `node.kubernetes.io/role: {}` or `example.com/role`",
                    key.rsplit('/').next().unwrap_or_default()
                ))
            } else {
                d.help("use a label of your own domain, or one under `node.kubernetes.io/`")
            };
            out.push(d);
        }
        if let Err(problem) = label_value(value) {
            out.push(cx.error(Code::Label, &label_path, format!("label {problem}")));
        }
    }
}

/// EBS limits (Amazon EBS volume types): sizes 1 GiB to 16 TiB (gp2, gp3, io1) and 4 GiB to
/// 64 TiB (io2 Block Express); provisioned IOPS only on gp3, io1 and io2, within
/// gp3: 3,000 to 80,000 at most 500 per GiB (the ceiling was 16,000 before AWS raised the gp3
/// limits in 2025; the per-GiB ratio is the binding limit for root volumes),
/// io1: 100 to 64,000 at most 50 per GiB, io2: 100 to 256,000 at most 1,000 per GiB.
fn root_volume(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, volume: &RootVolume, path: &BlueprintPath) {
    let size = volume.size_gib;
    let (min_size, max_size) = match volume.volume_type {
        Some(VolumeType::Io1) => (4, 16_384),
        Some(VolumeType::Io2) => (4, 65_536),
        _ => (1, 16_384),
    };
    if size <= 0 {
        out.push(cx.error(
            Code::Volume,
            &path.field("sizeGiB"),
            format!("sizeGiB is {size}; a root volume needs at least {min_size} GiB (and room for the image)"),
        ));
    } else if size < min_size || size > max_size {
        out.push(cx.error(
            Code::Volume,
            &path.field("sizeGiB"),
            format!("sizeGiB is {size}; this volume type takes {min_size} to {max_size} GiB"),
        ));
    }
    let Some(iops) = volume.iops else {
        return;
    };
    let iops_path = path.field("iops");
    let (name, min, max, per_gib) = match volume.volume_type {
        None => {
            out.push(
                cx.error(Code::Volume, &iops_path, "iops is set but `type` is not")
                    .help("set `type: gp3`, `io1` or `io2`: the default volume type depends on the provider, and gp2 takes no iops"),
            );
            return;
        }
        Some(VolumeType::Gp2) => {
            out.push(
                cx.error(
                    Code::Volume,
                    &iops_path,
                    "gp2 volumes take no iops: their performance follows their size",
                )
                .help("use `type: gp3` (3,000 IOPS included, more on request), or remove `iops`"),
            );
            return;
        }
        Some(VolumeType::Gp3) => ("gp3", 3_000, 80_000, 500),
        Some(VolumeType::Io1) => ("io1", 100, 64_000, 50),
        Some(VolumeType::Io2) => ("io2", 100, 256_000, 1_000),
    };
    if iops < min || iops > max {
        out.push(cx.error(
            Code::Volume,
            &iops_path,
            format!("{iops} IOPS; {name} volumes take {min} to {max}"),
        ));
    } else if size > 0 && iops > size.saturating_mul(per_gib) && iops > min {
        out.push(
            cx.error(
                Code::Volume,
                &iops_path,
                format!(
                    "{iops} IOPS on {size} GiB; {name} allows at most {per_gib} IOPS per GiB ({} here)",
                    size.saturating_mul(per_gib)
                ),
            )
            .help("raise sizeGiB or lower iops"),
        );
    }
}

fn zones(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    cluster: &Cluster,
    pool: &NodePool,
    path: &BlueprintPath,
) {
    let cluster_zones: Vec<&str> = cluster
        .availability_zones
        .iter()
        .map(String::as_str)
        .collect();
    let region = cx.region_of(cluster);
    let known = region.and_then(aws::region);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, zone) in pool.availability_zones.iter().enumerate() {
        let zone_path = path.field("availabilityZones").index(k);
        if let Some(first) = seen.get(zone.as_str()) {
            out.push(cx.error(
                Code::Region,
                &zone_path,
                format!(
                    "zone `{zone}` is listed twice (also {})",
                    path.field("availabilityZones").index(*first)
                ),
            ));
            continue;
        }
        seen.insert(zone, k);
        if cluster_zones.contains(&zone.as_str()) {
            continue;
        }
        if let Some(d) = super::clusters::zone_problem(cx, &zone_path, zone, region, known) {
            out.push(d);
        } else {
            out.push(
                cx.error(
                    Code::Region,
                    &zone_path,
                    format!("zone `{zone}` is not one of the cluster's availabilityZones"),
                )
                .help(format!(
                    "a pool's zones are a subset of its cluster's: {}",
                    cluster_zones.join(", ")
                )),
            );
        }
    }
}
