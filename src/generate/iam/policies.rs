//! The Route 53 policy of each consumer, limited to the blueprint's hosted zone
//! (`spec.aws.hostedZoneID`), as upstream documents least privilege:
//!
//! - external-dns (external-dns `docs/tutorials/aws.md`): change and list the record sets and
//!   list the tags of that zone only, read the status of changes (`change/*`: a change's ID
//!   is only known once it is made), and list hosted zones — the one action IAM cannot scope
//!   to a resource, and the only statement on `*`.
//! - cert-manager's DNS-01 solver (cert-manager's Route 53 guide, tightened as kops'
//!   `addonmanifests/certmanager/iam.go` does): read the status of changes, list the zone's
//!   record sets, and change only `TXT` records named `_acme-challenge.*` in that zone. No
//!   `ListHostedZonesByName`: platc always gives the solver the zone's ID, so cert-manager
//!   never looks the zone up (`route53.go` `getHostedZoneID`).

use super::model::{Condition, Effect, Statement};
use super::text::Text;
use crate::naming;
use crate::resolve::Consumer;

/// The record type and name pattern cert-manager may change (ACME DNS-01, RFC 8555 §8.4).
pub const ACME_RECORD_TYPE: &str = "TXT";
pub const ACME_RECORD_NAMES: &str = "_acme-challenge.*";

/// Route 53 actions that change something: none of them may be allowed on `*`.
pub const MUTATING_ACTIONS: &[&str] = &[
    "route53:ChangeResourceRecordSets",
    "route53:CreateHostedZone",
    "route53:DeleteHostedZone",
    "route53:ChangeTagsForResource",
];

fn allow(sid: &'static str, actions: &[&'static str], resource: Text) -> Statement {
    Statement {
        sid,
        effect: Effect::Allow,
        principal: None,
        actions: actions.to_vec(),
        resources: vec![resource],
        conditions: Vec::new(),
    }
}

/// The policy's statements.
pub fn statements(consumer: Consumer, zone: &str) -> Vec<Statement> {
    let zone_arn = || Text::arn(&naming::hosted_zone_arn(zone));
    let changes = allow(
        "ReadChangeStatus",
        &["route53:GetChange"],
        Text::arn(&naming::route53_changes_arn()),
    );
    match consumer {
        Consumer::ExternalDns => vec![
            allow(
                "ManageRecordSetsOfTheZone",
                &[
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResources",
                ],
                zone_arn(),
            ),
            changes,
            // ListHostedZones supports no resource-level permission: `*` is its only form.
            allow(
                "ListHostedZones",
                &["route53:ListHostedZones"],
                Text::lit("*"),
            ),
        ],
        Consumer::CertManager => vec![
            changes,
            // The condition keys exist for ChangeResourceRecordSets only. ForAllValues makes
            // every change of a request match, so a batch that also touches another record is
            // refused as a whole.
            Statement {
                conditions: vec![
                    Condition {
                        operator: "ForAllValues:StringEquals",
                        key: Text::lit("route53:ChangeResourceRecordSetsRecordTypes"),
                        values: vec![ACME_RECORD_TYPE.to_string()],
                    },
                    Condition {
                        operator: "ForAllValues:StringLike",
                        key: Text::lit("route53:ChangeResourceRecordSetsNormalizedRecordNames"),
                        values: vec![ACME_RECORD_NAMES.to_string()],
                    },
                ],
                ..allow(
                    "ChangeAcmeChallengeRecords",
                    &["route53:ChangeResourceRecordSets"],
                    zone_arn(),
                )
            },
            allow(
                "ListRecordSetsOfTheZone",
                &["route53:ListResourceRecordSets"],
                zone_arn(),
            ),
        ],
    }
}

/// What the policy is for.
pub fn description(consumer: Consumer, zone: &str) -> String {
    let what = match consumer {
        Consumer::ExternalDns => "external-dns: manage the record sets",
        Consumer::CertManager => "cert-manager DNS-01 solver: ACME challenge TXT records",
    };
    format!("{what} of hosted zone {zone}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_mutating_on_star_and_acme_limited_to_challenges() {
        for consumer in [Consumer::ExternalDns, Consumer::CertManager] {
            for s in statements(consumer, "Z1") {
                let star = s.resources.iter().any(|r| r.literal() == Some("*"));
                if star {
                    assert!(
                        s.actions.iter().all(|a| !MUTATING_ACTIONS.contains(a)),
                        "{consumer:?}: {s:?}"
                    );
                    assert_eq!(s.actions, ["route53:ListHostedZones"]);
                }
            }
        }
        let acme = statements(Consumer::CertManager, "Z1");
        let change: Vec<_> = acme
            .iter()
            .filter(|s| s.actions.contains(&"route53:ChangeResourceRecordSets"))
            .collect();
        assert_eq!(change.len(), 1);
        assert_eq!(change[0].conditions.len(), 2);
        assert!(
            acme.iter()
                .all(|s| !s.actions.contains(&"route53:ListHostedZonesByName"))
        );
    }
}
