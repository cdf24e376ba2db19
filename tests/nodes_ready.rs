//! What every golden cluster's nodes need to become Ready, installed by the cluster's own
//! installer: each capa cluster has CAAPH HelmChartProxies for Calico (CRDs and operator), the
//! AWS cloud-controller-manager and the EBS CSI driver with its default encrypted gp3
//! StorageClass, selecting exactly that cluster; each eks cluster its four EKS managed add-ons
//! at the versions of the facts table, the EBS CSI driver with its own IRSA role, and a default
//! StorageClass; each kops cluster kOps' add-on settings.

use std::collections::BTreeMap;

use serde_json::Value;

use platc::facts::addons::{self, EKS_ADDON_NAMES};
use platc::generate::capa::bring_up;
use platc::naming;
use platc::source::SourceFile;
use platc::validate::{Outcome, check_value, values};
use platc::yaml::read::{ReadOptions, read_stream};

use crate::support::golden_objects;

/// (cluster name, provider's objects file) of every cluster of a tree, by its cluster.yaml.
fn clusters(files: &BTreeMap<String, Vec<Value>>) -> Vec<(String, &'static str, &Vec<Value>)> {
    let mut out = Vec::new();
    for (path, objs) in files {
        let Some(rest) = path.strip_prefix("clusters/") else {
            continue;
        };
        let Some(name) = rest.strip_suffix("/infrastructure/cluster.yaml") else {
            continue;
        };
        let provider = if objs.iter().any(|o| o["kind"] == "AWSManagedControlPlane") {
            "eks"
        } else if objs
            .iter()
            .any(|o| o["apiVersion"] == "kops.k8s.io/v1alpha2")
        {
            "kops"
        } else {
            "capa"
        };
        out.push((name.to_string(), provider, objs));
    }
    out
}

fn values_of(hcp: &Value) -> Value {
    let text = hcp["spec"]["valuesTemplate"].as_str().unwrap_or("{}");
    let src = SourceFile::new("values", text);
    read_stream(&src, &ReadOptions::kustomize()).unwrap()[0].to_json()
}

#[test]
fn every_golden_cluster_gets_what_its_nodes_need() {
    let mut seen = BTreeMap::<&str, usize>::new();
    for (case, files) in golden_objects() {
        for (cluster, provider, objs) in clusters(&files) {
            *seen.entry(provider).or_default() += 1;
            let at = format!("{case}/{cluster}");
            match provider {
                "capa" => capa(&at, &cluster, &files, objs),
                "eks" => eks(&at, &cluster, &files, objs),
                _ => kops(&at, objs),
            }
        }
    }
    for provider in ["capa", "eks", "kops"] {
        assert!(
            seen.get(provider).copied().unwrap_or(0) > 0,
            "no {provider} cluster in the goldens"
        );
    }
}

