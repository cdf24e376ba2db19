//! The overlay engine: a kustomization (the subset in [`kustomization`]) applied to a set of
//! Kubernetes objects, with kustomize v5.5.0's results. It knows nothing of blueprints.
//!
//! The pipeline is kustomize's: `patchesStrategicMerge`, `patches` (in list order), then
//! `namespace`, `labels` and `commonLabels`, `commonAnnotations`, `patchesJson6902`,
//! `replicas`, `images`, the namespace fix-ups of references, and the output order
//! ([`order`]). Selection ([`select`]) is kept apart from mutation: each kind of patch is
//! one filter ([`smp`] over [`merge`] with the merge keys of [`merge_keys`], [`json6902`]),
//! each transformer one filter ([`transform`]). [`build_dir`] is `kubectl kustomize DIR`.
//!
//! Cost is linear in the objects plus, for each patch, the size of the patch times the
//! objects it selects: resource files in the simple form are read on a short road
//! (`fast_read`), selection reads a `catalog` of small cards (and objects by kind), an
//! object known settled is merged along the patch's own fields only
//! (`merge::walk_settled`), and the `patches` phase goes object by object when that cannot
//! change the result (`by_object`). Each shortcut is checked against the plain road in
//! debug builds.

// A Diagnostic is built once per failure and carried up a few frames: its size is no cost.
#![allow(clippy::result_large_err)]

mod by_object;
mod catalog;
pub(crate) mod fast_read;
mod folder;
pub(crate) mod generator;
pub mod json6902;
pub mod kustomization;
pub mod merge;
pub mod merge_keys;
pub mod order;
pub mod select;
pub mod smp;
pub mod transform;

use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::beside::{self, Beside, Disk, Entry};
use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::yaml::node::{Node, NodeKind, Scalar, ScalarStyle};
use crate::yaml::read::{self, ReadOptions};
use crate::yaml::write;
use kustomization::{At, Kustomization, PatchEntry, PatchSource};
use merge_keys::split_api_version;
use select::Selector;
use smp::SmpOptions;

/// The largest file the overlay engine reads (a resource, a patch, a generator's file, a
/// kustomization): 1 GiB. kustomize has no cap; the blueprint keeps its 16 MiB
/// ([`read::DEFAULT_MAX_BYTES`]). A real 30,000-object folder is 24 MB, so 16 MiB was a
/// wall for fleets' own output; the cap is there so that a file that is no overlay input
/// (a disk image, /dev/zero behind a name) is refused before it is parsed, not to bound
/// memory: a build holds about 16 bytes per input byte (a 24 MB file builds in 386 MB;
/// `kubectl kustomize` holds ten times that, 148 MB for 0.9 MB), so a file near the cap
/// needs a machine of many GB, as it would with kustomize.
pub const MAX_INPUT_BYTES: usize = 1 << 30;

/// How overlay inputs are read: kustomize's reader ([`ReadOptions::kustomize`]) with the
/// overlay engine's own cap, [`MAX_INPUT_BYTES`].
pub fn read_options() -> ReadOptions {
    ReadOptions {
        max_bytes: MAX_INPUT_BYTES,
        ..ReadOptions::kustomize()
    }
}

/// One Kubernetes object under transformation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    /// The object.
    pub value: Value,
    /// The file it was read from and its document index there (empty for objects built in
    /// memory).
    pub origin: Origin,
    /// Ids the object had before (renames, namespace changes), oldest first: targets and
    /// `replicas` still find it by them.
    previous: Vec<ResId>,
}

/// Where a [`Resource`] came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub index: usize,
}

/// An object's identity: group, version, kind, name, namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResId {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    /// kustomize's equality: exact group, version, kind and name, namespaces compared as
    /// [`ResId::effective_namespace`].
    pub fn same_as(&self, o: &ResId) -> bool {
        self.group == o.group
            && self.version == o.version
            && self.kind == o.kind
            && self.name == o.name
            && self.effective_namespace() == o.effective_namespace()
    }
}

impl fmt::Display for ResId {
    /// kustomize's form: `Deployment.v1.apps/web.shop`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |s: &str, e: &'static str| {
            if s.is_empty() {
                e.to_string()
            } else {
                s.to_string()
            }
        };
        write!(
            f,
            "{}.{}.{}/{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]"),
            self.name,
            or(&self.namespace, "[noNs]")
        )
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The text of a top-level field (`kind`, `apiVersion`), "" when it is not a string.
fn top_str<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// The text of a field of `metadata` (`name`, `namespace`), "" when it is not a string.
fn meta_str<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// A [`ResId`] borrowed from an object's value: what selection compares for every object
/// and every patch, without building strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdRef<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: &'a str,
}

impl<'a> IdRef<'a> {
    pub fn of(v: &'a Value) -> IdRef<'a> {
        let (group, version) = split_api_version(top_str(v, "apiVersion"));
        IdRef {
            group,
            version,
            kind: top_str(v, "kind"),
            name: meta_str(v, "name"),
            namespace: meta_str(v, "namespace"),
        }
    }

    pub fn from_id(id: &'a ResId) -> IdRef<'a> {
        IdRef {
            group: &id.group,
            version: &id.version,
            kind: &id.kind,
            name: &id.name,
            namespace: &id.namespace,
        }
    }

    pub fn to_owned(self) -> ResId {
        ResId {
            group: self.group.to_string(),
            version: self.version.to_string(),
            kind: self.kind.to_string(),
            name: self.name.to_string(),
            namespace: self.namespace.to_string(),
        }
    }

    /// [`ResId::effective_namespace`].
    pub fn effective_namespace(self) -> &'a str {
        effective_namespace(self.group, self.version, self.kind, self.namespace)
    }

    /// [`ResId::same_as`].
    pub fn same_as(self, o: IdRef<'_>) -> bool {
        self.group == o.group
            && self.version == o.version
            && self.kind == o.kind
            && self.name == o.name
            && self.effective_namespace() == o.effective_namespace()
    }
}

/// The namespace kustomize compares: "default" for none, and a marker no target can name
/// for cluster-scoped kinds (`EffectiveNamespace`).
fn effective_namespace<'a>(group: &str, version: &str, kind: &str, namespace: &'a str) -> &'a str {
    if !merge_keys::is_namespaceable(group, version, kind) {
        "_non_namespaceable_"
    } else if namespace.is_empty() {
        "default"
    } else {
        namespace
    }
}

