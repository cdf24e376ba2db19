//! The rendered README's sections about eks and kops clusters: how their files are used, the
//! steps that are not files, and every platform-wide setting a cluster's provider does not
//! apply ([`crate::provider_limits`], which the checker also warns about). Empty for a
//! platform of capa clusters only.

use std::fmt::Write as _;

use crate::blueprint::model::Provider;
use crate::facts::kops::{API_SERVER_ASSET_DIR, AUDIT_LOG_PATH, KOPS_VERSION};
use crate::naming;
use crate::provider_limits::{self, provider_name};
use crate::resolve::{Resolved, ServiceAccountIssuer};

pub fn section(r: &Resolved) -> String {
    let mut s = String::new();
    let eks = r.clusters_of(Provider::Eks);
    let kops = r.clusters_of(Provider::Kops);
    if !eks.is_empty() {
        heading(&mut s, "EKS clusters");
        let names: Vec<String> = eks.iter().map(|c| format!("`{}`", c.name)).collect();
        let _ = writeln!(
            s,
            "{} {} created by CAPA's EKS support on the management cluster from\n\
             `clusters/<cluster>/infrastructure/`: an `AWSManagedControlPlane` (EKS runs and upgrades the\n\
             control plane; it keeps the minor version of `kubernetesVersion`) and one EKS managed node\n\
             group per node pool (Amazon Linux 2023 nodes, labels and taints set by EKS).\n",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" }
        );
        let _ = writeln!(
            s,
            "1. CAPA must run with EKS support (its `EKS` feature gate, on by default) and the EKS IAM roles\n   \
             that `clusterawsadm bootstrap iam create-cloudformation-stack` creates when its configuration\n   \
             enables EKS.\n\
             2. The cluster's name in AWS is the blueprint's: `aws eks update-kubeconfig --name <cluster>`."
        );
    }
    if !kops.is_empty() {
        heading(&mut s, "kops clusters");
        let _ = writeln!(
            s,
            "The files in `clusters/<cluster>/infrastructure/` of a kops cluster are kOps' input, written for\n\
             kOps {KOPS_VERSION}: the `Cluster`, its control-plane InstanceGroups (`control-plane.yaml`) and one\n\
             InstanceGroup per node pool. They are not Kubernetes API objects, so that folder has no\n\
             `kustomization.yaml` and the cluster's kustomization lists only its add-ons. Apply them with kOps:\n"
        );
        for c in &kops {
            let name = naming::kops_cluster_name(&c.name, &r.domain);
            let state = c.kops_state_store.as_deref().unwrap_or_default();
            let dir = format!("{}/infrastructure", naming::cluster_dir(&c.name));
            let mut files = vec![
                format!("{dir}/cluster.yaml"),
                format!("{dir}/{}", super::kops::CONTROL_PLANE_FILE),
            ];
            files.extend(
                c.node_pools
                    .iter()
                    .map(|p| format!("{dir}/nodepool-{}.yaml", p.name)),
            );
            let flags: Vec<String> = files.iter().map(|f| format!("-f {f}")).collect();
            let _ = writeln!(
                s,
                "```sh\nkops replace --state {state} --force \\\n  {}\nkops update cluster --state {state} --name {name} --yes\nkops rolling-update cluster --state {state} --name {name} --yes\n```\n",
                flags.join(" \\\n  ")
            );
        }
        // Flux on the management cluster reaches a workload cluster through the kubeconfig
        // Secret Cluster API keeps for it; nothing creates one for a kops cluster.
        if r.argocd().is_some() && r.management_cluster().is_some() {
            for c in &kops {
                let _ = writeln!(
                    s,
                    "Argo CD reaches the cluster (`{dir}/namespaces`, `{dir}/addons` and the Applications of\n\
                     `{dir}/releases`) by the name `{cluster}` it is registered under: once the cluster is up,\n\
                     `argocd cluster add` with a kubeconfig from `kops export kubecfg --admin` (Steps that are not\n\
                     files); the ServiceAccount token it registers does not expire with those admin credentials\n\
                     (argo-cd v3.5.1 docs/operator-manual/security.md: a non-expiring token Secret).\n",
                    dir = naming::cluster_dir(&c.name),
                    cluster = c.name,
                );
            }
        }
        if r.gitops.as_ref().is_some_and(|g| g.flux.is_some()) {
            for c in &kops {
                let _ = writeln!(
                    s,
                    "Flux reaches the cluster (`{dir}/namespaces`, `{dir}/addons` and the HelmReleases of\n\
                     `{dir}/releases`) through the Secret `{secret}` (key `value`) in namespace\n\
                     `{ns}` of the management cluster, which Cluster API creates for capa and eks clusters\n\
                     but nothing creates for kops: once the cluster is up, `kops export kubecfg --admin=8760h\n\
                     --name {name} --kubeconfig {cluster}.kubeconfig` and `kubectl -n {ns} create secret generic\n\
                     {secret} --from-file=value={cluster}.kubeconfig` (renew it before these admin credentials\n\
                     expire).\n",
                    dir = naming::cluster_dir(&c.name),
                    secret = naming::kubeconfig_secret_name(&c.name),
                    ns = super::capa::namespace(c),
                    name = naming::kops_cluster_name(&c.name, &r.domain),
                    cluster = c.name,
                );
            }
        }
        let _ = writeln!(
            s,
            "kOps installs what the nodes and the platform's certificates need itself, from the `Cluster`:\n\
             Calico (`networking.calico`), the AWS cloud-controller-manager (`cloudControllerManager`), the\n\
             EBS CSI driver (`cloudConfig.awsEBSCSIDriver`) with its default StorageClass `kops-csi-1-21`\n\
             (encrypted `gp3`, `cloudConfig.manageStorageClasses`), cert-manager (`certManager`, in\n\
             `kube-system`) and, where a pool autoscales, the cluster autoscaler (`clusterAutoscaler`)\n\
             between its InstanceGroups' `minSize` and `maxSize`. Flux installs none of these on kops.\n"
        );
        let mirrors = r
            .spec
            .registries
            .as_ref()
            .is_some_and(|reg| !reg.mirrors.is_empty());
        if r.audit.is_some() || r.pod_security.is_some() || mirrors {
            let _ = writeln!(
                s,
                "Hardening on kops clusters is kOps' own: registry mirrors are `containerd.registryMirrors`,\n\
                 the audit log is `{}`, and the audit policy and the admission configuration are\n\
                 file assets in `{}/` on the control-plane machines.\n",
                AUDIT_LOG_PATH, API_SERVER_ASSET_DIR
            );
        }
        let kops_irsa = r.clusters.iter().any(|c| {
            c.provider == Provider::Kops
                && matches!(c.issuer, Some(ServiceAccountIssuer::Kops { .. }))
        });
        if kops_irsa {
            let _ = writeln!(
                s,
                "With IRSA, kOps publishes each cluster's service-account issuer into the cluster's discovery\n\
                 bucket, which `iam/` creates (apply it before `kops create`), and creates the IAM OIDC\n\
                 provider and one role per service account of `iam.serviceAccountExternalPermissions`. kOps\n\
                 also installs its pod identity webhook, which gives those pods their roles, and the\n\
                 cert-manager it needs (its `podIdentityWebhook` and `certManager` settings); Flux installs\n\
                 external-dns once the cluster is up, so its Pods start with their role.\n"
            );
        }
    }
    let limits = provider_limits::limits(&r.spec);
    if !limits.is_empty() {
        heading(&mut s, "What a provider does not apply");
        let _ = writeln!(
            s,
            "These settings of the blueprint are not applied to the clusters named (`platc validate` warns\n\
             about each):\n"
        );
        for l in &limits {
            let _ = writeln!(
                s,
                "- `{}` ({}): `{}`: {}. Instead: {}.",
                l.cluster,
                provider_name(l.provider),
                l.path,
                l.what,
                l.instead
            );
        }
    }
    s
}

