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

use crate::facts::addons::{ADDONS, Addon, EKS_ADDONS, EksAddon};
use crate::source::SourceFile;
use crate::tree::Tree;
use crate::yaml::read::{self, ReadOptions};

/// The version tables a rendered tree is held to.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Charts (HelmChartProxy, HelmRelease), by component.
    pub charts: &'a [Addon],
    /// EKS managed add-ons, by name and Kubernetes minor.
    pub eks: &'a [EksAddon],
}

/// platc's own tables: `facts::addons::{ADDONS, EKS_ADDONS}`.
pub const FACTS: Facts<'static> = Facts {
    charts: ADDONS,
    eks: EKS_ADDONS,
};

/// Every finding of a rendered tree, sorted by cluster, rule and object, against [`FACTS`].
pub fn check(tree: &Tree) -> Vec<Finding> {
    let docs = documents(tree);
    let findings = check_docs(&docs, &FACTS);
    // Freeing a fleet's documents takes as long as checking them: on another thread.
    rayon::spawn(move || drop(docs));
    findings
}

/// [`check`] over documents already parsed (path → documents), against `facts`.
pub fn check_docs(docs: &Docs, facts: &Facts<'_>) -> Vec<Finding> {
    rules::run(&extract::graph(docs), facts)
}

/// Whether the check reads `path`: the YAML of `clusters/`, `gitops/` and Kommander's
/// Installation.
pub fn read_by_the_check(path: &str) -> bool {
    (path.ends_with(".yaml") || path.ends_with(".yml"))
        && (path.starts_with("clusters/")
            || path.starts_with("gitops/")
            || path == crate::naming::INSTALLATION_PATH)
}

/// The YAML documents of the files the check reads. A file that does not read is left out:
/// the output gate and `validate` report it.
pub fn documents(tree: &Tree) -> Docs {
    read_docs(tree, &read_by_the_check)
}

/// The documents of the files the check reads: `known` (path → documents) where it has a
/// file, read from the bytes otherwise. `platc validate` passes the values the compile
/// generated, which its output gate proved the bytes read back as, moved rather than read
/// again; only the files the emitter added (the Kustomizations) are read.
pub fn docs_of(tree: &Tree, mut known: Docs) -> Docs {
    known.retain(|path, _| read_by_the_check(path));
    let read = read_docs(tree, &|path| {
        read_by_the_check(path) && !known.contains_key(path)
    });
    known.extend(read);
    known
}

/// One file's documents: the reader's short road where it takes the file, else the full
/// reader; `None` when it does not read.
fn read_file(path: &str, bytes: &[u8]) -> Option<Vec<serde_json::Value>> {
    let text = std::str::from_utf8(bytes).ok()?;
    crate::overlay::fast_read::documents(text).or_else(|| {
        let src = SourceFile::new(path, text);
        read::read_stream(&src, &ReadOptions::kustomize())
            .ok()
            .map(|nodes| nodes.into_iter().map(|n| n.into_json()).collect())
    })
}

/// The YAML documents of the files of `tree` that `keep` selects, each read on the reader's
/// short road where it takes the file, else by the full reader; a file that does not read is
/// left out.
pub fn read_docs(tree: &Tree, keep: &(dyn Fn(&str) -> bool + Sync)) -> Docs {
    use rayon::prelude::*;
    let files: Vec<(&str, &[u8])> = tree.files().filter(|(path, _)| keep(path)).collect();
    // Files are independent: read in parallel.
    files
        .par_iter()
        .filter_map(|&(path, bytes)| Some((path.to_string(), read_file(path, bytes)?)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}
