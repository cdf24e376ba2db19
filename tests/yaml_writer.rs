//! The YAML writer against kustomize's own bytes: every `tests/data/yaml-writer/<case>.json`
//! (a JSON array of documents) must be written exactly as `<case>.yaml`, which real
//! `kubectl kustomize` (Kustomize v5.5.0) printed. `make_fixtures.py` in that folder builds
//! the pairs: the overlay corpus's `expected.yaml` files and extra writer cases.
//!
//! All cases run; the first mismatch is shown as a diff, and the test fails once at the end
//! with the count, so one regression does not hide the others.

use std::fs;
use std::path::{Path, PathBuf};

use platc::yaml::write::to_yaml_stream;
use pretty_assertions::StrComparison;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml-writer")
}

/// Every `<case>.json` that has a `<case>.yaml` beside it, sorted by name.
fn fixture_cases() -> Vec<(String, PathBuf, PathBuf)> {
    let dir = fixture_dir();
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read fixture folder {}: {e}", dir.display()));
    let mut cases: Vec<(String, PathBuf, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter_map(|json| {
            let name = json.file_stem()?.to_str()?.to_owned();
            let yaml = json.with_extension("yaml");
            yaml.is_file().then_some((name, json, yaml))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn writer_reproduces_every_kustomize_fixture() {
    // The fixtures hold floats with 17 significant digits (`3.5049599536280294`). serde_json
    // reads those exactly only with its `float_roundtrip` feature (platc gets it through
    // jsonschema); without it they come out one ULP off and the diffs below would blame the
    // writer for the reader's rounding.
    let probe: f64 = serde_json::from_str("3.5049599536280294").unwrap_or_default();
    assert_eq!(
        probe.to_bits(),
        3.504_959_953_628_029_4_f64.to_bits(),
        "serde_json is built without `float_roundtrip`; enable it to read the fixtures exactly"
    );
    let cases = fixture_cases();
    assert!(
        cases.len() >= 60,
        "expected at least 60 fixture pairs in {}, found {}",
        fixture_dir().display(),
        cases.len()
    );
    let mut failures = Vec::new();
    for (name, json_path, yaml_path) in &cases {
        let json = fs::read_to_string(json_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", json_path.display()));
        let expected = fs::read_to_string(yaml_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", yaml_path.display()));
        let docs: Vec<Value> = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{} is not a JSON array: {e}", json_path.display()));
        let actual = to_yaml_stream(&docs);
        if actual != expected {
            if failures.is_empty() {
                eprintln!(
                    "first mismatch: {name} (left: written, right: kustomize)\n{}",
                    StrComparison::new(&actual, &expected)
                );
            }
            failures.push(name.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases differ from kustomize's bytes: {}",
        failures.len(),
        cases.len(),
        failures.join(", ")
    );
}
