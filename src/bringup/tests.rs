//! Mutation tests: a small synthetic tree laid out as the bring-up design fixes it (a capa
//! management cluster with Kommander, a capa workload cluster, an eks and a kops cluster),
//! which passes; then one change at a time, each of which must fail naming the object.

use serde_json::Value;

use crate::json::json;

use super::finding::{Finding, Rule};
use super::{Docs, Facts, check_docs};
use crate::facts::addons::{Addon, EksAddon};

/// The facts rows of the synthetic tree (test data: the real rows are in `ADDONS` and
/// `EKS_ADDONS`).
const FACTS: Facts<'static> = Facts {
    charts: &[
        row(
            "calico-crds",
            "https://docs.tigera.io/calico/charts",
            "crd.projectcalico.org.v1",
            "v3.32.1",
        ),
        row(
            "cert-manager",
            "https://charts.jetstack.io",
            "cert-manager",
            "v1.21.1",
        ),
        row(
            "cluster-autoscaler",
            "https://kubernetes.github.io/autoscaler",
            "cluster-autoscaler",
            "9.59.0",
        ),
        row(
            "external-dns",
            "https://kubernetes-sigs.github.io/external-dns/",
            "external-dns",
            "1.21.1",
        ),
        row(
            "kyverno",
            "https://kyverno.github.io/kyverno/",
            "kyverno",
            "3.6.0",
        ),
        row(
            "pod-identity-webhook",
            "https://jkroepke.github.io/helm-charts/",
            "amazon-eks-pod-identity-webhook",
            "2.6.5",
        ),
    ],
    eks: &[
        EksAddon {
            name: "aws-ebs-csi-driver",
            minor: None,
            version: "v1.48.0-eksbuild.1",
            source: "test data",
        },
        EksAddon {
            name: "vpc-cni",
            minor: Some(34),
            version: "v1.20.0-eksbuild.1",
            source: "test data",
        },
    ],
};

const fn row(
    component: &'static str,
    repository: &'static str,
    chart: &'static str,
    version: &'static str,
) -> Addon {
    Addon {
        component,
        repository,
        chart,
        version,
        images: &[],
        source: "test data",
    }
}

fn kust(resources: &[&str]) -> Value {
    json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources})
}

fn meta(name: &str, ns: Option<&str>, cluster: &str, component: Option<&str>) -> Value {
    let mut labels = json!({"platc.io/cluster": cluster});
    if let Some(c) = component {
        labels["platc.io/component"] = json!(c);
    }
    let mut m = json!({"name": name, "labels": labels});
    if let Some(ns) = ns {
        m["namespace"] = json!(ns);
    }
    m
}

fn capi_cluster(c: &str, ns: &str) -> Value {
    json!({"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster", "metadata": meta(c, Some(ns), c, None)})
}

fn calico_proxy(c: &str, ns: &str) -> Value {
    json!({
        "apiVersion": "addons.cluster.x-k8s.io/v1alpha1", "kind": "HelmChartProxy",
        "metadata": meta(&format!("{c}-calico-crds"), Some(ns), c, Some("calico-crds")),
        "spec": {
            "clusterSelector": {"matchLabels": {"platc.io/cluster": c}},
            "repoURL": "https://docs.tigera.io/calico/charts", "chartName": "crd.projectcalico.org.v1",
            "version": "v3.32.1", "namespace": "kube-system", "releaseName": "calico-crds",
        },
    })
}

fn repo(name: &str, ns: &str, url: &str, c: &str) -> Value {
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
        "metadata": meta(name, Some(ns), c, None), "spec": {"interval": "1h", "url": url},
    })
}

/// A HelmRelease of `component` from the HelmRepository named after it in namespace `ns`,
/// into cluster `c` (remote: through its kubeconfig Secret).
fn release(component: &str, chart: &str, version: &str, ns: &str, c: &str, remote: bool) -> Value {
    let mut spec = json!({
        "interval": "10m", "releaseName": component, "targetNamespace": component,
        "chart": {"spec": {"chart": chart, "version": version,
                  "sourceRef": {"kind": "HelmRepository", "name": component}}},
    });
    if remote {
        spec["kubeConfig"] =
            json!({"secretRef": {"name": format!("{c}-kubeconfig"), "key": "value"}});
    }
    json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": meta(&format!("{c}-{component}"), Some(ns), c, Some(component)), "spec": spec,
    })
}

fn with_values(mut hr: Value, configmap: &str) -> Value {
    hr["spec"]["valuesFrom"] =
        json!([{"kind": "ConfigMap", "name": configmap, "valuesKey": "values.yaml"}]);
    hr
}

