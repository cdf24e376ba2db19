//! The IAM as Terraform (`iam/terraform/`), rendered from the same [`Plan`] as the
//! CloudFormation templates: the same policies, roles, trust policies, buckets and tags.
//!
//! Files: `versions.tf` (the required Terraform and AWS provider versions, pinned here and
//! nowhere else), `backend.tf` (the S3 backend, encrypted, with its DynamoDB lock table),
//! `main.tf` (providers, the `aws_partition` and `aws_caller_identity` data sources every ARN
//! is built from, and the tags), one file per consumer's policy and per cluster's workload
//! identity (named like the templates), `variables.tf` (the issuers of EKS clusters, known
//! only once they exist) and `outputs.tf` (role and policy ARNs). Policy documents are
//! `aws_iam_policy_document` data sources, so Terraform writes the JSON.

use std::collections::BTreeSet;

use super::model::{
    Attached, ClusterIdentity, Condition, Plan, Policy, Principal, Role, Statement, Workload,
};
use super::text::{Piece, Text};
use crate::hcl::{self, Block, Body, Expr, Template};
use crate::naming;
use crate::resolve::{Consumer, Resolved, TerraformBackend};

/// The Terraform versions the files are written for. The S3 backend's `dynamodb_table` and
/// optional `thumbprint_list` of OIDC providers need AWS provider 5.x (5.100 is the release
/// the files are validated with); 1.5 is the oldest Terraform that provider supports.
pub const REQUIRED_TERRAFORM: &str = ">= 1.5.0";
pub const AWS_PROVIDER_SOURCE: &str = "hashicorp/aws";
pub const AWS_PROVIDER_VERSION: &str = "~> 5.100";

const PARTITION: &str = "data.aws_partition.current.partition";
const ACCOUNT: &str = "data.aws_caller_identity.current.account_id";
const TAGS: &str = "local.tags";

/// A Terraform name from platc names (`prod-west` → `prod_west`): cluster and consumer names
/// are DNS labels, so this is one-to-one.
fn ident(parts: &[&str]) -> String {
    parts.join("_").replace('-', "_")
}

pub fn policy_file(consumer: Consumer) -> String {
    format!("route53-{}.tf", consumer.name())
}

pub fn cluster_file(cluster: &str) -> String {
    format!("irsa-{cluster}.tf")
}

fn policy_name(consumer: Consumer) -> String {
    ident(&["route53", consumer.name()])
}

fn issuer_variable(cluster: &str) -> String {
    ident(&["oidc_issuer", cluster])
}

fn bucket_name(cluster: &str) -> String {
    ident(&["discovery", cluster])
}

fn oidc_name(cluster: &str) -> String {
    ident(&["oidc", cluster])
}

fn role_name(cluster: &str, workload: Workload) -> String {
    ident(&["irsa", cluster, workload.name()])
}

fn region_alias(region: &str) -> String {
    region.replace('-', "_")
}

/// A [`Text`] as an expression: interpolations of the data sources and the issuer variable.
fn text(t: &Text, cluster: Option<&str>) -> Expr {
    if let Some(s) = t.literal() {
        return hcl::string(s);
    }
    let issuer = || format!("var.{}", issuer_variable(cluster.unwrap_or_default()));
    if t.0 == [Piece::Issuer] {
        return Expr::Ref(issuer());
    }
    let mut out = Template::default();
    for piece in &t.0 {
        match piece {
            Piece::Lit(s) => out.push_lit(s),
            Piece::Partition => out.push_interp(PARTITION),
            Piece::Account => out.push_interp(ACCOUNT),
            Piece::Issuer => out.push_interp(issuer()),
        }
    }
    Expr::Str(out)
}

fn list(items: Vec<Expr>) -> Expr {
    Expr::List(items)
}

