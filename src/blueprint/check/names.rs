//! Names: the platform, clusters, node pools, workspaces and access entries are DNS-1123
//! labels (they become Kubernetes object names, namespaces, label values and folder names,
//! so a name like `../../etc` never reaches path code), unique in their list, and short
//! enough that every name platc derives from them stays within its limit.

use std::collections::BTreeMap;

use super::Cx;
use super::syntax::dns_label;
use crate::blueprint::model::{Provider, WorkloadIdentity};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::naming;

/// Kubernetes object names used as label values, and DNS labels, are at most 63 characters.
pub const LABEL_MAX: usize = 63;
/// Cluster names: `blueprint.md` keeps them to 40 so that derived names stay valid (and CAPA
/// hashes load-balancer names only above 32, so 40 is safe there too).
pub const CLUSTER_MAX: usize = 40;
/// IAM role names are at most 64 characters (IAM `CreateRole`, `RoleName`).
pub const IAM_ROLE_MAX: usize = 64;
/// S3 bucket names are at most 63 characters (S3 "Bucket naming rules").
pub const BUCKET_MAX: usize = 63;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let meta = BlueprintPath::root().field("metadata").field("name");
    label(cx, out, &meta, &cx.bp.metadata.name, LABEL_MAX, "platform");

    let spec = cx.spec();
    let mut clusters = Vec::new();
    for (i, cluster, path) in cx.clusters() {
        let name_path = path.field("name");
        label(cx, out, &name_path, &cluster.name, CLUSTER_MAX, "cluster");
        clusters.push((cluster.name.as_str(), name_path));
        let pools: Vec<(&str, BlueprintPath)> = cluster
            .node_pools
            .iter()
            .enumerate()
            .map(|(j, p)| {
                (
                    p.name.as_str(),
                    cx.cluster_path(i).field("nodePools").index(j).field("name"),
                )
            })
            .collect();
        for (name, pool_path) in &pools {
            label(cx, out, pool_path, name, LABEL_MAX, "node pool");
        }
        unique(cx, out, &pools, "node pool");
    }
    unique(cx, out, &clusters, "cluster");

    let workspaces: Vec<(&str, BlueprintPath)> = cx
        .bp
        .spec
        .workspaces
        .iter()
        .enumerate()
        .map(|(i, w)| {
            (
                w.name.as_str(),
                spec.field("workspaces").index(i).field("name"),
            )
        })
        .collect();
    for (name, path) in &workspaces {
        label(cx, out, path, name, LABEL_MAX, "workspace");
    }
    unique(cx, out, &workspaces, "workspace");

    let access: Vec<(&str, BlueprintPath)> = cx
        .bp
        .spec
        .access
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.as_str(), spec.field("access").index(i).field("name")))
        .collect();
    for (name, path) in &access {
        label(cx, out, path, name, LABEL_MAX, "access entry");
    }
    unique(cx, out, &access, "access entry");

    derived(cx, out);
}

fn label(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    path: &BlueprintPath,
    name: &str,
    max: usize,
    what: &str,
) {
    if let Err(problem) = dns_label(name, max) {
        let mut d = cx.error(
            Code::Name,
            path,
            format!("the {what} name `{name}` {problem}"),
        );
        d = d.help(format!(
            "a {what} name is a DNS-1123 label: lowercase letters, digits and `-`, starting and \
             ending with a letter or digit, at most {max} characters"
        ));
        out.push(d);
    }
}

/// Reports every entry whose name an earlier entry of the same list already has, naming both.
fn unique(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, entries: &[(&str, BlueprintPath)], what: &str) {
    let mut first: BTreeMap<&str, &BlueprintPath> = BTreeMap::new();
    for (name, path) in entries {
        match first.get(name) {
            Some(earlier) => out.push(
                cx.error(
                    Code::DuplicateName,
                    path,
                    format!(
                        "duplicate {what} name `{name}`: {earlier} (line {}) already has it",
                        cx.line(earlier)
                    ),
                )
                .help(format!(
                    "{what} names are unique in their list; rename one of the two"
                )),
            ),
            None => {
                first.insert(name, path);
            }
        }
    }
}

