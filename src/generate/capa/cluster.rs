//! The Cluster and its AWSCluster: networks, region, tags, the VPC (created by CAPA, or an
//! existing one with its subnets) and the control-plane load balancer.

use serde_json::Value;

use crate::json::json;

use super::api::{Api, CAPI_GROUP, CONTROL_PLANE_GROUP, INFRASTRUCTURE_GROUP};
use super::metadata;
use crate::blueprint::check::syntax::cidr;
use crate::naming;
use crate::resolve::network::managed_subnets;
use crate::resolve::{Resolved, ResolvedCluster};

pub fn objects(r: &Resolved, c: &ResolvedCluster) -> Vec<Value> {
    let api = Api(r.cluster_api);
    let cluster = json!({
        "apiVersion": api.api_version(CAPI_GROUP),
        "kind": "Cluster",
        "metadata": metadata(r, c, &c.name, None),
        "spec": {
            "clusterNetwork": {
                "pods": {"cidrBlocks": [c.pod_cidr]},
                "services": {"cidrBlocks": [c.service_cidr]},
            },
            "controlPlaneRef": api.reference(CONTROL_PLANE_GROUP, "KubeadmControlPlane", &naming::control_plane_name(&c.name)),
            "infrastructureRef": api.reference(INFRASTRUCTURE_GROUP, "AWSCluster", &c.name),
        },
    });
    let mut spec = serde_json::Map::new();
    spec.insert("region".into(), json!(c.region));
    if !r.tags.is_empty() {
        spec.insert("additionalTags".into(), json!(r.tags));
    }
    spec.insert(
        "controlPlaneLoadBalancer".into(),
        super::endpoint::control_plane_load_balancer(r, c),
    );
    spec.insert("network".into(), network(c));
    // No SSH key on any machine: production access goes through SSM, and a key name
    // left out would make CAPA attach one called `default`.
    spec.insert("sshKeyName".into(), json!(""));
    let aws_cluster = json!({
        "apiVersion": Api::capa_api_version(),
        "kind": "AWSCluster",
        "metadata": metadata(r, c, &c.name, None),
        "spec": spec,
    });
    vec![cluster, aws_cluster]
}

/// An existing VPC is named with its subnets; otherwise CAPA creates the VPC and platc
/// names one private and one public subnet per zone, so the cluster's zones are exactly
/// the blueprint's (CAPA's own default picks zones by itself). EKS clusters (CAPA's
/// AWSManagedControlPlane) take the same network.
pub(crate) fn network(c: &ResolvedCluster) -> Value {
    if let Some(vpc) = &c.existing_vpc {
        let mut subnets: Vec<Value> = Vec::new();
        for zone in &c.zones {
            if let Some(id) = vpc.private_subnets.get(zone) {
                subnets.push(json!({"id": id}));
            }
        }
        for zone in &c.zones {
            if let Some(id) = vpc.public_subnets.get(zone) {
                subnets.push(json!({"id": id}));
            }
        }
        return json!({"vpc": {"id": vpc.id}, "subnets": subnets});
    }
    // A private and a public subnet per zone, carved out of the VPC's range as CAPA lays
    // out its own 10.0.0.0/16 (`resolve::network::managed_subnets`).
    let layout = cidr(&c.vpc_cidr)
        .map(|vpc| managed_subnets(vpc, c.zones.len()))
        .unwrap_or_default();
    let mut subnets = Vec::new();
    for (zone, (private, _)) in c.zones.iter().zip(&layout) {
        subnets.push(json!({
            "id": naming::managed_subnet_name(&c.name, zone, false),
            "availabilityZone": zone,
            "cidrBlock": private.to_string(),
            "isPublic": false,
        }));
    }
    for (zone, (_, public)) in c.zones.iter().zip(&layout) {
        subnets.push(json!({
            "id": naming::managed_subnet_name(&c.name, zone, true),
            "availabilityZone": zone,
            "cidrBlock": public.to_string(),
            "isPublic": true,
        }));
    }
    json!({"vpc": {"cidrBlock": c.vpc_cidr}, "subnets": subnets})
}