impl Resource {
    pub fn new(value: Value) -> Resource {
        Resource {
            value,
            origin: Origin::default(),
            previous: Vec::new(),
        }
    }

    pub fn with_origin(value: Value, origin: Origin) -> Resource {
        Resource {
            value,
            origin,
            previous: Vec::new(),
        }
    }

    /// The current id.
    pub fn id(&self) -> ResId {
        id_of(&self.value)
    }

    /// The current id, borrowed.
    pub(crate) fn id_ref(&self) -> IdRef<'_> {
        IdRef::of(&self.value)
    }

    /// The id the object had first.
    pub fn org_id(&self) -> ResId {
        self.previous.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Every id the object had, the current one first.
    pub fn ids(&self) -> Vec<ResId> {
        let mut out = vec![self.id()];
        out.extend(self.previous.iter().cloned());
        out
    }

    /// Records the current id as a former one (kustomize's `StorePreviousId`).
    pub fn store_previous_id(&mut self) {
        let id = self.id();
        self.previous.push(id);
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        meta_string(&self.value, "labels", key)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        meta_string(&self.value, "annotations", key)
    }
}

fn meta_string<'a>(v: &'a Value, map: &str, key: &str) -> Option<&'a str> {
    match v.get("metadata")?.get(map)?.get(key)? {
        Value::String(s) => Some(s),
        _ => Some(""),
    }
}

/// The id of an object value.
pub fn id_of(v: &Value) -> ResId {
    IdRef::of(v).to_owned()
}

/// The files of one overlay folder: `base` under the root of a [`Beside`], paths relative to
/// it, refusing paths that leave it. Diagnostics name files as `display` + the path.
pub struct Files<'a> {
    beside: &'a dyn Beside,
    base: String,
    display: String,
}

impl<'a> Files<'a> {
    /// The overlay folder `base` (relative to the root of `beside`); files are named
    /// `display/<path>` in diagnostics (`display` may be empty).
    pub fn new(beside: &'a dyn Beside, base: &str, display: &str) -> Files<'a> {
        Files {
            beside,
            base: base.trim_end_matches('/').to_string(),
            display: display.trim_end_matches('/').to_string(),
        }
    }

    /// How diagnostics name the file at `rel`.
    fn display_name(&self, rel: &str) -> String {
        let rel = beside::normalize(rel).unwrap_or_else(|| rel.to_string());
        if self.display.is_empty() {
            rel
        } else {
            format!("{}/{rel}", self.display)
        }
    }

    fn entry(&self, rel: &str) -> Entry {
        beside::join(&self.base, rel).map_or(Entry::Outside, |p| self.beside.entry(&p))
    }

    /// The folder `rel` below this one, with its own files.
    fn sub(&self, rel: &str) -> Files<'a> {
        let rel = beside::normalize(rel).unwrap_or_else(|| rel.to_string());
        Files {
            beside: self.beside,
            base: beside::join(&self.base, &rel).unwrap_or_default(),
            display: match beside::join(&self.display, &rel) {
                Some(d) => d,
                None => format!("{}/{rel}", self.display),
            },
        }
    }

    /// The folder `rel` once symbolic links are resolved, relative to the root: the same
    /// folder reached twice gives the same answer.
    fn real_path(&self, rel: &str) -> Option<String> {
        self.beside.real_path(&beside::join(&self.base, rel)?)
    }

    /// How diagnostics name this folder.
    fn folder_name(&self) -> String {
        if self.display.is_empty() {
            ".".to_string()
        } else {
            self.display.clone()
        }
    }

    /// The bytes at `rel` beside the kustomization, unplaced: the one read both readers share.
    fn read_raw(&self, rel: &str) -> Result<Vec<u8>, Diagnostic> {
        beside::join(&self.base, rel)
            .ok_or(beside::ReadError::Outside)
            .and_then(|p| self.beside.read(&p))
            .map_err(|e| Diagnostic::error(Code::Io, format!("cannot read `{rel}`: {e}")))
    }

