//! The platform layer and the add-ons around it: embedded values blocks that would not read back
//! stop the render, every ACME provider × solver gives a valid ClusterIssuer, no golden tree
//! holds a literal secret, the monitoring workloads' placement equals the monitoring pool's
//! taints and label, and values and Kommander objects are checked against their schemas.

use std::collections::{BTreeMap, BTreeSet};

use platc::diag::Code;
use platc::generate::{Content, Output};
use platc::pipeline::{self, Input};
use platc::tree::Tree;
use platc::yaml::write;
use serde_json::{Value, json};

use crate::support::{compile, docs, read_tree, root};

/// An Installation-like document whose `values` string was written from `tree`.
fn output_embedding(tree: &Value) -> Output {
    let mut out = Output::new();
    let doc = json!({"apps": {"x": {"values": write::to_yaml(tree)}}});
    out.add("platform/x.yaml", "test", Content::Document(doc))
        .unwrap();
    out.embed("platform/x.yaml", "/apps/x/values", tree.clone());
    out
}

#[test]
fn an_embedded_values_block_that_does_not_read_back_stops_the_render() {
    // A control: a tree that round-trips emits.
    let good = json!({"a": {"b": ["c", 1, true, null]}, "yes": "no"});
    assert!(pipeline::emit_verified(&output_embedding(&good), "bp.yaml").is_ok());
    // kustomize's writer folds a NEL into a space (goyaml.v2 reads its own JSON that way), so
    // this tree cannot come back from its YAML text: an internal error, no tree to write.
    let bad = json!({"connector": {"name": "One\u{85}login"}});
    let diags = pipeline::emit_verified(&output_embedding(&bad), "bp.yaml")
        .expect_err("a values block that reads back differently must stop the render");
    let diags: Vec<_> = diags.into_iter().collect();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::Internal);
    assert!(
        diags[0].message.contains("/apps/x/values"),
        "{}",
        diags[0].message
    );
    // A float that reads back as an integer is caught too.
    let float = json!({"replicas": 1.0});
    assert!(pipeline::emit_verified(&output_embedding(&float), "bp.yaml").is_err());
}

const PROVIDERS: &[&str] = &[
    "letsencrypt",
    "letsencrypt-staging",
    "zerossl",
    "sslcom-rsa",
    "sslcom-ecc",
    "custom",
];

fn issuer_blueprint(provider: &str, solver: &str) -> String {
    let eab = if matches!(provider, "zerossl" | "sslcom-rsa" | "sslcom-ecc" | "custom") {
        "      externalAccountBinding:\n        keyID: kid-1\n        keySecretRef: {name: eab, key: hmac}\n"
    } else {
        ""
    };
    let server = if provider == "custom" {
        "      server: https://acme.pki.internal.cloud/directory\n"
    } else {
        ""
    };
    format!(
        "apiVersion: platc.io/v1alpha1\nkind: Platform\nmetadata:\n  name: p\nspec:\n  domain: p.example.cloud\n  \
         aws:\n    accountID: \"123456789012\"\n    region: eu-central-1\n    hostedZoneID: Z0ABCDEF123456\n  \
         certificates:\n    acme:\n      provider: {provider}\n      email: ops@p-example.cloud\n{server}{eab}      solver: {solver}\n  \
         clusters:\n    - name: a\n      provider: capa\n      kubernetesVersion: v1.33.5\n      availabilityZones: [eu-central-1a]\n      \
         controlPlane: {{replicas: 1, instanceType: m5.large}}\n      nodePools:\n        - {{name: w, instanceType: m5.large, replicas: 1}}\n"
    )
}

