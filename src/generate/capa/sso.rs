//! SSO on capa clusters that no management cluster's Kommander serves: the API server trusts
//! the identity provider's ID tokens itself, through kube-apiserver's `--oidc-*` flags in the
//! KubeadmControlPlane's `apiServer.extraArgs` (kops' `kubeAPIServer.oidc*` fields and EKS's
//! associated identity provider do the same on the other providers).
//!
//! Flag names and meanings: kubernetes/kubernetes `pkg/kubeapiserver/options/authentication.go`
//! (commit 81810de6): `oidc-issuer-url` (HTTPS only), `oidc-client-id` (the token's audience,
//! required with the issuer), `oidc-username-claim`, `oidc-groups-claim` and
//! `oidc-groups-prefix` ("all groups will be prefixed with this value"). No
//! `oidc-username-prefix` is written, as on kops and eks: with the default `email` claim the
//! API server adds none, so a user is named by the address `access[].users` lists; another
//! claim gets the API server's own `<issuer URL>#` prefix, the same on every provider.

use crate::naming;
use crate::resolve::Resolved;

/// The `--oidc-*` flags, when `identity.oidc` is set and no cluster is a management cluster
/// (with one, Kommander's dex and kube-oidc-proxy carry SSO to the clusters it manages).
pub fn api_server_args(r: &Resolved) -> Vec<(&'static str, String)> {
    let Some(oidc) = &r.oidc else {
        return Vec::new();
    };
    if r.clusters.iter().any(|c| c.management) {
        return Vec::new();
    }
    vec![
        ("oidc-issuer-url", oidc.issuer_url.clone()),
        ("oidc-client-id", oidc.client_id.clone()),
        ("oidc-username-claim", r.oidc_username_claim().to_string()),
        ("oidc-groups-claim", r.oidc_groups_claim().to_string()),
        ("oidc-groups-prefix", naming::OIDC_GROUP_PREFIX.to_string()),
    ]
}
