//! `platc diff --format markdown|json` on a blueprint change that adds a node pool and
//! moves the ACME provider from staging to production: golden outputs in
//! `tests/data/review/` (`PLATC_UPDATE_GOLDEN=1` rewrites them; read `git diff` after).

use crate::support::{golden_text, platc, root, stderr, stdout};

/// The JSON report's group of `cluster`.
fn group<'a>(report: &'a serde_json::Value, cluster: &str) -> &'a serde_json::Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["cluster"] == cluster)
        .unwrap_or_else(|| panic!("no {cluster} group"))
}

fn rendered_before() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("tests/data/review");
    std::fs::copy(data.join("before.yaml"), dir.path().join("platform.yaml")).unwrap();
    let o = platc(dir.path(), &["render"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::copy(data.join("after.yaml"), dir.path().join("platform.yaml")).unwrap();
    dir
}

#[test]
fn markdown_and_json_reports_match_their_golden_files() {
    let dir = rendered_before();
    let mut failures = String::new();
    for (format, golden) in [
        ("markdown", "tests/data/review/diff.md"),
        ("json", "tests/data/review/diff.json"),
    ] {
        let o = platc(dir.path(), &["diff", "--format", format, "--exit-code"]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        failures.push_str(&golden_text(golden, &stdout(&o)));
        // Without --exit-code a diff with changes still succeeds.
        let o = platc(dir.path(), &["diff", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn json_report_has_the_same_content_as_the_markdown() {
    let dir = rendered_before();
    let o = platc(dir.path(), &["diff", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["changed"], true);
    assert_eq!(j["totals"]["objects"]["added"], 4);
    assert_eq!(j["totals"]["objects"]["changed"], 2);
    let apps = group(&j, "apps");
    let kinds: Vec<&str> = apps["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"MachineDeployment"), "{kinds:?}");
    let issuer = apps["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "ClusterIssuer")
        .unwrap();
    assert_eq!(issuer["objects"][0]["fields"][0], "spec.acme.server");
    assert!(
        j["diff"]
            .as_str()
            .unwrap()
            .contains("+- nodepool-batch.yaml")
    );
}

#[test]
fn an_up_to_date_tree_reports_no_changes() {
    let dir = rendered_before();
    assert!(platc(dir.path(), &["render"]).status.success());
    for format in ["markdown", "json"] {
        let o = platc(dir.path(), &["diff", "--format", format, "--exit-code"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
    let o = platc(dir.path(), &["diff", "--format", "markdown"]);
    assert!(stdout(&o).contains("No changes"), "{}", stdout(&o));
}

#[test]
fn hand_edited_files_are_reported_as_left_alone() {
    let dir = rendered_before();
    let readme = dir.path().join("rendered/README.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("a hand edit\n");
    std::fs::write(&readme, text).unwrap();
    let o = platc(dir.path(), &["diff", "--format", "markdown"]);
    let md = stdout(&o);
    assert!(md.contains("**Left alone** (1 file;"), "{md}");
    assert!(md.contains("- `README.md`: edited by hand"), "{md}");
    let o = platc(dir.path(), &["diff", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["leftAlone"][0]["path"], "README.md");
    assert_eq!(j["totals"]["files"]["leftAlone"], 1);
}

/// Issue 20 item 9, end to end: each blueprint change of a field EKS or CAPA cannot change on
/// a managed node group renders a replacement pool (a new name), and `platc diff --format
/// json|markdown` reports the pool as "replaced" with the field and the reason. A mutable
/// change (scaling) stays a plain change.
#[test]
fn an_immutable_node_group_change_is_reviewed_as_a_replacement() {
    let base = std::fs::read_to_string(root().join("blueprints/eks-only.yaml")).unwrap();
    let general = "          instanceType: m6i.large\n          autoscaling: {min: 3, max: 9}\n";
    let arm_zones = "          availabilityZones: [eu-central-1a, eu-central-1b]\n";
    // An existing VPC: the pools use its private subnets by ID.
    let network = "      network:\n        serviceCIDR: 172.20.0.0/16\n";
    let in_vpc = |subnet_b: &str| {
        base.replace(
            network,
            &format!(
                "{network}        existingVPC:\n          id: vpc-0a1b2c3d4e5f67890\n          cidr: 10.20.0.0/16\n          privateSubnets:\n            eu-central-1a: subnet-0aaa1111bbbb2222c\n            eu-central-1b: {subnet_b}\n            eu-central-1c: subnet-0aaa1111bbbb2222e\n          publicSubnets:\n            eu-central-1a: subnet-0ccc3333dddd4444e\n            eu-central-1b: subnet-0ccc3333dddd4444f\n            eu-central-1c: subnet-0ccc3333dddd44450\n"
            ),
        )
    };
    let subnets = (
        "subnets (an existing VPC's)",
        "arm",
        in_vpc("subnet-0aaa1111bbbb2222d"),
        in_vpc("subnet-0aaa1111bbbb9999d"),
        &["spec.subnetIDs"][..],
    );
    let cases: [(&str, &str, String, &[&str]); 5] = [
        (
            "instance type",
            "general",
            base.replace(general, &general.replace("m6i.large", "m6i.xlarge")),
            &["spec.instanceType"],
        ),
        (
            "AMI type (another architecture)",
            "general",
            base.replace(general, &general.replace("m6i.large", "m7g.large")),
            &["spec.instanceType", "spec.amiType"],
        ),
        (
            "disk size",
            "arm",
            base.replace("rootVolume: {sizeGiB: 100}", "rootVolume: {sizeGiB: 200}"),
            &["spec.diskSize"],
        ),
        (
            "zones",
            "arm",
            base.replace(
                arm_zones,
                "          availabilityZones: [eu-central-1a, eu-central-1c]\n",
            ),
            &["spec.availabilityZones"],
        ),
        (
            "disk size added",
            "general",
            base.replace(
                general,
                &format!("{general}          rootVolume: {{sizeGiB: 80}}\n"),
            ),
            &["spec.diskSize"],
        ),
    ];
    let cases = cases
        .into_iter()
        .map(|(what, pool, after, fields)| (what, pool, base.clone(), after, fields))
        .chain([subnets]);
    for (what, pool, before, after, fields) in cases {
        assert_ne!(after, before, "{what}: the edit did not apply");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("platform.yaml"), &before).unwrap();
        let o = platc(dir.path(), &["render"]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::write(dir.path().join("platform.yaml"), &after).unwrap();
        let o = platc(dir.path(), &["diff", "--format", "json"]);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let apps = group(&j, "apps");
        let object = |kind: &str| {
            apps["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["kind"] == kind)
                .unwrap_or_else(|| panic!("{what}: no {kind} in {apps}"))["objects"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| {
                    o["name"]
                        .as_str()
                        .unwrap()
                        .starts_with(&format!("apps-mp-{pool}-"))
                })
                .unwrap_or_else(|| panic!("{what}: no {kind} of {pool}"))
                .clone()
        };
        let managed = object("AWSManagedMachinePool");
        assert_eq!(managed["change"], "replaced", "{what}: {managed}");
        assert!(
            managed["previousName"]
                .as_str()
                .unwrap()
                .starts_with(&format!("apps-mp-{pool}-"))
        );
        assert_ne!(managed["previousName"], managed["name"]);
        let reason = managed["reason"].as_str().unwrap();
        for field in fields {
            assert!(reason.contains(&format!("`{field}")), "{what}: {reason}");
        }
        assert_eq!(object("MachinePool")["change"], "replaced", "{what}");
        let o = platc(dir.path(), &["diff", "--format", "markdown"]);
        let md = stdout(&o);
        assert!(md.contains("| replaced (was `apps-mp-"), "{what}: {md}");
        assert!(
            md.contains("upstream cannot change it in place"),
            "{what}: {md}"
        );
    }

    // Scaling changes in place: the pool keeps its name.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), &base).unwrap();
    assert!(platc(dir.path(), &["render"]).status.success());
    std::fs::write(
        dir.path().join("platform.yaml"),
        base.replace(
            "autoscaling: {min: 3, max: 9}",
            "autoscaling: {min: 3, max: 12}",
        ),
    )
    .unwrap();
    let o = platc(dir.path(), &["diff", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["totals"]["objects"]["replaced"], 0, "{j}");
    assert!(
        j["totals"]["objects"]["changed"].as_u64().unwrap() >= 1,
        "{j}"
    );
}
