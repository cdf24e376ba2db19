//! The platform's IAM as data, computed once from the resolved model: one Route 53 policy
//! per consumer and, per cluster with IRSA, its discovery bucket, IAM OIDC provider and
//! roles. CloudFormation ([`super::cloudformation`]) and Terraform ([`super::terraform`])
//! both render this one value, so the two formats cannot drift apart: every statement,
//! trust policy and name is decided here.

use super::text::{Piece, Text};
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

/// An IRSA role: one per cluster and consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub consumer: Consumer,
    pub name: String,
    pub description: String,
    pub trust: Vec<Statement>,
    /// The name of the policy it attaches (a [`Policy`] of the plan).
    pub policy: String,
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
    let zone = r.hosted_zone_id.as_deref()?;
    if r.consumers.is_empty() {
        return None;
    }
    let policies = r
        .consumers
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
            let issuer = c.issuer.as_ref()?;
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
            let roles = if issuer.platc_roles() {
                r.consumers
                    .iter()
                    .map(|&consumer| {
                        let (namespace, service_account) = consumer.service_account(c.management);
                        Role {
                            consumer,
                            name: naming::irsa_role_name(&r.platform, &c.name, consumer.name()),
                            description: format!(
                                "{} in cluster {} (service account {namespace}/{service_account}), through IRSA",
                                consumer.name(),
                                c.name
                            ),
                            trust: roles::trust(principal.clone(), &key_prefix, consumer, c.management),
                            policy: naming::route53_policy_name(&r.platform, consumer.name()),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
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
