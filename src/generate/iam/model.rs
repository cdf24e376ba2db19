//! The platform's IAM as data, computed once from the resolved model: one Route 53 policy
//! per consumer and, per cluster with IRSA, its discovery bucket, IAM OIDC provider and
//! roles. CloudFormation ([`super::cloudformation`]) and Terraform ([`super::terraform`])
//! both render this one value, so the two formats cannot drift apart: every statement,
//! trust policy and name is decided here.

use super::text::{Piece, Text};

/// The service account of the EBS CSI driver's controller, which the EKS add-on creates
/// (aws-ebs-csi-driver chart `controller.serviceAccount.name` default; the EKS user guide's
/// "Amazon EBS CSI driver" add-on page creates the role for `kube-system:ebs-csi-controller-sa`).
pub const EBS_CSI_SERVICE_ACCOUNT: (&str, &str) = ("kube-system", "ebs-csi-controller-sa");
/// The AWS managed policy the EKS user guide attaches to that role (least privilege as AWS
/// maintains it: EC2 volume and snapshot actions, tag-scoped where EC2 allows).
pub const EBS_CSI_POLICY: &str = "service-role/AmazonEBSCSIDriverPolicy";
use super::{discovery, policies, roles};
use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Consumer, Resolved, ServiceAccountIssuer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn name(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// Who a resource policy or trust policy statement is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// Anyone, signed or not (`"*"`): the public discovery documents.
    Everyone,
    /// The cluster's IAM OIDC provider created beside the role (a reference in both formats).
    CreatedOidcProvider,
    /// An IAM OIDC provider created elsewhere (EKS), by ARN.
    OidcProvider(Text),
}

/// One condition: `operator` (`StringEquals`, `ForAllValues:StringLike`, `Bool`, …) on `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: &'static str,
    pub key: Text,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Alphanumeric (IAM's rule for `Sid`).
    pub sid: &'static str,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Vec<&'static str>,
    /// ARNs, or `*` where an action cannot be scoped; empty in trust policies.
    pub resources: Vec<Text>,
    pub conditions: Vec<Condition>,
}

/// A customer-managed policy: one per consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub consumer: Consumer,
    pub name: String,
    pub description: String,
    pub statements: Vec<Statement>,
}

/// Who an IRSA role is for: a Route 53 consumer, or a managed add-on's controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    Consumer(Consumer),
    /// The EKS managed add-on `aws-ebs-csi-driver` (its controller's service account
    /// `kube-system/ebs-csi-controller-sa`).
    EbsCsiDriver,
}

impl Workload {
    /// The name its role carries (`<platform>-<cluster>-<name>`) and Terraform names use.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Consumer(c) => c.name(),
            Workload::EbsCsiDriver => naming::ROLE_EBS_CSI,
        }
    }
}

/// The policy a role attaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attached {
    /// A customer-managed policy of the plan ([`Policy`]), by name.
    Platform(String),
    /// An AWS managed policy, by its path and name (`service-role/AmazonEBSCSIDriverPolicy`).
    AwsManaged(&'static str),
}

impl Attached {
    /// The policy's ARN: an AWS managed policy lives in account `aws` of every partition.
    pub fn arn(&self) -> Text {
        match self {
            Attached::Platform(name) => Text::arn(&naming::policy_arn_of(name)),
            Attached::AwsManaged(path) => Text::lit("arn:")
                .then(Text(vec![Piece::Partition]))
                .then(Text::lit(format!(":iam::aws:policy/{path}"))),
        }
    }
}

/// An IRSA role: one per cluster and consumer, and per eks cluster one for the EBS CSI driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub workload: Workload,
    pub name: String,
    pub description: String,
    pub trust: Vec<Statement>,
    pub policy: Attached,
}

/// The S3 bucket that publishes a cluster's discovery document and keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    pub bucket: String,
    pub policy: Vec<Statement>,
}

/// The workload identity of one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterIdentity {
    pub cluster: String,
    pub provider: Provider,
    /// The region its bucket lives in (the cluster's).
    pub region: String,
    pub discovery: Option<Discovery>,
    /// The issuer URL of the IAM OIDC provider platc creates (capa).
    pub oidc_provider_url: Option<String>,
    /// The issuer is a parameter of the template (EKS).
    pub issuer_parameter: bool,
    pub roles: Vec<Role>,
}

