//! Production hardening in the golden trees: no registry credential anywhere (only Secret
//! names and keys), Calico's peers select exactly the reflector pool's label and taint, the
//! API server's audit and admission flags point at files that are written and mounted and
//! that parse as their upstream kinds; and a user's audit policy file is read beside the
//! blueprint only, with errors at its own line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use platc::generate::hardening::{audit, calico, mirrors, pod_security};
use platc::source::SourceFile;
use platc::validate::{Outcome, check_embedded, check_value};
use platc::yaml::read::{ReadOptions, read_stream};

use crate::support::{golden_objects, platc, read_tree, root, stderr};

fn kind(v: &Value) -> &str {
    v["kind"].as_str().unwrap_or_default()
}

/// The kubeadm config spec of a KubeadmControlPlane or KubeadmConfigTemplate.
fn kubeadm_spec(v: &Value) -> Option<&Value> {
    match kind(v) {
        "KubeadmControlPlane" => v.pointer("/spec/kubeadmConfigSpec"),
        "KubeadmConfigTemplate" => v.pointer("/spec/template/spec"),
        _ => None,
    }
}

/// A value of kubeadm extra arguments (v1beta2 list or v1beta1 map).
fn arg<'a>(args: &'a Value, name: &str) -> Option<&'a str> {
    match args {
        Value::Array(items) => items
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["value"].as_str()),
        Value::Object(m) => m.get(name).and_then(Value::as_str),
        _ => None,
    }
}

#[test]
fn no_registry_credential_reaches_a_golden_tree() {
    // What a Docker config file or a registry login carries.
    let forbidden = [
        "\"auths\"",
        "\"auth\"",
        "password",
        "identitytoken",
        "dockerconfigjson\":",
    ];
    let mut secret_files = 0;
    for (case, files) in golden_objects() {
        let raw = read_tree(&root().join("golden").join(&case));
        for (path, bytes) in &raw {
            let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
            for f in forbidden {
                assert!(!text.contains(f), "{case}/{path} contains `{f}`");
            }
        }
        for (path, objects) in files {
            for object in &objects {
                let Some(spec) = kubeadm_spec(object) else {
                    continue;
                };
                for file in spec["files"].as_array().into_iter().flatten() {
                    let target = file["path"].as_str().unwrap();
                    if let Some(from) = file.get("contentFrom") {
                        // Only a Secret's name and key, never content.
                        assert!(file.get("content").is_none(), "{case}/{path} {target}");
                        let secret = from["secret"].as_object().unwrap();
                        let keys: Vec<&String> = secret.keys().collect();
                        assert_eq!(keys, ["key", "name"], "{case}/{path} {target}");
                        secret_files += 1;
                    }
                    if target == mirrors::KUBELET_CREDENTIALS_PATH {
                        assert!(file.get("contentFrom").is_some(), "{case}/{path}");
                        assert_eq!(file["permissions"], "0600", "{case}/{path}");
                    }
                }
            }
        }
    }
    assert!(
        secret_files >= 8,
        "too few credential files checked: {secret_files}"
    );
}

/// `key == 'value'` of a Calico selector.
fn selector_label(selector: &str) -> (String, String) {
    let (key, value) = selector.split_once(" == ").expect("an equality selector");
    (key.to_string(), value.trim_matches('\'').to_string())
}

#[test]
fn calico_peers_select_the_reflector_pool() {
    let mut clusters = 0;
    for (case, files) in golden_objects() {
        for (path, objects) in &files {
            if !path.ends_with("/addons/calico-bgp.yaml") {
                continue;
            }
            clusters += 1;
            let cluster_dir = path.trim_end_matches("/addons/calico-bgp.yaml");
            let config: Vec<&Value> = objects
                .iter()
                .filter(|o| kind(o) == "BGPConfiguration")
                .collect();
            assert_eq!(config.len(), 1, "{case}/{path}");
            assert_eq!(config[0]["metadata"]["name"], "default");
            assert_eq!(config[0]["spec"]["nodeToNodeMeshEnabled"], false);
            assert!(config[0]["spec"]["asNumber"].as_u64().is_some());
            let peers: Vec<&Value> = objects.iter().filter(|o| kind(o) == "BGPPeer").collect();
            assert_eq!(
                peers.len(),
                2,
                "{case}/{path}: one to the reflectors, one among them"
            );
            let to_reflectors = peers
                .iter()
                .find(|p| p["spec"]["nodeSelector"] == "all()")
                .expect("a peer from every node");
            let among = peers
                .iter()
                .find(|p| p["spec"]["nodeSelector"] != "all()")
                .expect("a peer among the reflectors");
            let reflector = selector_label(to_reflectors["spec"]["peerSelector"].as_str().unwrap());
            assert_eq!(
                selector_label(among["spec"]["nodeSelector"].as_str().unwrap()),
                reflector
            );
            assert_eq!(
                selector_label(among["spec"]["peerSelector"].as_str().unwrap()),
                reflector
            );
            for peer in &peers {
                // A peer with a selector takes its AS number from the selected nodes.
                assert!(peer["spec"].get("asNumber").is_none());
                assert!(peer["spec"].get("peerIP").is_none());
            }
            // Exactly the reflector pool carries the selected label, and the same taint.
            let label = format!("{}={}", reflector.0, reflector.1);
            let mut reflector_templates = 0;
            for (p, objs) in &files {
                if !p.starts_with(&format!("{cluster_dir}/infrastructure/")) {
                    continue;
                }
                for o in objs.iter().filter(|o| kind(o) == "KubeadmConfigTemplate") {
                    let reg = o
                        .pointer("/spec/template/spec/joinConfiguration/nodeRegistration")
                        .unwrap();
                    let labels = arg(&reg["kubeletExtraArgs"], "node-labels").unwrap_or_default();
                    let labelled = labels.split(',').any(|l| l == label);
                    let tainted = reg["taints"].as_array().into_iter().flatten().any(|t| {
                        t["key"] == reflector.0.as_str()
                            && t["value"] == reflector.1.as_str()
                            && t["effect"] == "NoSchedule"
                    });
                    assert_eq!(labelled, tainted, "{case}/{p}: label and taint go together");
                    if labelled {
                        reflector_templates += 1;
                        let post = o
                            .pointer("/spec/template/spec/postKubeadmCommands")
                            .unwrap();
                        assert!(
                            post.to_string().contains(calico::CLUSTER_ID_ANNOTATION),
                            "{case}/{p}: reflectors set their cluster ID"
                        );
                    }
                }
            }
            assert_eq!(
                reflector_templates, 1,
                "{case}/{cluster_dir}: one reflector pool"
            );
        }
    }
    assert!(
        clusters >= 3,
        "too few route-reflector clusters: {clusters}"
    );
}

