//! external-dns: the Helm values of the kubernetes-sigs chart for every cluster
//! (`releases/external-dns-values.yaml`, read by its Flux HelmRelease): the AWS provider, the blueprint's domain filters and
//! policy, a TXT registry with a per-cluster owner and the blueprint's prefix, the cluster's
//! region, the hosted zone as the only zone external-dns may touch, and, with IRSA, the role
//! ARN on its service account (with the node role: no identity settings at all). The
//! management cluster's external-dns is Kommander's app, a different chart (Bitnami's): its
//! values are `platform::kommander_external_dns`.

use serde_json::{Map, Value};

use crate::json::json;

use super::{Content, GenError, Origin, Output, Source};
use crate::blueprint::model::{DnsPolicy, WorkloadIdentity};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "external-dns";

/// The chart's name for the AWS (Route 53) provider.
pub const PROVIDER: &str = "aws";
/// The registry that records ownership in TXT records (the chart's default, written out
/// because `txtOwnerId` and `txtPrefix` only mean something with it).
pub const REGISTRY: &str = "txt";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    if r.dns.is_none() {
        return Ok(());
    }
    // On the management cluster Kommander installs it, with these values in the Installation.
    for c in r.clusters.iter().filter(|c| !c.management) {
        out.origin(Origin::cluster(&c.name).with("dns", Source::path("spec.dns")))
            .add(
                naming::external_dns_values_path(&c.name),
                GENERATOR,
                Content::Document(values(r, c)?),
            )?;
    }
    Ok(())
}

pub fn policy(p: DnsPolicy) -> &'static str {
    match p {
        DnsPolicy::UpsertOnly => "upsert-only",
        DnsPolicy::Sync => "sync",
    }
}

/// The values of one cluster's external-dns (`r.dns` must be set).
pub fn values(r: &Resolved, c: &ResolvedCluster) -> Result<Value, GenError> {
    let mut v = Map::new();
    v.insert("provider".into(), json!({"name": PROVIDER}));
    v.insert("domainFilters".into(), json!(r.dns_domain_filters()));
    v.insert("policy".into(), json!(policy(r.dns_policy)));
    v.insert("registry".into(), json!(REGISTRY));
    v.insert("txtOwnerId".into(), json!(r.dns_txt_owner(&c.name)));
    if let Some(prefix) = r.dns.as_ref().and_then(|d| d.txt_prefix.as_deref()) {
        v.insert("txtPrefix".into(), json!(prefix));
    }
    // The AWS SDK reads the region from the environment; without it external-dns asks the
    // instance metadata service, which a pod may not reach.
    v.insert(
        "env".into(),
        json!([{"name": "AWS_DEFAULT_REGION", "value": c.region}]),
    );
    // Only the blueprint's hosted zone: the IAM policy allows no other, and without the
    // filter external-dns would also list (and fail on) every other zone of the account.
    if let Some(zone) = &r.hosted_zone_id {
        v.insert(
            "extraArgs".into(),
            json!([format!("--zone-id-filter={zone}")]),
        );
    }
    if let Some(account) = service_account(r, c)? {
        v.insert("serviceAccount".into(), account);
    }
    Ok(Value::Object(v))
}

/// The `serviceAccount` values of a cluster's external-dns, the same keys in the
/// kubernetes-sigs chart and in Bitnami's (`serviceAccount.{create,name,annotations}`): with
/// IRSA the service account the role trusts, annotated with the role where platc owns the
/// roles; nothing with the node role.
pub fn service_account(r: &Resolved, c: &ResolvedCluster) -> Result<Option<Value>, GenError> {
    if r.workload_identity != WorkloadIdentity::Irsa {
        return Ok(None);
    }
    let Some(account) = &r.account_id else {
        return Err(GenError {
            message: "external-dns with IRSA but no AWS account ID passed the checker".into(),
        });
    };
    let arn = naming::irsa_role_arn(
        r.partition,
        account,
        &r.platform,
        &c.name,
        naming::CONSUMER_EXTERNAL_DNS,
    );
    let mut annotations = Map::new();
    // On kops the pod identity webhook maps the service account to kOps' own role
    // (`iam.serviceAccountExternalPermissions`); an annotation would override it.
    if c.issuer.as_ref().is_some_and(|i| i.platc_roles()) {
        annotations.insert(naming::ROLE_ARN_ANNOTATION.into(), json!(arn));
    }
    let mut sa = Map::new();
    sa.insert("create".into(), json!(true));
    sa.insert("name".into(), json!(naming::EXTERNAL_DNS_SERVICE_ACCOUNT));
    if !annotations.is_empty() {
        sa.insert("annotations".into(), Value::Object(annotations));
    }
    Ok(Some(Value::Object(sa)))
}

/// Where each value comes from, for `platc explain` (anchors: `cluster`, and `dns` for
/// `spec.dns`).
pub const FIELDS: &[super::FieldRule] = &[
    super::FieldRule::new(
        "*",
        "domainFilters",
        &["dns.domainFilters", "spec.domain"],
        "the blueprint's domain filters, else the platform's domain",
    ),
    super::FieldRule::new(
        "*",
        "policy",
        &["dns.policy"],
        "`upsert-only` when not set: external-dns never deletes records it did not create",
    ),
    super::FieldRule::new(
        "*",
        "txtOwnerId",
        &["dns.txtOwnerID", "metadata.name"],
        "the blueprint's `txtOwnerID` as written (`{cluster}` replaced by the cluster's name), else `<platform>-<cluster>`",
    ),
    super::FieldRule::new("*", "txtPrefix", &["dns.txtPrefix"], ""),
    super::FieldRule::new("*", "provider", &["dns.provider"], ""),
    super::FieldRule::new(
        "*",
        "env",
        &["cluster.region", "spec.aws.region"],
        "AWS_DEFAULT_REGION: the cluster's region, else the platform's",
    ),
    super::FieldRule::new(
        "*",
        "extraArgs",
        &["spec.aws.hostedZoneID"],
        "`--zone-id-filter`: only the blueprint's hosted zone",
    ),
    super::FieldRule::new(
        "*",
        "serviceAccount.annotations",
        &["spec.security.workloadIdentity"],
        "the IAM role of the cluster's external-dns (IRSA), `<platform>-<cluster>-external-dns`",
    ),
];
