//! Reads the bring-up graph out of the rendered objects. Every assumption about an object's
//! shape (which kinds install what, which fields name a chart, a target cluster, a values
//! ConfigMap) lives in this file, so adapting the check to a generator's objects is an edit
//! here; `rules` only sees the [`Graph`].
//!
//! The shapes, with their upstream definitions:
//! - `HelmChartProxy` (addons.cluster.x-k8s.io/v1alpha1; kubernetes-sigs/
//!   cluster-api-addon-provider-helm v0.6.4 config/crd/bases): `spec.clusterSelector.
//!   matchLabels` against the labels of each cluster's CAPI `Cluster`; `spec.repoURL`,
//!   `spec.chartName`, `spec.version`.
//! - `HelmRelease` (helm.toolkit.fluxcd.io/v2; fluxcd/helm-controller v1.6.3): `spec.chart.
//!   spec.{chart,version,sourceRef}` (a HelmRepository's `spec.url`) or `spec.chartRef` (an
//!   OCIRepository's `spec.url` = repository + `/` + chart, `spec.ref.tag` = version);
//!   `spec.kubeConfig.secretRef.name` = `<cluster>-kubeconfig` (Cluster API's Secret) names
//!   the target cluster, none means the cluster Flux runs on; `spec.dependsOn`,
//!   `spec.valuesFrom[kind=ConfigMap]` with `valuesKey` defaulting to `values.yaml`.
//! - `Kustomization` (kustomize.toolkit.fluxcd.io/v1; fluxcd/kustomize-controller v1.9.4):
//!   `spec.path` (a folder of the tree, possibly under the tree's folder in the repository),
//!   `spec.dependsOn` (namespace defaults to the Kustomization's), `spec.wait`,
//!   `spec.healthChecks`, `spec.kubeConfig` as above.
//! - `AWSManagedControlPlane` (CAPA v2.11.1): `spec.addons[].{name,version}`, `spec.version`
//!   (`v1.<minor>`); a managed add-on's component is its name (`facts::addons::EKS_ADDONS`).
//! - kOps `Cluster` (kops.k8s.io/v1alpha2, kops v1.36): the add-on settings of [`KOPS_SETTINGS`].
//! - Kommander's `Installation` (`platform/installation.yaml`): `apps.<app>.enabled`, plus
//!   the apps Kommander always installs ([`KOMMANDER_ALWAYS`]); its `clusterHostname` is
//!   `<management cluster>.<domain>` (`naming::cluster_hostname`).
//! - Labels: `platc.io/component` (the `ADDONS` component) on every HelmChartProxy and
//!   HelmRelease, `platc.io/cluster` on every HelmRelease: the cluster it serves, which is
//!   where it lands except for a release run on the management cluster for another cluster
//!   (Cluster API's cluster-autoscaler).
//! - Folders: a file lands where the Flux Kustomization applying it points; without one,
//!   `clusters/<c>/addons/` is applied inside cluster `c` and the other folders of
//!   `clusters/<c>/` (infrastructure, releases) on the cluster hosting Cluster API and Flux
//!   (the management cluster, else `c` itself). `*-values.yaml` files under `clusters/<c>/`
//!   are Helm values; a kustomization's `configMapGenerator` turns them into ConfigMaps.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::crds;
use super::model::{
    Applied, Chart, GeneratedConfigMap, Graph, Install, Key, Kustomization, Malformed, ObjRef,
    Release,
};
use crate::facts::addons::Installer;
use crate::naming;

/// The parsed documents of the tree, by path.
pub type Docs = BTreeMap<String, Vec<Value>>;

