//! Every name platc derives (object names, file paths, labels) and every partition-aware
//! ARN, in one place: a rename is one edit here, and the checker's derived-name length rules
//! can call the same functions the generators use.

use serde_json::{Map, Value};

use crate::json::json;

use crate::blueprint::model::Partition;

pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const LABEL_PLATFORM: &str = "platc.io/platform";
pub const LABEL_CLUSTER: &str = "platc.io/cluster";
pub const LABEL_NODE_POOL: &str = "platc.io/node-pool";
/// The component (its row in `facts::addons`) a HelmChartProxy or HelmRelease installs.
pub const LABEL_COMPONENT: &str = "platc.io/component";
/// Cluster API's own label naming a Machine's cluster.
pub const CAPI_CLUSTER_NAME_LABEL: &str = "cluster.x-k8s.io/cluster-name";
/// Cluster API's label that ties Machines to their MachineDeployment.
pub const CAPI_DEPLOYMENT_NAME_LABEL: &str = "cluster.x-k8s.io/deployment-name";
/// The namespace Cluster API objects of a cluster live in: one per cluster, so that
/// `clusterctl move` and RBAC can work per cluster.
pub fn cluster_namespace(cluster: &str) -> String {
    cluster.to_string()
}

pub fn control_plane_name(cluster: &str) -> String {
    format!("{cluster}-control-plane")
}

/// The pool's templates and health check: `<cluster>-md-<pool>`.
pub fn pool_name(cluster: &str, pool: &str) -> String {
    format!("{cluster}-md-{pool}")
}

/// One MachineDeployment per zone: `<cluster>-md-<pool>-<zone letter>`.
pub fn machine_deployment_name(cluster: &str, pool: &str, zone: &str, region: &str) -> String {
    format!("{}-{}", pool_name(cluster, pool), zone_suffix(zone, region))
}

/// `us-west-2a` in `us-west-2` → `a`.
pub fn zone_suffix<'a>(zone: &'a str, region: &str) -> &'a str {
    zone.strip_prefix(region)
        .filter(|s| !s.is_empty())
        .unwrap_or(zone)
}

/// Subnet name (CAPA's `id` for subnets it creates).
pub fn managed_subnet_name(cluster: &str, zone: &str, public: bool) -> String {
    format!(
        "{cluster}-subnet-{}-{zone}",
        if public { "public" } else { "private" }
    )
}

/// The instance profiles that `clusterawsadm bootstrap iam` creates (CAPA's defaults).
pub const CONTROL_PLANE_INSTANCE_PROFILE: &str =
    "control-plane.cluster-api-provider-aws.sigs.k8s.io";
pub const NODES_INSTANCE_PROFILE: &str = "nodes.cluster-api-provider-aws.sigs.k8s.io";

/// The IAM role of one consumer (`external-dns`, `cert-manager`) of one cluster when workload
/// identity is IRSA (`outputs.md`: "one role per cluster and consumer"); at most 64 characters,
/// which the checker enforces.
pub fn irsa_role_name(platform: &str, cluster: &str, consumer: &str) -> String {
    format!("{platform}-{cluster}-{consumer}")
}

/// The workloads that get AWS permissions (Route 53), by the name their IAM role and policy
/// carry (`outputs.md`: "one role per cluster and consumer").
pub const CONSUMER_EXTERNAL_DNS: &str = "external-dns";
pub const CONSUMER_CERT_MANAGER: &str = "cert-manager";
/// The IRSA role of the EBS CSI driver's controller on eks (`<platform>-<cluster>-ebs-csi`):
/// no longer than the consumers' names, so the checker's role-name length rule covers it.
pub const ROLE_EBS_CSI: &str = "ebs-csi";

