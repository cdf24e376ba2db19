//! `platc validate` against the bundled upstream schemas: an overlay that breaks a
//! MachineDeployment's schema, and Cluster API's CEL rules (`x-kubernetes-validations`),
//! evaluated on real objects, with the count of rules evaluated and skipped.

use std::path::Path;

use crate::support::{platc, read_tree, root, stderr, stdout};

/// A two-cluster blueprint with one platform-wide overlay whose kustomization is `patches`.
fn with_overlay(patches: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut bp = std::fs::read_to_string(root().join("tests/data/review/before.yaml")).unwrap();
    bp.push_str("  overlays:\n    - path: overlay\n");
    std::fs::write(dir.path().join("platform.yaml"), bp).unwrap();
    std::fs::create_dir(dir.path().join("overlay")).unwrap();
    std::fs::write(
        dir.path().join("overlay/kustomization.yaml"),
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n{patches}"
        ),
    )
    .unwrap();
    dir
}

fn assert_refused(dir: &Path, wants: &[&str]) {
    let o = platc(dir, &["validate"]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    let err = stderr(&o);
    for want in wants {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    // render refuses the same overlay, and writes nothing.
    let o = platc(dir, &["render"]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(read_tree(&dir.join("rendered")).is_empty());
}

#[test]
fn an_overlay_setting_replicas_to_a_string_is_caught_with_the_schema_path() {
    let dir = with_overlay(
        "  - target:\n      kind: MachineDeployment\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: \"3\"\n",
    );
    assert_refused(
        dir.path(),
        &[
            "MachineDeployment `apps-md-workers-a`",
            "/spec/replicas: \"3\" is not of type \"integer\"",
            "schema path /properties/spec/properties/replicas/type",
            "--> overlay/kustomization.yaml:4:5",
        ],
    );
    // The same, as JSON lines: the schema path is among the notes.
    let o = platc(dir.path(), &["validate", "--message-format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(stderr(&o).lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "output-schema");
    assert_eq!(
        first["notes"][0],
        "schema path /properties/spec/properties/replicas/type"
    );
}

#[test]
fn a_cel_rule_of_a_cluster_api_kind_is_caught() {
    // KubeadmConfigTemplate (v1beta2): kubeletExtraArgs names must be unique, a CEL rule.
    let dir = with_overlay(
        "  - target:\n      kind: KubeadmConfigTemplate\n    patch: |-\n      - op: add\n        path: /spec/template/spec/joinConfiguration/nodeRegistration/kubeletExtraArgs/-\n        value: {name: cloud-provider, value: aws}\n",
    );
    assert_refused(
        dir.path(),
        &[
            "kubeletExtraArgs: kubeletExtraArgs name must be unique",
            "x-kubernetes-validations/0 (CEL rule `self.all(x, self.exists_one(y, x.name == y.name))`)",
        ],
    );
}

#[test]
fn a_cel_violation_in_a_tree_names_the_rule_the_field_and_the_line() {
    // A MachineHealthCheck whose machine condition is one Cluster API reserves.
    let text = "\
apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineHealthCheck
metadata:
  name: alpha-workers
  namespace: default
spec:
  clusterName: alpha
  selector:
    matchLabels:
      platc.io/node-pool: workers
  checks:
    unhealthyMachineConditions:
    - type: Ready
      status: \"False\"
      timeoutSeconds: 300
";
    let mut tree = platc::tree::Tree::new();
    tree.insert(
        "clusters/alpha/infrastructure/mhc.yaml",
        text.as_bytes().to_vec(),
    );
    let report = platc::validate::validate_tree_report(&tree);
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    let d = &report.diagnostics[0];
    assert!(
        d.message.contains(
            "/spec/checks/unhealthyMachineConditions/0/type: type must not be one of: Ready"
        ),
        "{}",
        d.message
    );
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(13));
    assert!(
        d.notes
            .iter()
            .any(|n| n.starts_with("schema path /properties/spec/properties/checks/"))
    );
    assert_eq!((report.cel.evaluated, report.cel.failed), (1, 1));
    let fixed = text.replace("type: Ready", "type: Drained");
    let mut tree = platc::tree::Tree::new();
    tree.insert("mhc.yaml", fixed.into_bytes());
    assert!(platc::validate::validate_tree(&tree).is_empty());
}

#[test]
fn validate_says_how_many_cel_rules_ran_on_every_golden_blueprint() {
    // Some trees hold no kind with CEL rules (eks-only: CAPA's managed kinds have none), so
    // the count must be said everywhere and be positive over the whole set.
    let mut total = 0;
    for bp in crate::support::yaml_files(&root().join("blueprints")) {
        let o = platc(&root(), &["validate", "-f", bp.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let counts = out
            .split("CEL rules: ")
            .nth(1)
            .unwrap_or_else(|| panic!("no CEL count in {out}"));
        let evaluated: usize = counts.split(' ').next().unwrap().parse().unwrap();
        total += evaluated;
        assert!(counts.contains(", 0 skipped"), "{}: {out}", bp.display());
    }
    assert!(total > 0, "no CEL rule ran on any golden blueprint");
}
