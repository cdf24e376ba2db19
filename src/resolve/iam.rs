//! What the blueprint asks of AWS IAM, resolved once: the workloads that need Route 53
//! permissions (consumers), how each cluster's service-account tokens are trusted by IAM
//! (its issuer, with workload identity IRSA), and the form the IAM is written in
//! (CloudFormation, Terraform with its S3 backend, or both).

use crate::blueprint::model::{
    Blueprint, Cluster, IamFormat, Partition, Provider, Spec, WorkloadIdentity,
};
use crate::naming;

/// A workload that gets AWS (Route 53) permissions: external-dns with `spec.dns`,
/// cert-manager with the Route 53 DNS-01 solver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Consumer {
    ExternalDns,
    CertManager,
}

impl Consumer {
    /// The name its policy and roles carry.
    pub fn name(self) -> &'static str {
        match self {
            Consumer::ExternalDns => naming::CONSUMER_EXTERNAL_DNS,
            Consumer::CertManager => naming::CONSUMER_CERT_MANAGER,
        }
    }

    /// The namespace and service account it runs as on a cluster: on the management
    /// cluster Kommander installs external-dns into its own namespace.
    pub fn service_account(self, management: bool) -> (&'static str, &'static str) {
        match self {
            Consumer::ExternalDns => (
                naming::external_dns_namespace(management),
                naming::EXTERNAL_DNS_SERVICE_ACCOUNT,
            ),
            Consumer::CertManager => (
                naming::CERT_MANAGER_NAMESPACE,
                naming::CERT_MANAGER_SERVICE_ACCOUNT,
            ),
        }
    }
}

/// The workloads that need Route 53 permissions, in a fixed order.
pub fn consumers(spec: &Spec) -> Vec<Consumer> {
    let users = spec.route53_users();
    let mut out = Vec::new();
    if users.external_dns {
        out.push(Consumer::ExternalDns);
    }
    if users.cert_manager {
        out.push(Consumer::CertManager);
    }
    out
}

/// Who issues a cluster's service-account tokens, and who publishes what IAM needs to trust
/// them (IRSA).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceAccountIssuer {
    /// A self-managed cluster (capa): its API server issues tokens as `https://<host>`, the
    /// host being the discovery bucket's; platc creates the bucket, the IAM OIDC provider and
    /// one role per consumer, and sets the API server's issuer flags. Publishing the discovery
    /// document and keys is a step after the cluster exists (the tree's README).
    SelfHosted { bucket: String, host: String },
    /// EKS: CAPA's `AWSManagedControlPlane` associates the cluster's issuer with an IAM OIDC
    /// provider (`associateOIDCProvider`); the issuer is only known once the cluster exists,
    /// so the roles take it as a parameter (CloudFormation) or variable (Terraform).
    Eks,
    /// kops: kops publishes the discovery document into the bucket platc creates
    /// (`serviceAccountIssuerDiscovery.discoveryStore`), creates the IAM OIDC provider
    /// (`enableAWSOIDCProvider`) and one role per service account from
    /// `iam.serviceAccountExternalPermissions`, which attach platc's policies by ARN.
    Kops { bucket: String, host: String },
}

impl ServiceAccountIssuer {
    /// The discovery bucket platc creates, if any.
    pub fn bucket(&self) -> Option<&str> {
        match self {
            ServiceAccountIssuer::SelfHosted { bucket, .. }
            | ServiceAccountIssuer::Kops { bucket, .. } => Some(bucket),
            ServiceAccountIssuer::Eks => None,
        }
    }

    /// The issuer's host when it is known before the cluster exists.
    pub fn host(&self) -> Option<&str> {
        match self {
            ServiceAccountIssuer::SelfHosted { host, .. }
            | ServiceAccountIssuer::Kops { host, .. } => Some(host),
            ServiceAccountIssuer::Eks => None,
        }
    }

    /// Whether platc writes the IAM roles of this cluster (kops writes its own).
    pub fn platc_roles(&self) -> bool {
        !matches!(self, ServiceAccountIssuer::Kops { .. })
    }

