//! The secrets gate, as a matrix: every secret shape × every place is refused with code
//! `secret`, and no diagnostic, in any format, prints the secret.
//!
//! Shapes: gitleaks' default rules (`config/gitleaks.toml`, tag v8.30.1) for GitHub
//! (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`), Google
//! (`AIza`), Stripe (`sk_live_`, `rk_live_`), Slack (webhooks and tokens), JWTs; AWS access
//! keys (AWS's documentation key too: the tree judge refuses it), a 40-character AWS secret
//! key under an innocent name, PEM and OpenSSH private keys, base64-encoded AWS keys and PEM
//! blocks, a password in a URL, a literal under a secret-ish key.
//!
//! Places: the blueprint (tags, workspace descriptions and display names, the OIDC client ID,
//! the Flux branch), the files read beside it (an overlay's labels, annotations and patches,
//! the audit policy) and a rendered file injected into the read-back gate. Each place is
//! first shown to reach the rendered tree with a harmless value, so a refusal is the gate's.

use platc::beside::Memory;
use platc::diag::render::{Format, render};
use platc::diag::{Code, Diagnostic};
use platc::generate::{Content, Output};
use platc::pipeline::{self, Input, output_gate};

struct Shape {
    name: &'static str,
    key: &'static str,
    value: &'static str,
    /// The part that must never be printed.
    secret: &'static str,
    /// Whether it is a secret under any name (not only under `key`).
    anywhere: bool,
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "AWS access key ID",
        key: "deployer",
        value: "AKIAQ3EGRVJ7MZNXP4WL",
        secret: "Q3EGRVJ7MZNXP4WL",
        anywhere: true,
    },
    Shape {
        name: "AWS documentation access key ID",
        key: "deployer",
        value: "AKIAIOSFODNN7EXAMPLE",
        secret: "AKIAIOSFODNN7EXAMPLE",
        anywhere: true,
    },
    Shape {
        name: "AWS secret key shape next to an AWS word",
        key: "aws-deploy",
        value: "Zk3mQ9vX2bR7tL5pW8nY4cH6jD1sF0gA3eK9uT2o",
        secret: "Zk3mQ9vX2bR7tL5pW8nY4cH6jD1sF0gA3eK9uT2o",
        // No `/` or `+`: under an ID field (the OIDC client ID) it may be an ID.
        anywhere: false,
    },
    Shape {
        name: "AWS secret key under an innocent name",
        key: "owner",
        value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kP9vLm2",
        secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kP9vLm2",
        anywhere: true,
    },
    Shape {
        name: "PEM private key",
        key: "cert",
        value: "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7c9fQ2kLmN8pR4sT6vW1yZ3bD5fH7jK9mP2rT4vX6zA8cE0gI\n-----END RSA PRIVATE KEY-----\n",
        secret: "MIIEowIBAAKCAQEAx7c9fQ2kLmN8pR4sT6vW1yZ3bD5fH7jK9mP2rT4vX6zA8cE0gI",
        anywhere: true,
    },
    Shape {
        name: "OpenSSH private key",
        key: "ssh",
        value: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n",
        secret: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        anywhere: true,
    },
    Shape {
        name: "password in a URL",
        key: "mirror",
        value: "https://robot:s3cr3tPassw0rd@mirror.example.cloud/v2",
        secret: "s3cr3tPassw0rd",
        anywhere: true,
    },
    Shape {
        name: "literal under a secret-ish key",
        key: "password",
        value: "hunter2hunter2",
        secret: "hunter2hunter2",
        anywhere: false,
    },
    Shape {
        name: "GitHub personal access token",
        key: "ci",
        value: "ghp_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        secret: "R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        anywhere: true,
    },
    Shape {
        name: "GitHub OAuth token",
        key: "ci",
        value: "gho_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        secret: "R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        anywhere: true,
    },
    Shape {
        name: "GitHub user-to-server token",
        key: "ci",
        value: "ghu_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        secret: "R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        anywhere: true,
    },
    Shape {
        name: "GitHub server-to-server token",
        key: "ci",
        value: "ghs_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        secret: "R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        anywhere: true,
    },
    Shape {
        name: "GitHub refresh token",
        key: "ci",
        value: "ghr_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        secret: "R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe",
        anywhere: true,
    },
    Shape {
        name: "GitHub fine-grained token",
        key: "ci",
        value: "github_pat_11ABCDEFG0R8x2Kq7Lm4Np9_Vt3Wz6Yb1Cd5Fg0Hj8Ks2QeR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe1a2b3",
        secret: "11ABCDEFG0R8x2Kq7Lm4Np9_Vt3Wz6Yb1Cd5Fg0Hj8Ks2QeR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe1a2b3",
        anywhere: true,
    },
    Shape {
        name: "GitLab personal access token",
        key: "ci",
        value: "glpat-Xq7Lm4Np9Vt3Wz6Yb1Cd",
        secret: "Xq7Lm4Np9Vt3Wz6Yb1Cd",
        anywhere: true,
    },
    Shape {
        name: "Google API key",
        key: "maps",
        value: "AIzaSyR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Kw",
        secret: "SyR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Kw",
        anywhere: true,
    },
    Shape {
        name: "Stripe secret key",
        key: "billing",
        value: "sk_live_51Hx8Kq7Lm4Np9Vt3Wz6Yb1Cd5",
        secret: "51Hx8Kq7Lm4Np9Vt3Wz6Yb1Cd5",
        anywhere: true,
    },
    Shape {
        name: "Stripe restricted key",
        key: "billing",
        value: "rk_live_51Hx8Kq7Lm4Np9Vt3Wz6Yb1Cd5",
        secret: "51Hx8Kq7Lm4Np9Vt3Wz6Yb1Cd5",
        anywhere: true,
    },
    Shape {
        name: "Slack webhook",
        key: "alerts",
        value: "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
        secret: "T01ABCDEF/B02GHIJKL/Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
        anywhere: true,
    },
    Shape {
        name: "Slack bot token",
        key: "alerts",
        value: "xoxb-1234567890-1234567890123-Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
        secret: "1234567890123-Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
        anywhere: true,
    },
    Shape {
        name: "JSON Web Token",
        key: "session",
        value: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        secret: "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
        anywhere: true,
    },
    Shape {
        // base64 of `AKIAQ3EGRVJ7MZNXP4WL`.
        name: "base64 AWS access key ID",
        key: "blob",
        value: "QUtJQVEzRUdSVko3TVpOWFA0V0w=",
        secret: "QUtJQVEzRUdSVko3TVpOWFA0V0w",
        anywhere: true,
    },
    Shape {
        // base64 of the PEM private key above.
        name: "base64 PEM private key",
        key: "blob",
        value: "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBeDdjOWZRMmtMbU44cFI0c1Q2dlcxeVozYkQ1Zkg3aks5bVAyclQ0dlg2ekE4Y0UwZ0kKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K",
        secret: "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBeDdjOWZRMmtMbU44cFI0c1Q2dlcxeVozYkQ1Zkg3aks5bVAyclQ0dlg2ekE4Y0UwZ0kKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K",
        anywhere: true,
    },
];

