//! The versions of every add-on platc installs into a cluster: Helm charts (with their
//! repositories), managed add-ons and operators, and the images each one pulls. One table, so
//! moving to a new release is one reviewed edit here; every row names the upstream file its
//! facts come from. The bring-up check refuses a rendered release whose chart or version is
//! not in this table.

/// Who installs a component into a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Installer {
    /// Cluster API's add-on provider for Helm (`HelmChartProxy`), from the management cluster.
    ClusterApiHelm,
    /// A Flux `HelmRelease`.
    Flux,
    /// An Argo CD `Application` of a Helm chart (`gitops.argocd`).
    ArgoCd,
    /// EKS managed add-ons (`AWSManagedControlPlane.spec.addons`).
    EksManaged,
    /// kOps' own add-on settings in its `Cluster` spec.
    Kops,
    /// Kommander's platform applications (the management cluster).
    Kommander,
}

/// One add-on at one pinned version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addon {
    /// platc's name for the component (`cert-manager`, `calico`, ...): the key the bring-up
    /// check uses to find a component installed twice.
    pub component: &'static str,
    /// The Helm repository (`https://...`) or OCI repository (`oci://...`) of the chart; empty
    /// for an add-on that is not a chart (EKS managed add-ons, kOps settings).
    pub repository: &'static str,
    /// The chart's name (or the managed add-on's name).
    pub chart: &'static str,
    /// The pinned version (chart version, or managed add-on version).
    pub version: &'static str,
    /// Every image repository the component runs, as the platform writes it (registry/path,
    /// no tag): checked against `registries.allowedImageSources`.
    pub images: &'static [&'static str],
    /// The upstream file these facts come from (repository, tag, path).
    pub source: &'static str,
}

