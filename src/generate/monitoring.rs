//! Monitoring: the Helm values of kube-prometheus-stack for every cluster
//! (`releases/monitoring-values.yaml`, read by its Flux HelmRelease), in that chart's layout: Prometheus's retention, storage
//! claim and resources; and on a cluster with the dedicated monitoring pool, a nodeSelector on
//! the pool's role label and tolerations of every taint of the pool for Prometheus,
//! Alertmanager, Grafana, the operator and kube-state-metrics, so they run there and only
//! there. node-exporter tolerates every taint: it must run on every node. The same tree is the
//! management cluster's kube-prometheus-stack app values in `platform/installation.yaml`.

use serde_json::{Map, Value};

use crate::json::json;

use super::{Content, GenError, Origin, Output, Source};
use crate::blueprint::model::{Quantity, Resources, TaintEffect};
use crate::naming;
use crate::resolve::{MONITORING_LABEL, PoolRole, Resolved, ResolvedCluster, ResolvedNodePool};

const GENERATOR: &str = "monitoring";

/// The access mode of Prometheus's volume: one Prometheus replica owns its volume.
const STORAGE_ACCESS_MODE: &str = "ReadWriteOnce";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    if r.spec.monitoring.is_none() {
        return Ok(());
    }
    // On the management cluster Kommander installs it, with these values in the Installation.
    for c in r.clusters.iter().filter(|c| !c.management) {
        out.origin(Origin::cluster(&c.name).with("monitoring", Source::path("spec.monitoring")))
            .add(
                naming::monitoring_values_path(&c.name),
                GENERATOR,
                Content::Document(values(r, c)),
            )?;
    }
    Ok(())
}

/// The cluster's dedicated monitoring pool, if it has one.
pub fn monitoring_pool(c: &ResolvedCluster) -> Option<&ResolvedNodePool> {
    c.node_pools.iter().find(|p| p.role == PoolRole::Monitoring)
}

/// Where the monitoring workloads go on a cluster with the dedicated pool: a nodeSelector on
/// the pool's role label, and a toleration of each of the pool's taints (the role's and the
/// blueprint's own: a pod must tolerate them all to be scheduled there).
pub fn placement(pool: &ResolvedNodePool) -> (Value, Value) {
    let (key, value) = MONITORING_LABEL;
    let mut selector = Map::new();
    selector.insert(key.into(), json!(value));
    let tolerations: Vec<Value> = pool
        .taints
        .iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("key".into(), json!(t.key));
            match &t.value {
                Some(v) => {
                    m.insert("operator".into(), json!("Equal"));
                    m.insert("value".into(), json!(v));
                }
                None => {
                    m.insert("operator".into(), json!("Exists"));
                }
            }
            m.insert("effect".into(), json!(effect(t.effect)));
            Value::Object(m)
        })
        .collect();
    (Value::Object(selector), Value::Array(tolerations))
}

fn effect(e: TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoSchedule => "NoSchedule",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        TaintEffect::NoExecute => "NoExecute",
    }
}

fn quantity(q: &Quantity) -> Value {
    match q {
        Quantity::Text(t) => json!(t),
        Quantity::Whole(n) => json!(n),
    }
}

fn resources(res: &Resources) -> Value {
    let mut m = Map::new();
    for (kind, map) in [("requests", &res.requests), ("limits", &res.limits)] {
        if !map.is_empty() {
            let q: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), quantity(v))).collect();
            m.insert(kind.into(), Value::Object(q));
        }
    }
    Value::Object(m)
}

/// The values of one cluster's kube-prometheus-stack (`spec.monitoring` must be set).
pub fn values(r: &Resolved, c: &ResolvedCluster) -> Value {
    let prom = r
        .spec
        .monitoring
        .as_ref()
        .and_then(|m| m.prometheus.as_ref());
    let mut prometheus_spec = Map::new();
    if let Some(retention) = prom.and_then(|p| p.retention.as_deref()) {
        prometheus_spec.insert("retention".into(), json!(retention));
    }
    if let Some(storage) = prom.and_then(|p| p.storage.as_deref()) {
        prometheus_spec.insert(
            "storageSpec".into(),
            json!({"volumeClaimTemplate": {"spec": {
                "accessModes": [STORAGE_ACCESS_MODE],
                "resources": {"requests": {"storage": storage}},
            }}}),
        );
    }
    if let Some(res) = prom.and_then(|p| p.resources.as_ref()) {
        prometheus_spec.insert("resources".into(), resources(res));
    }
    let mut alertmanager_spec = Map::new();
    let mut grafana = Map::new();
    let mut operator = Map::new();
    let mut kube_state_metrics = Map::new();
    if let Some(pool) = monitoring_pool(c) {
        let (selector, tolerations) = placement(pool);
        for m in [
            &mut prometheus_spec,
            &mut alertmanager_spec,
            &mut grafana,
            &mut operator,
            &mut kube_state_metrics,
        ] {
            m.insert("nodeSelector".into(), selector.clone());
            m.insert("tolerations".into(), tolerations.clone());
        }
    }
    let mut v = Map::new();
    v.insert(
        "prometheus".into(),
        json!({"prometheusSpec": Value::Object(prometheus_spec)}),
    );
    if !alertmanager_spec.is_empty() {
        v.insert(
            "alertmanager".into(),
            json!({"alertmanagerSpec": Value::Object(alertmanager_spec)}),
        );
    }
    if !grafana.is_empty() {
        v.insert("grafana".into(), Value::Object(grafana));
    }
    if !operator.is_empty() {
        v.insert("prometheusOperator".into(), Value::Object(operator));
    }
    if !kube_state_metrics.is_empty() {
        v.insert(
            "kube-state-metrics".into(),
            Value::Object(kube_state_metrics),
        );
    }
    // An operator `Exists` without a key tolerates every taint: node-exporter reports on
    // every node, the dedicated and tainted ones included.
    v.insert(
        "prometheus-node-exporter".into(),
        json!({"tolerations": [{"operator": "Exists"}]}),
    );
    Value::Object(v)
}

/// Where each value comes from, for `platc explain` (anchors: `cluster`, and `monitoring`
/// for `spec.monitoring`).
pub const FIELDS: &[super::FieldRule] = &[
    super::FieldRule::new(
        "*",
        "prometheus.prometheusSpec.retention",
        &["monitoring.prometheus.retention"],
        "",
    ),
    super::FieldRule::new(
        "*",
        "prometheus.prometheusSpec.resources",
        &["monitoring.prometheus.resources"],
        "",
    ),
    super::FieldRule::new(
        "*",
        "prometheus.prometheusSpec.storageSpec",
        &["monitoring.prometheus.storage"],
        "a ReadWriteOnce volume of the blueprint's size (one Prometheus replica owns it)",
    ),
    super::FieldRule::new(
        "*",
        "*.nodeSelector",
        &["monitoring.nodePool"],
        "the dedicated pool's role label (`dedicated: monitoring`)",
    ),
    super::FieldRule::new(
        "*",
        "*.*.nodeSelector",
        &["monitoring.nodePool"],
        "the dedicated pool's role label (`dedicated: monitoring`)",
    ),
    super::FieldRule::new(
        "*",
        "*.tolerations",
        &["monitoring.nodePool"],
        "one toleration per taint of the dedicated pool (its role's and its own)",
    ),
    super::FieldRule::new(
        "*",
        "*.*.tolerations",
        &["monitoring.nodePool"],
        "one toleration per taint of the dedicated pool (its role's and its own)",
    ),
];
