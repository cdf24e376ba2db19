//! `clusters[].api`: who reaches a cluster's Kubernetes API. A public endpoint names its
//! sources (`allowedCIDRs`, IPv4 blocks; `0.0.0.0/0` only when written, and then with a
//! warning); sources without a public endpoint are refused, since nothing would apply them.
//! A private management cluster in a VPC that CAPA creates is a warning: the bootstrap
//! cluster that creates it, and `clusterctl move`, run outside that VPC.

use super::Cx;
use super::syntax::cidr;
use crate::blueprint::model::{ApiEndpoint, Cluster};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for (_, cluster, path) in cx.clusters() {
        api(cx, out, cluster, &path);
    }
}

fn api(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let api_path = path.field("api");
    let api = cluster.api.as_ref();
    let public = api.and_then(|a| a.endpoint) == Some(ApiEndpoint::Public);
    let allowed = api.map(|a| a.allowed_cidrs.as_slice()).unwrap_or_default();
    let list_path = api_path.field("allowedCIDRs");
    for (k, text) in allowed.iter().enumerate() {
        let at = list_path.index(k);
        match cidr(text) {
            Err(problem) => out.push(cx.error(Code::Cidr, &at, format!("`{text}` {problem}"))),
            Ok(block) if public && block.prefix == 0 => out.push(
                cx.warning(
                    Code::Warning,
                    &at,
                    format!(
                        "the API of cluster `{}` is open to the whole internet",
                        cluster.name
                    ),
                )
                .help("list the ranges that need it (offices, VPN, CI, the management cluster's NAT gateway addresses) instead"),
            ),
            Ok(_) => {}
        }
    }
    if public && allowed.is_empty() {
        out.push(
            cx.error(
                Code::Security,
                &api_path.field("endpoint"),
                format!(
                    "cluster `{}` has a public API endpoint and no `allowedCIDRs`; platc never opens an API to the internet unasked",
                    cluster.name
                ),
            )
            .help("list the sources in `api.allowedCIDRs` (write `0.0.0.0/0` there to allow anyone), or leave `endpoint` out for a private endpoint"),
        );
    }
    if !public && !allowed.is_empty() {
        out.push(
            cx.key_error(
                Code::Security,
                &list_path,
                "`allowedCIDRs` only apply to a public endpoint; this one is private",
            )
            .help("write `endpoint: public` to expose the API to these sources, or remove them"),
        );
    }
    let existing_vpc = cluster
        .network
        .as_ref()
        .is_some_and(|n| n.existing_vpc.is_some());
    if cluster.management && !public && !existing_vpc {
        out.push(
            cx.key_warning(
                Code::Warning,
                &path.field("management"),
                format!(
                    "the management cluster `{}` gets a private API endpoint in a VPC that CAPA creates: the bootstrap cluster that creates it and `clusterctl move` run outside that VPC and cannot reach it",
                    cluster.name
                ),
            )
            .help("write `api: {endpoint: public, allowedCIDRs: [<the bootstrap host's egress range>]}`, or place the cluster in an `existingVPC` and bootstrap from a host inside it"),
        );
    }
}
