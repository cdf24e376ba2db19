//! One node pool: a MachineDeployment per zone (CAPA places a MachineDeployment's machines in
//! one failure domain), the AWSMachineTemplate and KubeadmConfigTemplate they share (node
//! labels and taints through kubeadm's node registration), and a MachineHealthCheck.

use serde_json::{Map, Value};

use crate::json::json;

use super::api::{Api, BOOTSTRAP_GROUP, CAPI_GROUP, INFRASTRUCTURE_GROUP};
use super::{NODE_NAME, metadata};
use crate::blueprint::model::{TaintEffect, VolumeType};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, ResolvedNodePool, Scaling};

/// Cluster API's cluster-autoscaler annotations (cluster-autoscaler's clusterapi provider).
const AUTOSCALER_MIN: &str = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size";
const AUTOSCALER_MAX: &str = "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size";

/// Health-check timing from Cluster API's MachineHealthCheck documentation: a node not
/// Ready for 5 minutes is unhealthy, a machine gets 10 minutes to join, and remediation
/// stops when more than 40% of the pool is unhealthy (an outage, not a bad machine).
pub(super) const UNHEALTHY_TIMEOUT_SECONDS: u64 = 300;
pub(super) const NODE_STARTUP_TIMEOUT_SECONDS: u64 = 600;
const MAX_UNHEALTHY: &str = "40%";

pub fn objects(r: &Resolved, c: &ResolvedCluster, pool: &ResolvedNodePool) -> Vec<Value> {
    let api = Api(r.cluster_api);
    let base = naming::pool_name(&c.name, &pool.name);
    let machine_spec = machine_spec(
        c,
        &pool.instance_type,
        naming::NODES_INSTANCE_PROFILE,
        Some(pool),
    );
    let machine_template_name = naming::template_name(&base, &machine_spec);
    let mut bootstrap_spec = bootstrap_spec(api, pool);
    if let Value::Object(spec) = &mut bootstrap_spec {
        super::hardening::node_pool(r, c, pool, spec);
    }
    let bootstrap_name = naming::template_name(&base, &bootstrap_spec);

    let mut out = Vec::new();
    for share in pool.zone_shares() {
        let name = naming::machine_deployment_name(&c.name, &pool.name, &share.zone, &c.region);
        let mut meta = metadata(r, c, &name, Some(&pool.name));
        let mut spec = Map::new();
        spec.insert("clusterName".into(), json!(c.name));
        match share.scaling {
            Scaling::Fixed(n) => {
                spec.insert("replicas".into(), json!(n));
            }
            // With the autoscaler's annotations, replicas are left to the autoscaler
            // (Cluster API defaults them to the minimum on creation).
            Scaling::Auto { min, max } => {
                meta.insert(
                    "annotations".into(),
                    json!({AUTOSCALER_MIN: min.to_string(), AUTOSCALER_MAX: max.to_string()}),
                );
            }
        }
        let selector = json!({
            naming::CAPI_CLUSTER_NAME_LABEL: c.name,
            naming::CAPI_DEPLOYMENT_NAME_LABEL: name,
        });
        let mut template_labels = naming::labels(&r.platform, Some(&c.name), Some(&pool.name));
        if let Value::Object(sel) = &selector {
            template_labels.extend(sel.clone());
        }
        spec.insert("selector".into(), json!({"matchLabels": selector}));
        spec.insert(
            "template".into(),
            json!({
                "metadata": {"labels": template_labels},
                "spec": {
                    "clusterName": c.name,
                    "version": c.kubernetes_version,
                    "failureDomain": share.zone,
                    "bootstrap": {"configRef": api.reference(BOOTSTRAP_GROUP, "KubeadmConfigTemplate", &bootstrap_name)},
                    "infrastructureRef": api.reference(INFRASTRUCTURE_GROUP, "AWSMachineTemplate", &machine_template_name),
                },
            }),
        );
        out.push(json!({
            "apiVersion": api.api_version(CAPI_GROUP),
            "kind": "MachineDeployment",
            "metadata": meta,
            "spec": spec,
        }));
    }
    out.push(json!({
        "apiVersion": super::Api::capa_api_version(),
        "kind": "AWSMachineTemplate",
        "metadata": metadata(r, c, &machine_template_name, Some(&pool.name)),
        "spec": {"template": {"spec": machine_spec}},
    }));
    out.push(json!({
        "apiVersion": api.api_version(BOOTSTRAP_GROUP),
        "kind": "KubeadmConfigTemplate",
        "metadata": metadata(r, c, &bootstrap_name, Some(&pool.name)),
        "spec": {"template": {"spec": bootstrap_spec}},
    }));
    out.push(health_check(r, c, pool, api, &base));
    out
}