/// `key: value` as YAML at `indent` spaces (a block scalar for several lines).
fn entry(indent: usize, key: &str, value: &str) -> String {
    let pad = " ".repeat(indent);
    if value.contains('\n') {
        let body: String = value.lines().map(|l| format!("{pad}  {l}\n")).collect();
        format!("{pad}{key}: |\n{body}")
    } else {
        format!("{pad}{key}: \"{value}\"\n")
    }
}

const BLUEPRINT: &str = include_str!("data/bad-inputs/valid-base.yaml");

fn assert_refused(place: &str, shape: &Shape, diags: &[Diagnostic]) {
    assert!(
        diags.iter().any(|d| d.code == Code::Secret),
        "{place} / {}: not refused as a secret: {:?}",
        shape.name,
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    for d in diags {
        for (format, color) in [
            (Format::Human, false),
            (Format::Human, true),
            (Format::Json, false),
            (Format::Github, false),
        ] {
            let text = render(d, format, color);
            assert!(
                !text.contains(shape.secret),
                "{place} / {}: printed in {format:?}:\n{text}",
                shape.name
            );
        }
    }
}

fn compile(blueprint: String, beside: &Memory) -> Vec<Diagnostic> {
    let input = Input {
        display_name: "bp/platform.yaml".into(),
        file_name: "platform.yaml".into(),
        bytes: blueprint.into_bytes(),
    };
    match pipeline::compile(&input, beside) {
        Ok(_) => Vec::new(),
        Err(d) => d.into_iter().collect(),
    }
}

#[test]
fn in_the_blueprint() {
    for shape in SHAPES {
        let tags = format!("  tags:\n{}", entry(4, shape.key, shape.value));
        let text = BLUEPRINT.replacen("spec:\n", &format!("spec:\n{tags}"), 1);
        assert_refused("blueprint", shape, &compile(text, &Memory::new()));
    }
}

#[test]
fn in_an_overlay() {
    for shape in SHAPES {
        let kustomization = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncommonAnnotations:\n{}",
            entry(2, shape.key, shape.value)
        );
        let beside = Memory::new().with("overlays/all/kustomization.yaml", kustomization);
        let text = format!("{BLUEPRINT}  overlays:\n    - path: overlays/all\n");
        assert_refused("overlay", shape, &compile(text, &beside));
        // A patch file, not only the kustomization.
        let beside = Memory::new()
            .with(
                "overlays/all/kustomization.yaml",
                "patches:\n  - path: cm.yaml\n    target: {kind: Cluster}\n",
            )
            .with(
                "overlays/all/cm.yaml",
                format!(
                    "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: any\n  annotations:\n{}",
                    entry(4, shape.key, shape.value)
                ),
            );
        let text = format!("{BLUEPRINT}  overlays:\n    - path: overlays/all\n");
        assert_refused("overlay patch", shape, &compile(text, &beside));
    }
}