/// Every add-on platc may install, sorted by component.
pub const ADDONS: &[Addon] = &[
    // Rows are added by the generators that install them; keep the list sorted by component.
    // The cloud-controller-manager of capa clusters (CAAPH). Chart 0.0.11 ships CCM v1.35.0.
    Addon {
        component: "aws-cloud-controller-manager",
        repository: "https://kubernetes.github.io/cloud-provider-aws",
        chart: "aws-cloud-controller-manager",
        version: "0.0.11",
        images: &["registry.k8s.io/provider-aws/cloud-controller-manager"],
        source: "kubernetes/cloud-provider-aws tag helm-chart-aws-cloud-controller-manager-0.0.11: charts/aws-cloud-controller-manager/{Chart,values}.yaml",
    },
    // The EBS CSI driver of capa clusters (CAAPH). Images: the chart's defaults are on
    // public.ecr.aws; platc sets the same images on registry.k8s.io with the tags of
    // upstream's own `deploy/kubernetes/overlays/stable/gcr` overlay at the same tag.
    Addon {
        component: "aws-ebs-csi-driver",
        repository: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
        chart: "aws-ebs-csi-driver",
        version: "2.64.0",
        images: &[
            EBS_CSI_DRIVER_IMAGE,
            EBS_CSI_SIDECARS[0].1,
            EBS_CSI_SIDECARS[1].1,
            EBS_CSI_SIDECARS[2].1,
            EBS_CSI_SIDECARS[3].1,
            EBS_CSI_SIDECARS[4].1,
            EBS_CSI_SIDECARS[5].1,
        ],
        source: "kubernetes-sigs/aws-ebs-csi-driver tag helm-chart-aws-ebs-csi-driver-2.64.0: charts/aws-ebs-csi-driver/{Chart,values}.yaml, deploy/kubernetes/overlays/stable/gcr/kustomization.yaml, README.md (registry.k8s.io image of v1.64.0)",
    },
    // Calico's CRDs (crd.projectcalico.org and operator.tigera.io), a chart of their own
    // since Calico v3.32 (the tigera-operator chart no longer bundles them).
    Addon {
        component: "calico-crds",
        repository: "https://docs.tigera.io/calico/charts",
        chart: "crd.projectcalico.org.v1",
        version: CALICO_VERSION,
        images: &[],
        source: "projectcalico/calico tag v3.32.1: charts/crd.projectcalico.org.v1/{Chart.yaml,README.md}, Makefile (charts are packaged with --version $(GIT_VERSION))",
    },
    Addon {
        component: "cert-manager",
        repository: "https://charts.jetstack.io",
        chart: "cert-manager",
        version: "v1.21.1",
        // The chart builds every image from `imageRegistry` (quay.io) + `imageNamespace`
        // (jetstack) + the component's name; acmesolver runs as the http01 solver's Pods.
        images: &[
            "quay.io/jetstack/cert-manager-acmesolver",
            "quay.io/jetstack/cert-manager-cainjector",
            "quay.io/jetstack/cert-manager-controller",
            "quay.io/jetstack/cert-manager-startupapicheck",
            "quay.io/jetstack/cert-manager-webhook",
        ],
        source: "cert-manager/cert-manager v1.21.1 deploy/charts/cert-manager/values.yaml (imageRegistry, imageNamespace, *.image.name); the Helm repository from cert-manager.io/docs/installation/helm",
    },
    Addon {
        component: "cluster-autoscaler",
        repository: "https://kubernetes.github.io/autoscaler",
        chart: "cluster-autoscaler",
        version: "9.59.0",
        images: &["registry.k8s.io/autoscaling/cluster-autoscaler"],
        source: "kubernetes/autoscaler cluster-autoscaler-chart-9.59.0 cluster-autoscaler/charts/cluster-autoscaler/{Chart.yaml,values.yaml,README.md}",
    },
    Addon {
        component: "external-dns",
        repository: "https://kubernetes-sigs.github.io/external-dns/",
        chart: "external-dns",
        version: "1.21.1",
        images: &["registry.k8s.io/external-dns/external-dns"],
        source: "kubernetes-sigs/external-dns external-dns-helm-chart-1.21.1 charts/external-dns/values.yaml (image.repository)",
    },
    Addon {
        component: "kube-prometheus-stack",
        repository: "https://prometheus-community.github.io/helm-charts",
        chart: "kube-prometheus-stack",
        version: "88.5.3",
        // With the chart's defaults: the operator, its config reloader and the admission
        // webhook's certificate job; Prometheus and Alertmanager; the kube-state-metrics
        // (8.4.0) and prometheus-node-exporter (4.56.1) sub-charts; grafana (12.11.1, from
        // grafana-community) with its dashboard sidecar. Grafana's image exists only on
        // Docker Hub (see `generate::releases::images`).
        images: &[
            "docker.io/grafana/grafana",
            "ghcr.io/jkroepke/kube-webhook-certgen",
            "quay.io/kiwigrid/k8s-sidecar",
            "quay.io/prometheus-operator/prometheus-config-reloader",
            "quay.io/prometheus-operator/prometheus-operator",
            "quay.io/prometheus/alertmanager",
            "quay.io/prometheus/node-exporter",
            "quay.io/prometheus/prometheus",
            "registry.k8s.io/kube-state-metrics/kube-state-metrics",
        ],
        source: "prometheus-community/helm-charts kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack/{Chart.yaml,values.yaml}; kube-state-metrics-8.4.0 and prometheus-node-exporter-4.56.1 values.yaml; grafana-community/helm-charts charts/grafana/values.yaml",
    },
    Addon {
        component: "kyverno",
        repository: "https://kyverno.github.io/kyverno/",
        chart: "kyverno",
        version: "3.9.0",
        // The chart's default registry is reg.kyverno.io; Kyverno's release builds push the
        // same images to ghcr.io/kyverno (its Makefile: `REGISTRY ?= ghcr.io`, `REPO ?=
        // kyverno`), which `global.image.registry` selects when reg.kyverno.io is not an
        // allowed source.
        images: &[
            "ghcr.io/kyverno/background-controller",
            "ghcr.io/kyverno/cleanup-controller",
            "ghcr.io/kyverno/kyverno",
            "ghcr.io/kyverno/kyverno-cli",
            "ghcr.io/kyverno/kyvernopre",
            "ghcr.io/kyverno/readiness-checker",
            "ghcr.io/kyverno/reports-controller",
            "reg.kyverno.io/kyverno/background-controller",
            "reg.kyverno.io/kyverno/cleanup-controller",
            "reg.kyverno.io/kyverno/kyverno",
            "reg.kyverno.io/kyverno/kyverno-cli",
            "reg.kyverno.io/kyverno/kyvernopre",
            "reg.kyverno.io/kyverno/reports-controller",
        ],
        source: "kyverno/kyverno v1.19.0 charts/kyverno/{Chart.yaml,values.yaml,README.md}, Makefile (REGISTRY, REPO)",
    },
    Addon {
        component: "pod-identity-webhook",
        repository: "https://jkroepke.github.io/helm-charts/",
        chart: "amazon-eks-pod-identity-webhook",
        version: "2.6.5",
        // aws/amazon-eks-pod-identity-webhook publishes no chart (its deploy/ manifests need
        // a hand-approved CSR); this community chart takes its serving certificate from
        // cert-manager. Its default image is on public.ecr.aws; kOps v1.36.2 runs the same
        // webhook from Docker Hub (`amazon/amazon-eks-pod-identity-webhook`).
        images: &[
            "docker.io/amazon/amazon-eks-pod-identity-webhook",
            "public.ecr.aws/eks/amazon-eks-pod-identity-webhook",
        ],
        source: "jkroepke/helm-charts amazon-eks-pod-identity-webhook-2.6.5 charts/amazon-eks-pod-identity-webhook/{Chart.yaml,values.yaml}; kubernetes/kops v1.36.2 upup/models/cloudup/resources/addons/eks-pod-identity-webhook.addons.k8s.io/k8s-1.16.yaml.template",
    },
    // Calico through the tigera operator (capa clusters, CAAPH). The operator v1.42.3 pulls
    // the Calico v3.32.1 images from quay.io/calico (its default registry).
    Addon {
        component: "tigera-operator",
        repository: "https://docs.tigera.io/calico/charts",
        chart: "tigera-operator",
        version: CALICO_VERSION,
        images: &[
            "quay.io/tigera/operator",
            "quay.io/calico/cni",
            "quay.io/calico/csi",
            "quay.io/calico/key-cert-provisioner",
            "quay.io/calico/kube-controllers",
            "quay.io/calico/node",
            "quay.io/calico/node-driver-registrar",
            "quay.io/calico/pod2daemon-flexvol",
            "quay.io/calico/typha",
        ],
        source: "projectcalico/calico tag v3.32.1: charts/tigera-operator/values.yaml (tigeraOperator quay.io/tigera/operator v1.42.3); tigera/operator tag v1.42.3: pkg/components/{images,calico}.go, config/calico_versions.yml",
    },
];

