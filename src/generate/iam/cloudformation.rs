//! The IAM as CloudFormation templates (`iam/cloudformation/`), rendered from the
//! [`Plan`]: one template per consumer's Route 53 policy (global: deploy once), and per
//! cluster with IRSA one template with its discovery bucket, IAM OIDC provider and roles
//! (deployed in the cluster's region, since the bucket is regional). Every template refuses
//! to deploy into an account other than `spec.aws.accountID`, and a bucket's template into a
//! region other than its cluster's.
//!
//! checkov findings that cannot be fixed are skipped on the resource itself
//! (`Metadata.checkov.skip`, with the reason), so the reason travels with the template;
//! [`CHECKOV_SKIPS`] is the list.

use serde_json::{Map, Value};

use crate::json::json;

use super::cfn::{self, ISSUER_PARAMETER, OIDC_PROVIDER_ID, Template};
use super::model::{ClusterIdentity, Plan, Policy, Role, Workload};
use crate::naming;
use crate::resolve::{Consumer, Resolved};

/// The logical ID of a policy in its template.
pub const POLICY_ID: &str = "Route53Policy";
pub const BUCKET_ID: &str = "DiscoveryBucket";
pub const BUCKET_POLICY_ID: &str = "DiscoveryBucketPolicy";

/// checkov checks that a discovery bucket fails by design, and why (kept in the template as
/// `Metadata.checkov.skip` of the bucket).
pub const CHECKOV_SKIPS: &[(&str, &str)] = &[
    (
        "CKV_AWS_18",
        "The bucket holds only the public OIDC discovery document and key set; access logs would need a second bucket and would record only anonymous reads of public keys.",
    ),
    (
        "CKV_AWS_54",
        "IRSA: AWS STS reads the discovery document and key set anonymously, so the bucket policy must make those two objects public; public ACLs stay blocked.",
    ),
    (
        "CKV_AWS_56",
        "IRSA: AWS STS reads the discovery document and key set anonymously, so the bucket policy must make those two objects public; public ACLs stay blocked.",
    ),
];

/// The logical ID of a workload's role.
pub fn role_id(workload: Workload) -> &'static str {
    match workload {
        Workload::Consumer(Consumer::ExternalDns) => "ExternalDnsRole",
        Workload::Consumer(Consumer::CertManager) => "CertManagerRole",
        Workload::EbsCsiDriver => "EbsCsiDriverRole",
    }
}

fn require_account(r: &Resolved, t: &mut Template) {
    if let Some(account) = &r.account_id {
        t.require(
            "InBlueprintAccount",
            "AWS::AccountId",
            account,
            &format!("platc rendered this template for account {account} (spec.aws.accountID)"),
        );
    }
}

/// `iam/cloudformation/route53-<consumer>.yaml`.
pub fn policy_template(r: &Resolved, policy: &Policy) -> Value {
    let mut properties = Map::new();
    properties.insert("ManagedPolicyName".into(), json!(policy.name));
    properties.insert("Description".into(), json!(policy.description));
    properties.insert(
        "PolicyDocument".into(),
        cfn::policy_document(&policy.statements),
    );
    // AWS::IAM::ManagedPolicy has no Tags property in CloudFormation.
    let mut t = Template {
        description: format!(
            "platc, platform {}: Route 53 policy {} ({})",
            r.platform, policy.name, policy.description
        ),
        ..Template::default()
    };
    require_account(r, &mut t);
    t.resources.insert(
        POLICY_ID.into(),
        Value::Object(cfn::resource("AWS::IAM::ManagedPolicy", properties)),
    );
    t.output(
        "PolicyArn",
        &format!("The ARN of policy {}", policy.name),
        cfn::reference(POLICY_ID),
    );
    t.into_value()
}

