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
        (false, "clusters/.gitattributes"),
        (false, ".gitmodules"),
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

// ---- Nothing hangs, nothing reads without bound (item 4) ----

fn minimal() -> String {
    std::fs::read_to_string(root().join("blueprints/minimal-capa.yaml")).unwrap()
}

/// Runs platc and fails the test (killing it) when it takes longer than 20 s.
fn run_bounded(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(crate::support::PLATC)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("platc {args:?} blocked for 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    assert!(
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn an_audit_policy_that_is_a_fifo_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let text = minimal().replace(
        "  clusters:\n",
        "  security:\n    auditLog:\n      enabled: true\n      policy: policy.yaml\n  clusters:\n",
    );
    std::fs::write(dir.path().join("platform.yaml"), text).unwrap();
    mkfifo(&dir.path().join("policy.yaml"));
    for command in ["validate", "render", "check"] {
        let o = run_bounded(dir.path(), &[command, "-f", "platform.yaml"]);
        assert!(
            matches!(o.status.code(), Some(65 | 74)),
            "{command}: {:?} {}",
            o.status,
            stderr(&o)
        );
        assert!(stderr(&o).contains("FIFO"), "{command}: {}", stderr(&o));
    }
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn a_blueprint_that_is_a_device_or_a_fifo_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("fifo.yaml"));
    for (file, what) in [("/dev/zero", "device"), ("fifo.yaml", "FIFO")] {
        for command in ["validate", "render"] {
            let o = run_bounded(dir.path(), &[command, "-f", file]);
            assert_eq!(
                o.status.code(),
                Some(74),
                "{command} -f {file}: {}",
                stderr(&o)
            );
            assert!(stderr(&o).contains(what), "{}", stderr(&o));
        }
    }
}

#[test]
fn an_oversized_blueprint_is_read_only_up_to_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of one comment line: refused as too large, and platc reads 16 MiB + 1 of it.
    let f = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    f.set_len(64 << 20).unwrap();
    let o = run_bounded(dir.path(), &["validate", "-f", "big.yaml"]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stopped reading at 16777217 bytes"),
        "{}",
        stderr(&o)
    );
}

// ---- Exit codes and messages as documented (item 5) ----

#[test]
fn a_fractional_count_is_a_type_error_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to, path, at) in [
        (
            "      controlPlane:\n        replicas: 3\n",
            "      controlPlane:\n        replicas: 3.0\n",
            "spec.clusters[0].controlPlane.replicas",
            "platform.yaml:22:19",
        ),
        (
            "          replicas: 3\n",
            "          autoscaling: {min: 1.0, max: 3}\n",
            "spec.clusters[0].nodePools[0].autoscaling.min",
            "platform.yaml:27:30",
        ),
    ] {
        let text = minimal();
        assert!(text.contains(from));
        std::fs::write(dir.path().join("platform.yaml"), text.replacen(from, to, 1)).unwrap();
        for args in [&["validate"][..], &["render", "-o", "out"]] {
            let command = args[0];
            let o = platc(dir.path(), &[args, &["-f", "platform.yaml"]].concat());
            assert_eq!(o.status.code(), Some(65), "{command}: {}", stderr(&o));
            assert!(stderr(&o).contains(path), "{command}: {}", stderr(&o));
            assert!(stderr(&o).contains(at), "{command}: {}", stderr(&o));
            assert!(!stderr(&o).contains("bug"), "{}", stderr(&o));
        }
    }
}

