//! The overlay corpus (`tests/data/overlay-cases/`, copied from shared/overlay-cases): every
//! case is a folder whose `expected.yaml` is what `kubectl kustomize` (Kustomize v5.5.0)
//! printed, or whose `expected-error.txt` says kustomize refused it. `platc kustomize` must
//! print the same bytes, or fail where kustomize fails. The counts (byte-identical, same
//! documents in another form, failing) are printed; any case that is not byte-identical and
//! not in [`EXCEPTIONS`] fails the test.

use std::fs;
use std::path::{Path, PathBuf};

use platc::overlay::build_dir;

/// Cases allowed to differ from kustomize, each with the reason. Empty: every case matches.
const EXCEPTIONS: &[(&str, &str)] = &[];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/overlay-cases")
}

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(cases_dir())
        .expect("tests/data/overlay-cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.join("kustomization.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Documents of a stream, for the "same documents" count.
fn documents(text: &str) -> Vec<String> {
    let mut docs: Vec<String> = text
        .split("\n---\n")
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    docs.sort();
    docs
}

enum Outcome {
    Identical,
    SameDocuments(String),
    Failing(String),
}

fn run_case(dir: &Path) -> Outcome {
    let expected_error = dir.join("expected-error.txt");
    let got = build_dir(dir);
    if expected_error.is_file() {
        return match got {
            Err(_) => Outcome::Identical,
            Ok(out) => Outcome::Failing(format!(
                "kustomize fails ({}), platc printed:\n{out}",
                fs::read_to_string(&expected_error)
                    .unwrap_or_default()
                    .trim()
            )),
        };
    }
    let expected = fs::read_to_string(dir.join("expected.yaml")).expect("expected.yaml");
    match got {
        Err(diags) => Outcome::Failing(format!(
            "platc failed: {}",
            diags
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Ok(out) if out == expected => Outcome::Identical,
        Ok(out) if documents(&out) == documents(&expected) => {
            Outcome::SameDocuments(first_difference(&expected, &out))
        }
        Ok(out) => Outcome::Failing(first_difference(&expected, &out)),
    }
}

fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    let i = e.iter().zip(&g).take_while(|(a, b)| a == b).count();
    format!(
        "first difference at line {}:\n  kustomize: {:?}\n  platc:     {:?}",
        i + 1,
        e.get(i).copied().unwrap_or("<end>"),
        g.get(i).copied().unwrap_or("<end>")
    )
}

#[test]
fn every_case_matches_kustomize() {
    let (mut identical, mut same, mut failing) = (0, 0, 0);
    let mut problems = Vec::new();
    for dir in case_dirs() {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let excepted = EXCEPTIONS.iter().any(|(c, _)| *c == name);
        match run_case(&dir) {
            Outcome::Identical => identical += 1,
            Outcome::SameDocuments(d) => {
                same += 1;
                if !excepted {
                    problems.push(format!("{name}: same documents, other bytes; {d}"));
                }
            }
            Outcome::Failing(d) => {
                failing += 1;
                if !excepted {
                    problems.push(format!("{name}: {d}"));
                }
            }
        }
    }
    println!(
        "overlay cases: {identical} byte-identical, {same} same documents, {failing} failing, {} excepted",
        EXCEPTIONS.len()
    );
    assert!(identical + same + failing > 0, "no case found");
    assert!(
        problems.is_empty(),
        "{} case(s) differ from kustomize:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn exceptions_name_existing_cases() {
    let names: Vec<String> = case_dirs()
        .iter()
        .filter_map(|d| d.file_name().and_then(|n| n.to_str()).map(String::from))
        .collect();
    for (case, why) in EXCEPTIONS {
        assert!(
            names.iter().any(|n| n == case),
            "exception for unknown case {case}"
        );
        assert!(!why.is_empty(), "exception {case} needs a reason");
    }
}

/// The same corpus through the binary: `platc kustomize DIR` prints kustomize's bytes on
/// stdout, or fails (65 for an invalid overlay, 74 for a file it cannot read) with nothing
/// on stdout where kustomize fails.
#[test]
fn platc_kustomize_prints_what_kubectl_kustomize_prints() {
    let root = crate::support::root();
    let mut checked = 0;
    for dir in case_dirs() {
        let o = crate::support::platc(&root, &["kustomize", dir.to_str().unwrap()]);
        let name = dir.display();
        if dir.join("expected-error.txt").is_file() {
            assert!(
                matches!(o.status.code(), Some(65 | 74)),
                "{name}: kustomize fails, platc exited {:?}",
                o.status.code()
            );
            assert!(o.stdout.is_empty(), "{name}: printed output on failure");
            assert!(!o.stderr.is_empty(), "{name}: failed without a message");
        } else {
            let expected = fs::read(dir.join("expected.yaml")).unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{name}: {}",
                crate::support::stderr(&o)
            );
            assert!(
                o.stdout == expected,
                "{name}: stdout differs from expected.yaml"
            );
        }
        checked += 1;
    }
    assert!(checked > 60, "{checked} cases");
}