/// Names platc derives from two user names: each must fit its limit, and the message names
/// both fields so the user can shorten either.
fn derived(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let platform = cx.bp.metadata.name.as_str();
    let platform_ok = dns_label(platform, LABEL_MAX).is_ok();
    let spec = &cx.bp.spec;
    let irsa = spec
        .security
        .as_ref()
        .and_then(|s| s.workload_identity)
        .unwrap_or_default()
        == WorkloadIdentity::Irsa;
    let users = spec.route53_users();
    let mut consumers = Vec::new();
    if users.external_dns {
        consumers.push("external-dns");
    }
    if users.cert_manager {
        consumers.push("cert-manager");
    }

    for (i, cluster, path) in cx.clusters() {
        if dns_label(&cluster.name, CLUSTER_MAX).is_err() {
            continue;
        }
        let region = cx.region_of(cluster).unwrap_or_default();
        for (j, pool) in cluster.node_pools.iter().enumerate() {
            if dns_label(&pool.name, LABEL_MAX).is_err() {
                continue;
            }
            // The longest name of the pool's objects: one MachineDeployment per zone,
            // `<cluster>-md-<pool>-<zone letter>` (naming.rs); its name is also the value of
            // the `cluster.x-k8s.io/deployment-name` label, so it must be a valid label value.
            let zones = if pool.availability_zones.is_empty() {
                &cluster.availability_zones
            } else {
                &pool.availability_zones
            };
            let longest = zones
                .iter()
                .filter(|z| z.len() > region.len() && z.starts_with(region) && !region.is_empty())
                .map(|z| naming::machine_deployment_name(&cluster.name, &pool.name, z, region))
                .max_by_key(String::len)
                .unwrap_or_else(|| naming::pool_name(&cluster.name, &pool.name));
            // On eks the pool is one MachinePool and EKS node group, `<cluster>-mp-<pool>-<digest>`
            // (`generate/eks/machine_pool.rs`); an EKS node group name has at most 63 characters.
            // The digest is shown as `x`s: its value depends on the pool's fields.
            let (longest, what) = if cluster.provider == Provider::Eks {
                let pool_name = format!(
                    "{}-{}",
                    naming::machine_pool_name(&cluster.name, &pool.name),
                    "x".repeat(naming::TEMPLATE_DIGEST_LEN)
                );
                (
                    pool_name,
                    "EKS node group (and MachinePool), with the digest of its immutable fields,",
                )
            } else {
                (longest, "MachineDeployments,")
            };
            if longest.len() > LABEL_MAX {
                let pool_path = path.field("nodePools").index(j).field("name");
                out.push(
                    cx.error(
                        Code::DerivedName,
                        &pool_path,
                        format!(
                            "the name platc derives for this pool's {what} `{longest}`, \
                             is {} characters; it is also a label value, so at most {LABEL_MAX} are allowed",
                            longest.len()
                        ),
                    )
                    .note(format!(
                        "it is made of {} (`{}`, {} characters) and {pool_path} (`{}`, {} characters)",
                        path.field("name"),
                        cluster.name,
                        cluster.name.len(),
                        pool.name,
                        pool.name.len()
                    ))
                    .help("shorten the pool name or the cluster name"),
                );
            }
        }
        // The discovery bucket of a capa or kops cluster's issuer (IRSA).
        if irsa
            && platform_ok
            && !consumers.is_empty()
            && matches!(cluster.provider, Provider::Capa | Provider::Kops)
        {
            let account = spec
                .aws
                .as_ref()
                .and_then(|a| a.account_id.as_deref())
                .filter(|a| a.len() == 12)
                .unwrap_or("000000000000");
            let bucket = naming::oidc_discovery_bucket(platform, &cluster.name, account);
            if bucket.len() > BUCKET_MAX {
                out.push(
                    cx.error(
                        Code::DerivedName,
                        &path.field("name"),
                        format!(
                            "the S3 bucket platc derives for this cluster's service-account issuer, `{bucket}`, is {} \
                             characters; bucket names are at most {BUCKET_MAX}",
                            bucket.len()
                        ),
                    )
                    .note(format!(
                        "it is made of metadata.name (`{platform}`, {} characters), {} (`{}`, {} characters) and the account ID",
                        platform.len(),
                        cx.cluster_path(i).field("name"),
                        cluster.name,
                        cluster.name.len()
                    ))
                    .help("shorten the platform name or the cluster name"),
                );
            }
        }
        if irsa && platform_ok {
            for consumer in &consumers {
                let role = naming::irsa_role_name(platform, &cluster.name, consumer);
                if role.len() > IAM_ROLE_MAX {
                    out.push(
                        cx.error(
                            Code::DerivedName,
                            &path.field("name"),
                            format!(
                                "the IAM role platc derives for {consumer} in this cluster, `{role}`, is {} \
                                 characters; IAM role names are at most {IAM_ROLE_MAX}",
                                role.len()
                            ),
                        )
                        .note(format!(
                            "it is made of metadata.name (`{platform}`, {} characters) and {} (`{}`, {} characters)",
                            platform.len(),
                            cx.cluster_path(i).field("name"),
                            cluster.name,
                            cluster.name.len()
                        ))
                        .help("shorten the platform name or the cluster name"),
                    );
                }
            }
        }
    }
}
