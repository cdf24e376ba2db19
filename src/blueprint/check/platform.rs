//! Platform-wide settings: the base domain, external-dns (`dns`), workload identity (the
//! account ID whenever a workload needs AWS permissions; node-role is a warning) and GitOps
//! (the Flux source URL, branch and path).

use super::Cx;
use super::syntax::{dns_name, dns_subdomain, looks_like_placeholder, parse_url, show_char};
use crate::blueprint::model::{Provider, WorkloadIdentity};
use crate::diag::{Code, Diagnostic};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    domain(cx, out);
    dns(cx, out);
    workload_identity(cx, out);
    gitops(cx, out);
}

fn domain(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let path = cx.spec().field("domain");
    let domain = &cx.bp.spec.domain;
    if looks_like_placeholder(domain) {
        out.push(
            cx.error(
                Code::Dns,
                &path,
                format!("`{domain}` is a placeholder, not a domain"),
            )
            .help("write the base DNS domain of the platform, e.g. `platform.example.cloud`"),
        );
        return;
    }
    if let Err(problem) = dns_name(domain) {
        out.push(
            cx.error(Code::Dns, &path, format!("`{domain}` {problem}"))
                .help("the domain is a DNS name: lowercase labels of letters, digits and `-`, separated by dots"),
        );
        return;
    }
    // The management cluster is reached at `<cluster>.<domain>`, which must be a DNS name too.
    for (_, cluster, cluster_path) in cx.clusters() {
        let host = format!("{}.{domain}", cluster.name);
        if host.len() > 253 {
            out.push(cx.error(
                Code::DerivedName,
                &cluster_path.field("name"),
                format!(
                    "`{host}` (cluster name + domain) is {} characters; DNS names are at most 253",
                    host.len()
                ),
            ));
        }
    }
}

fn dns(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(dns) = &cx.bp.spec.dns else {
        return;
    };
    let path = cx.spec().field("dns");
    let zone = cx
        .bp
        .spec
        .aws
        .as_ref()
        .and_then(|a| a.hosted_zone_id.as_ref());
    if zone.is_none() {
        out.push(
            cx.key_error(
                Code::Dns,
                &path,
                "external-dns on Route 53 needs spec.aws.hostedZoneID: its IAM policy is limited to that zone",
            )
            .help("add `hostedZoneID: Z...` under spec.aws (the zone of spec.domain)"),
        );
    }
    if let Some(owner) = &dns.txt_owner_id {
        let owner_path = path.field("txtOwnerID");
        // external-dns writes it into TXT ownership records; an empty owner would match
        // records of every other external-dns instance that also left it empty.
        if owner.trim().is_empty() {
            out.push(
                cx.error(Code::Dns, &owner_path, "txtOwnerID is empty")
                    .help("leave it out for the default, or name this platform (e.g. the platform name)"),
            );
        } else if let Some(c) = owner
            .replace(crate::naming::TXT_OWNER_CLUSTER, "")
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            out.push(cx.error(
                Code::Dns,
                &owner_path,
                format!(
                    "txtOwnerID has {}; use letters, digits, `-`, `_`, `.` and the placeholder `{}`",
                    show_char(c),
                    crate::naming::TXT_OWNER_CLUSTER
                ),
            ));
        } else if !owner.contains(crate::naming::TXT_OWNER_CLUSTER)
            && dns.policy == Some(crate::blueprint::model::DnsPolicy::Sync)
            && cx.bp.spec.clusters.len() > 1
        {
            // One owner on several clusters is how an existing external-dns's records are
            // adopted; with `sync`, each instance would also delete the records the others
            // made (it owns them, and has no source for them).
            out.push(
                cx.error(
                    Code::Dns,
                    &owner_path,
                    format!(
                        "txtOwnerID `{owner}` would be the owner on all {} clusters, and with `policy: sync` each external-dns deletes the records of the others",
                        cx.bp.spec.clusters.len()
                    ),
                )
                .help(format!(
                    "give each cluster its own owner with the placeholder: `txtOwnerID: {owner}-{}`, or use `policy: upsert-only`",
                    crate::naming::TXT_OWNER_CLUSTER
                )),
            );
        }
    }
    if let Some(prefix) = &dns.txt_prefix
        && let Some(c) = prefix
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || *c == '"')
    {
        out.push(cx.error(
            Code::Dns,
            &path.field("txtPrefix"),
            format!(
                "txtPrefix has {}; it becomes part of DNS record names",
                show_char(c)
            ),
        ));
    }
    let domain = cx.bp.spec.domain.as_str();
    for (i, filter) in dns.domain_filters.iter().enumerate() {
        let filter_path = path.field("domainFilters").index(i);
        if let Err(problem) = dns_subdomain(filter) {
            out.push(cx.error(
                Code::Dns,
                &filter_path,
                format!("domain filter `{filter}` {problem}"),
            ));
            continue;
        }
        let inside = filter == domain || filter.ends_with(&format!(".{domain}"));
        if !inside {
            out.push(
                cx.warning(
                    Code::Dns,
                    &filter_path,
                    format!("domain filter `{filter}` is outside spec.domain `{domain}`"),
                )
                .note("external-dns would manage records there, but its IAM policy only covers spec.aws.hostedZoneID")
                .help(format!("use `{domain}` or a subdomain of it")),
            );
        }
    }
}

