//! cert-manager: one ACME `ClusterIssuer` per cluster (`addons/cert-manager.yaml`; on the
//! management cluster under the name Kommander's ingress certificate uses) with the
//! provider's directory URL, the account key Secret, external account binding for ZeroSSL and
//! ssl.com (key id and a Secret reference, never the key), and an http01 or Route 53 dns01
//! solver. With Route 53 the solver carries no credentials: they come from the workload's
//! identity (IRSA) or the node's role.

use serde_json::{Map, Value};

use crate::json::json;

use super::{FieldRule, GenError, Origin, Output, Source};
use crate::blueprint::model::{Acme, AcmeProvider, AcmeSolver};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "cert-manager";

/// The issuer's name: stable across provider changes, so Certificates and Ingress
/// annotations that name it keep working.
pub const ISSUER_NAME: &str = "acme";

/// The issuer's name on the management cluster: the ClusterIssuer Kommander's installer makes
/// from the Installation's `acme {email, server}` and that its ingress certificate uses, and
/// the name under which a user's own issuer replaces it. Kommander's Installation has no field
/// for external account binding (its `acme` takes `email` and `server` only: mesosphere/
/// dcos-docs-site `pages/dkp/kommander/2.3/install/configuration/custom-domain/index.md`); its
/// guide for EAB, DNS solvers and other "advanced configuration" is a ClusterIssuer named
/// `kommander-acme-issuer` with the account key in `kommander-acme-issuer-account`, created
/// before `install kommander` (NKP guide, "Advanced Configuration: ClusterIssuer"). platc's
/// issuer on the management cluster is that issuer: one ClusterIssuer there, the one
/// Kommander's certificate uses, with the EAB of ZeroSSL and ssl.com.
pub const KOMMANDER_ISSUER_NAME: &str = "kommander-acme-issuer";

/// The name of cluster `c`'s ClusterIssuer.
pub fn issuer_name(c: &ResolvedCluster) -> &'static str {
    if c.management {
        KOMMANDER_ISSUER_NAME
    } else {
        ISSUER_NAME
    }
}

/// The Secret holding the ACME account's private key of cluster `c`'s issuer (cert-manager
/// creates it): `<issuer>-account-key`, and on the management cluster the name Kommander's
/// guide fixes, `kommander-acme-issuer-account`.
pub fn account_key_secret(c: &ResolvedCluster) -> String {
    if c.management {
        format!("{KOMMANDER_ISSUER_NAME}-account")
    } else {
        format!("{ISSUER_NAME}-account-key")
    }
}

/// The IngressClass that http01 challenges go through on a cluster other than the
/// management cluster: the one the traefik chart creates under its release name.
pub const HTTP01_INGRESS_CLASS: &str = "traefik";

/// The IngressClass of Kommander's traefik, on the management cluster: Kommander's defaults
/// for its traefik app set `providers.kubernetesIngress.ingressClass: kommander-traefik`, so
/// that traefik serves Ingresses of that class only (mesosphere/kommander-applications,
/// `services/traefik/35.2.0/defaults/traefik.yaml`). An http01 solver of class `traefik`
/// there makes challenge Ingresses that no controller serves.
pub const KOMMANDER_INGRESS_CLASS: &str = "kommander-traefik";

/// The IngressClass of a cluster's http01 challenges.
pub fn http01_ingress_class(c: &ResolvedCluster) -> &'static str {
    if c.management {
        KOMMANDER_INGRESS_CLASS
    } else {
        HTTP01_INGRESS_CLASS
    }
}

/// ACME directory URLs, from each CA's documentation.
pub fn directory_url(acme: &Acme) -> Option<&str> {
    Some(match acme.provider {
        AcmeProvider::Letsencrypt => "https://acme-v02.api.letsencrypt.org/directory",
        AcmeProvider::LetsencryptStaging => {
            "https://acme-staging-v02.api.letsencrypt.org/directory"
        }
        AcmeProvider::Zerossl => "https://acme.zerossl.com/v2/DV90",
        AcmeProvider::SslcomRsa => "https://acme.ssl.com/sslcom-dv-rsa",
        AcmeProvider::SslcomEcc => "https://acme.ssl.com/sslcom-dv-ecc",
        AcmeProvider::Custom => return acme.server.as_deref(),
    })
}

/// Whether the provider's certificates chain to a root that browsers and operating systems
/// trust (Let's Encrypt's production ISRG roots, ZeroSSL's and ssl.com's public roots). Staging
/// certificates are deliberately untrusted, and a custom server's CA is unknown, so clients
/// then keep Kommander's own CA bundle.
pub fn publicly_trusted(provider: AcmeProvider) -> bool {
    match provider {
        AcmeProvider::Letsencrypt
        | AcmeProvider::Zerossl
        | AcmeProvider::SslcomRsa
        | AcmeProvider::SslcomEcc => true,
        AcmeProvider::LetsencryptStaging | AcmeProvider::Custom => false,
    }
}

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let Some(acme) = &r.acme else { return Ok(()) };
    for c in &r.clusters {
        out.origin(Origin::cluster(&c.name).with("acme", Source::path("spec.certificates.acme")))
            .objects(
                naming::cert_manager_path(&c.name),
                GENERATOR,
                vec![issuer(r, c, acme)],
            )?;
    }
    Ok(())
}

