//! The overlay stage, between generation and emission: the blueprint's kustomize-format
//! overlays (`spec.overlays`, then each cluster's own `overlays`, in the listed order)
//! applied to the Kubernetes objects generated under `clusters/<cluster>/`, with the overlay
//! engine's kustomize semantics ([`crate::overlay`]). Objects go back into the files they
//! came from, in their order; an object an overlay deletes leaves its file, and a file left
//! with no object is not written. Every object an overlay changed is checked against its
//! schema again, and an error names the overlay, the patch and the schema path.
//!
//! Where this differs from running kustomize once per cluster (each difference documented in
//! ARCHITECTURE.md): a platform-wide overlay's strategic merge patch without a `target` may
//! name an object that exists in one cluster only (it is an error only when no cluster has
//! it), and an overlay's kustomization may not list `resources` (its resources are the
//! generated objects).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::beside::{self, Beside};
use crate::blueprint::check::Cx;
use crate::blueprint::load::Loaded;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::generate::eks::machine_pool;
use crate::generate::output::{Content, Output};
use crate::naming;
use crate::overlay::{self, ApplyOptions, Files, Prepared, Resource};
use crate::validate;

/// One overlay folder, read and ready to apply.
pub struct Overlay {
    /// `spec.overlays[0].path`: where the blueprint names it.
    pub field: BlueprintPath,
    /// The folder, relative to the blueprint.
    pub dir: String,
    /// Whether it applies to every cluster (`spec.overlays`) or one.
    pub platform_wide: bool,
    prepared: Prepared,
}

/// Every overlay of the blueprint, by the clusters they apply to.
#[derive(Default)]
pub struct Overlays {
    platform: Vec<Overlay>,
    clusters: BTreeMap<String, Vec<Overlay>>,
}

impl Overlays {
    pub fn is_empty(&self) -> bool {
        self.platform.is_empty() && self.clusters.values().all(Vec::is_empty)
    }

    /// The kinds any overlay's patches target by name (see [`Prepared::target_kinds`]).
    pub fn target_kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self
            .platform
            .iter()
            .chain(self.clusters.values().flatten())
            .flat_map(|o| o.prepared.target_kinds())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }
}

/// Reads every overlay the blueprint names (through `beside`, rooted at the blueprint's
/// folder); `display_dir` is how diagnostics name that folder. All errors at once.
pub fn load(
    loaded: &Loaded,
    beside: &dyn Beside,
    display_dir: &str,
) -> Result<Overlays, Vec<Diagnostic>> {
    let cx = Cx::new(loaded);
    let spec = &loaded.blueprint.spec;
    let mut diags = Vec::new();
    let mut read_list =
        |refs: &[crate::blueprint::model::OverlayRef], list: BlueprintPath, platform_wide: bool| {
            let mut out = Vec::new();
            for (i, r) in refs.iter().enumerate() {
                let field = list.clone().index(i).field("path");
                match read_one(&cx, beside, display_dir, &r.path, &field) {
                    Ok(prepared) => out.push(Overlay {
                        field,
                        dir: r.path.clone(),
                        platform_wide,
                        prepared,
                    }),
                    Err(ds) => diags.extend(ds),
                }
            }
            out
        };
    let platform = read_list(&spec.overlays, cx.spec().field("overlays"), true);
    let mut clusters = BTreeMap::new();
    for (i, c) in spec.clusters.iter().enumerate() {
        let list = cx.spec().field("clusters").index(i).field("overlays");
        let own = read_list(&c.overlays, list, false);
        if !own.is_empty() {
            clusters.insert(c.name.clone(), own);
        }
    }
    if diags.is_empty() {
        Ok(Overlays { platform, clusters })
    } else {
        Err(diags)
    }
}

