//! AWS settings: the account ID, regions (known, in the blueprint's partition), the Route 53
//! hosted zone ID, and the tags added to every AWS resource (AWS's tag limits, and the
//! prefixes AWS and the providers reserve).

use super::Cx;
use super::syntax::looks_like_placeholder;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::aws;
use crate::naming::partition_name;
use crate::suggest::did_you_mean;

/// AWS allows 50 user tags per resource (EC2 "Tag restrictions"; CAPA's `Tags.Validate`
/// checks the same). The providers add a few of their own on top (CAPA: `Name`, cluster
/// ownership and role), so a blueprint near the limit may still be refused by EC2.
pub const MAX_TAGS: usize = 50;
/// Tag keys: 1–128 Unicode characters; values: 0–256 (EC2 "Tag restrictions").
pub const MAX_TAG_KEY: usize = 128;
pub const MAX_TAG_VALUE: usize = 256;

/// Prefixes no user tag may have: `aws:` is reserved by AWS (in any letter case); the other
/// two mark ownership for CAPA and the AWS cloud provider, and a user tag with them would make
/// those controllers adopt or delete resources that are not theirs.
const RESERVED_TAG_PREFIXES: &[(&str, &str)] = &[
    ("aws:", "AWS reserves the `aws:` prefix for its own tags"),
    (
        "kubernetes.io/cluster/",
        "the AWS cloud provider uses `kubernetes.io/cluster/<name>` to mark the resources a cluster owns",
    ),
    (
        "sigs.k8s.io/cluster-api-provider-aws/",
        "CAPA uses `sigs.k8s.io/cluster-api-provider-aws/...` to mark the resources it manages",
    ),
];

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let aws_path = cx.spec().field("aws");
    if let Some(a) = &cx.bp.spec.aws {
        if let Some(id) = &a.account_id {
            account_id(cx, out, &aws_path.field("accountID"), id);
        }
        if let Some(region) = &a.region {
            region_name(cx, out, &aws_path.field("region"), region);
        }
        if let Some(zone) = &a.hosted_zone_id {
            hosted_zone_id(cx, out, &aws_path.field("hostedZoneID"), zone);
        }
    }
    for (_, cluster, path) in cx.clusters() {
        if let Some(region) = &cluster.region {
            region_name(cx, out, &path.field("region"), region);
        }
    }
    partitions(cx, out);
    tags(cx, out);
}

fn account_id(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, path: &BlueprintPath, id: &str) {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let message = if looks_like_placeholder(id) {
        format!("`{id}` is a placeholder, not an AWS account ID")
    } else if id.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "`{id}` has {} digits; an AWS account ID has exactly 12",
            id.len()
        )
    } else {
        format!("`{id}` is not an AWS account ID")
    };
    out.push(
        cx.error(Code::Aws, path, message)
            .help("write the 12 digits of the account as a quoted string, e.g. \"123456789012\" (leading zeros count)"),
    );
}

fn region_name(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, path: &BlueprintPath, region: &str) {
    if aws::region(region).is_some() {
        return;
    }
    let mut d = cx.error(
        Code::Region,
        path,
        format!("`{region}` is not an AWS region"),
    );
    if let Some(best) = did_you_mean(region, aws::region_names()) {
        d = d.help(format!("did you mean `{best}`?"));
    } else if aws::region_of_zone(region).is_some() {
        d = d.help("this is an availability zone; the region is the name without the last letter");
    } else {
        d = d.help("AWS region names look like `us-west-2` or `eu-central-1` (lowercase)");
    }
    out.push(d);
}

/// `Z` followed by uppercase letters and digits, at most 32 characters in all (Route 53
/// returns IDs like `Z0ABCDEF123456`; `GetHostedZone` wants the bare ID, not `/hostedzone/…`).
fn hosted_zone_id(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, path: &BlueprintPath, id: &str) {
    let well_formed = id.starts_with('Z')
        && (2..=32).contains(&id.len())
        && id
            .bytes()
            .skip(1)
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    // `ZONE` only at the start (`ZONEID`, `ZONE123`): inside an ID it can be real letters,
    // and the shared fleet blueprint (`tools/gen_fleet.py`) uses `Z0FLEETZONE0001`.
    let placeholder = looks_like_placeholder(id)
        || id.starts_with("ZONE")
        || id.contains("EXAMPLE")
        || id.len() > 2 && id.bytes().skip(1).all(|b| b == b'X' || b == b'0');
    if well_formed && !placeholder {
        return;
    }
    let (message, help) = if let Some(bare) = id.strip_prefix("/hostedzone/") {
        (
            format!("`{id}` has the `/hostedzone/` prefix"),
            format!("write the bare ID: `{bare}`"),
        )
    } else if placeholder {
        (
            format!("`{id}` is a placeholder, not a Route 53 hosted zone ID"),
            "copy the zone's ID from Route 53 (`aws route53 list-hosted-zones-by-name --dns-name <domain>`)".to_string(),
        )
    } else if id.to_ascii_uppercase() != id && id.to_ascii_uppercase().starts_with('Z') {
        (
            format!("`{id}` has lowercase letters; Route 53 hosted zone IDs are uppercase"),
            format!("did you mean `{}`?", id.to_ascii_uppercase()),
        )
    } else {
        (
            format!("`{id}` is not a Route 53 hosted zone ID"),
            "a hosted zone ID is `Z` followed by uppercase letters and digits, at most 32 characters".to_string(),
        )
    };
    out.push(cx.error(Code::Aws, path, message).help(help));
}