#[test]
fn an_overlay_folder_linking_out_says_it_leaves_the_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("kustomization.yaml"),
        "commonAnnotations:\n  a: b\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("overlay")).unwrap();
    let text = minimal().replace(
        "  clusters:\n",
        "  overlays:\n    - path: overlay\n  clusters:\n",
    );
    std::fs::write(dir.path().join("platform.yaml"), text).unwrap();
    for args in [&["validate"][..], &["render", "-o", "out"]] {
        let o = platc(dir.path(), &[args, &["-f", "platform.yaml"]].concat());
        assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("leaves the blueprint's folder"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_corrupt_journal_gets_advice_that_works() {
    let dir = rendered();
    let journal = dir.path().join("out/.platc/pending.json");
    std::fs::write(&journal, "{\"formatVersion\": 1, \"files\": {").unwrap();
    let o = run(dir.path(), "render", &[]);
    assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
    let advice = stderr(&o);
    assert!(advice.contains("rm out/.platc/pending.json"), "{advice}");
    assert!(!advice.contains("git checkout"), "{advice}");
    // Follow it.
    std::fs::remove_file(&journal).unwrap();
    let o = run(dir.path(), "render", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(run(dir.path(), "check", &[]).status.code(), Some(0));
}

#[test]
fn dash_f_reads_standard_input_and_dash_o_is_refused_but_by_render() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    for (command, out) in [
        ("validate", None),
        ("render", Some("out")),
        ("check", Some("out")),
    ] {
        let mut args = vec![command, "-f", "-"];
        if let Some(out) = out {
            args.extend(["-o", out]);
        }
        let mut child = std::process::Command::new(crate::support::PLATC)
            .args(&args)
            .current_dir(dir.path())
            .env_clear()
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(minimal().as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
    }
    assert!(dir.path().join("out/README.md").exists());

    std::fs::write(dir.path().join("platform.yaml"), minimal()).unwrap();
    for command in ["check", "diff"] {
        let o = platc(dir.path(), &[command, "-f", "platform.yaml", "-o", "-"]);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(stderr(&o).contains("standard output"), "{}", stderr(&o));
        assert!(!dir.path().join("-").exists(), "{command} created `-`");
    }
    // `render -o -` is `platc build` (issue 24 item 2): the objects on standard output.
    let o = platc(dir.path(), &["render", "-f", "platform.yaml", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("kind: Cluster\n"), "{}", stdout(&o));
    assert!(!dir.path().join("-").exists(), "render created `-`");
}

/// `platc man | head`: the reader goes away; platc stops quietly (no message, no I/O error).
#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = rendered();
    for args in [
        &["man"][..],
        &["schema"],
        &["completions", "bash"],
        &["--help"],
        &["diff", "-f", "platform.yaml", "-o", "fresh"],
        &["explain", "README.md", "-f", "platform.yaml", "-o", "out"],
        &["kustomize", "out/clusters/blue/infrastructure"],
        &["validate", "-f", "platform.yaml"],
        &["render", "-f", "platform.yaml", "-o", "out"],
    ] {
        let mut child = std::process::Command::new(crate::support::PLATC)
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            !err.contains("error") && !err.contains("pipe"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn help_documents_exit_70_and_what_force_touches() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&platc(dir.path(), &["--help"]));
    assert!(help.contains("70 platc found a bug in itself"), "{help}");
    let render = stdout(&platc(dir.path(), &["render", "--help"]));
    assert!(!render.contains("files platc does not own"), "{render}");
    assert!(render.contains("never touched"), "{render}");
}

#[test]
fn a_wrong_indentation_is_called_one() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("      provider: capa", "     provider: capa"),
        (
            "        instanceType: m5.large",
            "          instanceType: m5.large",
        ),
        ("    region: eu-central-1", "   region: eu-central-1"),
    ] {
        std::fs::write(
            dir.path().join("platform.yaml"),
            minimal().replace(from, to),
        )
        .unwrap();
        let o = platc(dir.path(), &["validate", "-f", "platform.yaml"]);
        assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("check the indentation"),
            "{to}: {}",
            stderr(&o)
        );
    }
}

// ---- Limits Kubernetes enforces (item 6) ----

/// A workspace description becomes an annotation: beyond 256 KiB the API server refuses the
/// object, so platc refuses the blueprint, naming the field and its position.
#[test]
fn an_oversized_workspace_description_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("blueprints/platform-reference.yaml"))
        .unwrap()
        .replacen(
            "      description: Production workspace\n",
            &format!("      description: {}\n", "Production ".repeat(30_000)),
            1,
        );
    std::fs::write(dir.path().join("platform.yaml"), text).unwrap();
    for args in [&["validate"][..], &["render", "-o", "out"]] {
        let o = platc(dir.path(), &[args, &["-f", "platform.yaml"]].concat());
        assert_eq!(o.status.code(), Some(65), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("spec.workspaces[0].description"), "{err}");
        assert!(err.contains("platform.yaml:53:20"), "{err}");
        assert!(err.contains("262144 bytes"), "{err}");
    }
    assert!(!dir.path().join("out").exists());
}

/// Strings an overlay copies into labels and annotations are held to the same limits.
#[test]
fn an_overlay_label_or_annotation_beyond_the_api_servers_limits_is_refused() {
    for (kustomization, pointer) in [
        (
            "commonLabels:\n  team: a b\n".to_owned(),
            "/metadata/labels/team",
        ),
        (
            format!("commonAnnotations:\n  note: {}\n", "n".repeat(300 << 10)),
            "/metadata/annotations",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("overlay")).unwrap();
        std::fs::write(dir.path().join("overlay/kustomization.yaml"), kustomization).unwrap();
        let text = minimal().replace(
            "  clusters:\n",
            "  overlays:\n    - path: overlay\n  clusters:\n",
        );
        std::fs::write(dir.path().join("platform.yaml"), text).unwrap();
        let o = platc(dir.path(), &["render", "-f", "platform.yaml", "-o", "out"]);
        assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(pointer) && err.contains("overlay"), "{err}");
        assert!(!dir.path().join("out").exists());
    }
}