fn flux_kustomization(name: &str, ns: &str, path: &str, c: &str) -> Value {
    json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": meta(name, Some(ns), c, None),
        "spec": {"interval": "10m", "path": path, "prune": true,
                 "sourceRef": {"kind": "GitRepository", "name": format!("p-{c}")}},
    })
}

fn issuer(c: &str) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": meta("acme", None, c, None), "spec": {"acme": {}}})
}

fn policy(c: &str) -> Value {
    json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": meta("platc-allowed-image-sources", None, c, None), "spec": {"rules": []}})
}

fn bgp(c: &str) -> Value {
    json!({"apiVersion": "crd.projectcalico.org/v1", "kind": "BGPConfiguration", "metadata": meta("default", None, c, None), "spec": {}})
}

const JETSTACK: &str = "https://charts.jetstack.io";
const KYVERNO: &str = "https://kyverno.github.io/kyverno/";
const EXTERNAL_DNS: &str = "https://kubernetes-sigs.github.io/external-dns/";
const AUTOSCALER: &str = "https://kubernetes.github.io/autoscaler";

/// A capa cluster's folder, its infrastructure and what CAAPH installs (Calico's CRDs).
fn capa_cluster(c: &str, ns: &str) -> Vec<(String, Vec<Value>)> {
    vec![
        (
            format!("clusters/{c}/kustomization.yaml"),
            vec![kust(&["addons/", "infrastructure/", "releases/"])],
        ),
        (
            format!("clusters/{c}/infrastructure/kustomization.yaml"),
            vec![kust(&["bring-up.yaml", "cluster.yaml"])],
        ),
        (
            format!("clusters/{c}/infrastructure/cluster.yaml"),
            vec![capi_cluster(c, ns)],
        ),
        (
            format!("clusters/{c}/infrastructure/bring-up.yaml"),
            vec![calico_proxy(c, ns)],
        ),
    ]
}

