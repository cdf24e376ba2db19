//! The KubeadmControlPlane and the AWSMachineTemplate of its machines.

use serde_json::Value;

use crate::json::json;

use super::api::{Api, CONTROL_PLANE_GROUP, INFRASTRUCTURE_GROUP};
use super::{NODE_NAME, metadata};
use crate::generate::hardening::machine::ApiServer;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

pub fn objects(r: &Resolved, c: &ResolvedCluster, api_server: &ApiServer) -> Vec<Value> {
    let api = Api(r.cluster_api);
    let Some(cp) = &c.control_plane else {
        return Vec::new();
    };
    let base = naming::control_plane_name(&c.name);
    let machine_spec = super::node_pool::machine_spec(
        c,
        &cp.instance_type,
        naming::CONTROL_PLANE_INSTANCE_PROFILE,
        None,
    );
    let template_name = naming::template_name(&base, &machine_spec);
    // The in-tree AWS cloud provider is gone since Kubernetes 1.27: kubelet and the
    // controller manager run with the external one (the AWS cloud-controller-manager).
    let kubelet_args = api.args(&[("cloud-provider", "external".to_string())]);
    let node_registration = json!({"name": NODE_NAME, "kubeletExtraArgs": kubelet_args});
    let infrastructure_ref =
        api.reference(INFRASTRUCTURE_GROUP, "AWSMachineTemplate", &template_name);
    let machine_template = if api.is_v1beta2() {
        json!({"spec": {"infrastructureRef": infrastructure_ref}})
    } else {
        json!({"infrastructureRef": infrastructure_ref})
    };
    let mut kcp = json!({
        "apiVersion": api.api_version(CONTROL_PLANE_GROUP),
        "kind": "KubeadmControlPlane",
        "metadata": metadata(r, c, &base, None),
        "spec": {
            "replicas": cp.replicas,
            "version": c.kubernetes_version,
            "machineTemplate": machine_template,
            "kubeadmConfigSpec": {
                "clusterConfiguration": {
                    "controllerManager": {"extraArgs": api.args(&[("cloud-provider", "external".to_string())])},
                },
                "initConfiguration": {"nodeRegistration": node_registration},
                "joinConfiguration": {"nodeRegistration": node_registration},
            },
        },
    });
    let template = json!({
        "apiVersion": Api::capa_api_version(),
        "kind": "AWSMachineTemplate",
        "metadata": metadata(r, c, &template_name, None),
        "spec": {"template": {"spec": machine_spec}},
    });
    // SSO (`sso`); IRSA: tokens name the public issuer whose discovery document platc's
    // bucket serves.
    let mut api_server = api_server.clone();
    api_server.args.extend(super::sso::api_server_args(r));
    if let Some(issuer) = &c.issuer {
        api_server.args.extend(issuer.api_server_args());
    }
    if let Some(Value::Object(spec)) = kcp.pointer_mut("/spec/kubeadmConfigSpec") {
        super::hardening::control_plane(r, api, &api_server, spec);
    }
    let health_check = super::hardening::control_plane_health_check(r, c, api);
    vec![kcp, template, health_check]
}
