//! The platform layer of each cluster through Flux (`clusters/<cluster>/releases/`): one
//! `HelmRepository` (`source.toolkit.fluxcd.io/v1`) and one `HelmRelease`
//! (`helm.toolkit.fluxcd.io/v2`) per component Flux installs there (`plan`), the Helm values
//! files of those components (written by their own generators, read through a ConfigMap the
//! folder's kustomization generates), and `clusters/<cluster>/namespaces/`: the Namespaces the
//! releases install into, with their Pod Security levels, applied before the releases.
//!
//! The HelmReleases live where Flux runs (the management cluster, in the namespace of the
//! cluster's Cluster API objects) and reach a workload cluster through Cluster API's
//! kubeconfig Secret (helm-controller v1.6.3 docs/spec/v2/helmreleases.md, "Remote Cluster
//! API clusters"), with the release's namespace created there (`install.createNamespace`)
//! and Helm's storage beside it. A HelmRelease that needs another's CRDs or webhook waits for
//! it with `dependsOn`.
//!
//! This generator runs after the generators of the values files.

pub mod argocd;
pub mod images;
pub mod plan;
pub mod steps;

use serde_json::{Map, Value};

use crate::json::json;

use super::{ConfigMapGen, GenError, Origin, Output, Source, capa};
use crate::facts::addons::{self, Addon};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

const GENERATOR: &str = "releases";

pub const HELM_API: &str = "helm.toolkit.fluxcd.io/v2";
pub const SOURCE_API: &str = "source.toolkit.fluxcd.io/v1";

/// How often Flux re-reads a chart repository's index, and reconciles a release (undoing
/// drift): the pinned versions change only by commits, so hourly is enough for the index.
const REPOSITORY_INTERVAL: &str = "1h";
const RELEASE_INTERVAL: &str = "10m";
/// The key of Cluster API's kubeconfig Secret that holds the kubeconfig.
pub const KUBECONFIG_KEY: &str = "value";
/// The data key of a values ConfigMap (`valuesFrom`'s default `valuesKey`).
pub const VALUES_KEY: &str = "values.yaml";

/// The Pod Security label keys (kubernetes.io/docs/concepts/security/pod-security-admission).
const PSA_LABELS: [&str; 3] = [
    "pod-security.kubernetes.io/enforce",
    "pod-security.kubernetes.io/audit",
    "pod-security.kubernetes.io/warn",
];

/// The Pod Security level a release's namespace needs: node-exporter (kube-prometheus-stack's
/// DaemonSet) mounts the host's file systems and uses its network and PID namespaces, which
/// only `privileged` allows; every other component runs within `baseline`.
pub fn pod_security_level(component: &str) -> &'static str {
    if component == plan::KUBE_PROMETHEUS_STACK {
        "privileged"
    } else {
        "baseline"
    }
}

