//! platc among the tools a platform team already runs: shell completions, manual pages, the
//! editor schema modeline of the starter blueprint, and `platc init && platc render` in an
//! empty folder.

use crate::support::{platc, read_tree, root, stderr, stdout};

const COMMANDS: &[&str] = &[
    "render",
    "build",
    "check",
    "diff",
    "validate",
    "explain",
    "schema",
    "init",
    "kustomize",
    "completions",
    "man",
    "version",
];

/// `platc version` names every upstream it targets, for people and as JSON, from the same
/// tables a render uses (issue 24 item 5).
#[test]
fn version_lists_the_upstreams_it_targets_as_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let o = platc(dir.path(), &["version", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["platc"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["kops"]["version"], "v1.36.2");
    assert_eq!(v["kommander"]["kommanderApplications"], "v2.17.1");
    assert_eq!(v["clusterAPI"]["apiVersions"][0], "v1beta2");
    for provider in ["capa", "eks", "kops"] {
        assert!(
            v["kubernetes"][provider]["supported"]["min"].is_string(),
            "{provider}"
        );
    }
    let charts = v["charts"].as_array().expect("charts");
    let cert_manager = charts
        .iter()
        .find(|c| c["component"] == "cert-manager")
        .expect("cert-manager");
    assert!(cert_manager["version"].as_str().unwrap().starts_with('v'));
    assert!(v["eksAddons"].as_array().is_some_and(|a| !a.is_empty()));
    let o = platc(dir.path(), &["version"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(&format!("platc {}\n", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("kops: v1.36.2"), "{text}");
    assert!(text.contains("chart cert-manager: cert-manager "), "{text}");
}

#[test]
fn completions_cover_every_command_in_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = platc(dir.path(), &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for command in COMMANDS {
            assert!(
                script.contains(command),
                "{shell} completion lacks `{command}`"
            );
        }
    }
    let o = platc(dir.path(), &["completions", "tcsh"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_prints_a_page_or_writes_one_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let o = platc(dir.path(), &["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH platc 1"), "{page}");
    assert!(page.contains("explain"), "{page}");
    let o = platc(dir.path(), &["man", "--dir", "man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages = read_tree(&dir.path().join("man"));
    assert!(pages.contains_key("platc.1"));
    for command in COMMANDS {
        assert!(
            pages.contains_key(&format!("platc-{command}.1")),
            "no page for {command}: {:?}",
            pages.keys()
        );
    }
}

#[test]
fn init_then_render_works_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert!(read_tree(dir.path()).is_empty());
    let o = platc(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = platc(dir.path(), &["render"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("created"), "{}", stdout(&o));
    // What init wrote is a complete platform: up to date after render, and valid.
    let o = platc(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = platc(dir.path(), &["validate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tree = read_tree(&dir.path().join("rendered"));
    assert!(tree.keys().any(|p| p.ends_with("/kustomization.yaml")));
    assert!(tree.keys().any(|p| p.contains("/nodepool-")));
}

#[test]
fn the_starter_names_the_blueprint_schema_for_yaml_language_server() {
    let starter = std::fs::read_to_string(root().join("blueprints/starter.yaml")).unwrap();
    let first = starter.lines().next().unwrap();
    let url = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("no modeline on the first line: {first}"));
    let o = platc(&root(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        schema["$id"], url,
        "the modeline must name the schema's $id"
    );
}

/// The rendered tree folds itself in pull requests: a `.gitattributes` at its root marks every
/// file `linguist-generated` (GitHub hides such files by default in diffs), and none `-diff`
/// (their diffs stay one click away). platc owns it like any rendered file (issue 24 item 4).
#[test]
fn the_tree_marks_its_files_generated_for_review_tools() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("blueprints/minimal-capa.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    let o = platc(dir.path(), &["render", "-q", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tree = read_tree(&dir.path().join("out"));
    let attributes = String::from_utf8(tree[".gitattributes"].clone()).unwrap();
    let rules: Vec<&str> = attributes
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(rules, ["* linguist-generated=true"], "{attributes}");
    assert!(!attributes.contains("-diff"), "{attributes}");
    let manifest = String::from_utf8(tree[".platc/manifest.json"].clone()).unwrap();
    assert!(manifest.contains("\".gitattributes\""), "{manifest}");
}
