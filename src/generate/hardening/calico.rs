//! Calico route reflectors (`addons/calico-bgp.yaml`): the `default` BGPConfiguration with
//! the node-to-node mesh off and the cluster's AS number, a BGPPeer from every node to the
//! reflectors and one among the reflectors, both selecting the reflector label that
//! `resolve` puts on the reflector pool.
//!
//! Kinds are `crd.projectcalico.org/v1`, the group Calico stores with the Kubernetes
//! datastore and that applies with plain `kubectl` (the `projectcalico.org/v3` group needs
//! Calico's API server). With the Kubernetes datastore a Calico Node is the Kubernetes Node:
//! a reflector's `spec.bgp.routeReflectorClusterID` is the Node annotation
//! [`CLUSTER_ID_ANNOTATION`], which calico-node reads. No kubelet flag sets a Node
//! annotation, so each reflector machine annotates its own Node after it joins
//! ([`annotate_command`]); the kubelet's credentials may change their own Node's
//! annotations (the Node authorizer and NodeRestriction allow it; labels under
//! restricted prefixes and taints they may not change).
//!
//! The reflector pool's `NoSchedule` taint keeps workloads off it; calico-node still runs
//! there because its DaemonSet tolerates every `NoSchedule` and `NoExecute` taint
//! (`operator: Exists`), both in Calico's manifests and with the Tigera operator.

use serde_json::{Map, Value};

use crate::json::json;

use super::super::{GenError, Origin, Output, Source};
use crate::blueprint::model::RouteReflectors;
use crate::naming;
use crate::resolve::{ROUTE_REFLECTOR_LABEL, Resolved, ResolvedCluster};

const GENERATOR: &str = "calico";

pub const API_VERSION: &str = "crd.projectcalico.org/v1";
/// The Node annotation that holds a reflector's cluster ID with the Kubernetes datastore.
pub const CLUSTER_ID_ANNOTATION: &str = "projectcalico.org/RouteReflectorClusterID";
/// The BGPConfiguration Calico reads cluster-wide settings from (it must have this name).
pub const BGP_CONFIGURATION_NAME: &str = "default";
/// The peering of every node with the reflectors.
pub const NODES_TO_REFLECTORS: &str = "platc-nodes-to-route-reflectors";
/// The peering of the reflectors with each other.
pub const REFLECTOR_MESH: &str = "platc-route-reflector-mesh";
/// The kubelet's kubeconfig on a kubeadm node: its credentials may annotate its own Node.
pub const KUBELET_KUBECONFIG: &str = "/etc/kubernetes/kubelet.conf";

/// Calico's selector for the reflector nodes: `route-reflector == 'true'`.
pub fn reflector_selector() -> String {
    let (key, value) = ROUTE_REFLECTOR_LABEL;
    format!("{key} == '{value}'")
}

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    for c in &r.clusters {
        if let Some(rr) = &c.route_reflectors {
            let reflectors = Source::cluster(&c.name)
                .field("network")
                .field("calico")
                .field("routeReflectors");
            out.origin(Origin::cluster(&c.name).with("routeReflectors", reflectors))
                .objects(
                    format!("{}/addons/calico-bgp.yaml", naming::cluster_dir(&c.name)),
                    GENERATOR,
                    objects(r, c, rr),
                )?;
        }
    }
    Ok(())
}

fn metadata(r: &Resolved, c: &ResolvedCluster, name: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), None)),
    );
    m
}

/// The BGPConfiguration and the two BGPPeers (cluster-scoped objects).
pub fn objects(r: &Resolved, c: &ResolvedCluster, rr: &RouteReflectors) -> Vec<Value> {
    let reflectors = reflector_selector();
    vec![
        json!({
            "apiVersion": API_VERSION,
            "kind": "BGPConfiguration",
            "metadata": metadata(r, c, BGP_CONFIGURATION_NAME),
            "spec": {"nodeToNodeMeshEnabled": false, "asNumber": rr.as_number},
        }),
        json!({
            "apiVersion": API_VERSION,
            "kind": "BGPPeer",
            "metadata": metadata(r, c, NODES_TO_REFLECTORS),
            "spec": {"nodeSelector": "all()", "peerSelector": reflectors},
        }),
        json!({
            "apiVersion": API_VERSION,
            "kind": "BGPPeer",
            "metadata": metadata(r, c, REFLECTOR_MESH),
            "spec": {"nodeSelector": reflectors, "peerSelector": reflectors},
        }),
    ]
}

/// A shell command, run on a reflector machine after it joined, that sets the reflector
/// cluster ID on its own Node (`node_name` as the provisioner spells the node's name). It
/// retries for five minutes while the Node registers, and never fails the boot: a reflector
/// without the annotation is an ordinary BGP client, which `kubectl get nodes -L` shows.
pub fn annotate_command(node_name: &str, cluster_id: &str) -> String {
    format!(
        "i=0; until kubectl --kubeconfig {KUBELET_KUBECONFIG} annotate node --overwrite {node_name} {CLUSTER_ID_ANNOTATION}={cluster_id} || [ $i -ge 60 ]; do i=$((i+1)); sleep 5; done"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_matches_the_label_resolve_sets() {
        assert_eq!(reflector_selector(), "route-reflector == 'true'");
        let cmd = annotate_command("node-1", "244.0.0.1");
        assert!(cmd.contains(
            "annotate node --overwrite node-1 projectcalico.org/RouteReflectorClusterID=244.0.0.1"
        ));
    }
}
