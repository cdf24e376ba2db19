//! The secrets gate, as a matrix: every secret shape (AWS access key ID, a secret-key shape
//! next to an AWS word, PEM and OpenSSH private keys, a password in a URL, a literal value
//! under a secret-ish key) × every place (the blueprint, an overlay file, a rendered file
//! injected into the read-back gate) is refused with code `secret`, and no diagnostic, in
//! any format, prints the secret.

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
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "AWS access key ID",
        key: "deployer",
        value: "AKIAQ3EGRVJ7MZNXP4WL",
        secret: "Q3EGRVJ7MZNXP4WL",
    },
    Shape {
        name: "AWS secret key shape",
        key: "aws-deploy",
        value: "Zk3mQ9vX2bR7tL5pW8nY4cH6jD1sF0gA3eK9uT2o",
        secret: "Zk3mQ9vX2bR7tL5pW8nY4cH6jD1sF0gA3eK9uT2o",
    },
    Shape {
        name: "PEM private key",
        key: "cert",
        value: "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7c9fQ2kLmN8pR4sT6vW1yZ3bD5fH7jK9mP2rT4vX6zA8cE0gI\n-----END RSA PRIVATE KEY-----\n",
        secret: "MIIEowIBAAKCAQEAx7c9fQ2kLmN8pR4sT6vW1yZ3bD5fH7jK9mP2rT4vX6zA8cE0gI",
    },
    Shape {
        name: "OpenSSH private key",
        key: "ssh",
        value: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n",
        secret: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    },
    Shape {
        name: "password in a URL",
        key: "mirror",
        value: "https://robot:s3cr3tPassw0rd@mirror.example.cloud/v2",
        secret: "s3cr3tPassw0rd",
    },
    Shape {
        name: "literal under a secret-ish key",
        key: "password",
        value: "hunter2hunter2",
        secret: "hunter2hunter2",
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
