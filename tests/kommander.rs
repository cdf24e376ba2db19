//! Issue 20, what Kommander would refuse: the Installation's external-dns in the form of the
//! chart Kommander installs (Bitnami's), the full app list of the targeted Kommander release,
//! one working ACME issuer on the management cluster (Kommander's, with EAB), the licence as a
//! License object that refers to a Secret, and the golden tree of the public Kommander demo's
//! management cluster.

use std::collections::BTreeSet;

use platc::diag::Code;
use platc::facts::kommander::{self, Enabled};
use platc::tree::Tree;
use platc::validate::values;
use serde_json::{Value, json};

use crate::support::{compile, docs, read_tree, render_text, root, stderr};

fn golden_file(case: &str, path: &str) -> Option<String> {
    std::fs::read_to_string(root().join("golden").join(case).join(path)).ok()
}

/// Every golden case with a management cluster, and its Installation.
fn installations() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let case = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(text) = golden_file(&case, "platform/installation.yaml") {
            out.push((case, docs("installation.yaml", &text).remove(0)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 5, "{} golden installations", out.len());
    out
}

/// The blueprint of golden case `case`.
fn blueprint(case: &str) -> Value {
    let text = std::fs::read_to_string(root().join(format!("blueprints/{case}.yaml"))).unwrap();
    docs("bp.yaml", &text).remove(0)
}

/// The values tree of app `app` in an Installation.
fn app_values(inst: &Value, app: &str) -> Option<Value> {
    let text = inst["apps"][app]["values"].as_str()?;
    Some(docs("values", text).remove(0))
}

/// Item 1: the Installation's external-dns block is Bitnami's form (a string provider, the
/// region in `aws.region`, the zone in `zoneIdFilters`, no kubernetes-sigs `env` or list
/// `extraArgs`) with the management cluster's region, GovCloud's included, and passes the
/// Bitnami values schema; the other clusters' values files keep the kubernetes-sigs form.
#[test]
fn installation_external_dns_is_bitnamis_form_with_the_clusters_region() {
    let mut seen = 0;
    for (case, inst) in installations() {
        let Some(v) = app_values(&inst, "external-dns") else {
            continue;
        };
        seen += 1;
        let bp = blueprint(&case);
        let spec = &bp["spec"];
        let management = spec["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["management"] == json!(true))
            .unwrap();
        let region = management["region"]
            .as_str()
            .or(spec["aws"]["region"].as_str())
            .unwrap();
        assert_eq!(v["provider"], json!("aws"), "{case}: {v}");
        assert_eq!(v["aws"]["region"], json!(region), "{case}: {v}");
        assert!(
            v.get("env").is_none() && v.get("extraArgs").is_none(),
            "{case}: {v}"
        );
        if let Some(zone) = spec["aws"]["hostedZoneID"].as_str() {
            assert_eq!(v["zoneIdFilters"], json!([zone]), "{case}");
        }
        assert!(v["txtOwnerId"].is_string(), "{case}");
        let problems = values::check(values::BITNAMI_EXTERNAL_DNS, &v).unwrap();
        assert!(problems.is_empty(), "{case}: {problems:?}");
    }
    assert!(seen >= 4, "{seen} installations with external-dns");
    // GovCloud: the Bitnami chart's default region (us-east-1) would send it to the wrong
    // partition; the golden GovCloud blueprint with external-dns added.
    let gov = std::fs::read_to_string(root().join("blueprints/iam-govcloud.yaml"))
        .unwrap()
        .replace(
            "  certificates:\n",
            "  dns:\n    provider: route53\n  certificates:\n",
        );
    let tree = compile("bp.yaml", &gov).expect("GovCloud with external-dns compiles");
    let inst = docs(
        "i",
        std::str::from_utf8(tree.get("platform/installation.yaml").unwrap()).unwrap(),
    )
    .remove(0);
    let gov_values = app_values(&inst, "external-dns").unwrap();
    assert_eq!(
        gov_values["aws"]["region"],
        json!("us-gov-west-1"),
        "{gov_values}"
    );
    assert!(
        values::check(values::BITNAMI_EXTERNAL_DNS, &gov_values)
            .unwrap()
            .is_empty()
    );
    // A workload cluster's values file is read by the kubernetes-sigs chart: its form.
    let sandbox = golden_file(
        "platform-reference",
        "clusters/sandbox/releases/external-dns-values.yaml",
    )
    .expect("the sandbox cluster's external-dns values");
    let sandbox = docs("v", &sandbox).remove(0);
    assert_eq!(sandbox["provider"], json!({"name": "aws"}), "{sandbox}");
}

/// Item 1: the Bitnami schema refuses the kubernetes-sigs form that Bitnami's template would
/// render as `--provider=map[...]`, `--0=...` and a us-east-1 region; in a tree, `platc
/// validate` reports the block at its place.
#[test]
fn the_bitnami_schema_refuses_the_kubernetes_sigs_form() {
    let sigs = json!({
        "provider": {"name": "aws"},
        "extraArgs": ["--zone-id-filter=Z1"],
        "env": [{"name": "AWS_DEFAULT_REGION", "value": "us-gov-west-1"}],
        "policy": "upsert-only",
        "aws": {"zoneType": "both"},
    });
    let problems = values::check(values::BITNAMI_EXTERNAL_DNS, &sigs).unwrap();
    let pointers: BTreeSet<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        BTreeSet::from(["", "/provider", "/extraArgs", "/aws/zoneType"]),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|(p, m)| p.is_empty() && m.contains("env")),
        "{problems:?}"
    );
    // The same block in an Installation fails validation; the values file of another cluster
    // in that form is still the kubernetes-sigs chart's and passes.
    let mut tree = Tree::new();
    tree.insert(
        "platform/installation.yaml",
        "apiVersion: config.kommander.mesosphere.io/v1alpha1\nkind: Installation\n\
         apps:\n  external-dns:\n    enabled: true\n    values: |\n      provider:\n        name: aws\n",
    );
    tree.insert(
        "clusters/a/releases/external-dns-values.yaml",
        "provider:\n  name: aws\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, Code::OutputSchema);
    assert!(
        problems[0]
            .message
            .contains("bitnami/external-dns values in `/apps/external-dns/values`: /provider"),
        "{}",
        problems[0].message
    );
}

/// Item 2: every Installation lists every app of the targeted Kommander release, each with a
/// boolean `enabled` following its row's rule (`kommander` always on, external-dns with DNS,
/// kube-prometheus-stack with monitoring), and no app the release does not have.
#[test]
fn every_installation_lists_the_full_app_set_enabled_from_the_blueprint() {
    for (case, inst) in installations() {
        let bp = blueprint(&case);
        let apps = inst["apps"].as_object().expect("apps");
        let listed: BTreeSet<&str> = apps.keys().map(String::as_str).collect();
        let known: BTreeSet<&str> = kommander::APPS.iter().map(|a| a.name).collect();
        assert_eq!(listed, known, "{case}");
        for app in kommander::APPS {
            let want = match app.enabled {
                Enabled::Always => true,
                Enabled::Dns => !bp["spec"]["dns"].is_null(),
                Enabled::Monitoring => !bp["spec"]["monitoring"].is_null(),
                Enabled::Never => false,
            };
            assert_eq!(
                apps[app.name]["enabled"],
                json!(want),
                "{case}: {}",
                app.name
            );
        }
        assert_eq!(apps["kommander"]["enabled"], json!(true), "{case}");
        // Values only for enabled apps.
        for (name, entry) in apps {
            if entry.get("values").is_some() {
                assert_eq!(entry["enabled"], json!(true), "{case}: {name}");
            }
        }
    }
}

/// The ClusterIssuers of one cluster folder of a golden tree.
fn issuers(case: &str, cluster: &str) -> Vec<Value> {
    let Some(text) = golden_file(
        case,
        &format!("clusters/{cluster}/addons/cert-manager.yaml"),
    ) else {
        return Vec::new();
    };
    docs("cert-manager.yaml", &text)
        .into_iter()
        .filter(|d| d["kind"] == json!("ClusterIssuer"))
        .collect()
}

/// Item 4: on the management cluster platc's one ClusterIssuer is the issuer Kommander's
/// ingress certificate uses (`kommander-acme-issuer`, account key
/// `kommander-acme-issuer-account`), so ZeroSSL's and ssl.com's external account binding is on
/// the issuer Kommander uses; the Installation's `acme` names the same server, and the README
/// applies the issuer before `dkp install kommander`.
#[test]
fn the_management_cluster_has_one_issuer_and_it_is_kommanders() {
    let mut with_eab = 0;
    for (case, inst) in installations() {
        let Some(acme) = inst.get("acme") else {
            continue;
        };
        let bp = blueprint(&case);
        let management = bp["spec"]["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["management"] == json!(true))
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string();
        let found = issuers(&case, &management);
        assert_eq!(found.len(), 1, "{case}: {found:?}");
        let issuer = &found[0];
        assert_eq!(
            issuer["metadata"]["name"],
            json!("kommander-acme-issuer"),
            "{case}"
        );
        assert_eq!(
            issuer["spec"]["acme"]["privateKeySecretRef"]["name"],
            json!("kommander-acme-issuer-account"),
            "{case}"
        );
        assert_eq!(issuer["spec"]["acme"]["server"], acme["server"], "{case}");
        assert_eq!(issuer["spec"]["acme"]["email"], acme["email"], "{case}");
        let eab = &bp["spec"]["certificates"]["acme"]["externalAccountBinding"];
        if !eab.is_null() {
            with_eab += 1;
            assert_eq!(
                issuer["spec"]["acme"]["externalAccountBinding"]["keySecretRef"],
                eab["keySecretRef"],
                "{case}"
            );
        }
        let readme = golden_file(&case, "README.md").unwrap();
        let apply = readme
            .find(&format!(
                "apply -f clusters/{management}/addons/cert-manager.yaml"
            ))
            .unwrap_or_else(|| panic!("{case}: README does not apply the issuer"));
        let install = readme.find("dkp install kommander").unwrap();
        assert!(
            apply < install,
            "{case}: the issuer comes after the install"
        );
    }
    assert!(with_eab >= 2, "{with_eab} cases with EAB");
    // Other clusters keep the stable name `acme`.
    assert_eq!(
        issuers("platform-reference", "sandbox")[0]["metadata"]["name"],
        json!("acme")
    );
}

/// Item 6b: `kommander.licenseSecretRef` becomes Kommander's License in `kommander`,
/// referring to the Secret by name; the License validates against platc's schema, which
/// refuses one without a reference; the README says how to create the Secret.
#[test]
fn the_licence_secret_becomes_a_license_object() {
    let text = golden_file("kommander-demo", "platform/license.yaml").expect("license.yaml");
    let license = docs("license.yaml", &text).remove(0);
    assert_eq!(
        license["apiVersion"],
        json!("kommander.mesosphere.io/v1beta1")
    );
    assert_eq!(license["kind"], json!("License"));
    assert_eq!(license["metadata"]["namespace"], json!("kommander"));
    assert_eq!(
        license["spec"],
        json!({"licenseRef": {"name": "my-license-secret"}})
    );
    let kustomization = golden_file("kommander-demo", "platform/kustomization.yaml").unwrap();
    assert!(kustomization.contains("- license.yaml"), "{kustomization}");
    let readme = golden_file("kommander-demo", "README.md").unwrap();
    assert!(
        readme.contains("--from-literal=jwt=...") && readme.contains("kommanderType=license"),
        "{readme}"
    );
    // The schema judges it: without `licenseRef`, or in another namespace, it fails.
    let mut tree = Tree::new();
    tree.insert("platform/license.yaml", text.as_str());
    assert!(platc::validate::validate_tree(&tree).is_empty());
    let mut tree = Tree::new();
    tree.insert(
        "platform/license.yaml",
        "apiVersion: kommander.mesosphere.io/v1beta1\nkind: License\n\
         metadata: {name: l, namespace: default}\nspec: {}\n",
    );
    let problems = platc::validate::validate_tree(&tree);
    assert_eq!(problems.len(), 2, "{problems:?}");
    // No licence without the field.
    assert!(golden_file("platform-reference", "platform/license.yaml").is_none());
}

/// Item 6b, bad input: a licence key other than `jwt` (Kommander reads no other) and a licence
/// without a management cluster are refused in one run, exit 65, with file:line:column and
/// the blueprint path, and nothing is written.
#[test]
fn a_licence_kommander_cannot_read_is_refused() {
    let base = std::fs::read_to_string(root().join("blueprints/kommander-demo.yaml")).unwrap();
    let bad = base
        .replace("      key: jwt\n", "      key: license\n")
        .replace("      management: true\n", "");
    // Without the management cluster, workspaces and access are refused too; the licence's
    // own two errors are the ones checked here.
    let (_scratch, out, o) = render_text(&bad);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    let err = stderr(&o);
    let line = bad.lines().position(|l| l == "      key: license").unwrap() + 1;
    assert!(
        err.contains("spec.kommander.licenseSecretRef.key")
            && err.contains(&format!("platform.yaml:{line}:12"))
            && err.contains("`jwt`"),
        "{err}"
    );
    assert!(
        err.contains("spec.kommander") && err.contains("`kommander` needs a management cluster"),
        "{err}"
    );
    assert!(read_tree(&out).is_empty(), "something was written");
    // With the key fixed and the management cluster back, it renders.
    let good = base.clone();
    assert!(compile("bp.yaml", &good).is_ok());
}

/// Done-when: the golden tree of the public Kommander demo's management cluster. Its
/// Installation lists the full app set, validates (Bitnami external-dns values included), owns
/// records as the demo's `kommander`, announces `management.<domain>` through traefik, and its
/// http01 challenges go through Kommander's `kommander-traefik` class.
#[test]
fn the_kommander_demo_management_cluster_is_what_kommander_installs() {
    let case = "kommander-demo";
    let tree_files = read_tree(&root().join("golden").join(case));
    let mut tree = Tree::new();
    for (path, bytes) in &tree_files {
        tree.insert(path, std::str::from_utf8(bytes).unwrap());
    }
    let problems = platc::validate::validate_tree(&tree);
    assert!(problems.is_empty(), "{problems:?}");
    let inst = docs(
        "installation.yaml",
        &golden_file(case, "platform/installation.yaml").unwrap(),
    )
    .remove(0);
    let listed: BTreeSet<&str> = inst["apps"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        listed,
        kommander::APPS
            .iter()
            .map(|a| a.name)
            .collect::<BTreeSet<_>>()
    );
    let dns = app_values(&inst, "external-dns").unwrap();
    assert!(
        values::check(values::BITNAMI_EXTERNAL_DNS, &dns)
            .unwrap()
            .is_empty()
    );
    assert_eq!(dns["txtOwnerId"], json!("kommander"));
    assert_eq!(dns["txtPrefix"], json!("_externaldns-"));
    assert_eq!(dns["policy"], json!("upsert-only"));
    assert_eq!(dns["domainFilters"], json!(["demo.d2iq.cloud"]));
    assert!(dns.get("serviceAccount").is_none(), "node role: {dns}");
    assert_eq!(inst["clusterHostname"], json!("management.demo.d2iq.cloud"));
    assert_eq!(
        app_values(&inst, "traefik").unwrap()["service"]["annotations"]["external-dns.alpha.kubernetes.io/hostname"],
        json!("management.demo.d2iq.cloud")
    );
    let dex = app_values(&inst, "dex").unwrap();
    let connector = &dex["config"]["connectors"][0]["config"];
    assert_eq!(connector["userIDKey"], json!("email"));
    assert_eq!(connector["userNameKey"], json!("email"));
    let issuer = &issuers(case, "management")[0];
    assert_eq!(
        issuer["spec"]["acme"]["solvers"][0]["http01"]["ingress"]["ingressClassName"],
        json!("kommander-traefik")
    );
    assert_eq!(
        inst["acme"]["server"],
        json!("https://acme-v02.api.letsencrypt.org/directory")
    );
}
