use crate::json::json;

use super::*;
use crate::output::plan::Entry;

fn entry(path: &str, action: Action) -> Entry {
    Entry {
        path: path.to_string(),
        action,
        owned_sha256: None,
        disk_sha256: None,
        new_sha256: None,
        lines: None,
    }
}

const POOL_OLD: &str = "\
apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineDeployment
metadata:
  name: alpha-md-workers-a
  namespace: default
spec:
  replicas: 3
  template:
    spec:
      infrastructureRef:
        name: alpha-md-workers-0000aaaa
---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: AWSMachineTemplate
metadata:
  name: alpha-md-workers-0000aaaa
  namespace: default
spec:
  template:
    spec:
      instanceType: m5.large
";

#[test]
fn field_paths_name_maps_lists_and_odd_keys() {
    let a = json!({"spec": {"replicas": 3, "list": [1, 2], "labels": {"a.b/c": "x"}}});
    let b = json!({"spec": {"replicas": 4, "list": [1, 2, 3], "labels": {"a.b/c": "y"}, "new": 1}});
    assert_eq!(
        field_changes(&a, &b),
        [
            "spec.replicas",
            "spec.list",
            "spec.labels[\"a.b/c\"]",
            "spec.new"
        ]
    );
    assert!(field_changes(&a, &a).is_empty());
}

#[test]
fn objects_are_paired_and_renamed_templates_read_as_replacements() {
    let new = POOL_OLD
        .replace("replicas: 3", "replicas: 4")
        .replace("0000aaaa", "1111bbbb")
        .replace("m5.large", "m5.xlarge");
    let e = entry(
        "clusters/alpha/infrastructure/nodepool-workers.yaml",
        Action::Update,
    );
    let sides = [Sides {
        entry: &e,
        old: POOL_OLD.as_bytes().to_vec(),
        new: new.as_bytes(),
    }];
    let r = build(&sides, String::new());
    assert_eq!(r.groups.len(), 1);
    let g = &r.groups[0];
    assert_eq!(g.cluster.as_deref(), Some("alpha"));
    assert!(g.files.is_empty());
    let kinds: Vec<&str> = g.kinds.iter().map(|k| k.kind.as_str()).collect();
    assert_eq!(kinds, ["AWSMachineTemplate", "MachineDeployment"]);
    let template = &g.kinds[0].objects[0];
    assert_eq!(template.change, Change::Replaced);
    assert!(
        template
            .reason
            .as_deref()
            .is_some_and(|r| r
                .contains("`spec.template.spec.instanceType`: CAPA's AWSMachineTemplate webhook")),
        "{:?}",
        template.reason
    );
    assert_eq!(
        template.previous_name.as_deref(),
        Some("alpha-md-workers-0000aaaa")
    );
    assert_eq!(template.fields, ["spec.template.spec.instanceType"]);
    let md = &g.kinds[1].objects[0];
    assert_eq!(
        md.fields,
        ["spec.replicas", "spec.template.spec.infrastructureRef.name"]
    );
    assert_eq!(md.change, Change::Changed);
    assert_eq!(md.reason, None);
    assert_eq!(
        (r.totals.objects_changed, r.totals.objects_replaced),
        (1, 1)
    );
    assert_eq!(r.totals.files_changed, 1);
}

const EKS_POOL_OLD: &str = "\
apiVersion: cluster.x-k8s.io/v1beta2
kind: MachinePool
metadata:
  name: apps-mp-general-0000aaaa
  namespace: default
spec:
  replicas: 2
  template:
    spec:
      infrastructureRef:
        kind: AWSManagedMachinePool
        name: apps-mp-general-0000aaaa
---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: AWSManagedMachinePool
metadata:
  name: apps-mp-general-0000aaaa
  namespace: default
spec:
  eksNodegroupName: apps-mp-general-0000aaaa
  instanceType: m5.large
  diskSize: 50
  labels:
    team: apps
";

fn review_of(old: &str, new: &str) -> Review {
    let e = entry(
        "clusters/apps/infrastructure/nodepool-general.yaml",
        Action::Update,
    );
    let sides = [Sides {
        entry: &e,
        old: old.as_bytes().to_vec(),
        new: new.as_bytes(),
    }];
    build(&sides, String::new())
}