/// The whole synthetic tree; it passes the check.
fn tree() -> Docs {
    let mut d = Docs::new();
    let mut put = |path: &str, docs: Vec<Value>| {
        d.insert(path.to_string(), docs);
    };
    // Kommander on `mgmt`: cert-manager always, kube-prometheus-stack listed.
    put(
        "platform/installation.yaml",
        vec![json!({
            "apiVersion": "config.kommander.mesosphere.io/v1alpha1", "kind": "Installation",
            "clusterHostname": "mgmt.example.com",
            "apps": {"kube-prometheus-stack": {"enabled": true}},
        })],
    );
    // mgmt (capa, management): Calico's CRDs by CAAPH; external-dns, kyverno, the pod
    // identity webhook (after Kommander's cert-manager), its own cluster-autoscaler and the
    // one of `eks` by Flux; the addons wait for the releases and for Kommander's cert-manager.
    for (path, docs) in capa_cluster("mgmt", "default") {
        put(&path, docs);
    }
    put(
        "clusters/mgmt/releases/kustomization.yaml",
        vec![json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
            "resources": ["helmreleases.yaml", "sources.yaml"],
            "configMapGenerator": [{"name": "mgmt-external-dns-values", "namespace": "default",
                                    "files": ["values.yaml=external-dns-values.yaml"]}],
        })],
    );
    put(
        "clusters/mgmt/releases/sources.yaml",
        vec![
            repo("external-dns", "default", EXTERNAL_DNS, "mgmt"),
            repo("kyverno", "default", KYVERNO, "mgmt"),
            repo(
                "pod-identity-webhook",
                "default",
                "https://jkroepke.github.io/helm-charts/",
                "mgmt",
            ),
            repo("cluster-autoscaler", "default", AUTOSCALER, "mgmt"),
        ],
    );
    let mut webhook = release(
        "pod-identity-webhook",
        "amazon-eks-pod-identity-webhook",
        "2.6.5",
        "default",
        "mgmt",
        false,
    );
    webhook["spec"]["dependsOn"] = json!([{"name": "cert-manager", "namespace": "kommander"}]);
    put(
        "clusters/mgmt/releases/helmreleases.yaml",
        vec![
            with_values(
                release(
                    "external-dns",
                    "external-dns",
                    "1.21.1",
                    "default",
                    "mgmt",
                    false,
                ),
                "mgmt-external-dns-values",
            ),
            release("kyverno", "kyverno", "3.6.0", "default", "mgmt", false),
            webhook,
            release(
                "cluster-autoscaler",
                "cluster-autoscaler",
                "9.59.0",
                "default",
                "mgmt",
                false,
            ),
        ],
    );
    put(
        "clusters/mgmt/releases/external-dns-values.yaml",
        vec![json!({"policy": "upsert-only"})],
    );
    put(
        "clusters/mgmt/addons/kustomization.yaml",
        vec![kust(&[
            "calico-bgp.yaml",
            "cert-manager.yaml",
            "policies.yaml",
        ])],
    );
    put("clusters/mgmt/addons/calico-bgp.yaml", vec![bgp("mgmt")]);
    put(
        "clusters/mgmt/addons/cert-manager.yaml",
        vec![issuer("mgmt")],
    );
    put("clusters/mgmt/addons/policies.yaml", vec![policy("mgmt")]);
    let mut mgmt_releases = flux_kustomization(
        "p-mgmt-releases",
        "default",
        "./rendered/clusters/mgmt/releases",
        "mgmt",
    );
    mgmt_releases["spec"]["wait"] = json!(true);
    // `healthChecks` beside `wait` are ignored: Kommander's cert-manager is waited for by a
    // Kustomization of its own, without `wait`.
    let mut kommander = flux_kustomization(
        "p-mgmt-kommander",
        "default",
        "./rendered/clusters/mgmt/kommander",
        "mgmt",
    );
    kommander["spec"]["healthChecks"] = json!([
        {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease", "name": "cert-manager", "namespace": "kommander"},
    ]);
    put(
        "clusters/mgmt/kommander/kustomization.yaml",
        vec![kust(&[])],
    );
    let mut mgmt_addons = flux_kustomization(
        "p-mgmt-addons",
        "default",
        "./rendered/clusters/mgmt/addons",
        "mgmt",
    );
    mgmt_addons["spec"]["dependsOn"] =
        json!([{"name": "p-mgmt-releases"}, {"name": "p-mgmt-kommander"}]);
    put(
        "gitops/flux/mgmt.yaml",
        vec![
            flux_kustomization(
                "p-mgmt-infrastructure",
                "default",
                "./rendered/clusters/mgmt/infrastructure",
                "mgmt",
            ),
            kommander,
            mgmt_releases,
            mgmt_addons,
        ],
    );
    // work (capa workload): Calico's CRDs by CAAPH, cert-manager and kyverno by Flux from mgmt.
    for (path, docs) in capa_cluster("work", "work") {
        put(&path, docs);
    }
    put(
        "clusters/work/releases/kustomization.yaml",
        vec![json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
            "resources": ["helmreleases.yaml", "sources.yaml"],
            "configMapGenerator": [{"name": "work-cert-manager-values", "namespace": "work",
                                    "files": ["values.yaml=cert-manager-values.yaml"]}],
        })],
    );
    put(
        "clusters/work/releases/sources.yaml",
        vec![
            repo("cert-manager", "work", JETSTACK, "work"),
            repo("kyverno", "work", KYVERNO, "work"),
        ],
    );
    let mut work_kyverno = release("kyverno", "kyverno", "3.6.0", "work", "work", true);
    work_kyverno["spec"]["dependsOn"] = json!([{"name": "work-cert-manager"}]);
    put(
        "clusters/work/releases/helmreleases.yaml",
        vec![
            with_values(
                release(
                    "cert-manager",
                    "cert-manager",
                    "v1.21.1",
                    "work",
                    "work",
                    true,
                ),
                "work-cert-manager-values",
            ),
            work_kyverno,
        ],
    );
    put(
        "clusters/work/releases/cert-manager-values.yaml",
        vec![json!({"crds": {"enabled": true}})],
    );
    put(
        "clusters/work/addons/kustomization.yaml",
        vec![kust(&[
            "calico-bgp.yaml",
            "cert-manager.yaml",
            "policies.yaml",
        ])],
    );
    put("clusters/work/addons/calico-bgp.yaml", vec![bgp("work")]);
    put(
        "clusters/work/addons/cert-manager.yaml",
        vec![issuer("work")],
    );
    put("clusters/work/addons/policies.yaml", vec![policy("work")]);
    let mut work_releases = flux_kustomization(
        "p-work-releases",
        "work",
        "./rendered/clusters/work/releases",
        "work",
    );
    work_releases["spec"]["wait"] = json!(true);
    let mut work_addons = flux_kustomization(
        "p-work-addons",
        "work",
        "./rendered/clusters/work/addons",
        "work",
    );
    work_addons["spec"]["dependsOn"] = json!([{"name": "p-work-releases"}]);
    work_addons["spec"]["kubeConfig"] =
        json!({"secretRef": {"name": "work-kubeconfig", "key": "value"}});
    put("gitops/flux/work.yaml", vec![work_releases, work_addons]);
    // eks: managed add-ons, cert-manager by Flux, its cluster-autoscaler on mgmt (labelled
    // for eks, no kubeConfig).
    put(
        "clusters/eks/kustomization.yaml",
        vec![kust(&["addons/", "infrastructure/", "releases/"])],
    );
    put(
        "clusters/eks/infrastructure/kustomization.yaml",
        vec![kust(&["cluster.yaml"])],
    );
    put(
        "clusters/eks/infrastructure/cluster.yaml",
        vec![
            capi_cluster("eks", "eks"),
            json!({
                "apiVersion": "controlplane.cluster.x-k8s.io/v1beta2", "kind": "AWSManagedControlPlane",
                "metadata": meta("eks-control-plane", Some("eks"), "eks", None),
                "spec": {"version": "v1.34", "addons": [
                    {"name": "vpc-cni", "version": "v1.20.0-eksbuild.1"},
                    {"name": "aws-ebs-csi-driver", "version": "v1.48.0-eksbuild.1"},
                ]},
            }),
        ],
    );
    put(
        "clusters/eks/releases/kustomization.yaml",
        vec![kust(&["helmreleases.yaml", "sources.yaml"])],
    );
    put(
        "clusters/eks/releases/sources.yaml",
        vec![
            repo("cert-manager", "eks", JETSTACK, "eks"),
            repo("cluster-autoscaler", "eks", AUTOSCALER, "eks"),
        ],
    );
    put(
        "clusters/eks/releases/helmreleases.yaml",
        vec![
            release(
                "cert-manager",
                "cert-manager",
                "v1.21.1",
                "eks",
                "eks",
                true,
            ),
            release(
                "cluster-autoscaler",
                "cluster-autoscaler",
                "9.59.0",
                "eks",
                "eks",
                false,
            ),
        ],
    );
    put(
        "clusters/eks/addons/kustomization.yaml",
        vec![kust(&["cert-manager.yaml"])],
    );
    put("clusters/eks/addons/cert-manager.yaml", vec![issuer("eks")]);
    let mut eks_releases = flux_kustomization(
        "p-eks-releases",
        "eks",
        "./rendered/clusters/eks/releases",
        "eks",
    );
    eks_releases["spec"]["wait"] = json!(true);
    let mut eks_addons = flux_kustomization(
        "p-eks-addons",
        "eks",
        "./rendered/clusters/eks/addons",
        "eks",
    );
    eks_addons["spec"]["dependsOn"] = json!([{"name": "p-eks-releases"}]);
    eks_addons["spec"]["kubeConfig"] =
        json!({"secretRef": {"name": "eks-kubeconfig", "key": "value"}});
    put("gitops/flux/eks.yaml", vec![eks_releases, eks_addons]);
    // kops: cert-manager and Calico by kOps; external-dns by Flux, which the addons wait for.
    put(
        "clusters/kops/kustomization.yaml",
        vec![kust(&["addons/", "releases/"])],
    );
    put(
        "clusters/kops/infrastructure/cluster.yaml",
        vec![json!({
            "apiVersion": "kops.k8s.io/v1alpha2", "kind": "Cluster",
            "metadata": {"name": "kops.example.com"},
            "spec": {"certManager": {"enabled": true}, "networking": {"calico": {}}},
        })],
    );
    put(
        "clusters/kops/releases/kustomization.yaml",
        vec![kust(&["helmreleases.yaml", "sources.yaml"])],
    );
    put(
        "clusters/kops/releases/sources.yaml",
        vec![repo("external-dns", "kops", EXTERNAL_DNS, "kops")],
    );
    put(
        "clusters/kops/releases/helmreleases.yaml",
        vec![release(
            "external-dns",
            "external-dns",
            "1.21.1",
            "kops",
            "kops",
            true,
        )],
    );
    put(
        "clusters/kops/addons/kustomization.yaml",
        vec![kust(&["calico-bgp.yaml", "cert-manager.yaml"])],
    );
    put("clusters/kops/addons/calico-bgp.yaml", vec![bgp("kops")]);
    put(
        "clusters/kops/addons/cert-manager.yaml",
        vec![issuer("kops")],
    );
    let mut kops_releases = flux_kustomization(
        "p-kops-releases",
        "kops",
        "./rendered/clusters/kops/releases",
        "kops",
    );
    kops_releases["spec"]["wait"] = json!(true);
    let mut kops_addons = flux_kustomization(
        "p-kops-addons",
        "kops",
        "./rendered/clusters/kops/addons",
        "kops",
    );
    kops_addons["spec"]["dependsOn"] = json!([{"name": "p-kops-releases"}]);
    kops_addons["spec"]["kubeConfig"] =
        json!({"secretRef": {"name": "kops-kubeconfig", "key": "value"}});
    put("gitops/flux/kops.yaml", vec![kops_releases, kops_addons]);
    d
}