#[test]
fn cluster_issuers_of_every_provider_and_solver_validate() {
    for provider in PROVIDERS {
        for solver in ["http01", "dns01-route53"] {
            let case = format!("{provider} × {solver}");
            let tree = compile("bp.yaml", &issuer_blueprint(provider, solver))
                .unwrap_or_else(|d| panic!("{case} does not compile: {d:?}"));
            let problems = platc::validate::validate_tree(&tree);
            assert!(problems.is_empty(), "{case}: {problems:?}");
            let text =
                std::str::from_utf8(tree.get("clusters/a/addons/cert-manager.yaml").unwrap())
                    .unwrap();
            let issuer = &docs("cert-manager.yaml", text)[0];
            let acme = &issuer["spec"]["acme"];
            let eab = &acme["externalAccountBinding"];
            if provider.starts_with("letsencrypt") {
                assert!(eab.is_null(), "{case}: Let's Encrypt has no EAB");
            } else {
                assert_eq!(eab["keyID"], "kid-1", "{case}");
                assert_eq!(eab["keySecretRef"], json!({"name": "eab", "key": "hmac"}));
                assert!(
                    eab.get("keyAlgorithm").is_none(),
                    "{case}: keyAlgorithm is deprecated"
                );
            }
            assert!(
                acme["server"].as_str().unwrap().starts_with("https://"),
                "{case}"
            );
            let solver_obj = &acme["solvers"][0];
            if solver == "http01" {
                assert_eq!(
                    solver_obj["http01"]["ingress"]["ingressClassName"],
                    "traefik"
                );
            } else {
                let route53 = &solver_obj["dns01"]["route53"];
                assert_eq!(
                    route53,
                    &json!({"hostedZoneID": "Z0ABCDEF123456", "region": "eu-central-1"}),
                    "{case}: IRSA means no credentials at all"
                );
            }
        }
    }
}

/// Keys that look like credentials and are not: settings named after them.
const NOT_SECRETS: &[&str] = &[
    // CAPA's instance metadata option (IMDSv2 required): a setting, not a token.
    "httpTokens",
];

