//! Tests of the semantic rules through the real entry points (`load::load` + `check::run`):
//! every bad input of `tests/data/bad-inputs/` against its `# expect-*` header, the reference
//! blueprint (no errors), one table per rule family (variations of `valid-base.yaml`, bad and
//! good), and the promise that no secret reaches a rendered diagnostic.

use std::path::PathBuf;

use crate::blueprint::{check, load};
use crate::diag::render::{human, json_line};
use crate::diag::{Code, Diagnostic, Diagnostics, Severity};

const VALID_BASE: &str = include_str!("../../../tests/data/bad-inputs/valid-base.yaml");

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-inputs")
}

/// Everything platc would report for `text`: the loader's diagnostics if it refused the file,
/// else the semantic rules', sorted as they are printed.
fn diagnose(name: &str, text: &str) -> Vec<Diagnostic> {
    let diags = match load::load(name, text.as_bytes()) {
        Ok(loaded) => Diagnostics::from(check::run(&loaded)),
        Err(diags) => diags,
    };
    diags.into_sorted()
}

fn rendered(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| human(d, false)).collect()
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

struct Expect {
    exit: i32,
    stderr: Vec<String>,
    line: Option<usize>,
}

fn expectations(text: &str) -> Option<Expect> {
    let mut e = Expect {
        exit: -1,
        stderr: Vec::new(),
        line: None,
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = line.strip_prefix("# expect-exit: ") {
            e.exit = v.trim().parse().ok()?;
        } else if let Some(v) = line.strip_prefix("# expect-stderr: ") {
            e.stderr.push(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("# expect-line: ") {
            e.line = v.trim().parse().ok();
        }
    }
    (e.exit >= 0).then_some(e)
}

#[test]
fn every_bad_input_is_refused_as_its_header_says() {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut failures = Vec::new();
    let mut cases = 0;
    for name in &names {
        let text = std::fs::read_to_string(data_dir().join(name)).unwrap_or_default();
        let Some(expect) = expectations(&text) else {
            continue;
        };
        cases += 1;
        let diags = diagnose(name, &text);
        let out = rendered(&diags);
        let mut problems = Vec::new();
        let refused = !errors(&diags).is_empty();
        if (expect.exit == 65) != refused {
            problems.push(format!("refused: {refused}, expected exit {}", expect.exit));
        }
        for want in &expect.stderr {
            if !out.contains(want.as_str()) {
                problems.push(format!("output lacks `{want}`"));
            }
        }
        if let Some(line) = expect.line
            && !out.contains(&format!("{name}:{line}:"))
        {
            problems.push(format!("output does not name {name}:{line}:"));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n{out}", problems.join("; ")));
        }
    }
    assert!(
        cases >= 34,
        "only {cases} bad inputs found in {}",
        data_dir().display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reference_blueprint_has_no_errors() {
    let path = data_dir().join("../reference/reference.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(text.contains("kind: Platform"));
    let diags = diagnose("reference.yaml", &text);
    assert!(errors(&diags).is_empty(), "{}", rendered(&diags));
    let base = diagnose("valid-base.yaml", VALID_BASE);
    assert!(errors(&base).is_empty(), "{}", rendered(&base));
}

#[test]
fn secrets_never_reach_a_rendered_diagnostic() {
    for (file, secret) in [
        (
            "35-oidc-inline-secret.yaml",
            "9f2c4d1e8b7a6f5e4d3c2b1a0f9e8d7c",
        ),
        ("36-aws-key-in-tags.yaml", "AKIAQ3EGRVJ7MZNXP4WL"),
        ("36-aws-key-in-tags.yaml", "Q3EGRVJ7MZNXP4WL"),
        ("37-mirror-credentials-in-url.yaml", "hunter2"),
        ("45-pem-private-key.yaml", "MIIEowIBAAKCAQEAx7c9fake"),
    ] {
        let text = std::fs::read_to_string(data_dir().join(file)).unwrap_or_default();
        assert!(text.contains(secret), "{file}");
        let diags = diagnose(file, &text);
        assert!(!errors(&diags).is_empty(), "{file}");
        for d in &diags {
            for out in [human(d, false), human(d, true), json_line(d)] {
                assert!(!out.contains(secret), "{file} echoes its secret:\n{out}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule families: variations of valid-base.yaml.

/// `valid-base.yaml` with each `(find, replace)` applied once.
fn variant(edits: &[(&str, &str)]) -> String {
    let mut text = VALID_BASE.to_string();
    for (find, replace) in edits {
        assert!(
            text.contains(find),
            "`{find}` not in the blueprint:\n{text}"
        );
        text = text.replacen(find, replace, 1);
    }
    text
}

/// Inserts a spec section before `clusters:`.
/// The base blueprint whose capa cluster finds its image with `lookup` (a flow mapping).
fn lookup_case(lookup: &str) -> String {
    variant(&[(
        "provider: capa",
        &format!("provider: capa\n      image: {{lookup: {lookup}}}"),
    )])
}

#[test]
fn the_no_image_warning_names_both_ways() {
    let diags = diagnose("case.yaml", VALID_BASE);
    let warning = diags
        .iter()
        .find(|d| d.path.as_deref() == Some("spec.clusters[0].image"))
        .expect("a warning at spec.clusters[0].image");
    assert_eq!(warning.severity, Severity::Warning);
    let text = human(warning, false);
    assert!(
        text.contains("image.ami")
            && text.contains("image.lookup")
            && text.contains("lookup: {org:"),
        "{text}"
    );
}

fn with_section(section: &str, edits: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, String)> = vec![("  clusters:\n", format!("{section}  clusters:\n"))];
    all.extend(edits.iter().map(|(f, r)| (*f, (*r).to_string())));
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(f, r)| (*f, r.as_str())).collect();
    variant(&borrowed)
}

/// Appends lines to the node pool `workers` (valid-base's last lines).
fn with_pool(lines: &str) -> String {
    variant(&[(
        "          replicas: 3\n",
        &format!("          replicas: 3\n{lines}"),
    )])
}

const SECOND_CLUSTER: &str = "    - name: beta
      provider: capa
      kubernetesVersion: v1.33.2
      availabilityZones: [eu-central-1a]
      controlPlane: {replicas: 1, instanceType: m5.large}
      nodePools:
        - {name: workers, instanceType: m5.large, replicas: 1}
";

fn with_cluster(cluster: &str) -> String {
    let mut text = VALID_BASE.to_string();
    text.push_str(cluster);
    text
}

#[derive(Clone, Copy, Debug)]
enum Want<'a> {
    /// No error at all.
    Clean,
    /// An error with this code at this blueprint path.
    Error(Code, &'a str),
    /// An error with this code at this path whose message or help contains the text.
    ErrorSaying(Code, &'a str, &'a str),
    /// A warning with this code at this path, and no error.
    Warning(Code, &'a str),
}

fn assert_case(name: &str, text: &str, want: Want<'_>) {
    let diags = diagnose("case.yaml", text);
    let out = rendered(&diags);
    let found = |code: Code, path: &str, severity: Severity| {
        diags
            .iter()
            .filter(|d| d.code == code && d.severity == severity && d.path.as_deref() == Some(path))
            .collect::<Vec<_>>()
    };
    match want {
        Want::Clean => assert!(
            errors(&diags).is_empty(),
            "{name}: expected no error\n{out}"
        ),
        Want::Error(code, path) => {
            assert!(
                !found(code, path, Severity::Error).is_empty(),
                "{name}: expected {code:?} at {path}\n{out}"
            );
        }
        Want::ErrorSaying(code, path, text) => {
            let hits = found(code, path, Severity::Error);
            assert!(
                hits.iter().any(|d| human(d, false).contains(text)),
                "{name}: expected {code:?} at {path} saying `{text}`\n{out}"
            );
        }
        Want::Warning(code, path) => {
            assert!(
                errors(&diags).is_empty(),
                "{name}: expected no error\n{out}"
            );
            assert!(
                !found(code, path, Severity::Warning).is_empty(),
                "{name}: expected a {code:?} warning at {path}\n{out}"
            );
        }
    }
}

fn run_cases(cases: &[(&str, String, Want<'_>)]) {
    for (name, text, want) in cases {
        assert_case(name, text, *want);
    }
}

#[test]
fn names() {
    let long40 = "a".repeat(40);
    let long41 = "a".repeat(41);
    run_cases(&[
        (
            "platform underscore",
            variant(&[("name: minimal", "name: Demo_Platform")]),
            Want::ErrorSaying(Code::Name, "metadata.name", "`D` at position 1"),
        ),
        (
            "path traversal",
            variant(&[("name: alpha", "name: ../../etc")]),
            Want::Error(Code::Name, "spec.clusters[0].name"),
        ),
        (
            "slash",
            variant(&[("name: alpha", "name: a/b")]),
            Want::ErrorSaying(Code::Name, "spec.clusters[0].name", "`/` at position 2"),
        ),
        (
            "homoglyph",
            variant(&[("name: alpha", "name: pr\u{43e}d")]),
            Want::ErrorSaying(Code::Name, "spec.clusters[0].name", "U+043E"),
        ),
        (
            "trailing dash",
            variant(&[("name: alpha", "name: alpha-")]),
            Want::Error(Code::Name, "spec.clusters[0].name"),
        ),
        (
            "41 characters",
            variant(&[("name: alpha", &format!("name: {long41}"))]),
            Want::ErrorSaying(Code::Name, "spec.clusters[0].name", "at most 40"),
        ),
        (
            "40 characters",
            variant(&[("name: alpha", &format!("name: {long40}"))]),
            Want::Clean,
        ),
        (
            "pool name",
            with_pool("        - {name: Big_Pool, instanceType: m5.large, replicas: 1}\n"),
            Want::Error(Code::Name, "spec.clusters[0].nodePools[1].name"),
        ),
        (
            "duplicate pool",
            with_pool("        - {name: workers, instanceType: m5.large, replicas: 1}\n"),
            Want::ErrorSaying(
                Code::DuplicateName,
                "spec.clusters[0].nodePools[1].name",
                "spec.clusters[0].nodePools[0].name (line 24)",
            ),
        ),
        (
            "duplicate cluster",
            with_cluster(&SECOND_CLUSTER.replace("name: beta", "name: alpha")),
            Want::ErrorSaying(
                Code::DuplicateName,
                "spec.clusters[1].name",
                "spec.clusters[0].name",
            ),
        ),
        ("two clusters", with_cluster(SECOND_CLUSTER), Want::Clean),
        (
            "duplicate workspace",
            with_section(
                "  workspaces: [{name: prod}, {name: prod}]\n",
                &[("capa\n", "capa\n      management: true\n")],
            ),
            Want::Error(Code::DuplicateName, "spec.workspaces[1].name"),
        ),
        (
            "duplicate access",
            with_section(
                "  identity:\n    oidc: {connector: {id: okta, name: Okta}, issuerURL: 'https://example.okta.com', clientID: platc, clientSecretRef: {name: dex, key: secret}}\n  access:\n    - {name: admins, groups: [a], role: cluster-admin}\n    - {name: admins, groups: [b], role: cluster-admin}\n",
                &[("capa\n", "capa\n      management: true\n")],
            ),
            Want::Error(Code::DuplicateName, "spec.access[1].name"),
        ),
        (
            "derived MachineDeployment name",
            variant(&[
                ("name: alpha", &format!("name: {long40}")),
                ("name: workers", &format!("name: {}", "w".repeat(20))),
            ]),
            Want::ErrorSaying(
                Code::DerivedName,
                "spec.clusters[0].nodePools[0].name",
                "spec.clusters[0].name",
            ),
        ),
        (
            // 40 + `-mp-` + 12 + `-` + 8 digest digits = 65 > 63 (an EKS node group name), while
            // a capa MachineDeployment of the same names (40 + `-md-` + 12 + `-a` = 58) fits.
            "derived EKS node group name",
            variant(&[
                ("provider: capa", "provider: eks"),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
                ("name: alpha", &format!("name: {long40}")),
                ("name: workers", &format!("name: {}", "w".repeat(12))),
            ]),
            Want::ErrorSaying(
                Code::DerivedName,
                "spec.clusters[0].nodePools[0].name",
                "-mp-wwwwwwwwwwww-xxxxxxxx",
            ),
        ),
        (
            "EKS node group name of 63 characters",
            variant(&[
                ("provider: capa", "provider: eks"),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
                ("name: alpha", &format!("name: {long40}")),
                ("name: workers", &format!("name: {}", "w".repeat(10))),
            ]),
            Want::Clean,
        ),
        (
            "derived IAM role name",
            with_section(
                "  dns: {provider: route53}\n",
                &[
                    ("name: minimal", &format!("name: {}", "p".repeat(30))),
                    ("name: alpha", &format!("name: {}", "c".repeat(30))),
                ],
            ),
            Want::ErrorSaying(Code::DerivedName, "spec.clusters[0].name", "metadata.name"),
        ),
        (
            // 25 + 1 + 20 + `-oidc-` + 12 = 64 > 63, while the role (25+1+20+1+12) fits.
            "derived discovery bucket name",
            with_section(
                "  dns: {provider: route53}\n",
                &[
                    ("name: minimal", &format!("name: {}", "p".repeat(25))),
                    ("name: alpha", &format!("name: {}", "c".repeat(20))),
                ],
            ),
            Want::ErrorSaying(Code::DerivedName, "spec.clusters[0].name", "S3 bucket"),
        ),
        (
            "discovery bucket fits",
            with_section(
                "  dns: {provider: route53}\n",
                &[
                    ("name: minimal", &format!("name: {}", "p".repeat(24))),
                    ("name: alpha", &format!("name: {}", "c".repeat(20))),
                ],
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn aws() {
    let many_tags: String = (0..51).map(|i| format!("    t{i}: v\n")).collect();
    let long_key_path = format!("spec.tags.{}", "k".repeat(129));
    run_cases(&[
        (
            "unknown region",
            variant(&[("region: eu-central-1", "region: us-west-9")]),
            Want::ErrorSaying(Code::Region, "spec.aws.region", "did you mean"),
        ),
        (
            "uppercase region",
            variant(&[("region: eu-central-1", "region: EU-CENTRAL-1")]),
            Want::ErrorSaying(Code::Region, "spec.aws.region", "`eu-central-1`"),
        ),
        (
            "partition mismatch",
            variant(&[(
                "region: eu-central-1",
                "region: eu-central-1\n    partition: aws-cn",
            )]),
            Want::Error(Code::Partition, "spec.aws.region"),
        ),
        (
            "china region in aws",
            variant(&[
                ("region: eu-central-1", "region: cn-north-1"),
                (
                    "[eu-central-1a, eu-central-1b, eu-central-1c]",
                    "[cn-north-1a]",
                ),
            ]),
            Want::Error(Code::Partition, "spec.aws.region"),
        ),
        (
            "china region in aws-cn",
            variant(&[
                (
                    "region: eu-central-1",
                    "region: cn-north-1\n    partition: aws-cn",
                ),
                (
                    "[eu-central-1a, eu-central-1b, eu-central-1c]",
                    "[cn-north-1a, cn-north-1b, cn-north-1d]",
                ),
            ]),
            Want::Clean,
        ),
        (
            "zone placeholder",
            variant(&[("Z0ABCDEF123456", "ZONE_ID")]),
            Want::ErrorSaying(Code::Aws, "spec.aws.hostedZoneID", "placeholder"),
        ),
        (
            "zone lowercase",
            variant(&[("Z0ABCDEF123456", "z0abc")]),
            Want::Error(Code::Aws, "spec.aws.hostedZoneID"),
        ),
        (
            "zone prefix",
            variant(&[("Z0ABCDEF123456", "/hostedzone/Z0ABC")]),
            Want::ErrorSaying(Code::Aws, "spec.aws.hostedZoneID", "`Z0ABC`"),
        ),
        (
            "account 11 digits",
            variant(&[("\"123456789012\"", "\"12345678901\"")]),
            Want::ErrorSaying(Code::Aws, "spec.aws.accountID", "11 digits"),
        ),
        (
            "account placeholder",
            variant(&[("\"123456789012\"", "ACCOUNT_ID")]),
            Want::Error(Code::Aws, "spec.aws.accountID"),
        ),
        (
            "reserved tag",
            with_section("  tags:\n    aws:owner: me\n", &[]),
            Want::Error(Code::Aws, "spec.tags[\"aws:owner\"]"),
        ),
        (
            "long tag key",
            with_section(&format!("  tags:\n    {}: v\n", "k".repeat(129)), &[]),
            Want::Error(Code::Aws, &long_key_path),
        ),
        (
            "51 tags",
            with_section(&format!("  tags:\n{many_tags}"), &[]),
            Want::Error(Code::Aws, "spec.tags"),
        ),
        (
            "good tags",
            with_section(
                "  tags:\n    owner: platform-team\n    cost-center: \"4711\"\n",
                &[],
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn clusters() {
    run_cases(&[
        (
            "no patch",
            variant(&[("v1.30.4", "v1.29")]),
            Want::ErrorSaying(Code::Version, "spec.clusters[0].kubernetesVersion", "patch"),
        ),
        (
            "no v",
            variant(&[("v1.30.4", "1.29.9")]),
            Want::ErrorSaying(
                Code::Version,
                "spec.clusters[0].kubernetesVersion",
                "`v1.29.9`",
            ),
        ),
        (
            "prerelease",
            variant(&[("v1.30.4", "v1.29.9-rc.0")]),
            Want::Error(Code::Version, "spec.clusters[0].kubernetesVersion"),
        ),
        (
            "too new",
            variant(&[("v1.30.4", "v1.40.0")]),
            Want::ErrorSaying(
                Code::Version,
                "spec.clusters[0].kubernetesVersion",
                "Cluster API v1.14",
            ),
        ),
        (
            "too old",
            variant(&[("v1.30.4", "v1.25.3")]),
            Want::Error(Code::Version, "spec.clusters[0].kubernetesVersion"),
        ),
        (
            "past support",
            variant(&[("v1.30.4", "v1.29.9")]),
            Want::Warning(Code::Version, "spec.clusters[0].kubernetesVersion"),
        ),
        ("supported", variant(&[("v1.30.4", "v1.33.2")]), Want::Clean),
        (
            "kops too new",
            variant(&[
                (
                    "provider: capa",
                    "provider: kops\n      kops: {stateStore: 's3://demo-kops-state'}",
                ),
                ("v1.30.4", "v1.37.0"),
            ]),
            Want::Error(Code::Version, "spec.clusters[0].kubernetesVersion"),
        ),
        (
            "zone of another region",
            variant(&[("eu-central-1b,", "us-east-1b,")]),
            Want::ErrorSaying(
                Code::Region,
                "spec.clusters[0].availabilityZones[1]",
                "us-east-1",
            ),
        ),
        (
            "duplicate zone",
            variant(&[("eu-central-1b,", "eu-central-1a,")]),
            Want::Error(Code::Region, "spec.clusters[0].availabilityZones[1]"),
        ),
        (
            "zone id",
            variant(&[("eu-central-1b,", "euc1-az2,")]),
            Want::ErrorSaying(
                Code::Region,
                "spec.clusters[0].availabilityZones[1]",
                "zone ID",
            ),
        ),
        (
            "missing letter",
            variant(&[("eu-central-1c]", "eu-central-1d]")]),
            Want::Error(Code::Region, "spec.clusters[0].availabilityZones[2]"),
        ),
        (
            "no zones",
            variant(&[("[eu-central-1a, eu-central-1b, eu-central-1c]", "[]")]),
            Want::Error(Code::Range, "spec.clusters[0].availabilityZones"),
        ),
        (
            "seven zones",
            variant(&[
                ("region: eu-central-1", "region: us-east-1"),
                (
                    "[eu-central-1a, eu-central-1b, eu-central-1c]",
                    "[us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f, us-east-1a]",
                ),
            ]),
            Want::Error(Code::Range, "spec.clusters[0].availabilityZones"),
        ),
        (
            "no region",
            variant(&[("    region: eu-central-1\n", "")]),
            Want::Error(Code::Region, "spec.clusters[0].region"),
        ),
        (
            "cluster region",
            variant(&[
                ("provider: capa", "provider: capa\n      region: eu-west-1"),
                (
                    "[eu-central-1a, eu-central-1b, eu-central-1c]",
                    "[eu-west-1a]",
                ),
            ]),
            Want::Clean,
        ),
        (
            "ami short",
            variant(&[(
                "provider: capa",
                "provider: capa\n      image: {ami: ami-123}",
            )]),
            Want::Error(Code::Image, "spec.clusters[0].image.ami"),
        ),
        (
            "ami uppercase",
            variant(&[(
                "provider: capa",
                "provider: capa\n      image: {ami: ami-XYZ12345}",
            )]),
            Want::Error(Code::Image, "spec.clusters[0].image.ami"),
        ),
        (
            "ami good",
            variant(&[(
                "provider: capa",
                "provider: capa\n      image: {ami: ami-0123456789abcdef0}",
            )]),
            Want::Clean,
        ),
        (
            "no ami warns",
            VALID_BASE.to_string(),
            Want::Warning(Code::Warning, "spec.clusters[0].image"),
        ),
        (
            "lookup good",
            lookup_case(
                r#"{org: "123456789012", baseOS: ubuntu-24.04, format: "kib-{{.BaseOS}}-?{{ .K8sVersion }}-*"}"#,
            ),
            Want::Clean,
        ),
        (
            "lookup with ami",
            variant(&[(
                "provider: capa",
                r#"provider: capa
      image: {ami: ami-0123456789abcdef0, lookup: {org: "123456789012"}}"#,
            )]),
            Want::ErrorSaying(
                Code::Image,
                "spec.clusters[0].image.lookup",
                "one or the other",
            ),
        ),
        (
            "lookup org not an account",
            lookup_case("{org: amazon}"),
            Want::Error(Code::Image, "spec.clusters[0].image.lookup.org"),
        ),
        (
            "lookup org short",
            lookup_case(r#"{org: "12345678901"}"#),
            Want::Error(Code::Image, "spec.clusters[0].image.lookup.org"),
        ),
        (
            "lookup base os wildcard",
            lookup_case(r#"{org: "123456789012", baseOS: "ubuntu*"}"#),
            Want::Error(Code::Image, "spec.clusters[0].image.lookup.baseOS"),
        ),
        (
            "lookup base os empty",
            lookup_case(r#"{org: "123456789012", baseOS: ""}"#),
            Want::Error(Code::Image, "spec.clusters[0].image.lookup.baseOS"),
        ),
        (
            "lookup unknown variable",
            lookup_case(r#"{org: "123456789012", format: "capa-ami-{{.Region}}-*"}"#),
            Want::ErrorSaying(
                Code::Image,
                "spec.clusters[0].image.lookup.format",
                "{{.Region}}",
            ),
        ),
        (
            "lookup unbalanced format",
            lookup_case(r#"{org: "123456789012", format: "capa-ami-{{.BaseOS-*"}"#),
            Want::ErrorSaying(
                Code::Image,
                "spec.clusters[0].image.lookup.format",
                "unbalanced",
            ),
        ),
        (
            "lookup empty format",
            lookup_case(r#"{org: "123456789012", format: ""}"#),
            Want::Error(Code::Image, "spec.clusters[0].image.lookup.format"),
        ),
        (
            "empty image warns",
            variant(&[("provider: capa", "provider: capa\n      image: {}")]),
            Want::Warning(Code::Warning, "spec.clusters[0].image"),
        ),
        (
            "lookup on eks",
            variant(&[
                (
                    "provider: capa",
                    r#"provider: eks
      image: {lookup: {org: "123456789012"}}"#,
                ),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
            ]),
            Want::ErrorSaying(Code::Provider, "spec.clusters[0].image", "amiType"),
        ),
        (
            "old management cluster",
            variant(&[
                ("provider: capa", "provider: capa\n      management: true"),
                ("v1.30.4", "v1.31.1"),
            ]),
            Want::Warning(Code::Version, "spec.clusters[0].kubernetesVersion"),
        ),
        (
            "image on eks",
            variant(&[
                (
                    "provider: capa",
                    "provider: eks\n      image: {ami: ami-0123456789abcdef0}",
                ),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
            ]),
            Want::Error(Code::Provider, "spec.clusters[0].image"),
        ),
        (
            "even control plane",
            variant(&[(
                "replicas: 3\n        instanceType: m5.large",
                "replicas: 2\n        instanceType: m5.large",
            )]),
            Want::ErrorSaying(
                Code::Replicas,
                "spec.clusters[0].controlPlane.replicas",
                "2 is even; etcd needs an odd number of members (1, 3 or 5)",
            ),
        ),
        (
            "zero control plane",
            variant(&[(
                "replicas: 3\n        instanceType: m5.large",
                "replicas: 0\n        instanceType: m5.large",
            )]),
            Want::Error(Code::Replicas, "spec.clusters[0].controlPlane.replicas"),
        ),
        (
            "seven control plane",
            variant(&[(
                "replicas: 3\n        instanceType: m5.large",
                "replicas: 7\n        instanceType: m5.large",
            )]),
            Want::Error(Code::Replicas, "spec.clusters[0].controlPlane.replicas"),
        ),
        (
            "five control plane",
            variant(&[(
                "replicas: 3\n        instanceType: m5.large",
                "replicas: 5\n        instanceType: m5.large",
            )]),
            Want::Clean,
        ),
        (
            "control plane on eks",
            variant(&[("provider: capa", "provider: eks")]),
            Want::Error(Code::Provider, "spec.clusters[0].controlPlane"),
        ),
        (
            "eks without control plane",
            variant(&[
                ("provider: capa", "provider: eks"),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
            ]),
            Want::Clean,
        ),
        (
            "capa without control plane",
            variant(&[(
                "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                "",
            )]),
            Want::Error(Code::MissingField, "spec.clusters[0].controlPlane"),
        ),
        (
            "management on eks",
            variant(&[
                ("provider: capa", "provider: eks\n      management: true"),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "",
                ),
            ]),
            Want::Error(Code::Provider, "spec.clusters[0].management"),
        ),
        (
            "two management clusters",
            with_cluster(
                &SECOND_CLUSTER.replace("provider: capa", "provider: capa\n      management: true"),
            )
            .replacen(
                "provider: capa",
                "provider: capa\n      management: true",
                1,
            ),
            Want::ErrorSaying(
                Code::Management,
                "spec.clusters[1].management",
                "spec.clusters[0]",
            ),
        ),
        (
            "workspaces without management",
            with_section("  workspaces: [{name: production}]\n", &[]),
            Want::Error(Code::Management, "spec.workspaces"),
        ),
        (
            "workspaces with management",
            with_section(
                "  workspaces: [{name: production}]\n",
                &[(
                    "capa\n",
                    "capa\n      management: true\n      workspace: production\n",
                )],
            ),
            Want::Clean,
        ),
        (
            "unknown workspace",
            with_section(
                "  workspaces: [{name: production}]\n",
                &[(
                    "capa\n",
                    "capa\n      management: true\n      workspace: prodution\n",
                )],
            ),
            Want::ErrorSaying(
                Code::Reference,
                "spec.clusters[0].workspace",
                "did you mean `production`",
            ),
        ),
        (
            "kops without state store",
            variant(&[("provider: capa", "provider: kops")]),
            Want::ErrorSaying(
                Code::MissingField,
                "spec.clusters[0].kops.stateStore",
                "kops",
            ),
        ),
        (
            "kops bad bucket",
            variant(&[(
                "provider: capa",
                "provider: kops\n      kops: {stateStore: 's3://My_Bucket'}",
            )]),
            Want::Error(Code::Format, "spec.clusters[0].kops.stateStore"),
        ),
        (
            "kops not s3",
            variant(&[(
                "provider: capa",
                "provider: kops\n      kops: {stateStore: 'gs://bucket'}",
            )]),
            Want::Error(Code::Format, "spec.clusters[0].kops.stateStore"),
        ),
        (
            "kops good",
            variant(&[
                (
                    "provider: capa",
                    "provider: kops\n      kops: {stateStore: 's3://demo-kops-state/clusters'}",
                ),
                ("v1.30.4", "v1.34.1"),
            ]),
            Want::Clean,
        ),
        (
            "kops on capa",
            variant(&[(
                "provider: capa",
                "provider: capa\n      kops: {stateStore: 's3://demo-kops-state'}",
            )]),
            Want::Error(Code::Provider, "spec.clusters[0].kops"),
        ),
        (
            "no clusters",
            variant(&[("  clusters:\n", "  clusters: []\n  x:\n")])
                .split("  x:\n")
                .next()
                .unwrap_or_default()
                .to_string(),
            Want::Error(Code::Range, "spec.clusters"),
        ),
    ]);
}

#[test]
fn network() {
    let net = |lines: &str| {
        variant(&[(
            "      controlPlane:\n",
            &format!("      network:\n{lines}      controlPlane:\n"),
        )])
    };
    let vpc = "        existingVPC:\n          id: vpc-0a1b2c3d4e5f67890\n          cidr: 10.20.0.0/16\n          privateSubnets:\n            eu-central-1a: subnet-0aaa1111bbbb2222c\n            eu-central-1b: subnet-0aaa1111bbbb2222d\n            eu-central-1c: subnet-0aaa1111bbbb2222e\n";
    let pool_rr = "        - {name: rr, instanceType: m5.large, replicas: 3}\n";
    run_cases(&[
        (
            "pod overlaps default service",
            net("        podCIDR: 10.96.0.0/16\n"),
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[0].network.podCIDR",
                "serviceCIDR 10.96.0.0/12 (the default)",
            ),
        ),
        (
            "host bits",
            net("        serviceCIDR: 10.96.0.1/12\n"),
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[0].network.serviceCIDR",
                "did you mean 10.96.0.0/12?",
            ),
        ),
        (
            "invalid octet",
            net("        podCIDR: 300.1.0.0/16\n"),
            Want::Error(Code::Cidr, "spec.clusters[0].network.podCIDR"),
        ),
        (
            "ipv6",
            net("        podCIDR: 'fd00::/64'\n"),
            Want::ErrorSaying(Code::Cidr, "spec.clusters[0].network.podCIDR", "IPv4"),
        ),
        (
            "service too large",
            net("        serviceCIDR: 10.0.0.0/8\n"),
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[0].network.serviceCIDR",
                "must be >= 12",
            ),
        ),
        (
            "service overlaps a declared VPC",
            net("        serviceCIDR: 10.0.0.0/16\n        vpcCIDR: 10.0.0.0/16\n"),
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[0].network.serviceCIDR",
                "VPC CIDR 10.0.0.0/16",
            ),
        ),
        (
            "pod too small",
            net("        podCIDR: 192.168.0.0/25\n"),
            Want::Error(Code::Cidr, "spec.clusters[0].network.podCIDR"),
        ),
        (
            "good cidrs",
            net("        podCIDR: 192.168.0.0/16\n        serviceCIDR: 10.96.0.0/12\n"),
            Want::Clean,
        ),
        ("existing VPC", net(vpc), Want::Clean),
        (
            "pod overlaps VPC",
            net(&format!("        podCIDR: 10.20.0.0/16\n{vpc}")),
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[0].network.podCIDR",
                "VPC CIDR 10.20.0.0/16",
            ),
        ),
        (
            "bad vpc id",
            net(&vpc.replace("vpc-0a1b2c3d4e5f67890", "vpc-1")),
            Want::Error(Code::Vpc, "spec.clusters[0].network.existingVPC.id"),
        ),
        (
            "bad subnet id",
            net(&vpc.replace("subnet-0aaa1111bbbb2222d", "subnet-xyz")),
            Want::Error(
                Code::Vpc,
                "spec.clusters[0].network.existingVPC.privateSubnets.eu-central-1b",
            ),
        ),
        (
            "zone without subnet",
            net(&vpc.replace("            eu-central-1c: subnet-0aaa1111bbbb2222e\n", "")),
            Want::ErrorSaying(
                Code::Vpc,
                "spec.clusters[0].network.existingVPC.privateSubnets",
                "eu-central-1c",
            ),
        ),
        (
            "subnet of another zone",
            net(&vpc.replace("eu-central-1c: subnet", "eu-central-1d: subnet")),
            Want::Error(
                Code::Vpc,
                "spec.clusters[0].network.existingVPC.privateSubnets.eu-central-1d",
            ),
        ),
        (
            "vpc too large",
            net(&vpc.replace("10.20.0.0/16", "10.0.0.0/8")),
            Want::Error(Code::Cidr, "spec.clusters[0].network.existingVPC.cidr"),
        ),
        (
            "route reflectors",
            with_pool_and_net(
                pool_rr,
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 64512}\n",
            ),
            Want::Clean,
        ),
        (
            "reflector pool missing",
            with_pool_and_net(
                "",
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 64512}\n",
            ),
            Want::Error(
                Code::Reference,
                "spec.clusters[0].network.calico.routeReflectors.nodePool",
            ),
        ),
        (
            "reflector pool of one",
            with_pool_and_net(
                &pool_rr.replace("replicas: 3", "replicas: 1"),
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 64512}\n",
            ),
            Want::Error(
                Code::Replicas,
                "spec.clusters[0].network.calico.routeReflectors.nodePool",
            ),
        ),
        (
            "reflector autoscaling min 1",
            with_pool_and_net(
                "        - {name: rr, instanceType: m5.large, autoscaling: {min: 1, max: 3}}\n",
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 64512}\n",
            ),
            Want::Error(
                Code::Replicas,
                "spec.clusters[0].network.calico.routeReflectors.nodePool",
            ),
        ),
        (
            "cluster id",
            with_pool_and_net(
                pool_rr,
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0, asNumber: 64512}\n",
            ),
            Want::Error(
                Code::Format,
                "spec.clusters[0].network.calico.routeReflectors.clusterID",
            ),
        ),
        (
            "as 0",
            with_pool_and_net(
                pool_rr,
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 0}\n",
            ),
            Want::Error(
                Code::Range,
                "spec.clusters[0].network.calico.routeReflectors.asNumber",
            ),
        ),
        (
            "as too large",
            with_pool_and_net(
                pool_rr,
                "        calico:\n          routeReflectors: {nodePool: rr, clusterID: 244.0.0.1, asNumber: 4294967296}\n",
            ),
            Want::Error(
                Code::Range,
                "spec.clusters[0].network.calico.routeReflectors.asNumber",
            ),
        ),
        (
            "reflectors on eks",
            variant(&[
                ("provider: capa", "provider: eks"),
                (
                    "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "      network:\n        calico:\n          routeReflectors: {nodePool: workers, clusterID: 244.0.0.1, asNumber: 64512}\n",
                ),
            ]),
            Want::Error(
                Code::Provider,
                "spec.clusters[0].network.calico.routeReflectors",
            ),
        ),
    ]);
}

fn with_pool_and_net(pool: &str, net: &str) -> String {
    variant(&[
        (
            "      controlPlane:\n",
            &format!("      network:\n{net}      controlPlane:\n"),
        ),
        (
            "          replicas: 3\n",
            &format!("          replicas: 3\n{pool}"),
        ),
    ])
}

#[test]
fn node_pools() {
    run_cases(&[
        (
            "both",
            with_pool("          autoscaling: {min: 1, max: 4}\n"),
            Want::Error(Code::Replicas, "spec.clusters[0].nodePools[0].autoscaling"),
        ),
        (
            "neither",
            variant(&[("          replicas: 3\n", "")]),
            Want::Error(Code::Replicas, "spec.clusters[0].nodePools[0]"),
        ),
        (
            "min > max",
            variant(&[(
                "          replicas: 3\n",
                "          autoscaling: {min: 5, max: 3}\n",
            )]),
            Want::Error(
                Code::Replicas,
                "spec.clusters[0].nodePools[0].autoscaling.min",
            ),
        ),
        (
            "max 0",
            variant(&[(
                "          replicas: 3\n",
                "          autoscaling: {min: 0, max: 0}\n",
            )]),
            Want::Error(
                Code::Replicas,
                "spec.clusters[0].nodePools[0].autoscaling.max",
            ),
        ),
        (
            "min negative",
            variant(&[(
                "          replicas: 3\n",
                "          autoscaling: {min: -1, max: 3}\n",
            )]),
            Want::Error(
                Code::Replicas,
                "spec.clusters[0].nodePools[0].autoscaling.min",
            ),
        ),
        (
            "min 0",
            variant(&[(
                "          replicas: 3\n",
                "          autoscaling: {min: 0, max: 3}\n",
            )]),
            Want::Clean,
        ),
        (
            "replicas 0",
            variant(&[("          replicas: 3\n", "          replicas: 0\n")]),
            Want::Clean,
        ),
        (
            "replicas negative",
            variant(&[("          replicas: 3\n", "          replicas: -1\n")]),
            Want::Error(Code::Replicas, "spec.clusters[0].nodePools[0].replicas"),
        ),
        (
            "taint key",
            with_pool("          taints: [{key: 'bad key', effect: NoSchedule}]\n"),
            Want::Error(Code::Taint, "spec.clusters[0].nodePools[0].taints[0].key"),
        ),
        (
            "duplicate taint",
            with_pool(
                "          taints: [{key: a, value: b, effect: NoSchedule}, {key: a, value: c, effect: NoSchedule}]\n",
            ),
            Want::Error(Code::Taint, "spec.clusters[0].nodePools[0].taints[1]"),
        ),
        (
            "good taints",
            with_pool(
                "          taints: [{key: example.com/gpu, value: 'true', effect: NoSchedule}, {key: a, effect: NoExecute}]\n",
            ),
            Want::Clean,
        ),
        (
            "node-role label",
            with_pool("          labels: {node-role.kubernetes.io/worker: ''}\n"),
            Want::ErrorSaying(
                Code::Label,
                "spec.clusters[0].nodePools[0].labels[\"node-role.kubernetes.io/worker\"]",
                "kubelet",
            ),
        ),
        (
            "kubernetes.io label",
            with_pool("          labels: {kubernetes.io/foo: bar}\n"),
            Want::Error(
                Code::Label,
                "spec.clusters[0].nodePools[0].labels[\"kubernetes.io/foo\"]",
            ),
        ),
        (
            "k8s.io label",
            with_pool("          labels: {x.k8s.io/foo: bar}\n"),
            Want::Error(
                Code::Label,
                "spec.clusters[0].nodePools[0].labels[\"x.k8s.io/foo\"]",
            ),
        ),
        (
            "kubelet-allowed labels",
            with_pool(
                "          labels: {node.kubernetes.io/role: worker, topology.kubernetes.io/zone: x, kubernetes.io/arch: amd64, sub.kubelet.kubernetes.io/a: b, team: sandbox, example.com/tier: web}\n",
            ),
            Want::Clean,
        ),
        (
            "label value",
            with_pool(&format!("          labels: {{team: {}}}\n", "v".repeat(64))),
            Want::Error(Code::Label, "spec.clusters[0].nodePools[0].labels.team"),
        ),
        (
            "instance type",
            variant(&[("instanceType: m5.xlarge", "instanceType: M5.XLarge")]),
            Want::ErrorSaying(
                Code::Format,
                "spec.clusters[0].nodePools[0].instanceType",
                "`m5.xlarge`",
            ),
        ),
        (
            "control plane instance type",
            variant(&[("instanceType: m5.large", "instanceType: large")]),
            Want::Error(Code::Format, "spec.clusters[0].controlPlane.instanceType"),
        ),
        (
            "instance types",
            with_pool(
                "        - {name: b, instanceType: m7i-flex.large, replicas: 1}\n        - {name: c, instanceType: u-6tb1.metal, replicas: 1}\n",
            ),
            Want::Clean,
        ),
        (
            "iops on gp2",
            with_pool("          rootVolume: {sizeGiB: 100, type: gp2, iops: 3000}\n"),
            Want::Error(
                Code::Volume,
                "spec.clusters[0].nodePools[0].rootVolume.iops",
            ),
        ),
        (
            "iops without type",
            with_pool("          rootVolume: {sizeGiB: 100, iops: 3000}\n"),
            Want::Error(
                Code::Volume,
                "spec.clusters[0].nodePools[0].rootVolume.iops",
            ),
        ),
        (
            "size 0",
            with_pool("          rootVolume: {sizeGiB: 0, type: gp3}\n"),
            Want::Error(
                Code::Volume,
                "spec.clusters[0].nodePools[0].rootVolume.sizeGiB",
            ),
        ),
        (
            "io1 ratio",
            with_pool("          rootVolume: {sizeGiB: 100, type: io1, iops: 10000}\n"),
            Want::Error(
                Code::Volume,
                "spec.clusters[0].nodePools[0].rootVolume.iops",
            ),
        ),
        (
            "gp3 iops",
            with_pool("          rootVolume: {sizeGiB: 100, type: gp3, iops: 6000}\n"),
            Want::Clean,
        ),
        (
            "io1 iops",
            with_pool("          rootVolume: {sizeGiB: 200, type: io1, iops: 3000}\n"),
            Want::Clean,
        ),
        (
            "pool zone elsewhere",
            with_pool("          availabilityZones: [us-east-1a]\n"),
            Want::Error(
                Code::Region,
                "spec.clusters[0].nodePools[0].availabilityZones[0]",
            ),
        ),
        (
            "pool zone outside cluster",
            variant(&[
                (
                    "[eu-central-1a, eu-central-1b, eu-central-1c]",
                    "[eu-central-1a, eu-central-1b]",
                ),
                (
                    "          replicas: 3\n",
                    "          replicas: 3\n          availabilityZones: [eu-central-1c]\n",
                ),
            ]),
            Want::ErrorSaying(
                Code::Region,
                "spec.clusters[0].nodePools[0].availabilityZones[0]",
                "not one of the cluster's",
            ),
        ),
        (
            "pool zone subset",
            with_pool("          availabilityZones: [eu-central-1a]\n"),
            Want::Clean,
        ),
    ]);
}

#[test]
fn platform() {
    let long = format!("{}.cloud", "a.".repeat(125));
    run_cases(&[
        (
            "underscore domain",
            variant(&[("domain: example.cloud", "domain: demo_example")]),
            Want::Error(Code::Dns, "spec.domain"),
        ),
        (
            "uppercase domain",
            variant(&[("domain: example.cloud", "domain: Demo.Example")]),
            Want::ErrorSaying(Code::Dns, "spec.domain", "`demo.example`"),
        ),
        (
            "placeholder domain",
            variant(&[("domain: example.cloud", "domain: YOUR_DOMAIN")]),
            Want::ErrorSaying(Code::Dns, "spec.domain", "placeholder"),
        ),
        (
            "long domain",
            variant(&[("domain: example.cloud", &format!("domain: {long}"))]),
            Want::Error(Code::Dns, "spec.domain"),
        ),
        (
            "dns without zone",
            with_section(
                "  dns: {provider: route53}\n",
                &[("    hostedZoneID: Z0ABCDEF123456\n", "")],
            ),
            Want::Error(Code::Dns, "spec.dns"),
        ),
        (
            "empty owner",
            with_section("  dns: {provider: route53, txtOwnerID: ''}\n", &[]),
            Want::Error(Code::Dns, "spec.dns.txtOwnerID"),
        ),
        (
            "filter outside domain",
            with_section(
                "  dns: {provider: route53, domainFilters: [other.cloud]}\n",
                &[],
            ),
            Want::Warning(Code::Dns, "spec.dns.domainFilters[0]"),
        ),
        (
            "good dns",
            with_section(
                "  dns: {provider: route53, policy: sync, txtOwnerID: 'kommander-{cluster}', domainFilters: [apps.example.cloud]}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "one owner on every cluster, adopting upsert-only",
            {
                let mut two = with_section(
                    "  dns: {provider: route53, policy: upsert-only, txtOwnerID: kommander}\n",
                    &[],
                );
                two.push_str(SECOND_CLUSTER);
                two
            },
            Want::Clean,
        ),
        (
            "one owner on every cluster with sync",
            {
                let mut two = with_section(
                    "  dns: {provider: route53, policy: sync, txtOwnerID: kommander}\n",
                    &[],
                );
                two.push_str(SECOND_CLUSTER);
                two
            },
            Want::ErrorSaying(Code::Dns, "spec.dns.txtOwnerID", "deletes the records"),
        ),
        (
            "a placeholder that is not one",
            with_section("  dns: {provider: route53, txtOwnerID: 'k-{name}'}\n", &[]),
            Want::Error(Code::Dns, "spec.dns.txtOwnerID"),
        ),
        (
            "terraform IAM without a backend",
            with_section("  iam: {format: terraform}\n", &[]),
            Want::ErrorSaying(Code::MissingField, "spec.iam.terraform", "S3 bucket"),
        ),
        (
            "both IAM without a lock table",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state}}\n",
                &[],
            ),
            Want::Error(Code::MissingField, "spec.iam.terraform.lockTable"),
        ),
        (
            "terraform IAM",
            with_section(
                "  iam: {format: terraform, terraform: {stateBucket: tf-state.example, stateKey: a/b.tfstate, lockTable: tf_lock-1.x, region: eu-west-1}}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "state bucket with uppercase",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: TF-State, lockTable: lock}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Aws, "spec.iam.terraform.stateBucket", "`T`"),
        ),
        (
            "state bucket as a URL",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: 's3://tf-state', lockTable: lock}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Aws, "spec.iam.terraform.stateBucket", "s3://"),
        ),
        (
            "reserved bucket suffix",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: state-s3alias, lockTable: lock}}\n",
                &[],
            ),
            Want::Error(Code::Aws, "spec.iam.terraform.stateBucket"),
        ),
        (
            "lock table with a space",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state, lockTable: 'my lock'}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Aws, "spec.iam.terraform.lockTable", "space"),
        ),
        (
            "short lock table",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state, lockTable: ab}}\n",
                &[],
            ),
            Want::Error(Code::Aws, "spec.iam.terraform.lockTable"),
        ),
        (
            "state key with a leading slash",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state, lockTable: lock, stateKey: /a.tfstate}}\n",
                &[],
            ),
            Want::Error(Code::Aws, "spec.iam.terraform.stateKey"),
        ),
        (
            "backend region of another partition",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state, lockTable: lock, region: us-gov-west-1}}\n",
                &[],
            ),
            Want::Error(Code::Partition, "spec.iam.terraform.region"),
        ),
        (
            "unknown backend region",
            with_section(
                "  iam: {format: both, terraform: {stateBucket: tf-state, lockTable: lock, region: eu-west-9}}\n",
                &[],
            ),
            Want::Error(Code::Region, "spec.iam.terraform.region"),
        ),
        (
            "terraform settings with cloudformation",
            with_section(
                "  iam: {format: cloudformation, terraform: {stateBucket: tf-state}}\n",
                &[],
            ),
            Want::Warning(Code::Warning, "spec.iam.terraform"),
        ),
        (
            "cloudformation IAM",
            with_section("  iam: {format: cloudformation}\n", &[]),
            Want::Clean,
        ),
        (
            "irsa without account",
            with_section(
                "  dns: {provider: route53}\n",
                &[("    accountID: \"123456789012\"\n", "")],
            ),
            Want::ErrorSaying(Code::MissingField, "spec.aws.accountID", "accountID"),
        ),
        (
            "dns01 without account",
            variant(&[
                ("    accountID: \"123456789012\"\n", ""),
                (
                    "email: ops@example.cloud",
                    "email: ops@example.cloud\n      solver: dns01-route53",
                ),
            ]),
            Want::Error(Code::MissingField, "spec.aws.accountID"),
        ),
        (
            // The EBS CSI driver add-on of an eks cluster assumes its role by ARN.
            "eks without account",
            variant(&[
                ("    accountID: \"123456789012\"\n", ""),
                (
                    "      provider: capa\n      kubernetesVersion: v1.30.4\n      availabilityZones: [eu-central-1a, eu-central-1b, eu-central-1c]\n      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n",
                    "      provider: eks\n      kubernetesVersion: v1.33.4\n      availabilityZones: [eu-central-1a, eu-central-1b, eu-central-1c]\n",
                ),
            ]),
            Want::ErrorSaying(Code::MissingField, "spec.aws.accountID", "EBS CSI"),
        ),
        (
            "node-role without account",
            with_section(
                "  dns: {provider: route53}\n  security: {workloadIdentity: node-role}\n",
                &[("    accountID: \"123456789012\"\n", "")],
            ),
            Want::ErrorSaying(Code::MissingField, "spec.aws.accountID", "node-role"),
        ),
        (
            "node-role",
            with_section(
                "  dns: {provider: route53}\n  security: {workloadIdentity: node-role}\n",
                &[],
            ),
            Want::Warning(Code::Warning, "spec.security.workloadIdentity"),
        ),
        (
            "scp-like git url",
            with_section(
                "  gitops: {flux: {url: 'git@github.com:org/repo.git'}}\n",
                &[],
            ),
            Want::ErrorSaying(
                Code::Gitops,
                "spec.gitops.flux.url",
                "ssh://git@github.com/org/repo.git",
            ),
        ),
        (
            "http git url",
            with_section(
                "  gitops: {flux: {url: 'http://git.example.cloud/r.git'}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.flux.url"),
        ),
        (
            "git path escapes",
            with_section(
                "  gitops: {flux: {url: 'https://git.example.cloud/r.git', path: ../x}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.flux.path"),
        ),
        (
            "git branch",
            with_section(
                "  gitops: {flux: {url: 'https://git.example.cloud/r.git', branch: 'a b'}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.flux.branch"),
        ),
        (
            "good gitops",
            with_section(
                "  gitops: {flux: {url: 'ssh://git@git.example.cloud/platform/rendered.git', branch: main, path: rendered, secretRef: {name: flux-git}}}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "flux and argocd both",
            with_section(
                "  gitops: {flux: {url: 'https://git.example.cloud/r.git'}, argocd: {url: 'https://git.example.cloud/r.git'}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Gitops, "spec.gitops.argocd", "one engine"),
        ),
        (
            "argocd scp-like url",
            with_section(
                "  gitops: {argocd: {url: 'git@github.com:org/repo.git'}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Gitops, "spec.gitops.argocd.url", "Argo CD"),
        ),
        (
            "argocd credentials in the url",
            with_section(
                "  gitops: {argocd: {url: 'https://bot@git.example.cloud/r.git'}}\n",
                &[],
            ),
            Want::ErrorSaying(Code::Gitops, "spec.gitops.argocd.url", "argocd repo add"),
        ),
        (
            "argocd path escapes",
            with_section(
                "  gitops: {argocd: {url: 'https://git.example.cloud/r.git', path: ../x}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.argocd.path"),
        ),
        (
            "argocd branch",
            with_section(
                "  gitops: {argocd: {url: 'https://git.example.cloud/r.git', branch: 'a b'}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.argocd.branch"),
        ),
        (
            "argocd project",
            with_section(
                "  gitops: {argocd: {url: 'https://git.example.cloud/r.git', project: Platform_Team}}\n",
                &[],
            ),
            Want::Error(Code::Gitops, "spec.gitops.argocd.project"),
        ),
        (
            "argocd unknown field",
            with_section(
                "  gitops: {argocd: {url: 'https://git.example.cloud/r.git', secretRef: {name: x}}}\n",
                &[],
            ),
            Want::Error(Code::UnknownField, "spec.gitops.argocd.secretRef"),
        ),
        (
            "good argocd",
            with_section(
                "  gitops: {argocd: {url: 'ssh://git@git.example.cloud/platform/rendered.git', branch: main, path: rendered, project: platform}}\n",
                &[],
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn certificates() {
    let eab = "\n      externalAccountBinding: {keyID: kid-1, keySecretRef: {name: acme-eab, key: hmacKey}}";
    run_cases(&[
        (
            "email placeholder",
            variant(&[("email: ops@example.cloud", "email: YOUR_EMAIL")]),
            Want::ErrorSaying(Code::Acme, "spec.certificates.acme.email", "placeholder"),
        ),
        (
            "email without at",
            variant(&[("email: ops@example.cloud", "email: ops")]),
            Want::Error(Code::Acme, "spec.certificates.acme.email"),
        ),
        (
            "example.com email",
            variant(&[("email: ops@example.cloud", "email: ops@example.com")]),
            Want::Error(Code::Acme, "spec.certificates.acme.email"),
        ),
        (
            "zerossl without eab",
            variant(&[("provider: letsencrypt", "provider: zerossl")]),
            Want::Error(Code::Acme, "spec.certificates.acme.externalAccountBinding"),
        ),
        (
            "sslcom without eab",
            variant(&[("provider: letsencrypt", "provider: sslcom-ecc")]),
            Want::Error(Code::Acme, "spec.certificates.acme.externalAccountBinding"),
        ),
        (
            "zerossl with eab",
            variant(&[
                ("provider: letsencrypt", "provider: zerossl"),
                (
                    "email: ops@example.cloud",
                    &format!("email: ops@example.cloud{eab}"),
                ),
            ]),
            Want::Clean,
        ),
        (
            "letsencrypt with eab",
            variant(&[(
                "email: ops@example.cloud",
                &format!("email: ops@example.cloud{eab}"),
            )]),
            Want::Error(Code::Acme, "spec.certificates.acme.externalAccountBinding"),
        ),
        (
            "custom without server",
            variant(&[("provider: letsencrypt", "provider: custom")]),
            Want::Error(Code::Acme, "spec.certificates.acme.server"),
        ),
        (
            "custom http server",
            variant(&[(
                "provider: letsencrypt",
                "provider: custom\n      server: http://acme.example.cloud/directory",
            )]),
            Want::Error(Code::Acme, "spec.certificates.acme.server"),
        ),
        (
            "custom https server",
            variant(&[(
                "provider: letsencrypt",
                "provider: custom\n      server: https://acme.example.cloud/directory",
            )]),
            Want::Clean,
        ),
        (
            "server for letsencrypt",
            variant(&[(
                "provider: letsencrypt",
                "provider: letsencrypt\n      server: https://acme.example.cloud/directory",
            )]),
            Want::Error(Code::Acme, "spec.certificates.acme.server"),
        ),
        (
            "dns01 without zone",
            variant(&[
                ("    hostedZoneID: Z0ABCDEF123456\n", ""),
                (
                    "email: ops@example.cloud",
                    "email: ops@example.cloud\n      solver: dns01-route53",
                ),
            ]),
            Want::Error(Code::Acme, "spec.certificates.acme.solver"),
        ),
        (
            "dns01 with zone",
            variant(&[(
                "email: ops@example.cloud",
                "email: ops@example.cloud\n      solver: dns01-route53",
            )]),
            Want::Clean,
        ),
    ]);
}

const OIDC: &str = "  identity:\n    oidc:\n      connector: {id: okta, name: Okta}\n      issuerURL: https://example.okta.com\n      clientID: platc\n      clientSecretRef: {name: dex-oidc, key: clientSecret}\n";

#[test]
fn identity() {
    run_cases(&[
        ("good oidc", with_section(OIDC, &[]), Want::Clean),
        (
            "http issuer",
            with_section(&OIDC.replace("https://example", "http://example"), &[]),
            Want::Error(Code::Identity, "spec.identity.oidc.issuerURL"),
        ),
        (
            "issuer query",
            with_section(&OIDC.replace("okta.com\n", "okta.com/?a=b\n"), &[]),
            Want::Error(Code::Identity, "spec.identity.oidc.issuerURL"),
        ),
        (
            "issuer fragment",
            with_section(&OIDC.replace("okta.com\n", "okta.com/#x\n"), &[]),
            Want::Error(Code::Identity, "spec.identity.oidc.issuerURL"),
        ),
        (
            "connector id",
            with_section(&OIDC.replace("id: okta", "id: Okta_1"), &[]),
            Want::Error(Code::Identity, "spec.identity.oidc.connector.id"),
        ),
        (
            "scopes without openid",
            with_section(&format!("{OIDC}      scopes: [email]\n"), &[]),
            Want::Error(Code::Identity, "spec.identity.oidc.scopes"),
        ),
        (
            "skip verification",
            with_section(
                &format!("{OIDC}      insecureSkipEmailVerified: true\n"),
                &[],
            ),
            Want::Warning(
                Code::Warning,
                "spec.identity.oidc.insecureSkipEmailVerified",
            ),
        ),
    ]);
}

#[test]
fn registries() {
    let mirror = "  registries:\n    mirrors:\n      - {upstream: docker.io, endpoint: 'https://mirror.example.cloud'}\n";
    run_cases(&[
        ("good mirror", with_section(mirror, &[]), Want::Clean),
        (
            "upstream url",
            with_section(
                &mirror.replace("upstream: docker.io", "upstream: 'https://docker.io'"),
                &[],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.mirrors[0].upstream",
                "`docker.io`",
            ),
        ),
        (
            "duplicate upstream",
            with_section(
                &format!(
                    "{mirror}      - {{upstream: docker.io, endpoint: 'https://m2.example.cloud'}}\n"
                ),
                &[],
            ),
            Want::Error(Code::Registry, "spec.registries.mirrors[1].upstream"),
        ),
        (
            "http endpoint",
            with_section(&mirror.replace("https://mirror", "http://mirror"), &[]),
            Want::Error(Code::Registry, "spec.registries.mirrors[0].endpoint"),
        ),
        (
            "user in endpoint",
            with_section(&mirror.replace("https://mirror", "https://bob@mirror"), &[]),
            Want::Error(Code::Registry, "spec.registries.mirrors[0].endpoint"),
        ),
        (
            "source without slash",
            with_section(
                "  registries: {allowedImageSources: [registry.k8s.io]}\n  security: {policyEngine: kyverno}\n",
                &[],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.allowedImageSources[0]",
                "registry.k8s.io.evil.com",
            ),
        ),
        (
            "star source",
            with_section(
                "  registries: {allowedImageSources: ['*']}\n  security: {policyEngine: kyverno}\n",
                &[],
            ),
            Want::Error(Code::Registry, "spec.registries.allowedImageSources[0]"),
        ),
        (
            "wildcard in a source path",
            with_section(
                "  registries: {allowedImageSources: ['ghcr.io/org/*']}\n  security: {policyEngine: kyverno}\n",
                &[],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.allowedImageSources[0]",
                "no image reference has",
            ),
        ),
        (
            "two credential Secrets",
            with_section(
                "  registries:\n    mirrors:\n      - {upstream: docker.io, endpoint: 'https://a.example.cloud', credentialsRef: {name: a, key: .dockerconfigjson}}\n      - {upstream: quay.io, endpoint: 'https://b.example.cloud', credentialsRef: {name: b, key: .dockerconfigjson}}\n",
                &[],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.mirrors[1].credentialsRef",
                "one registry credentials file",
            ),
        ),
        (
            "one credential Secret for two mirrors",
            with_section(
                "  registries:\n    mirrors:\n      - {upstream: docker.io, endpoint: 'https://a.example.cloud', credentialsRef: {name: a, key: .dockerconfigjson}}\n      - {upstream: quay.io, endpoint: 'https://b.example.cloud', credentialsRef: {name: a, key: .dockerconfigjson}}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "harbor projects for two upstreams on one host",
            with_section(
                "  registries:\n    mirrors:\n      - {upstream: docker.io, endpoint: 'https://harbor.example.cloud', path: /v2/dockerhub-proxy}\n      - {upstream: quay.io, endpoint: 'https://harbor.example.cloud', path: /v2/quay-proxy}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "mirror path without the API root",
            with_section(
                &mirror.replace(
                    "'https://mirror.example.cloud'",
                    "'https://mirror.example.cloud', path: /dockerhub-proxy",
                ),
                &[],
            ),
            Want::ErrorSaying(Code::Registry, "spec.registries.mirrors[0].path", "`/v2/`"),
        ),
        (
            "mirror path and an endpoint with a path",
            with_section(
                &mirror.replace(
                    "'https://mirror.example.cloud'",
                    "'https://mirror.example.cloud/harbor', path: /v2/dockerhub-proxy",
                ),
                &[],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.mirrors[0].endpoint",
                "also sets `path`",
            ),
        ),
        (
            "mirror path with a kops cluster",
            with_section(
                &mirror.replace(
                    "'https://mirror.example.cloud'",
                    "'https://mirror.example.cloud', path: /v2/dockerhub-proxy",
                ),
                &[(
                    "provider: capa",
                    "provider: kops\n      kops: {stateStore: 's3://demo-kops-state'}",
                )],
            ),
            Want::ErrorSaying(
                Code::Registry,
                "spec.registries.mirrors[0].path",
                "override_path",
            ),
        ),
        (
            "kyverno without sources",
            with_section("  security: {policyEngine: kyverno}\n", &[]),
            Want::Error(Code::Registry, "spec.security.policyEngine"),
        ),
        (
            "sources without engine",
            with_section(
                "  registries: {allowedImageSources: [registry.k8s.io/]}\n",
                &[],
            ),
            Want::Warning(Code::Registry, "spec.registries.allowedImageSources"),
        ),
        (
            "good sources",
            with_section(
                "  registries: {allowedImageSources: [registry.k8s.io/, 'localhost:5000/', ghcr.io/org/]}\n  security: {policyEngine: kyverno}\n",
                &[],
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn security() {
    let workspaces = "  workspaces: [{name: production}]\n";
    run_cases(&[
        (
            "audit weaker",
            with_section(
                "  security: {podSecurity: {enforce: restricted, audit: baseline}}\n",
                &[],
            ),
            Want::Warning(Code::Security, "spec.security.podSecurity.audit"),
        ),
        (
            "warn weaker",
            with_section(
                "  security: {podSecurity: {enforce: baseline, warn: privileged}}\n",
                &[],
            ),
            Want::Warning(Code::Security, "spec.security.podSecurity.warn"),
        ),
        (
            "workspace exempt",
            with_section(
                &format!(
                    "{workspaces}  security: {{podSecurity: {{enforce: baseline, exemptNamespaces: [kube-system, production]}}}}\n"
                ),
                &[("capa\n", "capa\n      management: true\n")],
            ),
            Want::Warning(
                Code::Security,
                "spec.security.podSecurity.exemptNamespaces[1]",
            ),
        ),
        (
            "audit max age 0",
            with_section(
                "  security: {auditLog: {enabled: true, maxAgeDays: 0}}\n",
                &[],
            ),
            Want::Error(Code::Security, "spec.security.auditLog.maxAgeDays"),
        ),
        (
            "audit backups negative",
            with_section(
                "  security: {auditLog: {enabled: true, maxBackups: -1}}\n",
                &[],
            ),
            Want::Error(Code::Security, "spec.security.auditLog.maxBackups"),
        ),
        (
            "audit disabled",
            with_section(
                "  security: {auditLog: {enabled: false, maxAgeDays: 0}}\n",
                &[],
            ),
            Want::Clean,
        ),
        (
            "policy escapes",
            with_section(
                "  security: {auditLog: {enabled: true, policy: ../../etc/audit.yaml}}\n",
                &[],
            ),
            Want::Error(Code::Path, "spec.security.auditLog.policy"),
        ),
        (
            "policy absolute",
            with_section(
                "  security: {auditLog: {enabled: true, policy: /etc/audit.yaml}}\n",
                &[],
            ),
            Want::Error(Code::Path, "spec.security.auditLog.policy"),
        ),
        (
            "policy beside",
            with_section(
                "  security: {auditLog: {enabled: true, maxAgeDays: 30, policy: audit/policy.yaml}}\n",
                &[],
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn access() {
    let base = |entries: &str| {
        with_section(
            &format!("{OIDC}  workspaces: [{{name: production}}]\n  access:\n{entries}"),
            &[("capa\n", "capa\n      management: true\n")],
        )
    };
    run_cases(&[
        (
            "good",
            base(
                "    - {name: admins, groups: [platform-admins], role: cluster-admin}\n    - {name: devs, users: [dev@example.cloud], workspaces: {production: edit}}\n",
            ),
            Want::Clean,
        ),
        (
            "role and workspaces",
            base(
                "    - {name: a, groups: [g], role: cluster-admin, workspaces: {production: view}}\n",
            ),
            Want::Error(Code::Access, "spec.access[0].workspaces"),
        ),
        (
            "neither",
            base("    - {name: a, groups: [g]}\n"),
            Want::Error(Code::Access, "spec.access[0]"),
        ),
        (
            "nobody",
            base("    - {name: a, role: cluster-admin}\n"),
            Want::Error(Code::Access, "spec.access[0]"),
        ),
        (
            "user not e-mail",
            base("    - {name: a, users: [bob], role: cluster-admin}\n"),
            Want::Error(Code::Access, "spec.access[0].users[0]"),
        ),
        (
            "unknown workspace",
            base("    - {name: a, groups: [g], workspaces: {prodution: view}}\n"),
            Want::ErrorSaying(
                Code::Reference,
                "spec.access[0].workspaces.prodution",
                "did you mean `production`",
            ),
        ),
    ]);
}

#[test]
fn monitoring() {
    let mon = |body: &str| with_section(&format!("  monitoring:\n{body}"), &[]);
    run_cases(&[
        (
            "pool typo",
            mon("    nodePool: workrs\n"),
            Want::ErrorSaying(
                Code::Monitoring,
                "spec.monitoring.nodePool",
                "did you mean `workers`",
            ),
        ),
        ("pool exists", mon("    nodePool: workers\n"), Want::Clean),
        (
            "pool in some clusters",
            with_cluster(&SECOND_CLUSTER.replace("name: workers", "name: general")).replacen(
                "  clusters:\n",
                "  monitoring: {nodePool: workers}\n  clusters:\n",
                1,
            ),
            Want::Warning(Code::Monitoring, "spec.monitoring.nodePool"),
        ),
        (
            "storage GB",
            mon("    prometheus: {storage: 100GB}\n"),
            Want::ErrorSaying(
                Code::Monitoring,
                "spec.monitoring.prometheus.storage",
                "`100Gi`",
            ),
        ),
        (
            "retention days",
            mon("    prometheus: {retention: 15days}\n"),
            Want::Error(Code::Monitoring, "spec.monitoring.prometheus.retention"),
        ),
        (
            "requests over limits",
            mon("    prometheus: {resources: {requests: {cpu: 2000m}, limits: {cpu: '1'}}}\n"),
            Want::Error(
                Code::Monitoring,
                "spec.monitoring.prometheus.resources.requests.cpu",
            ),
        ),
        (
            "unknown resource",
            mon("    prometheus: {resources: {requests: {cpus: '1'}}}\n"),
            Want::ErrorSaying(
                Code::Monitoring,
                "spec.monitoring.prometheus.resources.requests.cpus",
                "`cpu`",
            ),
        ),
        (
            "good prometheus",
            mon(
                "    prometheus: {retention: 15d, storage: 100Gi, resources: {requests: {cpu: 1000m, memory: 4000Mi}, limits: {cpu: 2000m, memory: 10922Mi}}}\n",
            ),
            Want::Clean,
        ),
    ]);
}

#[test]
fn overlays() {
    run_cases(&[
        (
            "escapes",
            with_section("  overlays: [{path: ../shared}]\n", &[]),
            Want::ErrorSaying(Code::Path, "spec.overlays[0].path", "leaves"),
        ),
        (
            "absolute",
            with_section("  overlays: [{path: /etc/overlay}]\n", &[]),
            Want::Error(Code::Path, "spec.overlays[0].path"),
        ),
        (
            "twice",
            with_section(
                "  overlays: [{path: overlays/a}, {path: overlays/a/}]\n",
                &[],
            ),
            Want::Error(Code::Path, "spec.overlays[1].path"),
        ),
        (
            "inside",
            with_section("  overlays: [{path: overlays/all-clusters}]\n", &[]),
            Want::Clean,
        ),
        (
            "cluster overlay escapes",
            variant(&[(
                "provider: capa",
                "provider: capa\n      overlays: [{path: ../x}]",
            )]),
            Want::Error(Code::Path, "spec.clusters[0].overlays[0].path"),
        ),
    ]);
}

#[test]
fn secrets() {
    let secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kP9vLm2";
    let cases = [
        (
            "key in a workspace description",
            with_section(
                "  workspaces: [{name: p, description: 'key AKIAQ3EGRVJ7MZNXP4WL here'}]\n",
                &[("capa\n", "capa\n      management: true\n")],
            ),
            "spec.workspaces[0].description",
            "AKIAQ3EGRVJ7MZNXP4WL",
        ),
        (
            "secret key shape",
            with_section(
                &format!("  tags:\n    awsSecretAccessKey: {secret_key}\n"),
                &[],
            ),
            "spec.tags.awsSecretAccessKey",
            secret_key,
        ),
        (
            "password literal",
            with_section("  tags:\n    db-password: s3cr3t-v4lue\n", &[]),
            "spec.tags.db-password",
            "s3cr3t-v4lue",
        ),
        (
            "openssh key",
            with_section(
                "  tags:\n    note: |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n      b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n      -----END OPENSSH PRIVATE KEY-----\n",
                &[],
            ),
            "spec.tags.note",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
        ),
        (
            "EAB HMAC key as a literal",
            variant(&[
                ("provider: letsencrypt", "provider: zerossl"),
                (
                    "email: ops@example.cloud",
                    "email: ops@example.cloud\n      externalAccountBinding: {keyID: kid-1, hmacKey: c2VjcmV0aG1hY2tleQ, keySecretRef: {name: eab, key: hmacKey}}",
                ),
            ]),
            "spec.certificates.acme.externalAccountBinding.hmacKey",
            "c2VjcmV0aG1hY2tleQ",
        ),
        (
            "password in a git url",
            with_section(
                "  gitops: {flux: {url: 'https://bot:t0ps3cret@git.example.cloud/r.git'}}\n",
                &[],
            ),
            "spec.gitops.flux.url",
            "t0ps3cret",
        ),
    ];
    for (name, text, path, secret) in &cases {
        let diags = diagnose("case.yaml", text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == Code::Secret && d.is_error() && d.path.as_deref() == Some(path)),
            "{name}: expected a secret error at {path}\n{}",
            rendered(&diags)
        );
        for d in &diags {
            let out = format!("{}{}", human(d, false), json_line(d));
            assert!(
                !out.contains(secret),
                "{name}: the secret is echoed:\n{out}"
            );
        }
    }
    // In a comment: no blueprint path, but the line.
    let text = VALID_BASE.replacen(
        "  clusters:\n",
        "  # deploy with AKIAQ3EGRVJ7MZNXP4WL\n  clusters:\n",
        1,
    );
    let diags = diagnose("case.yaml", &text);
    let out = rendered(&diags);
    assert!(
        out.contains("case.yaml:15:")
            && out.contains("comment")
            && !out.contains("AKIAQ3EGRVJ7MZNXP4WL"),
        "{out}"
    );
    // References and Secret names are not secrets; neither are IDs with known formats.
    let text = with_section(
        &format!(
            "{OIDC}  tags:\n    secretName: my-secret\n    build: 0123456789abcdef0123456789abcdef01234567\n"
        ),
        &[],
    );
    assert_case("references", &text, Want::Clean);
}

/// Issue 20 item 8: `clusters[].api` and `network.vpcCIDR`. A public endpoint needs its
/// sources, sources need a public endpoint, `0.0.0.0/0` is a warning where written; VPC
/// ranges of different clusters never overlap when one of them is written, and derived ones
/// only warn.
#[test]
fn api_exposure_and_vpc_ranges() {
    let api = |lines: &str| {
        variant(&[(
            "      controlPlane:\n",
            &format!("      api:\n{lines}      controlPlane:\n"),
        )])
    };
    let net = |lines: &str| {
        variant(&[(
            "      controlPlane:\n",
            &format!("      network:\n{lines}      controlPlane:\n"),
        )])
    };
    let second = |lines: &str| {
        with_cluster(&SECOND_CLUSTER.replace(
            "      controlPlane:",
            &format!("      network:\n{lines}      controlPlane:"),
        ))
    };
    let vpc = "        existingVPC:\n          id: vpc-0a1b2c3d4e5f67890\n          cidr: 10.20.0.0/16\n          privateSubnets:\n            eu-central-1a: subnet-0aaa1111bbbb2222c\n";
    run_cases(&[
        ("private by default", VALID_BASE.to_string(), Want::Clean),
        (
            "private, written",
            api("        endpoint: private\n"),
            Want::Clean,
        ),
        (
            "public with sources",
            api("        endpoint: public\n        allowedCIDRs: [203.0.113.0/24]\n"),
            Want::Clean,
        ),
        (
            "public without sources",
            api("        endpoint: public\n"),
            Want::ErrorSaying(
                Code::Security,
                "spec.clusters[0].api.endpoint",
                "no `allowedCIDRs`",
            ),
        ),
        (
            "sources without a public endpoint",
            api("        allowedCIDRs: [203.0.113.0/24]\n"),
            Want::Error(Code::Security, "spec.clusters[0].api.allowedCIDRs"),
        ),
        (
            "a source that is no CIDR",
            api("        endpoint: public\n        allowedCIDRs: [203.0.113.7]\n"),
            Want::Error(Code::Cidr, "spec.clusters[0].api.allowedCIDRs[0]"),
        ),
        (
            "the whole internet, written",
            api("        endpoint: public\n        allowedCIDRs: [0.0.0.0/0]\n"),
            Want::Warning(Code::Warning, "spec.clusters[0].api.allowedCIDRs[0]"),
        ),
        (
            "a private management cluster in a VPC CAPA creates",
            variant(&[("    - name: alpha\n", "    - name: alpha\n      management: true\n")]),
            Want::Warning(Code::Warning, "spec.clusters[0].management"),
        ),
        (
            "declared VPC",
            net("        vpcCIDR: 10.42.0.0/16\n"),
            Want::Clean,
        ),
        (
            "declared VPC too small for its subnets",
            net("        vpcCIDR: 10.42.0.0/24\n"),
            Want::ErrorSaying(Code::Cidr, "spec.clusters[0].network.vpcCIDR", "/23"),
        ),
        (
            "declared VPC larger than AWS allows",
            net("        vpcCIDR: 10.0.0.0/12\n"),
            Want::Error(Code::Cidr, "spec.clusters[0].network.vpcCIDR"),
        ),
        (
            "declared VPC with an existing VPC",
            net(&format!("{vpc}        vpcCIDR: 10.42.0.0/16\n")
                .replace("eu-central-1a: subnet-0aaa1111bbbb2222c\n", "eu-central-1a: subnet-0aaa1111bbbb2222c\n            eu-central-1b: subnet-0aaa1111bbbb2222d\n            eu-central-1c: subnet-0aaa1111bbbb2222e\n")),
            Want::Error(Code::Cidr, "spec.clusters[0].network.vpcCIDR"),
        ),
        (
            "two clusters, two derived ranges",
            with_cluster(SECOND_CLUSTER),
            Want::Clean,
        ),
        (
            "two declared VPCs overlap",
            {
                let text = second("        vpcCIDR: 10.42.0.0/16\n");
                text.replacen(
                    "      controlPlane:\n",
                    "      network:\n        vpcCIDR: 10.42.128.0/17\n      controlPlane:\n",
                    1,
                )
            },
            Want::ErrorSaying(
                Code::Cidr,
                "spec.clusters[1].network.vpcCIDR",
                "both contain 10.42.128.0/17",
            ),
        ),
        (
            "a declared VPC overlaps an existing one",
            {
                let text = second("        vpcCIDR: 10.20.0.0/16\n");
                text.replacen(
                    "      controlPlane:\n",
                    &format!("      network:\n{}      controlPlane:\n", vpc.replace("eu-central-1a: subnet-0aaa1111bbbb2222c\n", "eu-central-1a: subnet-0aaa1111bbbb2222c\n            eu-central-1b: subnet-0aaa1111bbbb2222d\n            eu-central-1c: subnet-0aaa1111bbbb2222e\n")),
                    1,
                )
            },
            Want::Error(Code::Cidr, "spec.clusters[1].network.vpcCIDR"),
        ),
        (
            "two derived ranges collide: a warning, the fleet still renders",
            with_cluster(&SECOND_CLUSTER.replace("- name: beta", "- name: c00080"))
                .replace("  name: minimal\n", "  name: fleet\n")
                .replace("    - name: alpha\n", "    - name: c00044\n"),
            Want::Warning(Code::Cidr, "spec.clusters[1].name"),
        ),
        (
            "a declared VPC on a derived one",
            second(&format!(
                "        vpcCIDR: {}\n",
                crate::resolve::network::derived_vpc_cidr(
                    "minimal",
                    "alpha",
                    &[
                        super::syntax::cidr(crate::resolve::DEFAULT_POD_CIDR).unwrap(),
                        super::syntax::cidr(crate::resolve::DEFAULT_SERVICE_CIDR).unwrap()
                    ]
                )
            )),
            Want::ErrorSaying(Code::Cidr, "spec.clusters[1].network.vpcCIDR", "derived"),
        ),
    ]);
}

/// `valid-base.yaml` with its cluster on kops, an eks cluster beside it, and `encryption`
/// as `spec.security.encryptionAtRest`.
fn with_encryption(encryption: &str, extra_cluster: &str) -> String {
    let mut text = variant(&[
        (
            "      provider: capa\n",
            "      provider: kops\n      kops: {stateStore: s3://state/clusters}\n      image: {ami: ami-0123456789abcdef0}\n",
        ),
        ("v1.30.4", "v1.34.2"),
        (
            "  clusters:\n",
            &format!("  security:\n    encryptionAtRest: {encryption}\n  clusters:\n"),
        ),
    ]);
    text.push_str(
        "    - name: ledger
      provider: eks
      kubernetesVersion: v1.33.4
      availabilityZones: [eu-central-1a, eu-central-1b]
      nodePools:
        - {name: general, instanceType: m6i.large, replicas: 2}
",
    );
    text.push_str(extra_cluster);
    text
}

#[test]
fn encryption_at_rest() {
    const KEY: &str =
        "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let path = "spec.security.encryptionAtRest";
    let arn = "spec.security.encryptionAtRest.kmsKeyARN";
    let generate = "spec.security.encryptionAtRest.generate";
    run_cases(&[
        (
            "a key ARN of the region",
            with_encryption(&format!("{{kmsKeyARN: \"{KEY}\"}}"), ""),
            Want::Clean,
        ),
        (
            "both",
            with_encryption(&format!("{{kmsKeyARN: \"{KEY}\", generate: true}}"), ""),
            Want::ErrorSaying(Code::Security, generate, "together"),
        ),
        (
            "neither",
            with_encryption("{generate: false}", ""),
            Want::ErrorSaying(Code::Security, path, "names no key"),
        ),
        (
            "generate is not built",
            with_encryption("{generate: true}", ""),
            Want::ErrorSaying(Code::Security, generate, "not built"),
        ),
        (
            "alias ARN",
            with_encryption(
                "{kmsKeyARN: \"arn:aws:kms:eu-central-1:123456789012:alias/cluster-api-provider-aws-k\"}",
                "",
            ),
            Want::ErrorSaying(Code::Security, arn, "alias ARN"),
        ),
        (
            "not an ARN",
            with_encryption("{kmsKeyARN: \"1234abcd-12ab-34cd-56ef-1234567890ab\"}", ""),
            Want::ErrorSaying(Code::Security, arn, "not an ARN"),
        ),
        (
            "another service",
            with_encryption(
                "{kmsKeyARN: \"arn:aws:s3:eu-central-1:123456789012:key/abc\"}",
                "",
            ),
            Want::ErrorSaying(Code::Security, arn, "not a KMS ARN"),
        ),
        (
            "another partition",
            with_encryption(
                &format!(
                    "{{kmsKeyARN: \"{}\"}}",
                    KEY.replace("arn:aws:", "arn:aws-us-gov:")
                ),
                "",
            ),
            Want::ErrorSaying(Code::Security, arn, "partition `aws-us-gov`"),
        ),
        (
            "another region",
            with_encryption(
                &format!(
                    "{{kmsKeyARN: \"{}\"}}",
                    KEY.replace("eu-central-1", "eu-west-1")
                ),
                "",
            ),
            Want::ErrorSaying(Code::Security, arn, "region `eu-west-1`"),
        ),
        (
            "a cluster of another region",
            with_encryption(
                &format!("{{kmsKeyARN: \"{KEY}\"}}"),
                "    - name: far
      provider: eks
      region: us-east-1
      kubernetesVersion: v1.33.4
      availabilityZones: [us-east-1a]
      nodePools:
        - {name: general, instanceType: m6i.large, replicas: 1}
",
            ),
            Want::ErrorSaying(Code::Security, arn, "cluster `far` in `us-east-1`"),
        ),
        (
            "a capa cluster too",
            with_encryption(&format!("{{kmsKeyARN: \"{KEY}\"}}"), SECOND_CLUSTER),
            Want::Clean,
        ),
    ]);
}
