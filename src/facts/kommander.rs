//! The Kommander (DKP / NKP) release the platform layer targets, and the facts of that release
//! that `platform/installation.yaml` depends on: the platform applications it knows, with the
//! rule that enables each from the blueprint, and the chart behind its external-dns app. One
//! place, so moving to a new Kommander release is one reviewed edit here.
//!
//! Source of every row: mesosphere/kommander-applications at tag [`KOMMANDER_APPLICATIONS_TAG`]
//! (commit [`KOMMANDER_APPLICATIONS_COMMIT`]), the repository whose `applications/<app>/<version>/`
//! folders Kommander's installer deploys: each app's `metadata.yaml` (`type`, `scope`,
//! `licensing`) and the defaults of the `kommander` app
//! (`applications/kommander/0.17.1/helmrelease/cm.yaml`: `managementApps`, the licensing
//! controller's `defaultProApps` / `defaultEnterpriseApps`). The DKP CLI that prints
//! `dkp install kommander --init` is not public; its output lists the same app names with
//! `enabled: true|false`.

/// The kommander-applications release (= the DKP/NKP release) the Installation is written for.
pub const KOMMANDER_APPLICATIONS_TAG: &str = "v2.17.1";
pub const KOMMANDER_APPLICATIONS_COMMIT: &str = "64c03972c7c5b12689a731cff4ba140a3c3b8e7f";

/// The chart Kommander's external-dns app installs at that release:
/// `applications/external-dns/9.0.3/helmrelease/external-dns.yaml` points an OCIRepository at
/// `oci://ghcr.io/mesosphere/charts/external-dns` tag `9.0.3`, Mesosphere's copy of the
/// Bitnami chart (commit 3db5feb11 of kommander-applications moved the same chart versions from
/// `oci://docker.io/bitnamicharts/external-dns` to that copy; the app's defaults,
/// `helmrelease/cm.yaml`, set Bitnami-only keys such as `global.security.allowInsecureImages`
/// and `image.registry`). The chart's values at that version: bitnami/charts
/// `bitnami/external-dns/{values.yaml,templates/deployment.yaml}` at commit
/// [`EXTERNAL_DNS_CHART_COMMIT`] (Chart.yaml `version: 9.0.3`), which ships no values schema.
pub const EXTERNAL_DNS_CHART: &str = "oci://ghcr.io/mesosphere/charts/external-dns";
pub const EXTERNAL_DNS_CHART_VERSION: &str = "9.0.3";
pub const EXTERNAL_DNS_CHART_COMMIT: &str = "3260dbca771ef1979e4e950a9abbf5ce8f4e2ba2";

/// When platc enables an app in the Installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enabled {
    /// Always: Kommander's own components that the management cluster runs (`type: internal`
    /// and licensed from the Starter tier up: the kommander core of `managementApps` (with
    /// nkp-pulse-management), and the
    /// SSO chain dex, dex-k8s-authenticator, kube-oidc-proxy, traefik-forward-auth-mgmt), the
    /// apps Kommander's installer bootstraps (`applications/<app>/bootstrap/`), and the
    /// prerequisites the `kommander` app names for every cluster it manages
    /// (`attached.prerequisites.defaultApps`) that are licensed from the Starter tier and have
    /// no blueprint switch: traefik (whose `kommander-traefik` class serves the UI and
    /// http01), gateway-api-crds, reloader, kommander-flux. The Pro and higher prerequisites
    /// (kubernetes-dashboard, opencost, ...) are left to the user.
    Always,
    /// With `spec.dns`: platc configures the app from the blueprint.
    Dns,
    /// With `spec.monitoring`: platc configures the app from the blueprint.
    Monitoring,
    /// Never by platc: optional catalog apps (`type: nkp-core-platform` that the blueprint has
    /// no field for), apps of a licence tier above Starter, and the workspace-side variants of
    /// management apps. Listed with `enabled: false`, as `--init` lists them.
    Never,
}

/// One platform application of the targeted release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct App {
    /// The app's name (its folder under `applications/`), the key under `apps:`.
    pub name: &'static str,
    /// The version folder at the targeted tag.
    pub version: &'static str,
    pub enabled: Enabled,
}

const fn app(name: &'static str, version: &'static str, enabled: Enabled) -> App {
    App {
        name,
        version,
        enabled,
    }
}

