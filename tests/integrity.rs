//! The gate cannot be fooled and the tree cannot be used against the repository (issue 21):
//! `check` compares the folder with what the blueprint compiles to, never with the
//! manifest's word; `render --force` restores a tampered file; a manifest (or journal)
//! naming a path platc never generates is refused before anything is pruned or written;
//! an output folder inside a Git directory is a usage error.

use std::path::Path;

use crate::support::{platc, read_tree, root, stderr, stdout};

const POLICIES: &str = "clusters/blue/addons/policies.yaml";

const BACKDOOR: &str = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n\
metadata:\n  name: backdoor\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  \
name: cluster-admin\nsubjects:\n  - kind: User\n  name: mallory\n";

/// A folder with `platform.yaml` (the kyverno case: it has a `policies.yaml`) rendered into
/// `out/`.
fn rendered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("blueprints/capa-kyverno.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    let o = run(dir.path(), "render", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

fn run(dir: &Path, command: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![command, "-f", "platform.yaml", "-o", "out"];
    args.extend_from_slice(extra);
    platc(dir, &args)
}

fn sha256_hex(bytes: &[u8]) -> String {
    platc::tree::sha256_hex(bytes)
}

/// Rewrites `.platc/manifest.json` with `edit` applied to its `files` object.
fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) {
    let path = dir.join("out/.platc/manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(m["files"].as_object_mut().unwrap());
    let mut text = serde_json::to_string_pretty(&m).unwrap();
    text.push('\n');
    std::fs::write(&path, text).unwrap();
}

#[test]
fn check_sees_a_backdoor_behind_a_manifest_edited_to_match() {
    let dir = rendered();
    let clean = read_tree(&dir.path().join("out"));
    let target = dir.path().join("out").join(POLICIES);
    let mut bytes = std::fs::read(&target).unwrap();
    bytes.extend_from_slice(BACKDOOR.as_bytes());
    std::fs::write(&target, &bytes).unwrap();
    let sha = sha256_hex(&bytes);
    edit_manifest(dir.path(), |files| {
        files.insert(POLICIES.into(), sha.into());
    });

    let check = run(dir.path(), "check", &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(stdout(&check).contains(POLICIES), "{}", stdout(&check));

    let forced = run(dir.path(), "render", &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(
        read_tree(&dir.path().join("out")),
        clean,
        "render --force kept the backdoor:\n{}",
        stdout(&forced)
    );
    assert_eq!(run(dir.path(), "check", &[]).status.code(), Some(0));
}

#[test]
fn check_sees_a_deleted_file_whose_manifest_line_was_deleted_too() {
    let dir = rendered();
    let clean = read_tree(&dir.path().join("out"));
    std::fs::remove_file(dir.path().join("out").join(POLICIES)).unwrap();
    edit_manifest(dir.path(), |files| {
        files.remove(POLICIES);
    });
    let check = run(dir.path(), "check", &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(stdout(&check).contains(POLICIES), "{}", stdout(&check));
    let again = run(dir.path(), "render", &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(read_tree(&dir.path().join("out")), clean);
}

#[test]
fn force_overwrites_an_unowned_file_in_the_way_and_check_names_it() {
    let dir = rendered();
    let clean = read_tree(&dir.path().join("out"));
    let readme = dir.path().join("out/README.md");
    std::fs::write(&readme, "# my own notes\n").unwrap();
    edit_manifest(dir.path(), |files| {
        files.remove("README.md");
    });

    let check = run(dir.path(), "check", &[]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(stdout(&check).contains("README.md"), "{}", stdout(&check));
    // Without --force: left alone and named.
    let plain = run(dir.path(), "render", &[]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(
        stdout(&plain).contains("skipped README.md"),
        "{}",
        stdout(&plain)
    );
    assert_eq!(
        std::fs::read_to_string(&readme).unwrap(),
        "# my own notes\n"
    );
    // With --force: overwritten, as `render --help` says.
    let forced = run(dir.path(), "render", &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_eq!(read_tree(&dir.path().join("out")), clean);
}

/// A manifest (or an interrupted render's journal) naming a file platc never generates:
/// refused (74) before anything is pruned or written, with `--force` too, by `check` as well.
#[test]
fn a_manifest_naming_files_outside_the_generated_layout_is_refused() {
    for (journal, victim) in [
        (false, ".git/config"),
        (false, ".git/index"),
        (false, ".github/workflows/ci.yml"),
        (false, "clusters/blue/.git/config"),
        (false, "Makefile"),
        (true, ".git/config"),
    ] {
        let dir = rendered();
        let out = dir.path().join("out");
        let path = out.join(victim);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "precious\n").unwrap();
        let sha = sha256_hex(b"precious\n");
        if journal {
            let manifest = out.join(".platc/manifest.json");
            let mut m: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
            m["files"][victim] = sha.into();
            std::fs::write(out.join(".platc/pending.json"), m.to_string()).unwrap();
        } else {
            edit_manifest(dir.path(), |files| {
                files.insert(victim.into(), sha.into());
            });
        }
        // Remove a pool so that the render has something to prune.
        let before = read_tree(&out);
        for (command, extra) in [
            ("render", &[][..]),
            ("render", &["--force"][..]),
            ("check", &[][..]),
        ] {
            let o = run(dir.path(), command, extra);
            assert_eq!(
                o.status.code(),
                Some(74),
                "{command} {extra:?} with {victim} (journal: {journal}):\n{}{}",
                stdout(&o),
                stderr(&o)
            );
            assert!(
                stderr(&o).contains(victim) && stderr(&o).contains("not a file platc generates"),
                "{}",
                stderr(&o)
            );
            assert_eq!(read_tree(&out), before, "{command} changed the folder");
        }
    }
}

#[test]
fn an_output_folder_inside_a_git_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("blueprints/minimal-capa.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    let git = dir.path().join("repo/.git");
    std::fs::create_dir_all(git.join("objects")).unwrap();
    std::fs::create_dir_all(git.join("refs")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    // A bare repository (or a `--separate-git-dir`) has no `.git` in its name.
    let bare = dir.path().join("bare.git");
    std::fs::create_dir_all(bare.join("objects")).unwrap();
    std::fs::create_dir_all(bare.join("refs")).unwrap();
    std::fs::write(bare.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = read_tree(dir.path());
    for out in [
        "repo/.git",
        "repo/.git/rendered",
        "repo/.git/a/b",
        "bare.git",
        "bare.git/out",
    ] {
        for command in ["render", "check", "diff"] {
            let o = platc(dir.path(), &[command, "-f", "platform.yaml", "-o", out]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{command} -o {out}: {}",
                stderr(&o)
            );
            assert!(stderr(&o).contains("Git"), "{}", stderr(&o));
        }
    }
    assert_eq!(read_tree(dir.path()), before, "something was written");
    // A folder beside `.git` is where the tree belongs.
    let o = platc(
        dir.path(),
        &["render", "-f", "platform.yaml", "-o", "repo/rendered"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
