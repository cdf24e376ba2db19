//! Issue 24 item 2: `render --cluster` renders and prunes one cluster's files only and keeps
//! the manifest right; `build` (and `render -o -`) prints the rendered Kubernetes objects and
//! writes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use crate::support::{docs, platc, read_tree, root, stderr, stdout};

const MANIFEST: &str = ".platc/manifest.json";
const GPU_POOL: &str = "clusters/batch/infrastructure/nodepool-gpu.yaml";
const EXTRA_POOL: &str = "clusters/mgmt/infrastructure/nodepool-extra.yaml";
const BATCH_WORKERS: &str = "clusters/batch/infrastructure/nodepool-workers.yaml";

/// `mixed-fleet` (clusters mgmt/capa, analytics/eks, batch/kops), with edits.
fn fleet() -> String {
    std::fs::read_to_string(root().join("blueprints/mixed-fleet.yaml")).unwrap()
}

/// mgmt gets a second pool, `extra`.
fn with_extra_pool(text: &str) -> String {
    let workers = "          instanceType: m5.2xlarge\n          replicas: 3\n";
    assert!(text.contains(workers));
    text.replacen(
        workers,
        &format!("{workers}        - name: extra\n          instanceType: m5.large\n          replicas: 1\n"),
        1,
    )
}

/// batch loses its `gpu` pool (the last entry of the blueprint's last cluster).
fn without_gpu_pool(text: &str) -> String {
    let start = text.find("        - name: gpu\n").expect("gpu pool");
    let end =
        text.find("effect: NoSchedule}\n").expect("gpu taint") + "effect: NoSchedule}\n".len();
    format!("{}{}", &text[..start], &text[end..])
}

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("platform.yaml"), text).unwrap();
}

/// `platc ARGS -f platform.yaml` in `dir`.
fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut argv = args.to_vec();
    argv.extend(["-f", "platform.yaml"]);
    platc(dir, &argv)
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
    stdout(o)
}

fn manifest(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("out").join(MANIFEST)).unwrap()
}

