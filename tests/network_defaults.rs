//! Issue 20 item 8, safe network defaults, on every golden tree: no `0.0.0.0/0` that the
//! blueprint does not write; no public API endpoint without the blueprint's `api.endpoint:
//! public` (and never a public-only EKS endpoint); every API load balancer with its sources
//! written out (CAPA opens one without ingress rules to the internet); no two clusters' VPC
//! ranges overlapping. The same check run on trees broken on purpose must fail, so it is not
//! a check that cannot fail. And every blueprint of `tests/data/network-refusals/` is refused
//! as its header says (the header format of `tests/data/bad-inputs/`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{
    docs, expectations, header_problems, platc, read_tree, render_text, root, stderr, yaml_files,
};

/// An IPv4 block as (first address, last address).
fn range(text: &str) -> (u32, u32) {
    let (addr, prefix) = text.split_once('/').unwrap_or((text, "32"));
    let octets: Vec<u32> = addr.split('.').map(|o| o.parse().unwrap()).collect();
    let addr = octets.iter().fold(0u32, |a, o| (a << 8) | o);
    let prefix: u32 = prefix.parse().unwrap();
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    (addr & mask, (addr & mask) | !mask)
}

/// The clusters of a blueprint whose `api.endpoint` is `public`.
fn public_clusters(blueprint: &Value) -> Vec<String> {
    blueprint["spec"]["clusters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["api"]["endpoint"] == "public")
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// What a reviewer flags in a rendered tree, given its blueprint's text.
fn network_problems(blueprint_text: &str, tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let blueprint = docs("blueprint.yaml", blueprint_text).remove(0);
    let public = public_clusters(&blueprint);
    let anywhere_written = blueprint_text.contains("0.0.0.0/0");
    let mut problems = Vec::new();
    // (cluster, existing VPC id, range)
    let mut vpcs: Vec<(String, Option<String>, String)> = Vec::new();
    for (path, bytes) in tree {
        let text = String::from_utf8_lossy(bytes);
        if !anywhere_written && text.contains("0.0.0.0/0") {
            problems.push(format!(
                "{path}: 0.0.0.0/0, which the blueprint does not write"
            ));
        }
        if !path.starts_with("clusters/") || !path.ends_with(".yaml") {
            continue;
        }
        let cluster = path.split('/').nth(1).unwrap_or_default().to_string();
        let opted_in = public.contains(&cluster);
        for doc in docs(path, &text) {
            let spec = &doc["spec"];
            match (
                doc["apiVersion"].as_str().unwrap_or_default(),
                doc["kind"].as_str().unwrap_or_default(),
            ) {
                (v, "AWSCluster") if v.starts_with("infrastructure.cluster.x-k8s.io/") => {
                    let lb = &spec["controlPlaneLoadBalancer"];
                    if lb["scheme"] != "internal" && !opted_in {
                        problems.push(format!(
                            "{path}: an {} API load balancer without `api.endpoint: public`",
                            lb["scheme"]
                        ));
                    }
                    let rules = lb["ingressRules"].as_array().map(Vec::len).unwrap_or(0);
                    if rules == 0 {
                        problems.push(format!(
                            "{path}: no ingressRules: CAPA opens the API to 0.0.0.0/0"
                        ));
                    }
                    let vpc = &spec["network"]["vpc"];
                    if let Some(cidr) = vpc["cidrBlock"].as_str() {
                        vpcs.push((cluster.clone(), None, cidr.to_string()));
                    }
                }
                ("controlplane.cluster.x-k8s.io/v1beta2", "AWSManagedControlPlane") => {
                    let access = &spec["endpointAccess"];
                    if access["private"] != true {
                        problems.push(format!("{path}: the EKS endpoint is not private"));
                    }
                    if access["public"] != false && !opted_in {
                        problems.push(format!(
                            "{path}: a public EKS endpoint without `api.endpoint: public`"
                        ));
                    }
                    if access["public"] == true
                        && access["publicCIDRs"].as_array().is_none_or(Vec::is_empty)
                    {
                        problems.push(format!("{path}: a public EKS endpoint open to anyone"));
                    }
                    if let Some(cidr) = spec["network"]["vpc"]["cidrBlock"].as_str() {
                        vpcs.push((cluster.clone(), None, cidr.to_string()));
                    }
                }
                ("kops.k8s.io/v1alpha2", "Cluster") => {
                    if spec["api"]["loadBalancer"]["type"] != "Internal" && !opted_in {
                        problems.push(format!(
                            "{path}: a public kOps API without `api.endpoint: public`"
                        ));
                    }
                    if spec["kubernetesApiAccess"]
                        .as_array()
                        .is_none_or(Vec::is_empty)
                    {
                        problems.push(format!("{path}: no kubernetesApiAccess"));
                    }
                    if spec.get("sshAccess").is_some() {
                        problems.push(format!("{path}: sshAccess opens port 22"));
                    }
                    if let Some(cidr) = spec["networkCIDR"].as_str() {
                        let id = spec["networkID"].as_str().map(str::to_string);
                        vpcs.push((cluster.clone(), id, cidr.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    for (j, (name, id, cidr)) in vpcs.iter().enumerate() {
        for (other, other_id, other_cidr) in &vpcs[..j] {
            let same_vpc = id.is_some() && id == other_id;
            let ((a0, a1), (b0, b1)) = (range(cidr), range(other_cidr));
            if name != other && !same_vpc && a0 <= b1 && b0 <= a1 {
                problems.push(format!(
                    "the VPCs of {name} ({cidr}) and {other} ({other_cidr}) overlap"
                ));
            }
        }
    }
    problems
}

fn goldens() -> Vec<(String, String, BTreeMap<String, Vec<u8>>)> {
    let mut out = Vec::new();
    for file in yaml_files(&root().join("blueprints")) {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let tree = read_tree(&root().join("golden").join(&name));
        let text = std::fs::read_to_string(&file).unwrap();
        out.push((name, text, tree));
    }
    out
}

#[test]
fn every_golden_tree_has_safe_network_defaults() {
    let cases = goldens();
    assert!(cases.len() >= 20, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for (name, text, tree) in &cases {
        for p in network_problems(text, tree) {
            failures.push(format!("{name}: {p}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check above fails on each thing it looks for: a `0.0.0.0/0` nobody wrote, a public
/// endpoint without the opt-in (capa, eks public-only, kops), a load balancer without rules,
/// and two overlapping VPCs.
#[test]
fn the_network_check_fails_on_what_a_reviewer_flags() {
    let (_, text, tree) = goldens()
        .into_iter()
        .find(|(name, _, _)| name == "reference")
        .expect("the reference golden tree");
    assert!(network_problems(&text, &tree).is_empty());
    let edit = |path: &str, from: &str, to: &str| {
        let mut t = tree.clone();
        let body = String::from_utf8(t[path].clone()).unwrap();
        assert!(body.contains(from), "{path} lacks `{from}`");
        t.insert(path.to_string(), body.replacen(from, to, 1).into_bytes());
        network_problems(&text, &t)
    };
    let capa = "clusters/management/infrastructure/cluster.yaml";
    let eks = "clusters/sandbox-eks/infrastructure/cluster.yaml";
    let kops = "clusters/legacy-kops/infrastructure/cluster.yaml";
    let broken = [
        (
            "0.0.0.0/0 unwritten",
            edit(kops, "  - 10.20.0.0/16\n", "  - 0.0.0.0/0\n"),
        ),
        (
            "capa internet-facing",
            edit(capa, "scheme: internal", "scheme: internet-facing"),
        ),
        (
            "capa without rules",
            edit(capa, "    ingressRules:\n", "    ingressRulez:\n"),
        ),
        (
            "eks public-only",
            edit(
                eks,
                "    private: true\n    public: false\n",
                "    private: false\n    public: true\n",
            ),
        ),
        ("kops public", edit(kops, "type: Internal", "type: Public")),
        (
            "overlapping VPCs",
            edit(eks, "cidrBlock: 10.26.0.0/16", "cidrBlock: 10.224.0.0/16"),
        ),
    ];
    for (what, problems) in broken {
        assert!(!problems.is_empty(), "{what}: not flagged");
    }
}

/// An explicit opt-in renders as written: a public endpoint, open to the sources the
/// blueprint lists, `0.0.0.0/0` included (with a warning).
#[test]
fn a_written_public_endpoint_renders_as_written() {
    let base =
        std::fs::read_to_string(root().join("tests/data/bad-inputs/valid-base.yaml")).unwrap();
    let text = base.replacen(
        "      controlPlane:\n",
        "      api:\n        endpoint: public\n        allowedCIDRs: [0.0.0.0/0]\n      controlPlane:\n",
        1,
    );
    let (_scratch, out, o) = render_text(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("open to the whole internet"),
        "{}",
        stderr(&o)
    );
    let tree = read_tree(&out);
    assert!(network_problems(&text, &tree).is_empty());
    let cluster =
        String::from_utf8(tree["clusters/alpha/infrastructure/cluster.yaml"].clone()).unwrap();
    let aws = docs("cluster.yaml", &cluster)
        .into_iter()
        .find(|d| d["kind"] == "AWSCluster")
        .unwrap();
    let lb = &aws["spec"]["controlPlaneLoadBalancer"];
    assert_eq!(lb["scheme"], "internet-facing");
    assert_eq!(
        lb["ingressRules"][0]["cidrBlocks"],
        serde_json::json!(["0.0.0.0/0"])
    );
    assert_eq!(lb["ingressRules"][0]["fromPort"], 6443);
}

#[test]
fn every_network_refusal_is_refused_as_its_header_says() {
    let files = yaml_files(&root().join("tests/data/network-refusals"));
    assert!(files.len() >= 9, "only {} network refusals", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let expect = expectations(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|| panic!("{name} has no expect-exit header"));
        assert_eq!(expect.exit, 65, "{name} must be refused");
        for verb in ["validate", "render"] {
            let scratch = tempfile::tempdir().unwrap();
            let out = scratch.path().join("out");
            let mut args = vec![verb, "-f", file.to_str().unwrap()];
            if verb == "render" {
                args.extend(["-o", out.to_str().unwrap()]);
            }
            let o = platc(scratch.path(), &args);
            let mut problems = header_problems(&o, &name, &expect);
            if out.exists() {
                problems.push("the output folder was created".into());
            }
            for p in problems {
                failures.push(format!("{name} ({verb}): {p}\n{}", stderr(&o)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