/// The key of a scalar that could be a credential.
fn secret_key(key: &str) -> bool {
    if NOT_SECRETS.contains(&key) {
        return false;
    }
    let k = key.to_ascii_lowercase();
    [
        "secret",
        "password",
        "token",
        "hmac",
        "privatekey",
        "private_key",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// A string under a secret-looking key is allowed only as a reference: an environment
/// variable (`$NAME`), or the name of a Secret or of a file.
fn check_no_literal_secret(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = format!("{at}/{k}");
                if let Value::String(s) = child
                    && secret_key(k)
                {
                    let lower = k.to_ascii_lowercase();
                    let reference = s.starts_with('$')
                        || lower.ends_with("name")
                        || lower.ends_with("file")
                        || lower.ends_with("ref")
                        // The cluster autoscaler chart's name of its kubeconfig Secret.
                        || k == "clusterAPIKubeconfigSecret";
                    if !reference {
                        out.push(format!("{here}: literal `{s}`"));
                    }
                }
                // Embedded values blocks are YAML too: look inside them.
                if k == "values"
                    && let Value::String(block) = child
                {
                    for d in docs(&here, block) {
                        check_no_literal_secret(&d, &here, out);
                    }
                }
                check_no_literal_secret(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_no_literal_secret(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_golden_tree_holds_a_literal_secret() {
    // A control: the slip of the demo repository (a client secret inside a values block).
    let mut control = Vec::new();
    let slip = json!({"apps": {"dex": {"values": "config:\n  clientSecret: 5f3a9c\n"}}});
    check_no_literal_secret(&slip, "", &mut control);
    assert_eq!(control.len(), 1, "{control:?}");
    let aws_key =
        regex::Regex::new(r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b").unwrap();
    let mut problems = Vec::new();
    let mut scanned = 0;
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        for (path, bytes) in read_tree(&dir) {
            let text = String::from_utf8(bytes).unwrap();
            let label = format!("{}/{path}", dir.display());
            scanned += 1;
            if aws_key.is_match(&text) || text.contains("PRIVATE KEY-----") {
                problems.push(format!("{label}: key material"));
            }
            if path.ends_with(".yaml") {
                for d in docs(&label, &text) {
                    check_no_literal_secret(&d, &label, &mut problems);
                }
            }
        }
    }
    assert!(scanned > 100, "too few files scanned: {scanned}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The taints and labels a pool's nodes get, from its KubeadmConfigTemplate.
fn pool_registration(file: &str) -> (BTreeSet<(String, String, String)>, BTreeSet<String>) {
    let mut taints = BTreeSet::new();
    let mut labels = BTreeSet::new();
    for d in docs("pool", file) {
        if d["kind"] != "KubeadmConfigTemplate" {
            continue;
        }
        let reg = &d["spec"]["template"]["spec"]["joinConfiguration"]["nodeRegistration"];
        for t in reg["taints"].as_array().into_iter().flatten() {
            taints.insert((
                t["key"].as_str().unwrap().to_string(),
                t["value"].as_str().unwrap_or_default().to_string(),
                t["effect"].as_str().unwrap().to_string(),
            ));
        }
        // v1beta2: a list of {name, value}; v1beta1: a map.
        let args = &reg["kubeletExtraArgs"];
        let node_labels = args
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == "node-labels"))
            .map(|x| &x["value"])
            .unwrap_or(&args["node-labels"]);
        if let Some(text) = node_labels.as_str() {
            labels.extend(text.split(',').map(str::to_string));
        }
    }
    (taints, labels)
}

const PLACED: &[&str] = &[
    "/prometheus/prometheusSpec",
    "/alertmanager/alertmanagerSpec",
    "/grafana",
    "/prometheusOperator",
    "/kube-state-metrics",
];

#[test]
fn monitoring_placement_equals_the_monitoring_pool() {
    let mut with_pool = 0;
    let mut without_pool = 0;
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let tree = read_tree(&entry.unwrap().path());
        let clusters: BTreeSet<&str> = tree
            .keys()
            .filter_map(|p| p.strip_prefix("clusters/")?.split('/').next())
            .collect();
        // The management cluster's kube-prometheus-stack is Kommander's: its values are the
        // Installation's app block.
        let kommander_values = tree.get("platform/installation.yaml").and_then(|b| {
            let doc = docs("installation", std::str::from_utf8(b).unwrap()).remove(0);
            let block = doc["apps"]["kube-prometheus-stack"]["values"]
                .as_str()?
                .to_string();
            Some(docs("values", &block).remove(0))
        });
        for cluster in clusters {
            let file = tree
                .get(&format!(
                    "clusters/{cluster}/releases/monitoring-values.yaml"
                ))
                .map(|v| docs("values", std::str::from_utf8(v).unwrap()).remove(0));
            // With monitoring on, only the management cluster has no values file of its own.
            let is_management = file.is_none()
                && tree.contains_key(&format!("clusters/{cluster}/infrastructure/cluster.yaml"));
            let Some(values) =
                file.or_else(|| is_management.then(|| kommander_values.clone()).flatten())
            else {
                continue;
            };
            let values = &values;
            let pools: BTreeMap<_, _> = tree
                .iter()
                .filter(|(p, _)| {
                    p.starts_with(&format!("clusters/{cluster}/infrastructure/nodepool-"))
                })
                .map(|(p, b)| {
                    (
                        p.clone(),
                        pool_registration(std::str::from_utf8(b).unwrap()),
                    )
                })
                .collect();
            let monitoring = pools
                .values()
                .find(|(_, labels)| labels.contains("dedicated=monitoring"));
            assert_eq!(
                values["prometheus-node-exporter"]["tolerations"],
                json!([{"operator": "Exists"}]),
                "node-exporter tolerates everything"
            );
            match monitoring {
                Some((taints, _)) => {
                    with_pool += 1;
                    for at in PLACED {
                        let v = values
                            .pointer(at)
                            .unwrap_or_else(|| panic!("{cluster}: {at}"));
                        assert_eq!(
                            v["nodeSelector"],
                            json!({"dedicated": "monitoring"}),
                            "{cluster}{at}"
                        );
                        let tolerated: BTreeSet<_> = v["tolerations"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|t| {
                                (
                                    t["key"].as_str().unwrap().to_string(),
                                    t["value"].as_str().unwrap_or_default().to_string(),
                                    t["effect"].as_str().unwrap().to_string(),
                                )
                            })
                            .collect();
                        assert_eq!(
                            &tolerated, taints,
                            "{cluster}{at}: tolerations = the pool's taints"
                        );
                    }
                }
                None => {
                    without_pool += 1;
                    for at in PLACED {
                        if let Some(v) = values.pointer(at) {
                            assert!(v.get("nodeSelector").is_none(), "{cluster}{at}");
                            assert!(v.get("tolerations").is_none(), "{cluster}{at}");
                        }
                    }
                }
            }
        }
    }
    assert!(
        with_pool >= 2 && without_pool >= 2,
        "{with_pool} / {without_pool}"
    );
}

#[test]
fn external_dns_values_are_judged_by_the_charts_schema() {
    use platc::validate::values;
    assert_eq!(
        values::chart_of_file("clusters/a/addons/external-dns-values.yaml"),
        Some("external-dns")
    );
    assert_eq!(
        values::chart_of_file("clusters/a/addons/monitoring-values.yaml"),
        None
    );
    assert!(
        values::check("external-dns", &json!({"policy": "sync"}))
            .unwrap()
            .is_empty()
    );
    let bad = values::check(
        "external-dns",
        &json!({"policy": "delete-all", "logLevel": 3}),
    )
    .unwrap();
    let pointers: BTreeSet<_> = bad.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        BTreeSet::from(["/logLevel", "/policy"]),
        "{bad:?}"
    );
    // And in a rendered tree: a values file with a wrong field fails `platc validate`.
    let mut tree = Tree::new();
    tree.insert(
        "clusters/a/addons/external-dns-values.yaml",
        "policy: sometimes\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, Code::OutputSchema);
    // A HelmRelease's inline values of such a chart too (the object itself is schema-valid).
    let mut tree = Tree::new();
    tree.insert(
        "clusters/a/releases/helmreleases.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: a-external-dns\n  namespace: default\n\
         spec:\n  chart:\n    spec:\n      chart: external-dns\n      sourceRef:\n        kind: HelmRepository\n        name: a-external-dns\n\
         \x20 interval: 10m\n  values:\n    policy: sometimes\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, Code::OutputSchema);
    assert!(problems[0].message.contains("/spec/values"), "{problems:?}");
    // The same values as an Installation app's block are judged by the same schema.
    let mut tree = Tree::new();
    tree.insert(
        "platform/installation.yaml",
        "apiVersion: config.kommander.mesosphere.io/v1alpha1\nkind: Installation\n\
         apps:\n  external-dns:\n    enabled: true\n    values: |\n      policy: sometimes\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("external-dns values in `/apps/external-dns/values`: /policy"),
        "{}",
        problems[0].message
    );
}

#[test]
fn kommander_objects_are_judged_by_platcs_schemas() {
    let mut tree = Tree::new();
    tree.insert(
        "platform/access.yaml",
        "apiVersion: workspaces.kommander.mesosphere.io/v1alpha1\n\
         kind: VirtualGroupWorkspaceRoleBinding\n\
         metadata: {name: x, namespace: ws}\n\
         spec:\n  virtualGroupRef: {name: g}\n  placement: {clusterSelector: {}}\n---\n\
         apiVersion: kommander.mesosphere.io/v1beta1\nkind: VirtualGroup\nmetadata: {name: g}\n\
         spec:\n  subjects: [{kind: Team, name: x}]\n---\n\
         apiVersion: workspaces.kommander.mesosphere.io/v1alpha1\nkind: Project\nmetadata: {name: p}\n",
    );
    // The installer configuration: a values block must be a string (a YAML document as text).
    tree.insert(
        "platform/installation.yaml",
        "apiVersion: config.kommander.mesosphere.io/v1alpha1\nkind: Installation\n\
         apps:\n  dex:\n    values: {config: {}}\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    let messages: Vec<_> = problems.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(problems.len(), 4, "{messages:#?}");
    assert!(messages[0].contains("workspaceRoleRef"), "{messages:#?}");
    assert!(messages[1].contains("Team"), "{messages:#?}");
    assert!(messages[2].contains("no bundled schema"), "{messages:#?}");
    assert!(messages[3].contains("/apps/dex"), "{messages:#?}");
}

/// Issue 20 item 7: SSO on capa clusters without a management cluster (so without
/// Kommander's dex) is the API server's own `--oidc-*` flags, groups prefixed `oidc:`, in
/// both shapes of kubeadm's `extraArgs` (a map in v1beta1, a list of `{name, value}` in
/// v1beta2); the tree validates. A removed flag, or a wrong prefix, fails.
#[test]
fn sso_without_a_management_cluster_is_the_api_servers_oidc_flags() {
    let identity = "  identity:\n    oidc:\n      connector: {id: okta, name: Okta}\n      issuerURL: https://okta.example-idp.cloud\n      \
         clientID: abc123\n      usernameClaim: upn\n      clientSecretRef: {name: dex, key: secret}\n  clusters:\n";
    let want = [
        ("oidc-issuer-url", "https://okta.example-idp.cloud"),
        ("oidc-client-id", "abc123"),
        ("oidc-username-claim", "upn"),
        ("oidc-groups-claim", "groups"),
        ("oidc-groups-prefix", "oidc:"),
    ];
    for version in ["v1beta2", "v1beta1"] {
        let bp = issuer_blueprint("letsencrypt", "http01")
            .replace("  clusters:\n", identity)
            .replace(
                "  domain: p.example.cloud\n",
                &format!("  domain: p.example.cloud\n  targets:\n    clusterAPI: {version}\n"),
            );
        let tree = compile("bp.yaml", &bp).unwrap_or_else(|d| panic!("{version}: {d:?}"));
        let problems = platc::validate::validate_tree(&tree);
        assert!(problems.is_empty(), "{version}: {problems:?}");
        let text = std::str::from_utf8(
            tree.get("clusters/a/infrastructure/control-plane.yaml")
                .unwrap(),
        )
        .unwrap();
        let kcp = docs("control-plane.yaml", text)
            .into_iter()
            .find(|d| d["kind"] == "KubeadmControlPlane")
            .expect("a KubeadmControlPlane");
        let args =
            &kcp["spec"]["kubeadmConfigSpec"]["clusterConfiguration"]["apiServer"]["extraArgs"];
        for (name, value) in want {
            let got = if version == "v1beta2" {
                args.as_array()
                    .and_then(|list| list.iter().find(|a| a["name"] == name))
                    .map(|a| a["value"].clone())
            } else {
                args.get(name).cloned()
            };
            assert_eq!(got, Some(json!(value)), "{version}: {name} in {args}");
        }
    }
}

/// dex names a user by the same claim in `sub` as in its name (D2iQ's guides: `userIDKey:
/// email` with `userNameKey: email`), in the Installation of the reference's management
/// cluster; a blueprint's `usernameClaim` moves both.
#[test]
fn dex_takes_the_user_id_from_the_username_claim() {
    let reference = std::fs::read_to_string(root().join("tests/data/reference/reference.yaml"))
        .expect("reference blueprint");
    let beside = platc::beside::Disk::new(root().join("tests/data/reference"));
    let keys = |text: &str| {
        let input = Input {
            display_name: "reference.yaml".into(),
            file_name: "reference.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let tree = pipeline::compile(&input, &beside).expect("compiles").tree;
        let bytes = tree
            .get("platform/installation.yaml")
            .expect("installation");
        let inst = docs("installation.yaml", std::str::from_utf8(bytes).unwrap()).remove(0);
        let values = inst["spec"]["apps"]["dex"]["values"]
            .as_str()
            .or_else(|| inst["apps"]["dex"]["values"].as_str())
            .expect("dex values");
        let dex = docs("dex values", values).remove(0);
        let config = &dex["config"]["connectors"][0]["config"];
        (config["userIDKey"].clone(), config["userNameKey"].clone())
    };
    assert_eq!(keys(&reference), (json!("email"), json!("email")));
    assert!(
        reference.contains("      usernameClaim: email\n"),
        "the reference's OIDC block moved"
    );
    let preferred = reference.replacen(
        "      usernameClaim: email\n",
        "      usernameClaim: preferred_username\n",
        1,
    );
    assert_eq!(
        keys(&preferred),
        (json!("preferred_username"), json!("preferred_username"))
    );
}
