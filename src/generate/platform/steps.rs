//! The tree README's section on the platform layer, the add-ons' Helm values and GitOps: the
//! steps that are commands, not files (which command takes `installation.yaml`, which Secrets
//! must exist where, where Flux's objects are applied).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::installation::DEX_CLIENT_SECRET_ENV;
use crate::blueprint::model::{AcmeSolver, WorkloadIdentity};
use crate::generate::capa;
use crate::naming;
use crate::resolve::Resolved;

/// The section (empty when the blueprint has none of these parts).
pub fn text(r: &Resolved) -> String {
    let mut s = String::new();
    if let Some(m) = r.management_cluster() {
        let _ = writeln!(
            s,
            "\n## The platform layer (`platform/`, on `{}`)\n",
            m.name
        );
        if let Some(oidc) = &r.oidc {
            let _ = writeln!(
                s,
                "- Before installing, create the Secret `{}` with the OIDC client secret under the key `{}`\n  \
                 in namespace `{}`: dex reads it into `${DEX_CLIENT_SECRET_ENV}`; the secret never enters this tree.",
                oidc.client_secret_ref.name,
                oidc.client_secret_ref.key,
                naming::KOMMANDER_NAMESPACE
            );
        }
        if let Some(secret) = r
            .spec
            .kommander
            .as_ref()
            .and_then(|k| k.license_secret_ref.as_ref())
        {
            let (label, value) = super::license::SECRET_LABEL;
            let _ = writeln!(
                s,
                "- Create the Secret `{name}` with the Kommander licence under the key `{key}` in namespace `{ns}`,\n  \
                 labelled `{label}={value}` (`kubectl create secret generic {name} --from-literal={key}=... -n {ns}`,\n  \
                 `kubectl label secret {name} {label}={value} -n {ns}`): `license.yaml` refers to it; the licence never\n  \
                 enters this tree.",
                name = secret.name,
                key = secret.key,
                ns = naming::KOMMANDER_NAMESPACE,
            );
        }
        let _ = writeln!(
            s,
            "- `installation.yaml` is the installer's configuration, not a Kubernetes object:\n  \
             `dkp install kommander --installer-config platform/installation.yaml` on `{}`.",
            m.name
        );
        let mut apps = vec!["cert-manager"];
        if r.dns.is_some() {
            apps.push("external-dns");
        }
        if r.spec.monitoring.is_some() {
            apps.push("kube-prometheus-stack");
        }
        let _ = writeln!(
            s,
            "  Kommander installs {} there, with the values in `installation.yaml`: Flux does not\n  \
             install them on `{}` a second time.",
            apps.join(", "),
            m.name
        );
        if r.dns.is_some() {
            let _ = writeln!(
                s,
                "  Its external-dns is Bitnami's chart {} (Kommander {}), so its values there are in that\n  \
                 chart's form (`provider: aws`, `aws.region`, `zoneIdFilters`), not the kubernetes-sigs form\n  \
                 of the other clusters' `external-dns-values.yaml`.",
                crate::facts::kommander::EXTERNAL_DNS_CHART_VERSION,
                crate::facts::kommander::KOMMANDER_APPLICATIONS_TAG,
            );
        }
        let license = r
            .spec
            .kommander
            .as_ref()
            .is_some_and(|k| k.license_secret_ref.is_some());
        if license && r.spec.workspaces.is_empty() && r.spec.access.is_empty() {
            let _ = writeln!(
                s,
                "- Then `kubectl apply -k platform/` on `{}`: the License object.",
                m.name
            );
        }
        if !r.spec.workspaces.is_empty() || !r.spec.access.is_empty() {
            let _ = writeln!(
                s,
                "- Then `kubectl apply -k platform/` on `{}`: workspaces, virtual groups and role bindings{}.\n  \
                 Kommander creates a workspace's namespace from its Workspace; bindings in that namespace apply\n  \
                 once it exists (apply again, or let Flux retry).",
                m.name,
                if license { ", the License object" } else { "" }
            );
        }
    }
    let cert_manager_irsa = r.acme.is_some()
        && r.acme_solver == AcmeSolver::Dns01Route53
        && r.workload_identity == WorkloadIdentity::Irsa;
    // The values files are on the clusters Flux installs the charts into: not the management
    // cluster, where Kommander's apps read the values in `installation.yaml`.
    let workload_dns = r.dns.is_some() && r.clusters.iter().any(|c| !c.management);
    if workload_dns || r.spec.monitoring.is_some() || cert_manager_irsa {
        let _ = writeln!(
            s,
            "\n## Helm values (`clusters/<cluster>/releases/*-values.yaml`)\n\n\
             Each file is read by exactly one HelmRelease of its folder (through the ConfigMap\n\
             `<cluster>-<component>-values`).\n"
        );
        if workload_dns {
            let identity = match r.workload_identity {
                WorkloadIdentity::Irsa => {
                    "its service account carries the cluster's IRSA role".to_string()
                }
                WorkloadIdentity::NodeRole => {
                    "it uses the nodes' role (workload identity `node-role`)".to_string()
                }
            };
            let _ = writeln!(
                s,
                "- `external-dns-values.yaml`: the kubernetes-sigs external-dns chart, release `external-dns` in\n  \
                 namespace `{}`; {identity}.",
                naming::EXTERNAL_DNS_NAMESPACE
            );
        }
        if r.spec.monitoring.is_some() {
            let _ = writeln!(
                s,
                "- `monitoring-values.yaml`: the kube-prometheus-stack chart."
            );
        }
        if cert_manager_irsa {
            let _ = writeln!(
                s,
                "- `cert-manager-values.yaml`: the cert-manager chart, release `cert-manager` in namespace `{}`;\n  \
                 its service account carries the cluster's IRSA role for the Route 53 DNS-01 solver.",
                naming::CERT_MANAGER_NAMESPACE
            );
        }
    }
    if let Some(flux) = r.gitops.as_ref().and_then(|g| g.flux.as_ref()) {
        let _ = writeln!(s, "\n## GitOps (`gitops/flux/`)\n");
        match r.management_cluster() {
            Some(m) => {
                let _ = writeln!(
                    s,
                    "- Flux runs on `{}`: `kubectl apply -k gitops/flux` there delivers every cluster\n  \
                     (infrastructure, namespaces, releases, add-ons; see Bring-up); workload clusters are\n  \
                     reached through Cluster API's `<cluster>-kubeconfig` Secret.",
                    m.name
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "- Each cluster's own Flux applies its file: `kubectl apply -f gitops/flux/<cluster>.yaml`."
                );
            }
        }
        if let Some(secret) = &flux.secret_ref {
            let namespaces: BTreeSet<String> = r.clusters.iter().map(capa::namespace).collect();
            let list: Vec<String> = namespaces.iter().map(|n| format!("`{n}`")).collect();
            let _ = writeln!(
                s,
                "- Flux's Git credentials: the Secret `{}` in namespace(s) {}.",
                secret.name,
                list.join(", ")
            );
        }
    }
    if r.argocd().is_some() {
        s.push_str(&crate::generate::argocd::readme_section(r));
    }
    s
}
