//! The fuzz targets' committed corpus (`fuzz/corpus/<target>/`) and every input that once
//! crashed a target (`fuzz/regressions/<target>/`), run through the targets' own bodies
//! (`fuzz/src/targets.rs`, compiled into this binary) on every `cargo test`, without
//! libFuzzer: a fix that regresses fails here, on machines that cannot build the fuzzers.

#[allow(dead_code)]
#[path = "../fuzz/src/targets.rs"]
mod targets;

use std::path::Path;

use crate::support::root;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("reader", targets::reader),
    ("checker", targets::checker),
    ("compile", targets::compile),
    ("overlay", targets::overlay),
    ("output", targets::output),
];

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn run(kind: &str) -> usize {
    let mut count = 0;
    for (name, target) in TARGETS {
        for file in inputs(&root().join("fuzz").join(kind).join(name)) {
            let data = std::fs::read(&file).unwrap();
            // A panic names the input: replay it with `fuzz/run.sh replay TARGET FILE`.
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panics on {}", file.display());
            count += 1;
        }
    }
    count
}

#[test]
fn every_corpus_input_runs_clean() {
    let n = run("corpus");
    assert!(n >= 200, "only {n} corpus inputs");
}

#[test]
fn every_input_that_once_crashed_runs_clean() {
    let n = run("regressions");
    assert!(n >= 1, "no regression inputs");
}

#[test]
fn bundles_split_into_files() {
    let (first, mem) = targets::bundle(b"a: 1\n#%% o/k.yaml\nb: 2\n#%% ../x\nc\n");
    assert_eq!(first, b"a: 1");
    use platc::beside::Beside;
    assert_eq!(mem.read("o/k.yaml").unwrap(), b"b: 2");
    assert!(mem.read("x").is_err(), "a path leaving the root is dropped");
}