/// The manifest's file entries.
fn owned(dir: &Path) -> BTreeMap<String, String> {
    let m: serde_json::Value = serde_json::from_str(&manifest(dir)).unwrap();
    m["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// The same blueprint rendered in full into a fresh folder: what `out` must converge to.
fn fresh(text: &str) -> BTreeMap<String, Vec<u8>> {
    let scratch = tempfile::tempdir().unwrap();
    write(scratch.path(), text);
    ok(&run(scratch.path(), &["render", "-o", "out"]));
    read_tree(&scratch.path().join("out"))
}

#[test]
fn render_cluster_prunes_only_in_scope_and_check_names_what_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &with_extra_pool(&fleet()));
    ok(&run(dir, &["render", "-o", "out"]));
    let out = dir.join("out");
    assert!(out.join(GPU_POOL).exists() && out.join(EXTRA_POOL).exists());
    let before = owned(dir);

    // Both pools leave the blueprint; only batch is rendered.
    let v2 = without_gpu_pool(&fleet());
    write(dir, &v2);
    let summary = ok(&run(dir, &["render", "-o", "out", "--cluster", "batch"]));
    assert!(summary.contains("of cluster batch"), "{summary}");
    assert!(summary.contains("1 removed"), "{summary}");
    assert!(
        summary.contains("platform-wide and other clusters' files not rendered"),
        "{summary}"
    );
    assert!(
        summary.contains("out of date: `platc check` lists them"),
        "{summary}"
    );
    assert!(
        !out.join(GPU_POOL).exists(),
        "the named cluster's pool is pruned"
    );
    assert!(
        out.join(EXTRA_POOL).exists(),
        "another cluster's orphan is kept"
    );
    let after = owned(dir);
    assert!(!after.contains_key(GPU_POOL));
    // Out of the scope, the manifest's entries are exactly as they were.
    for (path, hash) in &before {
        if !path.starts_with("clusters/batch/") {
            assert_eq!(after.get(path), Some(hash), "{path}");
        }
    }
    for path in after.keys() {
        assert!(before.contains_key(path), "{path} was not owned before");
    }
    // The digest of a blueprint whose platform-wide files were not rendered is not claimed.
    let digest = |m: &str| {
        serde_json::from_str::<serde_json::Value>(m).unwrap()["blueprintSha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let full = fresh(&v2);
    let full_manifest = String::from_utf8(full[MANIFEST].clone()).unwrap();
    assert_ne!(digest(&manifest(dir)), digest(&full_manifest));

    // `check` names exactly the files a full render would still change.
    let on_disk = read_tree(&out);
    let mut stale: Vec<&str> = full
        .iter()
        .filter(|(p, b)| p.as_str() != MANIFEST && on_disk.get(*p) != Some(*b))
        .map(|(p, _)| p.as_str())
        .chain(
            on_disk
                .keys()
                .filter(|p| !full.contains_key(*p))
                .map(String::as_str),
        )
        .collect();
    stale.sort();
    assert!(
        stale.contains(&EXTRA_POOL) && stale.contains(&"README.md"),
        "{stale:?}"
    );
    assert!(
        !stale.iter().any(|p| p.starts_with("clusters/batch/")),
        "{stale:?}"
    );
    let check = run(dir, &["check", "-o", "out"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    let listed: Vec<String> = stdout(&check)
        .lines()
        .filter_map(|l| {
            let l = l
                .strip_prefix("~ ")
                .or(l.strip_prefix("- "))
                .or(l.strip_prefix("+ "))?;
            Some(l.split(" (").next().unwrap().to_owned())
        })
        .collect();
    assert_eq!(listed, stale, "{}", stdout(&check));

    // The other cluster next: its orphan goes; the README (platform-wide) still waits.
    let summary = ok(&run(dir, &["render", "-o", "out", "--cluster", "mgmt"]));
    assert!(summary.contains("1 removed"), "{summary}");
    assert!(!out.join(EXTRA_POOL).exists());
    let check = run(dir, &["check", "-o", "out"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("README.md"), "{}", stdout(&check));
    assert!(!stdout(&check).contains("clusters/"), "{}", stdout(&check));

    // A full render converges to exactly the fresh tree, manifest included.
    ok(&run(dir, &["render", "-o", "out"]));
    assert_eq!(read_tree(&out), full);
    ok(&run(dir, &["check", "-o", "out"]));
}

fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_change_inside_one_cluster_leaves_the_folder_as_a_full_render_would() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &fleet());
    ok(&run(dir, &["render", "-o", "out"]));
    let out = dir.join("out");

    // Unchanged blueprint: nothing to do, in scope or after.
    let manifest_before = manifest(dir);
    let times = mtimes(&out);
    let summary = ok(&run(
        dir,
        &[
            "render",
            "-o",
            "out",
            "--cluster",
            "batch",
            "--cluster",
            "analytics",
        ],
    ));
    assert!(
        summary.contains("of clusters analytics and batch"),
        "{summary}"
    );
    assert!(
        summary.contains("0 created, 0 changed, 0 removed"),
        "{summary}"
    );
    assert!(!summary.contains("out of date"), "{summary}");
    assert_eq!(
        mtimes(&out),
        times,
        "a scoped render of an unchanged blueprint wrote"
    );
    assert_eq!(manifest(dir), manifest_before);

    // A change that only the batch cluster's files show (a node label: the README's picture
    // shows pools' instance types and sizes, not their labels).
    let v2 = fleet().replace(
        "nvidia.com/gpu.present: \"true\"",
        "nvidia.com/gpu.present: \"yes\"",
    );
    assert_ne!(v2, fleet());
    write(dir, &v2);
    let summary = ok(&run(dir, &["render", "-o", "out", "--cluster", "batch"]));
    assert!(summary.contains("1 changed"), "{summary}");
    ok(&run(dir, &["check", "-o", "out"]));
    assert_eq!(
        read_tree(&out),
        fresh(&v2),
        "manifest and files as a full render's"
    );
    let times = mtimes(&out);
    let summary = ok(&run(dir, &["render", "-o", "out"]));
    assert!(
        summary.contains("0 created, 0 changed, 0 removed"),
        "{summary}"
    );
    assert_eq!(mtimes(&out), times);
}

#[test]
fn render_cluster_still_protects_hand_edits() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &fleet());
    ok(&run(dir, &["render", "-o", "out"]));
    let out = dir.join("out");
    let before = owned(dir);
    std::fs::write(out.join(BATCH_WORKERS), "# mine\n").unwrap();
    std::fs::write(out.join("README.md"), "# mine too\n").unwrap();
    write(dir, &fleet().replace("replicas: 2", "replicas: 5"));

    let summary = ok(&run(dir, &["render", "-o", "out", "--cluster", "batch"]));
    assert!(summary.contains("1 left alone"), "{summary}");
    assert!(
        summary.contains(&format!("skipped {BATCH_WORKERS}: edited by hand")),
        "{summary}"
    );
    assert!(
        !summary.contains("skipped README.md"),
        "out of scope: {summary}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join(BATCH_WORKERS)).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "# mine too\n"
    );
    let after = owned(dir);
    assert_eq!(
        after[BATCH_WORKERS], before[BATCH_WORKERS],
        "a hand edit stays detectable"
    );
    assert_eq!(after["README.md"], before["README.md"]);
    let check = stdout(&run(dir, &["check", "-o", "out"]));
    assert!(
        check.contains(BATCH_WORKERS) && check.contains("README.md"),
        "{check}"
    );

    // --force in scope overwrites the cluster's file, never the platform-wide one.
    ok(&run(
        dir,
        &["render", "-o", "out", "--cluster", "batch", "--force"],
    ));
    assert_ne!(
        std::fs::read_to_string(out.join(BATCH_WORKERS)).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "# mine too\n"
    );
    let check = stdout(&run(dir, &["check", "-o", "out"]));
    assert!(
        !check.contains(BATCH_WORKERS) && check.contains("README.md"),
        "{check}"
    );
}

#[test]
fn unknown_clusters_are_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &fleet());
    for args in [
        &["render", "-o", "out", "--cluster", "bacth"][..],
        &["build", "--cluster", "bacth"],
        &[
            "render",
            "-o",
            "-",
            "--cluster",
            "batch",
            "--cluster",
            "bacth",
        ],
    ] {
        let o = run(dir, args);
        assert_eq!(o.status.code(), Some(65), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("no cluster named `bacth`"), "{err}");
        assert!(err.contains("did you mean `batch`?"), "{err}");
        // Where the blueprint lists its clusters, as any error about a name it lacks.
        let line = 1 + fleet().lines().position(|l| l == "  clusters:").unwrap();
        assert!(
            err.contains(&format!("--> platform.yaml:{line}:3")),
            "{err}"
        );
    }
    assert!(!dir.join("out").exists(), "nothing was written");
}