fn read_one(
    cx: &Cx<'_>,
    beside: &dyn Beside,
    display_dir: &str,
    dir: &str,
    field: &BlueprintPath,
) -> Result<Prepared, Vec<Diagnostic>> {
    let Some(base) = beside::normalize(dir) else {
        return Err(vec![cx.error(
            Code::Path,
            field,
            format!("`{dir}` leaves the blueprint's folder"),
        )]);
    };
    match beside.entry(&base) {
        beside::Entry::Dir => {}
        beside::Entry::File => {
            return Err(vec![cx.error(
                Code::Path,
                field,
                format!("`{dir}` is a file; an overlay is a folder with a kustomization.yaml"),
            )]);
        }
        beside::Entry::Outside => {
            return Err(vec![cx.error(
                Code::Path,
                field,
                format!("`{dir}` leaves the blueprint's folder (through a symbolic link)"),
            )
            .help("an overlay folder must be inside the blueprint's folder; copy it there instead of linking to it")]);
        }
        beside::Entry::Missing => {
            return Err(vec![
                cx.error(
                    Code::Path,
                    field,
                    format!("no overlay folder `{dir}` beside the blueprint"),
                )
                .help("an overlay is a folder holding a kustomization.yaml, relative to the blueprint"),
            ]);
        }
    }
    let display = match display_dir {
        "" | "." => base.clone(),
        d => format!("{}/{base}", d.trim_end_matches('/')),
    };
    let files = Files::new(beside, &base, &display);
    let k = files.kustomization().map_err(|ds| with_note(ds, field))?;
    // Generated ConfigMaps would be objects of the overlay's own, as `resources` are.
    let own = k
        .resources
        .first()
        .map(|(_, at)| (at, "resources"))
        .or_else(|| {
            k.config_map_generator
                .first()
                .map(|g| (&g.at, "configMapGenerator"))
        });
    if let Some((at, key)) = own {
        let d = Diagnostic::error(
            Code::Unsupported,
            format!("an overlay's resources are the objects platc generates; `{key}` is not allowed here"),
        )
        .path(&at.path)
        .help("use `platc kustomize DIR` to build a folder with resources of its own");
        let d = match &k.source {
            Some(src) => d.at(src, at.span),
            None => d,
        };
        return Err(with_note(vec![d], field));
    }
    overlay::prepare(k, &files).map_err(|ds| with_note(ds, field))
}

fn with_note(diags: Vec<Diagnostic>, field: &BlueprintPath) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|d| d.note(format!("in the overlay named by {field}")))
        .collect()
}

