use crate::generate::test_support::{REFERENCE, reference_with, resolved};
use crate::generate::{self, Content};

fn readme(text: &str) -> String {
    let out = generate::generate(&resolved(text)).expect("generates");
    match &out.get("README.md").expect("a README").content {
        Content::Text(t) => t.clone(),
        other => panic!("README is {other:?}"),
    }
}

/// The flowchart inside the README's first `mermaid` fence.
fn chart(readme: &str) -> String {
    let start = readme.find("```mermaid\n").expect("a mermaid fence") + "```mermaid\n".len();
    let len = readme[start..].find("```").expect("a closed fence");
    readme[start..start + len].to_string()
}

#[test]
fn the_readme_opens_with_the_picture() {
    let text = readme(REFERENCE);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("# Platform `demo`"));
    assert_eq!(lines.next(), Some(""));
    assert_eq!(lines.next(), Some("```mermaid"));
    assert_eq!(lines.next(), Some("flowchart LR"));
}

#[test]
fn the_reference_shows_clusters_pools_access_roles_and_delivery() {
    let c = chart(&readme(REFERENCE));
    // Clusters in their workspaces, the management cluster marked.
    for line in [
        "subgraph pl_demo[\"platform demo · demo.example.cloud\"]",
        "subgraph ws_production[\"workspace production · Production\"]",
        "subgraph cl_management[\"management · management cluster · CAPA · v1.34.3 · us-west-2\"]",
        "subgraph cl_sandbox_eks[\"sandbox-eks · EKS (CAPA) · v1.34.2 · us-west-2\"]",
        "np_managementXworkers[\"pool workers · m5.2xlarge · 4–12 nodes\"]",
        // Cluster API creates capa and eks clusters from the management cluster, not kops ones.
        "cl_management -.->|\"Cluster API\"| cl_sandbox_eks",
        // Access: everywhere, or per workspace with the role.
        "ac_admin -->|\"cluster-admin, every cluster\"| pl_demo",
        "ac_sandbox -->|\"admin\"| ws_sandbox",
        "ac_sandbox -->|\"view\"| ws_production",
        // IRSA roles, and the EBS CSI driver's on eks.
        "wl_managementXexternal_dns -->|\"IRSA\"| ro_demo_management_external_dns",
        "wl_sandbox_eksXebs_csi -->|\"IRSA\"| ro_demo_sandbox_eks_ebs_csi",
        // kOps writes its own roles.
        "wl_legacy_kopsXcert_manager -->|\"IRSA\"| ro_kopsXlegacy_kopsXcert_manager",
        // Flux on the management cluster delivers every cluster.
        "gd_flux -->|\"infrastructure · namespaces · releases · addons\"| cl_sandbox_eks",
    ] {
        assert!(
            c.lines().any(|l| l.trim() == line),
            "no line {line:?} in\n{c}"
        );
    }
    assert!(!c.contains("cl_management -.->|\"Cluster API\"| cl_legacy_kops"));
    // Dedicated pools: the roles' (monitoring, route reflectors) and a NoSchedule taint; a
    // PreferNoSchedule taint does not dedicate a pool.
    for pool in [
        "np_managementXmonitoring",
        "np_managementXroute_reflectors",
        "np_legacy_kopsXdatabases",
    ] {
        assert!(
            c.contains(&format!("class {pool} dedicated\n")),
            "{pool} not dedicated"
        );
    }
    for pool in ["np_managementXworkers", "np_sandbox_eksXgeneral"] {
        assert!(
            !c.contains(&format!("class {pool} dedicated")),
            "{pool} dedicated"
        );
    }
}

#[test]
fn node_role_points_workloads_at_the_nodes_roles() {
    let c = chart(&readme(&reference_with(&[(
        "workloadIdentity: irsa",
        "workloadIdentity: node-role",
    )])));
    assert!(
        c.contains("wl_managementXexternal_dns -->|\"node role\"| ro_nodesXcapa\n"),
        "{c}"
    );
    assert!(
        c.contains("wl_legacy_kopsXcert_manager -->|\"node role\"| ro_nodesXkopsXlegacy_kops\n"),
        "{c}"
    );
    // The EBS CSI driver keeps its IRSA role.
    assert!(
        c.contains("wl_sandbox_eksXebs_csi -->|\"IRSA\"| ro_demo_sandbox_eks_ebs_csi\n"),
        "{c}"
    );
}