fn statement(s: &Statement, cluster: Option<&str>) -> Block {
    let mut b = Body::new();
    b.attr("sid", hcl::string(s.sid))
        .attr("effect", hcl::string(s.effect.name()))
        .attr("actions", hcl::strings(&s.actions));
    if !s.resources.is_empty() {
        b.attr(
            "resources",
            list(s.resources.iter().map(|r| text(r, cluster)).collect()),
        );
    }
    if let Some(principal) = &s.principal {
        let (kind, identifier) = match principal {
            // `type = "*"` with `identifiers = ["*"]` is the provider's spelling of
            // `"Principal": "*"`.
            Principal::Everyone => ("*", hcl::string("*")),
            Principal::CreatedOidcProvider => (
                "Federated",
                Expr::Ref(format!(
                    "aws_iam_openid_connect_provider.{}.arn",
                    oidc_name(cluster.unwrap_or_default())
                )),
            ),
            Principal::OidcProvider(arn) => ("Federated", text(arn, cluster)),
        };
        let mut p = Body::new();
        p.attr("type", hcl::string(kind))
            .attr("identifiers", list(vec![identifier]));
        b.blank().block(Block::new("principals", &[], p));
    }
    for c in &s.conditions {
        b.blank().block(condition(c, cluster));
    }
    Block::new("statement", &[], b)
}

fn condition(c: &Condition, cluster: Option<&str>) -> Block {
    let mut b = Body::new();
    b.attr("test", hcl::string(c.operator))
        .attr("variable", text(&c.key, cluster))
        .attr("values", hcl::strings(&c.values));
    Block::new("condition", &[], b)
}

fn document(name: &str, statements: &[Statement], cluster: Option<&str>) -> Block {
    let mut b = Body::new();
    for (i, s) in statements.iter().enumerate() {
        if i > 0 {
            b.blank();
        }
        b.block(statement(s, cluster));
    }
    Block::new("data", &["aws_iam_policy_document", name], b)
}

fn document_json(name: &str) -> Expr {
    Expr::Ref(format!("data.aws_iam_policy_document.{name}.json"))
}

fn tagged(r: &Resolved, b: &mut Body) {
    if !r.tags.is_empty() {
        b.attr("tags", Expr::Ref(TAGS.into()));
    }
}

fn resource(kind: &str, name: &str, body: Body) -> Block {
    Block::new("resource", &[kind, name], body)
}

fn versions() -> Body {
    let aws = vec![
        ("source".to_string(), hcl::string(AWS_PROVIDER_SOURCE)),
        ("version".to_string(), hcl::string(AWS_PROVIDER_VERSION)),
    ];
    let mut providers = Body::new();
    providers.attr("aws", Expr::Object(aws));
    let mut tf = Body::new();
    tf.attr("required_version", hcl::string(REQUIRED_TERRAFORM))
        .blank()
        .block(Block::new("required_providers", &[], providers));
    let mut file = Body::new();
    file.block(Block::new("terraform", &[], tf));
    file
}

fn backend(b: &TerraformBackend) -> Body {
    let mut s3 = Body::new();
    s3.attr("bucket", hcl::string(&b.bucket))
        .attr("key", hcl::string(&b.key))
        .attr("region", hcl::string(&b.region))
        .attr("dynamodb_table", hcl::string(&b.lock_table))
        .attr("encrypt", Expr::Bool(true));
    let mut tf = Body::new();
    tf.block(Block::new("backend", &["s3"], s3));
    let mut file = Body::new();
    file.block(Block::new("terraform", &[], tf));
    file
}

/// The provider's default region: `spec.aws.region`, else the first cluster's.
fn default_region(r: &Resolved) -> String {
    r.region
        .clone()
        .or_else(|| r.clusters.first().map(|c| c.region.clone()))
        .unwrap_or_default()
}

fn main_file(r: &Resolved, plan: &Plan) -> Body {
    let default = default_region(r);
    let provider = |alias: Option<&str>, region: &str| {
        let mut b = Body::new();
        if let Some(alias) = alias {
            b.attr("alias", hcl::string(alias));
        }
        b.attr("region", hcl::string(region));
        if let Some(account) = &r.account_id {
            b.attr("allowed_account_ids", hcl::strings(&[account]));
        }
        Block::new("provider", &["aws"], b)
    };
    let mut file = Body::new();
    file.block(provider(None, &default));
    // Buckets are regional: one provider per other region a discovery bucket lives in.
    let others: BTreeSet<&str> = plan
        .clusters
        .iter()
        .filter(|c| c.discovery.is_some() && c.region != default)
        .map(|c| c.region.as_str())
        .collect();
    for region in others {
        file.section(provider(Some(&region_alias(region)), region));
    }
    file.section(Block::new(
        "data",
        &["aws_partition", "current"],
        Body::new(),
    ))
    .blank()
    .block(Block::new(
        "data",
        &["aws_caller_identity", "current"],
        Body::new(),
    ));
    if !r.tags.is_empty() {
        let tags = r
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), hcl::string(v)))
            .collect();
        let mut locals = Body::new();
        locals.attr("tags", Expr::Object(tags));
        file.section(Block::new("locals", &[], locals));
    }
    file
}

