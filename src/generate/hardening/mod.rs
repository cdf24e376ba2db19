//! Production hardening that does not depend on how a cluster is provisioned: the API
//! server's audit policy and flags ([`audit`]), the Pod Security admission configuration
//! ([`pod_security`]), containerd's registry mirror files ([`mirrors`]), Calico's BGP objects
//! for route reflectors ([`calico`]) and Kyverno's trusted-image policies ([`kyverno`]).
//!
//! Each module returns plain data ([`machine::MachineFile`], [`machine::ApiServer`],
//! objects): a provider module (`capa/`, and kops or eks) only spells them its own way
//! (kubeadm `files` and `extraArgs`, kops `fileAssets` and `kubeAPIServer`). The two
//! addon files, `addons/calico-bgp.yaml` and `addons/policies.yaml`, are written here for
//! every cluster whatever its provider.

pub mod audit;
pub mod calico;
pub mod encryption;
pub mod kyverno;
pub mod machine;
pub mod mirrors;
pub mod notes;
pub mod pod_security;

use crate::resolve::Resolved;
use machine::ApiServer;

/// Everything the API server of every cluster gets from `security`: the audit policy and
/// flags, the admission configuration and its flag, the files and the host paths they
/// need. Empty when neither audit logging nor Pod Security is on.
pub fn api_server(r: &Resolved) -> Result<ApiServer, String> {
    let mut out = ApiServer::default();
    if let Some(audit) = &r.audit {
        out.extend(audit::api_server(audit)?);
    }
    if let Some(ps) = &r.pod_security {
        out.extend(pod_security::api_server(ps));
    }
    Ok(out)
}