fn capa(at: &str, cluster: &str, files: &BTreeMap<String, Vec<Value>>, objs: &[Value]) {
    let c = objs.iter().find(|o| o["kind"] == "Cluster").unwrap();
    assert_eq!(
        c["metadata"]["labels"][naming::LABEL_CLUSTER],
        cluster,
        "{at}"
    );
    let pods = &c["spec"]["clusterNetwork"]["pods"]["cidrBlocks"][0];
    let path = format!("clusters/{cluster}/infrastructure/bring-up.yaml");
    let hcps = files
        .get(&path)
        .unwrap_or_else(|| panic!("{at}: no {path}"));
    let components: Vec<&str> = hcps
        .iter()
        .map(|h| {
            h["metadata"]["labels"][naming::LABEL_COMPONENT]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(components, bring_up::COMPONENTS, "{at}");
    for hcp in hcps {
        let component = hcp["metadata"]["labels"][naming::LABEL_COMPONENT]
            .as_str()
            .unwrap();
        assert_eq!(hcp["kind"], "HelmChartProxy", "{at}");
        assert_eq!(
            hcp["metadata"]["namespace"], c["metadata"]["namespace"],
            "{at}"
        );
        assert_eq!(
            hcp["spec"]["clusterSelector"],
            serde_json::json!({"matchLabels": {naming::LABEL_CLUSTER: cluster}}),
            "{at}: {component} selects exactly its cluster"
        );
        let row = addons::addon(component).unwrap();
        assert_eq!(hcp["spec"]["chartName"], row.chart, "{at}");
        assert_eq!(hcp["spec"]["version"], row.version, "{at}");
        assert_eq!(hcp["spec"]["repoURL"], row.repository, "{at}");
        assert!(
            matches!(check_value(hcp), Outcome::Checked(v) if v.is_empty()),
            "{at}: {component}"
        );
        let v = values_of(hcp);
        match component {
            "tigera-operator" => {
                let pool = &v["installation"]["calicoNetwork"]["ipPools"][0];
                assert_eq!(&pool["cidr"], pods, "{at}: Calico's pool is the pod range");
                assert_eq!(v["installation"]["calicoNetwork"]["bgp"], "Enabled", "{at}");
            }
            "aws-ebs-csi-driver" => {
                assert_eq!(
                    values::check("aws-ebs-csi-driver", &v).unwrap(),
                    Vec::new(),
                    "{at}"
                );
                let sc = &v["storageClasses"][0];
                assert_eq!(
                    sc["annotations"]["storageclass.kubernetes.io/is-default-class"],
                    "true"
                );
                assert_eq!(sc["parameters"]["type"], "gp3", "{at}");
                assert_eq!(sc["parameters"]["encrypted"], "true", "{at}");
                assert_eq!(v["node"]["tolerateAllTaints"], true, "{at}");
            }
            _ => {}
        }
    }
}

fn eks(at: &str, cluster: &str, files: &BTreeMap<String, Vec<Value>>, objs: &[Value]) {
    let cp = objs
        .iter()
        .find(|o| o["kind"] == "AWSManagedControlPlane")
        .unwrap();
    let version = cp["spec"]["version"].as_str().unwrap();
    let minor: u32 = version.split('.').nth(1).unwrap().parse().unwrap();
    let list = cp["spec"]["addons"]
        .as_array()
        .unwrap_or_else(|| panic!("{at}: no addons"));
    let names: Vec<&str> = list.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, EKS_ADDON_NAMES, "{at}");
    for a in list {
        let name = a["name"].as_str().unwrap();
        assert_eq!(
            a["version"].as_str(),
            addons::eks_addon_version(name, minor),
            "{at}: {name} for Kubernetes 1.{minor}"
        );
    }
    assert_eq!(cp["spec"]["associateOIDCProvider"], true, "{at}");
    let ebs = &list[0];
    let arn = ebs["serviceAccountRoleARN"].as_str().unwrap_or_default();
    assert!(
        arn.ends_with(&format!("-{cluster}-{}", naming::ROLE_EBS_CSI)),
        "{at}: {arn}"
    );
    let sc = files
        .get(&format!("clusters/{cluster}/addons/storage-class.yaml"))
        .unwrap_or_else(|| panic!("{at}: no StorageClass"));
    assert_eq!(sc[0]["provisioner"], "ebs.csi.aws.com", "{at}");
    assert_eq!(sc[0]["parameters"]["encrypted"], "true", "{at}");
    // The role exists in the IAM output, trusted by the controller's service account only.
    let role_name = arn.rsplit('/').next().unwrap();
    let iam: Vec<&Value> = files
        .iter()
        .filter(|(p, _)| p.starts_with("iam/cloudformation/"))
        .flat_map(|(_, objs)| objs.iter())
        .collect();
    if !iam.is_empty() {
        let role = iam
            .iter()
            .find_map(|t| t.pointer("/Resources/EbsCsiDriverRole/Properties"))
            .filter(|r| r["RoleName"] == role_name)
            .unwrap_or_else(|| panic!("{at}: no CloudFormation role {role_name}"));
        let trust = role["AssumeRolePolicyDocument"]["Fn::Sub"]
            .as_str()
            .unwrap();
        assert!(
            trust.contains("system:serviceaccount:kube-system:ebs-csi-controller-sa"),
            "{at}"
        );
        assert!(
            role["ManagedPolicyArns"]
                .to_string()
                .contains("policy/service-role/AmazonEBSCSIDriverPolicy"),
            "{at}"
        );
    }
}

fn kops(at: &str, objs: &[Value]) {
    let spec = &objs[0]["spec"];
    assert_eq!(spec["networking"]["calico"], serde_json::json!({}), "{at}");
    assert_eq!(
        spec["cloudControllerManager"]["cloudProvider"], "aws",
        "{at}"
    );
    assert_eq!(
        spec["cloudConfig"]["awsEBSCSIDriver"]["enabled"], true,
        "{at}"
    );
    assert_eq!(spec["cloudConfig"]["manageStorageClasses"], true, "{at}");
    assert_eq!(spec["certManager"]["enabled"], true, "{at}");
    assert!(
        spec["certManager"].get("managed").is_none(),
        "{at}: kOps installs cert-manager"
    );
}