/// Applies the overlays to `output`, cluster by cluster. Clusters are independent: each
/// one's objects are patched (and re-validated) on its own, on every core, and the results
/// are merged in cluster order, so output and diagnostics do not depend on scheduling.
pub fn apply(
    output: &mut Output,
    overlays: &Overlays,
    clusters: &[String],
) -> Result<(), Vec<Diagnostic>> {
    use rayon::prelude::*;
    if overlays.is_empty() {
        return Ok(());
    }
    let shared: &Output = output;
    let results: Vec<Applied> = clusters
        .par_iter()
        .filter_map(|cluster| apply_to_cluster(shared, overlays, cluster))
        .collect();
    let mut diags = Vec::new();
    // Untargeted patches of platform-wide overlays that matched nothing, by overlay and
    // place: an error only when no cluster had the object.
    let mut unmatched: BTreeMap<(usize, String), (usize, Diagnostic)> = BTreeMap::new();
    // Targeted patches that selected nothing, by overlay and place, with the number of
    // clusters they missed: an error when they missed in every cluster they apply to.
    let mut empty_targets: BTreeMap<(String, String), (usize, Diagnostic)> = BTreeMap::new();
    // Overlay (the blueprint field naming it) → the number of clusters it applies to.
    let mut applies_to: BTreeMap<String, usize> = BTreeMap::new();
    for applied in results {
        diags.extend(applied.diags);
        for (key, d) in applied.unmatched {
            unmatched.entry(key).or_insert((0, d)).0 += 1;
        }
        for (key, d) in applied.empty_targets {
            empty_targets.entry(key).or_insert((0, d)).0 += 1;
        }
        for field in applied.applied {
            *applies_to.entry(field).or_default() += 1;
        }
        if let Some(resources) = applied.resources {
            put_back(output, &applied.prefix, resources);
        }
    }
    // A patch counted once per cluster it missed; it missed everywhere when the count is
    // the number of clusters.
    diags.extend(
        unmatched
            .into_values()
            .filter(|(misses, _)| *misses == clusters.len())
            .map(|(_, d)| d),
    );
    diags.extend(
        empty_targets
            .into_iter()
            .filter(|((n, _), (misses, _))| applies_to.get(n) == Some(misses))
            .map(|(_, (_, d))| d),
    );
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// `d` placed in overlay `o`'s kustomization at `span`, with a note naming the overlay.
fn in_overlay(d: Diagnostic, o: &Overlay, span: crate::source::Span) -> Diagnostic {
    let d = d.note(format!("in the overlay named by {}", o.field));
    match &o.prepared.kustomization.source {
        Some(src) => d.at(src, span),
        None => d,
    }
}

/// What applying the overlays to one cluster gave, before it is merged with the others.
struct Applied {
    /// The cluster's folder and `/`.
    prefix: String,
    diags: Vec<Diagnostic>,
    /// Untargeted patches that matched nothing here, by (overlay number, place).
    unmatched: Vec<((usize, String), Diagnostic)>,
    /// Targeted patches that selected nothing here, by (overlay field, place).
    empty_targets: Vec<((String, String), Diagnostic)>,
    /// The fields of the overlays applied here, one entry per overlay.
    applied: Vec<String>,
    /// The cluster's objects after the overlays; `None` when an overlay failed to apply.
    resources: Option<Vec<Resource>>,
}

/// Applies the platform-wide overlays and the cluster's own to one cluster's objects.
/// `None` when no overlay applies to it.
fn apply_to_cluster(output: &Output, overlays: &Overlays, cluster: &str) -> Option<Applied> {
    let own = overlays
        .clusters
        .get(cluster)
        .map_or(&[][..], Vec::as_slice);
    if overlays.platform.is_empty() && own.is_empty() {
        return None;
    }
    let prefix = format!("{}/", naming::cluster_dir(cluster));
    let mut out = Applied {
        prefix,
        diags: Vec::new(),
        unmatched: Vec::new(),
        empty_targets: Vec::new(),
        applied: Vec::new(),
        resources: None,
    };
    let mut resources = Vec::new();
    for (path, file) in output.files_under(&out.prefix) {
        if let Content::Objects(objects) = &file.content {
            for (index, value) in objects.iter().enumerate() {
                resources.push(Resource::with_origin(
                    value.clone(),
                    overlay::Origin {
                        file: path.to_string(),
                        index,
                    },
                ));
            }
        }
    }
    let all = overlays.platform.iter().enumerate().chain(
        own.iter()
            .enumerate()
            .map(|(i, o)| (i + overlays.platform.len(), o)),
    );
    let generated = resources.clone();
    for (n, o) in all {
        out.applied.push(o.field.to_string());
        let before = resources.clone();
        let opts = ApplyOptions {
            unmatched_ok: o.platform_wide,
            sort: false,
            report_empty_targets: true,
        };
        match overlay::apply(&mut resources, &o.prepared, opts) {
            Ok(applied) => {
                for at in applied.selected_nothing {
                    let d = Diagnostic::error(
                        Code::Reference,
                        if o.platform_wide {
                            "this patch's target selects no generated object of any cluster"
                        } else {
                            "this patch's target selects no generated object of the cluster"
                        },
                    )
                    .path(&at.path)
                    .help("a patch that changes nothing is a mistake: check the target's kind, name and labels (objects carry platc.io/cluster and platc.io/node-pool labels)");
                    let d = in_overlay(d, o, at.span);
                    out.empty_targets
                        .push(((o.field.to_string(), at.path.clone()), d));
                }
                for (at, want) in applied.unmatched {
                    let d = Diagnostic::error(
                        Code::Reference,
                        format!("no generated object of any cluster matches the strategic merge patch {want}"),
                    )
                    .path(&at.path)
                    .help("without a `target`, a patch applies to the object with its apiVersion, kind, name and namespace");
                    let d = in_overlay(d, o, at.span);
                    out.unmatched.push(((n, at.path.clone()), d));
                }
            }
            Err(ds) => {
                out.diags.extend(
                    with_note(ds, &o.field)
                        .into_iter()
                        .map(|d| d.note(format!("while applying it to cluster `{cluster}`"))),
                );
                return Some(out);
            }
        }
        out.diags
            .extend(check_changed(&before, &resources, o, cluster));
    }
    rename_changed_templates(&generated, &mut resources);
    out.resources = Some(resources);
    Some(out)
}

/// Objects changed by overlay `o` that no longer validate; the patch that broke each is
/// found by re-applying the overlay's patches one at a time (only on this error path).
fn check_changed(
    before: &[Resource],
    after: &[Resource],
    o: &Overlay,
    cluster: &str,
) -> Vec<Diagnostic> {
    let old: BTreeMap<(&str, usize), &Value> = before
        .iter()
        .map(|r| ((r.origin.file.as_str(), r.origin.index), &r.value))
        .collect();
    let mut out = Vec::new();
    for r in after {
        let was = old.get(&(r.origin.file.as_str(), r.origin.index));
        if was.is_some_and(|w| *w == &r.value) {
            continue;
        }
        // Labels and annotations an overlay sets are strings from its own files: held to the
        // API server's limits on every changed object, the schema only where more changed.
        let mut errors = validate::metadata::violations(&r.value);
        if !was.is_some_and(|w| same_but_labels(w, &r.value)) {
            errors.extend(schema_errors(&r.value));
        }
        let Some(first) = errors.first() else {
            continue;
        };
        let id = r.id();
        let culprit = culprit(before, r, o);
        let mut d = Diagnostic::error(
            Code::OutputSchema,
            format!(
                "after the overlay `{}`, {} `{}` in {} is invalid: {}: {}",
                o.dir, id.kind, id.name, r.origin.file, first.pointer, first.message
            ),
        )
        .note(format!("schema path {}", first.schema_path))
        .note(format!(
            "in the overlay named by {} (cluster `{cluster}`)",
            o.field
        ));
        for e in errors.iter().skip(1) {
            d = d.note(format!("also {}: {}", e.pointer, e.message));
        }
        d = match (&o.prepared.kustomization.source, culprit) {
            (Some(src), Some(at)) => d.at(src, at.span).path(&at.path),
            (Some(src), None) => d.in_file(src.name()),
            (None, Some(at)) => d.path(&at.path),
            (None, None) => d,
        };
        out.push(d);
    }
    out
}

/// What is wrong with an object against its bundled schema (a kind without a schema in a
/// group platc emits counts as wrong: an overlay may not change a kind into one).
fn schema_errors(value: &Value) -> Vec<validate::Violation> {
    let problem = |message: String| {
        vec![validate::Violation {
            pointer: String::new(),
            message,
            schema_path: String::new(),
        }]
    };
    match validate::check_value(value) {
        validate::Outcome::Checked(v) => v,
        validate::Outcome::Unknown => Vec::new(),
        validate::Outcome::NoSchema => problem("no bundled schema for its kind".into()),
        validate::Outcome::BrokenSchema(e) => problem(format!("its bundled schema is broken: {e}")),
    }
}

/// Whether two objects differ at most in `metadata.labels` and `metadata.annotations`: maps
/// of strings the engine only ever fills with strings, which every schema admits. Such a
/// change (an overlay's `commonAnnotations`, on every object) needs no schema pass.
fn same_but_labels(a: &Value, b: &Value) -> bool {
    let (Value::Object(a), Value::Object(b)) = (a, b) else {
        return false;
    };
    if a.len() != b.len() {
        return false;
    }
    a.iter().all(|(k, va)| match (k.as_str(), b.get(k)) {
        (_, None) => false,
        ("metadata", Some(vb)) => {
            let strip = |v: &Value| -> Value {
                let mut v = v.clone();
                if let Value::Object(m) = &mut v {
                    m.shift_remove("labels");
                    m.shift_remove("annotations");
                }
                v
            };
            let strings = |v: &Value, field: &str| {
                v.get(field).is_none_or(|m| {
                    m.as_object()
                        .is_some_and(|m| m.values().all(Value::is_string))
                })
            };
            strip(va) == strip(vb) && strings(vb, "labels") && strings(vb, "annotations")
        }
        (_, Some(vb)) => va == vb,
    })
}

/// The first patch of `o` after which the object at `broken`'s origin is invalid.
fn culprit(
    before: &[Resource],
    broken: &Resource,
    o: &Overlay,
) -> Option<overlay::kustomization::At> {
    let entries = o.prepared.patch_entries();
    for n in 1..=entries.len() {
        let mut rs = before.to_vec();
        let partial = o.prepared.first_patches(n);
        let opts = ApplyOptions {
            unmatched_ok: true,
            sort: false,
            report_empty_targets: false,
        };
        if overlay::apply(&mut rs, &partial, opts).is_err() {
            return None;
        }
        let invalid = rs.iter().any(|r| {
            r.origin == broken.origin
                && !(schema_errors(&r.value).is_empty()
                    && validate::metadata::violations(&r.value).is_empty())
        });
        if invalid {
            return Some(entries[n - 1].clone());
        }
    }
    None
}

/// Kinds whose names carry a digest of `spec.template.spec` ([`naming::template_name`]):
/// CAPA refuses edits to them, and a new name is what makes Cluster API roll the machines.
const DIGEST_NAMED: &[&str] = &["AWSMachineTemplate", "KubeadmConfigTemplate"];

/// An EKS pool's node group, named by a digest of its immutable fields
/// (`generate/eks/machine_pool.rs`); its MachinePool has the same name.
const NODE_GROUP_KIND: &str = machine_pool::MACHINE_POOL_KIND;

/// A template an overlay changed gets the name its new content gives, and every reference
/// to it (`{kind, name}` maps of the same cluster) follows; so does an EKS node group whose
/// immutable fields an overlay changed, with its `eksNodegroupName` and its MachinePool.
fn rename_changed_templates(generated: &[Resource], resources: &mut [Resource]) {
    let old: BTreeMap<(&str, usize), &Value> = generated
        .iter()
        .map(|r| ((r.origin.file.as_str(), r.origin.index), &r.value))
        .collect();
    let mut renames: Vec<(String, String, String)> = Vec::new();
    for r in resources.iter_mut() {
        let kind = r
            .value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let node_group = kind == NODE_GROUP_KIND;
        if !(DIGEST_NAMED.contains(&kind) || node_group)
            || old.get(&(r.origin.file.as_str(), r.origin.index)) == Some(&&r.value)
        {
            continue;
        }
        let Some(name) = r
            .value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        let Some(base) = naming::template_base(&name) else {
            continue;
        };
        let digested = if node_group {
            match r.value.get("spec") {
                Some(Value::Object(spec)) => machine_pool::immutable_fields(spec),
                _ => Value::Null,
            }
        } else {
            r.value
                .pointer("/spec/template/spec")
                .cloned()
                .unwrap_or(Value::Null)
        };
        let new = naming::template_name(base, &digested);
        if new != name {
            renames.push((kind.to_string(), name.clone(), new.clone()));
            if let Some(Value::Object(meta)) = r.value.get_mut("metadata") {
                meta.insert("name".into(), Value::String(new.clone()));
            }
            if node_group
                && let Some(Value::Object(spec)) = r.value.get_mut("spec")
                && spec.contains_key("eksNodegroupName")
            {
                spec.insert("eksNodegroupName".into(), Value::String(new.clone()));
            }
            if node_group {
                // The MachinePool of an EKS pool has its node group's name.
                renames.push(("MachinePool".to_string(), name, new));
            }
        }
    }
    // The MachinePools of renamed node groups take the new name themselves.
    for r in resources.iter_mut() {
        if r.value.get("kind").and_then(Value::as_str) != Some("MachinePool") {
            continue;
        }
        let Some(name) = r.value.pointer("/metadata/name").and_then(Value::as_str) else {
            continue;
        };
        if let Some((_, _, new)) = renames
            .iter()
            .find(|(k, old, _)| k == "MachinePool" && old == name)
            .cloned()
            && let Some(Value::Object(meta)) = r.value.get_mut("metadata")
        {
            meta.insert("name".into(), Value::String(new));
        }
    }
    if renames.is_empty() {
        return;
    }
    for r in resources.iter_mut() {
        rewrite_references(&mut r.value, &renames);
    }
}

/// Rewrites `{kind: K, name: old}` maps (object references) to the new name.
fn rewrite_references(v: &mut Value, renames: &[(String, String, String)]) {
    match v {
        Value::Object(m) => {
            let is_object = m.contains_key("apiVersion") && m.contains_key("metadata");
            if !is_object
                && let (Some(Value::String(kind)), Some(Value::String(name))) =
                    (m.get("kind"), m.get("name"))
                && let Some((_, _, new)) =
                    renames.iter().find(|(k, old, _)| k == kind && old == name)
            {
                m.insert("name".into(), Value::String(new.clone()));
            }
            for child in m.values_mut() {
                rewrite_references(child, renames);
            }
        }
        Value::Array(items) => {
            for child in items {
                rewrite_references(child, renames);
            }
        }
        _ => {}
    }
}

/// Writes the objects back into their files, in their original order.
fn put_back(output: &mut Output, prefix: &str, resources: Vec<Resource>) {
    let mut by_file: BTreeMap<String, Vec<(usize, Value)>> = BTreeMap::new();
    for r in resources {
        by_file
            .entry(r.origin.file.clone())
            .or_default()
            .push((r.origin.index, r.value));
    }
    let mut emptied = Vec::new();
    for (path, file) in output.files_under_mut(prefix) {
        if !matches!(file.content, Content::Objects(_)) {
            continue;
        }
        match by_file.remove(path) {
            Some(mut objects) => {
                objects.sort_by_key(|(i, _)| *i);
                file.content = Content::Objects(objects.into_iter().map(|(_, v)| v).collect());
            }
            None => emptied.push(path.to_string()),
        }
    }
    for path in emptied {
        output.remove(&path);
    }
}

#[cfg(test)]
mod tests {
    use crate::beside::Memory;
    use crate::diag::{Code, Diagnostic};
    use crate::naming;
    use crate::pipeline::{Compiled, Input, compile};
    use crate::yaml::read::{self, ReadOptions};

    /// Two capa clusters; `overlays` is spliced into the spec, `own` into the second cluster.
    fn blueprint(overlays: &str, own: &str) -> Input {
        let text = format!(
            "apiVersion: platc.io/v1alpha1\nkind: Platform\nmetadata:\n  name: t\nspec:\n  domain: t.example.cloud\n  aws:\n    accountID: \"123456789012\"\n    region: eu-central-1\n{overlays}  clusters:\n    - name: one\n      provider: capa\n      kubernetesVersion: v1.33.5\n      image: {{ami: ami-0123456789abcdef0}}\n      availabilityZones: [eu-central-1a]\n      controlPlane: {{replicas: 1, instanceType: m5.large}}\n      nodePools:\n        - {{name: workers, instanceType: m5.large, replicas: 2}}\n    - name: two\n      provider: capa\n      kubernetesVersion: v1.33.5\n      image: {{ami: ami-0123456789abcdef0}}\n      availabilityZones: [eu-central-1b]\n      controlPlane: {{replicas: 1, instanceType: m5.large}}\n      nodePools:\n        - {{name: batch, instanceType: m5.large, replicas: 1}}\n{own}"
        );
        Input {
            display_name: "p/platform.yaml".into(),
            file_name: "platform.yaml".into(),
            bytes: text.into_bytes(),
        }
    }

    const PLATFORM_WIDE: &str = "  overlays:\n    - path: o\n";

    fn run(input: &Input, files: &Memory) -> Result<Compiled, Vec<Diagnostic>> {
        compile(input, files).map_err(|d| d.into_sorted())
    }

    fn file<'a>(c: &'a Compiled, path: &str) -> &'a str {
        std::str::from_utf8(c.tree.get(path).unwrap_or_else(|| panic!("{path} missing"))).unwrap()
    }

    fn kustomization(body: &str) -> String {
        format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n{body}")
    }

    #[test]
    fn platform_wide_then_per_cluster_in_order() {
        let files = Memory::new()
            .with(
                "p/o/kustomization.yaml",
                kustomization("commonAnnotations:\n  team: a\n"),
            )
            .with(
                "p/c/kustomization.yaml",
                kustomization("commonAnnotations:\n  team: b\n"),
            );
        let own = "      overlays:\n        - path: c\n";
        // Rooted at the blueprint's folder, as the CLI roots it.
        let files = Memory::new()
            .with(
                "o/kustomization.yaml",
                files.read_text("p/o/kustomization.yaml"),
            )
            .with(
                "c/kustomization.yaml",
                files.read_text("p/c/kustomization.yaml"),
            );
        let c = run(&blueprint(PLATFORM_WIDE, own), &files).unwrap();
        assert!(file(&c, "clusters/one/infrastructure/cluster.yaml").contains("team: a"));
        let two = file(&c, "clusters/two/infrastructure/cluster.yaml");
        assert!(two.contains("team: b") && !two.contains("team: a"), "{two}");
    }

    #[test]
    fn a_targeted_patch_must_select_something() {
        let patch = |pool: &str| {
            kustomization(&format!(
                "patches:\n  - target: {{kind: MachineDeployment, labelSelector: platc.io/node-pool={pool}}}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 5\n"
            ))
        };
        // Platform-wide: `batch` exists in cluster `two` only, which is enough.
        let files = Memory::new().with("o/kustomization.yaml", patch("batch"));
        run(&blueprint(PLATFORM_WIDE, ""), &files).unwrap();
        // Nowhere: an error naming the patch.
        let files = Memory::new().with("o/kustomization.yaml", patch("gpu"));
        let e = run(&blueprint(PLATFORM_WIDE, ""), &files).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].code, Code::Reference);
        assert!(e[0].message.contains("any cluster"), "{}", e[0].message);
        // A cluster's own overlay must select something in that cluster.
        let own = "      overlays:\n        - path: c\n";
        let files = Memory::new().with("c/kustomization.yaml", patch("workers"));
        let e = run(&blueprint("", own), &files).unwrap_err();
        assert!(e[0].message.contains("of the cluster"), "{}", e[0].message);
        let files = Memory::new().with("c/kustomization.yaml", patch("batch"));
        run(&blueprint("", own), &files).unwrap();
    }

    #[test]
    fn an_untargeted_patch_needs_its_object_in_some_cluster() {
        let patch = "apiVersion: cluster.x-k8s.io/v1beta2\nkind: MachineDeployment\nmetadata:\n  name: NAME\n  annotations:\n    patched: by-overlay\n";
        let ok = Memory::new()
            .with(
                "o/kustomization.yaml",
                kustomization("patches:\n  - path: p.yaml\n"),
            )
            .with("o/p.yaml", patch.replace("NAME", "one-md-workers-a"));
        let c = run(&blueprint(PLATFORM_WIDE, ""), &ok).unwrap();
        assert!(
            file(&c, "clusters/one/infrastructure/nodepool-workers.yaml")
                .contains("patched: by-overlay")
        );
        let missing = Memory::new()
            .with(
                "o/kustomization.yaml",
                kustomization("patches:\n  - path: p.yaml\n"),
            )
            .with("o/p.yaml", patch.replace("NAME", "nowhere"));
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &missing).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].code, Code::Reference);
        assert!(errs[0].message.contains("nowhere"), "{}", errs[0].message);
        let at = errs[0].location.as_ref().unwrap();
        assert_eq!((at.file.as_str(), at.line), ("p/o/kustomization.yaml", 4));
    }

    #[test]
    fn an_overlay_that_breaks_a_schema_names_file_patch_and_schema_path() {
        let files = Memory::new().with(
            "o/kustomization.yaml",
            kustomization(
                "patches:\n  - target:\n      kind: AWSCluster\n    patch: |-\n      - op: add\n        path: /metadata/annotations\n        value: {a: b}\n  - target:\n      kind: MachineDeployment\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: \"three\"\n",
            ),
        );
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &files).unwrap_err();
        assert_eq!(errs.len(), 2, "one per cluster: {errs:?}");
        let e = &errs[0];
        assert_eq!(e.code, Code::OutputSchema);
        assert!(e.message.contains("/spec/replicas"), "{}", e.message);
        assert!(e.message.contains("MachineDeployment"), "{}", e.message);
        assert_eq!(e.path.as_deref(), Some("patches[1]"));
        let at = e.location.as_ref().unwrap();
        assert_eq!((at.file.as_str(), at.line), ("p/o/kustomization.yaml", 10));
        assert!(
            e.notes.iter().any(|n| n.starts_with("schema path ")),
            "{e:?}"
        );
        assert!(
            e.notes.iter().any(|n| n.contains("spec.overlays[0].path")),
            "{e:?}"
        );
    }

    #[test]
    fn overlay_folders_are_checked_where_the_blueprint_names_them() {
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &Memory::new()).unwrap_err();
        assert_eq!(errs[0].code, Code::Path);
        assert_eq!(errs[0].path.as_deref(), Some("spec.overlays[0].path"));
        assert_eq!(errs[0].location.as_ref().unwrap().file, "p/platform.yaml");

        let with_resources = Memory::new()
            .with(
                "o/kustomization.yaml",
                kustomization("resources:\n  - extra.yaml\n"),
            )
            .with(
                "o/extra.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
            );
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &with_resources).unwrap_err();
        assert_eq!(errs[0].code, Code::Unsupported);
        assert!(errs[0].message.contains("`resources`"));

        let generating = Memory::new().with(
            "o/kustomization.yaml",
            kustomization("configMapGenerator:\n  - name: x\n    literals: [a=b]\n    options: {disableNameSuffixHash: true}\n"),
        );
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &generating).unwrap_err();
        assert_eq!(errs[0].code, Code::Unsupported);
        assert!(
            errs[0].message.contains("`configMapGenerator`"),
            "{}",
            errs[0].message
        );

        let escaping = Memory::new()
            .with(
                "o/kustomization.yaml",
                kustomization("patches:\n  - path: ../secret.yaml\n"),
            )
            .with("secret.yaml", "x: y\n");
        let errs = run(&blueprint(PLATFORM_WIDE, ""), &escaping).unwrap_err();
        assert_eq!(errs[0].code, Code::Path);
        assert!(
            errs[0].message.contains("leaves the overlay folder"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn a_changed_machine_template_gets_a_new_name_and_its_references_follow() {
        let files = Memory::new().with(
            "o/kustomization.yaml",
            kustomization(
                "patches:\n  - target:\n      kind: AWSMachineTemplate\n      labelSelector: platc.io/node-pool=workers\n    patch: |-\n      - op: add\n        path: /spec/template/spec/rootVolume\n        value: {size: 120}\n",
            ),
        );
        let plain = run(&blueprint("", ""), &Memory::new()).unwrap();
        let patched = run(&blueprint(PLATFORM_WIDE, ""), &files).unwrap();
        let path = "clusters/one/infrastructure/nodepool-workers.yaml";
        let names = |c: &Compiled| -> Vec<String> {
            let src = crate::source::SourceFile::new(path, file(c, path));
            read::read_stream(&src, &ReadOptions::kustomize())
                .unwrap()
                .iter()
                .map(|d| d.to_json())
                .filter(|v| v["kind"] == "AWSMachineTemplate")
                .map(|v| v["metadata"]["name"].as_str().unwrap().to_string())
                .collect()
        };
        let (before, after) = (names(&plain), names(&patched));
        assert_ne!(before, after);
        assert!(file(&patched, path).contains(&format!("name: {}", after[0])));
        assert!(
            !file(&patched, path).contains(&before[0]),
            "a reference kept the old name"
        );
        // The other cluster's templates are untouched.
        let other = "clusters/two/infrastructure/nodepool-batch.yaml";
        assert_eq!(file(&plain, other), file(&patched, other));
    }

    /// An overlay that changes an EKS node group's immutable field renames it as generation
    /// would (issue 20 item 9): node group, `eksNodegroupName`, MachinePool and its reference.
    #[test]
    fn an_overlay_changing_a_node_group_instance_type_renders_a_replacement() {
        let eks = |instance: &str| {
            format!(
                "    - name: three\n      provider: eks\n      kubernetesVersion: v1.33.5\n      availabilityZones: [eu-central-1a, eu-central-1b]\n      nodePools:\n        - {{name: general, instanceType: {instance}, replicas: 2}}\n"
            )
        };
        let files = Memory::new().with(
            "o/kustomization.yaml",
            kustomization(
                "patches:\n  - target:\n      kind: AWSManagedMachinePool\n    patch: |-\n      - op: replace\n        path: /spec/instanceType\n        value: m5.xlarge\n",
            ),
        );
        let plain = run(&blueprint("", &eks("m5.large")), &Memory::new()).unwrap();
        let patched = run(&blueprint(PLATFORM_WIDE, &eks("m5.large")), &files).unwrap();
        let generated = run(&blueprint("", &eks("m5.xlarge")), &Memory::new()).unwrap();
        let path = "clusters/three/infrastructure/nodepool-general.yaml";
        let docs = |c: &Compiled| -> Vec<serde_json::Value> {
            let src = crate::source::SourceFile::new(path, file(c, path));
            read::read_stream(&src, &ReadOptions::kustomize())
                .unwrap()
                .iter()
                .map(|d| d.to_json())
                .collect()
        };
        let names = |c: &Compiled| -> Vec<String> {
            docs(c)
                .iter()
                .flat_map(|v| {
                    [
                        v.pointer("/metadata/name"),
                        v.pointer("/spec/eksNodegroupName"),
                        v.pointer("/spec/template/spec/infrastructureRef/name"),
                    ]
                })
                .flatten()
                .map(|n| n.as_str().unwrap().to_string())
                .collect()
        };
        let (before, after) = (names(&plain), names(&patched));
        assert_eq!(after.len(), 4, "{after:?}");
        assert!(after.iter().all(|n| n == &after[0]), "{after:?}");
        assert_ne!(before[0], after[0]);
        // The name the overlay gives is the one generation gives the same content.
        assert_eq!(after, names(&generated));
    }

    #[test]
    fn generated_template_names_are_the_digest_of_their_spec() {
        // Renaming after an overlay recomputes the digest: it must agree with generation.
        let c = run(&blueprint("", ""), &Memory::new()).unwrap();
        let mut seen = 0;
        for (path, bytes) in c.tree.files() {
            let src = crate::source::SourceFile::new(path, std::str::from_utf8(bytes).unwrap());
            let Ok(docs) = read::read_stream(&src, &ReadOptions::kustomize()) else {
                continue;
            };
            for v in docs.iter().map(|d| d.to_json()) {
                let kind = v["kind"].as_str().unwrap_or_default();
                if super::DIGEST_NAMED.contains(&kind) {
                    let name = v["metadata"]["name"].as_str().unwrap();
                    let base = naming::template_base(name).unwrap();
                    assert_eq!(
                        naming::template_name(base, &v["spec"]["template"]["spec"]),
                        name
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 4, "{seen}");
    }
}