/// Issue 20 item 9: an EKS node group whose immutable field changed is a replacement, and
/// the review says which field and who refuses it; a mutable change stays a change.
#[test]
fn a_node_group_with_a_changed_immutable_field_reads_as_replaced_with_the_reason() {
    for (field, from, to, who) in [
        (
            "spec.instanceType",
            "m5.large",
            "m5.xlarge",
            "EKS cannot change",
        ),
        (
            "spec.diskSize",
            "diskSize: 50",
            "diskSize: 80",
            "CAPA's AWSManagedMachinePool webhook",
        ),
    ] {
        let new = EKS_POOL_OLD
            .replace("0000aaaa", "1111bbbb")
            .replace(from, to);
        let r = review_of(EKS_POOL_OLD, &new);
        let kinds = &r.groups[0].kinds;
        let pool = &kinds
            .iter()
            .find(|k| k.kind == "AWSManagedMachinePool")
            .unwrap()
            .objects[0];
        assert_eq!(pool.change, Change::Replaced, "{field}");
        assert_eq!(
            pool.previous_name.as_deref(),
            Some("apps-mp-general-0000aaaa")
        );
        let reason = pool.reason.as_deref().unwrap();
        assert!(reason.contains(&format!("`{field}`: {who}")), "{reason}");
        let mp = &kinds
            .iter()
            .find(|k| k.kind == "MachinePool")
            .unwrap()
            .objects[0];
        assert_eq!(mp.change, Change::Replaced);
        assert_eq!(r.totals.objects_replaced, 2);
        let md = markdown(&r);
        assert!(
            md.contains(
                "replaced (was `apps-mp-general-0000aaaa`)<br>upstream cannot change it in place"
            ),
            "{md}"
        );
        assert!(md.contains("2 replaced"), "{md}");
        let j: serde_json::Value = serde_json::from_str(&super::json(&r)).unwrap();
        assert_eq!(j["totals"]["objects"]["replaced"], 2);
        let objects = j["groups"][0]["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|k| k["objects"].as_array().unwrap().iter());
        assert!(objects.clone().all(|o| o["change"] == "replaced"));
        assert!(
            objects
                .clone()
                .all(|o| o["reason"].as_str().is_some_and(|r| !r.is_empty()))
        );
    }
    // Labels change in place: same name, a plain change without a reason.
    let r = review_of(
        EKS_POOL_OLD,
        &EKS_POOL_OLD.replace("team: apps", "team: web"),
    );
    let pool = &r.groups[0].kinds[0].objects[0];
    assert_eq!(
        (pool.change, pool.reason.as_deref()),
        (Change::Changed, None)
    );
}

/// A change upstream refuses on an object platc cannot rename (a cluster's region) stays a
/// change, with the reason and what to do.
#[test]
fn a_refused_change_in_place_says_so() {
    let cluster = "\
apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: AWSCluster
metadata:
  name: apps
  namespace: default
spec:
  region: us-west-2
  additionalTags: {owner: a}
";
    let r = review_of(
        cluster,
        &cluster
            .replace("us-west-2", "us-east-1")
            .replace("owner: a", "owner: b"),
    );
    let o = &r.groups[0].kinds[0].objects[0];
    assert_eq!(o.change, Change::Changed);
    let reason = o.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("upstream refuses this change in place: recreate"),
        "{reason}"
    );
    assert!(
        reason.contains("`spec.region`: CAPA's AWSCluster webhook"),
        "{reason}"
    );
    assert!(!reason.contains("additionalTags"), "{reason}");
}

#[test]
fn created_removed_and_plain_files() {
    let created = entry(
        "clusters/beta/infrastructure/nodepool-workers.yaml",
        Action::Create,
    );
    let values = entry("clusters/beta/addons/values.yaml", Action::Update);
    let readme = entry("README.md", Action::Update);
    let gone = entry("clusters/gamma/infrastructure/cluster.yaml", Action::Remove);
    let sides = [
        Sides {
            entry: &created,
            old: Vec::new(),
            new: POOL_OLD.as_bytes(),
        },
        Sides {
            entry: &values,
            old: b"a:\n  b: 1\nc: 2\n".to_vec(),
            new: b"a:\n  b: 2\nc: 2\n",
        },
        Sides {
            entry: &readme,
            old: b"one\n".to_vec(),
            new: b"one\ntwo\n",
        },
        Sides {
            entry: &gone,
            old: POOL_OLD.as_bytes().to_vec(),
            new: b"",
        },
    ];
    let r = build(&sides, String::new());
    let names: Vec<Option<&str>> = r.groups.iter().map(|g| g.cluster.as_deref()).collect();
    assert_eq!(names, [None, Some("beta"), Some("gamma")]);
    assert_eq!(r.groups[0].files[0].lines, Some((1, 0)));
    assert_eq!(r.groups[1].files[0].keys, ["a.b"]);
    assert_eq!(r.totals.objects_added, 2);
    assert_eq!(r.totals.objects_removed, 2);
    let md = markdown(&r);
    assert!(md.contains("### Cluster `beta`"), "{md}");
    assert!(
        md.contains("| `clusters/beta/addons/values.yaml` | changed | `a.b`<br>+1 −1 lines |"),
        "{md}"
    );
    let j: serde_json::Value = serde_json::from_str(&json(&r)).unwrap();
    assert_eq!(j["totals"]["objects"]["added"], 2);
    assert_eq!(j["groups"][1]["files"][0]["keys"][0], "a.b");
}