fn run(d: &Docs) -> Vec<Finding> {
    check_docs(d, &FACTS)
}

/// The document of `path` named `name`, to mutate.
fn doc<'a>(d: &'a mut Docs, path: &str, name: &str) -> &'a mut Value {
    d.get_mut(path)
        .unwrap_or_else(|| panic!("no {path}"))
        .iter_mut()
        .find(|v| v["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {path}"))
}

fn remove(d: &mut Docs, path: &str, name: &str) {
    d.get_mut(path)
        .unwrap_or_else(|| panic!("no {path}"))
        .retain(|v| v["metadata"]["name"] != name);
}

/// Asserts a finding of `rule` in `cluster` at object `kind name` of `file`, and returns it.
fn expect(
    findings: &[Finding],
    rule: Rule,
    cluster: &str,
    file: &str,
    kind: &str,
    name: &str,
) -> Finding {
    findings
        .iter()
        .find(|f| {
            f.rule == rule
                && f.cluster == cluster
                && f.object.file == file
                && f.object.kind == kind
                && f.object.name == name
        })
        .cloned()
        .unwrap_or_else(|| {
            let all: Vec<String> = findings.iter().map(ToString::to_string).collect();
            panic!(
                "no {rule:?} finding at {kind} {name} ({file}) in `{cluster}`; found:\n{}",
                all.join("\n")
            )
        })
}

