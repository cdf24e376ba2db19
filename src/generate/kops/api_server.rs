//! The kops Cluster's `kubeAPIServer` settings and the files they need (`fileAssets`, written
//! onto control-plane machines into the folder kOps mounts into the API server): SSO through
//! the identity provider's tokens (`oidc*` flags, groups prefixed `oidc:`), API server audit
//! logging (the `audit*` fields and the policy file) and Pod Security admission defaults
//! (`admissionControlConfigFile` and its `AdmissionConfiguration`). The documents themselves
//! are the ones every provider gets (`generate/hardening`); only kOps' spelling is here.

use serde_json::{Map, Value};

use crate::json::json;

use crate::facts::kops as facts;
use crate::generate::hardening::{audit, pod_security};
use crate::naming;
use crate::resolve::Resolved;
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
        flags.insert("oidcUsernameClaim".into(), json!(r.oidc_username_claim()));
        flags.insert("oidcGroupsClaim".into(), json!(r.oidc_groups_claim()));
        flags.insert("oidcGroupsPrefix".into(), json!(naming::OIDC_GROUP_PREFIX));
    }
    if let Some(a) = &r.audit {
        flags.insert("auditLogPath".into(), json!(facts::AUDIT_LOG_PATH));
        flags.insert("auditLogMaxAge".into(), json!(a.max_age_days));
        flags.insert("auditLogMaxBackups".into(), json!(a.max_backups));
        flags.insert("auditLogMaxSize".into(), json!(a.max_size_mb));
        flags.insert("auditPolicyFile".into(), json!(audit_policy_path()));
        assets.push(asset(
            AUDIT_POLICY_ASSET,
            &audit_policy_path(),
            &audit::policy(a)?,
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
            &pod_security::admission_configuration(ps),
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
