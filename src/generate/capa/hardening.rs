//! The hardening of `security` and `registries` spelled for kubeadm: machine files as
//! kubeadm `files` (a Secret's key through `contentFrom.secret`, never its value), API
//! server flags and host-path volumes in the KubeadmControlPlane's cluster configuration,
//! containerd's restart before kubeadm, the reflector pool's Node annotation after it, and
//! the control plane's MachineHealthCheck. The data comes from `generate::hardening`.

use serde_json::{Map, Value};

use crate::json::json;

use super::api::{Api, CAPI_GROUP};
use super::{NODE_NAME, metadata};
use crate::generate::hardening::machine::{ApiServer, FileSource, MachineFile};
use crate::generate::hardening::{calico, mirrors};
use crate::naming;
use crate::resolve::{PoolRole, Resolved, ResolvedCluster, ResolvedNodePool};

/// Cluster API's label on control-plane Machines (the MachineHealthCheck selects it).
pub const CONTROL_PLANE_LABEL: &str = "cluster.x-k8s.io/control-plane";

/// A kubeadm `files` entry.
pub fn kubeadm_file(file: &MachineFile) -> Value {
    let mut m = Map::new();
    m.insert("path".into(), json!(file.path));
    m.insert("owner".into(), json!("root:root"));
    m.insert("permissions".into(), json!(file.permissions));
    match &file.source {
        FileSource::Inline(content) => {
            m.insert("content".into(), json!(content));
        }
        FileSource::Secret { name, key } => {
            m.insert(
                "contentFrom".into(),
                json!({"secret": {"name": name, "key": key}}),
            );
        }
    }
    Value::Object(m)
}

fn registry_mirrors(r: &Resolved) -> &[crate::blueprint::model::Mirror] {
    r.spec
        .registries
        .as_ref()
        .map(|reg| reg.mirrors.as_slice())
        .unwrap_or_default()
}

/// Adds files and commands to a kubeadm config spec (`KubeadmConfigSpec` of a
/// KubeadmControlPlane or of a KubeadmConfigTemplate).
fn add_machine_setup(
    spec: &mut Map<String, Value>,
    files: &[MachineFile],
    pre: &[String],
    post: &[String],
) {
    if !files.is_empty() {
        spec.insert(
            "files".into(),
            Value::Array(files.iter().map(kubeadm_file).collect()),
        );
    }
    if !pre.is_empty() {
        spec.insert("preKubeadmCommands".into(), json!(pre));
    }
    if !post.is_empty() {
        spec.insert("postKubeadmCommands".into(), json!(post));
    }
}

/// The control plane's additions: mirror files, the API server's files, flags and volumes.
pub fn control_plane(
    r: &Resolved,
    api: Api,
    api_server: &ApiServer,
    kubeadm_config_spec: &mut Map<String, Value>,
) {
    let mirrors = registry_mirrors(r);
    let mut files = mirrors::machine_files(mirrors);
    files.extend(api_server.files.iter().cloned());
    add_machine_setup(
        kubeadm_config_spec,
        &files,
        &mirrors::pre_kubeadm_commands(mirrors),
        &[],
    );
    if api_server.args.is_empty() && api_server.volumes.is_empty() {
        return;
    }
    let volumes: Vec<Value> = api_server
        .volumes
        .iter()
        .map(|v| {
            json!({
                "name": v.name,
                "hostPath": v.host_path,
                "mountPath": v.mount_path,
                "readOnly": v.read_only,
                "pathType": v.path_type,
            })
        })
        .collect();
    let cluster_configuration = kubeadm_config_spec
        .entry("clusterConfiguration")
        .or_insert_with(|| json!({}));
    if let Value::Object(cc) = cluster_configuration {
        let mut server = Map::new();
        if !api_server.args.is_empty() {
            server.insert("extraArgs".into(), api.args(&api_server.args));
        }
        // The schema wants at least one volume where the list is written at all.
        if !volumes.is_empty() {
            server.insert("extraVolumes".into(), Value::Array(volumes));
        }
        cc.insert("apiServer".into(), Value::Object(server));
    }
}

/// A pool's additions: mirror files, and on the route-reflector pool the command that sets
/// the reflector cluster ID on each Node.
pub fn node_pool(
    r: &Resolved,
    c: &ResolvedCluster,
    pool: &ResolvedNodePool,
    spec: &mut Map<String, Value>,
) {
    let mirrors = registry_mirrors(r);
    let mut post = Vec::new();
    if pool.role == PoolRole::RouteReflector
        && let Some(rr) = &c.route_reflectors
    {
        post.push(calico::annotate_command(
            &format!("\"{NODE_NAME}\""),
            &rr.cluster_id,
        ));
    }
    add_machine_setup(
        spec,
        &mirrors::machine_files(mirrors),
        &mirrors::pre_kubeadm_commands(mirrors),
        &post,
    );
}

/// The control plane's MachineHealthCheck, as Cluster API's documentation recommends it for
/// a KubeadmControlPlane: the pools' node conditions, and remediation at any share of
/// unhealthy machines (`100%`), because KubeadmControlPlane itself refuses a remediation
/// that would lose etcd quorum.
pub fn control_plane_health_check(r: &Resolved, c: &ResolvedCluster, api: Api) -> Value {
    const MAX_UNHEALTHY: &str = "100%";
    let selector = json!({"matchLabels": {CONTROL_PLANE_LABEL: ""}});
    let spec = super::node_pool::health_check_spec(api, &c.name, selector, MAX_UNHEALTHY);
    json!({
        "apiVersion": api.api_version(CAPI_GROUP),
        "kind": "MachineHealthCheck",
        "metadata": metadata(r, c, &naming::control_plane_name(&c.name), None),
        "spec": spec,
    })
}