/// Where external-dns and cert-manager run and the service accounts they use: the namespaces
/// and service account names of their Helm charts' defaults (release `external-dns` in
/// namespace `external-dns`, release `cert-manager` in namespace `cert-manager`). An IRSA
/// role trusts exactly this service account; the Helm values that install them must use
/// these constants.
pub const EXTERNAL_DNS_NAMESPACE: &str = "external-dns";
pub const EXTERNAL_DNS_SERVICE_ACCOUNT: &str = "external-dns";
pub const CERT_MANAGER_NAMESPACE: &str = "cert-manager";
pub const CERT_MANAGER_SERVICE_ACCOUNT: &str = "cert-manager";

/// The audience of the tokens that STS accepts for `AssumeRoleWithWebIdentity` (IRSA).
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";
/// The service-account annotation that names a workload's IAM role (IRSA; read by EKS's pod
/// identity webhook, which self-managed clusters install themselves).
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// `system:serviceaccount:<namespace>:<name>`: the `sub` claim of a service account's token.
pub fn service_account_subject(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

/// The customer-managed Route 53 policy of one consumer (one per platform: the hosted zone is
/// the platform's): `<platform>-<consumer>-route53`.
pub fn route53_policy_name(platform: &str, consumer: &str) -> String {
    format!("{platform}-{consumer}-route53")
}

/// An ARN without its partition: `arn:<partition>:<service>:<region>:<account>:<resource>`.
/// CloudFormation fills the partition (and account) from `AWS::Partition` (`AWS::AccountId`),
/// Terraform from its `aws_partition` (`aws_caller_identity`) data sources, and files that
/// neither reads from the blueprint ([`Arn::render`]): no literal partition is written
/// anywhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn {
    pub service: &'static str,
    /// Empty for global services (IAM, Route 53, S3 bucket ARNs).
    pub region: String,
    /// Whether the ARN names an account (IAM resources do; Route 53 and S3 do not).
    pub in_account: bool,
    pub resource: String,
}

impl Arn {
    fn global(service: &'static str, in_account: bool, resource: String) -> Self {
        Arn {
            service,
            region: String::new(),
            in_account,
            resource,
        }
    }

    /// The ARN with this partition and account written out.
    pub fn render(&self, partition: &str, account: &str) -> String {
        let account = if self.in_account { account } else { "" };
        format!(
            "arn:{partition}:{}:{}:{account}:{}",
            self.service, self.region, self.resource
        )
    }
}

/// A customer-managed policy of the account.
pub fn policy_arn_of(name: &str) -> Arn {
    Arn::global("iam", true, format!("policy/{name}"))
}

/// An IAM role of the account.
pub fn role_arn_of(name: &str) -> Arn {
    Arn::global("iam", true, format!("role/{name}"))
}

/// A Route 53 hosted zone (`Z…`, the bare ID).
pub fn hosted_zone_arn(zone: &str) -> Arn {
    Arn::global("route53", false, format!("hostedzone/{zone}"))
}

/// Every Route 53 change (a change's ID is only known once it is made).
pub fn route53_changes_arn() -> Arn {
    Arn::global("route53", false, "change/*".to_string())
}

pub fn s3_bucket_arn(bucket: &str) -> Arn {
    Arn::global("s3", false, bucket.to_string())
}

/// One object (`key`, or a pattern such as `*`) of a bucket.
pub fn s3_object_arn(bucket: &str, key: &str) -> Arn {
    Arn::global("s3", false, format!("{bucket}/{key}"))
}

/// The IAM OIDC provider of an issuer (host and path, without `https://`); the caller appends
/// the issuer when it is only known later (a template parameter).
pub fn oidc_provider_arn(issuer: &str) -> Arn {
    Arn::global("iam", true, format!("oidc-provider/{issuer}"))
}

/// The ARN of a customer-managed policy, with the blueprint's partition and account: for
/// files CloudFormation and Terraform do not read (clusterawsadm's `extraPolicyAttachments`,
/// kops' policy ARNs).
pub fn policy_arn(partition: Partition, account: &str, name: &str) -> String {
    policy_arn_of(name).render(partition_name(partition), account)
}