#[test]
fn the_synthetic_tree_comes_up_in_order() {
    let f = run(&tree());
    let all: Vec<String> = f.iter().map(ToString::to_string).collect();
    assert!(f.is_empty(), "{}", all.join("\n"));
}

#[test]
fn the_synthetic_tree_passes_through_yaml() {
    // The same tree as bytes, read as `platc validate` reads a compiled tree.
    let mut t = crate::tree::Tree::new();
    for (path, docs) in tree() {
        let text = if path.ends_with("-values.yaml") || path.ends_with("kustomization.yaml") {
            crate::yaml::write::to_yaml(&docs[0])
        } else {
            crate::yaml::write::to_yaml_stream(&docs)
        };
        t.insert(path, text.into_bytes());
    }
    let docs = super::documents(&t);
    assert_eq!(docs, tree());
    assert!(check_docs(&docs, &FACTS).is_empty());
}

#[test]
fn dropping_a_depends_on_orders_the_issuer_before_cert_manager() {
    let mut d = tree();
    doc(&mut d, "gitops/flux/work.yaml", "p-work-addons")["spec"]
        .as_object_mut()
        .unwrap()
        .remove("dependsOn");
    let f = run(&d);
    let issuer = expect(
        &f,
        Rule::Order,
        "work",
        "clusters/work/addons/cert-manager.yaml",
        "ClusterIssuer",
        "acme",
    );
    assert!(issuer.message.contains("p-work-addons"), "{issuer}");
    assert!(
        issuer.message.contains("work/work-cert-manager"),
        "{issuer}"
    );
    expect(
        &f,
        Rule::Order,
        "work",
        "clusters/work/addons/policies.yaml",
        "ClusterPolicy",
        "platc-allowed-image-sources",
    );
    // Calico's CRDs (CAAPH) are waited for through any release into the cluster.
    let bgp = expect(
        &f,
        Rule::Order,
        "work",
        "clusters/work/addons/calico-bgp.yaml",
        "BGPConfiguration",
        "default",
    );
    assert!(bgp.message.contains("Ready nodes"), "{bgp}");
}

#[test]
fn a_kops_cluster_waits_for_its_addons_through_a_release() {
    let mut d = tree();
    doc(&mut d, "gitops/flux/kops.yaml", "p-kops-addons")["spec"]["dependsOn"] = json!([]);
    let f = run(&d);
    let issuer = expect(
        &f,
        Rule::Order,
        "kops",
        "clusters/kops/addons/cert-manager.yaml",
        "ClusterIssuer",
        "acme",
    );
    assert!(issuer.message.contains("spec.certManager"), "{issuer}");
}

