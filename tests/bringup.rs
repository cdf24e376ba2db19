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