pub const LABEL_COMPONENT: &str = "platc.io/component";
/// Cluster API's kubeconfig Secret of a cluster is `<cluster>-kubeconfig`
/// (`naming::kubeconfig_secret_name`).
const KUBECONFIG_SUFFIX: &str = "-kubeconfig";
/// The folder of a cluster applied inside it.
const ADDONS_FOLDER: &str = "addons";
/// Flux's default for `valuesFrom[].valuesKey` (helm-controller v1.6.3 CRD: "Defaults to
/// 'values.yaml'").
pub const DEFAULT_VALUES_KEY: &str = "values.yaml";
const KOMMANDER_NAMESPACE: &str = naming::KOMMANDER_NAMESPACE;
/// Argo CD (argoproj/argo-cd v3.5.1): the Application's group, its sync-wave annotation,
/// the names of the cluster it runs in (docs/operator-manual/declarative-setup.md), and the
/// `argocd-cm` key of the Application health check (docs/operator-manual/health.md).
const ARGO_GROUP: &str = "argoproj.io";
const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
const ARGO_IN_CLUSTER: &str = "in-cluster";
const ARGO_IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
pub const ARGO_APPLICATION_HEALTH: &str = "resource.customizations.health.argoproj.io_Application";

/// kOps add-on settings: (JSON pointer in the kops Cluster, whether the setting's presence
/// alone installs it (else its `enabled` must be true), component). `certManager` with
/// `managed: false` is not installed by kOps ("The deployment of cert-manager is skipped if
/// this is set to false": kops v1.36 CertManagerConfig).
pub const KOPS_SETTINGS: &[(&str, bool, &str)] = &[
    ("/spec/networking/calico", true, crds::KOPS_CALICO),
    (
        "/spec/cloudControllerManager",
        true,
        "aws-cloud-controller-manager",
    ),
    (
        "/spec/cloudConfig/awsEBSCSIDriver",
        false,
        "aws-ebs-csi-driver",
    ),
    ("/spec/certManager", false, crds::CERT_MANAGER),
    ("/spec/clusterAutoscaler", false, "cluster-autoscaler"),
    ("/spec/podIdentityWebhook", false, "pod-identity-webhook"),
];

/// The apps Kommander installs on the management cluster whether or not the Installation
/// lists them, with the HelmRelease it makes for each: cert-manager is part of Kommander's
/// bootstrap (mesosphere/kommander-applications applications/cert-manager/bootstrap/
/// kustomization.yaml; HelmRelease `cert-manager` in Kommander's namespace,
/// applications/cert-manager/1.20.3/release/release.yaml).
pub const KOMMANDER_ALWAYS: &[&str] = &[crds::CERT_MANAGER];

/// The component of a Kommander app, and the name of the HelmRelease Kommander makes for it
/// (in its namespace): the app's name for both (kommander-applications names each app's
/// HelmRelease after the app, as for cert-manager above).
fn kommander_app(app: &str) -> (String, String) {
    (app.to_string(), app.to_string())
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

fn obj_ref(file: &str, doc: &Value) -> Option<ObjRef> {
    Some(ObjRef {
        file: file.to_string(),
        kind: str_at(doc, "/kind")?.to_string(),
        namespace: str_at(doc, "/metadata/namespace").map(str::to_string),
        name: str_at(doc, "/metadata/name")?.to_string(),
    })
}

/// The namespace an object without one lands in when applied.
fn namespace_of(doc: &Value) -> String {
    str_at(doc, "/metadata/namespace")
        .unwrap_or("default")
        .to_string()
}

fn label<'a>(doc: &'a Value, key: &str) -> Option<&'a str> {
    doc.pointer("/metadata/labels")
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// `clusters/<c>/…` → `c`.
pub fn cluster_of_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("clusters/")?;
    rest.split_once('/').map(|(c, _)| c)
}

/// The objects of the tree (documents with a kind), with their file.
fn objects(docs: &Docs) -> impl Iterator<Item = (&str, &Value)> {
    docs.iter()
        .filter(|(p, _)| !p.ends_with("/kustomization.yaml") && *p != "kustomization.yaml")
        .flat_map(|(p, ds)| ds.iter().map(move |d| (p.as_str(), d)))
        .filter(|(_, d)| d.get("kind").is_some() && d.get("apiVersion").is_some())
}

fn is(doc: &Value, group: &str, kind: &str) -> bool {
    str_at(doc, "/kind") == Some(kind)
        && str_at(doc, "/apiVersion").is_some_and(|a| group_of(a) == group)
}

