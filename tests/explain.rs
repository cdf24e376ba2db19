//! `platc explain PATH[#field]`: golden explanations (`tests/data/explain/`,
//! `PLATC_UPDATE_GOLDEN=1` rewrites them) for fields of a node pool, the control plane, the
//! AWSCluster, the ClusterIssuer, a default, a whole file and a field an overlay changed.

use crate::support::{golden_text, platc, root, stderr, stdout};

/// (golden file, blueprint, target)
const CASES: &[(&str, &str, &str)] = &[
    (
        "01-pool-instance-type",
        "review",
        "clusters/apps/infrastructure/nodepool-batch.yaml#spec.template.spec.instanceType",
    ),
    (
        "02-acme-server",
        "review",
        "clusters/apps/addons/cert-manager.yaml#spec.acme.server",
    ),
    (
        "03-region-from-the-platform",
        "review",
        "clusters/apps/infrastructure/cluster.yaml#spec.region",
    ),
    (
        "04-control-plane-replicas",
        "review",
        "clusters/apps/infrastructure/control-plane.yaml#spec.replicas",
    ),
    (
        "05-pod-cidr-default",
        "review",
        "clusters/management/infrastructure/cluster.yaml#spec.clusterNetwork.pods.cidrBlocks",
    ),
    (
        "06-pool-replicas-per-zone",
        "review",
        "rendered/clusters/apps/infrastructure/nodepool-batch.yaml#spec.replicas",
    ),
    (
        "07-whole-file",
        "review",
        "clusters/apps/infrastructure/nodepool-batch.yaml",
    ),
    (
        "08-changed-by-an-overlay",
        "overlays",
        "clusters/edge/infrastructure/cluster.yaml#spec.controlPlaneLoadBalancer.scheme",
    ),
];

/// A folder with the review blueprint (`tests/data/review/after.yaml`) as `platform.yaml`,
/// or the overlays golden case with its overlay folders.
fn workspace(which: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    match which {
        "review" => {
            std::fs::copy(
                root().join("tests/data/review/after.yaml"),
                dir.path().join("platform.yaml"),
            )
            .unwrap();
        }
        _ => {
            std::fs::copy(
                root().join("blueprints/capa-overlays.yaml"),
                dir.path().join("platform.yaml"),
            )
            .unwrap();
            for overlay in ["all-clusters", "edge-only"] {
                let from = root().join("blueprints/overlays").join(overlay);
                let to = dir.path().join("overlays").join(overlay);
                std::fs::create_dir_all(&to).unwrap();
                for f in std::fs::read_dir(from).unwrap() {
                    let f = f.unwrap();
                    std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
                }
            }
        }
    }
    dir
}

#[test]
fn explanations_match_their_golden_files() {
    let mut failures = String::new();
    for (name, which, target) in CASES {
        let dir = workspace(which);
        let o = platc(dir.path(), &["explain", target]);
        assert!(o.status.success(), "{target}: {}", stderr(&o));
        failures.push_str(&golden_text(
            &format!("tests/data/explain/{name}.txt"),
            &stdout(&o),
        ));
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn a_pool_instance_type_names_the_pool_field_and_its_line() {
    let dir = workspace("review");
    let o = platc(
        dir.path(),
        &[
            "explain",
            "clusters/apps/infrastructure/nodepool-batch.yaml#spec.template.spec.instanceType",
        ],
    );
    let out = stdout(&o);
    // `batch` is the second pool of the second cluster; its instanceType is on line 41.
    assert!(
        out.contains("from       spec.clusters[1].nodePools[1].instanceType  platform.yaml:41:11"),
        "{out}"
    );
    assert!(out.contains("generator  capa"), "{out}");
    let bp = std::fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    assert_eq!(
        bp.lines().nth(40).map(str::trim),
        Some("instanceType: c5.2xlarge")
    );
}

#[test]
fn json_explanations_carry_the_same_places() {
    let dir = workspace("review");
    let o = platc(
        dir.path(),
        &[
            "explain",
            "--format",
            "json",
            "clusters/apps/infrastructure/cluster.yaml#spec.region",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["generator"], "capa");
    assert_eq!(j["fields"][0]["from"]["path"], "spec.aws.region");
    assert_eq!(j["fields"][0]["from"]["line"], 11);
    assert_eq!(
        j["fields"][0]["candidates"],
        serde_json::json!(["spec.clusters[1].region", "spec.aws.region"])
    );
}

#[test]
fn unknown_files_and_fields_are_usage_errors_with_a_hint() {
    let dir = workspace("review");
    let o = platc(
        dir.path(),
        &["explain", "clusters/apps/infrastructure/nodepol-batch.yaml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `clusters/apps/infrastructure/nodepool-batch.yaml`?"),
        "{}",
        stderr(&o)
    );
    let o = platc(
        dir.path(),
        &[
            "explain",
            "clusters/apps/infrastructure/cluster.yaml#spec.nope",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no object in"), "{}", stderr(&o));
    let o = platc(dir.path(), &["explain", "README.md#spec..x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn helm_values_fields_are_explained_by_their_generators_rules() {
    let o = platc(
        &root(),
        &[
            "explain",
            "-f",
            "blueprints/platform-reference.yaml",
            "clusters/sandbox/releases/external-dns-values.yaml#txtOwnerId",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("generator  external-dns"), "{out}");
    assert!(
        out.contains("from       spec.dns.txtOwnerID  blueprints/platform-reference.yaml:"),
        "{out}"
    );
    assert!(
        !out.contains("overlay"),
        "a values file is never changed by an overlay: {out}"
    );
}