#[test]
fn dropping_a_release_leaves_its_custom_resources_without_crds() {
    let mut d = tree();
    remove(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-kyverno",
    );
    let f = run(&d);
    let p = expect(
        &f,
        Rule::Installer,
        "work",
        "clusters/work/addons/policies.yaml",
        "ClusterPolicy",
        "platc-allowed-image-sources",
    );
    assert!(p.message.contains("kyverno"), "{p}");
    // Dropping cert-manager also orphans its values, and leaves a dangling dependsOn.
    let mut d = tree();
    remove(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-cert-manager",
    );
    let f = run(&d);
    expect(
        &f,
        Rule::Installer,
        "work",
        "clusters/work/addons/cert-manager.yaml",
        "ClusterIssuer",
        "acme",
    );
    expect(
        &f,
        Rule::Values,
        "work",
        "clusters/work/releases/cert-manager-values.yaml",
        "Helm values",
        "cert-manager-values.yaml",
    );
    expect(
        &f,
        Rule::Reference,
        "work",
        "clusters/work/releases/helmreleases.yaml",
        "HelmRelease",
        "work-kyverno",
    );
}

#[test]
fn dropping_the_cni_leaves_bgp_objects_without_crds() {
    let mut d = tree();
    d.insert("clusters/work/infrastructure/bring-up.yaml".into(), vec![]);
    let f = run(&d);
    let bgp = expect(
        &f,
        Rule::Installer,
        "work",
        "clusters/work/addons/calico-bgp.yaml",
        "BGPConfiguration",
        "default",
    );
    assert!(bgp.message.contains("calico-crds"), "{bgp}");
    // kOps' `networking.calico` installs them on kops; another CNI does not.
    let mut d = tree();
    doc(
        &mut d,
        "clusters/kops/infrastructure/cluster.yaml",
        "kops.example.com",
    )["spec"]["networking"] = json!({"cilium": {}});
    let f = run(&d);
    expect(
        &f,
        Rule::Installer,
        "kops",
        "clusters/kops/addons/calico-bgp.yaml",
        "BGPConfiguration",
        "default",
    );
}

#[test]
fn cert_manager_installed_twice_names_both_installers() {
    // Flux next to kOps' certManager.
    let mut d = tree();
    d.get_mut("clusters/kops/releases/sources.yaml")
        .unwrap()
        .push(repo("cert-manager", "kops", JETSTACK, "kops"));
    d.get_mut("clusters/kops/releases/helmreleases.yaml")
        .unwrap()
        .push(release(
            "cert-manager",
            "cert-manager",
            "v1.21.1",
            "kops",
            "kops",
            true,
        ));
    let f = run(&d);
    let hr = expect(
        &f,
        Rule::Twice,
        "kops",
        "clusters/kops/releases/helmreleases.yaml",
        "HelmRelease",
        "kops-cert-manager",
    );
    assert!(hr.message.contains("spec.certManager"), "{hr}");
    expect(
        &f,
        Rule::Twice,
        "kops",
        "clusters/kops/infrastructure/cluster.yaml",
        "Cluster",
        "kops.example.com",
    );
    // Flux next to Kommander on the management cluster.
    let mut d = tree();
    d.get_mut("clusters/mgmt/releases/sources.yaml")
        .unwrap()
        .push(repo("cert-manager", "default", JETSTACK, "mgmt"));
    d.get_mut("clusters/mgmt/releases/helmreleases.yaml")
        .unwrap()
        .push(release(
            "cert-manager",
            "cert-manager",
            "v1.21.1",
            "default",
            "mgmt",
            false,
        ));
    let f = run(&d);
    let hr = expect(
        &f,
        Rule::Twice,
        "mgmt",
        "clusters/mgmt/releases/helmreleases.yaml",
        "HelmRelease",
        "mgmt-cert-manager",
    );
    assert!(hr.message.contains("apps.cert-manager"), "{hr}");
    expect(
        &f,
        Rule::Twice,
        "mgmt",
        "platform/installation.yaml",
        "Installation",
        "kommander",
    );
}

