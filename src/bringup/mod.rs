//! The bring-up check: would every cluster of a rendered tree come up whole, in order, from
//! Git? A pure function of the tree's bytes (what `pipeline::compile` produces), run by
//! `platc validate` and the test suite. Per cluster it checks that the graph of what installs
//! what is complete and acyclic (every custom resource is applied after what installs its
//! CRD), that every values file is consumed by exactly one release, that no component is
//! installed twice, and that every chart and add-on version is in `facts::addons::ADDONS`.
//!
//! - [`extract`]: the one place that knows object shapes; builds the [`model::Graph`].
//! - [`crds`]: which component installs which CRD group, with upstream sources.
//! - [`rules`]: the rules over the graph. [`finding`]: what they report.

pub mod crds;
pub mod extract;
pub mod finding;
pub mod model;
pub mod rules;
#[cfg(test)]
mod tests;

pub use extract::Docs;
pub use finding::{Finding, Rule};

use crate::facts::addons::{ADDONS, Addon};
use crate::source::SourceFile;
use crate::tree::Tree;
use crate::yaml::read::{self, ReadOptions};

/// Every finding of a rendered tree, sorted by cluster, rule and object, against the facts
/// table `facts::addons::ADDONS`.
pub fn check(tree: &Tree) -> Vec<Finding> {
    check_docs(&documents(tree), ADDONS)
}

/// [`check`] over documents already parsed (path → documents), against a facts table.
pub fn check_docs(docs: &Docs, facts: &[Addon]) -> Vec<Finding> {
    rules::run(&extract::graph(docs, facts), facts)
}

/// Whether the check reads `path`: the YAML of `clusters/`, `gitops/` and Kommander's
/// Installation.
fn read_by_the_check(path: &str) -> bool {
    (path.ends_with(".yaml") || path.ends_with(".yml"))
        && (path.starts_with("clusters/")
            || path.starts_with("gitops/")
            || path == crate::naming::INSTALLATION_PATH)
}

/// The YAML documents of the files the check reads. A file that does not read is left out:
/// the output gate and `validate` report it.
pub fn documents(tree: &Tree) -> Docs {
    let mut docs = Docs::new();
    for (path, bytes) in tree.files() {
        if !read_by_the_check(path) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let values = crate::overlay::fast_read::documents(text).or_else(|| {
            let src = SourceFile::new(path, text);
            read::read_stream(&src, &ReadOptions::kustomize())
                .ok()
                .map(|nodes| nodes.into_iter().map(|n| n.into_json()).collect())
        });
        if let Some(values) = values {
            docs.insert(path.to_string(), values);
        }
    }
    docs
}
