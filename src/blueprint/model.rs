//! The blueprint as typed data: one struct per section of `spec/blueprint.md`, mirroring the
//! YAML exactly (camelCase names, unknown fields refused). These types are the single source
//! of the blueprint's JSON Schema (`schema/platform.schema.json`, via schemars). They hold
//! what the user wrote, nothing derived: defaults and derived values belong to `resolve`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A platform blueprint (`kind: Platform`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Blueprint {
    /// Always `platc.io/v1alpha1`.
    pub api_version: String,
    /// Always `Platform`.
    pub kind: String,
    pub metadata: Metadata,
    pub spec: Spec,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// The platform's name (DNS-1123 label); prefixes AWS resource names.
    pub name: String,
}

/// Which workloads need Route 53 permissions: external-dns (with `spec.dns`) and
/// cert-manager (with the Route 53 DNS-01 solver). The checker, the resolver and the IAM
/// generators all ask this one question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route53Users {
    pub external_dns: bool,
    pub cert_manager: bool,
}

impl Spec {
    pub fn route53_users(&self) -> Route53Users {
        Route53Users {
            external_dns: self.dns.is_some(),
            cert_manager: self
                .certificates
                .as_ref()
                .and_then(|c| c.acme.as_ref())
                .and_then(|a| a.solver)
                == Some(AcmeSolver::Dns01Route53),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// Base DNS domain; the management cluster is reached at `<cluster>.<domain>`.
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
    /// AWS tags added to every AWS resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<Aws>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam: Option<Iam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates: Option<Certificates>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registries: Option<Registries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<Workspace>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<Access>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<Monitoring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitops: Option<Gitops>,
    /// Kommander itself, on the management cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kommander: Option<Kommander>,
    pub clusters: Vec<Cluster>,
    /// Kustomize-format overlays applied to every cluster's output, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<OverlayRef>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Targets {
    /// API version of Cluster API's own kinds in the output.
    #[serde(
        rename = "clusterAPI",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cluster_api: Option<ClusterApiVersion>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum ClusterApiVersion {
    #[serde(rename = "v1beta1")]
    V1Beta1,
    #[default]
    #[serde(rename = "v1beta2")]
    V1Beta2,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Aws {
    /// 12 digits, as a quoted string.
    #[serde(rename = "accountID", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
    /// Route 53 hosted zone ID (`Z` + uppercase alphanumerics).
    #[serde(
        rename = "hostedZoneID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub hosted_zone_id: Option<String>,
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

/// The IAM platc writes under `iam/`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Iam {
    /// `cloudformation` (default), `terraform` or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<IamFormat>,
    /// Terraform's S3 backend; required with `terraform` and `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<TerraformBackend>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IamFormat {
    #[default]
    Cloudformation,
    Terraform,
    Both,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerraformBackend {
    /// The S3 bucket that holds the state (it must exist); required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_bucket: Option<String>,
    /// The state's object key; default `platc/<platform>/iam.tfstate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_key: Option<String>,
    /// The DynamoDB table that locks the state (string partition key `LockID`); required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_table: Option<String>,
    /// The state bucket's region; default `spec.aws.region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<Oidc>,
}

/// SSO through dex. Groups appear in Kubernetes with the prefix `oidc:`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Oidc {
    pub connector: Connector,
    #[serde(rename = "issuerURL")]
    pub issuer_url: String,
    #[serde(rename = "clientID")]
    pub client_id: String,
    pub client_secret_ref: SecretRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_claim: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_claim: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub insecure_skip_email_verified: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connector {
    pub id: String,
    pub name: String,
}

/// A key of a Kubernetes Secret: how a blueprint names a credential without holding it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRef {
    pub name: String,
    pub key: String,
}

/// Kommander itself (the management cluster's platform layer).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kommander {
    /// The Secret (in Kommander's namespace, `kommander`) holding the licence: becomes
    /// Kommander's `License` object, which refers to it. Kommander reads the licence from the
    /// key `jwt`, labelled `kommanderType=license`; the licence never enters the tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_secret_ref: Option<SecretRef>,
}

/// A Secret named without a key (Flux reads fixed keys from it).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalSecretRef {
    pub name: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Certificates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme: Option<Acme>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acme {
    pub provider: AcmeProvider,
    pub email: String,
    /// The ACME directory URL, for `provider: custom` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_account_binding: Option<ExternalAccountBinding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<AcmeSolver>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AcmeProvider {
    Letsencrypt,
    LetsencryptStaging,
    Zerossl,
    SslcomRsa,
    SslcomEcc,
    Custom,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalAccountBinding {
    #[serde(rename = "keyID")]
    pub key_id: String,
    pub key_secret_ref: SecretRef,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AcmeSolver {
    #[default]
    #[serde(rename = "http01")]
    Http01,
    #[serde(rename = "dns01-route53")]
    Dns01Route53,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns {
    pub provider: DnsProvider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<DnsPolicy>,
    #[serde(
        rename = "txtOwnerID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub txt_owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txt_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain_filters: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DnsProvider {
    Route53,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DnsPolicy {
    #[default]
    UpsertOnly,
    Sync,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registries {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<Mirror>,
    /// Image reference prefixes (`registry.k8s.io/`) that a policy engine admits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_image_sources: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mirror {
    /// Registry host, e.g. `docker.io`.
    pub upstream: String,
    /// The mirror's https URL.
    pub endpoint: String,
    /// The registry API root under `endpoint` where this upstream is served, for proxy-cache
    /// registries that serve several upstreams from one host (a Harbor proxy-cache project:
    /// `/v2/dockerhub-proxy`). Written to containerd with `override_path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A Secret of type `kubernetes.io/dockerconfigjson`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_ref: Option<SecretRef>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Security {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security: Option<PodSecurity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_engine: Option<PolicyEngine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<AuditLog>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_identity: Option<WorkloadIdentity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_at_rest: Option<EncryptionAtRest>,
}

/// Secrets encrypted at rest with a key from the cloud's KMS: an existing key by its ARN, or
/// `generate: true` (a key platc declares). Exactly one of the two; the checker refuses the
/// combinations a provider cannot build (`check/encryption.rs`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncryptionAtRest {
    /// The ARN of an existing symmetric KMS key (`arn:<partition>:kms:<region>:<account>:key/<id>`),
    /// in the clusters' partition and region.
    #[serde(rename = "kmsKeyARN", default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// A key that platc declares in the IAM output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodSecurity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce: Option<PodSecurityLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<PodSecurityLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<PodSecurityLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt_namespaces: Vec<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum PodSecurityLevel {
    Privileged,
    Baseline,
    Restricted,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PolicyEngine {
    Kyverno,
    #[default]
    None,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditLog {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_backups: Option<i64>,
    #[serde(rename = "maxSizeMB", default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<i64>,
    /// `default`, or a path to an `audit.k8s.io/v1` Policy file beside the blueprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadIdentity {
    #[default]
    Irsa,
    NodeRole,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workspace {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A named group of people and what they may do.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Access {
    pub name: String,
    /// OIDC groups (they appear in Kubernetes as `oidc:<group>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<AccessRole>,
    /// Workspace name → role in that workspace.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub workspaces: BTreeMap<String, WorkspaceRole>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccessRole {
    ClusterAdmin,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceRole {
    Admin,
    Edit,
    View,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Monitoring {
    /// The node pool reserved for monitoring in every cluster that has a pool of this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_pool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Prometheus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
}

/// A Kubernetes quantity: `500m`, `4Gi`, or a whole number.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Quantity {
    Text(String),
    Whole(u64),
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gitops {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux: Option<Flux>,
    /// Argo CD instead of Flux (one of the two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argocd: Option<Argocd>,
}

/// `gitops.argocd`: Argo CD delivers the tree (`generate::argocd`). Its Git credentials, if
/// the repository is private, are registered with Argo CD (a repository Secret), not named
/// here: an Application names no Secret.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Argocd {
    /// https or ssh URL of the repository the rendered tree lives in.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Folder of the rendered tree in that repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The AppProject of every Application (default `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flux {
    /// https or ssh URL of the repository the rendered tree lives in.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Folder of the rendered tree in that repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalSecretRef>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverlayRef {
    /// A folder with a `kustomization.yaml`, relative to the blueprint, inside its folder.
    pub path: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cluster {
    /// DNS-1123 label, at most 40 characters.
    pub name: String,
    /// This cluster hosts the platform layer and manages itself (capa only).
    #[serde(default)]
    pub management: bool,
    pub provider: Provider,
    /// `vX.Y.Z`.
    pub kubernetes_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Defaults to `spec.aws.region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub availability_zones: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// Exposure of the cluster's API endpoint; private when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ClusterApi>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_plane: Option<ControlPlane>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_pools: Vec<NodePool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kops: Option<Kops>,
    /// Overlays for this cluster only, applied after the platform-wide ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<OverlayRef>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Capa,
    Eks,
    Kops,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    /// `ami-` + 8 or 17 lowercase hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami: Option<String>,
    /// Find the newest image by owner and name pattern (the image-builder convention) instead
    /// of pinning an AMI per region; one or the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<ImageLookup>,
}

/// `clusters[].image.lookup`: CAPA's `imageLookupOrg`/`imageLookupBaseOS`/`imageLookupFormat`
/// (a kOps `<owner>/<name pattern>` image string on kops).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageLookup {
    /// The 12-digit AWS account ID that owns the images (EC2's `owner-id`).
    pub org: String,
    /// The base OS in the image name (`{{.BaseOS}}`), e.g. `ubuntu-24.04`; CAPA's default
    /// when left out.
    #[serde(rename = "baseOS", default, skip_serializing_if = "Option::is_none")]
    pub base_os: Option<String>,
    /// The image name pattern, a Go template over `{{.BaseOS}}` and `{{.K8sVersion}}` with
    /// EC2's `*` and `?` wildcards; CAPA's `capa-ami-{{.BaseOS}}-?{{.K8sVersion}}-*` when
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Network {
    #[serde(rename = "podCIDR", default, skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    #[serde(
        rename = "serviceCIDR",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub service_cidr: Option<String>,
    #[serde(
        rename = "existingVPC",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub existing_vpc: Option<ExistingVpc>,
    /// The IPv4 CIDR of the VPC that the provider creates (not with `existingVPC`); derived
    /// from the platform's and the cluster's names when left out.
    #[serde(rename = "vpcCIDR", default, skip_serializing_if = "Option::is_none")]
    pub vpc_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calico: Option<Calico>,
}

/// Who reaches a cluster's Kubernetes API (`clusters[].api`).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterApi {
    /// `private` (the default): reachable from inside the cluster's VPC (and the management
    /// cluster's, through peering); `public`: from the internet, limited to `allowedCIDRs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<ApiEndpoint>,
    /// IPv4 CIDRs allowed to reach a public endpoint; required with `endpoint: public`.
    /// `0.0.0.0/0` only when written.
    #[serde(
        rename = "allowedCIDRs",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_cidrs: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiEndpoint {
    Public,
    Private,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExistingVpc {
    pub id: String,
    pub cidr: String,
    /// Zone → subnet ID; every zone of the cluster needs one.
    pub private_subnets: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub public_subnets: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Calico {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_reflectors: Option<RouteReflectors>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteReflectors {
    pub node_pool: String,
    /// IPv4-formatted route reflector cluster ID.
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    pub as_number: u64,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlPlane {
    /// 1, 3 or 5 (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    pub instance_type: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodePool {
    pub name: String,
    pub instance_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_volume: Option<RootVolume>,
    /// A subset of the cluster's zones (default: all of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub availability_zones: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Autoscaling {
    pub min: i64,
    pub max: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Taint {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub effect: TaintEffect,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RootVolume {
    #[serde(rename = "sizeGiB")]
    pub size_gib: i64,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<VolumeType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VolumeType {
    Gp3,
    Gp2,
    Io1,
    Io2,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kops {
    /// `s3://bucket[/prefix]`.
    pub state_store: String,
}