#[test]
fn an_orphaned_values_file_is_named() {
    let mut d = tree();
    d.insert(
        "clusters/work/releases/extra-values.yaml".into(),
        vec![json!({"a": 1})],
    );
    let f = run(&d);
    let v = expect(
        &f,
        Rule::Values,
        "work",
        "clusters/work/releases/extra-values.yaml",
        "Helm values",
        "extra-values.yaml",
    );
    assert!(v.message.contains("no configMapGenerator"), "{v}");
    // A generated ConfigMap no release reads.
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-cert-manager",
    )["spec"]
        .as_object_mut()
        .unwrap()
        .remove("valuesFrom");
    let f = run(&d);
    let v = expect(
        &f,
        Rule::Values,
        "work",
        "clusters/work/releases/cert-manager-values.yaml",
        "Helm values",
        "cert-manager-values.yaml",
    );
    assert!(v.message.contains("no HelmRelease reads"), "{v}");
}

#[test]
fn values_read_under_the_wrong_key_or_by_two_releases_are_named() {
    // Without `values.yaml=`, the data key is the file's name, and Flux reads `values.yaml`.
    let mut d = tree();
    d.get_mut("clusters/work/releases/kustomization.yaml")
        .unwrap()[0]["configMapGenerator"][0]["files"] = json!(["cert-manager-values.yaml"]);
    let f = run(&d);
    let r = expect(
        &f,
        Rule::Values,
        "work",
        "clusters/work/releases/helmreleases.yaml",
        "HelmRelease",
        "work-cert-manager",
    );
    assert!(r.message.contains("valuesKey"), "{r}");
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-kyverno",
    )["spec"]["valuesFrom"] = json!([{"kind": "ConfigMap", "name": "work-cert-manager-values"}]);
    let f = run(&d);
    let v = expect(
        &f,
        Rule::Values,
        "work",
        "clusters/work/releases/cert-manager-values.yaml",
        "Helm values",
        "cert-manager-values.yaml",
    );
    assert!(
        v.message.contains("work-kyverno") && v.message.contains("work-cert-manager"),
        "{v}"
    );
}

#[test]
fn a_version_outside_the_facts_table_is_named() {
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-cert-manager",
    )["spec"]["chart"]["spec"]["version"] = json!("v1.20.0");
    let f = run(&d);
    let v = expect(
        &f,
        Rule::Version,
        "work",
        "clusters/work/releases/helmreleases.yaml",
        "HelmRelease",
        "work-cert-manager",
    );
    assert!(
        v.message.contains("v1.20.0") && v.message.contains("v1.21.1"),
        "{v}"
    );
    // A managed add-on, and a chart from another repository.
    let mut d = tree();
    doc(
        &mut d,
        "clusters/eks/infrastructure/cluster.yaml",
        "eks-control-plane",
    )["spec"]["addons"][0]["version"] = json!("v1.19.0-eksbuild.1");
    doc(&mut d, "clusters/mgmt/releases/sources.yaml", "kyverno")["spec"]["url"] =
        json!("https://example.com/charts");
    let f = run(&d);
    let a = expect(
        &f,
        Rule::Version,
        "eks",
        "clusters/eks/infrastructure/cluster.yaml",
        "AWSManagedControlPlane",
        "eks-control-plane",
    );
    assert!(
        a.message.contains("vpc-cni") && a.message.contains("EKS_ADDONS"),
        "{a}"
    );
    expect(
        &f,
        Rule::Version,
        "mgmt",
        "clusters/mgmt/releases/helmreleases.yaml",
        "HelmRelease",
        "mgmt-kyverno",
    );
    // The right version for another Kubernetes minor is not pinned for this one.
    let mut d = tree();
    doc(
        &mut d,
        "clusters/eks/infrastructure/cluster.yaml",
        "eks-control-plane",
    )["spec"]["version"] = json!("v1.33");
    let f = run(&d);
    let a = expect(
        &f,
        Rule::Version,
        "eks",
        "clusters/eks/infrastructure/cluster.yaml",
        "AWSManagedControlPlane",
        "eks-control-plane",
    );
    assert!(
        a.message.contains("1.33") && a.message.contains("for 1.34"),
        "{a}"
    );
}

#[test]
fn a_depends_on_cycle_is_named() {
    let mut d = tree();
    doc(&mut d, "gitops/flux/work.yaml", "p-work-releases")["spec"]["dependsOn"] =
        json!([{"name": "p-work-addons"}]);
    let f = run(&d);
    let c = f
        .iter()
        .find(|f| f.rule == Rule::Cycle)
        .expect("a cycle finding");
    assert!(
        c.message.contains("work/p-work-addons") && c.message.contains("work/p-work-releases"),
        "{c}"
    );
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-cert-manager",
    )["spec"]["dependsOn"] = json!([{"name": "work-kyverno"}]);
    let f = run(&d);
    let c = f
        .iter()
        .find(|f| f.rule == Rule::Cycle)
        .expect("a cycle finding");
    assert_eq!(c.object.kind, "HelmRelease", "{c}");
}