    /// The bytes of the file at `rel` (a generator's file: any bytes, within the cap).
    fn read_bytes(&self, rel: &str, at: Option<(&SourceFile, &At)>) -> Result<Vec<u8>, Diagnostic> {
        let locate = |d: Diagnostic| match at {
            Some((src, at)) => d.at(src, at.span).path(&at.path),
            None => d,
        };
        let bytes = self.read_raw(rel).map_err(locate)?;
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(locate(Diagnostic::error(
                Code::Io,
                format!(
                    "`{}` is larger than the overlay engine's {} MiB cap",
                    self.display_name(rel),
                    MAX_INPUT_BYTES >> 20
                ),
            )));
        }
        Ok(bytes)
    }

    fn read(&self, rel: &str, at: Option<(&SourceFile, &At)>) -> Result<SourceFile, Diagnostic> {
        let locate = |d: Diagnostic| match at {
            Some((src, at)) => d.at(src, at.span).path(&at.path),
            None => d,
        };
        if let Some(problem) = kustomization::path_problem(rel) {
            return Err(locate(Diagnostic::error(
                Code::Path,
                format!("`{rel}` {problem}"),
            )));
        }
        if self.entry(rel) == Entry::Dir {
            return Err(locate(
                Diagnostic::error(
                    Code::Unsupported,
                    format!("`{rel}` is a folder, not a file"),
                )
                .help("a patch or a generator's source is a file"),
            ));
        }
        let bytes = self.read_raw(rel).map_err(locate)?;
        read::decode(&self.display_name(rel), &bytes, MAX_INPUT_BYTES)
    }

    /// Reads the folder's kustomization (`kustomization.yaml`, `.yml` or `Kustomization`).
    pub fn kustomization(&self) -> Result<Kustomization, Vec<Diagnostic>> {
        let names = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
        let found: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| self.entry(n) == Entry::File)
            .collect();
        let folder = self.folder_name();
        let name = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(vec![Diagnostic::error(
                    Code::Io,
                    format!("no kustomization.yaml in {folder}"),
                )]);
            }
            _ => {
                return Err(vec![Diagnostic::error(
                    Code::Io,
                    format!(
                        "{folder} has more than one kustomization file: {}",
                        found.join(", ")
                    ),
                )]);
            }
        };
        let src = self.read(name, None).map_err(|d| vec![d])?;
        let docs = read_docs(&src)?;
        let Some(root) = docs.first() else {
            return Err(vec![
                Diagnostic::error(Code::MissingField, "the kustomization is empty")
                    .in_file(src.name()),
            ]);
        };
        let mut k = kustomization::parse(&src, root)?;
        k.source = Some(src);
        Ok(k)
    }
}

impl Files<'_> {
    /// Reads the objects of the kustomization's `resources`: files, and folders built as
    /// nested kustomizations ([`folder`]); not the kustomization's own generators.
    pub fn resources(&self, k: &Kustomization) -> Result<Vec<Resource>, Vec<Diagnostic>> {
        folder::resources(self, k)
    }
}

/// Parses a YAML stream as kustomize reads Kubernetes YAML.
fn read_docs(src: &SourceFile) -> Result<Vec<Node>, Vec<Diagnostic>> {
    let mut docs = read::read_stream(src, &read_options())?;
    if let Some(last) = docs.last_mut() {
        trim_block_scalar_at_eof(src.text(), last);
    }
    Ok(docs)
}

/// A block scalar that ends the text without a line break has no final line break (go-yaml
/// v3; this is what makes kustomize's trimmed inline patches lose it). The reader adds one;
/// this takes it back, and does nothing once the reader gets it right.
fn trim_block_scalar_at_eof(text: &str, node: &mut Node) {
    if text.ends_with('\n') {
        return;
    }
    let mut n = node;
    loop {
        match &mut n.kind {
            NodeKind::Map(entries) => match entries.last_mut() {
                Some((_, v)) => n = v,
                None => return,
            },
            NodeKind::Seq(items) => match items.last_mut() {
                Some(v) => n = v,
                None => return,
            },
            NodeKind::Scalar { value, raw, style } => {
                if n.span.end == text.len()
                    && matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && let Scalar::String(s) = value
                {
                    let trimmed = s.trim_end_matches('\n').len();
                    s.truncate(trimmed);
                    let trimmed = raw.trim_end_matches('\n').len();
                    raw.truncate(trimmed);
                }
                return;
            }
        }
    }
}

/// Checks an object read from a file as kustomize does: a map with `kind` and
/// `metadata.name` (a `...List` kind needs no name); `kind: List`-like objects with `items`
/// are replaced by their items.
fn validated(v: Value, out: &mut Vec<Value>) -> Result<(), String> {
    let Value::Object(m) = &v else {
        return Err("a document is not a map".into());
    };
    let kind = m.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind.is_empty() {
        return Err("missing kind in object".into());
    }
    if kind.ends_with("List") {
        if let Some(Value::Array(items)) = m.get("items") {
            for item in items {
                validated(item.clone(), out)?;
            }
            return Ok(());
        }
        out.push(v);
        return Ok(());
    }
    if meta_str(&v, "name").is_empty() {
        return Err(format!("missing metadata.name in object of kind {kind}"));
    }
    out.push(v);
    Ok(())
}

/// Reads the objects of one resource file.
pub fn read_resources(src: &SourceFile) -> Result<Vec<Resource>, Vec<Diagnostic>> {
    // The short road for files in the simple form; the full reader for the others, and for
    // every file with a problem to report.
    if src.text().len() <= MAX_INPUT_BYTES
        && let Some(docs) = fast_read::documents(src.text())
        && let Some(out) = resources_of(src, docs)
    {
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            Ok(&out),
            read_resources_fully(src).as_ref(),
            "the short road reads {} otherwise",
            src.name()
        );
        return Ok(out);
    }
    read_resources_fully(src)
}

/// [`read_resources`] from values read on the short road; `None` when a document is not an
/// object (the full reader then says where).
fn resources_of(src: &SourceFile, docs: Vec<Value>) -> Option<Vec<Resource>> {
    let mut out = Vec::new();
    for (index, doc) in docs.into_iter().enumerate() {
        let mut values = Vec::new();
        validated(doc, &mut values).ok()?;
        for value in values {
            out.push(resource_from(src, value, index));
        }
    }
    Some(out)
}

/// An object read from document `index` of `src`.
fn resource_from(src: &SourceFile, mut value: Value, index: usize) -> Resource {
    // kustomize holds annotations as strings (`a: 1` is printed `a: "1"`).
    if let Some(Value::Object(a)) = value
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
    {
        for v in a.values_mut() {
            if !v.is_string() {
                *v = Value::String(merge::scalar_text(v));
            }
        }
    }
    Resource::with_origin(
        value,
        Origin {
            file: src.name().to_string(),
            index,
        },
    )
}

