//! Which component installs the CustomResourceDefinitions of an API group, which groups are
//! built into Kubernetes, and which exist before anything platc renders is applied (Cluster
//! API, Flux, Kommander on the cluster that hosts them). The bring-up check reads these tables
//! to know, for every custom resource in the tree, what must run before it is applied.
//!
//! Component names are those of `facts::addons::ADDONS` rows (and of the
//! `platc.io/component` label). Each row names the upstream file the CRDs are defined in.

/// A group whose CRDs one of the platform's components installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrdGroup {
    pub group: &'static str,
    /// The components any one of which installs the group's CRDs.
    pub components: &'static [&'static str],
    /// The upstream file (repository, tag, path) that defines the CRDs in that component.
    pub source: &'static str,
}

/// platc's component names used below (the `component` of their `ADDONS` rows).
pub const CERT_MANAGER: &str = "cert-manager";
/// Calico's CRD chart (`crd.projectcalico.org.v1`), installed before the tigera operator.
pub const CALICO_CRDS: &str = "calico-crds";
pub const TIGERA_OPERATOR: &str = "tigera-operator";
/// kOps' Calico (`networking.calico`: kOps' own manifest, CRDs included); no facts row,
/// kOps pins it.
pub const KOPS_CALICO: &str = "calico";
pub const KYVERNO: &str = "kyverno";
pub const KUBE_PROMETHEUS_STACK: &str = "kube-prometheus-stack";

/// Every group a platform component installs, sorted by group.
pub const CRD_GROUPS: &[CrdGroup] = &[
    CrdGroup {
        group: "acme.cert-manager.io",
        components: &[CERT_MANAGER],
        source: "cert-manager/cert-manager v1.21.1 deploy/crds/acme.cert-manager.io_challenges.yaml \
                 (the chart installs deploy/crds with `crds.enabled`)",
    },
    CrdGroup {
        group: "cert-manager.io",
        components: &[CERT_MANAGER],
        source: "cert-manager/cert-manager v1.21.1 deploy/crds/cert-manager.io_clusterissuers.yaml; \
                 kOps' `certManager` addon installs the same CRDs (kubernetes/kops \
                 upup/models/cloudup/resources/addons/certmanager.io/k8s-1.16.yaml.template)",
    },
    CrdGroup {
        // Calico v3.32 ships the v1 CRDs in the chart `crd.projectcalico.org.v1`, "required
        // for the tigera-operator helm chart"; kOps' `networking.calico` manifest carries them.
        group: "crd.projectcalico.org",
        components: &[CALICO_CRDS, KOPS_CALICO],
        source: "projectcalico/calico v3.32.1 charts/crd.projectcalico.org.v1/README.md, \
                 libcalico-go/config/crd/crd.projectcalico.org_bgpconfigurations.yaml",
    },
    CrdGroup {
        group: "kyverno.io",
        components: &[KYVERNO],
        source: "kyverno/kyverno v1.19.0 charts/kyverno/charts/crds/templates/kyverno.io/\
                 kyverno.io_clusterpolicies.yaml",
    },
    CrdGroup {
        group: "monitoring.coreos.com",
        components: &[KUBE_PROMETHEUS_STACK],
        source: "prometheus-community/helm-charts charts/kube-prometheus-stack/charts/crds/crds/\
                 crd-servicemonitors.yaml",
    },
    CrdGroup {
        group: "operator.tigera.io",
        components: &[CALICO_CRDS, TIGERA_OPERATOR],
        source: "projectcalico/calico v3.32.1 charts/crd.projectcalico.org.v1/templates/\
                 operator.tigera.io_installations.yaml, charts/tigera-operator/crds/\
                 operator.tigera.io_installations.yaml",
    },
    CrdGroup {
        group: "policies.kyverno.io",
        components: &[KYVERNO],
        source: "kyverno/kyverno v1.19.0 charts/kyverno/charts/crds/templates/policies.kyverno.io/",
    },
    CrdGroup {
        group: "reports.kyverno.io",
        components: &[KYVERNO],
        source: "kyverno/kyverno v1.19.0 charts/kyverno/charts/crds/templates/reports.kyverno.io/",
    },
    CrdGroup {
        group: "wgpolicyk8s.io",
        components: &[KYVERNO],
        source: "kyverno/kyverno v1.19.0 charts/kyverno/charts/crds/templates/wgpolicyk8s.io/",
    },
];

/// The row of `group`.
pub fn crd_group(group: &str) -> Option<&'static CrdGroup> {
    CRD_GROUPS.iter().find(|g| g.group == group)
}

/// The API groups served by the Kubernetes API server itself (kubernetes/api, the packages
/// under its root: `core` is the empty group). Objects of these groups need no installer.
pub const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Groups whose CRDs are on the cluster that hosts the rendered tree's Cluster API and Flux
/// objects (the management cluster, or a cluster's own Flux without one) before anything is
/// applied: the README's steps install them (`clusterctl init` with CAPA and the Helm add-on
/// provider, Flux's controllers, Kommander on the management cluster).
pub const PREREQUISITE_GROUPS: &[(&str, &str)] = &[
    // kubernetes-sigs/cluster-api v1.14.0 config/crd/bases; CAPA v2.11.1 config/crd/bases.
    ("cluster.x-k8s.io", "clusterctl init"),
    ("bootstrap.cluster.x-k8s.io", "clusterctl init"),
    ("controlplane.cluster.x-k8s.io", "clusterctl init"),
    (
        "infrastructure.cluster.x-k8s.io",
        "clusterctl init --infrastructure aws",
    ),
    // kubernetes-sigs/cluster-api-addon-provider-helm v0.6.4 config/crd/bases
    // addons.cluster.x-k8s.io_helmchartproxies.yaml (and ClusterResourceSet, core CAPI).
    ("addons.cluster.x-k8s.io", "clusterctl init --addon helm"),
    // fluxcd/source-controller v1.9.1, kustomize-controller v1.9.4, helm-controller v1.6.3.
    ("source.toolkit.fluxcd.io", "Flux's controllers"),
    ("kustomize.toolkit.fluxcd.io", "Flux's controllers"),
    ("helm.toolkit.fluxcd.io", "Flux's controllers"),
    ("argoproj.io", "Argo CD's install"),
    // Kommander's own API groups (schema/platc/kommander.md).
    ("kommander.mesosphere.io", "Kommander"),
    ("workspaces.kommander.mesosphere.io", "Kommander"),
    ("config.kommander.mesosphere.io", "Kommander"),
];

/// Whether objects of `group` need no installer on the cluster that hosts Cluster API and
/// Flux.
pub fn is_prerequisite(group: &str) -> bool {
    PREREQUISITE_GROUPS.iter().any(|(g, _)| *g == group)
}

pub fn is_built_in(group: &str) -> bool {
    BUILT_IN_GROUPS.contains(&group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_disjoint() {
        let groups: Vec<&str> = CRD_GROUPS.iter().map(|g| g.group).collect();
        let mut sorted = groups.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(groups, sorted, "CRD_GROUPS must be sorted, each group once");
        for g in &groups {
            assert!(
                !is_built_in(g) && !is_prerequisite(g),
                "{g} is in two tables"
            );
        }
        for (g, _) in PREREQUISITE_GROUPS {
            assert!(!is_built_in(g), "{g} is in two tables");
        }
    }
}