/// Joins a kustomization entry to its folder (`a/b` + `../c` → `a/c`).
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in rel.trim_end_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn kustomization<'a>(docs: &'a Docs, dir: &str) -> Option<&'a Value> {
    docs.get(&format!("{dir}/kustomization.yaml"))
        .and_then(|d| d.first())
}

/// Every object file a folder's kustomization applies, through its sub-folders.
fn walk(docs: &Docs, dir: &str, out: &mut BTreeSet<String>, depth: usize) {
    let Some(k) = kustomization(docs, dir) else {
        return;
    };
    if depth > 16 {
        return;
    }
    for entry in k
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let path = join(dir, entry);
        if docs.contains_key(&format!("{path}/kustomization.yaml")) {
            walk(docs, &path, out, depth + 1);
        } else {
            out.insert(path);
        }
    }
}

/// The tree folder a Flux `spec.path` names: the path itself, or the path without the
/// leading folders of the tree's place in the repository (`./rendered/clusters/a/addons`).
fn resolve_folder(docs: &Docs, path: &str) -> Option<String> {
    let mut rest = path.trim_start_matches("./").trim_matches('/');
    loop {
        if kustomization(docs, rest).is_some() {
            return Some(rest.to_string());
        }
        rest = rest.split_once('/')?.1;
    }
}

/// The cluster a `spec.kubeConfig.secretRef` reaches, or `None` for the local cluster.
fn kubeconfig_target(doc: &Value) -> Option<String> {
    str_at(doc, "/spec/kubeConfig/secretRef/name")
        .map(|n| n.strip_suffix(KUBECONFIG_SUFFIX).unwrap_or(n).to_string())
}

fn dependencies(doc: &Value, own_namespace: &str) -> Vec<Key> {
    doc.pointer("/spec/dependsOn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?.to_string();
            let ns = d
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(own_namespace)
                .to_string();
            Some((ns, name))
        })
        .collect()
}

