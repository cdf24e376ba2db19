//! `releases/cert-manager-values.yaml`: the Helm values of cert-manager that bind it to its
//! IRSA role when it solves DNS-01 on Route 53 (cert-manager's Route 53 guide, "EKS IAM Role
//! for Service Accounts"): the service account's name pinned to the one the role trusts, the
//! role ARN as its annotation (capa and eks, whose roles platc writes; kops configures its
//! own pod identity webhook from the roles it creates), and an `fsGroup` so the non-root
//! container can read the projected token. Helm values files are plain values, no labels.
//! external-dns's values are written with the platform layer, using the same naming
//! functions (`naming::irsa_role_arn`, `naming::EXTERNAL_DNS_*`).

use serde_json::{Map, Value};

use crate::json::json;

use super::super::{Content, GenError, Origin, Output, Source};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Consumer, Resolved, ResolvedCluster, ServiceAccountIssuer};

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
    let mut values = json!({
        "serviceAccount": sa,
        "securityContext": {"fsGroup": TOKEN_FS_GROUP},
    });
    // On a self-managed cluster the pod identity webhook, which would give cert-manager its
    // role, gets its own serving certificate from cert-manager: the values give cert-manager
    // the token and the variables the webhook would inject (aws/amazon-eks-pod-identity-webhook
    // README, "EKS Walkthrough" 4.; the AWS SDKs' web identity variables), and label its Pods
    // so the webhook leaves them alone (its `objectSelector` on
    // `eks.amazonaws.com/skip-pod-identity-webhook`). cert-manager then has its role from its
    // first start, with no order between the two.
    if matches!(issuer, ServiceAccountIssuer::SelfHosted { .. })
        && let Some(account) = &r.account_id
    {
        let arn = naming::irsa_role_arn(
            r.partition,
            account,
            &r.platform,
            &c.name,
            naming::CONSUMER_CERT_MANAGER,
        );
        let direct = json!({
            "podLabels": {SKIP_WEBHOOK_LABEL: "true"},
            "extraEnv": [
                {"name": "AWS_ROLE_ARN", "value": arn},
                {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": format!("{TOKEN_DIR}/{TOKEN_FILE}")},
            ],
            "volumes": [{
                "name": TOKEN_VOLUME,
                "projected": {"sources": [{"serviceAccountToken": {
                    "audience": naming::STS_AUDIENCE,
                    "expirationSeconds": TOKEN_EXPIRATION_SECONDS,
                    "path": TOKEN_FILE,
                }}]},
            }],
            "volumeMounts": [{"name": TOKEN_VOLUME, "mountPath": TOKEN_DIR, "readOnly": true}],
        });
        if let (Value::Object(v), Value::Object(d)) = (&mut values, direct) {
            v.extend(d);
        }
    }
    Some(values)
}

/// The pod identity webhook's opt-out label, its token's mount and lifetime (the webhook's
/// defaults: `--token-mount-path`, `--token-expiration`).
pub const SKIP_WEBHOOK_LABEL: &str = "eks.amazonaws.com/skip-pod-identity-webhook";
const TOKEN_VOLUME: &str = "aws-iam-token";
const TOKEN_DIR: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
const TOKEN_FILE: &str = "token";
const TOKEN_EXPIRATION_SECONDS: u32 = 86400;

pub fn generate(r: &Resolved, out: &mut Output, generator: &'static str) -> Result<(), GenError> {
    // kOps installs its own cert-manager, Kommander the management cluster's (whose values
    // are the Installation's `cert-manager` app): only Flux's cert-manager reads this file.
    for c in r
        .clusters
        .iter()
        .filter(|c| c.provider != Provider::Kops && !c.management)
    {
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