/// The ARN of the IRSA role of one consumer in one cluster, with the blueprint's partition
/// and account: what the consumer's service account carries in [`ROLE_ARN_ANNOTATION`]
/// (external-dns and cert-manager Helm values). Only for clusters whose roles platc writes
/// (capa and eks; kops makes its own).
pub fn irsa_role_arn(
    partition: Partition,
    account: &str,
    platform: &str,
    cluster: &str,
    consumer: &str,
) -> String {
    role_arn_of(&irsa_role_name(platform, cluster, consumer))
        .render(partition_name(partition), account)
}

/// The S3 bucket that publishes a cluster's OIDC discovery document and keys (IRSA on capa
/// and kops): `<platform>-<cluster>-oidc-<account>`. Bucket names are global, so the account
/// ID makes it unique; at most 63 characters, which the checker enforces.
pub fn oidc_discovery_bucket(platform: &str, cluster: &str, account: &str) -> String {
    format!("{platform}-{cluster}-oidc-{account}")
}

/// The object keys of the discovery document and the key set, relative to the issuer: where
/// the API server serves them, and so where kops publishes them.
pub const OIDC_DISCOVERY_KEY: &str = ".well-known/openid-configuration";
pub const OIDC_JWKS_KEY: &str = "openid/v1/jwks";

/// The regional virtual-hosted name of a bucket (`<bucket>.s3.<region>.amazonaws.com`, with
/// the partition's DNS suffix), as kops derives its issuer from an S3 discovery store: the
/// host of the cluster's issuer, and the prefix of its IAM condition keys (`<host>:sub`).
pub fn s3_bucket_host(bucket: &str, region: &str, partition: Partition) -> String {
    format!(
        "{bucket}.s3.{region}.{}",
        crate::facts::aws::dns_suffix(partition)
    )
}

/// The service-account issuer URL of an issuer host (the API server's
/// `--service-account-issuer`, and the IAM OIDC provider's URL).
pub fn issuer_url(host: &str) -> String {
    format!("https://{host}")
}

/// Where the API server says its keys are (`--service-account-jwks-uri`).
pub fn jwks_url(host: &str) -> String {
    format!("https://{host}/{OIDC_JWKS_KEY}")
}

/// Terraform's state key when `spec.iam.terraform.stateKey` is not set.
pub fn terraform_state_key(platform: &str) -> String {
    format!("platc/{platform}/iam.tfstate")
}

/// clusterawsadm's configuration (`AWSIAMConfiguration`).
pub const IAM_CONFIG_PATH: &str = "iam/clusterawsadm/iam-config.yaml";
/// The folder of the IAM as Terraform.
pub const TERRAFORM_DIR: &str = "iam/terraform";

/// The CloudFormation template of one consumer's Route 53 policy.
pub fn route53_policy_template_path(consumer: &str) -> String {
    format!("iam/cloudformation/route53-{consumer}.yaml")
}

/// The CloudFormation template of one cluster's workload identity (IRSA roles and, for a
/// self-managed cluster, its OIDC discovery bucket and provider).
pub fn irsa_template_path(cluster: &str) -> String {
    format!("iam/cloudformation/irsa-{cluster}.yaml")
}

/// One Terraform file (`main.tf`, `route53-external-dns.tf`, …).
pub fn terraform_path(file: &str) -> String {
    format!("{TERRAFORM_DIR}/{file}")
}

/// The file of one node pool's objects.
pub fn node_pool_path(cluster: &str, pool: &str) -> String {
    format!(
        "{}/infrastructure/nodepool-{pool}.yaml",
        cluster_dir(cluster)
    )
}

/// The file of a cluster's ClusterIssuer.
pub fn cert_manager_path(cluster: &str) -> String {
    format!("{}/addons/cert-manager.yaml", cluster_dir(cluster))
}

