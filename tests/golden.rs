//! Golden trees: every `blueprints/<case>.yaml` renders byte for byte to `golden/<case>/`,
//! and every object in it validates against its upstream schema.
//!
//! Update: `PLATC_UPDATE_GOLDEN=1 cargo test golden` re-renders every case into `golden/`
//! (refused when `CI` is set); then read `git diff golden/` before committing.

use std::path::Path;

use crate::support::{platc, read_tree, root, stderr, tree_diff, yaml_files};

#[test]
fn every_blueprint_renders_to_its_golden_tree() {
    let update = std::env::var_os("PLATC_UPDATE_GOLDEN").is_some();
    assert!(
        !(update && std::env::var_os("CI").is_some()),
        "refusing to update golden/ under CI"
    );
    let root = root();
    let mut failures = Vec::new();
    let cases = yaml_files(&root.join("blueprints"));
    assert!(cases.len() >= 5, "golden cases went missing");
    for blueprint in cases {
        let case = blueprint
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let golden = root.join("golden").join(&case);
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("out");
        let o = platc(
            &root,
            &[
                "render",
                "-f",
                blueprint.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert!(
            o.status.success(),
            "{case} does not render:\n{}",
            stderr(&o)
        );
        let rendered = read_tree(&out);
        if update {
            if golden.exists() {
                std::fs::remove_dir_all(&golden).unwrap();
            }
            copy_tree(&out, &golden);
            eprintln!("updated golden/{case}");
            continue;
        }
        let report = tree_diff(&read_tree(&golden), &rendered);
        if !report.is_empty() {
            eprintln!("── golden/{case} differs:\n{report}");
            failures.push(case);
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatch: {failures:?}; rerun with PLATC_UPDATE_GOLDEN=1 and review `git diff golden/`"
    );
}

#[test]
fn every_golden_case_has_a_blueprint() {
    let root = root();
    for entry in std::fs::read_dir(root.join("golden")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            root.join("blueprints")
                .join(format!("{name}.yaml"))
                .exists(),
            "golden/{name} has no blueprints/{name}.yaml: a stale golden tree"
        );
    }
}

#[test]
fn every_golden_object_validates_against_its_upstream_schema() {
    let root = root();
    let mut problems = Vec::new();
    let mut objects = 0;
    for entry in std::fs::read_dir(root.join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        let mut tree = platc::tree::Tree::new();
        for (path, bytes) in read_tree(&dir) {
            objects += bytes.windows(12).filter(|w| w == b"\napiVersion:").count();
            tree.insert(path, bytes);
        }
        for d in platc::validate::validate_tree(&tree) {
            problems.push(format!(
                "{}: {}",
                dir.display(),
                platc::diag::render::human(&d, false)
            ));
        }
    }
    assert!(objects > 20, "too few objects validated: {objects}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in read_tree(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}
