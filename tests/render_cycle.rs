//! The life of a rendered tree: a second render writes nothing and `check` passes; a hand
//! edit makes `check` fail naming the file and is left alone by `render` unless `--force`;
//! removing a node pool prunes its file while a file platc does not own survives.

use std::path::Path;

use crate::support::{platc, read_tree, root, stderr, stdout};

const POOL_FILE: &str = "clusters/alpha/infrastructure/nodepool-batch.yaml";

fn blueprint(with_batch_pool: bool) -> String {
    let mut text = std::fs::read_to_string(root().join("blueprints/minimal-capa.yaml")).unwrap();
    if with_batch_pool {
        text.push_str(
            "        - name: batch\n          instanceType: c5.xlarge\n          replicas: 1\n",
        );
    }
    text
}

fn render(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["render", "-f", "platform.yaml", "-o", "out"];
    args.extend_from_slice(extra);
    platc(dir, &args)
}

#[test]
fn second_render_writes_nothing_and_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(true)).unwrap();
    let first = render(dir.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before: Vec<_> = walk_mtimes(&dir.path().join("out"));
    let second = render(dir.path(), &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    let summary = stdout(&second);
    assert!(
        summary.contains("0 created, 0 changed, 0 removed"),
        "{summary}"
    );
    assert_eq!(
        before,
        walk_mtimes(&dir.path().join("out")),
        "a second render rewrote files"
    );
    let check = platc(dir.path(), &["check", "-f", "platform.yaml", "-o", "out"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn hand_edits_fail_check_and_survive_render_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(false)).unwrap();
    assert!(render(dir.path(), &[]).status.success());
    let edited = dir
        .path()
        .join("out/clusters/alpha/infrastructure/cluster.yaml");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("# a hand edit\n");
    std::fs::write(&edited, &text).unwrap();

    let check = platc(dir.path(), &["check", "-f", "platform.yaml", "-o", "out"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("clusters/alpha/infrastructure/cluster.yaml"),
        "check must name the edited file:\n{}",
        stdout(&check)
    );
    let again = render(dir.path(), &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        format!("{}{}", stdout(&again), stderr(&again)).contains("cluster.yaml"),
        "render must report the hand-edited file"
    );
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        text,
        "the hand edit was overwritten"
    );

    let forced = render(dir.path(), &["--force"]);
    assert!(forced.status.success());
    assert!(
        !std::fs::read_to_string(&edited)
            .unwrap()
            .contains("a hand edit")
    );
    let check = platc(dir.path(), &["check", "-f", "platform.yaml", "-o", "out"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn removing_a_pool_prunes_its_file_and_keeps_unowned_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(true)).unwrap();
    assert!(render(dir.path(), &[]).status.success());
    let out = dir.path().join("out");
    assert!(out.join(POOL_FILE).exists());
    let unowned = out.join("clusters/alpha/infrastructure/notes.md");
    std::fs::write(&unowned, "kept by hand\n").unwrap();

    std::fs::write(dir.path().join("platform.yaml"), blueprint(false)).unwrap();
    let o = render(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !out.join(POOL_FILE).exists(),
        "the removed pool's file is still there"
    );
    assert_eq!(std::fs::read_to_string(&unowned).unwrap(), "kept by hand\n");
    let tree = read_tree(&out);
    assert!(
        tree.keys().all(|p| !p.contains("batch")),
        "{:?}",
        tree.keys()
    );
    let check = platc(dir.path(), &["check", "-f", "platform.yaml", "-o", "out"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn output_folder_holding_the_blueprint_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(false)).unwrap();
    let o = platc(dir.path(), &["render", "-f", "platform.yaml", "-o", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(read_tree(dir.path()).len(), 1, "something was written");
}

#[test]
fn init_writes_a_blueprint_that_renders() {
    let dir = tempfile::tempdir().unwrap();
    let o = platc(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = platc(dir.path(), &["render"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("rendered/README.md").exists());
    let again = platc(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(74), "init must not overwrite");
}

#[test]
fn symlinked_output_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(false)).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("out")).unwrap();
    let o = render(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
    assert!(
        read_tree(elsewhere.path()).is_empty(),
        "wrote through a symlink"
    );
}

fn walk_mtimes(dir: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn diff_shows_what_render_would_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), blueprint(false)).unwrap();
    assert!(render(dir.path(), &[]).status.success());
    let clean = platc(
        dir.path(),
        &["diff", "-f", "platform.yaml", "-o", "out", "--exit-code"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));

    let changed = blueprint(false).replace("replicas: 3\n", "replicas: 5\n");
    std::fs::write(dir.path().join("platform.yaml"), changed).unwrap();
    let unified = platc(
        dir.path(),
        &["diff", "-f", "platform.yaml", "-o", "out", "--exit-code"],
    );
    assert_eq!(unified.status.code(), Some(1));
    let text = stdout(&unified);
    assert!(
        text.contains("--- a/clusters/alpha/infrastructure/control-plane.yaml"),
        "{text}"
    );
    assert!(
        text.contains("-  replicas: 3") && text.contains("+  replicas: 5"),
        "{text}"
    );
    let stat = platc(
        dir.path(),
        &[
            "diff",
            "-f",
            "platform.yaml",
            "-o",
            "out",
            "--format",
            "stat",
        ],
    );
    assert_eq!(
        stat.status.code(),
        Some(0),
        "without --exit-code, diff succeeds"
    );
    assert!(
        stdout(&stat).contains("control-plane.yaml"),
        "{}",
        stdout(&stat)
    );
    // diff never writes.
    assert!(
        std::fs::read_to_string(
            dir.path()
                .join("out/clusters/alpha/infrastructure/control-plane.yaml")
        )
        .unwrap()
        .contains("replicas: 3")
    );
}