/// Every region the blueprint names must be in `spec.aws.partition` (default `aws`): the
/// partition goes into every ARN platc writes, and an ARN of the wrong partition never
/// matches anything.
fn partitions(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let partition = cx.partition();
    let partition_path = cx.spec().field("aws").field("partition");
    let explicit = cx.exists(&partition_path);
    let mut places: Vec<(BlueprintPath, &str)> = Vec::new();
    if let Some(region) = cx.bp.spec.aws.as_ref().and_then(|a| a.region.as_deref()) {
        places.push((cx.spec().field("aws").field("region"), region));
    }
    for (_, cluster, path) in cx.clusters() {
        if let Some(region) = &cluster.region {
            places.push((path.field("region"), region));
        }
    }
    for (path, region) in places {
        let Some(found) = aws::partition_of(region) else {
            continue;
        };
        if found == partition {
            continue;
        }
        let setting = if explicit {
            format!("spec.aws.partition is `{}`", partition_name(partition))
        } else {
            "spec.aws.partition is not set, so it is `aws`".to_string()
        };
        out.push(
            cx.error(
                Code::Partition,
                &path,
                format!(
                    "region `{region}` is in the partition `{}`, but {setting}",
                    partition_name(found)
                ),
            )
            .help(format!(
                "set `spec.aws.partition: {}`, or use a region of the `{}` partition",
                partition_name(found),
                partition_name(partition)
            )),
        );
    }
}

fn tags(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let tags = &cx.bp.spec.tags;
    let path = cx.spec().field("tags");
    if tags.len() > MAX_TAGS {
        out.push(cx.key_error(
            Code::Aws,
            &path,
            format!(
                "{} tags; AWS allows at most {MAX_TAGS} per resource",
                tags.len()
            ),
        ));
    }
    for (key, value) in tags {
        let key_path = path.field(key);
        let key_len = key.chars().count();
        if key.trim().is_empty() {
            out.push(cx.key_error(Code::Aws, &key_path, "a tag key is empty"));
        } else if key_len > MAX_TAG_KEY {
            out.push(cx.key_error(
                Code::Aws,
                &key_path,
                format!("tag key is {key_len} characters long; AWS allows at most {MAX_TAG_KEY}"),
            ));
        }
        let lower = key.to_ascii_lowercase();
        if let Some((prefix, why)) = RESERVED_TAG_PREFIXES
            .iter()
            .find(|(p, _)| lower.starts_with(p))
        {
            out.push(
                cx.key_error(
                    Code::Aws,
                    &key_path,
                    format!("tag key `{key}` uses the reserved prefix `{prefix}`"),
                )
                .note(*why)
                .help("choose another key"),
            );
        }
        if let Some(c) = key.chars().find(|c| !tag_char(*c)) {
            out.push(cx.key_error(
                Code::Aws,
                &key_path,
                format!(
                    "tag key has {}; AWS allows letters, digits, spaces and `_ . : / = + - @`",
                    super::syntax::show_char(c)
                ),
            ));
        }
        let value_len = value.chars().count();
        if value_len > MAX_TAG_VALUE {
            out.push(cx.error(
                Code::Aws,
                &key_path,
                format!(
                    "tag value is {value_len} characters long; AWS allows at most {MAX_TAG_VALUE}"
                ),
            ));
        }
        if let Some(c) = value.chars().find(|c| !tag_char(*c)) {
            out.push(cx.error(
                Code::Aws,
                &key_path,
                format!(
                    "tag value has {}; AWS allows letters, digits, spaces and `_ . : / = + - @`",
                    super::syntax::show_char(c)
                ),
            ));
        }
    }
}

/// Characters AWS allows in tags across services: "letters, numbers, and spaces
/// representable in UTF-8, and the following characters: + - = . _ : / @" (AWS tagging
/// documentation).
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || matches!(c, '+' | '-' | '=' | '.' | '_' | ':' | '/' | '@')
}
