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
];

/// The row of a component.
pub fn addon(component: &str) -> Option<&'static Addon> {
    ADDONS.iter().find(|a| a.component == component)
}
