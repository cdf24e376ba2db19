//! kops InstanceGroups: one per control-plane machine (kOps keeps a control-plane group at
//! exactly one machine, `minSize` = `maxSize` = 1), spread over the cluster's zones, and one
//! per node pool spanning the pool's zones (an InstanceGroup is one auto scaling group over
//! several subnets, so a pool needs no split by zone).

use serde_json::{Map, Value};

use crate::json::json;

use super::metadata;
use crate::blueprint::model::{Taint, TaintEffect, VolumeType, WorkloadIdentity};
use crate::facts::image_lookup;
use crate::facts::instance_types::{Accelerator, accelerator};
use crate::facts::kops as facts;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, ResolvedNodePool, Scaling};

/// IMDSv2 only. The hop limit is 1 on nodes, so pods cannot reach the node's credentials,
/// unless workload identity is `node-role`, where external-dns and cert-manager must (2, one
/// hop more for the pod network); 3 on the control plane, kOps' own default there, for the
/// controllers without host networking that assume roles (kOps 1.22 release notes).
const HOP_LIMIT_NODES: u32 = 1;
const HOP_LIMIT_NODES_NODE_ROLE: u32 = 2;
const HOP_LIMIT_CONTROL_PLANE: u32 = 3;

/// One control-plane machine: its InstanceGroup, zone and etcd member name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlPlaneMember {
    pub group: String,
    pub zone: String,
    pub etcd_member: String,
}

/// Where the control-plane machines go: `replicas` spread over the cluster's zones as
/// evenly as possible, earlier zones taking the remainder (so 3 machines in 3 zones is one
/// per zone, 1 machine is in the first zone, 5 in 3 zones are 2, 2, 1).
pub fn control_plane_placement(c: &ResolvedCluster) -> Vec<ControlPlaneMember> {
    let Some(cp) = &c.control_plane else {
        return Vec::new();
    };
    let zones = c.zones.len().max(1);
    let replicas = cp.replicas as usize;
    let mut out = Vec::new();
    for (z, zone) in c.zones.iter().enumerate() {
        let in_zone = replicas / zones + usize::from(z < replicas % zones);
        for index in 0..in_zone {
            out.push(ControlPlaneMember {
                group: naming::kops_control_plane_group(zone, index, in_zone),
                zone: zone.clone(),
                etcd_member: naming::kops_etcd_member(zone, &c.region, index, in_zone),
            });
        }
    }
    out
}

/// A taint as kOps writes it: `key=value:Effect`, or `key:Effect` without a value.
pub fn taint(t: &Taint) -> String {
    let effect = match t.effect {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    };
    match &t.value {
        Some(v) => format!("{}={v}:{effect}", t.key),
        None => format!("{}:{effect}", t.key),
    }
}

/// The InstanceGroup's `image`: the pinned AMI, or `<org>/<name pattern>` for a lookup. kOps
/// resolves `<owner>/<name>` with DescribeImages (owner, `name` filter, so EC2's `*`/`?`
/// wildcards work) and takes the newest image (kubernetes/kops v1.36.2
/// `upup/pkg/fi/cloudup/awsup/aws_cloud.go`, `resolveImage`; `docs/operations/images.md`).
/// kOps has no template, so platc fills in CAPA's variables and defaults itself: one
/// blueprint finds the same images on capa and kops. kOps checks the image's architecture
/// against the machine type (`pkg/apis/kops/validation/aws.go`), as CAPA filters by it.
fn image(c: &ResolvedCluster) -> Option<String> {
    if let Some(ami) = &c.ami {
        return Some(ami.clone());
    }
    c.image_lookup.as_ref().map(|lookup| {
        let name = image_lookup::expand(
            lookup
                .format
                .as_deref()
                .unwrap_or(image_lookup::DEFAULT_FORMAT),
            lookup
                .base_os
                .as_deref()
                .unwrap_or(image_lookup::DEFAULT_BASE_OS),
            &c.kubernetes_version,
        );
        format!("{}/{name}", lookup.org)
    })
}

