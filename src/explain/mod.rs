//! `platc explain PATH[#field.path]`: which generator wrote a file of the rendered tree,
//! which parts of the blueprint it comes from (file:line:column), and, for one field, which
//! blueprint field decides it and how. It reads what generation recorded beside the output
//! (each file's [`Origin`] and generator name) and the generators' field rules
//! ([`rules`]), resolves them against the blueprint as written, and compares the field
//! with its value before the overlays to say when an overlay changed it. Pure: the CLI
//! compiles, this module explains, [`render`] lays it out.

pub mod field_path;
pub mod render;
pub mod rules;

use serde_json::Value;

use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::generate::origin::Step;
use crate::generate::{Content, FieldRule, Origin, Source};
use crate::naming;
use crate::output::review::Identity;
use crate::pipeline::Stages;
use crate::source::SourceFile;
use crate::yaml::node::{Node, NodeKind};
use crate::yaml::read::{self, ReadOptions};
use field_path::FieldPath;

/// What to explain: a path of the rendered tree and maybe one field of its objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub field: Option<FieldPath>,
}

impl Target {
    /// Parses `PATH[#field.path]`. A path that starts with the output folder (`rendered/…`)
    /// is taken relative to it.
    pub fn parse(text: &str, out_dir: &str) -> Result<Self, String> {
        let (path, field) = match text.split_once('#') {
            Some((p, f)) => (p, Some(FieldPath::parse(f)?)),
            None => (text, None),
        };
        let path = path.trim_start_matches("./");
        let out = out_dir.trim_start_matches("./").trim_end_matches('/');
        let path = match path.strip_prefix(out).and_then(|p| p.strip_prefix('/')) {
            Some(rest) if !out.is_empty() && out != "." => rest,
            _ => path,
        };
        if path.is_empty() {
            return Err("name a file of the rendered tree, as in `clusters/<cluster>/infrastructure/cluster.yaml`".into());
        }
        Ok(Self {
            path: path.to_string(),
            field: field.filter(|f| !f.0.is_empty()),
        })
    }
}

/// A place in the blueprint, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub path: BlueprintPath,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// One anchor of the file's origin, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub name: String,
    pub place: Place,
}

/// Where one field of one object (or of the file's document) comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldOrigin {
    /// `Kind namespace/name`; `None` for a plain document.
    pub object: Option<String>,
    pub value: Value,
    /// The field rule that matched, as written in the generator's table.
    pub rule: Option<&'static str>,
    /// The first candidate the blueprint writes.
    pub from: Option<Place>,
    /// Every candidate the rule names (resolved against this file's origin).
    pub candidates: Vec<BlueprintPath>,
    pub how: &'static str,
    /// The value differs from what the generator produced: an overlay changed it.
    pub changed_by_overlay: bool,
    /// What the generator wrote there before the overlays (when they changed it).
    pub generated: Option<Value>,
}

/// The explanation of one file (and maybe one field).
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub path: String,
    pub field: Option<FieldPath>,
    /// The generator's name; `emit` for kustomizations platc writes around the files.
    pub generator: String,
    pub anchors: Vec<Anchor>,
    /// `Kind namespace/name` of each object in the file.
    pub objects: Vec<String>,
    /// The overlays that apply to this file's cluster, in order.
    pub overlays: Vec<Place>,
    pub fields: Vec<FieldOrigin>,
}