#[test]
fn in_a_rendered_file() {
    for shape in SHAPES {
        // Injected: what a generator bug would hand the writer.
        let object = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "leak"},
            "data": {shape.key: shape.value},
        });
        let mut output = Output::new();
        output
            .add(
                "clusters/a/addons/leak.yaml",
                "test",
                Content::Objects(vec![object]),
            )
            .unwrap();
        output
            .add(
                "README.md",
                "test",
                Content::Text(format!("# tree\n\n{}: {}\n", shape.key, shape.value)),
            )
            .unwrap();
        let tree = platc::emit::emit(&output, "platform.yaml").unwrap();
        let found = output_gate::check(&output, &tree);
        assert_refused("rendered YAML", shape, &found);
        assert!(
            found.iter().any(|d| d
                .location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("leak.yaml"))),
            "{}: the YAML file is named",
            shape.name
        );
    }
}

/// The reference blueprint with a marker in each place a user string reaches the tree.
const REFERENCE: &str = include_str!("../blueprints/reference.yaml");

/// A place in the blueprint or beside it: the line of the reference blueprint (or of a file
/// beside it) that the value replaces, and a harmless marker that must reach the tree.
struct Place {
    name: &'static str,
    /// `(file, text, replacement)`: `@` in the replacement is the value, as a YAML string.
    edit: (&'static str, &'static str, &'static str),
    marker: &'static str,
}

const PLACES: &[Place] = &[
    Place {
        name: "tag",
        edit: (
            "platform.yaml",
            "    owner: platform-team\n",
            "    owner: @\n",
        ),
        marker: "tagmarker",
    },
    Place {
        name: "workspace description",
        edit: (
            "platform.yaml",
            "      description: Production workspace\n",
            "      description: @\n",
        ),
        marker: "descmarker",
    },
    Place {
        name: "workspace display name",
        edit: (
            "platform.yaml",
            "      displayName: Production\n",
            "      displayName: @\n",
        ),
        marker: "dispmarker",
    },
    Place {
        name: "OIDC client ID",
        edit: (
            "platform.yaml",
            "      clientID: 0oa1demo2client3\n",
            "      clientID: @\n",
        ),
        marker: "clientmarker42",
    },
    Place {
        name: "Flux branch",
        edit: ("platform.yaml", "      branch: main\n", "      branch: @\n"),
        marker: "branchmarker",
    },
    Place {
        name: "overlay label",
        edit: (KUSTOMIZATION, "      team: LABEL\n", "      team: @\n"),
        marker: "labelmarker",
    },
    Place {
        name: "overlay annotation",
        edit: (
            KUSTOMIZATION,
            "  example.cloud/note: ANNOTATION\n",
            "  example.cloud/note: @\n",
        ),
        marker: "annotationmarker",
    },
    Place {
        name: "audit policy",
        edit: (AUDIT_POLICY, "    users: [USER]\n", "    users: [@]\n"),
        marker: "policymarker",
    },
];

const KUSTOMIZATION: &str = "overlays/all-clusters/kustomization.yaml";
const AUDIT_POLICY: &str = "audit/policy.yaml";

/// The reference blueprint with an audit policy file, and the files beside it, before any
/// place is filled: `(platform.yaml, beside files)`.
fn reference_files() -> Vec<(&'static str, String)> {
    let audit = "    auditLog:\n      enabled: true\n";
    assert!(REFERENCE.contains(audit));
    let blueprint = REFERENCE.replacen(audit, &format!("{audit}      policy: {AUDIT_POLICY}\n"), 1);
    vec![
        ("platform.yaml", blueprint),
        (
            KUSTOMIZATION,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
             labels:\n  - pairs:\n      team: LABEL\n\
             commonAnnotations:\n  example.cloud/note: ANNOTATION\n"
                .to_string(),
        ),
        (
            AUDIT_POLICY,
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n    users: [USER]\n  - level: Metadata\n"
                .to_string(),
        ),
    ]
}

/// The reference files with each place holding its marker, except `place`, which holds
/// `value` (any string, written as a JSON string: a YAML double-quoted scalar).
fn filled(place: Option<&Place>, value: &str) -> (String, Memory) {
    let mut files = reference_files();
    for p in PLACES {
        let (file, from, to) = p.edit;
        let text = if place.is_some_and(|q| q.name == p.name) {
            serde_json::to_string(value).unwrap()
        } else {
            p.marker.to_string()
        };
        let (_, content) = files.iter_mut().find(|(f, _)| *f == file).unwrap();
        assert!(content.contains(from), "{}: `{from}` not in {file}", p.name);
        *content = content.replacen(from, &to.replace('@', &text), 1);
    }
    let mut beside = Memory::new();
    let mut blueprint = String::new();
    for (file, content) in files {
        if file == "platform.yaml" {
            blueprint = content;
        } else {
            beside = beside.with(file, content);
        }
    }
    (blueprint, beside)
}

#[test]
fn every_place_reaches_the_tree() {
    let (blueprint, beside) = filled(None, "");
    let input = Input {
        display_name: "bp/platform.yaml".into(),
        file_name: "platform.yaml".into(),
        bytes: blueprint.into_bytes(),
    };
    let compiled = match pipeline::compile(&input, &beside) {
        Ok(c) => c,
        Err(d) => panic!("{:?}", d.into_iter().map(|d| d.message).collect::<Vec<_>>()),
    };
    for place in PLACES {
        assert!(
            compiled
                .tree
                .files()
                .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(place.marker)),
            "{}: `{}` is not in the rendered tree",
            place.name,
            place.marker
        );
    }
}

#[test]
fn each_shape_in_each_place() {
    for place in PLACES {
        for shape in SHAPES.iter().filter(|s| s.anywhere) {
            let (blueprint, beside) = filled(Some(place), shape.value);
            assert_refused(place.name, shape, &compile(blueprint, &beside));
        }
    }
}