/// One HelmRelease of a cluster.
#[derive(Clone, Debug)]
pub struct Release {
    pub component: &'static str,
    pub addon: &'static Addon,
    /// Where the chart is installed (in the cluster it runs on).
    pub namespace: String,
    pub release_name: String,
    /// Reaches the cluster through Cluster API's kubeconfig Secret.
    pub remote: bool,
    /// The values file beside the release (its file name), read through a ConfigMap.
    pub values_file: Option<String>,
    pub values: Option<Value>,
    /// HelmReleases this one waits for: (name, namespace when not its own).
    pub depends_on: Vec<(String, Option<String>)>,
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn inline(values: &mut Option<Value>, more: Value) {
    match values {
        Some(v) => merge(v, more),
        None => *values = Some(more),
    }
}

/// The values file of a component in the cluster's releases folder, if its generator wrote
/// one.
fn values_file(out: &Output, c: &ResolvedCluster, component: &str) -> Option<String> {
    let path = match component {
        plan::CERT_MANAGER => naming::cert_manager_values_path(&c.name),
        plan::EXTERNAL_DNS => naming::external_dns_values_path(&c.name),
        plan::KUBE_PROMETHEUS_STACK => naming::monitoring_values_path(&c.name),
        _ => return None,
    };
    out.get(&path)?;
    path.rsplit('/').next().map(str::to_string)
}

/// The releases of cluster `c`.
pub fn releases(r: &Resolved, c: &ResolvedCluster, out: &Output) -> Result<Vec<Release>, GenError> {
    let remote = plan::remote(r, c);
    let components = plan::components(r, c);
    let mut list = Vec::new();
    for component in &components {
        let component = *component;
        let addon = addons::addon(component).ok_or_else(|| GenError {
            message: format!("no facts::addons row for `{component}`"),
        })?;
        let running = images::running_cluster(r, c, component);
        let selected = images::choose(r, running, component);
        let mut values = selected.values;
        let mut depends_on = Vec::new();
        let mut namespace = match component {
            plan::CERT_MANAGER => naming::CERT_MANAGER_NAMESPACE.to_string(),
            plan::EXTERNAL_DNS => naming::EXTERNAL_DNS_NAMESPACE.to_string(),
            plan::KUBE_PROMETHEUS_STACK => plan::MONITORING_NAMESPACE.to_string(),
            plan::KYVERNO => plan::KYVERNO_NAMESPACE.to_string(),
            plan::POD_IDENTITY_WEBHOOK => plan::POD_IDENTITY_WEBHOOK_NAMESPACE.to_string(),
            _ => capa::namespace(c),
        };
        let mut release_name = component.to_string();
        let mut release_remote = remote;
        match component {
            // cert-manager v1.21.1 deploy/charts/cert-manager/values.yaml: `crds.enabled`
            // (off by default) installs the CRDs with the chart, so the ClusterIssuer of
            // `addons/` finds them once this release is Ready.
            plan::CERT_MANAGER => inline(&mut values, json!({"crds": {"enabled": true}})),
            plan::CLUSTER_AUTOSCALER => {
                let (v, runs_remote, ns) = autoscaler(r, c);
                inline(&mut values, v);
                release_remote = runs_remote;
                namespace = ns;
                // Several clusters' autoscalers may share the management cluster's namespace.
                release_name = naming::helm_release_name(&c.name, component);
            }
            plan::POD_IDENTITY_WEBHOOK => {
                // jkroepke/helm-charts amazon-eks-pod-identity-webhook-2.6.5 values.yaml: the
                // region injected into mutated Pods, and the webhook's failure policy: `Ignore`
                // (upstream's deploy/mutatingwebhook.yaml) so that Pods are still created while
                // the webhook is down, cert-manager's included, which issues its certificate.
                inline(
                    &mut values,
                    json!({
                        "config": {"defaultAwsRegion": c.region},
                        "mutatingWebhook": {"failurePolicy": "Ignore"},
                    }),
                );
                depends_on.push(if c.management {
                    let (name, ns) = plan::KOMMANDER_CERT_MANAGER;
                    (name.to_string(), Some(ns.to_string()))
                } else {
                    (naming::helm_release_name(&c.name, plan::CERT_MANAGER), None)
                });
            }
            // external-dns's Pods must be created after the webhook, which gives them their
            // role (IRSA on a self-managed cluster).
            plan::EXTERNAL_DNS if components.contains(&plan::POD_IDENTITY_WEBHOOK) => {
                depends_on.push((
                    naming::helm_release_name(&c.name, plan::POD_IDENTITY_WEBHOOK),
                    None,
                ));
            }
            _ => {}
        }
        list.push(Release {
            component,
            addon,
            namespace,
            release_name,
            remote: release_remote,
            values_file: values_file(out, c, component),
            values,
            depends_on,
        });
    }
    Ok(list)
}

/// The cluster autoscaler's values (kubernetes/autoscaler cluster-autoscaler-chart-9.59.0,
/// charts/cluster-autoscaler/values.yaml and templates/deployment.yaml; cloudprovider/
/// clusterapi/README.md): the clusterapi provider, discovering the cluster's
/// MachineDeployments and MachinePools by cluster name and namespace (they carry the
/// `cluster.x-k8s.io/cluster-api-autoscaler-node-group-{min,max}-size` annotations the capa
/// and eks generators write). Where it runs, and whether the release reaches it remotely:
/// - a workload cluster with a management cluster: on the management cluster beside the
///   Cluster API objects (`kubeconfig-incluster`: the workload cluster through Cluster API's
///   kubeconfig Secret, mounted as `/etc/kubernetes/value`);
/// - the management cluster: on itself (`incluster-incluster`);
/// - without a management cluster: in the cluster, reading the Cluster API objects through a
///   kubeconfig of the cluster that holds them (`incluster-kubeconfig`; the Secret is one of
///   the credentials the README asks for).
fn autoscaler(r: &Resolved, c: &ResolvedCluster) -> (Value, bool, String) {
    let discovery = json!({"clusterName": c.name, "namespace": capa::namespace(c)});
    let mut v = Map::new();
    v.insert("cloudProvider".into(), json!("clusterapi"));
    v.insert("autoDiscovery".into(), discovery);
    let (remote, namespace) = if c.management {
        v.insert("clusterAPIMode".into(), json!("incluster-incluster"));
        (false, capa::namespace(c))
    } else if r.management_cluster().is_some() {
        v.insert("clusterAPIMode".into(), json!("kubeconfig-incluster"));
        v.insert(
            "clusterAPIKubeconfigSecret".into(),
            json!(naming::kubeconfig_secret_name(&c.name)),
        );
        (false, capa::namespace(c))
    } else {
        v.insert("clusterAPIMode".into(), json!("incluster-kubeconfig"));
        v.insert(
            "clusterAPIKubeconfigSecret".into(),
            json!(management_kubeconfig_secret(&c.name)),
        );
        (false, crate::resolve::SYSTEM_NAMESPACE.to_string())
    };
    (Value::Object(v), remote, namespace)
}

/// Without a management cluster: the Secret (in `kube-system` of the cluster) holding a
/// kubeconfig of the cluster that holds its Cluster API objects, under the key the chart
/// mounts (`mgmt-kubeconfig`, from `clusterAPICloudConfigPath: /etc/kubernetes/mgmt-kubeconfig`).
pub fn management_kubeconfig_secret(cluster: &str) -> String {
    format!("{cluster}-management-kubeconfig")
}
pub const MANAGEMENT_KUBECONFIG_KEY: &str = "mgmt-kubeconfig";

fn metadata(r: &Resolved, c: &ResolvedCluster, name: &str, component: &str) -> Value {
    let mut labels = naming::labels(&r.platform, Some(&c.name), None);
    labels.insert(naming::LABEL_COMPONENT.into(), json!(component));
    json!({"name": name, "namespace": capa::namespace(c), "labels": labels})
}

fn helm_repository(r: &Resolved, c: &ResolvedCluster, rel: &Release) -> Value {
    json!({
        "apiVersion": SOURCE_API,
        "kind": "HelmRepository",
        "metadata": metadata(r, c, &naming::helm_release_name(&c.name, rel.component), rel.component),
        "spec": {"interval": REPOSITORY_INTERVAL, "url": rel.addon.repository},
    })
}

fn helm_release(r: &Resolved, c: &ResolvedCluster, rel: &Release) -> Value {
    let name = naming::helm_release_name(&c.name, rel.component);
    let mut spec = Map::new();
    spec.insert("interval".into(), json!(RELEASE_INTERVAL));
    spec.insert(
        "chart".into(),
        json!({"spec": {
            "chart": rel.addon.chart,
            "version": rel.addon.version,
            "sourceRef": {"kind": "HelmRepository", "name": name},
        }}),
    );
    spec.insert("releaseName".into(), json!(rel.release_name));
    spec.insert("targetNamespace".into(), json!(rel.namespace));
    spec.insert("storageNamespace".into(), json!(rel.namespace));
    // Retried until they succeed (a workload cluster may not be reachable yet), CRDs kept up
    // to date with the chart (docs/spec/v2/helmreleases.md, "Recommended settings").
    spec.insert(
        "install".into(),
        json!({
            "createNamespace": true,
            "crds": "CreateReplace",
            "strategy": {"name": "RetryOnFailure"},
        }),
    );
    spec.insert(
        "upgrade".into(),
        json!({"crds": "CreateReplace", "strategy": {"name": "RetryOnFailure"}}),
    );
    if rel.remote {
        spec.insert(
            "kubeConfig".into(),
            json!({"secretRef": {
                "name": naming::kubeconfig_secret_name(&c.name),
                "key": KUBECONFIG_KEY,
            }}),
        );
    }
    if !rel.depends_on.is_empty() {
        let deps: Vec<Value> = rel
            .depends_on
            .iter()
            .map(|(name, ns)| match ns {
                Some(ns) => json!({"name": name, "namespace": ns}),
                None => json!({"name": name}),
            })
            .collect();
        spec.insert("dependsOn".into(), Value::Array(deps));
    }
    if rel.values_file.is_some() {
        spec.insert(
            "valuesFrom".into(),
            json!([{
                "kind": "ConfigMap",
                "name": naming::values_config_map_name(&c.name, rel.component),
                "valuesKey": VALUES_KEY,
            }]),
        );
    }
    if let Some(values) = &rel.values {
        spec.insert("values".into(), values.clone());
    }
    json!({
        "apiVersion": HELM_API,
        "kind": "HelmRelease",
        "metadata": metadata(r, c, &name, rel.component),
        "spec": spec,
    })
}

/// The Namespaces the cluster's releases install into (in the cluster itself), each with
/// the Pod Security level its component needs, enforced, audited and warned alike.
pub fn namespaces(r: &Resolved, c: &ResolvedCluster, releases: &[Release]) -> Vec<Value> {
    let mut seen = std::collections::BTreeMap::new();
    for rel in releases {
        // The autoscaler of a workload cluster runs on the management cluster, in the
        // namespace of the Cluster API objects; kube-system is exempt already.
        if rel.component == plan::CLUSTER_AUTOSCALER {
            continue;
        }
        seen.insert(rel.namespace.clone(), pod_security_level(rel.component));
    }
    seen.into_iter()
        .map(|(name, level)| {
            let mut labels = naming::labels(&r.platform, Some(&c.name), None);
            for key in PSA_LABELS {
                labels.insert(key.into(), json!(level));
            }
            json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": labels},
            })
        })
        .collect()
}

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    use rayon::prelude::*;
    // Clusters are independent and only read what the other generators wrote: each one's
    // files are made side by side, then added in cluster order.
    let made: Vec<Option<ClusterReleases>> = r
        .clusters
        .par_iter()
        .map(|c| cluster_releases(r, c, out))
        .collect::<Result<_, GenError>>()?;
    for (c, made) in r.clusters.iter().zip(made) {
        let Some(made) = made else { continue };
        let dir = naming::releases_dir(&c.name);
        if let Some(apps) = made.applications {
            // Argo CD reads the values files from Git itself: no sources, no ConfigMaps.
            out.origin(Origin::cluster(&c.name).with("argocd", Source::path("spec.gitops.argocd")))
                .objects(format!("{dir}/applications.yaml"), GENERATOR, apps)?;
        } else {
            out.origin(Origin::cluster(&c.name)).objects(
                format!("{dir}/sources.yaml"),
                GENERATOR,
                made.sources,
            )?;
            out.origin(Origin::cluster(&c.name)).objects(
                format!("{dir}/helmreleases.yaml"),
                GENERATOR,
                made.helm,
            )?;
            for values in made.values {
                out.config_map(dir.clone(), values);
            }
        }
        if !made.namespaces.is_empty() {
            out.origin(Origin::cluster(&c.name)).objects(
                format!("{}/namespaces.yaml", naming::namespaces_dir(&c.name)),
                GENERATOR,
                made.namespaces,
            )?;
        }
    }
    Ok(())
}