#[test]
fn health_checks_beside_wait_are_ignored_as_flux_ignores_them() {
    // kustomize-controller v1.9.4 CRD: `wait` "When enabled, the HealthChecks are ignored".
    let mut d = tree();
    doc(&mut d, "gitops/flux/mgmt.yaml", "p-mgmt-kommander")["spec"]["wait"] = json!(true);
    let f = run(&d);
    let i = expect(
        &f,
        Rule::Order,
        "mgmt",
        "clusters/mgmt/addons/cert-manager.yaml",
        "ClusterIssuer",
        "acme",
    );
    assert!(i.message.contains("kommander/cert-manager"), "{i}");
    // The policies still wait: `wait` on the releases covers the kyverno release.
    assert!(
        !f.iter()
            .any(|f| f.object.name == "platc-allowed-image-sources"),
        "{f:?}"
    );
}

#[test]
fn unreadable_installers_and_dangling_references_are_named() {
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/infrastructure/bring-up.yaml",
        "work-calico-crds",
    )["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("platc.io/component");
    doc(&mut d, "gitops/flux/eks.yaml", "p-eks-addons")["spec"]["path"] =
        json!("./rendered/clusters/eks/missing");
    remove(&mut d, "clusters/eks/releases/sources.yaml", "cert-manager");
    let f = run(&d);
    expect(
        &f,
        Rule::Shape,
        "work",
        "clusters/work/infrastructure/bring-up.yaml",
        "HelmChartProxy",
        "work-calico-crds",
    );
    expect(
        &f,
        Rule::Reference,
        "eks",
        "gitops/flux/eks.yaml",
        "Kustomization",
        "p-eks-addons",
    );
    let s = expect(
        &f,
        Rule::Shape,
        "eks",
        "clusters/eks/releases/helmreleases.yaml",
        "HelmRelease",
        "eks-cert-manager",
    );
    assert!(s.message.contains("HelmRepository eks/cert-manager"), "{s}");
}

#[test]
fn a_release_without_its_kubeconfig_lands_on_the_management_cluster() {
    let mut d = tree();
    doc(
        &mut d,
        "clusters/work/releases/helmreleases.yaml",
        "work-kyverno",
    )["spec"]
        .as_object_mut()
        .unwrap()
        .remove("kubeConfig");
    let f = run(&d);
    // Kyverno now lands on mgmt, which the policies of `work` do not see.
    let p = expect(
        &f,
        Rule::Installer,
        "work",
        "clusters/work/addons/policies.yaml",
        "ClusterPolicy",
        "platc-allowed-image-sources",
    );
    assert!(p.message.contains("into cluster `work`"), "{p}");
}

#[test]
fn a_cluster_autoscaler_on_the_management_cluster_serves_its_labelled_cluster() {
    // The base tree has mgmt's autoscaler and eks's (both landing on mgmt): not twice. A
    // second one for eks is.
    let mut d = tree();
    let mut again = release(
        "cluster-autoscaler",
        "cluster-autoscaler",
        "9.59.0",
        "eks",
        "eks",
        true,
    );
    again["metadata"]["name"] = json!("eks-cluster-autoscaler-2");
    d.get_mut("clusters/eks/releases/helmreleases.yaml")
        .unwrap()
        .push(again);
    let f = run(&d);
    let t = expect(
        &f,
        Rule::Twice,
        "eks",
        "clusters/eks/releases/helmreleases.yaml",
        "HelmRelease",
        "eks-cluster-autoscaler-2",
    );
    assert!(t.message.contains("eks/eks-cluster-autoscaler "), "{t}");
    assert!(!f.iter().any(|f| f.cluster == "mgmt"), "{f:?}");
}

#[test]
fn kommander_releases_may_be_depended_on_but_other_missing_ones_may_not() {
    let mut d = tree();
    doc(
        &mut d,
        "clusters/mgmt/releases/helmreleases.yaml",
        "mgmt-pod-identity-webhook",
    )["spec"]["dependsOn"] = json!([{"name": "cert-manager", "namespace": "cert-manager"}]);
    let f = run(&d);
    let r = expect(
        &f,
        Rule::Reference,
        "mgmt",
        "clusters/mgmt/releases/helmreleases.yaml",
        "HelmRelease",
        "mgmt-pod-identity-webhook",
    );
    assert!(r.message.contains("cert-manager/cert-manager"), "{r}");
}