/// [`read_resources`] through the full reader.
fn read_resources_fully(src: &SourceFile) -> Result<Vec<Resource>, Vec<Diagnostic>> {
    let docs = read_docs(src)?;
    let mut out = Vec::new();
    for (index, doc) in docs.into_iter().enumerate() {
        let mut values = Vec::new();
        let span = doc.span;
        validated(doc.into_json(), &mut values)
            .map_err(|e| vec![Diagnostic::error(Code::MissingField, e).at(src, span)])?;
        for value in values {
            out.push(resource_from(src, value, index));
        }
    }
    Ok(out)
}

/// `platc kustomize DIR`: what `kubectl kustomize DIR` prints.
pub fn build_dir(dir: &Path) -> Result<String, Vec<Diagnostic>> {
    build(&Files::new(&Disk::new(dir), "", ""))
}

/// What `kubectl kustomize` prints for the overlay folder of `files`: the folder built as
/// kustomize builds a kustomization target ([`folder`]), then what kustomize does once, at
/// the top (api/internal/target/kusttarget.go `makeCustomizedResMap`, api/krusty/
/// kustomizer.go `Run`): reference fix-ups, local-config objects dropped, its annotations
/// removed, the top kustomization's sort.
pub fn build(files: &Files<'_>) -> Result<String, Vec<Diagnostic>> {
    let (mut resources, sort) = folder::accumulate(files)?;
    finish(&mut resources);
    order::sort(&mut resources, &sort);
    let values: Vec<Value> = resources.into_iter().map(|r| r.value).collect();
    let out = write_stream(&values);
    // Freeing thousands of objects is a noticeable part of a large build, and nobody waits
    // for it: another thread does it (the process may end first, which frees them too).
    if values.len() >= DROP_APART {
        std::thread::spawn(move || drop(values));
    }
    Ok(out)
}

/// [`write::to_yaml_stream`]; many objects are written in two halves at once, joined as
/// the stream joins documents.
fn write_stream(values: &[Value]) -> String {
    if values.len() < WRITE_APART {
        return write::to_yaml_stream(values);
    }
    let (first, second) = values.split_at(values.len() / 2);
    let (mut out, rest) = std::thread::scope(|s| {
        let rest = s.spawn(|| write::to_yaml_stream(second));
        let out = write::to_yaml_stream(first);
        (out, rest.join())
    });
    let rest = rest.unwrap_or_else(|_| write::to_yaml_stream(second));
    out.push_str("---\n");
    out.push_str(&rest);
    out
}

/// From how many objects [`write_stream`] writes two halves at once.
const WRITE_APART: usize = 500;

/// From how many objects [`build`] frees them on another thread.
const DROP_APART: usize = 1000;

/// Two objects with one id cannot both be loaded (kustomize: "may not add resource with an
/// already registered id").
fn check_unique(resources: &[Resource]) -> Result<(), Vec<Diagnostic>> {
    let mut ids: Vec<(ResId, usize)> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut id = r.id();
            id.namespace = id.effective_namespace().to_string();
            (id, i)
        })
        .collect();
    ids.sort();
    for w in ids.windows(2) {
        if w[0].0 == w[1].0 {
            let r = &resources[w[1].1];
            return Err(vec![
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("two objects have the id {}", r.id()),
                )
                .in_file(&r.origin.file),
            ]);
        }
    }
    Ok(())
}

/// One patch, read and classified.
#[derive(Clone, Debug)]
enum LoadedPatch {
    /// Strategic merge patch documents.
    Smp(Vec<Value>),
    Json(Vec<json6902::Operation>),
}

/// A kustomization with every patch it names read and parsed: apply it to as many sets of
/// objects as needed (the blueprint's platform-wide overlays apply once per cluster).
#[derive(Clone, Debug)]
pub struct Prepared {
    pub kustomization: Kustomization,
    patches_strategic_merge: Vec<LoadedPatch>,
    patches: Vec<LoadedPatch>,
    patches_json6902: Vec<LoadedPatch>,
}

impl Prepared {
    /// The kinds the patches' targets name, when a target names one literally (not a
    /// regex): the kinds these patches will change, known before they run.
    pub fn target_kinds(&self) -> impl Iterator<Item = &str> {
        let k = &self.kustomization;
        k.patches
            .iter()
            .chain(&k.patches_json6902)
            .filter_map(|p| p.target.as_ref()?.kind.as_deref())
            .filter(|kind| !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric()))
    }

    /// Where each patch is written, in the order they apply.
    pub fn patch_entries(&self) -> Vec<At> {
        let k = &self.kustomization;
        k.patches_strategic_merge
            .iter()
            .chain(&k.patches)
            .chain(&k.patches_json6902)
            .map(|p| p.at.clone())
            .collect()
    }

    /// The same kustomization with its first `n` patches only and no transformer: to find
    /// which patch made an object invalid.
    pub fn first_patches(&self, n: usize) -> Prepared {
        let k = &self.kustomization;
        let smp = n.min(k.patches_strategic_merge.len());
        let patches = (n - smp).min(k.patches.len());
        let json = (n - smp - patches).min(k.patches_json6902.len());
        Prepared {
            kustomization: Kustomization {
                source: k.source.clone(),
                patches_strategic_merge: k.patches_strategic_merge[..smp].to_vec(),
                patches: k.patches[..patches].to_vec(),
                patches_json6902: k.patches_json6902[..json].to_vec(),
                sort: k.sort.clone(),
                ..Kustomization::default()
            },
            patches_strategic_merge: self.patches_strategic_merge[..smp].to_vec(),
            patches: self.patches[..patches].to_vec(),
            patches_json6902: self.patches_json6902[..json].to_vec(),
        }
    }
}