/// Every file a kustomization of the tree lists (its `resources` that are files).
fn listed_files(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in tree {
        if !path.ends_with("kustomization.yaml") {
            continue;
        }
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let k = &docs(path, std::str::from_utf8(bytes).unwrap())[0];
        for r in k["resources"].as_array().into_iter().flatten() {
            let r = r.as_str().unwrap();
            if !r.ends_with('/') {
                out.push(format!("{dir}/{r}"));
            }
        }
    }
    out.sort();
    out
}

/// `stream` is the files' bytes, each whole, one after the other with `---` between.
fn assert_concatenation(stream: &[u8], files: &[&[u8]]) {
    let stream = std::str::from_utf8(stream).unwrap();
    let expected_len: usize =
        files.iter().map(|f| f.len()).sum::<usize>() + 4 * files.len().saturating_sub(1);
    assert_eq!(stream.len(), expected_len);
    let mut rest = stream;
    let mut left: Vec<&str> = files
        .iter()
        .map(|f| std::str::from_utf8(f).unwrap())
        .collect();
    while !rest.is_empty() {
        let i = left
            .iter()
            .position(|f| rest.starts_with(f))
            .unwrap_or_else(|| {
                panic!(
                    "no rendered file starts here: {}",
                    &rest[..rest.len().min(300)]
                )
            });
        rest = &rest[left.remove(i).len()..];
        if !rest.is_empty() {
            rest = rest
                .strip_prefix("---\n")
                .expect("a `---` line between files");
        }
    }
    assert!(left.is_empty());
}