/// Builds the graph of the whole tree.
pub fn graph(docs: &Docs) -> Graph {
    let mut g = Graph {
        clusters: docs
            .keys()
            .filter_map(|p| cluster_of_path(p))
            .map(str::to_string)
            .collect(),
        ..Graph::default()
    };
    let installation = docs
        .get(naming::INSTALLATION_PATH)
        .and_then(|d| d.first())
        .filter(|d| str_at(d, "/kind") == Some("Installation"));
    g.management = installation
        .and_then(|i| str_at(i, "/clusterHostname"))
        .and_then(|h| h.split('.').next())
        .filter(|c| g.clusters.contains(*c))
        .map(str::to_string);
    // Folders and the files they apply.
    for path in docs.keys() {
        if let Some(dir) = path.strip_suffix("/kustomization.yaml") {
            let mut files = BTreeSet::new();
            walk(docs, dir, &mut files, 0);
            g.folder_files.insert(dir.to_string(), files);
        }
    }
    let management = g.management.clone();
    let hosting = |c: &str| management.clone().unwrap_or_else(|| c.to_string());
    let cluster_labels = cluster_labels(docs);
    let sources = sources(docs);
    let mut installs = Vec::new();
    let mut malformed = Vec::new();
    let mut releases = BTreeMap::new();
    let mut kustomizations = BTreeMap::new();
    // Argo CD Applications: (folder of their file, sync wave, key).
    let mut argo_apps: Vec<(String, i64, Key)> = Vec::new();
    let argo_health = argo_application_health(docs);
    for (file, doc) in objects(docs) {
        // Only the installer and Flux kinds are read here (most objects are not).
        if !matches!(
            str_at(doc, "/kind"),
            Some(
                "HelmChartProxy"
                    | "HelmRelease"
                    | "Kustomization"
                    | "Application"
                    | "AWSManagedControlPlane"
                    | "Cluster"
            )
        ) {
            continue;
        }
        let Some(obj) = obj_ref(file, doc) else {
            continue;
        };
        let home = cluster_of_path(file)
            .map(str::to_string)
            .or_else(|| label(doc, naming::LABEL_CLUSTER).map(str::to_string))
            .unwrap_or_default();
        let mut bad = |message: String| {
            malformed.push(Malformed {
                cluster: home.clone(),
                obj: obj.clone(),
                message,
            })
        };
        if is(doc, "addons.cluster.x-k8s.io", "HelmChartProxy") {
            let selector = doc
                .pointer("/spec/clusterSelector/matchLabels")
                .and_then(Value::as_object);
            let selected: Vec<&String> = match selector {
                Some(sel) if !sel.is_empty() => cluster_labels
                    .iter()
                    .filter(|(_, labels)| {
                        sel.iter()
                            .all(|(k, v)| labels.get(k) == v.as_str().map(str::to_string).as_ref())
                    })
                    .map(|(c, _)| c)
                    .collect(),
                _ => {
                    bad(
                        "has no `spec.clusterSelector.matchLabels`: it would select every cluster"
                            .into(),
                    );
                    continue;
                }
            };
            if selected.is_empty() {
                bad("selects no cluster of the tree (no CAPI Cluster carries its `spec.clusterSelector.matchLabels`)".into());
            }
            let Some(component) = label(doc, LABEL_COMPONENT) else {
                bad(format!("has no `{LABEL_COMPONENT}` label"));
                continue;
            };
            let chart = Chart {
                repository: str_at(doc, "/spec/repoURL").unwrap_or_default().to_string(),
                chart: str_at(doc, "/spec/chartName")
                    .unwrap_or_default()
                    .to_string(),
                version: str_at(doc, "/spec/version").unwrap_or_default().to_string(),
                minor: None,
            };
            for c in selected {
                installs.push(Install {
                    component: component.to_string(),
                    installer: Installer::ClusterApiHelm,
                    cluster: c.clone(),
                    lands_in: c.clone(),
                    by: obj.clone(),
                    setting: None,
                    chart: Some(chart.clone()),
                    release: None,
                });
            }
        } else if is(doc, "helm.toolkit.fluxcd.io", "HelmRelease") {
            let ns = namespace_of(doc);
            let key = (ns.clone(), obj.name.clone());
            let target = kubeconfig_target(doc).unwrap_or_else(|| hosting(&home));
            // The cluster it serves: its label (Cluster API's cluster-autoscaler of a
            // workload cluster runs on the management cluster), else where it lands.
            let serves =
                label(doc, naming::LABEL_CLUSTER).map_or_else(|| target.clone(), str::to_string);
            let values_from = doc
                .pointer("/spec/valuesFrom")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("kind").and_then(Value::as_str) == Some("ConfigMap"))
                .filter_map(|v| {
                    Some((
                        v.get("name")?.as_str()?.to_string(),
                        v.get("valuesKey")
                            .and_then(Value::as_str)
                            .unwrap_or(DEFAULT_VALUES_KEY)
                            .to_string(),
                        v.get("optional").and_then(Value::as_bool).unwrap_or(false),
                    ))
                })
                .collect();
            releases.insert(
                key.clone(),
                Release {
                    obj: obj.clone(),
                    key: key.clone(),
                    depends_on: dependencies(doc, &ns),
                    values_from,
                    value_files: Vec::new(),
                },
            );
            let chart = match release_chart(doc, &ns, &sources) {
                Ok(chart) => Some(chart),
                Err(why) => {
                    bad(why);
                    None
                }
            };
            match label(doc, LABEL_COMPONENT) {
                Some(component) => installs.push(Install {
                    component: component.to_string(),
                    installer: Installer::Flux,
                    cluster: serves,
                    lands_in: target,
                    by: obj.clone(),
                    setting: None,
                    chart,
                    release: Some(key),
                }),
                None => bad(format!("has no `{LABEL_COMPONENT}` label")),
            }
        } else if is(doc, "kustomize.toolkit.fluxcd.io", "Kustomization") {
            let ns = namespace_of(doc);
            let key = (ns.clone(), obj.name.clone());
            let path = str_at(doc, "/spec/path").unwrap_or_default().to_string();
            let folder = resolve_folder(docs, &path);
            let home = folder
                .as_deref()
                .and_then(cluster_of_path)
                .map(str::to_string)
                .unwrap_or(home.clone());
            let target = kubeconfig_target(doc).unwrap_or_else(|| hosting(&home));
            let health_checks = doc
                .pointer("/spec/healthChecks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|h| {
                    Some((
                        h.get("kind")?.as_str()?.to_string(),
                        h.get("namespace")
                            .and_then(Value::as_str)
                            .unwrap_or(&ns)
                            .to_string(),
                        h.get("name")?.as_str()?.to_string(),
                    ))
                })
                .collect();
            kustomizations.insert(
                key.clone(),
                Kustomization {
                    obj: obj.clone(),
                    key,
                    folder,
                    path,
                    depends_on: dependencies(doc, &ns),
                    wait: doc
                        .pointer("/spec/wait")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    health_checks,
                    target,
                    argo: false,
                },
            );
        } else if is(doc, ARGO_GROUP, "Application") {
            let ns = namespace_of(doc);
            let key = (ns.clone(), obj.name.clone());
            let wave = str_at(
                doc,
                &format!("/metadata/annotations/{}", SYNC_WAVE.replace('/', "~1")),
            )
            .map_or(Ok(0), str::parse::<i64>);
            let Ok(wave) = wave else {
                bad(format!(
                    "has a `{SYNC_WAVE}` annotation that is not an integer"
                ));
                continue;
            };
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            argo_apps.push((dir, wave, key.clone()));
            let sources: Vec<&Value> =
                match (doc.pointer("/spec/sources"), doc.pointer("/spec/source")) {
                    (Some(Value::Array(list)), _) => list.iter().collect(),
                    (_, Some(one)) => vec![one],
                    _ => Vec::new(),
                };
            let chart_source = sources.iter().find(|s| s.get("chart").is_some());
            let destination = str_at(doc, "/spec/destination/name")
                .filter(|n| *n != ARGO_IN_CLUSTER)
                .or_else(|| {
                    str_at(doc, "/spec/destination/server").filter(|s| *s != ARGO_IN_CLUSTER_SERVER)
                })
                .map(str::to_string);
            if let Some(chart) = chart_source {
                let target = destination.unwrap_or_else(|| hosting(&home));
                let serves = label(doc, naming::LABEL_CLUSTER)
                    .map_or_else(|| target.clone(), str::to_string);
                let value_files = chart
                    .pointer("/helm/valueFiles")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|entry| values_file(docs, entry).ok_or_else(|| entry.to_string()))
                    .collect();
                releases.insert(
                    key.clone(),
                    Release {
                        obj: obj.clone(),
                        key: key.clone(),
                        // Filled from the sync waves below.
                        depends_on: Vec::new(),
                        values_from: Vec::new(),
                        value_files,
                    },
                );
                let repository = str_at(chart, "/repoURL").unwrap_or_default();
                // An OCI registry is written without its scheme (argo-cd v3.5.1
                // docs/user-guide/helm.md): the facts name it with `oci://`.
                let repository = if repository.contains("://") {
                    repository.to_string()
                } else {
                    format!("oci://{repository}")
                };
                let chart = Chart {
                    repository,
                    chart: str_at(chart, "/chart").unwrap_or_default().to_string(),
                    version: str_at(chart, "/targetRevision")
                        .unwrap_or_default()
                        .to_string(),
                    minor: None,
                };
                match label(doc, LABEL_COMPONENT) {
                    Some(component) => installs.push(Install {
                        component: component.to_string(),
                        installer: Installer::ArgoCd,
                        cluster: serves,
                        lands_in: target,
                        by: obj.clone(),
                        setting: None,
                        chart: Some(chart),
                        release: Some(key),
                    }),
                    None => bad(format!("has no `{LABEL_COMPONENT}` label")),
                }
            } else {
                let path = sources
                    .first()
                    .and_then(|s| s.get("path"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let folder = resolve_folder(docs, &path);
                let home = folder
                    .as_deref()
                    .and_then(cluster_of_path)
                    .map(str::to_string)
                    .unwrap_or(home.clone());
                let target = destination.unwrap_or_else(|| hosting(&home));
                kustomizations.insert(
                    key.clone(),
                    Kustomization {
                        obj: obj.clone(),
                        key,
                        folder,
                        path,
                        // Filled from the sync waves below.
                        depends_on: Vec::new(),
                        wait: argo_health,
                        health_checks: Vec::new(),
                        target,
                        argo: true,
                    },
                );
            }
        } else if is(
            doc,
            "controlplane.cluster.x-k8s.io",
            "AWSManagedControlPlane",
        ) {
            // `spec.version`: `v1.34` (or `1.34.2`).
            let minor: Option<u32> = str_at(doc, "/spec/version")
                .and_then(|v| v.trim_start_matches('v').split('.').nth(1)?.parse().ok());
            for addon in doc
                .pointer("/spec/addons")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = addon
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let version = addon
                    .get("version")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                // An EKS add-on's component is its name (`facts::addons::EKS_ADDONS`).
                installs.push(Install {
                    component: name.to_string(),
                    installer: Installer::EksManaged,
                    cluster: home.clone(),
                    lands_in: home.clone(),
                    by: obj.clone(),
                    setting: Some(format!("spec.addons[{name}]")),
                    chart: Some(Chart {
                        repository: String::new(),
                        chart: name.to_string(),
                        version: version.to_string(),
                        minor,
                    }),
                    release: None,
                });
            }
        } else if is(doc, "kops.k8s.io", "Cluster") {
            for (pointer, present_installs, component) in KOPS_SETTINGS {
                let Some(setting) = doc.pointer(pointer) else {
                    continue;
                };
                let enabled = setting.get("enabled").and_then(Value::as_bool);
                let managed = setting.get("managed").and_then(Value::as_bool);
                let on = if *present_installs {
                    enabled != Some(false)
                } else {
                    enabled == Some(true)
                };
                if on && managed != Some(false) {
                    installs.push(Install {
                        component: component.to_string(),
                        installer: Installer::Kops,
                        cluster: home.clone(),
                        lands_in: home.clone(),
                        by: obj.clone(),
                        setting: Some(pointer.trim_start_matches('/').replace('/', ".")),
                        chart: None,
                        release: None,
                    });
                }
            }
        }
    }
    // An app of apps applies a sync wave once every Application of the waves before it is
    // Healthy, which Argo CD judges only with the Application health check: the Applications
    // of one folder (one parent's children) depend on those of earlier waves.
    if argo_health {
        for (dir, wave, key) in &argo_apps {
            let before: Vec<Key> = argo_apps
                .iter()
                .filter(|(d, w, _)| d == dir && w < wave)
                .map(|(_, _, k)| k.clone())
                .collect();
            if let Some(k) = kustomizations.get_mut(key) {
                k.depends_on = before;
            } else if let Some(r) = releases.get_mut(key) {
                r.depends_on = before;
            }
        }
    }
    // Kommander's apps on the management cluster.
    if let Some(inst) = installation {
        let obj = ObjRef {
            file: naming::INSTALLATION_PATH.to_string(),
            kind: "Installation".to_string(),
            namespace: None,
            name: "kommander".to_string(),
        };
        match &g.management {
            None => malformed.push(Malformed {
                cluster: String::new(),
                obj,
                message: "names no cluster of the tree in `clusterHostname`".into(),
            }),
            Some(m) => {
                let listed = inst
                    .get("apps")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter(|(_, app)| app.get("enabled").and_then(Value::as_bool) != Some(false))
                    .map(|(name, _)| name.as_str());
                let apps: BTreeSet<&str> = listed.chain(KOMMANDER_ALWAYS.iter().copied()).collect();
                for app in apps {
                    let (component, release) = kommander_app(app);
                    installs.push(Install {
                        component,
                        installer: Installer::Kommander,
                        cluster: m.clone(),
                        lands_in: m.clone(),
                        by: obj.clone(),
                        setting: Some(format!("apps.{app}")),
                        chart: None,
                        release: Some((KOMMANDER_NAMESPACE.to_string(), release)),
                    });
                }
            }
        }
    }
    // Where each file lands: the cluster of the Flux Kustomization applying it, else by
    // folder (`addons/` inside the cluster, the rest on the hosting cluster).
    let mut lands: BTreeMap<&str, &str> = BTreeMap::new();
    for k in kustomizations.values() {
        for file in g.files_of(k) {
            lands.insert(file.as_str(), k.target.as_str());
        }
    }
    let mut applied = Vec::new();
    for c in &g.clusters {
        let Some(files) = g.folder_files.get(&naming::cluster_dir(c)) else {
            continue;
        };
        for file in files {
            let inside = file
                .strip_prefix(&format!("{}/", naming::cluster_dir(c)))
                .is_some_and(|rest| rest.starts_with(&format!("{ADDONS_FOLDER}/")));
            let target = match lands.get(file.as_str()) {
                Some(t) => t.to_string(),
                None if inside => c.clone(),
                None => hosting(c),
            };
            for doc in docs.get(file).into_iter().flatten() {
                let Some(group) = str_at(doc, "/apiVersion").map(group_of) else {
                    continue;
                };
                // Built-in kinds need no installer; ConfigMaps are kept for `valuesFrom`.
                if crds::is_built_in(group) && str_at(doc, "/kind") != Some("ConfigMap") {
                    continue;
                }
                if let Some(obj) = obj_ref(file, doc) {
                    applied.push(Applied {
                        obj,
                        group: group.to_string(),
                        target: target.clone(),
                    });
                }
            }
        }
    }
    g.applied = applied;
    // Values files and the ConfigMaps generated from them.
    for path in docs.keys() {
        if let Some(c) = cluster_of_path(path)
            && path.ends_with("-values.yaml")
        {
            g.values_files.push((c.to_string(), path.clone()));
        }
        if let Some(dir) = path.strip_suffix("/kustomization.yaml")
            && cluster_of_path(path).is_some()
            && let Some(k) = kustomization(docs, dir)
        {
            let top_ns = str_at(k, "/namespace");
            for cmg in k
                .get("configMapGenerator")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let files = cmg
                    .get("files")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|entry| {
                        let (key, rel) = entry
                            .split_once('=')
                            .unwrap_or_else(|| (entry.rsplit('/').next().unwrap_or(entry), entry));
                        (key.to_string(), join(dir, rel))
                    })
                    .collect();
                g.generated.push(GeneratedConfigMap {
                    file: path.clone(),
                    name: cmg
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    namespace: cmg
                        .get("namespace")
                        .and_then(Value::as_str)
                        .or(top_ns)
                        .map(str::to_string),
                    files,
                });
            }
        }
    }
    g.installs = installs;
    g.releases = releases;
    g.kustomizations = kustomizations;
    g.malformed = malformed;
    g
}

