//! `gitops.argocd` (issue 24 item 1): the same blueprint delivered by Argo CD instead of Flux
//! installs the same things in the same order (sync waves where Flux has `dependsOn`), the
//! bring-up check follows the waves and fails when one is out of order, and a blueprint with
//! both engines, or a bad Argo CD field, is refused with its location.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{compile, platc, read_tree, root, stderr};

const WAVE: &str = "argocd.argoproj.io/sync-wave";

fn tree_of(files: BTreeMap<String, Vec<u8>>) -> platc::tree::Tree {
    let mut tree = platc::tree::Tree::new();
    for (path, bytes) in files {
        tree.insert(&path, bytes);
    }
    tree
}

fn golden(case: &str) -> platc::tree::Tree {
    tree_of(read_tree(&root().join("golden").join(case)))
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Flux's order: (object, what it depends on), by name, for every Kustomization and
/// HelmRelease; a dependency in another namespace is kept with it (`ns/name`).
fn flux_edges(tree: &platc::tree::Tree) -> (Vec<String>, Vec<(String, String)>) {
    let mut objects = Vec::new();
    let mut edges = Vec::new();
    for docs in platc::bringup::documents(tree).values() {
        for d in docs {
            if !matches!(text(d, "/kind").as_str(), "Kustomization" | "HelmRelease")
                || !text(d, "/apiVersion").contains("fluxcd.io")
            {
                continue;
            }
            let name = text(d, "/metadata/name");
            let ns = text(d, "/metadata/namespace");
            objects.push(name.clone());
            for dep in d
                .pointer("/spec/dependsOn")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let dep_name = text(dep, "/name");
                let dep = match dep.get("namespace").and_then(Value::as_str) {
                    Some(other) if other != ns => format!("{other}/{dep_name}"),
                    _ => dep_name,
                };
                edges.push((name.clone(), dep));
            }
        }
    }
    objects.sort();
    (objects, edges)
}

/// Argo CD's Applications: name → (the folder of their file, i.e. the parent that syncs
/// them, and their sync wave).
fn argo_waves(tree: &platc::tree::Tree) -> BTreeMap<String, (String, i64)> {
    let mut out = BTreeMap::new();
    for (path, docs) in platc::bringup::documents(tree) {
        for d in docs {
            if text(&d, "/kind") != "Application" {
                continue;
            }
            let wave = d
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(WAVE))
                .and_then(Value::as_str)
                .map_or(0, |w| w.parse().expect("an integer wave"));
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            out.insert(text(&d, "/metadata/name"), (dir, wave));
        }
    }
    out
}

/// Every Flux Kustomization and HelmRelease has an Application of the same name, and every
/// `dependsOn` edge is a sibling in an earlier wave; a dependency outside the tree is
/// Kommander's (installed by the bootstrap before Argo CD delivers anything). Returns the
/// number of edges compared.
fn assert_same_order(case: &str, flux: &platc::tree::Tree, argo: &platc::tree::Tree) -> usize {
    let (objects, edges) = flux_edges(flux);
    let waves = argo_waves(argo);
    assert!(!objects.is_empty(), "{case}: no Flux objects to compare");
    for name in &objects {
        assert!(
            waves.contains_key(name),
            "{case}: Flux's {name} has no Argo CD Application"
        );
    }
    let mut compared = 0;
    for (from, to) in edges {
        if let Some((ns, _)) = to.split_once('/') {
            assert_eq!(
                ns, "kommander",
                "{case}: {from} waits for {to} outside the tree"
            );
            continue;
        }
        let (dir_from, wave_from) = &waves[&from];
        let (dir_to, wave_to) = &waves[&to];
        assert_eq!(
            dir_from, dir_to,
            "{case}: {from} depends on {to}, which another parent syncs"
        );
        assert!(
            wave_from > wave_to,
            "{case}: {from} (wave {wave_from}) depends on {to} (wave {wave_to}) in Flux"
        );
        compared += 1;
    }
    // No Flux object is left in the Argo CD tree.
    for docs in platc::bringup::documents(argo).values() {
        for d in docs {
            assert!(
                !text(d, "/apiVersion").contains("fluxcd.io"),
                "{case}: Argo CD's tree has a Flux object"
            );
        }
    }
    compared
}

#[test]
fn sync_waves_follow_fluxs_depends_on() {
    // The argocd case is the reference blueprint with `gitops.argocd`.
    let n = assert_same_order("reference", &golden("reference"), &golden("argocd"));
    assert!(n >= 6, "only {n} folder edges compared");
    // A cluster whose releases depend on each other: external-dns on the pod identity
    // webhook, the webhook on cert-manager.
    let flux_text =
        std::fs::read_to_string(root().join("blueprints/acme-custom-gitops.yaml")).unwrap();
    let argo_text = flux_text.replacen("    flux:\n", "    argocd:\n", 1);
    assert_ne!(flux_text, argo_text, "the case's blueprint changed shape");
    let flux = compile("platform.yaml", &flux_text).expect("the Flux case compiles");
    let argo = compile("platform.yaml", &argo_text).expect("the Argo CD case compiles");
    let releases_before = assert_same_order("acme-custom-gitops", &flux, &argo);
    let waves = argo_waves(&argo);
    assert_eq!(waves["records-external-dns"].1, 2, "{waves:?}");
    assert!(releases_before >= 4);
}