/// Every app of `applications/` at [`KOMMANDER_APPLICATIONS_TAG`] whose metadata `scope` is
/// `workspace` (what an Installation configures on the management cluster), sorted by name.
/// Left out: `project-grafana-logging`, `project-grafana-loki`, `project-logging`
/// (`scope: project`: deployed into projects, not named by the Installation).
pub const APPS: &[App] = &[
    app("ai-navigator-app", "0.5.2", Enabled::Never),
    app("ai-navigator-cluster-info-agent", "0.4.2", Enabled::Never),
    app("ai-navigator-rag", "0.7.14", Enabled::Never),
    // Ultimate/Enterprise tier (`defaultEnterpriseApps`).
    app("centralized-grafana", "78.4.0", Enabled::Never),
    app("centralized-opencost", "2.4.0", Enabled::Never),
    // Bootstrapped by the installer (`applications/cert-manager/bootstrap/`).
    app("cert-manager", "1.18.2", Enabled::Always),
    app("cilium-hubble-relay-traefik", "0.0.5", Enabled::Never),
    app("cloudnative-pg", "0.26.1", Enabled::Never),
    app("cosi-driver-nutanix", "0.6.1", Enabled::Never),
    app("dex", "2.14.4", Enabled::Always),
    app("dex-k8s-authenticator", "1.4.7", Enabled::Always),
    app("external-dns", "9.0.3", Enabled::Dns),
    app("external-secrets", "0.20.2", Enabled::Never),
    app("fluent-bit", "0.54.0", Enabled::Never),
    // Bootstrapped by the installer (`applications/gatekeeper/bootstrap/`).
    app("gatekeeper", "3.20.1", Enabled::Always),
    // `attached.prerequisites.defaultApps` of the kommander app, with traefik.
    app("gateway-api-crds", "1.11.1", Enabled::Always),
    app("git-operator", "0.13.12", Enabled::Always),
    app("grafana-logging", "10.1.2", Enabled::Never),
    app("grafana-loki", "0.80.5", Enabled::Never),
    app("harbor", "1.18.0", Enabled::Never),
    app("istio", "1.23.5", Enabled::Never),
    app("istio-helm", "1.23.6", Enabled::Never),
    app("jaeger", "2.57.3", Enabled::Never),
    app("karma", "2.0.9", Enabled::Never),
    app("karma-traefik", "0.0.4", Enabled::Never),
    app("kiali", "2.18.0", Enabled::Never),
    app("knative", "1.19.5", Enabled::Never),
    app("kommander", "0.17.1", Enabled::Always),
    app("kommander-appmanagement", "0.17.1", Enabled::Always),
    app("kommander-flux", "2.7.2", Enabled::Always),
    app("kommander-ui", "17.166.5", Enabled::Always),
    app("kube-oidc-proxy", "0.3.7", Enabled::Always),
    app("kube-prometheus-stack", "78.4.0", Enabled::Monitoring),
    app("kubefed", "0.11.3", Enabled::Always),
    app("kubernetes-dashboard", "7.14.0", Enabled::Never),
    app("kubetunnel", "0.0.41", Enabled::Never),
    app("logging-operator", "6.0.3", Enabled::Never),
    app("nkp-insights", "1.7.3", Enabled::Never),
    app("nkp-insights-management", "1.7.3", Enabled::Never),
    app("nkp-pulse-management", "0.3.0", Enabled::Always),
    // Deployed by nkp-pulse-management itself (its defaults' `workspaceApp`).
    app("nkp-pulse-workspace", "0.3.0", Enabled::Never),
    app("nvidia-gpu-operator", "25.10.0", Enabled::Never),
    app("opencost", "2.4.0", Enabled::Never),
    // Reads the Prometheus that kube-prometheus-stack runs.
    app("prometheus-adapter", "5.2.0", Enabled::Monitoring),
    app("prometheus-thanos-traefik", "0.0.4", Enabled::Never),
    app("reloader", "2.2.5", Enabled::Always),
    app("rook-ceph", "1.18.6", Enabled::Never),
    app("rook-ceph-cluster", "1.18.6", Enabled::Never),
    app("thanos", "17.3.1", Enabled::Never),
    app("traefik", "37.1.2", Enabled::Always),
    // The management cluster runs the `-mgmt` variant (`managementApps`).
    app("traefik-forward-auth", "0.3.16", Enabled::Never),
    app("traefik-forward-auth-mgmt", "0.3.16", Enabled::Always),
    app("velero", "11.1.1", Enabled::Never),
    app("vgpu-token-operator", "1.0.8", Enabled::Never),
];

/// The app named `name`, if the targeted release has it.
pub fn app_named(name: &str) -> Option<&'static App> {
    APPS.iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apps_are_sorted_unique_and_name_what_the_installation_configures() {
        assert!(APPS.windows(2).all(|w| w[0].name < w[1].name));
        for name in [
            "kommander",
            "dex",
            "traefik",
            "external-dns",
            "cert-manager",
            "kube-prometheus-stack",
            "kube-oidc-proxy",
            "dex-k8s-authenticator",
            "traefik-forward-auth-mgmt",
        ] {
            assert!(app_named(name).is_some(), "{name}");
        }
        assert_eq!(app_named("kommander").unwrap().enabled, Enabled::Always);
        assert!(app_named("project-logging").is_none());
    }
}