#[test]
fn build_prints_the_rendered_kubernetes_files_and_writes_nothing() {
    for case in [
        "mixed-fleet",
        "reference",
        "capa-overlays",
        "kommander-demo",
    ] {
        let blueprint = root().join(format!("blueprints/{case}.yaml"));
        let golden = read_tree(&root().join("golden").join(case));
        let listed = listed_files(&golden);
        // The folder holds the blueprint's inputs; snapshot it whole (contents and times).
        let before = read_tree(&root().join("blueprints"));
        let o = platc(&root(), &["-q", "build", "-f", blueprint.to_str().unwrap()]);
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        assert_eq!(read_tree(&root().join("blueprints")), before);
        let files: Vec<&[u8]> = listed.iter().map(|p| golden[p].as_slice()).collect();
        assert_concatenation(&o.stdout, &files);
        // It reads as YAML, every document a Kubernetes object.
        for d in docs(case, &stdout(&o)) {
            assert!(
                d["apiVersion"].is_string() && d["kind"].is_string(),
                "{case}: {d}"
            );
            let api = d["apiVersion"].as_str().unwrap();
            assert!(!api.starts_with("kustomize.config.k8s.io/"), "{case}: {d}");
        }
        // Namespaces come before everything else.
        let kinds: Vec<String> = docs(case, &stdout(&o))
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_owned())
            .collect();
        if let Some(last_ns) = kinds.iter().rposition(|k| k == "Namespace") {
            assert!(
                kinds[..last_ns].iter().all(|k| k == "Namespace"),
                "{case}: {kinds:?}"
            );
        }
        // `render -o -` is the same command.
        let same = platc(
            &root(),
            &["-q", "render", "-f", blueprint.to_str().unwrap(), "-o", "-"],
        );
        assert_eq!(same.stdout, o.stdout, "{case}");
    }
}

#[test]
fn build_cluster_prints_only_that_clusters_objects() {
    let golden = read_tree(&root().join("golden/reference"));
    // The reference blueprint reads overlays beside it: run in its folder.
    let folder = root().join("blueprints");
    let before = read_tree(&folder);
    let build = |args: &[&str]| {
        let mut argv = vec!["-q"];
        argv.extend_from_slice(args);
        argv.extend(["-f", "reference.yaml"]);
        let o = platc(&folder, &argv);
        ok(&o);
        o.stdout
    };
    let eks = build(&["build", "--cluster", "sandbox-eks"]);
    let listed: Vec<String> = listed_files(&golden)
        .into_iter()
        .filter(|p| p.starts_with("clusters/sandbox-eks/") || p == "gitops/flux/sandbox-eks.yaml")
        .collect();
    assert!(
        listed.iter().any(|p| p.starts_with("gitops/")),
        "{listed:?}"
    );
    let files: Vec<&[u8]> = listed.iter().map(|p| golden[p].as_slice()).collect();
    assert_concatenation(&eks, &files);
    // kOps reads its cluster's infrastructure files, kubectl does not: not in the stream.
    let kops = build(&["build", "--cluster", "legacy-kops"]);
    let text = String::from_utf8(kops.clone()).unwrap();
    assert!(text.contains("kind: HelmRelease"), "{text}");
    assert!(!text.contains("kind: InstanceGroup"), "{text}");
    assert_eq!(
        build(&["render", "-o", "-", "--cluster", "legacy-kops"]),
        kops
    );
    // Two clusters: both streams' files, once each; deterministic.
    let both = build(&[
        "build",
        "--cluster",
        "legacy-kops",
        "--cluster",
        "sandbox-eks",
    ]);
    assert_eq!(both.len(), eks.len() + kops.len() + 4);
    assert_eq!(build(&["build", "--cluster", "sandbox-eks"]), eks);
    // Nothing was written beside the blueprint.
    assert_eq!(read_tree(&folder), before);
}