fn findings(tree: &platc::tree::Tree) -> Vec<String> {
    platc::bringup::check(tree)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Rewrites the document of `path` named `name` with `edit`.
fn edit_doc(
    files: &mut BTreeMap<String, Vec<u8>>,
    path: &str,
    name: &str,
    edit: &dyn Fn(&str) -> String,
) {
    let text = String::from_utf8(files[path].clone()).unwrap();
    let needle = format!("\n  name: {name}\n");
    let docs: Vec<String> = text
        .split("\n---\n")
        .map(|d| {
            if d.contains(&needle) {
                edit(d)
            } else {
                d.to_string()
            }
        })
        .collect();
    let changed = docs.join("\n---\n");
    assert_ne!(changed, text, "{path}: {name} not found or unchanged");
    files.insert(path.to_string(), changed.into_bytes());
}

#[test]
fn the_argocd_golden_comes_up_and_its_mutations_fail() {
    let files = read_tree(&root().join("golden/argocd"));
    assert_eq!(findings(&tree_of(files.clone())), Vec::<String>::new());

    // The add-ons in the releases' wave: the ClusterIssuer before cert-manager.
    let mut early = files.clone();
    edit_doc(
        &mut early,
        "gitops/argocd/sandbox-eks/applications.yaml",
        "demo-sandbox-eks-addons",
        &|d| d.replace(&format!("{WAVE}: \"3\""), &format!("{WAVE}: \"2\"")),
    );
    let f = findings(&tree_of(early));
    assert!(
        f.iter().any(
            |f| f.contains("clusters/sandbox-eks/addons/cert-manager.yaml")
                && f.contains("before its CRDs exist")
                && f.contains("[order]")
        ),
        "{f:#?}"
    );

    // Without the Application health check, no wave waits for an Application.
    let mut unhealthy = files.clone();
    unhealthy.remove("gitops/argocd/argocd-cm.yaml");
    let f = findings(&tree_of(unhealthy));
    assert!(
        f.iter()
            .any(|f| f.contains("cluster `legacy-kops`") && f.contains("[order]")),
        "{f:#?}"
    );

    // A values file no Application reads any more.
    let mut orphan = files.clone();
    edit_doc(
        &mut orphan,
        "clusters/sandbox-eks/releases/applications.yaml",
        "sandbox-eks-external-dns",
        &|d| d.replace("external-dns-values.yaml", "external-dns-values.yml"),
    );
    let f = findings(&tree_of(orphan));
    assert!(
        f.iter().any(|f| f.contains("external-dns-values.yaml") && f.contains("consumed by no release")),
        "{f:#?}"
    );
    assert!(
        f.iter()
            .any(|f| f.contains("external-dns-values.yml") && f.contains("not in the tree")),
        "{f:#?}"
    );

    // The same chart installed twice into a cluster: by Argo CD and by Kommander.
    let mut twice = files.clone();
    edit_doc(
        &mut twice,
        "clusters/management/releases/applications.yaml",
        "management-kyverno",
        &|d| {
            d.replace(
                "platc.io/component: kyverno",
                "platc.io/component: cert-manager",
            )
        },
    );
    let f = findings(&tree_of(twice));
    assert!(
        f.iter().any(
            |f| f.contains("installs `cert-manager` into cluster `management`")
                && f.contains("[twice]")
        ),
        "{f:#?}"
    );
}

#[test]
fn both_engines_and_bad_argocd_fields_are_refused_with_their_location() {
    let text = std::fs::read_to_string(root().join("blueprints/acme-custom-gitops.yaml")).unwrap();
    let both = text.replacen(
        "    flux:\n",
        "    argocd:\n      url: https://git.example.org/platform/rendered.git\n      project: Bad_Project\n    flux:\n",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("platform.yaml"), both).unwrap();
    let o = platc(dir.path(), &["validate", "-f", "platform.yaml"]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("spec.gitops.argocd: `gitops.flux` and `gitops.argocd` are both set"),
        "{err}"
    );
    assert!(err.contains("spec.gitops.argocd.project"), "{err}");
    // Both errors in one run, each at its line and column.
    assert!(err.contains("--> platform.yaml:32:7"), "{err}");
    assert!(err.contains("--> platform.yaml:33:16"), "{err}");
}