/// Whether the tree gives Argo CD the Application health check (a `argocd-cm` ConfigMap with
/// [`ARGO_APPLICATION_HEALTH`]): without it a child Application is Healthy as soon as it
/// exists, and sync waves order nothing (argo-cd v3.5.1 docs/operator-manual/health.md,
/// "Argocd App").
fn argo_application_health(docs: &Docs) -> bool {
    objects(docs).any(|(_, doc)| {
        is(doc, "", "ConfigMap")
            && str_at(doc, "/metadata/name") == Some("argocd-cm")
            && doc
                .pointer("/data")
                .and_then(|d| d.get(ARGO_APPLICATION_HEALTH))
                .and_then(Value::as_str)
                .is_some_and(|lua| lua.contains("obj.status.health"))
    })
}

/// The tree file an Argo CD `$values/<path in the repository>` names: the path itself, or
/// without the leading folders of the tree's place in the repository.
fn values_file(docs: &Docs, entry: &str) -> Option<String> {
    let mut rest = entry.strip_prefix("$values/")?.trim_start_matches("./");
    loop {
        if docs.contains_key(rest) {
            return Some(rest.to_string());
        }
        rest = rest.split_once('/')?.1;
    }
}

/// The labels of each cluster's CAPI `Cluster` (what a HelmChartProxy selects on).
fn cluster_labels(docs: &Docs) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (file, doc) in objects(docs) {
        if is(doc, "cluster.x-k8s.io", "Cluster")
            && let Some(name) = str_at(doc, "/metadata/name")
        {
            let labels = doc
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            // The tree names clusters by folder; CAPI by `metadata.name` (the same name).
            let c = cluster_of_path(file).unwrap_or(name).to_string();
            out.insert(c, labels);
        }
    }
    out
}