/// What one cluster's releases add to the output.
struct ClusterReleases {
    sources: Vec<Value>,
    helm: Vec<Value>,
    /// The ConfigMaps of the values files, one per release that has one.
    values: Vec<ConfigMapGen>,
    namespaces: Vec<Value>,
    /// With `gitops.argocd`: the releases as Argo CD Applications, instead of `sources`,
    /// `helm` and `values`.
    applications: Option<Vec<Value>>,
}

/// One cluster's releases, or `None` when it has none.
fn cluster_releases(
    r: &Resolved,
    c: &ResolvedCluster,
    out: &Output,
) -> Result<Option<ClusterReleases>, GenError> {
    let releases = releases(r, c, out)?;
    if releases.is_empty() {
        return Ok(None);
    }
    let values = releases
        .iter()
        .filter_map(|rel| {
            rel.values_file.as_ref().map(|file| ConfigMapGen {
                name: naming::values_config_map_name(&c.name, rel.component),
                namespace: capa::namespace(c),
                file: file.clone(),
                key: VALUES_KEY.to_string(),
            })
        })
        .collect();
    if r.argocd().is_some() {
        let waves = argocd::waves(c, &releases);
        return Ok(Some(ClusterReleases {
            sources: Vec::new(),
            helm: Vec::new(),
            values: Vec::new(),
            namespaces: namespaces(r, c, &releases),
            applications: Some(
                releases
                    .iter()
                    .map(|rel| {
                        let wave = waves.get(rel.component).copied().unwrap_or(0);
                        argocd::helm_application(r, c, rel, wave)
                    })
                    .collect(),
            ),
        }));
    }
    Ok(Some(ClusterReleases {
        applications: None,
        sources: releases
            .iter()
            .map(|rel| helm_repository(r, c, rel))
            .collect(),
        helm: releases.iter().map(|rel| helm_release(r, c, rel)).collect(),
        values,
        namespaces: namespaces(r, c, &releases),
    }))
}

#[cfg(test)]
mod tests;
