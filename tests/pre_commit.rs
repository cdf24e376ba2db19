//! The pre-commit hook (`.pre-commit-hooks.yaml`) installed with the real `pre-commit` tool
//! in a new Git repository: a commit whose rendered tree is stale is refused, and accepted
//! after `platc render`. No network: the hook repository is a local Git repository holding
//! this crate's `.pre-commit-hooks.yaml`, and the hook runs the `platc` of this build.
//! Skipped, saying why on the terminal, when `git` or `pre-commit` is missing (`.ci/run`
//! installs pre-commit with pip, so it runs there).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{PLATC, root};

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A visible skip (see [`crate::support::skip`]).
fn skip(why: &str) {
    crate::support::skip(
        "pre_commit::a_stale_tree_blocks_the_commit_until_rendered",
        why,
    );
}

/// Runs `program` in `dir` with this build's platc first on PATH, Git without the user's
/// global configuration, and pre-commit's cache inside the test's folder.
fn run(dir: &Path, cache: &Path, program: &str, args: &[&str]) -> Output {
    let platc_dir = PathBuf::from(PLATC).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(platc_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env("PRE_COMMIT_COLOR", "never")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "platc test")
        .env("GIT_AUTHOR_EMAIL", "test@platc.invalid")
        .env("GIT_COMMITTER_NAME", "platc test")
        .env("GIT_COMMITTER_EMAIL", "test@platc.invalid")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn ok(o: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn a_stale_tree_blocks_the_commit_until_rendered() {
    if !available("git") {
        return skip("git is not installed");
    }
    if !available("pre-commit") {
        return skip("pre-commit is not installed (pip install pre-commit)");
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");

    // The hook repository: this crate's .pre-commit-hooks.yaml, committed.
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    std::fs::copy(
        root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    ok(
        &run(&hooks, &cache, "git", &["init", "-q", "-b", "main"]),
        "git init",
    );
    ok(&run(&hooks, &cache, "git", &["add", "-A"]), "git add");
    ok(
        &run(&hooks, &cache, "git", &["commit", "-q", "-m", "hooks"]),
        "git commit",
    );
    let rev = ok(
        &run(&hooks, &cache, "git", &["rev-parse", "HEAD"]),
        "rev-parse",
    );

    // The platform repository, with the hook in three lines under `repos:`.
    let repo = tmp.path().join("platform");
    std::fs::create_dir(&repo).unwrap();
    let blueprint = std::fs::read_to_string(root().join("tests/data/review/before.yaml")).unwrap();
    std::fs::write(repo.join("platform.yaml"), &blueprint).unwrap();
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks: [{{id: platc-check}}]\n",
            hooks.display(),
            rev.trim()
        ),
    )
    .unwrap();
    ok(
        &run(&repo, &cache, "git", &["init", "-q", "-b", "main"]),
        "git init",
    );
    ok(
        &run(&repo, &cache, "pre-commit", &["install"]),
        "pre-commit install",
    );
    ok(&run(&repo, &cache, "platc", &["render"]), "platc render");
    ok(&run(&repo, &cache, "git", &["add", "-A"]), "git add");
    let first = ok(
        &run(
            &repo,
            &cache,
            "git",
            &["commit", "-m", "platform and its rendered tree"],
        ),
        "the first commit (tree up to date)",
    );
    assert!(
        first.contains("platc check"),
        "the hook did not run:\n{first}"
    );

    // A blueprint change without its rendered tree: refused, naming the stale file.
    std::fs::write(
        repo.join("platform.yaml"),
        blueprint.replace("instanceType: m5.xlarge", "instanceType: m5.2xlarge"),
    )
    .unwrap();
    ok(
        &run(&repo, &cache, "git", &["add", "platform.yaml"]),
        "git add",
    );
    let refused = run(&repo, &cache, "git", &["commit", "-m", "bigger workers"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !refused.status.success(),
        "a stale tree was committed:\n{text}"
    );
    assert!(text.contains("out of date"), "{text}");
    assert!(text.contains("nodepool-workers.yaml"), "{text}");

    // Rendered and staged: accepted.
    ok(&run(&repo, &cache, "platc", &["render"]), "platc render");
    ok(&run(&repo, &cache, "git", &["add", "-A"]), "git add");
    ok(
        &run(&repo, &cache, "git", &["commit", "-m", "bigger workers"]),
        "the commit after render",
    );
    let log = ok(&run(&repo, &cache, "git", &["log", "--oneline"]), "git log");
    assert_eq!(log.lines().count(), 2, "{log}");
}