    /// The kube-apiserver flags of a self-managed cluster (`service-account-issuer`,
    /// `service-account-jwks-uri`), as kops sets them for its own discovery store: tokens
    /// name the public issuer, and its discovery document points at the public key set.
    pub fn api_server_args(&self) -> Vec<(&'static str, String)> {
        match self {
            ServiceAccountIssuer::SelfHosted { host, .. } => vec![
                ("service-account-issuer", naming::issuer_url(host)),
                ("service-account-jwks-uri", naming::jwks_url(host)),
            ],
            _ => Vec::new(),
        }
    }

    /// kops' `serviceAccountIssuerDiscovery.discoveryStore` (`s3://<bucket>`).
    pub fn kops_discovery_store(&self) -> Option<String> {
        match self {
            ServiceAccountIssuer::Kops { bucket, .. } => Some(format!("s3://{bucket}")),
            _ => None,
        }
    }
}

/// The issuer of one cluster: set when workload identity is IRSA and some workload needs
/// AWS permissions.
pub fn issuer(
    bp: &Blueprint,
    cluster: &Cluster,
    region: &str,
    consumers: &[Consumer],
) -> Option<ServiceAccountIssuer> {
    let spec = &bp.spec;
    let mode = spec
        .security
        .as_ref()
        .and_then(|s| s.workload_identity)
        .unwrap_or_default();
    if mode != WorkloadIdentity::Irsa || consumers.is_empty() {
        return None;
    }
    let aws = spec.aws.as_ref();
    let partition = aws.and_then(|a| a.partition).unwrap_or_default();
    let account = aws
        .and_then(|a| a.account_id.as_deref())
        .unwrap_or_default();
    let bucket = || naming::oidc_discovery_bucket(&bp.metadata.name, &cluster.name, account);
    Some(match cluster.provider {
        Provider::Capa => {
            let bucket = bucket();
            let host = naming::s3_bucket_host(&bucket, region, partition);
            ServiceAccountIssuer::SelfHosted { bucket, host }
        }
        Provider::Eks => ServiceAccountIssuer::Eks,
        Provider::Kops => {
            let bucket = bucket();
            let host = naming::s3_bucket_host(&bucket, region, partition);
            ServiceAccountIssuer::Kops { bucket, host }
        }
    })
}

/// Where the IAM goes: CloudFormation templates, Terraform, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamOutput {
    pub cloudformation: bool,
    /// The S3 backend when Terraform is written.
    pub terraform: Option<TerraformBackend>,
}

/// Terraform's S3 backend (`spec.iam.terraform`) with its defaults applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerraformBackend {
    pub bucket: String,
    pub key: String,
    pub lock_table: String,
    pub region: String,
}

pub fn iam_output(bp: &Blueprint) -> IamOutput {
    let spec = &bp.spec;
    let iam = spec.iam.as_ref();
    let format = iam.and_then(|i| i.format).unwrap_or_default();
    let terraform = matches!(format, IamFormat::Terraform | IamFormat::Both).then(|| {
        let tf = iam.and_then(|i| i.terraform.as_ref());
        TerraformBackend {
            bucket: tf.and_then(|t| t.state_bucket.clone()).unwrap_or_default(),
            key: tf
                .and_then(|t| t.state_key.clone())
                .unwrap_or_else(|| naming::terraform_state_key(&bp.metadata.name)),
            lock_table: tf.and_then(|t| t.lock_table.clone()).unwrap_or_default(),
            region: tf
                .and_then(|t| t.region.clone())
                .or_else(|| spec.aws.as_ref().and_then(|a| a.region.clone()))
                .unwrap_or_default(),
        }
    });
    IamOutput {
        cloudformation: matches!(format, IamFormat::Cloudformation | IamFormat::Both),
        terraform,
    }
}

/// The ARN of a consumer's Route 53 policy, with the blueprint's partition and account: for
/// files that CloudFormation and Terraform do not read (clusterawsadm's
/// `extraPolicyAttachments`, kops' `serviceAccountExternalPermissions[].aws.policyARNs` and
/// `externalPolicies`). `None` without an account ID (the checker requires one whenever a
/// consumer exists).
pub fn policy_arn(
    platform: &str,
    partition: Partition,
    account: Option<&str>,
    consumer: Consumer,
) -> Option<String> {
    account.map(|account| {
        naming::policy_arn(
            partition,
            account,
            &naming::route53_policy_name(platform, consumer.name()),
        )
    })
}
