//! Pod Security admission: the API server's `AdmissionConfiguration`
//! (`apiserver.config.k8s.io/v1`) with the `PodSecurity` plugin's
//! `PodSecurityConfiguration` (`pod-security.admission.config.k8s.io/v1`): cluster-wide
//! default levels and exempt namespaces, wired in with `--admission-control-config-file`.
//! The plugin is on by default since Kubernetes 1.23, so no plugin list is changed.

use serde_json::Value;

use crate::json::json;

use super::machine::{ApiServer, FileSource, HostVolume, MachineFile};
use crate::blueprint::model::PodSecurityLevel;
use crate::resolve::ResolvedPodSecurity;
use crate::yaml::write;

/// The folder of the admission configuration, mounted read-only into the API server.
pub const CONFIG_DIR: &str = "/etc/kubernetes/admission";
/// The admission configuration (`--admission-control-config-file`).
pub const CONFIG_PATH: &str = "/etc/kubernetes/admission/configuration.yaml";
/// The admission plugin's name, as kube-apiserver registers it.
pub const PLUGIN: &str = "PodSecurity";
/// The policy version each level is checked at: `latest`, the API server's own version, so
/// that the levels follow the cluster through upgrades.
pub const VERSION: &str = "latest";

pub fn level_name(level: PodSecurityLevel) -> &'static str {
    match level {
        PodSecurityLevel::Privileged => "privileged",
        PodSecurityLevel::Baseline => "baseline",
        PodSecurityLevel::Restricted => "restricted",
    }
}

/// The `PodSecurityConfiguration`.
pub fn pod_security_configuration(ps: &ResolvedPodSecurity) -> Value {
    json!({
        "apiVersion": "pod-security.admission.config.k8s.io/v1",
        "kind": "PodSecurityConfiguration",
        "defaults": {
            "enforce": level_name(ps.enforce),
            "enforce-version": VERSION,
            "audit": level_name(ps.audit),
            "audit-version": VERSION,
            "warn": level_name(ps.warn),
            "warn-version": VERSION,
        },
        "exemptions": {"namespaces": ps.exempt_namespaces},
    })
}

/// The `AdmissionConfiguration` holding it.
pub fn admission_configuration(ps: &ResolvedPodSecurity) -> Value {
    json!({
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "AdmissionConfiguration",
        "plugins": [{"name": PLUGIN, "configuration": pod_security_configuration(ps)}],
    })
}

/// Flag, file and volume of Pod Security admission.
pub fn api_server(ps: &ResolvedPodSecurity) -> ApiServer {
    ApiServer {
        args: vec![("admission-control-config-file", CONFIG_PATH.to_string())],
        volumes: vec![HostVolume {
            name: "admission-configuration",
            host_path: CONFIG_DIR,
            mount_path: CONFIG_DIR,
            read_only: true,
            path_type: "DirectoryOrCreate",
        }],
        files: vec![MachineFile {
            path: CONFIG_PATH.to_string(),
            permissions: "0600",
            source: FileSource::Inline(write::to_yaml(&admission_configuration(ps))),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_validates_as_its_upstream_kinds() {
        let ps = ResolvedPodSecurity {
            enforce: PodSecurityLevel::Baseline,
            audit: PodSecurityLevel::Restricted,
            warn: PodSecurityLevel::Restricted,
            exempt_namespaces: vec!["kube-system".into(), "kommander".into()],
        };
        let text = write::to_yaml(&admission_configuration(&ps));
        assert!(
            crate::validate::check_embedded(CONFIG_PATH, &text).is_empty(),
            "{text}"
        );
        let config = pod_security_configuration(&ps);
        assert_eq!(config["defaults"]["enforce"], "baseline");
        assert_eq!(config["defaults"]["warn"], "restricted");
    }
}