fn policy(r: &Resolved, p: &Policy) -> Body {
    let name = policy_name(p.consumer);
    let mut res = Body::new();
    res.attr("name", hcl::string(&p.name))
        .attr("description", hcl::string(&p.description))
        .attr("policy", document_json(&name));
    tagged(r, &mut res);
    let mut file = Body::new();
    file.block(document(&name, &p.statements, None))
        .section(resource("aws_iam_policy", &name, res));
    file
}

fn cluster(r: &Resolved, c: &ClusterIdentity) -> Body {
    let cl = Some(c.cluster.as_str());
    let mut file = Body::new();
    let regional = |b: &mut Body| {
        if c.region != default_region(r) {
            b.attr(
                "provider",
                Expr::Ref(format!("aws.{}", region_alias(&c.region))),
            );
        }
    };
    if let Some(d) = &c.discovery {
        let name = bucket_name(&c.cluster);
        let bucket_id = Expr::Ref(format!("aws_s3_bucket.{name}.id"));
        let mut bucket = Body::new();
        regional(&mut bucket);
        bucket.attr("bucket", hcl::string(&d.bucket));
        tagged(r, &mut bucket);
        file.block(resource("aws_s3_bucket", &name, bucket));

        let mut rule = Body::new();
        rule.attr("object_ownership", hcl::string("BucketOwnerEnforced"));
        let mut ownership = Body::new();
        regional(&mut ownership);
        ownership
            .attr("bucket", bucket_id.clone())
            .blank()
            .block(Block::new("rule", &[], rule));
        file.section(resource(
            "aws_s3_bucket_ownership_controls",
            &name,
            ownership,
        ));

        let mut block = Body::new();
        regional(&mut block);
        block
            .attr("bucket", bucket_id.clone())
            .attr("block_public_acls", Expr::Bool(true))
            .attr("ignore_public_acls", Expr::Bool(true))
            .attr("block_public_policy", Expr::Bool(false))
            .attr("restrict_public_buckets", Expr::Bool(false));
        file.section(resource("aws_s3_bucket_public_access_block", &name, block));

        let mut default = Body::new();
        default.attr("sse_algorithm", hcl::string("AES256"));
        let mut rule = Body::new();
        rule.block(Block::new(
            "apply_server_side_encryption_by_default",
            &[],
            default,
        ));
        let mut encryption = Body::new();
        regional(&mut encryption);
        encryption
            .attr("bucket", bucket_id.clone())
            .blank()
            .block(Block::new("rule", &[], rule));
        file.section(resource(
            "aws_s3_bucket_server_side_encryption_configuration",
            &name,
            encryption,
        ));

        let mut status = Body::new();
        status.attr("status", hcl::string("Enabled"));
        let mut versioning = Body::new();
        regional(&mut versioning);
        versioning
            .attr("bucket", bucket_id.clone())
            .blank()
            .block(Block::new("versioning_configuration", &[], status));
        file.section(resource("aws_s3_bucket_versioning", &name, versioning));

        file.section(document(&name, &d.policy, cl));
        let mut policy = Body::new();
        regional(&mut policy);
        policy
            .attr("bucket", bucket_id)
            .attr("policy", document_json(&name))
            .blank()
            // S3 refuses a public policy while the bucket blocks public policies.
            .attr(
                "depends_on",
                list(vec![Expr::Ref(format!(
                    "aws_s3_bucket_public_access_block.{name}"
                ))]),
            );
        file.section(resource("aws_s3_bucket_policy", &name, policy));
    }
    if let Some(url) = &c.oidc_provider_url {
        let mut provider = Body::new();
        provider
            .attr("url", hcl::string(url))
            .attr("client_id_list", hcl::strings(&[naming::STS_AUDIENCE]));
        tagged(r, &mut provider);
        file.section(resource(
            "aws_iam_openid_connect_provider",
            &oidc_name(&c.cluster),
            provider,
        ));
    }
    for role in &c.roles {
        role_blocks(r, c, role, &mut file);
    }
    file
}

