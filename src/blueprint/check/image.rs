//! A cluster's machine image (`clusters[].image`): a pinned `ami` or a `lookup` by owner and
//! name pattern, one or the other, on the providers that launch their own machines (capa and
//! kops; EKS managed node groups pick their AMI by `amiType`). Neither is a warning, not an
//! error: the provider then looks up its own default image, which works but is not hardened.

use super::Cx;
use crate::blueprint::model::{Cluster, ImageLookup, Provider};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::facts::image_lookup::{self, Action};

/// `ami-` followed by 8 (older images) or 17 lowercase hexadecimal digits (EC2 resource IDs).
pub fn is_ami_id(id: &str) -> bool {
    id.strip_prefix("ami-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, cluster: &Cluster, path: &BlueprintPath) {
    let image_path = path.field("image");
    match (&cluster.image, cluster.provider) {
        (Some(image), Provider::Eks) => {
            let note = if image.lookup.is_some() {
                // CAPA's lookup fields are on AWSMachine(Template)s; an EKS managed node
                // group's AMI is its `amiType` (AWSManagedMachinePool), EKS-optimized.
                "EKS managed node groups choose their AMI by `amiType` (the EKS-optimized AMI of the cluster's version); an image lookup has nothing to apply to"
            } else {
                "EKS managed node groups run the EKS-optimized AMI of the cluster's version"
            };
            out.push(
                cx.key_error(
                    Code::Provider,
                    &image_path,
                    "`image` is not used with provider eks",
                )
                .note(note)
                .help("remove `image`, or use provider capa or kops for a custom image"),
            );
        }
        (Some(image), _) => {
            if let Some(ami) = &image.ami {
                check_ami(cx, out, ami, &image_path);
            }
            if let Some(lookup) = &image.lookup {
                check_lookup(cx, out, lookup, &image_path.field("lookup"));
            }
            match (&image.ami, &image.lookup) {
                (Some(_), Some(_)) => out.push(
                    cx.key_error(
                        Code::Image,
                        &image_path.field("lookup"),
                        "`image.ami` and `image.lookup` are both set: the image is one or the other",
                    )
                    .note("CAPA ignores the lookup fields when an AMI is set (AWSMachineSpec.imageLookupFormat), so one of them would be silently unused")
                    .help("keep `ami` to pin one image, or `lookup` to find the newest image by name in every region"),
                ),
                (None, None) => out.push(no_image(cx, &image_path)),
                _ => {}
            }
        }
        (None, Provider::Capa | Provider::Kops) => out.push(no_image(cx, &image_path)),
        (None, Provider::Eks) => {}
    }
}

fn check_ami(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, ami: &str, image_path: &BlueprintPath) {
    if is_ami_id(ami) {
        return;
    }
    let lower = ami.to_ascii_lowercase();
    let help = if is_ami_id(&lower) {
        format!("did you mean `{lower}`? AMI IDs are lowercase")
    } else {
        "an AMI ID is `ami-` followed by 8 or 17 lowercase hexadecimal digits, e.g. `ami-0123456789abcdef0`"
            .to_string()
    };
    out.push(
        cx.error(
            Code::Image,
            &image_path.field("ami"),
            format!("`{ami}` is not an AMI ID"),
        )
        .help(help),
    );
}

fn check_lookup(
    cx: &Cx<'_>,
    out: &mut Vec<Diagnostic>,
    lookup: &ImageLookup,
    path: &BlueprintPath,
) {
    if !image_lookup::is_account_id(&lookup.org) {
        out.push(
            cx.error(
                Code::Image,
                &path.field("org"),
                format!("`{}` is not an AWS account ID", lookup.org),
            )
            .note("the images are searched by EC2's `owner-id` filter, which matches the 12-digit account that owns them")
            .help("write the account ID of the images' owner as a quoted string, e.g. org: \"123456789012\""),
        );
    }
    if let Some(base_os) = &lookup.base_os
        && !image_lookup::is_base_os(base_os)
    {
        out.push(
            cx.error(
                Code::Image,
                &path.field("baseOS"),
                format!("`{base_os}` is not a base OS name"),
            )
            .help("a base OS is letters, digits, `.`, `_` and `-` as in the image names, e.g. `ubuntu-24.04`, `rhel-9.4`; wildcards belong in `format`"),
        );
    }
    if let Some(format) = &lookup.format {
        check_format(cx, out, format, &path.field("format"));
    }
}

fn check_format(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, format: &str, path: &BlueprintPath) {
    let known = "`{{.BaseOS}}` and `{{.K8sVersion}}`";
    if format.trim().is_empty() {
        out.push(
            cx.error(Code::Image, path, "an empty image name format")
                .help(format!(
                    "leave `format` out for CAPA's `{}`, or write a name pattern using {known}",
                    image_lookup::DEFAULT_FORMAT
                )),
        );
        return;
    }
    for action in image_lookup::actions(format) {
        let message = match action {
            Action::Variable(_) => continue,
            Action::Unknown(inner) => {
                format!("`{{{{{inner}}}}}` is not a variable of the image name format")
            }
            Action::Unbalanced => format!("`{format}` has an unbalanced `{{{{` or `}}}}`"),
        };
        out.push(
            cx.error(Code::Image, path, message)
                .note("CAPA executes the format as a Go template with only the base OS and the Kubernetes version (without `v`) as data")
                .help(format!(
                    "use only {known}, with `*` and `?` as wildcards, e.g. `{}`",
                    image_lookup::DEFAULT_FORMAT
                )),
        );
    }
}

fn no_image(cx: &Cx<'_>, path: &BlueprintPath) -> Diagnostic {
    cx.key_warning(
        Code::Warning,
        path,
        "no `image.ami` nor `image.lookup`: machines use the provider's default image lookup",
    )
    .help("production clusters should run a hardened image: pin one with `image: {ami: ami-...}`, or find it by name in every region with `image: {lookup: {org: \"<owner account>\", baseOS: ..., format: ...}}`")
}
