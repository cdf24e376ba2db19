//! Machine image lookup by owner and name pattern (`clusters[].image.lookup`): CAPA's
//! defaults, the Go-template variables CAPA fills in, and the one expansion platc does itself
//! (kOps' `<owner>/<name pattern>` image string, since kOps has no template of its own).
//!
//! Sources, kubernetes-sigs/cluster-api-provider-aws v2.11.1:
//! - `api/v1beta2/awsmachine_types.go`: `imageLookupFormat`, `imageLookupOrg`,
//!   `imageLookupBaseOS` on AWSMachineSpec ("ignored if an explicit AMI is set"; the format
//!   "supports substitutions for {{.BaseOS}} and {{.K8sVersion}}", the version "without v as
//!   a prefix").
//! - `pkg/cloud/services/ec2/ami.go`: `AMILookup{BaseOS, K8sVersion}` is the template's only
//!   data (`GenerateAmiName`, Go `text/template`); `DefaultAmiNameFormat`,
//!   `defaultMachineAMILookupBaseOS`; `DefaultAMILookup` sends the org as DescribeImages'
//!   `owner-id` filter and the expanded format as its `name` filter, and takes the newest
//!   image (`GetLatestImage`).
//! - `pkg/cloud/services/ec2/instances.go`: the AWSMachine's lookup fields win over the
//!   AWSCluster's, field by field; `Machine.spec.version` with its `v` trimmed is the version.
//!
//! kubernetes/kops v1.36.2 `upup/pkg/fi/cloudup/awsup/aws_cloud.go` (`resolveImage`): an
//! image `<owner>/<name>` is DescribeImages with `Owners: [owner]` and the `name` filter, the
//! newest `CreationDate` winning: the same search. EC2 filter values take `*` (any run of
//! characters) and `?` (exactly one character) as wildcards (the EC2 API's `Filter`).

/// CAPA's `DefaultAmiNameFormat` (image-builder's `capa-ami-<build_name>-<kubernetes_semver>-
/// <build_timestamp>` names, kubernetes-sigs/image-builder v0.1.55
/// `images/capi/packer/ami/packer.json`; `?` matches the `v` of the version).
pub const DEFAULT_FORMAT: &str = "capa-ami-{{.BaseOS}}-?{{.K8sVersion}}-*";

/// CAPA's `defaultMachineAMILookupBaseOS`.
pub const DEFAULT_BASE_OS: &str = "ubuntu-24.04";

/// The fields of CAPA's `AMILookup`, the only data the format template is executed with.
pub const VARIABLES: [&str; 2] = ["BaseOS", "K8sVersion"];

/// One `{{ ... }}` action of a format: the variable it names, or what it holds otherwise.
#[derive(Debug, PartialEq, Eq)]
pub enum Action<'a> {
    Variable(&'static str),
    /// Anything else between `{{` and `}}` (another field, a function, a pipeline).
    Unknown(&'a str),
    /// A `{{` without its `}}`, or a `}}` without its `{{`.
    Unbalanced,
}

/// The actions of `format`, in order. Go's template syntax allows spaces inside the braces
/// (`{{ .BaseOS }}`); trim markers (`{{- `) and everything else are reported as unknown, so
/// that CAPA and platc's kOps expansion cannot read a format differently.
pub fn actions(format: &str) -> Vec<Action<'_>> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find("{{") {
        if rest[..open].contains("}}") {
            out.push(Action::Unbalanced);
        }
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push(Action::Unbalanced);
            return out;
        };
        let inner = &after[..close];
        let name = inner.trim_matches(' ');
        out.push(
            match VARIABLES.iter().find(|v| name.strip_prefix('.') == Some(v)) {
                Some(v) => Action::Variable(v),
                None => Action::Unknown(inner),
            },
        );
        rest = &after[close + 2..];
    }
    if rest.contains("}}") {
        out.push(Action::Unbalanced);
    }
    out
}

/// `format` with its variables filled in as CAPA fills them: `kubernetes_version` without its
/// leading `v`. Only called on formats whose [`actions`] are all variables.
pub fn expand(format: &str, base_os: &str, kubernetes_version: &str) -> String {
    let version = kubernetes_version
        .strip_prefix('v')
        .unwrap_or(kubernetes_version);
    let mut out = String::with_capacity(format.len() + 16);
    let mut rest = format;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        match after[..close].trim_matches(' ') {
            ".BaseOS" => out.push_str(base_os),
            ".K8sVersion" => out.push_str(version),
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// A 12-digit AWS account ID: what EC2's `owner-id` filter matches (CAPA sends the org there;
/// kOps passes anything that is not one of its aliases through as the owner).
pub fn is_account_id(org: &str) -> bool {
    org.len() == 12 && org.bytes().all(|b| b.is_ascii_digit())
}

/// A base OS token as image-builder's `build_name`s spell them (`ubuntu-24.04`, `rhel-9.4`,
/// `flatcar`): letters, digits, `.`, `_` and `-`, nothing that a name pattern would read as a
/// wildcard or a template.
pub fn is_base_os(base_os: &str) -> bool {
    !base_os.is_empty()
        && base_os.len() <= 64
        && base_os
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_format_names_both_variables() {
        assert_eq!(
            actions(DEFAULT_FORMAT),
            vec![Action::Variable("BaseOS"), Action::Variable("K8sVersion")]
        );
        assert_eq!(
            expand(DEFAULT_FORMAT, "ubuntu-24.04", "v1.33.5"),
            "capa-ami-ubuntu-24.04-?1.33.5-*"
        );
    }

    #[test]
    fn spaces_inside_the_braces_are_the_same_variable() {
        assert_eq!(
            actions("a-{{ .BaseOS }}-{{.K8sVersion }}"),
            vec![Action::Variable("BaseOS"), Action::Variable("K8sVersion")]
        );
        assert_eq!(
            expand("a-{{ .BaseOS }}-{{.K8sVersion }}", "x", "1.2.3"),
            "a-x-1.2.3"
        );
    }

    #[test]
    fn other_actions_are_unknown_or_unbalanced() {
        assert_eq!(actions("a-{{.Region}}"), vec![Action::Unknown(".Region")]);
        assert_eq!(actions("{{- .BaseOS}}"), vec![Action::Unknown("- .BaseOS")]);
        assert_eq!(actions("a-{{.BaseOS"), vec![Action::Unbalanced]);
        assert_eq!(actions("a-}}"), vec![Action::Unbalanced]);
        assert_eq!(
            actions("x}}{{.BaseOS}}"),
            vec![Action::Unbalanced, Action::Variable("BaseOS")]
        );
        assert!(actions("plain-name-*").is_empty());
    }

    #[test]
    fn owners_and_base_os() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("amazon"));
        assert!(is_base_os("ubuntu-24.04"));
        assert!(!is_base_os(""));
        assert!(!is_base_os("ubuntu*"));
        assert!(!is_base_os("{{.BaseOS}}"));
    }
}
