//! The IAM of clusters the golden cases cannot render yet (eks and kops are refused by this
//! version's pipeline), and of both identity modes, from the resolved model.

use serde_json::Value;

use super::{cloudformation, clusterawsadm, model, notices, terraform};
use crate::blueprint::load;
use crate::generate::{Content, generate};
use crate::hcl;
use crate::naming;
use crate::resolve::{self, Resolved, ServiceAccountIssuer};

const BASE: &str = "apiVersion: platc.io/v1alpha1
kind: Platform
metadata:
  name: demo
spec:
  domain: demo.example.cloud
  tags: {owner: platform-team}
  aws:
    accountID: \"123456789012\"
    region: us-west-2
    hostedZoneID: Z0ABCDEF123456
  certificates:
    acme: {provider: letsencrypt, email: ops@example.cloud, solver: dns01-route53}
  dns: {provider: route53}
SECURITY
  iam: {format: both, terraform: {stateBucket: demo-tf-state, lockTable: demo-tf-lock}}
  clusters:
    - name: mgmt
      management: true
      provider: capa
      kubernetesVersion: v1.33.5
      availabilityZones: [us-west-2a]
      controlPlane: {replicas: 1, instanceType: m5.large}
      nodePools: [{name: workers, instanceType: m5.large, replicas: 1}]
    - name: sandbox-eks
      provider: eks
      kubernetesVersion: v1.33.5
      availabilityZones: [us-west-2a, us-west-2b]
      nodePools: [{name: general, instanceType: m5.large, replicas: 2}]
    - name: legacy-kops
      provider: kops
      kubernetesVersion: v1.33.5
      kops: {stateStore: s3://demo-kops-state}
      availabilityZones: [us-west-2a]
      controlPlane: {replicas: 1, instanceType: m5.large}
      nodePools: [{name: nodes, instanceType: m5.large, replicas: 1}]
";

fn resolved(security: &str) -> Resolved {
    let text = BASE.replace("SECURITY\n", security);
    let loaded = load::load("demo.yaml", text.as_bytes()).expect("loads");
    resolve::resolve(&loaded.blueprint, "demo.yaml")
}

fn irsa() -> Resolved {
    resolved("")
}

fn node_role() -> Resolved {
    resolved("  security: {workloadIdentity: node-role}\n")
}

fn template(r: &Resolved, path: &str) -> Value {
    let plan = model::plan(r).expect("a plan");
    cloudformation::templates(r, &plan)
        .into_iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .1
}

#[test]
fn each_provider_gets_its_issuer() {
    let r = irsa();
    let issuers: Vec<_> = r.clusters.iter().map(|c| c.issuer.clone()).collect();
    let bucket = |c: &str| naming::oidc_discovery_bucket("demo", c, "123456789012");
    assert_eq!(
        issuers[0],
        Some(ServiceAccountIssuer::SelfHosted {
            bucket: bucket("mgmt"),
            host: format!("{}.s3.us-west-2.amazonaws.com", bucket("mgmt")),
        })
    );
    assert_eq!(issuers[1], Some(ServiceAccountIssuer::Eks));
    let kops = issuers[2].as_ref().unwrap();
    assert_eq!(
        kops.kops_discovery_store(),
        Some(format!("s3://{}", bucket("legacy-kops")))
    );
    assert!(!kops.platc_roles());
    assert!(node_role().clusters.iter().all(|c| c.issuer.is_none()));
}

#[test]
fn eks_roles_take_the_issuer_as_a_parameter() {
    let r = irsa();
    let t = template(&r, "iam/cloudformation/irsa-sandbox-eks.yaml");
    assert!(t["Parameters"]["OIDCIssuer"].is_object());
    let resources = t["Resources"].as_object().unwrap();
    assert_eq!(
        resources.keys().collect::<Vec<_>>(),
        ["ExternalDnsRole", "CertManagerRole", "EbsCsiDriverRole"],
        "only roles: EKS creates its issuer and OIDC provider"
    );
    let role = &resources["ExternalDnsRole"]["Properties"];
    let doc: Value = serde_json::from_str(
        role["AssumeRolePolicyDocument"]["Fn::Sub"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let s = &doc["Statement"][0];
    assert_eq!(
        s["Principal"]["Federated"],
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${OIDCIssuer}"
    );
    assert_eq!(
        s["Condition"]["StringEquals"]["${OIDCIssuer}:sub"],
        "system:serviceaccount:external-dns:external-dns"
    );
    assert_eq!(
        s["Condition"]["StringEquals"]["${OIDCIssuer}:aud"],
        "sts.amazonaws.com"
    );
    assert!(t.get("Rules").unwrap().get("InClusterRegion").is_none());
}

#[test]
fn kops_gets_a_discovery_bucket_and_no_roles() {
    let r = irsa();
    let t = template(&r, "iam/cloudformation/irsa-legacy-kops.yaml");
    let kinds: Vec<&str> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["Type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["AWS::S3::Bucket", "AWS::S3::BucketPolicy"]);
    // kops attaches platc's policies to the roles it creates, by ARN.
    assert_eq!(
        resolve::policy_arn(
            "demo",
            r.partition,
            r.account_id.as_deref(),
            resolve::Consumer::ExternalDns
        )
        .unwrap(),
        "arn:aws:iam::123456789012:policy/demo-external-dns-route53"
    );
}

#[test]
fn external_dns_is_limited_to_the_zone() {
    let r = irsa();
    let t = template(&r, "iam/cloudformation/route53-external-dns.yaml");
    let doc = &t["Resources"]["Route53Policy"]["Properties"]["PolicyDocument"];
    let statements = doc["Statement"].as_array().unwrap();
    let zone = crate::json::json!({"Fn::Sub": "arn:${AWS::Partition}:route53:::hostedzone/Z0ABCDEF123456"});
    assert_eq!(statements[0]["Resource"], zone);
    assert_eq!(
        statements[0]["Action"],
        crate::json::json!([
            "route53:ChangeResourceRecordSets",
            "route53:ListResourceRecordSets",
            "route53:ListTagsForResources"
        ])
    );
    assert_eq!(
        statements[1]["Resource"],
        crate::json::json!({"Fn::Sub": "arn:${AWS::Partition}:route53:::change/*"})
    );
    assert_eq!(statements[2]["Resource"], "*");
    assert_eq!(statements[2]["Action"], "route53:ListHostedZones");
}

#[test]
fn eks_switches_on_eks_support_in_clusterawsadm() {
    let r = irsa();
    let config = clusterawsadm::config(&r);
    assert_eq!(config["spec"]["eks"]["disable"], false);
    assert_eq!(
        config["spec"]["eks"]["managedMachinePool"]["disable"],
        false
    );
    assert!(
        config["spec"]["nodes"]
            .get("extraPolicyAttachments")
            .is_none()
    );
}

#[test]
fn node_role_attaches_the_policies_to_every_node_role() {
    let r = node_role();
    let config = clusterawsadm::config(&r);
    let want = crate::json::json!([
        "arn:aws:iam::123456789012:policy/demo-external-dns-route53",
        "arn:aws:iam::123456789012:policy/demo-cert-manager-route53",
    ]);
    assert_eq!(config["spec"]["nodes"]["extraPolicyAttachments"], want);
    assert_eq!(
        config["spec"]["eks"]["managedMachinePool"]["extraPolicyAttachments"],
        want
    );
    let plan = model::plan(&r).unwrap();
    assert_eq!(plan.policies.len(), 2);
    // No workload roles with node-role; an eks cluster's EBS CSI driver add-on still has its
    // own IRSA role.
    let roles: Vec<(&str, Vec<&str>)> = plan
        .clusters
        .iter()
        .map(|c| {
            (
                c.cluster.as_str(),
                c.roles.iter().map(|r| r.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(roles, [("sandbox-eks", vec!["demo-sandbox-eks-ebs-csi"])]);
}

#[test]
fn node_role_warns_in_every_dependent_file_written() {
    let r = node_role();
    let out = generate(&r).unwrap();
    let warned: Vec<&str> = out
        .files()
        .filter(|(_, f)| f.notice.is_some())
        .map(|(p, _)| p)
        .collect();
    for path in [
        naming::IAM_CONFIG_PATH,
        "iam/cloudformation/route53-cert-manager.yaml",
        "iam/cloudformation/route53-external-dns.yaml",
        "iam/terraform/route53-cert-manager.tf",
        "iam/terraform/route53-external-dns.tf",
        "clusters/mgmt/addons/cert-manager.yaml",
    ] {
        assert!(warned.contains(&path), "{path} has no warning: {warned:?}");
    }
    assert!(notices::text(&r).contains("external-dns and cert-manager"));
    let irsa_out = generate(&irsa()).unwrap();
    assert!(irsa_out.files().all(|(_, f)| f.notice.is_none()));
}

#[test]
fn values_annotate_roles_platc_writes_only() {
    let r = irsa();
    let out = generate(&r).unwrap();
    let values = |c: &str| match &out
        .get(&naming::cert_manager_values_path(c))
        .unwrap()
        .content
    {
        Content::Document(v) => v.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        values("sandbox-eks")["serviceAccount"]["annotations"][naming::ROLE_ARN_ANNOTATION],
        "arn:aws:iam::123456789012:role/demo-sandbox-eks-cert-manager"
    );
    // kOps installs its own cert-manager: no values file for Flux's there.
    assert!(
        out.get(&naming::cert_manager_values_path("legacy-kops"))
            .is_none()
    );
    assert!(
        generate(&node_role())
            .unwrap()
            .get(&naming::cert_manager_values_path("mgmt"))
            .is_none()
    );
}

#[test]
fn terraform_names_the_eks_issuer_by_variable() {
    let r = irsa();
    let plan = model::plan(&r).unwrap();
    let files = terraform::files(&r, &plan, r.iam.terraform.as_ref().unwrap());
    let text = |name: &str| hcl::write::to_hcl(&files.iter().find(|(f, _)| f == name).unwrap().1);
    let eks = text("irsa-sandbox-eks.tf");
    assert!(eks.contains(
        "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${var.oidc_issuer_sandbox_eks}\""
    ), "{eks}");
    assert!(
        eks.contains("variable = \"${var.oidc_issuer_sandbox_eks}:sub\""),
        "{eks}"
    );
    assert!(text("variables.tf").contains("variable \"oidc_issuer_sandbox_eks\""));
    let kops = text("irsa-legacy-kops.tf");
    assert!(kops.contains("resource \"aws_s3_bucket\"") && !kops.contains("aws_iam_role"));
    // Every file reads back as HCL.
    for (name, body) in &files {
        let written = hcl::write::to_hcl(body);
        assert_eq!(&hcl::read::parse(&written).unwrap(), body, "{name}");
    }
}

#[test]
fn the_clusterawsadm_config_validates_against_its_schema() {
    for r in [irsa(), node_role()] {
        let out = generate(&r).unwrap();
        let tree = crate::emit::emit(&out, "demo.yaml").unwrap();
        let problems = crate::validate::validate_tree(&tree);
        assert!(problems.is_empty(), "{problems:?}");
    }
    // And the schema is strict: `metadata` is not a field of AWSIAMConfiguration.
    let mut config = clusterawsadm::config(&irsa());
    config["metadata"] = crate::json::json!({"name": "x"});
    let mut out = crate::generate::Output::new();
    out.add(naming::IAM_CONFIG_PATH, "test", Content::Document(config))
        .unwrap();
    let tree = crate::emit::emit(&out, "demo.yaml").unwrap();
    assert!(!crate::validate::validate_tree(&tree).is_empty());
}
