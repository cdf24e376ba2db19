//! The two shapes of Cluster API's own kinds: `v1beta2` (the storage version since Cluster
//! API 1.11) and `v1beta1` (for management clusters on older Cluster API). They differ in
//! references, kubeadm argument lists and duration fields; every such difference is a
//! method here, so generators build one object for both.

use serde_json::{Value, json};

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

    /// `apiVersion` of a CAPA kind.
    pub fn capa_api_version() -> String {
        format!("{INFRASTRUCTURE_GROUP}/{CAPA_VERSION}")
    }

    /// A reference to another object: `{apiGroup, kind, name}` in v1beta2,
    /// `{apiVersion, kind, name}` in v1beta1.
    pub fn reference(self, group: &str, kind: &str, name: &str) -> Value {
        if self.is_v1beta2() {
            json!({"apiGroup": group, "kind": kind, "name": name})
        } else {
            let version = if group == INFRASTRUCTURE_GROUP {
                Self::capa_api_version()
            } else {
                self.api_version(group)
            };
            json!({"apiVersion": version, "kind": kind, "name": name})
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