/// The AWSMachineTemplate spec shared by control plane and pools.
pub fn machine_spec(
    c: &ResolvedCluster,
    instance_type: &str,
    profile: &str,
    pool: Option<&ResolvedNodePool>,
) -> Value {
    let mut spec = Map::new();
    spec.insert("instanceType".into(), json!(instance_type));
    spec.insert("iamInstanceProfile".into(), json!(profile));
    if let Some(ami) = &c.ami {
        spec.insert("ami".into(), json!({"id": ami}));
    }
    // The lookup goes on every AWSMachineTemplate, not on the AWSCluster (which CAPA also
    // reads, field by field, when a machine leaves one out; v2.11.1
    // pkg/cloud/services/ec2/instances.go): the template's name is a digest of this spec, so a
    // changed lookup is a new template and Cluster API rolls the machines onto the new image.
    // Fields left out keep CAPA's defaults (facts::image_lookup).
    if let Some(lookup) = &c.image_lookup {
        spec.insert("imageLookupOrg".into(), json!(lookup.org));
        if let Some(base_os) = &lookup.base_os {
            spec.insert("imageLookupBaseOS".into(), json!(base_os));
        }
        if let Some(format) = &lookup.format {
            spec.insert("imageLookupFormat".into(), json!(format));
        }
    }
    spec.insert("sshKeyName".into(), json!(""));
    // IMDSv2 only; a hop limit of 2 so that pods that still use the node's role (and the
    // AWS cloud-controller-manager) can reach the metadata service through the bridge.
    spec.insert(
        "instanceMetadataOptions".into(),
        json!({"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 2}),
    );
    if let Some(volume) = pool.and_then(|p| p.root_volume.as_ref()) {
        let mut v = Map::new();
        v.insert("size".into(), json!(volume.size_gib));
        if let Some(t) = volume.volume_type {
            v.insert("type".into(), json!(volume_type(t)));
        }
        if let Some(iops) = volume.iops {
            v.insert("iops".into(), json!(iops));
        }
        spec.insert("rootVolume".into(), Value::Object(v));
    }
    Value::Object(spec)
}

pub fn volume_type(t: VolumeType) -> &'static str {
    match t {
        VolumeType::Gp3 => "gp3",
        VolumeType::Gp2 => "gp2",
        VolumeType::Io1 => "io1",
        VolumeType::Io2 => "io2",
    }
}

pub fn taint_effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

/// kubeadm join settings: node labels through the kubelet's `--node-labels`, taints through
/// node registration (so they are on the node before anything can be scheduled there).
fn bootstrap_spec(api: Api, pool: &ResolvedNodePool) -> Value {
    let mut args = vec![("cloud-provider", "external".to_string())];
    if !pool.labels.is_empty() {
        let labels: Vec<String> = pool
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        args.push(("node-labels", labels.join(",")));
    }
    let mut registration = Map::new();
    registration.insert("name".into(), json!(NODE_NAME));
    registration.insert("kubeletExtraArgs".into(), api.args(&args));
    if !pool.taints.is_empty() {
        let taints: Vec<Value> = pool
            .taints
            .iter()
            .map(|t| {
                let mut m = Map::new();
                m.insert("key".into(), json!(t.key));
                if let Some(v) = &t.value {
                    m.insert("value".into(), json!(v));
                }
                m.insert("effect".into(), json!(taint_effect(t.effect)));
                Value::Object(m)
            })
            .collect();
        registration.insert("taints".into(), Value::Array(taints));
    }
    json!({"joinConfiguration": {"nodeRegistration": registration}})
}

fn health_check(
    r: &Resolved,
    c: &ResolvedCluster,
    pool: &ResolvedNodePool,
    api: Api,
    name: &str,
) -> Value {
    let selector = json!({"matchLabels": {
        naming::CAPI_CLUSTER_NAME_LABEL: c.name,
        naming::LABEL_NODE_POOL: pool.name,
    }});
    json!({
        "apiVersion": api.api_version(CAPI_GROUP),
        "kind": "MachineHealthCheck",
        "metadata": metadata(r, c, name, Some(&pool.name)),
        "spec": health_check_spec(api, &c.name, selector, MAX_UNHEALTHY),
    })
}

/// A MachineHealthCheck's spec in the API version's spelling: Ready Unknown/False for
/// [`UNHEALTHY_TIMEOUT_SECONDS`], [`NODE_STARTUP_TIMEOUT_SECONDS`] to join, remediation while
/// at most `max_unhealthy` of the selected machines are unhealthy.
pub(super) fn health_check_spec(
    api: Api,
    cluster: &str,
    selector: Value,
    max_unhealthy: &str,
) -> Value {
    if api.is_v1beta2() {
        json!({
            "clusterName": cluster,
            "selector": selector,
            "checks": {
                "nodeStartupTimeoutSeconds": NODE_STARTUP_TIMEOUT_SECONDS,
                "unhealthyNodeConditions": [
                    {"type": "Ready", "status": "Unknown", "timeoutSeconds": UNHEALTHY_TIMEOUT_SECONDS},
                    {"type": "Ready", "status": "False", "timeoutSeconds": UNHEALTHY_TIMEOUT_SECONDS},
                ],
            },
            "remediation": {"triggerIf": {"unhealthyLessThanOrEqualTo": max_unhealthy}},
        })
    } else {
        json!({
            "clusterName": cluster,
            "selector": selector,
            "nodeStartupTimeout": format!("{NODE_STARTUP_TIMEOUT_SECONDS}s"),
            "unhealthyConditions": [
                {"type": "Ready", "status": "Unknown", "timeout": format!("{UNHEALTHY_TIMEOUT_SECONDS}s")},
                {"type": "Ready", "status": "False", "timeout": format!("{UNHEALTHY_TIMEOUT_SECONDS}s")},
            ],
            "maxUnhealthy": max_unhealthy,
        })
    }
}
