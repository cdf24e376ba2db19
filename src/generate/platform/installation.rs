//! `platform/installation.yaml`: the Kommander installer's configuration
//! (`config.kommander.mesosphere.io/v1alpha1` `Installation`, the file given to
//! `dkp install kommander --installer-config`): the management cluster's public host name, the
//! ACME account of its ingress certificate, and every platform application of the targeted
//! Kommander release (`facts::kommander`), each `enabled: true|false`, with Helm values where
//! platc configures it: dex with the blueprint's OIDC connector (the client secret read from a
//! Secret, never written), traefik announcing the host name to external-dns, external-dns in
//! the form of Bitnami's chart (which Kommander's app installs), kube-prometheus-stack with the
//! same values as the cluster's `addons/`, and the three applications that must trust the
//! system CAs when the ACME certificate is publicly trusted.
//!
//! Every values block is built as a data tree and written with the one canonical YAML writer
//! as a literal block; the pipeline reads each block back from the emitted bytes and compares
//! it with its tree (see `emit::embedded`), so an indentation slip cannot ship.

use serde_json::{Map, Value};

use crate::json::json;

use super::super::{GenError, cert_manager, monitoring};
use super::kommander_external_dns;
use crate::facts::kommander::{self, Enabled};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};
use crate::yaml::write;

/// The Installation's apiVersion and kind (Kommander's installer configuration).
pub const API_VERSION: &str = "config.kommander.mesosphere.io/v1alpha1";
pub const KIND: &str = "Installation";

/// The platform applications platc writes values for, as Kommander names them
/// (mesosphere/kommander-applications, `applications/<app>/`; the full list of the targeted
/// release is `facts::kommander::APPS`).
const CERT_MANAGER: &str = "cert-manager";
const DEX: &str = "dex";
const DEX_K8S_AUTHENTICATOR: &str = "dex-k8s-authenticator";
const EXTERNAL_DNS: &str = "external-dns";
const KUBE_OIDC_PROXY: &str = "kube-oidc-proxy";
const KUBE_PROMETHEUS_STACK: &str = "kube-prometheus-stack";
const TRAEFIK: &str = "traefik";
const TRAEFIK_FORWARD_AUTH_MGMT: &str = "traefik-forward-auth-mgmt";

/// The environment variable of dex's container that holds the OIDC client secret: dex expands
/// `$NAME` in connector configuration, and the chart's `env` fills it from the Secret.
pub const DEX_CLIENT_SECRET_ENV: &str = "OIDC_CLIENT_SECRET";

/// The applications that must trust the system CAs instead of Kommander's own CA when the
/// ingress certificate comes from a publicly trusted ACME CA: their values, verbatim from
/// Kommander's "Configure custom domain" guide (DKP 2.3, "Let's encrypt": "Because ACME does not
/// set up a CA bundle, some of the platform applications must be customized").
pub const APPS_WITH_SYSTEM_CA: &[&str] = &[
    DEX_K8S_AUTHENTICATOR,
    KUBE_OIDC_PROXY,
    TRAEFIK_FORWARD_AUTH_MGMT,
];

fn system_ca_values(app: &str) -> Value {
    match app {
        DEX_K8S_AUTHENTICATOR => {
            json!({"caCerts": {"caSecretName": null, "useSystemDefault": true}})
        }
        KUBE_OIDC_PROXY => json!({"oidc": {"caSystemDefault": true}}),
        _ => json!({"traefikForwardAuth": {"caSecretName": null}}),
    }
}

/// The external-dns annotation that makes external-dns publish a Service's address under a
/// name (external-dns's `source/annotations.go`).
const HOSTNAME_ANNOTATION: &str = "external-dns.alpha.kubernetes.io/hostname";