/// The Helm values of cert-manager in one cluster (the role of its service account), beside
/// the HelmRelease that reads them.
pub fn cert_manager_values_path(cluster: &str) -> String {
    format!("{}/cert-manager-values.yaml", releases_dir(cluster))
}

/// The Helm values of external-dns in one cluster (`outputs.md`), beside its HelmRelease.
pub fn external_dns_values_path(cluster: &str) -> String {
    format!("{}/external-dns-values.yaml", releases_dir(cluster))
}

pub fn partition_name(p: Partition) -> &'static str {
    match p {
        Partition::Aws => "aws",
        Partition::AwsCn => "aws-cn",
        Partition::AwsUsGov => "aws-us-gov",
    }
}

/// The tree folder of one cluster.
pub fn cluster_dir(cluster: &str) -> String {
    format!("clusters/{cluster}")
}

/// Labels every object carries; `cluster` and `pool` narrow them.
pub fn labels(platform: &str, cluster: Option<&str>, pool: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(LABEL_MANAGED_BY.into(), json!("platc"));
    m.insert(LABEL_PLATFORM.into(), json!(platform));
    if let Some(c) = cluster {
        m.insert(LABEL_CLUSTER.into(), json!(c));
    }
    if let Some(p) = pool {
        m.insert(LABEL_NODE_POOL.into(), json!(p));
    }
    m
}

/// The hex digits of the digest [`template_name`] appends.
pub const TEMPLATE_DIGEST_LEN: usize = 8;