/// Explains `target` from one compilation (made with the generators' output kept).
pub fn explain(stages: &Stages, target: &Target) -> Result<Explanation, Diagnostics> {
    let loaded = &stages.loaded;
    let at = Resolver {
        root: &loaded.root,
        source: &loaded.source,
    };
    let path = target.path.as_str();
    let (generator, origin, values) = match stages.output.get(path) {
        Some(file) => (
            file.generator.to_string(),
            stages.output.origin_of(path).cloned().unwrap_or_default(),
            content_values(&file.content),
        ),
        None => match stages.compiled.tree.get(path) {
            // Written by emission around the generators' files: kustomizations.
            Some(bytes) => (
                "emit (the folder's kustomization: its object files and sub-folders)".to_string(),
                cluster_of(path).map_or_else(Origin::platform, Origin::cluster),
                parse_values(path, bytes),
            ),
            None => return Err(unknown_file(stages, path).into()),
        },
    };
    let anchors = origin
        .anchors()
        .iter()
        .filter_map(|(name, source)| {
            let path = at.source_path(source)?;
            Some(Anchor {
                name: (*name).to_string(),
                place: at.place(&path),
            })
        })
        .collect();
    let objects = values
        .iter()
        .filter_map(|v| Identity::of(v).map(|(id, _)| label(&id)))
        .collect();
    let overlays = cluster_of(path).map(|c| at.overlays(c)).unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(field) = &target.field {
        let generated = stages
            .generated
            .as_ref()
            .and_then(|g| g.get(path))
            .map(|f| content_values(&f.content));
        for value in &values {
            let Some(found) = field.get(value) else {
                continue;
            };
            let kind = value.get("kind").and_then(Value::as_str);
            let rule = best_rule(&generator, kind, field);
            let candidates: Vec<BlueprintPath> = rule
                .map(|r| {
                    r.from
                        .iter()
                        .filter_map(|c| at.candidate(c, &origin))
                        .collect()
                })
                .unwrap_or_default();
            let from = candidates
                .iter()
                .find(|p| at.written(p))
                .map(|p| at.place(p));
            let before = generated
                .as_ref()
                .and_then(|g| counterpart(g, value))
                .and_then(|o| field.get(o));
            fields.push(FieldOrigin {
                object: Identity::of(value).map(|(id, _)| label(&id)),
                value: found.clone(),
                rule: rule.map(|r| r.field),
                from,
                candidates,
                how: rule.map_or("", |r| r.how),
                // Overlays change objects of clusters that have overlays, nothing else.
                changed_by_overlay: !overlays.is_empty()
                    && generated.is_some()
                    && before != Some(found),
                generated: before
                    .filter(|b| *b != found && !overlays.is_empty())
                    .cloned(),
            });
        }
        if fields.is_empty() {
            return Err(Diagnostic::error(
                Code::Usage,
                format!("no object in `{path}` has the field `{field}`"),
            )
            .help(format!(
                "run `platc explain {path}` to list its objects; fields are written as in `spec.template.spec.instanceType` or `metadata.labels[\"platc.io/cluster\"]`"
            ))
            .into());
        }
    }
    Ok(Explanation {
        path: path.to_string(),
        field: target.field.clone(),
        generator,
        anchors,
        objects,
        overlays,
        fields,
    })
}

fn label(id: &Identity) -> String {
    format!("{} {}", id.kind, id.qualified_name())
}

fn content_values(content: &Content) -> Vec<Value> {
    match content {
        Content::Objects(objects) => objects.clone(),
        Content::Document(doc) => vec![doc.clone()],
        Content::Text(_) | Content::Hcl(_) => Vec::new(),
    }
}

fn parse_values(path: &str, bytes: &[u8]) -> Vec<Value> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let src = SourceFile::new(path, text);
    read::read_stream(&src, &ReadOptions::kustomize())
        .map(|docs| docs.iter().map(Node::to_json).collect())
        .unwrap_or_default()
}

/// The cluster whose folder holds `path`.
fn cluster_of(path: &str) -> Option<&str> {
    path.strip_prefix("clusters/")?
        .split_once('/')
        .map(|(c, _)| c)
}

/// The generator's most specific rule for `field` of an object of `kind` (the longest
/// pattern; on a tie, the generator's own rules before the common ones, in table order).
fn best_rule(generator: &str, kind: Option<&str>, field: &FieldPath) -> Option<&'static FieldRule> {
    let mut best: Option<(usize, &'static FieldRule)> = None;
    for rule in rules::for_generator(generator) {
        if rule.kind != "*" && Some(rule.kind) != kind {
            continue;
        }
        let Ok(pattern) = field_path::pattern(rule.field) else {
            continue;
        };
        if field_path::covers(&pattern, field) && best.is_none_or(|(n, _)| pattern.len() > n) {
            best = Some((pattern.len(), rule));
        }
    }
    best.map(|(_, r)| r)
}