/// The Installation of the management cluster `m`, and the values trees it embeds (JSON
/// pointer of the values string → tree).
pub fn installation(
    r: &Resolved,
    m: &ResolvedCluster,
) -> Result<(Value, Vec<(String, Value)>), GenError> {
    let hostname = naming::cluster_hostname(&m.name, &r.domain);
    let public_ca = r
        .acme
        .as_ref()
        .is_some_and(|a| cert_manager::publicly_trusted(a.provider));
    // Values platc writes, by app; every other app of the release is listed without values.
    let mut values: Vec<(&str, Value)> = Vec::new();
    if r.oidc.is_some() {
        values.push((DEX, dex_values(r, &hostname)));
    }
    if r.dns.is_some() {
        let mut annotations = Map::new();
        annotations.insert(HOSTNAME_ANNOTATION.into(), json!(hostname));
        values.push((TRAEFIK, json!({"service": {"annotations": annotations}})));
        values.push((EXTERNAL_DNS, kommander_external_dns::values(r, m)?));
    }
    if r.spec.monitoring.is_some() {
        values.push((KUBE_PROMETHEUS_STACK, monitoring::values(r, m)));
    }
    // Kommander always installs cert-manager on the management cluster; with IRSA its values
    // bind it to its role (the same values Flux gives cert-manager elsewhere).
    if let Some(v) = crate::generate::iam::values::cert_manager(r, m) {
        values.push((CERT_MANAGER, v));
    }
    if public_ca {
        for app in APPS_WITH_SYSTEM_CA {
            values.push((app, system_ca_values(app)));
        }
    }
    let mut embedded = Vec::new();
    let mut app_map = Map::new();
    // The full app list of the targeted release, each `enabled: true|false` (as `dkp install
    // kommander --init` writes it): an app left out of the Installation is not installed,
    // `kommander` itself included.
    for app in kommander::APPS {
        let mut entry = Map::new();
        entry.insert("enabled".into(), json!(enabled(r, app)));
        if let Some((_, tree)) = values.iter().find(|(name, _)| *name == app.name) {
            entry.insert("values".into(), json!(write::to_yaml(tree)));
            embedded.push((format!("/apps/{}/values", app.name), tree.clone()));
        }
        app_map.insert(app.name.into(), Value::Object(entry));
    }
    if let Some((name, _)) = values
        .iter()
        .find(|(name, _)| kommander::app_named(name).is_none())
    {
        return Err(GenError {
            message: format!(
                "values for `{name}`, an app Kommander {} does not have",
                kommander::KOMMANDER_APPLICATIONS_TAG
            ),
        });
    }
    let mut doc = Map::new();
    doc.insert("apiVersion".into(), json!(API_VERSION));
    doc.insert("kind".into(), json!(KIND));
    doc.insert("clusterHostname".into(), json!(hostname));
    if let Some(acme) = &r.acme {
        doc.insert(
            "acme".into(),
            json!({
                "email": acme.email,
                "server": cert_manager::directory_url(acme).unwrap_or_default(),
            }),
        );
    }
    doc.insert("apps".into(), Value::Object(app_map));
    Ok((Value::Object(doc), embedded))
}

/// Whether the Installation enables `app` (the rule of its row in `facts::kommander`).
pub fn enabled(r: &Resolved, app: &kommander::App) -> bool {
    match app.enabled {
        Enabled::Always => true,
        Enabled::Dns => r.dns.is_some(),
        Enabled::Monitoring => r.spec.monitoring.is_some(),
        Enabled::Never => false,
    }
}

/// The dex defaults of Kommander's dex app that a values `env` list replaces (Helm replaces
/// lists, it does not merge them): mesosphere/kommander-applications,
/// `applications/dex/<version>/helmrelease/cm.yaml`.
fn dex_default_env() -> Value {
    json!({
        "name": "KUBERNETES_POD_NAMESPACE",
        "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
    })
}

/// dex with the blueprint's OIDC connector (dex's `oidc` connector: `connector/oidc/oidc.go`).
fn dex_values(r: &Resolved, hostname: &str) -> Value {
    let Some(oidc) = &r.oidc else {
        return json!({});
    };
    let mut config = Map::new();
    config.insert("issuer".into(), json!(oidc.issuer_url));
    config.insert("clientID".into(), json!(oidc.client_id));
    config.insert(
        "clientSecret".into(),
        json!(format!("${DEX_CLIENT_SECRET_ENV}")),
    );
    config.insert(
        "redirectURI".into(),
        json!(format!("https://{hostname}/dex/callback")),
    );
    if !oidc.scopes.is_empty() {
        config.insert("scopes".into(), json!(oidc.scopes));
    }
    config.insert(
        "insecureSkipEmailVerified".into(),
        json!(oidc.insecure_skip_email_verified),
    );
    // dex drops the provider's groups unless told to keep them; Kommander's access bindings
    // are by group.
    config.insert("insecureEnableGroups".into(), json!(true));
    // The user's ID in dex (its tokens' `sub`) from the same claim as the name, as D2iQ's
    // guides configure the connector (`userIDKey: email` with `userNameKey: email`): dex's
    // default, the provider's opaque `sub`, changes when a user is re-created upstream and
    // reads as nothing to a reviewer of audit logs (`userIDKey`, dex `connector/oidc/oidc.go`).
    config.insert("userIDKey".into(), json!(r.oidc_username_claim()));
    config.insert("userNameKey".into(), json!(r.oidc_username_claim()));
    config.insert(
        "claimMapping".into(),
        json!({"groups": r.oidc_groups_claim()}),
    );
    let connector = json!({
        "type": "oidc",
        "id": oidc.connector.id,
        "name": oidc.connector.name,
        "config": config,
    });
    json!({
        "config": {"connectors": [connector]},
        "env": [
            dex_default_env(),
            {
                "name": DEX_CLIENT_SECRET_ENV,
                "valueFrom": {"secretKeyRef": {
                    "name": oidc.client_secret_ref.name,
                    "key": oidc.client_secret_ref.key,
                }},
            },
        ],
    })
}