/// Reads and parses every patch of `k` from `files`; all errors at once.
pub fn prepare(k: Kustomization, files: &Files<'_>) -> Result<Prepared, Vec<Diagnostic>> {
    let run = Run {
        k: &k,
        opts: ApplyOptions::default(),
        unmatched: std::cell::RefCell::new(Vec::new()),
        catalog: std::cell::RefCell::new(None),
        selected_nothing: std::cell::RefCell::new(Vec::new()),
    };
    let mut diags = Vec::new();
    let mut load = |entries: &[PatchEntry]| -> Vec<LoadedPatch> {
        entries
            .iter()
            .filter_map(|p| run.load(p, files).map_err(|d| diags.push(d)).ok())
            .collect()
    };
    let patches_strategic_merge = load(&k.patches_strategic_merge);
    let patches = load(&k.patches);
    let patches_json6902 = load(&k.patches_json6902);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Prepared {
        kustomization: k,
        patches_strategic_merge,
        patches,
        patches_json6902,
    })
}

/// How [`apply`] behaves where kustomize has one fixed behaviour.
#[derive(Clone, Copy, Debug)]
pub struct ApplyOptions {
    /// A strategic merge patch without a target that matches no object is skipped (and
    /// reported in [`Applied::unmatched`]) instead of failing: an overlay applied to each
    /// cluster in turn may name an object of one cluster only.
    pub unmatched_ok: bool,
    /// Sort the objects as kustomize prints them (off when the caller puts them back into
    /// their files).
    pub sort: bool,
    /// Report patches whose target selects nothing ([`Applied::selected_nothing`]): kustomize
    /// skips them silently, the blueprint's overlays refuse a patch that changes nothing.
    /// Patches then apply one after the other (the object-by-object road cannot tell).
    pub report_empty_targets: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            unmatched_ok: false,
            sort: true,
            report_empty_targets: false,
        }
    }
}

/// What one [`apply`] reports besides the objects.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Strategic merge patches without a target that matched no object (with
    /// [`ApplyOptions::unmatched_ok`]): where each is written, and the object id it wanted.
    pub unmatched: Vec<(At, String)>,
    /// Patches with a `target` that selected no object (with
    /// [`ApplyOptions::report_empty_targets`]).
    pub selected_nothing: Vec<At>,
}

/// The context of one `apply`: where errors point.
struct Run<'a> {
    k: &'a Kustomization,
    opts: ApplyOptions,
    unmatched: std::cell::RefCell<Vec<(At, String)>>,
    selected_nothing: std::cell::RefCell<Vec<At>>,
    /// Built on the first patch with a target, dropped by [`Run::changed`].
    catalog: std::cell::RefCell<Option<catalog::Catalog>>,
}

