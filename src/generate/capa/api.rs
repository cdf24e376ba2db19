//! The two shapes of Cluster API's own kinds: `v1beta2` (the storage version since Cluster
//! API 1.11) and `v1beta1` (for management clusters on older Cluster API). They differ in
//! references, kubeadm argument lists and duration fields; every such difference is a
//! method here, so generators build one object for both.

use serde_json::Value;

use crate::json::json;

use crate::blueprint::model::ClusterApiVersion;

pub const CAPI_GROUP: &str = "cluster.x-k8s.io";
pub const CONTROL_PLANE_GROUP: &str = "controlplane.cluster.x-k8s.io";
pub const BOOTSTRAP_GROUP: &str = "bootstrap.cluster.x-k8s.io";
pub const INFRASTRUCTURE_GROUP: &str = "infrastructure.cluster.x-k8s.io";
/// CAPA serves only `v1beta2` for its infrastructure kinds (since CAPA v2.4).
pub const CAPA_VERSION: &str = "v1beta2";

#[derive(Clone, Copy, Debug)]
pub struct Api(pub ClusterApiVersion);

impl Api {
    fn version(self) -> &'static str {
        match self.0 {
            ClusterApiVersion::V1Beta1 => "v1beta1",
            ClusterApiVersion::V1Beta2 => "v1beta2",
        }
    }

    pub fn is_v1beta2(self) -> bool {
        self.0 == ClusterApiVersion::V1Beta2
    }

    /// `apiVersion` of a Cluster API kind in `group`.
    pub fn api_version(self, group: &str) -> String {
        format!("{group}/{}", self.version())
    }

    /// `apiVersion` of a CAPA kind of the infrastructure group.
    pub fn capa_api_version() -> String {
        Self::capa_api_version_in(INFRASTRUCTURE_GROUP)
    }

    /// `apiVersion` of a CAPA kind in `group`: CAPA serves every kind, its EKS control
    /// planes included, only as `v1beta2`.
    pub fn capa_api_version_in(group: &str) -> String {
        format!("{group}/{CAPA_VERSION}")
    }

    /// A reference to another object: `{apiGroup, kind, name}` in v1beta2,
    /// `{apiVersion, kind, name}` in v1beta1 (a kind of the infrastructure group is CAPA's).
    pub fn reference(self, group: &str, kind: &str, name: &str) -> Value {
        if group == INFRASTRUCTURE_GROUP {
            self.capa_reference(group, kind, name)
        } else {
            self.reference_at(self.api_version(group), group, kind, name)
        }
    }

    /// A reference from a Cluster API kind to a CAPA kind in `group`: a `v1beta1` reference
    /// names `<group>/v1beta2` whatever the group.
    pub fn capa_reference(self, group: &str, kind: &str, name: &str) -> Value {
        self.reference_at(Self::capa_api_version_in(group), group, kind, name)
    }

    fn reference_at(self, api_version: String, group: &str, kind: &str, name: &str) -> Value {
        if self.is_v1beta2() {
            json!({"apiGroup": group, "kind": kind, "name": name})
        } else {
            json!({"apiVersion": api_version, "kind": kind, "name": name})
        }
    }

    /// kubeadm extra arguments: a list of `{name, value}` in v1beta2, a map in v1beta1.
    pub fn args(self, pairs: &[(&str, String)]) -> Value {
        if self.is_v1beta2() {
            Value::Array(
                pairs
                    .iter()
                    .map(|(k, v)| json!({"name": k, "value": v}))
                    .collect(),
            )
        } else {
            Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), Value::String(v.clone())))
                    .collect(),
            )
        }
    }
}