/// A short, stable digest of a template's spec. CAPA refuses changes to an existing
/// AWSMachineTemplate, and Cluster API rolls machines out when a reference changes, so a
/// template's name carries its content: a changed spec is a new template and a rollout.
pub fn template_name(base: &str, spec: &Value) -> String {
    // `template_base` undoes this: keep the two in step.
    use sha2::{Digest, Sha256};
    // Keys sorted: the digest depends on the content only, not on the order a generator or
    // an overlay happened to build the maps in.
    let bytes = serde_json::to_vec(&sorted_keys(spec)).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest
        .iter()
        .take(TEMPLATE_DIGEST_LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{base}-{hex}")
}

fn sorted_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// The base of a [`template_name`] (the name without its digest), if it has one.
pub fn template_base(name: &str) -> Option<&str> {
    let (base, hex) = name.rsplit_once('-')?;
    (hex.len() == TEMPLATE_DIGEST_LEN
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(base)
}

/// The base name of the Cluster API MachinePool of one node pool of an EKS cluster and of its
/// EKS managed node group, `<cluster>-mp-<pool>`: the generator appends the digest of the node
/// group's immutable fields ([`template_name`]), and the checker keeps the whole within 63
/// characters (an EKS node group name has at most 63).
pub fn machine_pool_name(cluster: &str, pool: &str) -> String {
    format!("{cluster}-mp-{pool}")
}

/// The EKS cluster's name in AWS (`eksClusterName`): the blueprint's cluster name, so that
/// `aws eks update-kubeconfig --name <cluster>` works as written (CAPA's default would be
/// `<namespace>_<control plane>`).
pub fn eks_cluster_name(cluster: &str) -> String {
    cluster.to_string()
}

/// A kops cluster's name: kOps wants a fully qualified DNS name, and `<cluster>.<domain>`
/// is the one the platform already owns.
pub fn kops_cluster_name(cluster: &str, domain: &str) -> String {
    format!("{cluster}.{domain}")
}

/// Where kOps keeps a cluster's configuration: `<state store>/<cluster name>` (what
/// `kops create` derives itself from `--state`).
pub fn kops_config_base(state_store: &str, kops_cluster: &str) -> String {
    format!("{}/{kops_cluster}", state_store.trim_end_matches('/'))
}

/// The control-plane InstanceGroup of one zone (`control-plane-<zone>`), or of one of several
/// in a zone (`control-plane-<zone>-<n>`, n from 1), as kOps names them.
pub fn kops_control_plane_group(zone: &str, index: usize, in_zone: usize) -> String {
    let prefix = crate::facts::kops::CONTROL_PLANE_GROUP_PREFIX;
    if in_zone > 1 {
        format!("{prefix}{zone}-{}", index + 1)
    } else {
        format!("{prefix}{zone}")
    }
}

/// The etcd member on a control-plane group: the zone's letter (`a`), or `a-1`, `a-2` with
/// several in a zone, as kOps names them.
pub fn kops_etcd_member(zone: &str, region: &str, index: usize, in_zone: usize) -> String {
    let letter = zone_suffix(zone, region);
    if in_zone > 1 {
        format!("{letter}-{}", index + 1)
    } else {
        letter.to_string()
    }
}

/// The kops subnet names of one zone: the private subnet is named after the zone (kOps'
/// convention), its utility subnet `utility-<zone>`.
pub fn kops_subnet_name(zone: &str, utility: bool) -> String {
    if utility {
        format!("utility-{zone}")
    } else {
        zone.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// The platform layer (Kommander-style installer, workspaces, access), external-dns and Flux.

/// The management cluster's public name, where dex, the dashboard and the proxies answer.
pub fn cluster_hostname(cluster: &str, domain: &str) -> String {
    format!("{cluster}.{domain}")
}

/// The namespace Kommander installs its platform applications into (dex, traefik,
/// kube-prometheus-stack, external-dns on the management cluster): Kommander's own.
pub const KOMMANDER_NAMESPACE: &str = "kommander";

/// Files of the tree's `platform/` folder (management cluster only).
pub const INSTALLATION_PATH: &str = "platform/installation.yaml";
pub const WORKSPACES_PATH: &str = "platform/workspaces.yaml";
pub const ACCESS_PATH: &str = "platform/access.yaml";
pub const LICENSE_PATH: &str = "platform/license.yaml";

/// Helm values of kube-prometheus-stack in one cluster, beside its HelmRelease.
pub fn monitoring_values_path(cluster: &str) -> String {
    format!("{}/monitoring-values.yaml", releases_dir(cluster))
}

/// The folder of a cluster's add-ons, relative to the tree's root.
pub fn addons_dir(cluster: &str) -> String {
    format!("{}/addons", cluster_dir(cluster))
}

/// The Flux objects that deliver one cluster's add-ons.
pub fn flux_path(cluster: &str) -> String {
    format!("gitops/flux/{cluster}.yaml")
}

/// Argo CD's root Application of one cluster (`gitops.argocd`): applied where Argo CD runs,
/// it syncs the cluster's Applications ([`argocd_apps_path`]) in their sync waves.
pub fn argocd_root_path(cluster: &str) -> String {
    format!("gitops/argocd/{cluster}.yaml")
}

/// Argo CD's Applications of one cluster's folders (infrastructure, namespaces, releases,
/// addons), each with its sync wave.
pub fn argocd_apps_path(cluster: &str) -> String {
    format!("gitops/argocd/{cluster}/applications.yaml")
}

/// The `argocd-cm` settings platc needs (the Application health check that makes sync waves
/// wait for child Applications).
pub const ARGOCD_CM_PATH: &str = "gitops/argocd/argocd-cm.yaml";

/// The namespace Argo CD runs in and reconciles Applications in (its install manifests'
/// namespace; Applications elsewhere are an opt-in: argo-cd v3.5.1
/// docs/operator-manual/app-any-namespace.md).
pub const ARGOCD_NAMESPACE: &str = "argocd";

/// Flux's GitRepository and Kustomization of one cluster: `<platform>-<cluster>` and
/// `<platform>-<cluster>-addons`. Distinct per cluster, so every cluster's file can be applied
/// to one management cluster side by side.
pub fn flux_source_name(platform: &str, cluster: &str) -> String {
    format!("{platform}-{cluster}")
}

pub fn flux_kustomization_name(platform: &str, cluster: &str) -> String {
    format!("{platform}-{cluster}-addons")
}

/// The Secret in which Cluster API keeps a workload cluster's admin kubeconfig (key `value`),
/// which Flux on the management cluster uses to reach that cluster.
pub fn kubeconfig_secret_name(cluster: &str) -> String {
    format!("{cluster}-kubeconfig")
}

/// The placeholder of `dns.txtOwnerID` that stands for the cluster's name.
pub const TXT_OWNER_CLUSTER: &str = "{cluster}";

/// external-dns's TXT owner ID of one cluster. The blueprint's `txtOwnerID` as written (an
/// existing external-dns's owner, whose records this one then adopts), with
/// [`TXT_OWNER_CLUSTER`] replaced by the cluster's name; without the field,
/// `<platform>-<cluster>`: every external-dns writing into one hosted zone needs its own, or
/// each would take the others' records for its own (and delete them with `policy: sync`).
pub fn txt_owner_id(explicit: Option<&str>, platform: &str, cluster: &str) -> String {
    match explicit {
        Some(owner) => owner.replace(TXT_OWNER_CLUSTER, cluster),
        None => format!("{platform}-{cluster}"),
    }
}

/// The prefix OIDC groups carry inside Kubernetes (`blueprint.md`): dex and Kommander add it,
/// and so do the API servers that read the identity provider's tokens themselves (eks, kops).
pub const OIDC_GROUP_PREFIX: &str = "oidc:";

/// The name of the Kubernetes group of an OIDC group (dex and Kommander prefix them).
pub fn oidc_group(group: &str) -> String {
    format!("{OIDC_GROUP_PREFIX}{group}")
}

/// A binding of one access entry's virtual group to one role: `<access>-<role>`.
pub fn access_binding_name(access: &str, role: &str) -> String {
    format!("{access}-{role}")
}

/// The namespace external-dns runs in on a cluster: Kommander's own on the management cluster,
/// where Kommander installs it as a platform application (`platform/installation.yaml`), the
/// chart's default everywhere else. An IRSA role trusts the service account in this namespace.
pub fn external_dns_namespace(management: bool) -> &'static str {
    if management {
        KOMMANDER_NAMESPACE
    } else {
        EXTERNAL_DNS_NAMESPACE
    }
}

// ---------------------------------------------------------------------------------------------
// Bring-up through Flux: the releases of each cluster and the Kustomizations that apply them.

/// The folder of a cluster's Flux sources, HelmReleases and their values (applied on the
/// management cluster, or by the cluster's own Flux without one).
pub fn releases_dir(cluster: &str) -> String {
    format!("{}/releases", cluster_dir(cluster))
}

/// The folder of the Namespaces (with their Pod Security labels) that a cluster's releases
/// install into, applied inside the cluster before the releases.
pub fn namespaces_dir(cluster: &str) -> String {
    format!("{}/namespaces", cluster_dir(cluster))
}

/// A HelmRelease (and its source) of one cluster: `<cluster>-<component>`, unique among the
/// clusters whose Flux objects share a namespace of the management cluster.
pub fn helm_release_name(cluster: &str, component: &str) -> String {
    format!("{cluster}-{component}")
}

/// The ConfigMap a HelmRelease reads its values from: `<cluster>-<component>-values`.
pub fn values_config_map_name(cluster: &str, component: &str) -> String {
    format!("{cluster}-{component}-values")
}

/// Flux's Kustomizations of one cluster besides `-addons`: `<platform>-<cluster>-releases`,
/// `-namespaces` and `-infrastructure`.
pub fn flux_releases_name(platform: &str, cluster: &str) -> String {
    format!("{platform}-{cluster}-releases")
}

pub fn flux_namespaces_name(platform: &str, cluster: &str) -> String {
    format!("{platform}-{cluster}-namespaces")
}

pub fn flux_infrastructure_name(platform: &str, cluster: &str) -> String {
    format!("{platform}-{cluster}-infrastructure")
}