pub fn control_plane(
    r: &Resolved,
    c: &ResolvedCluster,
    placement: &[ControlPlaneMember],
) -> Vec<Value> {
    let Some(cp) = &c.control_plane else {
        return Vec::new();
    };
    placement
        .iter()
        .map(|m| {
            let mut spec = Map::new();
            spec.insert("role".into(), json!(facts::ROLE_CONTROL_PLANE));
            spec.insert("machineType".into(), json!(cp.instance_type));
            if let Some(image) = image(c) {
                spec.insert("image".into(), json!(image));
            }
            spec.insert("minSize".into(), json!(1));
            spec.insert("maxSize".into(), json!(1));
            spec.insert(
                "subnets".into(),
                json!([naming::kops_subnet_name(&m.zone, false)]),
            );
            spec.insert("instanceMetadata".into(), imds(HOP_LIMIT_CONTROL_PLANE));
            json!({
                "apiVersion": facts::API_VERSION,
                "kind": "InstanceGroup",
                "metadata": metadata(r, c, &m.group, None, true),
                "spec": spec,
            })
        })
        .collect()
}

pub fn node_pool(r: &Resolved, c: &ResolvedCluster, pool: &ResolvedNodePool) -> Value {
    let mut spec = Map::new();
    spec.insert("role".into(), json!(facts::ROLE_NODE));
    spec.insert("machineType".into(), json!(pool.instance_type));
    if let Some(image) = image(c) {
        spec.insert("image".into(), json!(image));
    }
    // kOps' cluster autoscaler (switched on by the Cluster when a pool autoscales) scales an
    // InstanceGroup between its bounds; a fixed pool has both bounds at its size.
    let (min, max) = match pool.scaling {
        Scaling::Fixed(n) => (n, n),
        Scaling::Auto { min, max } => (min, max),
    };
    spec.insert("minSize".into(), json!(min));
    spec.insert("maxSize".into(), json!(max));
    if !pool.labels.is_empty() {
        spec.insert("nodeLabels".into(), json!(pool.labels));
    }
    if !pool.taints.is_empty() {
        let taints: Vec<String> = pool.taints.iter().map(taint).collect();
        spec.insert("taints".into(), json!(taints));
    }
    // NVIDIA GPU instances: kOps installs the driver and the container toolkit itself
    // (kOps' managed NVIDIA support, `containerd.nvidiaGPU`).
    if accelerator(&pool.instance_type) == Accelerator::NvidiaGpu {
        spec.insert("containerd".into(), json!({"nvidiaGPU": {"enabled": true}}));
    }
    if let Some(volume) = &pool.root_volume {
        spec.insert("rootVolumeSize".into(), json!(volume.size_gib));
        if let Some(t) = volume.volume_type {
            spec.insert("rootVolumeType".into(), json!(volume_type(t)));
        }
        if let Some(iops) = volume.iops {
            spec.insert("rootVolumeIops".into(), json!(iops));
        }
    }
    let subnets: Vec<String> = pool
        .zones
        .iter()
        .map(|z| naming::kops_subnet_name(z, false))
        .collect();
    spec.insert("subnets".into(), json!(subnets));
    let hops = match r.workload_identity {
        WorkloadIdentity::Irsa => HOP_LIMIT_NODES,
        WorkloadIdentity::NodeRole => HOP_LIMIT_NODES_NODE_ROLE,
    };
    spec.insert("instanceMetadata".into(), imds(hops));
    json!({
        "apiVersion": facts::API_VERSION,
        "kind": "InstanceGroup",
        "metadata": metadata(r, c, &pool.name, Some(&pool.name), true),
        "spec": spec,
    })
}

/// EBS volume types as kOps (and EC2) spell them.
fn volume_type(t: VolumeType) -> &'static str {
    match t {
        VolumeType::Gp3 => "gp3",
        VolumeType::Gp2 => "gp2",
        VolumeType::Io1 => "io1",
        VolumeType::Io2 => "io2",
    }
}

fn imds(hops: u32) -> Value {
    json!({"httpTokens": "required", "httpPutResponseHopLimit": hops})
}
