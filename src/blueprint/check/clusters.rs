//! Clusters: at least one; each has a region and zones of that region; a `vX.Y.Z` Kubernetes
//! version its provider supports; an image only where the provider takes one; a control plane
//! exactly where the provider needs one (with an odd etcd member count); `management` only on
//! capa and exactly once when the platform layer is used; workspaces that exist; and the
//! kops state store for kops clusters only.

use std::collections::BTreeMap;

use super::Cx;
use crate::blueprint::model::{Cluster, Provider};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::aws;
use crate::facts::kubernetes::{self, Verdict, Version, VersionError};
use crate::suggest::did_you_mean;

/// At most six zones per cluster: no AWS region offers more (us-east-1 has six), and CAPA
/// spreads control-plane machines over at most that many failure domains.
pub const MAX_ZONES: usize = 6;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    if cx.bp.spec.clusters.is_empty() {
        out.push(
            cx.key_error(
                Code::Range,
                &cx.spec().field("clusters"),
                "no clusters: a platform has at least one",
            )
            .help("add a cluster under spec.clusters"),
        );
    }
    for (_, cluster, path) in cx.clusters() {
        version(cx, out, cluster, &path);
        zones(cx, out, cluster, &path);
        super::image::check(cx, out, cluster, &path);
        control_plane(cx, out, cluster, &path);
        kops_state_store(cx, out, cluster, &path);
        workspace(cx, out, cluster, &path);
    }
    management(cx, out);
}

fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Capa => "capa",
        Provider::Eks => "eks",
        Provider::Kops => "kops",
    }
}

fn version(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let path = path.field("kubernetesVersion");
    let text = &cluster.kubernetes_version;
    let version = match Version::parse(text) {
        Ok(v) => v,
        Err(e) => {
            let (message, help) = match e {
                VersionError::MissingV { suggestion } => (
                    format!("`{text}` lacks the leading `v`"),
                    format!("write `{suggestion}`"),
                ),
                VersionError::MissingPatch => (
                    format!("`{text}` has no patch version"),
                    format!(
                        "write the full release, e.g. `{text}.0` (a platform pins the exact patch it runs)"
                    ),
                ),
                VersionError::Prerelease => (
                    format!("`{text}` is a pre-release or build version"),
                    "use a released version `vX.Y.Z`".to_string(),
                ),
                VersionError::Malformed => (
                    format!("`{text}` is not a Kubernetes version"),
                    "write it as `vX.Y.Z`, e.g. `v1.33.2`".to_string(),
                ),
            };
            out.push(cx.error(Code::Version, &path, message).help(help));
            return;
        }
    };
    let verdict = kubernetes::judge(cluster.provider, version);
    let supported = verdict == Verdict::Supported;
    match verdict {
        Verdict::Supported => {}
        Verdict::PastSupport { reason } => out.push(
            cx.warning(
                Code::Version,
                &path,
                format!(
                    "{version} is past the support of provider `{}`: {reason}",
                    provider_name(cluster.provider)
                ),
            )
            .help("plan an upgrade, one minor version at a time"),
        ),
        Verdict::Unsupported { reason } => out.push(cx.error(
            Code::Version,
            &path,
            format!(
                "{version} is not supported for provider `{}`: {reason}",
                provider_name(cluster.provider)
            ),
        )),
    }
    // A management cluster runs Cluster API itself, which supports a narrower range. Said
    // only when the version draws no other diagnostic, so one version gets one message.
    if supported
        && cluster.management
        && let Some(range) = kubernetes::support(cluster.provider).management
        && !range.contains(version.minor)
    {
        out.push(cx.warning(
            Code::Version,
            &path,
            format!(
                "{version} is outside the Kubernetes versions {} supports for a management \
                 cluster ({range}); this cluster runs Cluster API itself",
                kubernetes::support(cluster.provider).upstream
            ),
        ));
    }
}

fn zones(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let zones_path = path.field("availabilityZones");
    let region = cx.region_of(cluster);
    let known = region.and_then(aws::region);
    if region.is_none() {
        out.push(
            cx.key_error(
                Code::Region,
                &path.field("region"),
                format!("cluster `{}` has no region", cluster.name),
            )
            .help("set spec.aws.region (for every cluster) or this cluster's `region`"),
        );
    }
    if cluster.availability_zones.is_empty() {
        out.push(
            cx.key_error(
                Code::Range,
                &zones_path,
                "no availability zones: a cluster needs at least one",
            )
            .help(match known {
                Some(r) => format!("the zones of {} are {}", r.name, r.zones().join(", ")),
                None => "list zones such as `us-west-2a`".to_string(),
            }),
        );
    }
    if cluster.availability_zones.len() > MAX_ZONES {
        out.push(cx.key_error(
            Code::Range,
            &zones_path,
            format!(
                "{} availability zones; at most {MAX_ZONES} are allowed",
                cluster.availability_zones.len()
            ),
        ));
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, zone) in cluster.availability_zones.iter().enumerate() {
        let zone_path = zones_path.index(k);
        if let Some(&first) = seen.get(zone.as_str()) {
            out.push(cx.error(
                Code::Region,
                &zone_path,
                format!(
                    "zone `{zone}` is listed twice (also {})",
                    zones_path.index(first)
                ),
            ));
            continue;
        }
        seen.insert(zone, k);
        if let Some(d) = zone_problem(cx, &zone_path, zone, region, known) {
            out.push(d);
        }
    }
}