impl Run<'_> {
    /// The objects `keep` accepts, in order, looking only at objects that have or had `kind`
    /// when one is given (`keep` must refuse objects that never had it).
    fn select(
        &self,
        resources: &[Resource],
        kind: Option<&str>,
        keep: impl Fn(catalog::Selectable<'_>) -> bool,
    ) -> Vec<usize> {
        let mut catalog = self.catalog.borrow_mut();
        let catalog = catalog.get_or_insert_with(|| catalog::Catalog::build(resources));
        let candidates: Vec<usize> = match kind {
            Some(kind) => catalog.of_kind(resources, kind).to_vec(),
            None => (0..resources.len()).collect(),
        };
        let selected: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| keep(catalog.get(resources, i)))
            .collect();
        #[cfg(debug_assertions)]
        if kind.is_some() {
            let all: Vec<usize> = (0..resources.len())
                .filter(|&i| keep(catalog.get(resources, i)))
                .collect();
            debug_assert_eq!(selected, all, "the index of objects by kind is out of step");
        }
        selected
    }

    /// Object `i` was patched: what selection knows of it is read again.
    fn touched(&self, resources: &[Resource], i: usize) {
        if let Some(catalog) = self.catalog.borrow_mut().as_mut() {
            catalog.refresh(resources, i);
        }
    }

    /// Whether object `i` is known settled (see `merge::walk_settled`).
    fn settled(&self, i: usize) -> bool {
        self.catalog.borrow().as_ref().is_some_and(|c| c.settled(i))
    }

    /// Object `i` was merged: what selection knows of it is read again, and whether it is
    /// settled is what the merge found.
    fn merged(&self, resources: &[Resource], i: usize, settled: bool) {
        if let Some(catalog) = self.catalog.borrow_mut().as_mut() {
            catalog.refresh(resources, i);
            catalog.set_settled(i, settled);
        }
    }

    /// Drops what selection knows of the objects: some were removed, or a transformer ran.
    fn changed(&self) {
        *self.catalog.borrow_mut() = None;
    }

    fn error(&self, code: Code, at: &At, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(code, message);
        match &self.k.source {
            Some(src) => d.at(src, at.span).path(&at.path),
            None => d.path(&at.path),
        }
    }

    fn load(&self, p: &PatchEntry, files: &Files<'_>) -> Result<LoadedPatch, Diagnostic> {
        let (name, text) = match &p.source {
            PatchSource::Path(rel) => {
                let src = files.read(rel, self.k.source.as_ref().map(|s| (s, &p.at)))?;
                (src.name().to_string(), src.text().to_string())
            }
            PatchSource::Inline(text) => (format!("{} (inline)", p.at.path), text.clone()),
        };
        let smp = read_docs(&SourceFile::new(name.clone(), text.clone()))
            .ok()
            .and_then(|docs| {
                let mut out = Vec::new();
                for d in &docs {
                    let v = d.to_json();
                    // A patch document needs a kind and a name, as a resource does.
                    if !v.is_object()
                        || str_at(&v, "/kind").is_empty()
                        || str_at(&v, "/metadata/name").is_empty()
                    {
                        return None;
                    }
                    out.push(v);
                }
                Some(out)
            });
        let json = json6902::parse(&name, &text);
        match (smp, json) {
            (Some(docs), Ok(Some(ops))) if !docs.is_empty() && !ops.is_empty() => Err(self.error(
                Code::Format,
                &p.at,
                "the patch reads both as a strategic merge patch and as a JSON patch",
            )),
            (Some(docs), _) => Ok(LoadedPatch::Smp(docs)),
            (None, Ok(Some(ops))) => Ok(LoadedPatch::Json(ops)),
            (None, Err(e)) => Err(self.error(Code::Format, &p.at, format!("cannot read the JSON patch: {e}"))),
            (None, Ok(None)) => Err(self
                .error(
                    Code::Format,
                    &p.at,
                    "unable to parse the patch as a strategic merge patch or a JSON patch",
                )
                .help("a strategic merge patch needs `apiVersion`, `kind` and `metadata.name`; a JSON patch is a list of operations")),
        }
    }

    fn matcher(&self, sel: &Selector, at: &At) -> Result<select::Matcher, Diagnostic> {
        sel.compile().map_err(|e| {
            self.error(
                Code::Format,
                at,
                format!("target `{}`: {}", e.field, e.message),
            )
        })
    }

    /// Applies one `patches` entry (or `patchesStrategicMerge` entry with `legacy`).
    fn patch(
        &self,
        resources: &mut Vec<Resource>,
        p: &PatchEntry,
        loaded: &LoadedPatch,
        json_only: bool,
    ) -> Result<(), Diagnostic> {
        let opts = SmpOptions {
            allow_name_change: p.allow_name_change,
            allow_kind_change: p.allow_kind_change,
        };
        match loaded {
            LoadedPatch::Smp(_) if json_only => Err(self.error(
                Code::Format,
                &p.at,
                "a `patchesJson6902` entry must be a JSON patch (a list of operations)",
            )),
            LoadedPatch::Smp(docs) => match &p.target {
                Some(sel) => {
                    if docs.len() > 1 {
                        return Err(self.error(
                            Code::Format,
                            &p.at,
                            "a patch with a `target` must hold one strategic merge patch, not several",
                        ));
                    }
                    let m = self.matcher(sel, &p.at)?;
                    let Some(patch) = docs.first() else {
                        return Ok(());
                    };
                    let selected = self.select(resources, m.exact_kind(), |s| m.selects(s));
                    if selected.is_empty() {
                        self.selected_nothing.borrow_mut().push(p.at.clone());
                    }
                    self.smp_all(resources, &selected, patch, opts, p, true)
                }
                None => {
                    for patch in docs {
                        let want_ref = IdRef::of(patch);
                        let found = self.select(resources, Some(want_ref.kind), |s| {
                            s.any_id(|id| id.same_as(want_ref))
                        });
                        let want = want_ref.to_owned();
                        match found.as_slice() {
                            [i] => self.smp_all(resources, &[*i], patch, opts, p, false)?,
                            [] if self.opts.unmatched_ok => {
                                self.unmatched
                                    .borrow_mut()
                                    .push((p.at.clone(), want.to_string()));
                            }
                            [] => {
                                return Err(self
                                    .error(
                                        Code::Reference,
                                        &p.at,
                                        format!("no resource matches strategic merge patch {want}"),
                                    )
                                    .help("without a `target`, a patch applies to the object with its apiVersion, kind, name and namespace"));
                            }
                            _ => {
                                return Err(self.error(
                                    Code::Reference,
                                    &p.at,
                                    format!("several resources match strategic merge patch {want}"),
                                ));
                            }
                        }
                    }
                    Ok(())
                }
            },
            LoadedPatch::Json(ops) => {
                let Some(sel) = &p.target else {
                    return Err(self.error(
                        Code::MissingField,
                        &p.at,
                        "a JSON patch needs a `target`: it names no object of its own",
                    ));
                };
                let m = self.matcher(sel, &p.at)?;
                // Selected all at once: a patch that changes an object's kind or name does
                // not change which objects come after it.
                let selected = self.select(resources, m.exact_kind(), |s| m.selects(s));
                if selected.is_empty() {
                    self.selected_nothing.borrow_mut().push(p.at.clone());
                }
                for i in selected {
                    self.json_one(&mut resources[i], ops, p)?;
                    self.touched(resources, i);
                }
                Ok(())
            }
        }
    }

    /// One JSON patch on one object, in place.
    fn json_one(
        &self,
        r: &mut Resource,
        ops: &[json6902::Operation],
        p: &PatchEntry,
    ) -> Result<(), Diagnostic> {
        r.store_previous_id();
        let Resource {
            value, previous, ..
        } = r;
        // The id before the patch (just stored), for errors.
        let id = || previous.last().map(ResId::to_string).unwrap_or_default();
        // kustomize's objects always carry annotations of its own while they are
        // transformed, so a JSON patch can add one to an object that has none.
        if let Some(Value::Object(meta)) = value.get_mut("metadata") {
            match meta.get_mut("annotations") {
                Some(a) if !a.is_null() => {}
                Some(a) => *a = Value::Object(Default::default()),
                None => {
                    meta.insert("annotations".into(), Value::Object(Default::default()));
                }
            }
        }
        json6902::apply(value, ops)
            .map_err(|e| self.error(Code::Reference, &p.at, format!("{e} (in {})", id())))?;
        if !value.is_object() {
            return Err(self.error(
                Code::Type,
                &p.at,
                format!("the JSON patch leaves {} not an object", id()),
            ));
        }
        rewrite_annotations(value);
        Ok(())
    }

    /// One strategic merge patch on one object, in place. `Ok(Some(settled))`: merged, and
    /// whether the object is known settled now (`settled`: whether it was); `Ok(None)`: the
    /// patch deleted it. `id` names the object in an error.
    #[allow(clippy::too_many_arguments)]
    fn smp_one(
        &self,
        r: &mut Resource,
        patch: &Value,
        opts: SmpOptions,
        p: &PatchEntry,
        targeted: bool,
        settled: bool,
        id: impl FnOnce() -> ResId,
    ) -> Result<Option<bool>, Diagnostic> {
        let mut patch_copy;
        let api_version = r.value.get("apiVersion");
        let patch = if targeted && patch.get("apiVersion") != api_version {
            // The patch takes the target's apiVersion; its own kind stays (kustomize's
            // resWrangler.ApplySmPatch), and the kind comes back afterwards.
            patch_copy = patch.clone();
            if let (Value::Object(pm), Some(av)) = (&mut patch_copy, api_version) {
                pm.insert("apiVersion".into(), av.clone());
            }
            &patch_copy
        } else {
            patch
        };
        if opts.allow_name_change || opts.allow_kind_change {
            r.store_previous_id();
        }
        let value = std::mem::take(&mut r.value);
        match smp::apply_settled(value, patch, opts, settled) {
            Ok((Some(v), settled)) => {
                r.value = v;
                Ok(Some(settled))
            }
            Ok((None, _)) => Ok(None),
            Err(e) => {
                let at = if e.path.is_empty() {
                    String::new()
                } else {
                    format!(" at `{}`", e.path)
                };
                Err(self.error(
                    Code::Type,
                    &p.at,
                    format!(
                        "cannot apply the strategic merge patch to {}{at}: {}",
                        id(),
                        e.message
                    ),
                ))
            }
        }
    }

    /// Applies an SMP to the selected objects, in place; deleted objects leave the list.
    fn smp_all(
        &self,
        resources: &mut Vec<Resource>,
        selected: &[usize],
        patch: &Value,
        opts: SmpOptions,
        p: &PatchEntry,
        targeted: bool,
    ) -> Result<(), Diagnostic> {
        let mut deleted = Vec::new();
        for &i in selected {
            // The object is gone with a failed merge; its card still names it.
            let id = || {
                self.catalog
                    .borrow()
                    .as_ref()
                    .map(|c| c.id(i))
                    .unwrap_or_default()
            };
            match self.smp_one(
                &mut resources[i],
                patch,
                opts,
                p,
                targeted,
                self.settled(i),
                id,
            )? {
                Some(settled) => self.merged(resources, i, settled),
                None => deleted.push(i),
            }
        }
        if !deleted.is_empty() {
            self.changed();
        }
        if !deleted.is_empty() {
            // `deleted` is in ascending order, as `selected` is.
            let mut i = 0;
            let mut next = deleted.iter().peekable();
            resources.retain(|_| {
                let keep = next.next_if_eq(&&i).is_none();
                i += 1;
                keep
            });
        }
        Ok(())
    }
}

