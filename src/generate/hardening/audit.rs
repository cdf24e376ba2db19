//! API server audit logging: platc's default audit policy, the kube-apiserver flags and the
//! host paths of the policy and the log. The flags and their meaning are kube-apiserver's
//! (`--audit-policy-file`, `--audit-log-path`, `--audit-log-maxage`, `--audit-log-maxbackup`,
//! `--audit-log-maxsize`); the policy is an `audit.k8s.io/v1` `Policy`, whose first matching
//! rule decides the level of an event.

use serde_json::Value;

use crate::json::json;

use super::machine::{ApiServer, FileSource, HostVolume, MachineFile};
use crate::resolve::ResolvedAudit;
use crate::yaml::write;

/// The folder of the policy file on control-plane machines, mounted read-only into the API
/// server (kubeadm mounts only `/etc/kubernetes/pki` of `/etc/kubernetes` by itself).
pub const POLICY_DIR: &str = "/etc/kubernetes/audit";
/// The policy file (`--audit-policy-file`).
pub const POLICY_PATH: &str = "/etc/kubernetes/audit/policy.yaml";
/// The folder of the log, on the host so that it survives API server restarts.
pub const LOG_DIR: &str = "/var/log/kubernetes/audit";
/// The log (`--audit-log-path`); kube-apiserver rotates it by size.
pub const LOG_PATH: &str = "/var/log/kubernetes/audit/audit.log";

/// platc's default policy. Rules are tried in order, the first match wins:
/// 1. Secrets, service account tokens and token reviews at `Metadata`: who touched which
///    Secret, never its content (a request or response body would put the secret in the log).
/// 2. Changes to RBAC (`create`, `update`, `patch`, `delete`, `deletecollection` in
///    `rbac.authorization.k8s.io`) at `RequestResponse`: the role or binding as sent and as
///    stored, so a privilege change can be reviewed.
/// 3. Everything else at `Metadata`.
///
/// `RequestReceived` is omitted (every request is logged again when its response starts or
/// completes), and managed fields are left out of bodies.
pub fn default_policy() -> Value {
    json!({
        "apiVersion": "audit.k8s.io/v1",
        "kind": "Policy",
        "omitStages": ["RequestReceived"],
        "omitManagedFields": true,
        "rules": [
            {
                "level": "Metadata",
                "resources": [
                    {"group": "", "resources": ["secrets", "serviceaccounts/token"]},
                    {"group": "authentication.k8s.io", "resources": ["tokenreviews"]},
                ],
            },
            {
                "level": "RequestResponse",
                "verbs": ["create", "update", "patch", "delete", "deletecollection"],
                "resources": [
                    {"group": "rbac.authorization.k8s.io", "resources": ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]},
                ],
            },
            {"level": "Metadata"},
        ],
    })
}

/// The policy in force: the user's file (already read and validated by the pipeline) or
/// [`default_policy`].
pub fn policy(audit: &ResolvedAudit) -> Result<Value, String> {
    match &audit.policy_file {
        None => Ok(default_policy()),
        Some((_, Some(policy))) => Ok(policy.clone()),
        Some((path, None)) => Err(format!(
            "the audit policy file `{path}` was not read before generation"
        )),
    }
}

/// Flags, file and volumes of audit logging.
pub fn api_server(audit: &ResolvedAudit) -> Result<ApiServer, String> {
    let policy = policy(audit)?;
    Ok(ApiServer {
        args: vec![
            ("audit-policy-file", POLICY_PATH.to_string()),
            ("audit-log-path", LOG_PATH.to_string()),
            ("audit-log-maxage", audit.max_age_days.to_string()),
            ("audit-log-maxbackup", audit.max_backups.to_string()),
            ("audit-log-maxsize", audit.max_size_mb.to_string()),
        ],
        volumes: vec![
            HostVolume {
                name: "audit-policy",
                host_path: POLICY_DIR,
                mount_path: POLICY_DIR,
                read_only: true,
                path_type: "DirectoryOrCreate",
            },
            HostVolume {
                name: "audit-log",
                host_path: LOG_DIR,
                mount_path: LOG_DIR,
                read_only: false,
                path_type: "DirectoryOrCreate",
            },
        ],
        files: vec![MachineFile {
            path: POLICY_PATH.to_string(),
            permissions: "0600",
            source: FileSource::Inline(write::to_yaml(&policy)),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level the default policy gives a request (first matching rule wins).
    fn level(verb: &str, group: &str, resource: &str) -> String {
        let policy = default_policy();
        for rule in policy["rules"].as_array().unwrap() {
            let verb_ok = rule
                .get("verbs")
                .and_then(Value::as_array)
                .is_none_or(|v| v.iter().any(|x| x == verb));
            let resource_ok = rule
                .get("resources")
                .and_then(Value::as_array)
                .is_none_or(|rs| {
                    rs.iter().any(|r| {
                        r["group"] == group
                            && r["resources"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|x| x == resource)
                    })
                });
            if verb_ok && resource_ok {
                return rule["level"].as_str().unwrap().to_string();
            }
        }
        "None".into()
    }

    #[test]
    fn secrets_are_never_logged_with_their_content() {
        for verb in ["get", "list", "create", "update", "patch", "delete"] {
            assert_eq!(level(verb, "", "secrets"), "Metadata", "{verb} secrets");
        }
        assert_eq!(level("create", "", "serviceaccounts/token"), "Metadata");
        assert_eq!(
            level("create", "authentication.k8s.io", "tokenreviews"),
            "Metadata"
        );
    }

    #[test]
    fn rbac_changes_are_logged_with_their_bodies_and_the_rest_as_metadata() {
        for resource in [
            "roles",
            "rolebindings",
            "clusterroles",
            "clusterrolebindings",
        ] {
            assert_eq!(
                level("patch", "rbac.authorization.k8s.io", resource),
                "RequestResponse"
            );
            assert_eq!(
                level("get", "rbac.authorization.k8s.io", resource),
                "Metadata"
            );
        }
        assert_eq!(level("create", "apps", "deployments"), "Metadata");
        assert_eq!(default_policy()["omitStages"], json!(["RequestReceived"]));
    }

    #[test]
    fn default_policy_is_a_valid_audit_policy() {
        assert_eq!(
            crate::validate::check_value(&default_policy()),
            crate::validate::Outcome::Checked(Vec::new())
        );
    }
}
