//! Every file of `tests/data/bad-inputs/` (a copy of `../shared/bad-inputs/`, kept in sync by
//! `.ci/run`) is refused by `validate` and `render` exactly as its header says: exit code,
//! text on stderr, the line named as `FILE:N:`, and nothing written. `valid-base.yaml` renders.

use std::time::{Duration, Instant};

use crate::support::{platc, read_tree, root, stderr, yaml_files};

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
    let dir = root().join("tests/data/bad-inputs");
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut slowest = (Duration::ZERO, String::new());
    for file in yaml_files(&dir) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let Some(expect) = expectations(&text) else {
            continue;
        };
        cases += 1;
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("out");
        for args in [
            vec!["validate", "-f", file.to_str().unwrap()],
            vec![
                "render",
                "-f",
                file.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
        ] {
            let started = Instant::now();
            let o = platc(scratch.path(), &args);
            let took = started.elapsed();
            if took > slowest.0 {
                slowest = (took, name.clone());
            }
            let err = stderr(&o);
            let mut problems = Vec::new();
            if o.status.code() != Some(expect.exit) {
                problems.push(format!(
                    "exit {:?}, expected {}",
                    o.status.code(),
                    expect.exit
                ));
            }
            for want in &expect.stderr {
                if !err.contains(want.as_str()) {
                    problems.push(format!("stderr lacks `{want}`"));
                }
            }
            if let Some(line) = expect.line
                && !err.contains(&format!("{name}:{line}:"))
            {
                problems.push(format!("stderr does not name {name}:{line}:"));
            }
            if err.contains("panicked") {
                problems.push("panicked".to_string());
            }
            if out.exists() {
                problems.push("the output folder was created".to_string());
            }
            // A hang guard, not a benchmark: the README reports the real figures.
            if took > Duration::from_secs(5) {
                problems.push(format!("took {took:?}"));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{name} ({}): {}\n{err}",
                    args[0],
                    problems.join("; ")
                ));
            }
        }
    }
    assert!(cases >= 45, "only {cases} bad inputs found");
    eprintln!("slowest bad input: {} in {:?}", slowest.1, slowest.0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_base_renders_and_validates() {
    let file = root().join("tests/data/bad-inputs/valid-base.yaml");
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let o = platc(
        scratch.path(),
        &[
            "render",
            "-f",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let tree = read_tree(&out);
    assert!(tree.contains_key("clusters/alpha/infrastructure/cluster.yaml"));
    let o = platc(scratch.path(), &["validate", "-f", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn secrets_are_never_echoed() {
    let dir = root().join("tests/data/bad-inputs");
    for (file, secret) in [
        (
            "35-oidc-inline-secret.yaml",
            "9f2c4d1e8b7a6f5e4d3c2b1a0f9e8d7c",
        ),
        ("36-aws-key-in-tags.yaml", "AKIAQ3EGRVJ7MZNXP4WL"),
        ("37-mirror-credentials-in-url.yaml", "hunter2"),
        ("45-pem-private-key.yaml", "MIIEowIBAAKCAQEAx7c9fake"),
    ] {
        let path = dir.join(file);
        for format in ["human", "json", "github"] {
            let o = platc(
                &dir,
                &[
                    "validate",
                    "--message-format",
                    format,
                    "-f",
                    path.to_str().unwrap(),
                ],
            );
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(65), "{file}");
            assert!(
                !err.contains(secret),
                "{file} echoes its secret in {format}:\n{err}"
            );
        }
    }
}

#[test]
fn reference_blueprint_validates_and_render_names_what_it_cannot_render_yet() {
    let file = root().join("tests/data/reference/reference.yaml");
    let scratch = tempfile::tempdir().unwrap();
    let o = platc(scratch.path(), &["validate", "-f", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = scratch.path().join("out");
    let o = platc(
        scratch.path(),
        &[
            "render",
            "-f",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(65));
    let err = stderr(&o);
    for path in ["spec.clusters[1].provider", "spec.clusters[2].provider"] {
        assert!(
            err.contains(&format!(
                "error: {path}: not rendered by this version of platc yet"
            )),
            "render must name {path}:\n{err}"
        );
    }
    assert!(!out.exists());
}
