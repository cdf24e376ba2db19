//! Semantic rules of `spec/blueprint.md`: everything a schema cannot say (names, CIDRs,
//! zones, versions, cross-references, provider applicability, secrets). Each file holds one
//! family of rules as `fn check(cx: &Cx, out: &mut Vec<Diagnostic>)`; all of them always run,
//! so one run reports every problem. Rules read the typed blueprint and point at the file
//! through the spanned tree; they never change anything.

pub mod secrets;

use crate::blueprint::load::Loaded;
use crate::blueprint::model::{Blueprint, Cluster};
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

    pub fn warning(
        &self,
        code: Code,
        path: &BlueprintPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::warning(code, message)
            .path(path)
            .at(self.source, self.span(path))
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
}

/// A family of rules.
pub type Rule = fn(&Cx<'_>, &mut Vec<Diagnostic>);

/// Every rule family, in a fixed order (the order only affects tie-breaks when sorting).
pub const RULES: &[(&str, Rule)] = &[];

/// Runs every rule and returns all diagnostics (errors and warnings).
pub fn run(loaded: &Loaded) -> Vec<Diagnostic> {
    let cx = Cx::new(loaded);
    let mut out = Vec::new();
    for (_, rule) in RULES {
        rule(&cx, &mut out);
    }
    out
}
