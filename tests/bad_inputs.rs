//! Every file of `tests/data/bad-inputs/` (a copy of `../shared/bad-inputs/`, kept in sync by
//! `.ci/run`) is refused by `validate` and `render` exactly as its header says: exit code,
//! text on stderr, the line named as `FILE:N:`, and nothing written. `valid-base.yaml` renders.

use std::time::{Duration, Instant};

use crate::support::{
    expectations, header_problems, platc, read_tree, render_file, root, stderr, yaml_files,
};

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
            let mut problems = header_problems(&o, &name, &expect);
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
    let (scratch, out, o) = render_file(&file);
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
fn reference_blueprint_validates_and_renders_all_three_clusters() {
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
    assert!(o.status.success(), "{}", stderr(&o));
    let tree = read_tree(&out);
    for path in [
        "clusters/management/infrastructure/control-plane.yaml",
        "clusters/sandbox-eks/infrastructure/cluster.yaml",
        "clusters/sandbox-eks/infrastructure/nodepool-general.yaml",
        "clusters/legacy-kops/infrastructure/cluster.yaml",
        "clusters/legacy-kops/infrastructure/control-plane.yaml",
        "clusters/legacy-kops/infrastructure/nodepool-databases.yaml",
    ] {
        assert!(tree.contains_key(path), "the reference renders no {path}");
    }
}