#[test]
fn markdown_fences_and_cells_survive_backticks_and_pipes() {
    assert_eq!(markdown::code_for_tests("a`b|c"), "`` a`b\\|c ``");
    let r = Review {
        groups: Vec::new(),
        left_alone: Vec::new(),
        totals: Totals::default(),
        unified: "+```\n".to_string(),
        manifest_only: false,
    };
    let md = markdown(&r);
    assert!(md.contains("````diff\n+```\n````\n"), "{md}");
}

#[test]
fn a_long_diff_is_cut_at_a_line_to_fit_a_comment() {
    let line = format!("+{}\n", "x".repeat(99));
    let r = Review {
        groups: Vec::new(),
        left_alone: Vec::new(),
        totals: Totals::default(),
        unified: line.repeat(2000),
        manifest_only: false,
    };
    let md = markdown(&r);
    assert!(md.len() < markdown::MAX_COMMENT_CHARS, "{}", md.len());
    assert!(md.contains("more lines not shown"), "cut without saying so");
    assert!(md.contains("Full diff (2000 lines)"));
}

#[test]
fn an_object_moved_to_another_file_is_one_change() {
    let from = entry("clusters/a/infrastructure/old.yaml", Action::Remove);
    let to = entry("clusters/a/infrastructure/new.yaml", Action::Create);
    let sides = [
        Sides {
            entry: &from,
            old: POOL_OLD.as_bytes().to_vec(),
            new: b"",
        },
        Sides {
            entry: &to,
            old: Vec::new(),
            new: POOL_OLD.as_bytes(),
        },
    ];
    let r = build(&sides, String::new());
    assert_eq!(r.totals.objects_changed, 2);
    assert_eq!((r.totals.objects_added, r.totals.objects_removed), (0, 0));
    let o = &r.groups[0].kinds[0].objects[0];
    assert_eq!(
        o.previous_file.as_deref(),
        Some("clusters/a/infrastructure/old.yaml")
    );
    assert!(o.fields.is_empty());
    assert!(markdown(&r).contains("changed (moved from `clusters/a/infrastructure/old.yaml`)"));
}

/// The first render after EKS pools got their digest: the plain-named pool reads as
/// replaced (it is: the node group's name changes). A same-name change of an immutable field
/// (an overlay's, which renames nothing) says that upstream refuses it.
#[test]
fn a_formerly_plain_pool_and_a_same_name_immutable_change() {
    let plain = EKS_POOL_OLD.replace("-0000aaaa", "");
    let r = review_of(&plain, EKS_POOL_OLD);
    let kinds = &r.groups[0].kinds;
    assert_eq!(r.totals.objects_replaced, 2, "{kinds:?}");
    let pool = &kinds
        .iter()
        .find(|k| k.kind == "AWSManagedMachinePool")
        .unwrap()
        .objects[0];
    assert_eq!(pool.previous_name.as_deref(), Some("apps-mp-general"));
    assert!(
        pool.reason
            .as_deref()
            .unwrap()
            .contains("`spec.eksNodegroupName`")
    );

    let r = review_of(EKS_POOL_OLD, &EKS_POOL_OLD.replace("m5.large", "m5.xlarge"));
    let pool = &r.groups[0].kinds[0].objects[0];
    assert_eq!(pool.change, Change::Changed);
    let reason = pool.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("upstream refuses this change in place"),
        "{reason}"
    );
    assert!(
        reason.contains("`spec.instanceType`: EKS cannot change"),
        "{reason}"
    );
}
