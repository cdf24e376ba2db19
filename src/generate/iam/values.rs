//! `addons/cert-manager-values.yaml`: the Helm values of cert-manager that bind it to its
//! IRSA role when it solves DNS-01 on Route 53 (cert-manager's Route 53 guide, "EKS IAM Role
//! for Service Accounts"): the service account's name pinned to the one the role trusts, the
//! role ARN as its annotation (capa and eks, whose roles platc writes; kops configures its
//! own pod identity webhook from the roles it creates), and an `fsGroup` so the non-root
//! container can read the projected token. Helm values files are plain values, no labels.
//! external-dns's values are written with the platform layer, using the same naming
//! functions (`naming::irsa_role_arn`, `naming::EXTERNAL_DNS_*`).

use serde_json::{Map, Value, json};

use super::super::{Content, GenError, Origin, Output, Source};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Consumer, Resolved, ResolvedCluster};

/// The group the projected token is readable by (cert-manager's guide uses 1001).
pub const TOKEN_FS_GROUP: u32 = 1001;

/// The values of one cluster, when cert-manager uses IRSA there.
pub fn cert_manager(r: &Resolved, c: &ResolvedCluster) -> Option<Value> {
    // On kops, cert-manager is kOps' own add-on, which reads no values file.
    if c.provider == Provider::Kops {
        return None;
    }
    let issuer = c.issuer.as_ref()?;
    if !r.consumers.contains(&Consumer::CertManager) {
        return None;
    }
    let (_, service_account) = Consumer::CertManager.service_account(c.management);
    let mut sa = Map::new();
    sa.insert("name".into(), json!(service_account));
    if issuer.platc_roles()
        && let Some(account) = &r.account_id
    {
        sa.insert(
            "annotations".into(),
            json!({naming::ROLE_ARN_ANNOTATION: naming::irsa_role_arn(
                r.partition,
                account,
                &r.platform,
                &c.name,
                naming::CONSUMER_CERT_MANAGER,
            )}),
        );
    }
    Some(json!({
        "serviceAccount": sa,
        "securityContext": {"fsGroup": TOKEN_FS_GROUP},
    }))
}

pub fn generate(r: &Resolved, out: &mut Output, generator: &'static str) -> Result<(), GenError> {
    for c in &r.clusters {
        if let Some(values) = cert_manager(r, c) {
            out.origin(
                Origin::cluster(&c.name).with("acme", Source::path("spec.certificates.acme")),
            )
            .add(
                naming::cert_manager_values_path(&c.name),
                generator,
                Content::Document(values),
            )?;
        }
    }
    Ok(())
}
