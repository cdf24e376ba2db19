//! `image.lookup` as the generators write it: CAPA's lookup fields on every
//! AWSMachineTemplate (taking part in the template's content-digest name), and kOps'
//! `<owner>/<name pattern>` image string with CAPA's variables and defaults filled in.

use serde_json::Value;

use crate::generate::test_support::{objects, reference_with, resolved};
use crate::resolve::Resolved;

const CAPA_DIR: &str = "clusters/management/infrastructure";
const KOPS_DIR: &str = "clusters/legacy-kops/infrastructure";
const CAPA_AMI: &str =
    "image:\n        ami: ami-0123456789abcdef0 # a hardened (KIB-built) image\n";
const KOPS_AMI: &str =
    "image:\n        ami: ami-0fedcba9876543210 # a hardened (KIB-built) image\n";

/// The AWSMachineTemplates of the management cluster's control plane and workers pool.
fn machine_templates(r: &Resolved) -> Vec<Value> {
    ["control-plane.yaml", "nodepool-workers.yaml"]
        .iter()
        .flat_map(|f| objects(r, &format!("{CAPA_DIR}/{f}")))
        .filter(|o| o["kind"] == "AWSMachineTemplate")
        .collect()
}

fn names(templates: &[Value]) -> Vec<String> {
    templates
        .iter()
        .map(|t| {
            t["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn capa_templates_carry_the_lookup_instead_of_the_ami() {
    let pinned = machine_templates(&resolved(&reference_with(&[])));
    let lookup = |format: &str| {
        resolved(&reference_with(&[(
            CAPA_AMI,
            &format!(
                "image:\n        lookup: {{org: \"210987654321\", baseOS: rhel-9.4, format: \"{format}\"}}\n"
            ),
        )]))
    };
    let found = machine_templates(&lookup("hardened-{{.BaseOS}}-?{{.K8sVersion}}-*"));
    assert_eq!(found.len(), 2);
    for t in &found {
        let spec = &t["spec"]["template"]["spec"];
        assert!(spec.get("ami").is_none(), "{spec}");
        assert_eq!(spec["imageLookupOrg"], "210987654321");
        assert_eq!(spec["imageLookupBaseOS"], "rhel-9.4");
        assert_eq!(
            spec["imageLookupFormat"],
            "hardened-{{.BaseOS}}-?{{.K8sVersion}}-*"
        );
    }
    // The lookup is part of the content digest: another lookup is another template (CAPA's
    // templates are immutable; the new name rolls the machines).
    let other = machine_templates(&lookup("other-{{.BaseOS}}-?{{.K8sVersion}}-*"));
    for (a, b) in names(&found).iter().zip(names(&other).iter()) {
        assert_ne!(a, b);
    }
    for (a, b) in names(&pinned).iter().zip(names(&found).iter()) {
        assert_ne!(a, b);
    }
}

#[test]
fn capa_leaves_fields_out_for_its_own_defaults() {
    let r = resolved(&reference_with(&[(
        CAPA_AMI,
        "image:\n        lookup: {org: \"210987654321\"}\n",
    )]));
    for t in machine_templates(&r) {
        let spec = &t["spec"]["template"]["spec"];
        assert_eq!(spec["imageLookupOrg"], "210987654321");
        assert!(spec.get("imageLookupBaseOS").is_none());
        assert!(spec.get("imageLookupFormat").is_none());
    }
}

#[test]
fn kops_image_is_owner_slash_expanded_pattern() {
    let r = resolved(&reference_with(&[(
        KOPS_AMI,
        "image:\n        lookup: {org: \"210987654321\", baseOS: flatcar, format: \"kib-{{ .BaseOS }}-{{.K8sVersion}}-*\"}\n",
    )]));
    for file in ["control-plane.yaml", "nodepool-nodes.yaml"] {
        for ig in objects(&r, &format!("{KOPS_DIR}/{file}")) {
            // The reference's kops cluster runs v1.33.6; CAPA trims the `v` as well.
            assert_eq!(
                ig["spec"]["image"], "210987654321/kib-flatcar-1.33.6-*",
                "{file}"
            );
        }
    }
    // Without baseOS and format, CAPA's defaults: the same images a capa cluster would find.
    let r = resolved(&reference_with(&[(
        KOPS_AMI,
        "image:\n        lookup: {org: \"210987654321\"}\n",
    )]));
    let ig = &objects(&r, &format!("{KOPS_DIR}/nodepool-nodes.yaml"))[0];
    assert_eq!(
        ig["spec"]["image"],
        "210987654321/capa-ami-ubuntu-24.04-?1.33.6-*"
    );
}