/// The Calico release of capa clusters: the version of both Calico charts.
pub const CALICO_VERSION: &str = "v3.32.1";

/// The EBS CSI driver image on registry.k8s.io (aws-ebs-csi-driver `README.md` at the chart's
/// tag lists `registry.k8s.io/provider-aws/aws-ebs-csi-driver:v1.64.0`).
pub const EBS_CSI_DRIVER_IMAGE: &str = "registry.k8s.io/provider-aws/aws-ebs-csi-driver";
/// The chart's appVersion, the driver image's tag.
pub const EBS_CSI_DRIVER_TAG: &str = "v1.64.0";
/// The sidecars: (chart value under `sidecars`, registry.k8s.io repository, tag), from
/// upstream's `deploy/kubernetes/overlays/stable/gcr/kustomization.yaml` at the chart's tag.
pub const EBS_CSI_SIDECARS: [(&str, &str, &str); 6] = [
    (
        "attacher",
        "registry.k8s.io/sig-storage/csi-attacher",
        "v4.12.0",
    ),
    (
        "livenessProbe",
        "registry.k8s.io/sig-storage/livenessprobe",
        "v2.19.0",
    ),
    (
        "nodeDriverRegistrar",
        "registry.k8s.io/sig-storage/csi-node-driver-registrar",
        "v2.17.0",
    ),
    (
        "provisioner",
        "registry.k8s.io/sig-storage/csi-provisioner",
        "v6.3.0",
    ),
    (
        "resizer",
        "registry.k8s.io/sig-storage/csi-resizer",
        "v2.2.1",
    ),
    (
        "snapshotter",
        "registry.k8s.io/sig-storage/csi-snapshotter",
        "v8.6.0",
    ),
];

/// One EKS managed add-on at the version platc pins for one Kubernetes minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksAddon {
    /// The add-on's name in EKS (`aws eks describe-addon-versions --addon-name`).
    pub name: &'static str,
    /// The Kubernetes minor (`1.<minor>`) the version is for; `None`: every minor EKS
    /// supports (AWS publishes one version for all of them).
    pub minor: Option<u32>,
    pub version: &'static str,
    pub source: &'static str,
}

const EKS_USER_GUIDE: &str = "Amazon EKS User Guide";