/// A `##` heading with exactly one blank line before it (sections end with or without one).
fn heading(s: &mut String, title: &str) {
    while s.ends_with("\n\n") {
        s.pop();
    }
    let _ = writeln!(s, "\n## {title}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(text: &str) -> Resolved {
        let loaded = crate::blueprint::load::load("t.yaml", text.as_bytes()).expect("loads");
        crate::resolve::resolve(&loaded.blueprint, "t.yaml")
    }

    #[test]
    fn the_readme_lists_every_limit_and_the_kops_steps() {
        let r = resolved(include_str!("../../tests/data/reference/reference.yaml"));
        let text = section(&r);
        for line in [
            "- `sandbox-eks` (eks): `spec.registries.mirrors`:",
            "- `sandbox-eks` (eks): `spec.security.podSecurity`:",
            "- `sandbox-eks` (eks): `spec.security.auditLog`:",
            "- `legacy-kops` (kops): `spec.registries.mirrors[0].credentialsRef`:",
            "the audit log is `/var/log/kube-apiserver-audit.log`",
            "kops replace --state s3://demo-kops-state --force",
            "-f clusters/legacy-kops/infrastructure/nodepool-databases.yaml",
            "kops update cluster --state s3://demo-kops-state --name legacy-kops.demo.example.cloud --yes",
            "bucket, which `iam/` creates (apply it before `kops create`)",
            "## EKS clusters",
        ] {
            assert!(text.contains(line), "README lacks {line:?}:\n{text}");
        }
        assert_eq!(
            provider_limits::limits(&r.spec).len(),
            text.matches("\n- `").count(),
            "one README line per limit"
        );
    }

    #[test]
    fn capa_only_platforms_get_no_provider_sections() {
        let r = resolved(include_str!("../../blueprints/minimal-capa.yaml"));
        assert_eq!(section(&r), "");
    }
}
