//! Semantic rules of `spec/blueprint.md`: everything a schema cannot say (names, CIDRs,
//! zones, versions, cross-references, provider applicability, secrets). Each file holds one
//! family of rules as `fn check(cx: &Cx, out: &mut Vec<Diagnostic>)`; all of them always run,
//! so one run reports every problem. Rules read the typed blueprint and point at the file
//! through the spanned tree; they never change anything.

pub mod access;
pub mod api_access;
pub mod aws;
pub mod certificates;
pub mod clusters;
pub mod encryption;
pub mod iam;
pub mod identity;
pub mod image;
pub mod kommander;
pub mod mirror_path;
pub mod monitoring;
pub mod names;
pub mod network;
pub mod node_pools;
pub mod overlays;
pub mod platform;
pub mod providers;
pub mod registries;
pub mod secrets;
pub mod security;
pub mod syntax;
pub mod vpcs;
pub mod workspaces;

#[cfg(test)]
mod tests;

use crate::blueprint::load::Loaded;
use crate::blueprint::model::{Blueprint, Cluster, Partition};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::yaml::node::Node;

/// What a rule sees: the typed blueprint and the means to point at any of its fields.
pub struct Cx<'a> {
    pub bp: &'a Blueprint,
    pub source: &'a SourceFile,
    pub root: &'a Node,
}

impl<'a> Cx<'a> {
    pub fn new(loaded: &'a Loaded) -> Self {
        Self {
            bp: &loaded.blueprint,
            source: &loaded.source,
            root: &loaded.root,
        }
    }

    /// The span of the value at `path` (or of the nearest existing parent).
    pub fn span(&self, path: &BlueprintPath) -> Span {
        self.root.locate(&path.to_pointer()).node.span
    }

    /// The span of the key of the field at `path` (falls back to the value's span).
    pub fn key_span(&self, path: &BlueprintPath) -> Span {
        let located = self.root.locate(&path.to_pointer());
        located.key.map_or(located.node.span, |k| k.span)
    }

    /// Whether the blueprint writes the field at `path` (a default does not count).
    pub fn exists(&self, path: &BlueprintPath) -> bool {
        self.root.locate(&path.to_pointer()).exact
    }

    /// The 1-based line of the value at `path`, for messages that name a second place
    /// ("also on line 27").
    pub fn line(&self, path: &BlueprintPath) -> usize {
        self.source.line_col(self.span(path).start).line
    }

    /// An error about the value at `path`.
    pub fn error(
        &self,
        code: Code,
        path: &BlueprintPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, message)
            .path(path)
            .at(self.source, self.span(path))
    }

    /// An error about the field at `path` as a whole (pointing at its key).
    pub fn key_error(
        &self,
        code: Code,
        path: &BlueprintPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, message)
            .path(path)
            .at(self.source, self.key_span(path))
    }

    /// A warning about the value at `path`.
    pub fn warning(
        &self,
        code: Code,
        path: &BlueprintPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.error(code, path, message).into_warning()
    }

    /// A warning about the field at `path` as a whole (pointing at its key).
    pub fn key_warning(
        &self,
        code: Code,
        path: &BlueprintPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.key_error(code, path, message).into_warning()
    }

    pub fn spec(&self) -> BlueprintPath {
        BlueprintPath::root().field("spec")
    }

    pub fn cluster_path(&self, i: usize) -> BlueprintPath {
        self.spec().field("clusters").index(i)
    }

    pub fn clusters(&self) -> impl Iterator<Item = (usize, &'a Cluster, BlueprintPath)> + '_ {
        self.bp
            .spec
            .clusters
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c, self.cluster_path(i)))
    }

    /// The region a cluster runs in: its own `region`, else `spec.aws.region`.
    pub fn region_of(&self, cluster: &'a Cluster) -> Option<&'a str> {
        cluster
            .region
            .as_deref()
            .or_else(|| self.bp.spec.aws.as_ref().and_then(|a| a.region.as_deref()))
    }

    /// `spec.aws.partition`, defaulting to `aws`.
    pub fn partition(&self) -> Partition {
        self.bp
            .spec
            .aws
            .as_ref()
            .and_then(|a| a.partition)
            .unwrap_or_default()
    }
}

/// A family of rules.
pub type Rule = fn(&Cx<'_>, &mut Vec<Diagnostic>);

/// Every rule family, in a fixed order (the order only affects tie-breaks when sorting).
pub const RULES: &[(&str, Rule)] = &[
    ("names", names::check),
    ("aws", aws::check),
    ("clusters", clusters::check),
    ("network", network::check),
    ("api", api_access::check),
    ("vpcs", vpcs::check),
    ("node-pools", node_pools::check),
    ("platform", platform::check),
    ("iam", iam::check),
    ("certificates", certificates::check),
    ("identity", identity::check),
    ("kommander", kommander::check),
    ("registries", registries::check),
    ("security", security::check),
    ("encryption", encryption::check),
    ("access", access::check),
    ("monitoring", monitoring::check),
    ("overlays", overlays::check),
    ("workspaces", workspaces::check),
    ("providers", providers::check),
];

/// Runs every rule and returns all diagnostics (errors and warnings).
pub fn run(loaded: &Loaded) -> Vec<Diagnostic> {
    let cx = Cx::new(loaded);
    let mut out = Vec::new();
    for (_, rule) in RULES {
        rule(&cx, &mut out);
    }
    out
}