/// After a JSON patch kustomize reads the annotations back as strings and writes them again
/// (`GetAnnotations`/`SetAnnotations`): every value becomes its text, and an empty map goes.
fn rewrite_annotations(v: &mut Value) {
    let Some(Value::Object(meta)) = v.get_mut("metadata") else {
        return;
    };
    match meta.get_mut("annotations") {
        Some(Value::Object(a)) if !a.is_empty() => {
            for value in a.values_mut() {
                if !value.is_string() {
                    *value = Value::String(merge::scalar_text(value));
                }
            }
        }
        Some(_) => {
            meta.shift_remove("annotations");
        }
        None => {}
    }
}

/// Applies a prepared kustomization to `resources` in kustomize's pipeline order, finishes
/// them as kustomize does after a build, and sorts them as kustomize prints them (unless
/// `opts` says not to).
pub fn apply(
    resources: &mut Vec<Resource>,
    prepared: &Prepared,
    opts: ApplyOptions,
) -> Result<Applied, Vec<Diagnostic>> {
    let applied = transform(resources, prepared, opts)?;
    finish(resources);
    if opts.sort {
        order::sort(resources, &prepared.kustomization.sort);
    }
    Ok(applied)
}

/// The patches and transformers of one kustomization, in kustomize's pipeline order (its
/// `runTransformers`), without what kustomize does once after the whole build.
fn transform(
    resources: &mut Vec<Resource>,
    prepared: &Prepared,
    opts: ApplyOptions,
) -> Result<Applied, Vec<Diagnostic>> {
    let k = &prepared.kustomization;
    let run = Run {
        k,
        opts,
        unmatched: std::cell::RefCell::new(Vec::new()),
        catalog: std::cell::RefCell::new(None),
        selected_nothing: std::cell::RefCell::new(Vec::new()),
    };
    let one = |d: Diagnostic| vec![d];
    let plan: Vec<(&PatchEntry, &LoadedPatch)> = k
        .patches_strategic_merge
        .iter()
        .zip(&prepared.patches_strategic_merge)
        .chain(k.patches.iter().zip(&prepared.patches))
        .collect();
    #[cfg(debug_assertions)]
    let before = resources.clone();
    let by_object = if opts.report_empty_targets {
        None
    } else {
        by_object::apply(&run, resources, &plan)
    };
    match by_object {
        Some(done) => {
            #[cfg(debug_assertions)]
            {
                let mut expected = before;
                let reference = Run {
                    k,
                    opts,
                    unmatched: std::cell::RefCell::new(Vec::new()),
                    catalog: std::cell::RefCell::new(None),
                    selected_nothing: std::cell::RefCell::new(Vec::new()),
                };
                let got = plan
                    .iter()
                    .try_for_each(|(p, loaded)| reference.patch(&mut expected, p, loaded, false));
                debug_assert_eq!(
                    done.as_ref().map_err(|d| &d.message),
                    got.as_ref().map_err(|d| &d.message),
                    "object by object fails otherwise"
                );
                if done.is_ok() {
                    debug_assert!(
                        *resources == expected,
                        "object by object gives other objects"
                    );
                }
            }
            done.map_err(one)?;
        }
        None => {
            for (p, loaded) in &plan {
                run.patch(resources, p, loaded, false).map_err(one)?;
            }
        }
    }
    let at_key = |key: &str| At {
        span: k
            .source
            .as_ref()
            .and_then(|s| locate_key(s, key))
            .unwrap_or_default(),
        path: key.to_string(),
    };
    if let Some(ns) = &k.namespace {
        transform::namespace::apply(resources, ns)
            .map_err(|e| one(run.error(Code::DuplicateName, &at_key("namespace"), e)))?;
    }
    for (i, entry) in k.labels.iter().enumerate() {
        let extra: Vec<transform::fieldspec::FieldSpec> = entry
            .fields
            .iter()
            .map(|f| transform::fieldspec::FieldSpec {
                group: f.group.clone(),
                version: f.version.clone(),
                kind: f.kind.clone(),
                path: f.path.clone(),
                create: f.create,
            })
            .collect();
        let specs = transform::labels::entry_specs(
            entry.include_selectors,
            entry.include_templates,
            &extra,
        );
        for r in resources.iter_mut() {
            transform::labels::apply(r, &entry.pairs, &specs).map_err(|e| {
                one(run.error(
                    Code::Type,
                    &at_key("labels"),
                    format!("labels[{i}]: {e} (in {})", r.id()),
                ))
            })?;
        }
    }
    if !k.common_labels.is_empty() {
        let specs = transform::labels::common_label_specs();
        for r in resources.iter_mut() {
            transform::labels::apply(r, &k.common_labels, &specs).map_err(|e| {
                one(run.error(
                    Code::Type,
                    &at_key("commonLabels"),
                    format!("{e} (in {})", r.id()),
                ))
            })?;
        }
    }
    if !k.common_annotations.is_empty() {
        for r in resources.iter_mut() {
            transform::annotations::apply(r, &k.common_annotations).map_err(|e| {
                one(run.error(
                    Code::Type,
                    &at_key("commonAnnotations"),
                    format!("{e} (in {})", r.id()),
                ))
            })?;
        }
    }
    // The transformers above may have changed what the index of objects by kind knows.
    run.changed();
    for (p, loaded) in k.patches_json6902.iter().zip(&prepared.patches_json6902) {
        run.patch(resources, p, loaded, true).map_err(one)?;
    }
    for entry in &k.replicas {
        transform::replicas::apply(resources, &entry.name, entry.count)
            .map_err(|e| one(run.error(Code::Reference, &entry.at, e)))?;
    }
    for image in &k.images {
        for r in resources.iter_mut() {
            transform::images::apply(&mut r.value, image);
        }
    }
    Ok(Applied {
        unmatched: run.unmatched.into_inner(),
        selected_nothing: run.selected_nothing.into_inner(),
    })
}