/// Flux sources by (kind, namespace, name): (url, OCI tag or semver).
type Sources = BTreeMap<(String, String, String), (String, Option<String>)>;

fn sources(docs: &Docs) -> Sources {
    let mut out = Sources::new();
    for (_, doc) in objects(docs) {
        for kind in ["HelmRepository", "OCIRepository"] {
            if is(doc, "source.toolkit.fluxcd.io", kind)
                && let (Some(name), Some(url)) =
                    (str_at(doc, "/metadata/name"), str_at(doc, "/spec/url"))
            {
                let tag = str_at(doc, "/spec/ref/tag")
                    .or_else(|| str_at(doc, "/spec/ref/semver"))
                    .map(str::to_string);
                out.insert(
                    (kind.to_string(), namespace_of(doc), name.to_string()),
                    (url.to_string(), tag),
                );
            }
        }
    }
    out
}

/// The chart a HelmRelease installs, through its source.
fn release_chart(doc: &Value, ns: &str, sources: &Sources) -> Result<Chart, String> {
    let find = |at: &str| -> Result<(String, Option<String>), String> {
        let kind = str_at(doc, &format!("{at}/kind")).unwrap_or("HelmRepository");
        let name = str_at(doc, &format!("{at}/name")).unwrap_or_default();
        let namespace = str_at(doc, &format!("{at}/namespace")).unwrap_or(ns);
        sources
            .get(&(kind.to_string(), namespace.to_string(), name.to_string()))
            .cloned()
            .ok_or_else(|| {
                format!("reads its chart from {kind} {namespace}/{name}, which is not in the tree")
            })
    };
    if doc.pointer("/spec/chartRef").is_some() {
        let (url, tag) = find("/spec/chartRef")?;
        let (repository, chart) = url.rsplit_once('/').unwrap_or(("", &url));
        return Ok(Chart {
            repository: repository.to_string(),
            chart: chart.to_string(),
            version: tag.unwrap_or_default(),
            minor: None,
        });
    }
    let (url, _) = find("/spec/chart/spec/sourceRef")?;
    Ok(Chart {
        repository: url,
        chart: str_at(doc, "/spec/chart/spec/chart")
            .unwrap_or_default()
            .to_string(),
        version: str_at(doc, "/spec/chart/spec/version")
            .unwrap_or_default()
            .to_string(),
        minor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_resolves_paths() {
        assert_eq!(
            join("clusters/a/releases", "x-values.yaml"),
            "clusters/a/releases/x-values.yaml"
        );
        assert_eq!(join("clusters/a", "addons/"), "clusters/a/addons");
        assert_eq!(
            join("clusters/a/releases", "../addons/v.yaml"),
            "clusters/a/addons/v.yaml"
        );
        let mut docs = Docs::new();
        docs.insert(
            "clusters/a/addons/kustomization.yaml".into(),
            vec![crate::json::json!({})],
        );
        assert_eq!(
            resolve_folder(&docs, "./rendered/clusters/a/addons").as_deref(),
            Some("clusters/a/addons")
        );
        assert_eq!(resolve_folder(&docs, "./clusters/b/addons"), None);
    }
}
