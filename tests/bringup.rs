//! The bring-up check (`platc::bringup`) on every golden tree: each cluster comes up whole,
//! in order, with no values file orphaned, nothing installed twice and every version in the
//! facts table. The mutation tests are the module's unit tests (`src/bringup/tests.rs`).

use crate::support::{read_tree, root};

/// Every golden tree passes the bring-up check.
#[test]
fn every_golden_tree_comes_up_in_order() {
    let mut problems = Vec::new();
    let mut trees = 0;
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        let mut tree = platc::tree::Tree::new();
        for (path, bytes) in read_tree(&dir) {
            tree.insert(path, bytes);
        }
        trees += 1;
        for f in platc::bringup::check(&tree) {
            problems.push(format!("{}: {f}", dir.display()));
        }
    }
    assert!(trees >= 5, "golden trees went missing");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A management cluster whose ClusterIssuer needs Kommander's cert-manager, with no Flux
/// release of its own (node-role identity, no policy engine, no autoscaling): the add-ons
/// still wait for Kommander's cert-manager, through a Kustomization without `wait`.
#[test]
fn a_management_cluster_without_releases_still_waits_for_kommanders_cert_manager() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("blueprints/acme-letsencrypt-staging-node-role.yaml"))
            .unwrap();
    let text = text.replacen(
        "  clusters:\n",
        "  gitops:\n    flux:\n      url: https://git.example.cloud/p/r.git\n  clusters:\n",
        1,
    );
    assert!(
        text.contains("gitops:"),
        "the case's blueprint changed shape"
    );
    std::fs::write(dir.path().join("platform.yaml"), text).unwrap();
    let o = crate::support::platc(dir.path(), &["validate", "-f", "platform.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let o = crate::support::platc(dir.path(), &["render", "-f", "platform.yaml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let flux = std::fs::read_to_string(dir.path().join("out/gitops/flux/hub.yaml")).unwrap();
    assert!(
        !flux.contains("-releases"),
        "the case must have no releases:\n{flux}"
    );
    assert!(flux.contains("healthChecks"), "{flux}");
    assert!(flux.contains("dependsOn"), "{flux}");
}
