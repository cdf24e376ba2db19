//! `platc kustomize` on folders of kustomizations: every folder of every golden tree that
//! holds a kustomization (`clusters/<cluster>/` builds its sub-folders as nested
//! kustomizations) gives `kubectl kustomize`'s bytes; the nested cases of
//! `tests/data/nested-kustomizations/` (transformers at every level, cycles, a folder without
//! a kustomization) give their committed output or error; an input past the blueprint's
//! 16 MiB cap builds.
//!
//! The golden comparison needs kubectl (Kustomize v5.5.0). Without it the test says
//! `SKIPPED` (which fails `.ci/run`), and fails outright under `CI=true`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rayon::prelude::*;

use crate::support::{platc, root, skip, stderr, stdout};

/// Every folder below `golden/` holding a kustomization.yaml, sorted.
fn golden_kustomizations() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root().join("golden"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() == "kustomization.yaml")
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    out.sort();
    out
}

/// kubectl's build of `dir`, or `None` when kubectl is not installed (a failing build is
/// a panic: every folder here must build).
fn kubectl_kustomize(dir: &Path) -> Option<String> {
    let out = match Command::new("kubectl").arg("kustomize").arg(dir).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run kubectl: {e}"),
    };
    assert!(
        out.status.success(),
        "kubectl kustomize {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("kubectl prints UTF-8"))
}

fn kubectl_missing(test: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: kubectl is not installed, and CI needs this comparison");
    }
    skip(test, "kubectl is not installed");
}

#[test]
fn every_golden_kustomization_builds_as_kubectl_builds_it() {
    let dirs = golden_kustomizations();
    assert!(
        dirs.iter().any(|d| d.ends_with("clusters/management")),
        "the goldens have cluster folders"
    );
    if kubectl_kustomize(&dirs[0]).is_none() {
        return kubectl_missing("every_golden_kustomization_builds_as_kubectl_builds_it");
    }
    let clusters = dirs
        .iter()
        .filter(|d| d.parent().is_some_and(|p| p.ends_with("clusters")))
        .count();
    // kubectl takes a tenth of a second a folder: the folders are built side by side.
    let differ: Vec<String> = dirs
        .par_iter()
        .filter_map(|dir| {
            let theirs = kubectl_kustomize(dir).expect("kubectl ran a moment ago");
            let mine = platc::overlay::build_dir(dir).unwrap_or_else(|d| {
                panic!("platc kustomize {} failed: {d:?}", dir.display());
            });
            (mine != theirs).then(|| {
                dir.strip_prefix(root())
                    .unwrap_or(dir)
                    .display()
                    .to_string()
            })
        })
        .collect();
    assert!(clusters > 10, "only {clusters} cluster folders were built");
    assert!(
        differ.is_empty(),
        "platc kustomize differs from kubectl kustomize on {} of {} folders: {differ:?}",
        differ.len(),
        dirs.len()
    );
}

fn nested_cases() -> Vec<PathBuf> {
    let base = root().join("tests/data/nested-kustomizations");
    let mut out: Vec<PathBuf> = fs::read_dir(&base)
        .expect("tests/data/nested-kustomizations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("kustomization.yaml").is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn nested_kustomizations_build_or_fail_as_committed() {
    let cases = nested_cases();
    assert!(cases.len() >= 6, "{} cases", cases.len());
    for dir in cases {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let o = platc(&dir, &["kustomize", "."]);
        let expected = dir.join("expected.yaml");
        if expected.is_file() {
            assert_eq!(
                o.status.code(),
                Some(0),
                "{name}: platc kustomize failed: {}",
                stderr(&o)
            );
            let expected = fs::read_to_string(expected).expect("expected.yaml");
            assert_eq!(stdout(&o), expected, "{name}: not kustomize's output");
        } else {
            let want = fs::read_to_string(dir.join("expected-error.txt"))
                .expect("expected.yaml or expected-error.txt");
            assert_eq!(
                o.status.code(),
                Some(65),
                "{name}: exit {:?}, output:\n{}{}",
                o.status.code(),
                stdout(&o),
                stderr(&o)
            );
            for line in want.lines().filter(|l| !l.is_empty()) {
                assert!(
                    stderr(&o).contains(line),
                    "{name}: the error lacks {line:?}:\n{}",
                    stderr(&o)
                );
            }
        }
    }
}

/// The committed `expected.yaml` files are still what kubectl prints (they were made by it).
#[test]
fn nested_expected_outputs_are_kubectls() {
    for dir in nested_cases() {
        let expected = dir.join("expected.yaml");
        if !expected.is_file() {
            continue;
        }
        let Some(theirs) = kubectl_kustomize(&dir) else {
            return kubectl_missing("nested_expected_outputs_are_kubectls");
        };
        assert_eq!(
            theirs,
            fs::read_to_string(&expected).expect("expected.yaml"),
            "{}: kubectl prints otherwise",
            dir.display()
        );
    }
}

/// A resource file past the blueprint's 16 MiB cap builds (issue 25: kustomize has no cap;
/// the overlay engine's is `overlay::MAX_INPUT_BYTES`).
#[test]
fn an_input_past_16_mib_builds() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 40 ConfigMaps of 4,500 lines of 100 characters: about 18 MiB.
    let line = "x".repeat(100);
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-{i:02}\ndata:\n  blob: |\n"
        ));
        for _ in 0..4500 {
            text.push_str("    ");
            text.push_str(&line);
            text.push('\n');
        }
    }
    assert!(text.len() > 16 << 20, "{} bytes", text.len());
    fs::write(dir.path().join("big.yaml"), &text).expect("write");
    fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n- big.yaml\ncommonLabels:\n  size: big\n",
    )
    .expect("write");
    let out = platc::overlay::build_dir(dir.path()).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(out.matches("kind: ConfigMap\n").count(), 40);
    assert_eq!(out.matches("    size: big\n").count(), 40);
    assert!(out.len() > 16 << 20);
}