fn issuer(r: &Resolved, c: &ResolvedCluster, acme: &Acme) -> Value {
    let mut spec = Map::new();
    spec.insert("email".into(), json!(acme.email));
    spec.insert(
        "server".into(),
        json!(directory_url(acme).unwrap_or_default()),
    );
    spec.insert(
        "privateKeySecretRef".into(),
        json!({"name": account_key_secret(c)}),
    );
    if let Some(eab) = &acme.external_account_binding {
        spec.insert(
            "externalAccountBinding".into(),
            json!({
                "keyID": eab.key_id,
                "keySecretRef": {"name": eab.key_secret_ref.name, "key": eab.key_secret_ref.key},
            }),
        );
    }
    let solver = match r.acme_solver {
        AcmeSolver::Http01 => {
            json!({"http01": {"ingress": {"ingressClassName": http01_ingress_class(c)}}})
        }
        AcmeSolver::Dns01Route53 => {
            let mut route53 = Map::new();
            route53.insert("region".into(), json!(c.region));
            if let Some(zone) = &r.hosted_zone_id {
                route53.insert("hostedZoneID".into(), json!(zone));
            }
            json!({"dns01": {"route53": route53}, "selector": {"dnsZones": [r.domain]}})
        }
    };
    spec.insert("solvers".into(), json!([solver]));
    json!({
        "apiVersion": "cert-manager.io/v1",
        "kind": "ClusterIssuer",
        "metadata": {
            "name": issuer_name(c),
            "labels": naming::labels(&r.platform, Some(&c.name), None),
        },
        "spec": {"acme": spec},
    })
}

/// Where each field of the ClusterIssuer comes from, for `platc explain` (anchors: `cluster`,
/// and `acme` for `spec.certificates.acme`).
pub const FIELDS: &[FieldRule] = &[
    FieldRule::new(
        "ClusterIssuer",
        "metadata.name",
        &[],
        "`acme` whatever the provider, so Certificates and Ingress annotations that name it survive a provider change; on the management cluster `kommander-acme-issuer`, the issuer Kommander's ingress certificate uses",
    ),
    FieldRule::new("ClusterIssuer", "spec.acme.email", &["acme.email"], ""),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.server",
        &["acme.server", "acme.provider"],
        "the provider's ACME directory URL (`server` for provider `custom`)",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.privateKeySecretRef",
        &[],
        "the Secret `acme-account-key` (`kommander-acme-issuer-account` on the management cluster), where cert-manager keeps the ACME account's key",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.externalAccountBinding",
        &["acme.externalAccountBinding"],
        "",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.externalAccountBinding.keyID",
        &["acme.externalAccountBinding.keyID"],
        "",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.externalAccountBinding.keySecretRef",
        &["acme.externalAccountBinding.keySecretRef"],
        "a reference to the Secret, never the key",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.solvers",
        &["acme.solver"],
        "http01 through the IngressClass `traefik` (`kommander-traefik` on the management cluster, Kommander's traefik), unless `solver: dns01-route53`",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.solvers[*].dns01.route53.region",
        &["cluster.region", "spec.aws.region"],
        "the cluster's region, else the platform's",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.solvers[*].dns01.route53.hostedZoneID",
        &["spec.aws.hostedZoneID"],
        "",
    ),
    FieldRule::new(
        "ClusterIssuer",
        "spec.acme.solvers[*].selector.dnsZones",
        &["spec.domain"],
        "",
    ),
];

#[cfg(test)]
mod tests {
    use crate::generate::test_support::{objects, reference_with, resolved};

    /// http01 challenges go through the IngressClass a controller on that cluster serves:
    /// Kommander's traefik on the management cluster, the traefik chart's elsewhere.
    #[test]
    fn http01_goes_through_kommanders_ingress_class_on_the_management_cluster() {
        let text = reference_with(&[(
            "solver: dns01-route53        # http01 | dns01-route53",
            "solver: http01",
        )]);
        let r = resolved(&text);
        let class = |cluster: &str| {
            let path = crate::naming::cert_manager_path(cluster);
            let issuer = objects(&r, &path).remove(0);
            issuer["spec"]["acme"]["solvers"][0]["http01"]["ingress"]["ingressClassName"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(class("management"), "kommander-traefik");
        assert_eq!(class("sandbox-eks"), "traefik");
    }
}