/// external-dns and cert-manager get IAM policies whenever they need AWS permissions (with
/// `dns`, or with the Route 53 DNS-01 solver), so the account ID must be known: IRSA (the
/// default) names it in the roles' trust policies, `node-role` in the ARNs attached to the
/// nodes' roles, and every template checks it is deployed into that account.
fn workload_identity(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let spec = &cx.bp.spec;
    let wi_path = cx.spec().field("security").field("workloadIdentity");
    let mode = spec
        .security
        .as_ref()
        .and_then(|s| s.workload_identity)
        .unwrap_or_default();
    let users = spec.route53_users();
    let mut consumers = Vec::new();
    if users.external_dns {
        consumers.push("external-dns (spec.dns)");
    }
    if users.cert_manager {
        consumers.push("cert-manager (solver dns01-route53)");
    }
    let account = spec.aws.as_ref().and_then(|a| a.account_id.as_ref());
    // The EBS CSI add-on of every eks cluster assumes its IRSA role by ARN.
    let eks = spec.clusters.iter().any(|c| c.provider == Provider::Eks);
    if account.is_none() && consumers.is_empty() && eks {
        out.push(
            cx.key_error(
                Code::MissingField,
                &cx.spec().field("aws").field("accountID"),
                "missing, and required: the EBS CSI driver add-on of every eks cluster assumes an IAM role by ARN (`serviceAccountRoleARN`), which names the account",
            )
            .help("add `accountID: \"123456789012\"` (12 digits, quoted) under spec.aws"),
        );
    }
    if account.is_none() && !consumers.is_empty() {
        let aws_path = cx.spec().field("aws");
        let what = match mode {
            WorkloadIdentity::Irsa => {
                "IAM roles whose trust policies name the account (workload identity IRSA, the default)"
            }
            WorkloadIdentity::NodeRole => {
                "IAM policies attached to the nodes' roles by ARN, which names the account (workload identity node-role)"
            }
        };
        let verb = if consumers.len() == 1 { "gets" } else { "get" };
        out.push(
            cx.key_error(
                Code::MissingField,
                &aws_path.field("accountID"),
                format!(
                    "missing, and required: {} {verb} {what}",
                    consumers.join(" and ")
                ),
            )
            .help("add `accountID: \"123456789012\"` (12 digits, quoted) under spec.aws"),
        );
    }
    if mode == WorkloadIdentity::NodeRole {
        out.push(
            cx.warning(
                Code::Warning,
                &wi_path,
                "workload identity `node-role` attaches the DNS permissions to the nodes' role: every pod on every node can use them",
            )
            .note("external-dns's AWS guide recommends IRSA and calls the node role \"not recommended beyond tests\"")
            .help("use `workloadIdentity: irsa` (the default)"),
        );
    }
}

fn gitops(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(gitops) = cx.bp.spec.gitops.as_ref() else {
        return;
    };
    let base = cx.spec().field("gitops");
    if let (Some(_), Some(_)) = (&gitops.flux, &gitops.argocd) {
        // Two engines would install every release twice and fight over the same objects.
        out.push(
            cx.error(
                Code::Gitops,
                &base.field("argocd"),
                "`gitops.flux` and `gitops.argocd` are both set; the tree is delivered by one engine",
            )
            .help("keep one of the two"),
        );
    }
    if let Some(flux) = &gitops.flux {
        let path = base.field("flux");
        repository(
            cx,
            &path,
            "Flux's GitRepository",
            &flux.url,
            flux.branch.as_deref(),
            flux.path.as_deref(),
            out,
        );
        if let Some(secret) = &flux.secret_ref
            && let Err(problem) = dns_subdomain(&secret.name)
        {
            out.push(cx.error(
                Code::Gitops,
                &path.field("secretRef").field("name"),
                format!("Secret name `{}` {problem}", secret.name),
            ));
        }
    }
    if let Some(argocd) = &gitops.argocd {
        let path = base.field("argocd");
        repository(
            cx,
            &path,
            "Argo CD's Application source",
            &argocd.url,
            argocd.branch.as_deref(),
            argocd.path.as_deref(),
            out,
        );
        // An AppProject is a Kubernetes object: its name is a DNS-1123 subdomain.
        if let Some(project) = &argocd.project
            && let Err(problem) = dns_subdomain(project)
        {
            out.push(cx.error(
                Code::Gitops,
                &path.field("project"),
                format!("AppProject name `{project}` {problem}"),
            ));
        }
    }
}