#[test]
fn api_server_flags_point_at_written_mounted_files_of_their_kinds() {
    let mut checked = 0;
    for (case, files) in golden_objects() {
        for (path, objects) in files {
            for kcp in objects.iter().filter(|o| kind(o) == "KubeadmControlPlane") {
                let spec = &kcp["spec"]["kubeadmConfigSpec"];
                let api = &spec["clusterConfiguration"]["apiServer"];
                let written: BTreeMap<&str, &str> = spec["files"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| Some((f["path"].as_str()?, f["content"].as_str()?)))
                    .collect();
                let mounted = |file: &str, writable: bool| {
                    api["extraVolumes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|v| {
                            let mount = v["mountPath"].as_str().unwrap();
                            file.starts_with(&format!("{mount}/"))
                                && v["hostPath"] == mount
                                && (!writable || v["readOnly"] == false)
                        })
                };
                if let Some(policy) = arg(&api["extraArgs"], "audit-policy-file") {
                    assert_eq!(policy, audit::POLICY_PATH);
                    let content = written.get(policy).expect("the policy file is written");
                    assert!(check_embedded(policy, content).is_empty(), "{case}/{path}");
                    let src = SourceFile::new(policy, content.to_string());
                    let doc = read_stream(&src, &ReadOptions::kustomize()).unwrap()[0].to_json();
                    assert_eq!(check_value(&doc), Outcome::Checked(Vec::new()));
                    assert_eq!(
                        (doc["apiVersion"].as_str(), kind(&doc)),
                        (Some("audit.k8s.io/v1"), "Policy")
                    );
                    assert!(mounted(policy, false), "{case}/{path}: policy mounted");
                    let log = arg(&api["extraArgs"], "audit-log-path").unwrap();
                    assert!(
                        mounted(log, true),
                        "{case}/{path}: log folder mounted writable"
                    );
                    for flag in [
                        "audit-log-maxage",
                        "audit-log-maxbackup",
                        "audit-log-maxsize",
                    ] {
                        let v: u32 = arg(&api["extraArgs"], flag).unwrap().parse().unwrap();
                        assert!(v > 0, "{case}/{path}: {flag}");
                    }
                    checked += 1;
                }
                if let Some(config) = arg(&api["extraArgs"], "admission-control-config-file") {
                    assert_eq!(config, pod_security::CONFIG_PATH);
                    let content = written.get(config).expect("the admission file is written");
                    assert!(check_embedded(config, content).is_empty(), "{case}/{path}");
                    let src = SourceFile::new(config, content.to_string());
                    let doc = read_stream(&src, &ReadOptions::kustomize()).unwrap()[0].to_json();
                    assert_eq!(kind(&doc), "AdmissionConfiguration");
                    let plugin = &doc["plugins"][0];
                    assert_eq!(plugin["name"], "PodSecurity");
                    assert_eq!(kind(&plugin["configuration"]), "PodSecurityConfiguration");
                    assert_eq!(
                        check_value(&plugin["configuration"]),
                        Outcome::Checked(Vec::new())
                    );
                    let exempt = plugin["configuration"]["exemptions"]["namespaces"]
                        .as_array()
                        .unwrap();
                    assert!(exempt.iter().any(|n| n == "kube-system"));
                    assert!(
                        mounted(config, false),
                        "{case}/{path}: admission config mounted"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked >= 5,
        "too few API server settings checked: {checked}"
    );
}

fn render_in(dir: &Path, blueprint: &str) -> std::process::Output {
    std::fs::write(dir.join("platform.yaml"), blueprint).unwrap();
    platc(dir, &["render", "-f", "platform.yaml", "-o", "out"])
}

const WITH_POLICY: &str = "apiVersion: platc.io/v1alpha1
kind: Platform
metadata: {name: p}
spec:
  domain: example.cloud
  aws: {region: eu-west-1}
  security:
    auditLog: {enabled: true, policy: POLICY}
  clusters:
    - name: c
      provider: capa
      kubernetesVersion: v1.33.5
      availabilityZones: [eu-west-1a]
      image: {ami: ami-0123456789abcdef0}
      controlPlane: {replicas: 1, instanceType: m5.large}
      nodePools:
        - {name: w, instanceType: m5.large, replicas: 1}
";

#[test]
fn a_bad_audit_policy_file_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("audit")).unwrap();
    std::fs::write(
        dir.path().join("audit/policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n",
    )
    .unwrap();
    let o = render_in(
        dir.path(),
        &WITH_POLICY.replace("POLICY", "audit/policy.yaml"),
    );
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("--> audit/policy.yaml:4:12"), "{err}");
    assert!(err.contains("/rules/0/level"), "{err}");
    assert!(err.contains("spec.security.auditLog.policy"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing is written");

    std::fs::write(
        dir.path().join("audit/policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n",
    )
    .unwrap();
    let o = render_in(
        dir.path(),
        &WITH_POLICY.replace("POLICY", "audit/policy.yaml"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let kcp = std::fs::read_to_string(
        dir.path()
            .join("out/clusters/c/infrastructure/control-plane.yaml"),
    )
    .unwrap();
    assert!(
        kcp.contains("        rules:\n        - level: Metadata\n"),
        "{kcp}"
    );
}

#[test]
fn an_audit_policy_outside_the_blueprints_folder_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = render_in(dir.path(), &WITH_POLICY.replace("POLICY", "../policy.yaml"));
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(stderr(&o).contains("spec.security.auditLog.policy"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("policy.yaml"),
            dir.path().join("link.yaml"),
        )
        .unwrap();
        let o = render_in(dir.path(), &WITH_POLICY.replace("POLICY", "link.yaml"));
        assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("leaves the blueprint's folder"),
            "{}",
            stderr(&o)
        );
    }
    let o = render_in(dir.path(), &WITH_POLICY.replace("POLICY", "missing.yaml"));
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read the audit policy `missing.yaml`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn golden_image_policies_admit_their_sources_and_nothing_else() {
    use platc::generate::hardening::kyverno::eval::matches;
    let pod = |image: &str, slot: &str| {
        let mut spec = serde_json::Map::new();
        spec.insert(
            "containers".into(),
            serde_json::json!([{"name": "app", "image": "registry.k8s.io/pause:3.10"}]),
        );
        spec.insert(
            slot.into(),
            serde_json::json!([{"name": "x", "image": image}]),
        );
        serde_json::json!({"spec": spec})
    };
    let mut policies = 0;
    for (case, files) in golden_objects() {
        let sources: Vec<String> = {
            let text =
                std::fs::read_to_string(root().join("blueprints").join(format!("{case}.yaml")))
                    .unwrap();
            let src = SourceFile::new("bp", text);
            let bp = read_stream(&src, &ReadOptions::kustomize()).unwrap()[0].to_json();
            bp.pointer("/spec/registries/allowedImageSources")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        for (path, objects) in &files {
            for policy in objects.iter().filter(|o| kind(o) == "ClusterPolicy") {
                policies += 1;
                let rule = &policy["spec"]["rules"][0];
                assert_eq!(
                    rule["validate"]["failureAction"], "Enforce",
                    "{case}/{path}"
                );
                let excluded = rule["exclude"]["any"][0]["resources"]["namespaces"].to_string();
                assert!(excluded.contains("\"kube-system\""), "{case}/{path}");
                let pattern = &rule["validate"]["pattern"];
                for slot in ["containers", "initContainers", "ephemeralContainers"] {
                    for source in &sources {
                        let image = if source.ends_with('/') {
                            format!("{source}team/app:1.0")
                        } else {
                            format!("{source}:1.0")
                        };
                        assert!(
                            matches(pattern, &pod(&image, slot)).unwrap(),
                            "{case}: {image} in {slot}"
                        );
                        let host = source.split('/').next().unwrap();
                        let evil = format!("{host}.evil.example/{}", &source[host.len() + 1..]);
                        assert!(
                            !matches(pattern, &pod(&evil, slot)).unwrap(),
                            "{case}: {evil} in {slot}"
                        );
                    }
                    for refused in [
                        "registry.k8s.io.evil.example/x",
                        "nginx",
                        "evil.example/app:1",
                    ] {
                        assert!(
                            !matches(pattern, &pod(refused, slot)).unwrap(),
                            "{case}: {refused} in {slot}"
                        );
                    }
                }
            }
        }
    }
    assert!(policies >= 4, "too few policies evaluated: {policies}");
}
