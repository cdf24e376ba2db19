//! The releases, namespaces and Flux Kustomizations of the reference blueprint (every
//! section) and variants of it: who installs what, what waits for what, which values file
//! each release reads, the Pod Security of their namespaces, and every platform image
//! against the cluster's own image policy.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{images, plan};
use crate::facts::addons;
use crate::generate::hardening::kyverno;
use crate::generate::test_support::{REFERENCE, reference_with, resolved};
use crate::generate::{self, Content, Output};
use crate::naming;

fn output(text: &str) -> Output {
    generate::generate(&resolved(text)).expect("generates")
}

fn objects(out: &Output, path: &str) -> Vec<Value> {
    match out.get(path).map(|f| &f.content) {
        Some(Content::Objects(o)) => o.clone(),
        None => Vec::new(),
        Some(other) => panic!("{path} holds {other:?}"),
    }
}

fn releases(out: &Output, cluster: &str) -> Vec<Value> {
    objects(
        out,
        &format!("{}/helmreleases.yaml", naming::releases_dir(cluster)),
    )
}

fn components(out: &Output, cluster: &str) -> Vec<String> {
    releases(out, cluster)
        .iter()
        .map(|r| {
            r["metadata"]["labels"][naming::LABEL_COMPONENT]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn release<'a>(list: &'a [Value], component: &str) -> &'a Value {
    list.iter()
        .find(|r| r["metadata"]["labels"][naming::LABEL_COMPONENT] == component)
        .unwrap_or_else(|| panic!("no release of {component}"))
}

#[test]
fn one_installer_per_component() {
    let out = output(REFERENCE);
    // Kommander installs cert-manager, external-dns and kube-prometheus-stack on the
    // management cluster; kOps installs cert-manager, the autoscaler and the webhook.
    assert_eq!(
        components(&out, "management"),
        ["cluster-autoscaler", "kyverno", "pod-identity-webhook"]
    );
    assert_eq!(
        components(&out, "sandbox-eks"),
        [
            "cert-manager",
            "cluster-autoscaler",
            "external-dns",
            "kube-prometheus-stack",
            "kyverno"
        ]
    );
    assert_eq!(
        components(&out, "legacy-kops"),
        ["external-dns", "kube-prometheus-stack", "kyverno"]
    );
}

#[test]
fn the_autoscaler_exists_exactly_where_a_capa_or_eks_pool_autoscales() {
    let fixed = reference_with(&[("autoscaling: {min: 2, max: 6}", "replicas: 2")]);
    let out = output(&fixed);
    assert!(!components(&out, "sandbox-eks").contains(&"cluster-autoscaler".to_string()));
    assert!(components(&out, "management").contains(&"cluster-autoscaler".to_string()));
    let out = output(REFERENCE);
    let list = releases(&out, "sandbox-eks");
    let ca = release(&list, "cluster-autoscaler");
    // A workload cluster's autoscaler runs on the management cluster, beside the objects it
    // scales, and reaches the cluster through Cluster API's kubeconfig Secret.
    assert!(ca["spec"].get("kubeConfig").is_none());
    assert_eq!(
        ca["spec"]["values"]["clusterAPIMode"],
        "kubeconfig-incluster"
    );
    assert_eq!(
        ca["spec"]["values"]["clusterAPIKubeconfigSecret"],
        "sandbox-eks-kubeconfig"
    );
    assert_eq!(
        ca["spec"]["values"]["autoDiscovery"]["clusterName"],
        "sandbox-eks"
    );
    assert_eq!(ca["spec"]["targetNamespace"], "sandbox");
    let own = releases(&out, "management");
    let own = release(&own, "cluster-autoscaler");
    assert_eq!(
        own["spec"]["values"]["clusterAPIMode"],
        "incluster-incluster"
    );
}

#[test]
fn releases_name_their_facts_row_and_reach_workload_clusters_remotely() {
    let out = output(REFERENCE);
    for cluster in ["management", "sandbox-eks", "legacy-kops"] {
        for rel in releases(&out, cluster) {
            let component = rel["metadata"]["labels"][naming::LABEL_COMPONENT]
                .as_str()
                .unwrap();
            let row = addons::addon(component).expect("a facts row");
            assert_eq!(rel["spec"]["chart"]["spec"]["chart"], row.chart);
            assert_eq!(rel["spec"]["chart"]["spec"]["version"], row.version);
            assert_eq!(rel["metadata"]["labels"][naming::LABEL_CLUSTER], cluster);
            let remote = cluster != "management" && component != plan::CLUSTER_AUTOSCALER;
            assert_eq!(
                rel["spec"].get("kubeConfig").is_some(),
                remote,
                "{cluster} {component}"
            );
        }
        let sources = objects(
            &out,
            &format!("{}/sources.yaml", naming::releases_dir(cluster)),
        );
        assert_eq!(sources.len(), releases(&out, cluster).len());
    }
}

#[test]
fn every_values_file_is_read_by_exactly_one_release() {
    for text in [
        REFERENCE.to_string(),
        reference_with(&[("workloadIdentity: irsa", "workloadIdentity: node-role")]),
    ] {
        let out = output(&text);
        let mut read: BTreeMap<String, usize> = BTreeMap::new();
        for (dir, generated) in out.config_maps() {
            let helm = objects(&out, &format!("{dir}/helmreleases.yaml"));
            for g in generated {
                assert!(
                    out.get(&format!("{dir}/{}", g.file)).is_some(),
                    "{dir}/{}",
                    g.file
                );
                let readers = helm
                    .iter()
                    .filter(|r| {
                        r["spec"]["valuesFrom"]
                            .as_array()
                            .is_some_and(|v| v.iter().any(|f| f["name"] == g.name.as_str()))
                    })
                    .count();
                assert_eq!(readers, 1, "{}", g.name);
                *read.entry(format!("{dir}/{}", g.file)).or_default() += 1;
            }
        }
        for (path, _) in out.files() {
            if path.ends_with("-values.yaml") {
                assert_eq!(read.get(path), Some(&1), "{path} is read by one release");
                assert!(path.contains("/releases/"), "{path}");
            }
        }
    }
}

#[test]
fn releases_wait_for_what_they_need() {
    let out = output(REFERENCE);
    let list = releases(&out, "management");
    let webhook = release(&list, "pod-identity-webhook");
    // Its serving certificate comes from cert-manager, Kommander's on the management cluster.
    assert_eq!(
        webhook["spec"]["dependsOn"],
        crate::json::json!([{"name": "cert-manager", "namespace": "kommander"}])
    );
    assert_eq!(
        webhook["spec"]["values"]["mutatingWebhook"]["failurePolicy"],
        "Ignore"
    );
    let flux = |c: &str| objects(&out, &naming::flux_path(c));
    let kustomization = |c: &str, suffix: &str| {
        flux(c)
            .into_iter()
            .find(|o| o["metadata"]["name"] == format!("demo-{c}-{suffix}"))
            .unwrap_or_else(|| panic!("no {suffix} of {c}"))
    };
    for c in ["management", "sandbox-eks", "legacy-kops"] {
        let releases = kustomization(c, "releases");
        assert_eq!(releases["spec"]["wait"], true);
        assert_eq!(
            releases["spec"]["dependsOn"][0]["name"],
            format!("demo-{c}-namespaces")
        );
        assert!(releases["spec"].get("kubeConfig").is_none());
        let addons = kustomization(c, "addons");
        assert_eq!(
            addons["spec"]["dependsOn"][0]["name"],
            format!("demo-{c}-releases")
        );
        let remote = c != "management";
        assert_eq!(addons["spec"].get("kubeConfig").is_some(), remote);
        assert_eq!(
            kustomization(c, "namespaces")["spec"]
                .get("kubeConfig")
                .is_some(),
            remote
        );
    }
    // Kommander's cert-manager is checked where `wait` does not hide the check (the
    // namespaces, which the releases and so the add-ons depend on).
    assert_eq!(
        kustomization("management", "namespaces")["spec"]["healthChecks"][0]["name"],
        "cert-manager"
    );
    assert!(
        kustomization("management", "releases")["spec"]
            .get("healthChecks")
            .is_none()
    );
    // A commit creates the capa and eks clusters; kOps applies its own input.
    assert!(
        flux("management")
            .iter()
            .any(|o| o["metadata"]["name"] == "demo-management-infrastructure")
    );
    assert!(
        flux("sandbox-eks")
            .iter()
            .any(|o| o["metadata"]["name"] == "demo-sandbox-eks-infrastructure")
    );
    assert!(
        !flux("legacy-kops")
            .iter()
            .any(|o| o["metadata"]["name"] == "demo-legacy-kops-infrastructure")
    );
}

#[test]
fn namespaces_carry_the_pod_security_level_their_component_needs() {
    let out = output(REFERENCE);
    for c in ["sandbox-eks", "legacy-kops", "management"] {
        let ns = objects(
            &out,
            &format!("{}/namespaces.yaml", naming::namespaces_dir(c)),
        );
        let levels: BTreeMap<&str, &str> = ns
            .iter()
            .map(|n| {
                let labels = &n["metadata"]["labels"];
                for key in ["audit", "warn"] {
                    assert_eq!(
                        labels[format!("pod-security.kubernetes.io/{key}")],
                        labels["pod-security.kubernetes.io/enforce"]
                    );
                }
                (
                    n["metadata"]["name"].as_str().unwrap(),
                    labels["pod-security.kubernetes.io/enforce"]
                        .as_str()
                        .unwrap(),
                )
            })
            .collect();
        for rel in releases(&out, c) {
            if rel["metadata"]["labels"][naming::LABEL_COMPONENT] == plan::CLUSTER_AUTOSCALER {
                continue;
            }
            let target = rel["spec"]["targetNamespace"].as_str().unwrap();
            let want = if target == plan::MONITORING_NAMESPACE {
                "privileged"
            } else {
                "baseline"
            };
            assert_eq!(levels.get(target), Some(&want), "{c}: {target}");
        }
    }
}

/// Every `tolerations` list in the releases' values (files and inline), by JSON pointer.
fn tolerations(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = format!("{at}/{k}");
                if k == "tolerations" {
                    out.push(here.clone());
                }
                tolerations(child, here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                tolerations(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn only_daemonsets_and_the_monitoring_pool_tolerate_taints() {
    let out = output(REFERENCE);
    for (path, file) in out.files() {
        if !path.contains("/releases/") {
            continue;
        }
        let mut found = Vec::new();
        match &file.content {
            Content::Document(v) => tolerations(v, String::new(), &mut found),
            Content::Objects(o) => {
                for obj in o {
                    tolerations(&obj["spec"]["values"], String::new(), &mut found);
                }
            }
            _ => {}
        }
        for at in found {
            // node-exporter (a DaemonSet) tolerates every taint; the monitoring workloads
            // tolerate their dedicated pool's, and only on a cluster that has one.
            assert!(
                at == "/prometheus-node-exporter/tolerations"
                    || (path.ends_with("monitoring-values.yaml") && at.ends_with("/tolerations")),
                "{path}: {at}"
            );
        }
    }
}

#[test]
fn the_policy_admits_a_mirrored_registry_only_where_nodes_use_the_mirror() {
    let r = resolved(REFERENCE);
    let sources =
        |c: &str| images::cluster_sources(&r, r.clusters.iter().find(|x| x.name == c).unwrap());
    assert!(sources("management").contains(&"docker.io/".to_string()));
    assert!(sources("legacy-kops").contains(&"docker.io/".to_string()));
    assert!(!sources("sandbox-eks").contains(&"docker.io/".to_string()));
    // On eks, grafana is pulled from the mirror by name, with the mirror's credentials.
    let out = output(REFERENCE);
    let list = releases(&out, "sandbox-eks");
    let grafana = &release(&list, "kube-prometheus-stack")["spec"]["values"]["grafana"]["image"];
    assert_eq!(grafana["registry"], "registry-mirror.example.cloud");
    assert_eq!(
        grafana["pullSecrets"],
        crate::json::json!(["dockerhub-mirror"])
    );
    // Kyverno from ghcr.io (reg.kyverno.io is not allowed), the webhook from Docker Hub.
    let mgmt = releases(&out, "management");
    assert_eq!(
        release(&mgmt, "kyverno")["spec"]["values"]["global"]["image"]["registry"],
        "ghcr.io"
    );
    assert_eq!(
        release(&mgmt, "pod-identity-webhook")["spec"]["values"]["image"]["registry"],
        "docker.io"
    );
}

/// The test the issue asks for: every image reference platc configures for the platform's
/// components, against the image policy rendered for the cluster it runs on.
#[test]
fn every_platform_image_is_admitted_by_the_rendered_policy() {
    let r = resolved(REFERENCE);
    let out = generate::generate(&r).unwrap();
    let mut listed = BTreeSet::new();
    for c in &r.clusters {
        for component in plan::components(&r, c) {
            let running = images::running_cluster(&r, c, component);
            let policy = objects(
                &out,
                &format!(
                    "{}/addons/policies.yaml",
                    naming::cluster_dir(&running.name)
                ),
            );
            let pattern = &policy[0]["spec"]["rules"][0]["validate"]["pattern"];
            let selected = images::select(&r, running, component)
                .unwrap_or_else(|e| panic!("{}: {e:?}", c.name));
            assert!(!selected.images.is_empty(), "{component}");
            for image in &selected.images {
                let pod = crate::json::json!({"spec": {"containers": [{"image": format!("{image}:v1")}]}});
                let admitted = kyverno::eval::matches(pattern, &pod).unwrap();
                // Kyverno's own namespace is outside its webhooks.
                assert!(
                    admitted || component == plan::KYVERNO,
                    "{}: {image} of {component}",
                    running.name
                );
                listed.insert(image.clone());
            }
        }
    }
    // Every image chosen is one of its component's facts row.
    let known: BTreeSet<String> = addons::ADDONS
        .iter()
        .flat_map(|a| a.images.iter().map(|i| i.to_string()))
        .collect();
    for image in &listed {
        assert!(
            known.contains(image) || image.starts_with("registry-mirror.example.cloud/"),
            "{image} is in no facts row"
        );
    }
    assert!(listed.len() > 15, "{listed:?}");
}

#[test]
fn an_image_no_source_admits_is_reported_naming_component_and_field() {
    let text = reference_with(&[("      - quay.io/\n", "")]);
    let r = resolved(&text);
    let refused = images::check(&r);
    assert!(
        refused
            .iter()
            .any(|(i, e)| r.clusters[*i].name == "sandbox-eks" && e.component == plan::CERT_MANAGER),
        "{refused:?}"
    );
    // Kyverno's own images are never refused (its namespace is exempt from its webhooks).
    assert!(refused.iter().all(|(_, e)| e.component != plan::KYVERNO));
    let loaded = crate::blueprint::load::load("t.yaml", text.as_bytes()).unwrap();
    let warnings = crate::pipeline::refused_images(&loaded, &r);
    assert!(warnings.iter().any(|d| d.message.contains("cert-manager")
        && d.message.contains("spec.registries.allowedImageSources")
        && d.path.as_deref() == Some("spec.registries.allowedImageSources")));
    // The reference admits every one.
    assert!(images::check(&resolved(REFERENCE)).is_empty());
}

/// A Harbor proxy-cache project (`registries.mirrors[].path`): the image policy admits the
/// mirrored registry when the project is admitted, not when only another project of the same
/// host is, and an eks cluster pulls from the project by name.
#[test]
fn a_mirror_path_is_part_of_the_admitted_prefix_and_of_the_name_on_eks() {
    let mirror = (
        "        endpoint: https://registry-mirror.example.cloud\n",
        "        endpoint: https://registry-mirror.example.cloud\n        path: /v2/dockerhub-proxy\n",
    );
    let r = resolved(&reference_with(&[mirror]));
    let mgmt = r.clusters.iter().find(|x| x.name == "management").unwrap();
    assert!(images::cluster_sources(&r, mgmt).contains(&"docker.io/".to_string()));
    let out = generate::generate(&r).unwrap();
    let list = releases(&out, "sandbox-eks");
    let grafana = &release(&list, "kube-prometheus-stack")["spec"]["values"]["grafana"]["image"];
    assert_eq!(
        grafana["registry"],
        "registry-mirror.example.cloud/dockerhub-proxy"
    );

    let other_project = reference_with(&[
        mirror,
        (
            "      - registry-mirror.example.cloud/\n",
            "      - registry-mirror.example.cloud/quay-proxy/\n",
        ),
    ]);
    let r = resolved(&other_project);
    let mgmt = r.clusters.iter().find(|x| x.name == "management").unwrap();
    assert!(!images::cluster_sources(&r, mgmt).contains(&"docker.io/".to_string()));
}