/// The repository of a GitOps engine: its URL, branch and the tree's folder in it.
#[allow(clippy::too_many_arguments)]
fn repository(
    cx: &Cx<'_>,
    path: &crate::blueprint::path::BlueprintPath,
    reader: &str,
    url_text: &str,
    branch: Option<&str>,
    dir: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let url_path = path.field("url");
    let flux = reader.starts_with("Flux");
    match parse_url(url_text) {
        None => {
            let help = scp_to_ssh(url_text).map_or_else(
                || "write `https://host/org/repo.git` or `ssh://git@host/org/repo.git`".to_string(),
                |ssh| format!("write it as `{ssh}`"),
            );
            out.push(
                cx.error(
                    Code::Gitops,
                    &url_path,
                    format!("`{url_text}` is not an https:// or ssh:// URL; {reader} accepts no other form"),
                )
                .help(help),
            );
        }
        Some(url) => {
            let scheme = url.scheme.to_ascii_lowercase();
            if scheme != "https" && scheme != "ssh" {
                out.push(
                    cx.error(
                        Code::Gitops,
                        &url_path,
                        format!("`{}://` is not allowed; use https:// or ssh://", url.scheme),
                    )
                    .help("plain http sends the repository (and any credentials) unencrypted"),
                );
            } else if scheme == "https" && url.userinfo.is_some() {
                out.push(
                    cx.error(
                        Code::Gitops,
                        &url_path,
                        "the URL carries a user name before `@`",
                    )
                    .help(if flux {
                        "put credentials in the Secret named by `secretRef`, not in the URL"
                    } else {
                        "register the credentials with Argo CD (`argocd repo add`), not in the URL"
                    }),
                );
            } else if let Err(problem) = super::syntax::host(url.host) {
                out.push(cx.error(Code::Gitops, &url_path, format!("the URL {problem}")));
            } else if url.path.trim_matches('/').is_empty() {
                out.push(cx.error(
                    Code::Gitops,
                    &url_path,
                    "the URL names no repository (its path is empty)",
                ));
            }
        }
    }
    if let Some(branch) = branch
        && let Err(problem) = git_branch(branch)
    {
        out.push(cx.error(
            Code::Gitops,
            &path.field("branch"),
            format!("branch `{branch}` {problem}"),
        ));
    }
    if let Some(dir) = dir
        && dir != "."
        && let Err(problem) = super::syntax::relative_path(dir)
    {
        out.push(
            cx.error(
                Code::Gitops,
                &path.field("path"),
                format!("path `{dir}` {problem}"),
            )
            .help("the path is a folder inside the repository, e.g. `rendered` or `.`"),
        );
    }
}

/// `git@host:org/repo.git` → `ssh://git@host/org/repo.git`.
fn scp_to_ssh(text: &str) -> Option<String> {
    let (user_host, path) = text.split_once(':')?;
    if user_host.contains('/') || path.starts_with("//") || !user_host.contains('@') {
        return None;
    }
    Some(format!(
        "ssh://{user_host}/{}",
        path.trim_start_matches('/')
    ))
}

/// A branch name `git check-ref-format --branch` accepts (the rules that matter in practice).
fn git_branch(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    if name.starts_with('-') || name.starts_with('/') || name.ends_with('/') || name.ends_with('.')
    {
        return Err("may not start with `-` or `/`, or end with `/` or `.`".into());
    }
    if name.contains("..") || name.contains("//") || name.contains("@{") || name.ends_with(".lock")
    {
        return Err("contains `..`, `//`, `@{` or ends with `.lock`".into());
    }
    if let Some(c) = name.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
    }) {
        return Err(format!(
            "contains {}, which Git does not allow in branch names",
            show_char(c)
        ));
    }
    Ok(())
}