/// The object the generator produced for `value` (before overlays): same kind and name,
/// or, for a content-named template an overlay renamed, the same base name.
fn counterpart<'a>(generated: &'a [Value], value: &Value) -> Option<&'a Value> {
    let Some((id, _)) = Identity::of(value) else {
        // A plain document: the file's one document.
        return generated.first().filter(|_| generated.len() == 1);
    };
    let same = |v: &&Value| Identity::of(v).is_some_and(|(g, _)| g == id);
    if let Some(v) = generated.iter().find(same) {
        return Some(v);
    }
    let base = naming::template_base(&id.name)?;
    generated.iter().find(|v| {
        Identity::of(v).is_some_and(|(g, _)| {
            g.kind == id.kind
                && g.namespace == id.namespace
                && naming::template_base(&g.name) == Some(base)
        })
    })
}

/// An unknown path, with the closest paths the tree has.
fn unknown_file(stages: &Stages, path: &str) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::Usage,
        format!("`{path}` is not a file this blueprint renders"),
    );
    let paths: Vec<&str> = stages.compiled.tree.files().map(|(p, _)| p).collect();
    if let Some(best) = crate::suggest::did_you_mean(path, paths.iter().copied()) {
        d = d.help(format!("did you mean `{best}`?"));
    }
    d
}

/// Resolves origins and candidates against the blueprint as written.
struct Resolver<'a> {
    root: &'a Node,
    source: &'a SourceFile,
}

impl Resolver<'_> {
    /// The blueprint path of a [`Source`] (list entries found by their `name`).
    fn source_path(&self, source: &Source) -> Option<BlueprintPath> {
        let mut node = self.root;
        let mut path = BlueprintPath::root();
        for step in &source.0 {
            match step {
                Step::Field(key) => {
                    path = path.field(key);
                    node = node.get(key)?;
                }
                Step::Named(name) => {
                    let NodeKind::Seq(items) = &node.kind else {
                        return None;
                    };
                    let i = items
                        .iter()
                        .position(|item| item.get("name").and_then(Node::as_str) == Some(name))?;
                    path = path.index(i);
                    node = &items[i];
                }
            }
        }
        Some(path)
    }

    /// A rule's candidate (`pool.instanceType`, `spec.aws.region`) for a file's origin.
    fn candidate(&self, candidate: &str, origin: &Origin) -> Option<BlueprintPath> {
        let (head, rest) = candidate.split_once('.').unwrap_or((candidate, ""));
        let base = match head {
            "spec" | "metadata" | "apiVersion" | "kind" => BlueprintPath::root().field(head),
            anchor => self.source_path(origin.anchor(anchor)?)?,
        };
        Some(
            rest.split('.')
                .filter(|k| !k.is_empty())
                .fold(base, |p, k| p.field(k)),
        )
    }

    fn written(&self, path: &BlueprintPath) -> bool {
        self.root.locate(&path.to_pointer()).exact
    }

    /// Where a field is written (its key), or its nearest written parent.
    fn place(&self, path: &BlueprintPath) -> Place {
        let located = self.root.locate(&path.to_pointer());
        let span = located.key.map_or(located.node.span, |k| k.span);
        let at = self.source.line_col(span.start);
        Place {
            path: path.clone(),
            file: self.source.name().to_string(),
            line: at.line,
            column: at.column,
        }
    }

    /// `spec.overlays[*].path`, then the cluster's own `overlays[*].path`.
    fn overlays(&self, cluster: &str) -> Vec<Place> {
        let mut out = Vec::new();
        let mut list = |base: BlueprintPath| {
            let located = self.root.locate(&base.to_pointer());
            if let (true, NodeKind::Seq(items)) = (located.exact, &located.node.kind) {
                for i in 0..items.len() {
                    out.push(self.place(&base.index(i).field("path")));
                }
            }
        };
        list(BlueprintPath::root().field("spec").field("overlays"));
        if let Some(c) = self.source_path(&Source::cluster(cluster)) {
            list(c.field("overlays"));
        }
        out
    }
}

#[cfg(test)]
mod tests;