fn role_blocks(r: &Resolved, c: &ClusterIdentity, role: &Role, file: &mut Body) {
    let name = role_name(&c.cluster, role.workload);
    let trust = format!("{name}_trust");
    file.section(document(&trust, &role.trust, Some(&c.cluster)));
    let mut res = Body::new();
    res.attr("name", hcl::string(&role.name))
        .attr("description", hcl::string(&role.description))
        .attr("assume_role_policy", document_json(&trust));
    tagged(r, &mut res);
    file.section(resource("aws_iam_role", &name, res));
    let mut attachment = Body::new();
    attachment
        .attr("role", Expr::Ref(format!("aws_iam_role.{name}.name")))
        .attr(
            "policy_arn",
            // The platform's own policy by reference (Terraform orders the two); an AWS
            // managed policy by its ARN in the current partition.
            match (&role.policy, role.workload) {
                (Attached::Platform(_), Workload::Consumer(consumer)) => {
                    Expr::Ref(format!("aws_iam_policy.{}.arn", policy_name(consumer)))
                }
                _ => text(&role.policy.arn(), Some(&c.cluster)),
            },
        );
    file.section(resource(
        "aws_iam_role_policy_attachment",
        &name,
        attachment,
    ));
}

fn variables(plan: &Plan) -> Option<Body> {
    let mut file = Body::new();
    for c in plan.clusters.iter().filter(|c| c.issuer_parameter) {
        let mut b = Body::new();
        b.attr("type", Expr::Ref("string".into())).attr(
            "description",
            hcl::string(format!(
                "The OIDC issuer of cluster {} without https:// (aws eks describe-cluster --query cluster.identity.oidc.issuer)",
                c.cluster
            )),
        );
        file.section(Block::new("variable", &[&issuer_variable(&c.cluster)], b));
    }
    (!file.items.is_empty()).then_some(file)
}

fn outputs(plan: &Plan) -> Body {
    let mut file = Body::new();
    let mut output = |name: String, description: String, value: String| {
        let mut b = Body::new();
        b.attr("description", hcl::string(description))
            .attr("value", Expr::Ref(value));
        file.section(Block::new("output", &[&name], b));
    };
    for p in &plan.policies {
        let name = policy_name(p.consumer);
        output(
            format!("{name}_policy_arn"),
            format!("The ARN of policy {}", p.name),
            format!("aws_iam_policy.{name}.arn"),
        );
    }
    for c in &plan.clusters {
        if c.discovery.is_some() {
            let name = bucket_name(&c.cluster);
            output(
                format!("{name}_bucket"),
                format!(
                    "The bucket that publishes the issuer's discovery document and keys of cluster {}",
                    c.cluster
                ),
                format!("aws_s3_bucket.{name}.bucket"),
            );
        }
        if c.oidc_provider_url.is_some() {
            let name = oidc_name(&c.cluster);
            output(
                format!("{name}_provider_arn"),
                format!("The IAM OIDC provider of cluster {}", c.cluster),
                format!("aws_iam_openid_connect_provider.{name}.arn"),
            );
        }
        for role in &c.roles {
            let name = role_name(&c.cluster, role.workload);
            output(
                format!("{name}_role_arn"),
                format!("The ARN of role {}", role.name),
                format!("aws_iam_role.{name}.arn"),
            );
        }
    }
    file
}

/// Every file of `iam/terraform/`, by file name.
pub fn files(r: &Resolved, plan: &Plan, backend_config: &TerraformBackend) -> Vec<(String, Body)> {
    let mut out = vec![
        ("versions.tf".to_string(), versions()),
        ("backend.tf".to_string(), backend(backend_config)),
        ("main.tf".to_string(), main_file(r, plan)),
    ];
    for p in &plan.policies {
        out.push((policy_file(p.consumer), policy(r, p)));
    }
    for c in &plan.clusters {
        out.push((cluster_file(&c.cluster), cluster(r, c)));
    }
    if let Some(v) = variables(plan) {
        out.push(("variables.tf".to_string(), v));
    }
    out.push(("outputs.tf".to_string(), outputs(plan)));
    out
}
