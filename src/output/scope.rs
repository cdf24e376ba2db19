//! Which files of the rendered tree belong to one cluster: what `platc render --cluster NAME`
//! renders and prunes, and what `platc build --cluster NAME` prints. This module owns the
//! rule; `plan` applies it.
//!
//! A cluster's files are decided by their path alone, because pruning has to decide for
//! paths the tree no longer has (a removed node pool's file is listed only in the manifest):
//! - everything under `clusters/<c>/` (its infrastructure, add-ons, namespaces, releases and
//!   their Helm values, and the kustomizations of those folders);
//! - `gitops/<engine>/<c>.yaml` and everything under `gitops/<engine>/<c>/`: the cluster's
//!   GitOps entry (Flux's GitRepository and Kustomizations, `naming::flux_path`) and the
//!   engine's files for that cluster alone (Argo CD's Applications of one cluster, should
//!   the engine keep them in a folder per cluster);
//! - `iam/cloudformation/irsa-<c>.yaml` and `iam/terraform/irsa-<c>.tf`: the cluster's
//!   workload identity (`naming::irsa_template_path`, `iam::terraform::cluster_file`).
//!
//! Everything else is platform-wide, even when its content depends on the cluster: the tree's
//! README, `.gitattributes`, `platform/` (Kommander's installation runs on the management
//! cluster but configures the platform), the folder kustomizations that list every cluster
//! (`gitops/flux/kustomization.yaml`), the IAM shared by clusters (clusterawsadm's
//! configuration, the Route 53 policies, Terraform's `main.tf` and its backend). A scoped
//! render leaves those files, and their manifest entries, exactly as they are; `platc check`
//! names the ones that are out of date.

use std::collections::BTreeSet;

/// The clusters a command is narrowed to (`--cluster`, repeatable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    clusters: BTreeSet<String>,
}

impl Scope {
    pub fn new(clusters: impl IntoIterator<Item = impl Into<String>>) -> Scope {
        Scope {
            clusters: clusters.into_iter().map(Into::into).collect(),
        }
    }

    /// The clusters, in name order.
    pub fn clusters(&self) -> impl Iterator<Item = &str> {
        self.clusters.iter().map(String::as_str)
    }

    /// True when `path` (relative to the output folder) is a file of one of the clusters.
    pub fn contains(&self, path: &str) -> bool {
        cluster_of(path).is_some_and(|c| self.clusters.contains(c))
    }

    /// `a`, `a and b`, `a, b and c`: for messages.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.clusters().collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// The cluster a path of the rendered tree belongs to, or `None` for a platform-wide file
/// (see the module's documentation for the rule). A name that is no cluster of the
/// blueprint (`gitops/argocd/argocd-cm.yaml`) makes the file platform-wide: a scope holds
/// only the blueprint's clusters, and a cluster of that name would collide with the file.
pub fn cluster_of(path: &str) -> Option<&str> {
    let steps: Vec<&str> = path.split('/').collect();
    let cluster = match steps.as_slice() {
        ["clusters", c, _, ..] => Some(*c),
        // The engine's kustomization lists every cluster: never one cluster's (a cluster
        // named `kustomization` would collide with it: two generators, one path).
        ["gitops", _engine, "kustomization.yaml"] => None,
        ["gitops", _engine, file] => file.strip_suffix(".yaml"),
        ["gitops", _engine, c, _, ..] => Some(*c),
        ["iam", "cloudformation", file] => file
            .strip_prefix("irsa-")
            .and_then(|f| f.strip_suffix(".yaml")),
        ["iam", "terraform", file] => file
            .strip_prefix("irsa-")
            .and_then(|f| f.strip_suffix(".tf")),
        _ => None,
    }?;
    (!cluster.is_empty()).then_some(cluster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming;

    #[test]
    fn a_clusters_files_by_path() {
        let prod = Scope::new(["prod-west"]);
        for p in [
            "clusters/prod-west/kustomization.yaml",
            "clusters/prod-west/infrastructure/nodepool-gpu.yaml",
            "clusters/prod-west/releases/monitoring-values.yaml",
            "gitops/flux/prod-west.yaml",
            "gitops/argocd/prod-west.yaml",
            "gitops/argocd/prod-west/applications.yaml",
            "gitops/argocd/prod-west/kustomization.yaml",
            "iam/cloudformation/irsa-prod-west.yaml",
            "iam/terraform/irsa-prod-west.tf",
        ] {
            assert!(prod.contains(p), "{p}");
        }
        for p in [
            "README.md",
            ".gitattributes",
            "clusters/prod",
            "clusters/prod-west-2/kustomization.yaml",
            "clusters/west/kustomization.yaml",
            "gitops/flux/kustomization.yaml",
            "gitops/flux/west.yaml",
            "gitops/argocd/west/applications.yaml",
            "gitops/argocd/argocd-cm.yaml",
            "gitops/argocd/kustomization.yaml",
            "iam/cloudformation/irsa-west.yaml",
            "iam/cloudformation/route53-external-dns.yaml",
            "iam/clusterawsadm/iam-config.yaml",
            "iam/terraform/main.tf",
            "iam/terraform/route53-cert-manager.tf",
            "platform/installation.yaml",
            "platform/kustomization.yaml",
        ] {
            assert!(!prod.contains(p), "{p}");
        }
        assert_eq!(cluster_of("gitops/flux/kustomization.yaml"), None);
        // The rule, against the naming functions the generators use.
        assert_eq!(cluster_of(&naming::flux_path("a-b")), Some("a-b"));
        assert_eq!(cluster_of(&naming::irsa_template_path("a-b")), Some("a-b"));
        assert_eq!(cluster_of(&naming::node_pool_path("a-b", "p")), Some("a-b"));
        assert_eq!(cluster_of("iam/terraform/irsa-a.tf"), Some("a"));
        assert_eq!(
            naming::terraform_path(&crate::generate::iam::terraform::cluster_file("a")),
            "iam/terraform/irsa-a.tf"
        );
    }

    #[test]
    fn names_for_messages() {
        assert_eq!(Scope::new(["a"]).names(), "a");
        assert_eq!(Scope::new(["b", "a"]).names(), "a and b");
        assert_eq!(Scope::new(["c", "a", "b"]).names(), "a, b and c");
    }
}
