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
];

/// The row of a component.
pub fn addon(component: &str) -> Option<&'static Addon> {
    ADDONS.iter().find(|a| a.component == component)
}
