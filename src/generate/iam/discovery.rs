//! The discovery bucket of a cluster's service-account issuer (IRSA on capa and kops). STS
//! fetches the issuer's discovery document and key set anonymously over HTTPS, so exactly
//! those two objects are public; everything else stays private: ACLs are off (bucket owner
//! enforced) and public ACLs blocked, the bucket is encrypted and versioned, and plain-HTTP
//! requests are refused.

use super::model::{Condition, Effect, Principal, Statement};
use super::text::Text;
use crate::naming;

/// The bucket policy.
pub fn bucket_policy(bucket: &str) -> Vec<Statement> {
    vec![
        Statement {
            sid: "PublicDiscoveryDocuments",
            effect: Effect::Allow,
            principal: Some(Principal::Everyone),
            actions: vec!["s3:GetObject"],
            resources: [naming::OIDC_DISCOVERY_KEY, naming::OIDC_JWKS_KEY]
                .iter()
                .map(|key| Text::arn(&naming::s3_object_arn(bucket, key)))
                .collect(),
            conditions: Vec::new(),
        },
        Statement {
            sid: "HttpsOnly",
            effect: Effect::Deny,
            principal: Some(Principal::Everyone),
            actions: vec!["s3:*"],
            resources: vec![
                Text::arn(&naming::s3_bucket_arn(bucket)),
                Text::arn(&naming::s3_object_arn(bucket, "*")),
            ],
            conditions: vec![Condition {
                operator: "Bool",
                key: Text::lit("aws:SecureTransport"),
                values: vec!["false".to_string()],
            }],
        },
    ]
}
