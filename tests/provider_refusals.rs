//! What each provider cannot express: every blueprint of `tests/data/provider-refusals/` is
//! refused by `validate` and `render` as its header says (the header format of
//! `tests/data/bad-inputs/`), naming the field and the provider; every blueprint of
//! `tests/data/provider-warnings/` validates with the warning its header names, renders, and
//! its tree's README lists the limitation.

use std::path::Path;

use crate::support::{
    Expect, expectations, header_problems, platc, render_file, root, stderr, yaml_files,
};

/// `eks` or `kops`, from `NN-<provider>-...yaml`.
fn provider_of(name: &str) -> &str {
    name.split('-').nth(1).unwrap_or_default()
}

/// The problems of one run of `platc` on `file` against its header.
fn problems(file: &Path, args: &[&str], expect: &Expect) -> Vec<String> {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["-f", file.to_str().unwrap()]);
    if args[0] == "render" {
        full.extend(["-o", out.to_str().unwrap()]);
    }
    let o = platc(scratch.path(), &full);
    let err = stderr(&o);
    let mut problems = header_problems(&o, &name, expect);
    if !err.contains(provider_of(&name)) {
        problems.push(format!(
            "stderr does not name provider {}",
            provider_of(&name)
        ));
    }
    if args[0] == "render" && out.exists() {
        problems.push("the output folder was created".into());
    }
    problems
        .into_iter()
        .map(|p| format!("{name} ({}): {p}\n{err}", args[0]))
        .collect()
}

#[test]
fn every_provider_refusal_is_refused_naming_field_and_provider() {
    let files = yaml_files(&root().join("tests/data/provider-refusals"));
    assert!(files.len() >= 18, "only {} provider refusals", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let expect = expectations(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|| panic!("{} has no expect-exit header", file.display()));
        assert_eq!(expect.exit, 65, "{} must be refused", file.display());
        assert!(expect.line.is_some() && !expect.stderr.is_empty());
        for args in [&["validate"][..], &["render"][..]] {
            failures.extend(problems(file, args, &expect));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn platform_wide_settings_a_provider_cannot_apply_are_warnings() {
    let files = yaml_files(&root().join("tests/data/provider-warnings"));
    assert!(files.len() >= 4, "only {} provider warnings", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let expect = expectations(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|| panic!("{} has no expect-exit header", file.display()));
        assert_eq!(expect.exit, 0, "{} must validate", file.display());
        failures.extend(problems(file, &["validate"], &expect));
        // It renders, and the tree's README lists what the cluster does not get.
        let (_scratch, out, o) = render_file(file);
        if !o.status.success() {
            failures.push(format!("{}: render failed\n{}", file.display(), stderr(&o)));
        } else {
            let readme = std::fs::read_to_string(out.join("README.md")).unwrap_or_default();
            let path = expect.stderr[0]
                .trim_start_matches("warning: ")
                .split(": not applied")
                .next()
                .unwrap_or_default();
            if !readme.contains(&format!("`{path}`")) {
                failures.push(format!("{}: README does not list `{path}`", file.display()));
            }
        }
        // `--strict` turns warnings into a failure.
        let o = platc(
            &root(),
            &["validate", "--strict", "-f", file.to_str().unwrap()],
        );
        if o.status.success() {
            failures.push(format!("{}: --strict accepts it", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