#[test]
fn build_takes_no_lock_and_touches_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &fleet());
    ok(&run(dir, &["render", "-o", "rendered"]));
    // Another render holds the folder's lock (as `output::write::Lock` takes it): a command
    // that took the lock would wait for it and fail.
    let lock = std::fs::File::create(dir.join("rendered/.platc/lock")).unwrap();
    lock.lock().unwrap();
    write(dir, &without_gpu_pool(&fleet()));
    let before = read_tree(dir);
    let times = mtimes(dir);
    for args in [
        &["build"][..],
        &["render", "-o", "-"],
        &["build", "--cluster", "batch"],
    ] {
        let started = std::time::Instant::now();
        ok(&run(dir, args));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "{args:?} waited"
        );
        assert_eq!(read_tree(dir), before, "{args:?} wrote");
        assert_eq!(mtimes(dir), times, "{args:?} touched a file");
    }
    // The lock is real: a render into the folder waits for it, then gives up.
    let o = run(dir, &["render", "-o", "rendered"]);
    assert_eq!(o.status.code(), Some(74), "{}", stderr(&o));
    assert!(stderr(&o).contains("lock"), "{}", stderr(&o));
    drop(lock);
}

#[test]
fn build_of_a_bad_blueprint_prints_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, &fleet().replace("provider: kops", "provider: kopz"));
    for args in [&["build"][..], &["render", "-o", "-"]] {
        let o = run(dir, args);
        assert_eq!(o.status.code(), Some(65), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains("platform.yaml:"), "{}", stderr(&o));
    }
    // `--force` with `-o -` has nothing to force.
    write(dir, &fleet());
    let o = run(dir, &["render", "-o", "-", "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    // check and diff still need a folder.
    for cmd in ["check", "diff"] {
        let o = run(dir, &[cmd, "-o", "-"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(stderr(&o).contains("platc build"), "{}", stderr(&o));
    }
}

/// The scope rule (by path, `output::scope`) agrees with where the generators say each file
/// comes from: every file a generator made for one cluster (its origin's `cluster` anchor)
/// is that cluster's by path, but Kommander's installation (platform-wide, `platform/`);
/// every file under `clusters/` names a cluster of the blueprint, and no file is one
/// cluster's by path and another's by origin. Over every golden blueprint, so a generator adding a per-cluster file
/// outside the rule fails here.
#[test]
fn the_scope_rule_agrees_with_the_generators_origins() {
    use platc::generate::origin::Step;
    use platc::output::scope::cluster_of;
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("blueprints")).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let input = platc::pipeline::Input {
            display_name: file.display().to_string(),
            file_name: file.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&file).unwrap(),
        };
        let beside = platc::beside::Disk::new(file.parent().unwrap());
        let Ok(stages) = platc::pipeline::compile_stages(&input, &beside, false) else {
            panic!("{} does not compile", file.display());
        };
        let clusters = &stages.compiled.clusters;
        for (path, _) in stages.compiled.tree.files() {
            let by_path = cluster_of(path);
            // A cluster's folder is one of the blueprint's clusters; elsewhere a name that
            // is none (`gitops/argocd/argocd-cm.yaml`) is a platform-wide file.
            let by_path = by_path.filter(|c| clusters.iter().any(|k| k == c));
            if path.starts_with("clusters/") {
                assert!(by_path.is_some(), "{path}: {clusters:?}");
            }
            let by_origin = stages
                .output
                .origin_of(path)
                .and_then(|o| o.anchor("cluster"))
                .and_then(|s| match s.0.last() {
                    Some(Step::Named(c)) => Some(c.as_str()),
                    _ => None,
                });
            match (by_origin, by_path) {
                (Some(o), Some(p)) => assert_eq!(o, p, "{path}"),
                (Some(_), None) => assert!(path.starts_with("platform/"), "{path}"),
                (None, _) => {}
            }
            checked += 1;
        }
        // Every kubectl file is listed by a kustomization of the tree, and back.
        let tree: BTreeMap<String, Vec<u8>> = stages
            .compiled
            .tree
            .files()
            .map(|(p, b)| (p.to_owned(), b.to_vec()))
            .collect();
        let kubectl: Vec<String> = stages.compiled.kubectl_files.keys().cloned().collect();
        assert_eq!(kubectl, listed_files(&tree), "{}", file.display());
    }
    assert!(checked > 500, "{checked}");
}