/// What kustomize does once, after the whole build (not in each nested kustomization):
/// references follow the namespaces their objects moved to, objects marked local-config
/// go, and so do kustomize's own annotations (with the annotations map, when nothing else is
/// left in it).
fn finish(resources: &mut Vec<Resource>) {
    transform::namespace::fix_references(resources);
    resources.retain(|r| r.annotation(LOCAL_CONFIG).is_none_or(|v| v == "false"));
    for r in resources.iter_mut() {
        if let Some(Value::Object(meta)) = r.value.get_mut("metadata")
            && let Some(Value::Object(a)) = meta.get_mut("annotations")
        {
            a.retain(|k, _| !INTERNAL_ANNOTATIONS.contains(&k.as_str()));
        }
        rewrite_annotations(&mut r.value);
    }
}

/// The annotation that keeps an object out of kustomize's output.
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// Annotations kustomize uses for itself and removes from what it prints.
const INTERNAL_ANNOTATIONS: &[&str] = &[
    "config.kubernetes.io/index",
    "config.kubernetes.io/path",
    "config.k8s.io/id",
    "config.kubernetes.io/origin",
    "alpha.config.kubernetes.io/transformations",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
];

/// The span of a top-level key of the kustomization, for errors about a transformer.
fn locate_key(src: &SourceFile, key: &str) -> Option<crate::source::Span> {
    let docs = read_docs(src).ok()?;
    let located = docs.first()?.locate(&format!("/{key}"));
    located.key.map(|k| k.span)
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn ids_print_as_kustomize_prints_them() {
        let r = Resource::new(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
        );
        assert_eq!(r.id().to_string(), "Deployment.v1.apps/web.[noNs]");
        let r = Resource::new(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "x"}}),
        );
        assert_eq!(r.id().to_string(), "ConfigMap.v1.[noGrp]/c.x");
    }

    #[test]
    fn a_failed_merge_names_its_object() {
        let files = crate::beside::Memory::new()
            .with(
                "kustomization.yaml",
                "resources:\n- r.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: any\n    data:\n      a: b\n",
            )
            .with(
                "r.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: x\ndata: text\n",
            );
        let err = build(&Files::new(&files, "", "")).unwrap_err();
        assert!(
            err[0].message.starts_with(
                "cannot apply the strategic merge patch to ConfigMap.v1.[noGrp]/c.x at `data`"
            ),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn many_objects_are_written_in_halves_as_one_stream() {
        let values: Vec<Value> = (0..WRITE_APART * 2 + 1)
            .map(|i| json!({"kind": "ConfigMap", "metadata": {"name": format!("c{i}")}}))
            .collect();
        assert_eq!(write_stream(&values), write::to_yaml_stream(&values));
    }

    #[test]
    fn default_and_no_namespace_are_one() {
        let a = id_of(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}));
        let b = id_of(
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}),
        );
        assert!(a.same_as(&b));
    }
}
