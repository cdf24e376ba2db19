//! The trust policy of an IRSA role: exactly one service account of exactly one cluster may
//! assume it — only `sts:AssumeRoleWithWebIdentity`, only from that cluster's IAM OIDC
//! provider, with `StringEquals` on both `<issuer>:sub` (`system:serviceaccount:<ns>:<sa>`)
//! and `<issuer>:aud` (`sts.amazonaws.com`), no wildcard (AWS's IRSA guide; kops checks only
//! `sub`, platc checks both).

use super::model::{Condition, Effect, Principal, Statement};
use super::text::Text;
use crate::naming;
use crate::resolve::Consumer;

pub const ASSUME_ROLE_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// The trust statements; `issuer` is the prefix of the condition keys (the issuer's host and
/// path, without `https://`).
pub fn trust(
    principal: Principal,
    issuer: &Text,
    consumer: Consumer,
    management: bool,
) -> Vec<Statement> {
    let (namespace, service_account) = consumer.service_account(management);
    trust_service_account(principal, issuer, namespace, service_account)
}

/// The trust statements of a role for the service account `namespace/service_account`.
pub fn trust_service_account(
    principal: Principal,
    issuer: &Text,
    namespace: &str,
    service_account: &str,
) -> Vec<Statement> {
    let key = |claim: &str| issuer.clone().then(Text::lit(format!(":{claim}")));
    vec![Statement {
        sid: "ServiceAccount",
        effect: Effect::Allow,
        principal: Some(principal),
        actions: vec![ASSUME_ROLE_ACTION],
        resources: Vec::new(),
        conditions: vec![
            Condition {
                operator: "StringEquals",
                key: key("sub"),
                values: vec![naming::service_account_subject(namespace, service_account)],
            },
            Condition {
                operator: "StringEquals",
                key: key("aud"),
                values: vec![naming::STS_AUDIENCE.to_string()],
            },
        ],
    }]
}
