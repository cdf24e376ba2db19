//! The kops Cluster's `kubeAPIServer` settings and the files they need (`fileAssets`, written
//! onto control-plane machines into the folder kOps mounts into the API server): SSO through
//! the identity provider's tokens (`oidc*` flags, groups prefixed `oidc:`), API server audit
//! logging (the `audit*` fields and the policy file) and Pod Security admission defaults
//! (`admissionControlConfigFile` and its `AdmissionConfiguration`).

use serde_json::{Map, Value, json};

use crate::blueprint::model::PodSecurityLevel;
use crate::facts::kops as facts;
use crate::resolve::{self, OIDC_GROUPS_PREFIX, Resolved, ResolvedAudit, ResolvedPodSecurity};
use crate::yaml::write;

/// The file assets' names and files, in the folder kOps mounts into the API server.
pub const AUDIT_POLICY_ASSET: &str = "audit-policy";
pub const ADMISSION_CONFIG_ASSET: &str = "admission-configuration";

pub fn audit_policy_path() -> String {
    format!("{}/audit-policy.yaml", facts::API_SERVER_ASSET_DIR)
}

pub fn admission_config_path() -> String {
    format!(
        "{}/admission-configuration.yaml",
        facts::API_SERVER_ASSET_DIR
    )
}

/// `kubeAPIServer` and `fileAssets` of a kops Cluster; both empty when nothing is set.
pub fn api_server(r: &Resolved) -> Result<(Map<String, Value>, Vec<Value>), String> {
    let mut flags = Map::new();
    let mut assets = Vec::new();
    if let Some(oidc) = &r.oidc {
        flags.insert("oidcIssuerURL".into(), json!(oidc.issuer_url));
        flags.insert("oidcClientID".into(), json!(oidc.client_id));
        flags.insert(
            "oidcUsernameClaim".into(),
            json!(resolve::oidc_username_claim(oidc)),
        );
        flags.insert(
            "oidcGroupsClaim".into(),
            json!(resolve::oidc_groups_claim(oidc)),
        );
        flags.insert("oidcGroupsPrefix".into(), json!(OIDC_GROUPS_PREFIX));
    }
    if let Some(audit) = &r.audit {
        flags.insert("auditLogPath".into(), json!(facts::AUDIT_LOG_PATH));
        flags.insert("auditLogMaxAge".into(), json!(audit.max_age_days));
        flags.insert("auditLogMaxBackups".into(), json!(audit.max_backups));
        flags.insert("auditLogMaxSize".into(), json!(audit.max_size_mb));
        flags.insert("auditPolicyFile".into(), json!(audit_policy_path()));
        assets.push(asset(
            AUDIT_POLICY_ASSET,
            &audit_policy_path(),
            &audit_policy(audit)?,
        ));
    }
    if let Some(ps) = &r.pod_security {
        flags.insert(
            "admissionControlConfigFile".into(),
            json!(admission_config_path()),
        );
        assets.push(asset(
            ADMISSION_CONFIG_ASSET,
            &admission_config_path(),
            &admission_configuration(ps),
        ));
    }
    Ok((flags, assets))
}

/// A file asset for the control plane only.
fn asset(name: &str, path: &str, document: &Value) -> Value {
    json!({
        "name": name,
        "path": path,
        "roles": [facts::ROLE_CONTROL_PLANE],
        "content": write::to_yaml(document),
    })
}

/// The audit policy in force: the user's file (read beside the blueprint and validated
/// before generation) or platc's default policy.
pub fn audit_policy(audit: &ResolvedAudit) -> Result<Value, String> {
    match &audit.policy_file {
        None => Ok(default_audit_policy()),
        Some((_, Some(policy))) => Ok(policy.clone()),
        Some((path, None)) => Err(format!(
            "the audit policy file `{path}` was not read before generation"
        )),
    }
}

/// platc's default audit policy, the one every provider's API server gets. Rules are tried in
/// order, the first match wins: Secrets, service account tokens and token reviews at
/// `Metadata` (who touched them, never their content); changes to RBAC at `RequestResponse`
/// (a privilege change can be reviewed as sent and as stored); everything else at `Metadata`.
/// `RequestReceived` is omitted (every request is logged again when its response starts).
pub fn default_audit_policy() -> Value {
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

fn level_name(level: PodSecurityLevel) -> &'static str {
    match level {
        PodSecurityLevel::Privileged => "privileged",
        PodSecurityLevel::Baseline => "baseline",
        PodSecurityLevel::Restricted => "restricted",
    }
}

/// The API server's `AdmissionConfiguration` with the `PodSecurity` plugin's configuration:
/// cluster-wide default levels, checked at the API server's own version (`latest`), and the
/// exempt namespaces.
pub fn admission_configuration(ps: &ResolvedPodSecurity) -> Value {
    json!({
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "AdmissionConfiguration",
        "plugins": [{
            "name": "PodSecurity",
            "configuration": {
                "apiVersion": "pod-security.admission.config.k8s.io/v1",
                "kind": "PodSecurityConfiguration",
                "defaults": {
                    "enforce": level_name(ps.enforce),
                    "enforce-version": "latest",
                    "audit": level_name(ps.audit),
                    "audit-version": "latest",
                    "warn": level_name(ps.warn),
                    "warn-version": "latest",
                },
                "exemptions": {"namespaces": ps.exempt_namespaces},
            },
        }],
    })
}
