//! The values of Kommander's external-dns app on the management cluster (the `external-dns`
//! block of `platform/installation.yaml`), in the form of the chart that app installs at the
//! targeted Kommander release: Bitnami's external-dns chart (`facts::kommander`), not the
//! kubernetes-sigs chart the other clusters' `external-dns-values.yaml` is written for.
//!
//! The two charts name several settings differently, and Bitnami's template renders whatever
//! it is given (bitnami/charts `bitnami/external-dns/templates/deployment.yaml` at
//! `facts::kommander::EXTERNAL_DNS_CHART_COMMIT`): `--provider={{ .Values.provider }}` (a map
//! there prints `map[...]`), `extraArgs` ranged as a map (a list prints `--0=...`), the region
//! only from `aws.region` into `AWS_DEFAULT_REGION` (its default `us-east-1` otherwise, wrong
//! for GovCloud and every other region), `--zone-id-filter` from `zoneIdFilters`,
//! `--aws-zone-type` from `aws.zoneType`. The values platc writes are checked against
//! `schema/helm-platc/bitnami-external-dns/values.schema.json`.

use serde_json::{Map, Value};

use crate::json::json;

use super::super::{GenError, external_dns};
use crate::resolve::{Resolved, ResolvedCluster};

/// `aws.zoneType` when the platform's names must resolve publicly: an ACME CA resolves the
/// host name (http01) or the `_acme-challenge` record (dns01) from the internet, so the zone
/// external-dns writes is the public one. Without ACME the chart's default (`""`, every type)
/// stays and the zone ID filter alone picks the zone.
const PUBLIC_ZONE: &str = "public";

/// The Bitnami-form values of the management cluster `m`'s external-dns (`r.dns` must be set).
pub fn values(r: &Resolved, m: &ResolvedCluster) -> Result<Value, GenError> {
    let mut v = Map::new();
    // A string in Bitnami's chart (values.yaml `provider: aws`).
    v.insert("provider".into(), json!(external_dns::PROVIDER));
    let mut aws = Map::new();
    // `AWS_DEFAULT_REGION` and the AWS SDK config's region (deployment.yaml, _helpers.tpl
    // `external-dns.aws-config`); the chart's default is us-east-1.
    aws.insert("region".into(), json!(m.region));
    if r.acme.is_some() {
        aws.insert("zoneType".into(), json!(PUBLIC_ZONE));
    }
    v.insert("aws".into(), Value::Object(aws));
    v.insert("domainFilters".into(), json!(r.dns_domain_filters()));
    // Only the blueprint's hosted zone: the IAM policy allows no other, and without the
    // filter external-dns would also list (and fail on) every other zone of the account.
    if let Some(zone) = &r.hosted_zone_id {
        v.insert("zoneIdFilters".into(), json!([zone]));
    }
    v.insert("policy".into(), json!(external_dns::policy(r.dns_policy)));
    v.insert("registry".into(), json!(external_dns::REGISTRY));
    v.insert("txtOwnerId".into(), json!(r.dns_txt_owner(&m.name)));
    if let Some(prefix) = r.dns.as_ref().and_then(|d| d.txt_prefix.as_deref()) {
        v.insert("txtPrefix".into(), json!(prefix));
    }
    // `serviceAccount.{create,name,annotations}` have the same names in both charts; the
    // pod's `fsGroup` (1001, the chart's default) makes the projected IRSA token readable by
    // the non-root user the chart runs as, so no security context is changed.
    if let Some(account) = external_dns::service_account(r, m)? {
        v.insert("serviceAccount".into(), account);
    }
    Ok(Value::Object(v))
}