/// What is wrong with one zone name of a cluster in `region`, if anything. Shared with the
/// node-pool and existing-VPC rules.
pub fn zone_problem(
    cx: &Cx<'_>,
    path: &BlueprintPath,
    zone: &str,
    region: Option<&str>,
    known: Option<&aws::Region>,
) -> Option<Diagnostic> {
    if let Some(r) = known
        && r.has_zone(zone)
    {
        return None;
    }
    // A zone ID (`usw2-az1`) names a physical zone, not the per-account zone name.
    if zone.contains("-az")
        && zone
            .rsplit("-az")
            .next()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(
            cx.error(Code::Region, path, format!("`{zone}` is an availability zone ID, not a zone name"))
                .help("write the zone name, like `us-west-2a` (`aws ec2 describe-availability-zones` maps IDs to names)"),
        );
    }
    if let Some(other) = aws::region_of_zone(zone) {
        let here = region.unwrap_or("(none)");
        return Some(
            cx.error(
                Code::Region,
                path,
                format!(
                    "zone `{zone}` is in region {}, not in this cluster's region {here}",
                    other.name
                ),
            )
            .help(match known {
                Some(r) => format!("the zones of {} are {}", r.name, r.zones().join(", ")),
                None => "use a zone of the cluster's region".to_string(),
            }),
        );
    }
    // The region itself is unknown: that is reported once, at the region.
    let r = known?;
    let mut d = cx.error(
        Code::Region,
        path,
        format!("`{zone}` is not a zone of {}", r.name),
    );
    let zones = r.zones();
    d = match did_you_mean(zone, zones.iter().map(String::as_str)) {
        Some(best) if zone.to_ascii_lowercase() != zone || zone.starts_with(r.name) => {
            d.help(format!(
                "did you mean `{best}`? The zones of {} are {}",
                r.name,
                zones.join(", ")
            ))
        }
        _ => d.help(format!("the zones of {} are {}", r.name, zones.join(", "))),
    };
    Some(d)
}

fn control_plane(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let cp_path = path.field("controlPlane");
    match (&cluster.control_plane, cluster.provider) {
        (Some(_), Provider::Eks) => out.push(
            cx.key_error(
                Code::Provider,
                &cp_path,
                "`controlPlane` is not used with provider eks",
            )
            .note("EKS runs and scales the control plane itself")
            .help("remove `controlPlane` from this cluster"),
        ),
        (None, Provider::Capa | Provider::Kops) => out.push(
            cx.key_error(
                Code::MissingField,
                &cp_path,
                format!(
                    "provider {} needs `controlPlane` (`replicas` and `instanceType`)",
                    provider_name(cluster.provider)
                ),
            )
            .help("add `controlPlane: {replicas: 3, instanceType: m5.large}`"),
        ),
        (Some(cp), _) => {
            if let Some(n) = cp.replicas {
                let replicas = cp_path.field("replicas");
                // etcd keeps quorum with a majority: an even count adds a member without
                // adding fault tolerance, and Cluster API's KubeadmControlPlane webhook
                // refuses even replicas with stacked etcd. More than 5 slows every write.
                let message = if n < 1 {
                    Some(format!(
                        "{n} control-plane machines; a cluster needs 1, 3 or 5"
                    ))
                } else if n % 2 == 0 {
                    Some(format!(
                        "{n} is even; etcd needs an odd number of members (1, 3 or 5)"
                    ))
                } else if n > 5 {
                    Some(format!(
                        "{n} etcd members slow every write and add no useful fault tolerance; use 1, 3 or 5"
                    ))
                } else {
                    None
                };
                if let Some(message) = message {
                    out.push(cx.error(Code::Replicas, &replicas, message));
                }
            }
            if let Err(problem) = super::syntax::instance_type(&cp.instance_type) {
                out.push(cx.error(
                    Code::Format,
                    &cp_path.field("instanceType"),
                    format!("`{}` {problem}", cp.instance_type),
                ));
            }
        }
        (None, Provider::Eks) => {}
    }
}

fn kops_state_store(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    cluster: &Cluster,
    path: &BlueprintPath,
) {
    let kops_path = path.field("kops");
    match (&cluster.kops, cluster.provider) {
        (None, Provider::Kops) => out.push(
            cx.key_error(
                Code::MissingField,
                &kops_path.field("stateStore"),
                "provider kops needs `kops.stateStore`: the S3 location where kops keeps the cluster's state",
            )
            .help("add `kops: {stateStore: s3://<bucket>[/prefix]}`"),
        ),
        (Some(_), Provider::Capa | Provider::Eks) => out.push(
            cx.key_error(
                Code::Provider,
                &kops_path,
                format!("`kops` is only used with provider kops, not {}", provider_name(cluster.provider)),
            )
            .help("remove `kops` from this cluster"),
        ),
        (Some(kops), Provider::Kops) => {
            if let Err(problem) = state_store(&kops.state_store) {
                out.push(
                    cx.error(Code::Format, &kops_path.field("stateStore"), format!("`{}` {problem}", kops.state_store))
                        .help("write `s3://<bucket>` or `s3://<bucket>/<prefix>`"),
                );
            }
        }
        (None, _) => {}
    }
}

