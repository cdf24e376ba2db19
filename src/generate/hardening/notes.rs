//! The tree README's section on hardening: what each feature writes where, and the steps
//! that cannot be files. Only the features the blueprint turns on are described.

use std::fmt::Write as _;

use super::{audit, calico, kyverno, mirrors, pod_security};
use crate::blueprint::model::{PolicyEngine, Provider};
use crate::resolve::Resolved;

/// The `## Hardening` section, empty when the blueprint turns nothing on.
pub fn section(r: &Resolved) -> String {
    let mut s = String::new();
    let mirror_list = r
        .spec
        .registries
        .as_ref()
        .map(|reg| reg.mirrors.as_slice())
        .unwrap_or_default();
    // Where the files go on machines is capa's (kubeadm) spelling; eks and kops clusters are
    // described by the provider notes (`generate/provider_notes.rs`).
    let capa = r.clusters.iter().any(|c| c.provider == Provider::Capa);
    if capa && !mirror_list.is_empty() {
        let _ = writeln!(
            s,
            "- **Registry mirrors** use containerd's registry host layout: one `hosts.toml` per mirrored\n  \
             registry under `{}/<registry>/` (the mirror for pulls, the registry itself as fallback\n  for a mirror without credentials),\n  \
             and the drop-in `{}` that sets `config_path`\n  \
             (image-builder and Konvoy Image Builder images import `/etc/containerd/conf.d/*.toml`; the\n  \
             deprecated `registry.mirrors` of `config.toml` is not used). containerd is restarted before\n  \
             kubeadm runs.",
            mirrors::CERTS_DIR,
            mirrors::DROP_IN_PATH
        );
        if mirror_list.iter().any(|m| m.path.is_some()) {
            let _ = writeln!(
                s,
                "  A mirror with a `path` (a proxy-cache project) is written as `<endpoint><path>` with\n  \
                 `override_path = true`, so containerd asks the project's API root and does not append `/v2`;\n  \
                 this needs containerd ≥ 1.6 on the image (the drop-in is containerd config version {}).",
                mirrors::DROP_IN_CONFIG_VERSION
            );
        }
        if let Some(creds) = mirror_list.iter().find_map(|m| m.credentials_ref.as_ref()) {
            let _ = writeln!(
                s,
                "  Mirror credentials: create the Secret `{}` (key `{}`, a Docker config JSON) in each\n  \
                 cluster's Cluster API namespace before its machines are created; kubeadm copies it to\n  \
                 `{}`, the kubelet's registry credentials, which it sends with the pulls of\n  \
                 the registries it names (key the entry by the mirrored registry, e.g. `https://index.docker.io/v1/`).\n  \
                 A mirror with credentials has no fallback to its registry, so they are sent to the mirror only.",
                creds.name,
                creds.key,
                mirrors::KUBELET_CREDENTIALS_PATH
            );
        }
    }
    if let Some(a) = r.audit.as_ref().filter(|_| capa) {
        let policy = match &a.policy_file {
            Some((path, _)) => format!("the policy `{path}` beside the blueprint"),
            None => "platc's default policy (metadata of every request; RBAC changes with their bodies; Secrets and tokens as metadata only)".to_string(),
        };
        let _ = writeln!(
            s,
            "- **Audit log**: the API server logs to `{}` ({} days, {} files of {} MB) with {policy},\n  \
             written to `{}` on the control-plane machines.",
            audit::LOG_PATH,
            a.max_age_days,
            a.max_backups,
            a.max_size_mb,
            audit::POLICY_PATH
        );
    }
    if let Some(ps) = r.pod_security.as_ref().filter(|_| capa) {
        let _ = writeln!(
            s,
            "- **Pod Security**: enforce `{}`, audit `{}`, warn `{}` cluster-wide (namespace labels can\n  \
             still change a namespace's levels), except in {}; the admission configuration is\n  \
             `{}`.",
            pod_security::level_name(ps.enforce),
            pod_security::level_name(ps.audit),
            pod_security::level_name(ps.warn),
            ps.exempt_namespaces
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            pod_security::CONFIG_PATH
        );
    }
    if r.policy_engine == PolicyEngine::Kyverno {
        let _ = writeln!(
            s,
            "- **Trusted images**: `addons/policies.yaml` (ClusterPolicy `{}`, Enforce) refuses Pods\n  \
             whose images are outside the allowed sources, once Flux has installed Kyverno (`releases/`). It\n  \
             also admits a registry the cluster's nodes mirror through an allowed mirror host. Images are\n  \
             compared as written: Docker Hub short names (`nginx`) are refused; write `docker.io/library/nginx`.",
            kyverno::POLICY_NAME
        );
    }
    if r.clusters.iter().any(|c| c.route_reflectors.is_some()) {
        let _ = writeln!(
            s,
            "- **Calico route reflectors**: `addons/calico-bgp.yaml` turns off the node-to-node mesh\n  \
             (`{}` BGPConfiguration) and peers every node with the reflectors. Each reflector\n  \
             machine sets its cluster ID on its own Node (the annotation `{}`, Calico's\n  \
             field for it with the Kubernetes datastore) after it joins, with the kubelet's credentials and\n  \
             `kubectl` from the machine image (`kubectl describe node` of a reflector shows it; on an\n  \
             image without `kubectl`, annotate the reflectors by hand). The reflector pool is tainted\n  \
             `route-reflector=true:NoSchedule`; calico-node tolerates every `NoSchedule` taint, so it\n  \
             still runs there. Flux applies `calico-bgp.yaml` with `addons/`, after the releases, which\n  \
             are Ready only on Ready nodes, so only once Calico runs.",
            calico::BGP_CONFIGURATION_NAME,
            calico::CLUSTER_ID_ANNOTATION
        );
    }
    if s.is_empty() {
        return s;
    }
    format!("\n## Hardening\n\n{s}")
}