/// EKS managed add-ons by Kubernetes minor, for the minors platc accepts on eks (1.28 to
/// 1.35, [`super::kubernetes`]). CoreDNS and kube-proxy versions follow the cluster's minor
/// (the user guide's "latest version of the Amazon EKS add-on type for each Kubernetes
/// version" tables, each minor from the newest snapshot that lists it); the VPC CNI and the
/// EBS CSI driver publish one version for every supported minor.
pub const EKS_ADDONS: &[EksAddon] = &[
    EksAddon {
        name: "aws-ebs-csi-driver",
        minor: None,
        version: "v1.66.0-eksbuild.1",
        source: "EKS DescribeAddonVersions defaultVersion as quoted in mitodl/ol-infrastructure#5959 (2026-09-21); driver v1.66.0 (kubernetes-sigs/aws-ebs-csi-driver)",
    },
    EksAddon {
        name: "coredns",
        minor: Some(28),
        version: "v1.10.1-eksbuild.38",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(29),
        version: "v1.11.4-eksbuild.24",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(30),
        version: "v1.11.4-eksbuild.33",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(31),
        version: "v1.11.4-eksbuild.33",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(32),
        version: "v1.11.4-eksbuild.33",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(33),
        version: "v1.13.2-eksbuild.4",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(34),
        version: "v1.13.2-eksbuild.4",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "coredns",
        minor: Some(35),
        version: "v1.13.2-eksbuild.4",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(28),
        version: "v1.28.15-eksbuild.31",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(29),
        version: "v1.29.15-eksbuild.16",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(30),
        version: "v1.30.14-eksbuild.28",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(31),
        version: "v1.31.14-eksbuild.9",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(32),
        version: "v1.32.13-eksbuild.5",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(33),
        version: "v1.33.10-eksbuild.2",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(34),
        version: "v1.34.6-eksbuild.2",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "kube-proxy",
        minor: Some(35),
        version: "v1.35.3-eksbuild.2",
        source: EKS_USER_GUIDE,
    },
    EksAddon {
        name: "vpc-cni",
        minor: None,
        version: "v1.22.3-eksbuild.1",
        source: "EKS DescribeAddonVersions as quoted in ministryofjustice/cloud-platform-infrastructure#4678 (2026-07-08); the user guide lists one VPC CNI version for every minor",
    },
];

/// The EKS managed add-ons every eks cluster gets, in the order they are written.
pub const EKS_ADDON_NAMES: [&str; 4] = ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"];

/// The version of EKS add-on `name` for Kubernetes minor `minor`, when platc pins one.
pub fn eks_addon_version(name: &str, minor: u32) -> Option<&'static str> {
    EKS_ADDONS
        .iter()
        .find(|a| a.name == name && a.minor.is_none_or(|m| m == minor))
        .map(|a| a.version)
}

/// Whether `version` of `component` is pinned here: a chart row of [`ADDONS`] or an EKS
/// add-on of [`EKS_ADDONS`] (for any minor). The bring-up check's "every version is in the
/// facts table".
pub fn is_pinned(component: &str, version: &str) -> bool {
    ADDONS
        .iter()
        .any(|a| a.component == component && a.version == version)
        || EKS_ADDONS
            .iter()
            .any(|a| a.name == component && a.version == version)
}

/// The row of a component.
pub fn addon(component: &str) -> Option<&'static Addon> {
    ADDONS.iter().find(|a| a.component == component)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_sourced() {
        let names: Vec<&str> = ADDONS.iter().map(|a| a.component).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted, "ADDONS must stay sorted by component");
        for a in ADDONS {
            assert!(
                !a.source.is_empty() && !a.version.is_empty(),
                "{}",
                a.component
            );
        }
        let eks: Vec<(&str, Option<u32>)> = EKS_ADDONS.iter().map(|a| (a.name, a.minor)).collect();
        let mut sorted = eks.clone();
        sorted.sort_unstable();
        assert_eq!(eks, sorted, "EKS_ADDONS must stay sorted by name and minor");
    }

    #[test]
    fn every_accepted_eks_minor_has_every_addon() {
        let eks = crate::facts::kubernetes::support(crate::blueprint::model::Provider::Eks);
        for minor in eks.accepted_min..=eks.supported.max {
            for name in EKS_ADDON_NAMES {
                let v = eks_addon_version(name, minor);
                assert!(v.is_some(), "no {name} version for Kubernetes 1.{minor}");
                assert!(is_pinned(name, v.unwrap()));
            }
        }
        assert_eq!(eks_addon_version("coredns", 27), None);
        assert!(!is_pinned("tigera-operator", "v3.31.0"));
    }
}