/// A platform of `n` clusters: a capa management cluster, then eks clusters, each with a
/// tainted pool.
fn fleet(n: usize) -> String {
    let mut s = String::from(
        "apiVersion: platc.io/v1alpha1\nkind: Platform\nmetadata:\n  name: big\nspec:\n  domain: example.cloud\n  \
         aws: {accountID: \"123456789012\", region: eu-central-1, hostedZoneID: Z0ABCDEF123456}\n  \
         dns: {provider: route53}\n  \
         gitops: {flux: {url: \"https://git.example.cloud/p.git\"}}\n  clusters:\n",
    );
    for i in 0..n {
        let (provider, extra) = if i == 0 {
            (
                "capa",
                "      management: true\n      controlPlane: {replicas: 3, instanceType: m5.large}\n",
            )
        } else {
            ("eks", "")
        };
        s.push_str(&format!(
            "    - name: c{i:04}\n      provider: {provider}\n{extra}      kubernetesVersion: v1.33.5\n      \
             availabilityZones: [eu-central-1a, eu-central-1b]\n      nodePools:\n        \
             - {{name: workers, instanceType: m5.large, replicas: 2}}\n        \
             - {{name: batch, instanceType: c5.large, replicas: 2, taints: [{{key: batch, effect: NoSchedule}}]}}\n"
        ));
    }
    s
}

#[test]
fn a_platform_at_the_cap_is_drawn_in_full_and_one_above_as_a_summary() {
    let at = chart(&readme(&fleet(super::MAX_DRAWN)));
    assert!(at.contains("subgraph cl_c0011["), "{at}");
    assert!(!at.contains("sm_eks"), "{at}");
    let above = chart(&readme(&fleet(super::MAX_DRAWN + 1)));
    assert!(
        above.contains("subgraph cl_c0000["),
        "the management cluster in full: {above}"
    );
    assert!(!above.contains("cl_c0001"), "{above}");
    assert!(
        above.contains("sm_eks[\"12 eks clusters · v1.33.5 · eu-central-1 · 24 node pools · 12 dedicated: batch\"]"),
        "{above}"
    );
    assert!(
        above.contains("cl_c0000 -.->|\"Cluster API · 12 clusters\"| sm_eks\n"),
        "{above}"
    );
    assert!(above.contains("sm_eks -->|\"external-dns · external-dns/external-dns · IRSA\"| ro_perXeksXexternal_dns\n"), "{above}");
    assert!(
        above.contains("gd_flux -->|\"infrastructure · namespaces · releases · addons\"| sm_eks\n"),
        "{above}"
    );
}

#[test]
fn a_summary_does_not_grow_with_the_fleet() {
    let small = chart(&readme(&fleet(20))).lines().count();
    let large = chart(&readme(&fleet(120))).lines().count();
    assert_eq!(small, large);
}

#[test]
fn the_picture_is_the_same_on_every_render() {
    assert_eq!(readme(REFERENCE), readme(REFERENCE));
}

#[test]
fn pools_past_the_cap_are_one_box() {
    let mut text = String::from(
        "apiVersion: platc.io/v1alpha1\nkind: Platform\nmetadata:\n  name: pools\nspec:\n  domain: example.cloud\n  \
         aws: {accountID: \"123456789012\", region: eu-central-1}\n  clusters:\n    - name: a\n      provider: capa\n      \
         kubernetesVersion: v1.33.5\n      availabilityZones: [eu-central-1a]\n      \
         controlPlane: {replicas: 3, instanceType: m5.large}\n      nodePools:\n",
    );
    for i in 0..super::MAX_DRAWN + 2 {
        let taint = if i >= super::MAX_DRAWN {
            ", taints: [{key: x, effect: NoExecute}]"
        } else {
            ""
        };
        text.push_str(&format!(
            "        - {{name: p{i:02}, instanceType: m5.large, replicas: 1{taint}}}\n"
        ));
    }
    let c = chart(&readme(&text));
    assert!(c.contains("np_aXp10["), "{c}");
    assert!(!c.contains("np_aXp11"), "{c}");
    assert!(
        c.contains("sm_aXpools[\"3 more pools, 2 dedicated: p11, p12, p13\"]\n"),
        "{c}"
    );
    assert!(c.contains("class sm_aXpools dedicated\n"), "{c}");
}