/// Everything under `iam/` that is not clusterawsadm's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub policies: Vec<Policy>,
    pub clusters: Vec<ClusterIdentity>,
}

/// The plan of a platform; `None` when no workload needs AWS permissions (or the hosted zone
/// is missing, which the checker refuses).
pub fn plan(r: &Resolved) -> Option<Plan> {
    let zone = r.hosted_zone_id.as_deref();
    let any_eks = r.clusters.iter().any(|c| c.provider == Provider::Eks);
    if (zone.is_none() || r.consumers.is_empty()) && !any_eks {
        return None;
    }
    // Route 53 policies only with a hosted zone (the checker refuses consumers without one).
    let consumers: &[Consumer] = if zone.is_some() { &r.consumers } else { &[] };
    let zone = zone.unwrap_or_default();
    let policies = consumers
        .iter()
        .map(|&consumer| Policy {
            consumer,
            name: naming::route53_policy_name(&r.platform, consumer.name()),
            description: policies::description(consumer, zone),
            statements: policies::statements(consumer, zone),
        })
        .collect();
    let clusters = r
        .clusters
        .iter()
        .filter_map(|c| {
            // Every eks cluster has an IAM OIDC provider (CAPA's `associateOIDCProvider`)
            // and the EBS CSI driver's role, with or without workload IRSA.
            let eks_issuer = ServiceAccountIssuer::Eks;
            let issuer = match (&c.issuer, c.provider) {
                (Some(issuer), _) => issuer,
                (None, Provider::Eks) => &eks_issuer,
                (None, _) => return None,
            };
            let consumers: &[Consumer] = if c.issuer.is_some() { consumers } else { &[] };
            let discovery = issuer.bucket().map(|bucket| Discovery {
                bucket: bucket.to_string(),
                policy: discovery::bucket_policy(bucket),
            });
            let (principal, key_prefix) = match issuer {
                ServiceAccountIssuer::SelfHosted { host, .. } => {
                    (Principal::CreatedOidcProvider, Text::lit(host.clone()))
                }
                ServiceAccountIssuer::Eks => (
                    Principal::OidcProvider(
                        Text::arn(&naming::oidc_provider_arn("")).then(Text(vec![Piece::Issuer])),
                    ),
                    Text(vec![Piece::Issuer]),
                ),
                ServiceAccountIssuer::Kops { host, .. } => {
                    (Principal::CreatedOidcProvider, Text::lit(host.clone()))
                }
            };
            let mut roles: Vec<Role> = if issuer.platc_roles() {
                consumers
                    .iter()
                    .map(|&consumer| {
                        let (namespace, service_account) = consumer.service_account(c.management);
                        Role {
                            workload: Workload::Consumer(consumer),
                            name: naming::irsa_role_name(&r.platform, &c.name, consumer.name()),
                            description: format!(
                                "{} in cluster {} (service account {namespace}/{service_account}), through IRSA",
                                consumer.name(),
                                c.name
                            ),
                            trust: roles::trust(principal.clone(), &key_prefix, consumer, c.management),
                            policy: Attached::Platform(naming::route53_policy_name(&r.platform, consumer.name())),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            if c.provider == Provider::Eks {
                let (namespace, service_account) = EBS_CSI_SERVICE_ACCOUNT;
                roles.push(Role {
                    workload: Workload::EbsCsiDriver,
                    name: naming::irsa_role_name(&r.platform, &c.name, naming::ROLE_EBS_CSI),
                    description: format!(
                        "the EBS CSI driver add-on in cluster {} (service account {namespace}/{service_account}), through IRSA",
                        c.name
                    ),
                    trust: roles::trust_service_account(
                        principal.clone(),
                        &key_prefix,
                        namespace,
                        service_account,
                    ),
                    policy: Attached::AwsManaged(EBS_CSI_POLICY),
                });
            }
            Some(ClusterIdentity {
                cluster: c.name.clone(),
                provider: c.provider,
                region: c.region.clone(),
                discovery,
                oidc_provider_url: match issuer {
                    ServiceAccountIssuer::SelfHosted { host, .. } => Some(naming::issuer_url(host)),
                    _ => None,
                },
                issuer_parameter: matches!(issuer, ServiceAccountIssuer::Eks),
                roles,
            })
        })
        .collect();
    Some(Plan { policies, clusters })
}