/// `s3://bucket[/prefix]` with an S3 general-purpose bucket name (Amazon S3 "Bucket naming
/// rules": 3–63 characters, lowercase letters, digits, `.` and `-`, starting and ending with
/// a letter or digit, no `..`, not an IP address, none of the reserved prefixes/suffixes).
pub fn state_store(text: &str) -> Result<(), String> {
    let Some(rest) = text.strip_prefix("s3://") else {
        return Err("is not an `s3://` URL; kops state stores for AWS live in S3".into());
    };
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.len() < 3 || bucket.len() > 63 {
        return Err(format!(
            "has the bucket name `{bucket}`, which is not 3 to 63 characters long"
        ));
    }
    if let Some(c) = bucket
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Err(format!(
            "has {} in the bucket name; S3 bucket names have lowercase letters, digits, `.` and `-`",
            super::syntax::show_char(c)
        ));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !alnum(bucket.chars().next()) || !alnum(bucket.chars().last()) {
        return Err(format!(
            "has the bucket name `{bucket}`, which must start and end with a letter or digit"
        ));
    }
    if bucket.contains("..") {
        return Err(format!(
            "has the bucket name `{bucket}` with two dots in a row"
        ));
    }
    if super::syntax::ipv4(bucket).is_ok() {
        return Err("has a bucket name formatted as an IP address".into());
    }
    for reserved in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if bucket.starts_with(reserved) {
            return Err(format!(
                "has a bucket name starting with the reserved `{reserved}`"
            ));
        }
    }
    for reserved in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if bucket.ends_with(reserved) {
            return Err(format!(
                "has a bucket name ending with the reserved `{reserved}`"
            ));
        }
    }
    if !prefix.is_empty() {
        let trimmed = prefix.strip_suffix('/').unwrap_or(prefix);
        if trimmed
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(format!(
                "has the prefix `{prefix}` with empty, `.` or `..` parts"
            ));
        }
        if let Some(c) = prefix.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("has {} in the prefix", super::syntax::show_char(c)));
        }
    }
    Ok(())
}

fn workspace(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let Some(ws) = &cluster.workspace else {
        return;
    };
    let names: Vec<&str> = cx
        .bp
        .spec
        .workspaces
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    if names.contains(&ws.as_str()) {
        return;
    }
    let mut d = cx.error(
        Code::Reference,
        &path.field("workspace"),
        format!("unknown workspace `{ws}`"),
    );
    d = if names.is_empty() {
        d.help(format!(
            "spec.workspaces is empty; add `workspaces: [{{name: {ws}}}]` to spec"
        ))
    } else if let Some(best) = did_you_mean(ws, names.iter().copied()) {
        d.help(format!(
            "did you mean `{best}`? The workspaces are: {}",
            names.join(", ")
        ))
    } else {
        d.help(format!("the workspaces are: {}", names.join(", ")))
    };
    out.push(d);
}

/// `management: true` only on capa (the cluster hosts Cluster API and manages itself); at
/// most one; exactly one when workspaces or access entries are set, since they live there.
fn management(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: Option<BlueprintPath> = None;
    for (_, cluster, path) in cx.clusters() {
        if !cluster.management {
            continue;
        }
        let field = path.field("management");
        if cluster.provider != Provider::Capa {
            out.push(
                cx.key_error(
                    Code::Provider,
                    &field,
                    format!(
                        "a management cluster must use provider capa, not {}",
                        provider_name(cluster.provider)
                    ),
                )
                .note("the management cluster runs Cluster API and manages itself (self-managed CAPA)"),
            );
        }
        match &first {
            Some(earlier) => out.push(
                cx.key_error(
                    Code::Management,
                    &field,
                    format!(
                        "a second management cluster: {} (line {}) is one already",
                        earlier.parent(),
                        cx.line(earlier)
                    ),
                )
                .help("exactly one cluster hosts the platform layer; remove `management: true` from the others"),
            ),
            None => first = Some(field),
        }
    }
    if first.is_none() {
        let spec = cx.spec();
        let needing = [
            (!cx.bp.spec.workspaces.is_empty(), "workspaces"),
            (!cx.bp.spec.access.is_empty(), "access"),
        ];
        if let Some((_, field)) = needing.iter().find(|(set, _)| *set) {
            out.push(
                cx.key_error(
                    Code::Management,
                    &spec.field(field),
                    format!("`{field}` needs a management cluster, and no cluster has `management: true`"),
                )
                .help("set `management: true` on one capa cluster: workspaces and access live there"),
            );
        }
    }
}
