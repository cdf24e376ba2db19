//! Schemas platc's authors wrote for kinds with no published schema, from the upstream Go
//! types (provenance in each folder's README under `schema/platc/`). Looked up like the
//! upstream ones.

/// (apiVersion, kind, JSON Schema text).
pub const SCHEMAS: &[(&str, &str, &str)] = &[(
    "bootstrap.aws.infrastructure.cluster.x-k8s.io/v1beta1",
    "AWSIAMConfiguration",
    include_str!(
        "../../schema/platc/bootstrap.aws.infrastructure.cluster.x-k8s.io/awsiamconfiguration_v1beta1.json"
    ),
)];