/// `iam/cloudformation/irsa-<cluster>.yaml`.
pub fn cluster_template(r: &Resolved, c: &ClusterIdentity) -> Value {
    let mut t = Template {
        description: format!(
            "platc, platform {}: workload identity (IRSA) of cluster {}",
            r.platform, c.cluster
        ),
        ..Template::default()
    };
    require_account(r, &mut t);
    if c.issuer_parameter {
        t.parameters.insert(
            ISSUER_PARAMETER.into(),
            json!({
                "Type": "String",
                "Description": format!(
                    "The OIDC issuer of cluster {} without https:// (aws eks describe-cluster --query cluster.identity.oidc.issuer)",
                    c.cluster
                ),
                "AllowedPattern": "^[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$",
                "ConstraintDescription": "host and path of the issuer, without https://",
            }),
        );
    }
    if let Some(d) = &c.discovery {
        t.require(
            "InClusterRegion",
            "AWS::Region",
            &c.region,
            &format!(
                "the discovery bucket of cluster {} must be in its region, {}",
                c.cluster, c.region
            ),
        );
        let mut properties = Map::new();
        properties.insert("BucketName".into(), json!(d.bucket));
        properties.insert(
            "BucketEncryption".into(),
            json!({"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]}),
        );
        properties.insert(
            "OwnershipControls".into(),
            json!({"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}),
        );
        properties.insert(
            "PublicAccessBlockConfiguration".into(),
            json!({
                "BlockPublicAcls": true,
                "IgnorePublicAcls": true,
                "BlockPublicPolicy": false,
                "RestrictPublicBuckets": false,
            }),
        );
        properties.insert(
            "VersioningConfiguration".into(),
            json!({"Status": "Enabled"}),
        );
        cfn::tag(r, &mut properties);
        let mut bucket = cfn::resource("AWS::S3::Bucket", properties);
        let skips: Vec<Value> = CHECKOV_SKIPS
            .iter()
            .map(|(id, comment)| json!({"id": id, "comment": comment}))
            .collect();
        bucket.insert("Metadata".into(), json!({"checkov": {"skip": skips}}));
        t.resources.insert(BUCKET_ID.into(), Value::Object(bucket));
        let mut policy = Map::new();
        policy.insert("Bucket".into(), cfn::reference(BUCKET_ID));
        policy.insert("PolicyDocument".into(), cfn::policy_document(&d.policy));
        t.resources.insert(
            BUCKET_POLICY_ID.into(),
            Value::Object(cfn::resource("AWS::S3::BucketPolicy", policy)),
        );
        t.output(
            "DiscoveryBucket",
            "The bucket that publishes the issuer's discovery document and keys",
            cfn::reference(BUCKET_ID),
        );
    }
    if let Some(url) = &c.oidc_provider_url {
        let mut properties = Map::new();
        properties.insert("Url".into(), json!(url));
        properties.insert("ClientIdList".into(), json!([naming::STS_AUDIENCE]));
        cfn::tag(r, &mut properties);
        t.resources.insert(
            OIDC_PROVIDER_ID.into(),
            Value::Object(cfn::resource("AWS::IAM::OIDCProvider", properties)),
        );
        t.output(
            "OIDCProviderArn",
            "The IAM OIDC provider of the cluster's issuer",
            cfn::reference(OIDC_PROVIDER_ID),
        );
        t.output(
            "IssuerUrl",
            "The API server's --service-account-issuer",
            json!(url),
        );
    }
    for role in &c.roles {
        t.resources.insert(
            role_id(role.workload).into(),
            Value::Object(role_resource(r, role)),
        );
        t.output(
            &format!("{}Arn", role_id(role.workload)),
            &format!("The ARN of role {}", role.name),
            json!({"Fn::GetAtt": [role_id(role.workload), "Arn"]}),
        );
    }
    t.into_value()
}

fn role_resource(r: &Resolved, role: &Role) -> Map<String, Value> {
    let mut properties = Map::new();
    properties.insert("RoleName".into(), json!(role.name));
    properties.insert("Description".into(), json!(role.description));
    properties.insert(
        "AssumeRolePolicyDocument".into(),
        cfn::policy_document(&role.trust),
    );
    properties.insert(
        "ManagedPolicyArns".into(),
        json!([cfn::text(&role.policy.arn())]),
    );
    cfn::tag(r, &mut properties);
    cfn::resource("AWS::IAM::Role", properties)
}

/// Every template of the plan, by path.
pub fn templates(r: &Resolved, plan: &Plan) -> Vec<(String, Value)> {
    use rayon::prelude::*;
    // One template per policy and per cluster, independent: made side by side, in order.
    let mut out: Vec<(String, Value)> = plan
        .policies
        .par_iter()
        .map(|p| {
            (
                naming::route53_policy_template_path(p.consumer.name()),
                policy_template(r, p),
            )
        })
        .collect();
    out.par_extend(plan.clusters.par_iter().map(|c| {
        (
            naming::irsa_template_path(&c.cluster),
            cluster_template(r, c),
        )
    }));
    out
}
