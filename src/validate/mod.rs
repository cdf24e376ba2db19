//! Validation of rendered output against the schemas of the kinds platc emits (bundled in the
//! binary): every Kubernetes object of every YAML file is re-read from the bytes that would be
//! written and checked, strictly. A kind in a group platc emits but with no bundled schema is
//! an error: a missing schema must never pass silently. Files that kubeadm writes onto
//! machines (`files[].content` of a KubeadmControlPlane or KubeadmConfigTemplate) are checked
//! too when they hold a configuration kind platc knows (the audit policy, the admission
//! configuration and the admission plugins' configurations in it). An object that passes its
//! schema is then held to the schema's CEL rules (`x-kubernetes-validations`, see [`cel`]).

pub mod cel;
mod kommander;
pub mod metadata;
mod platc_schemas;
pub mod quick;
mod schemas;
pub mod values;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::tree::Tree;
use crate::yaml::node::Node;
use crate::yaml::read::{self, ReadOptions};

/// One bundled schema, parsed and compiled on first use: a render that validates a few
/// objects (those an overlay changed) must not pay for compiling every schema in the binary.
struct Bundled {
    text: &'static str,
    value: OnceLock<Option<Value>>,
    /// Whether the schema is free of references (`$ref`, `$schema`, definitions).
    plain: OnceLock<bool>,
    validator: OnceLock<Result<jsonschema::Validator, String>>,
}

impl Bundled {
    fn value(&self) -> Option<&Value> {
        self.value
            .get_or_init(|| serde_json::from_str(self.text).ok())
            .as_ref()
    }

    /// Whether [`quick`] finds `value` valid against this schema, without compiling it. Only
    /// for schemas without references: those compile with formats as annotations (see
    /// [`compile`]), which is what the quick check assumes.
    fn quickly_valid(&self, value: &Value) -> bool {
        let Some(schema) = self.value() else {
            return false;
        };
        self.is_plain(schema)
            && quick::check(schema, value, quick::Dialect { formats: false })
                == quick::Verdict::Valid
    }

    fn is_plain(&self, schema: &Value) -> bool {
        *self.plain.get_or_init(|| !has_reference(schema))
    }

    fn validator(&self) -> &Result<jsonschema::Validator, String> {
        self.validator.get_or_init(|| match self.value() {
            Some(schema) => compile(schema, self.is_plain(schema)),
            None => Err(serde_json::from_str::<Value>(self.text)
                .err()
                .map_or_else(|| "unreadable".to_owned(), |e| e.to_string())),
        })
    }
}

/// A bundled schema's validator. Kubernetes' CRD schemas (structural OpenAPI v3: no `$ref`,
/// no `$schema`, no definitions) mean the same under draft-07 as under 2020-12, jsonschema's
/// default dialect, with formats as annotations in both; draft-07's meta-schema compiles in
/// a quarter of the time, and the blueprint's schema needs it anyway. A schema with
/// references, or one draft-07's meta-schema refuses (Calico's `(?i)` pattern is not an
/// ECMA-262 regex), keeps the default dialect. `plain`: the schema has no references
/// ([`has_reference`]).
fn compile(schema: &Value, plain: bool) -> Result<jsonschema::Validator, String> {
    if plain
        && let Ok(v) = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(false)
            .build(schema)
    {
        return Ok(v);
    }
    jsonschema::validator_for(schema).map_err(|e| e.to_string())
}

/// Whether a schema refers to other schemas or names its dialect (`$ref`, `$schema`,
/// definitions).
fn has_reference(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, v)| {
            matches!(k.as_str(), "$ref" | "$schema" | "$defs" | "definitions") || has_reference(v)
        }),
        Value::Array(items) => items.iter().any(has_reference),
        _ => false,
    }
}

/// Reads, on another thread, the bundled schemas of `kinds` and parses their CEL rules: a
/// caller that will validate objects of these kinds (those an overlay patches) finds them
/// ready instead of reading them in its path. Nothing is compiled: the quick check reads the
/// schema as it is, and an object it cannot vouch for compiles its schema on that path (an
/// error path, nearly always). Validation waits for a schema still being read, so calling
/// this never changes a result.
pub fn prepare(kinds: &[&str]) {
    // The newest apiVersion of each kind only (`…/v1beta2` over `…/v1beta1`): what platc
    // emits by default. An older one is read by its first user, as without this.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let entries: Vec<&'static Bundled> = bundled()
        .iter()
        .rev()
        .filter(|(key, _)| {
            let group_kind = (group(&key.0), key.1.as_str());
            let first = kinds.contains(&group_kind.1) && !seen.contains(&group_kind);
            if first {
                seen.push(group_kind);
            }
            first
        })
        .map(|(_, entry)| entry)
        .collect();
    if entries.is_empty() {
        return;
    }
    crate::background::prepare("schemas", move || {
        for entry in entries {
            if let Some(schema) = entry.value() {
                cel::prepare(schema);
            }
        }
    });
}

fn bundled() -> &'static BTreeMap<(String, String), Bundled> {
    static CACHE: OnceLock<BTreeMap<(String, String), Bundled>> = OnceLock::new();
    CACHE.get_or_init(|| {
        all_schemas()
            .map(|(api_version, kind, text)| {
                let entry = Bundled {
                    text,
                    value: OnceLock::new(),
                    plain: OnceLock::new(),
                    validator: OnceLock::new(),
                };
                ((api_version.to_string(), kind.to_string()), entry)
            })
            .collect()
    })
}

fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The bundled upstream schemas, then platc's own for kinds upstream publishes none for
/// (audit and admission configuration, Kommander, clusterawsadm).
fn all_schemas() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    schemas::SCHEMAS
        .iter()
        .chain(schemas::OWN_SCHEMAS)
        .chain(kommander::SCHEMAS)
        .chain(platc_schemas::SCHEMAS)
}

/// What validating a tree found, and how many CEL rules it evaluated and skipped.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub cel: cel::Stats,
}

/// API groups platc emits objects of; an object of one of these groups needs a schema.
fn group_is_known(api_version: &str) -> bool {
    let wanted = group(api_version);
    all_schemas().any(|(v, _, _)| group(v) == wanted)
}

/// One schema violation: where in the object (a JSON pointer), what, and the schema rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
    pub schema_path: String,
}

/// What validating one object against its bundled schema found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not a Kubernetes object (no apiVersion or kind), or a group platc knows nothing about.
    Unknown,
    /// A group platc emits, but no schema for this version and kind.
    NoSchema,
    /// The bundled schema does not compile (a platc bug).
    BrokenSchema(String),
    /// Checked; empty when valid.
    Checked(Vec<Violation>),
}

/// Validates one value against the bundled schema of its `apiVersion` and `kind`, CEL rules
/// included.
pub fn check_value(value: &Value) -> Outcome {
    check_value_counted(value, &mut cel::Stats::default())
}

/// [`check_value`], counting CEL rule evaluations into `stats`. CEL rules run only on a value
/// that passes its schema (a rule may assume the types the schema guarantees); a failed rule
/// is a violation whose schema path is the rule's place in the schema.
pub fn check_value_counted(value: &Value, stats: &mut cel::Stats) -> Outcome {
    let (Some(api_version), Some(kind)) = (
        value.get("apiVersion").and_then(Value::as_str),
        value.get("kind").and_then(Value::as_str),
    ) else {
        return Outcome::Unknown;
    };
    let key = (api_version.to_string(), kind.to_string());
    let Some(entry) = bundled().get(&key) else {
        return if group_is_known(api_version) {
            Outcome::NoSchema
        } else {
            Outcome::Unknown
        };
    };
    // The quick check first: it answers "valid" for most objects without a compiled
    // validator; anything else goes to the validator, which gives the violations.
    if !entry.quickly_valid(value) {
        let validator = match entry.validator() {
            Ok(v) => v,
            Err(e) => return Outcome::BrokenSchema(e.clone()),
        };
        let violations: Vec<Violation> = validator
            .iter_errors(value)
            .map(|e| Violation {
                pointer: e.instance_path().to_string(),
                message: e.to_string(),
                schema_path: e.schema_path().to_string(),
            })
            .collect();
        if !violations.is_empty() {
            return Outcome::Checked(violations);
        }
    }
    let Some(schema) = entry.value() else {
        return Outcome::Checked(Vec::new());
    };
    Outcome::Checked(
        cel::check(schema, value, stats)
            .into_iter()
            .map(|f| Violation {
                pointer: f.pointer,
                message: f.message,
                schema_path: format!("{} (CEL rule `{}`)", f.schema_path, f.rule),
            })
            .collect(),
    )
}

/// Validates every object of every YAML file in the tree (not `kustomization.yaml`).
pub fn validate_tree(tree: &Tree) -> Vec<Diagnostic> {
    validate_tree_report(tree).diagnostics
}

/// [`validate_tree`], with the count of CEL rules evaluated and skipped. Files are checked
/// side by side (findings and counts kept in path order), each first as values read without
/// spans (`bringup::read_docs`: the reader's short road, else the full reader): a file with no
/// finding is done (almost every file of a valid tree); any finding, or a file that did not
/// read, is checked again from the full reader's spanned tree, which places every diagnostic.
pub fn validate_tree_report(tree: &Tree) -> Report {
    let docs = crate::bringup::read_docs(tree, &is_validated);
    validate_read_report(tree, &|path| docs.get(path).map(|d| d.iter().collect()))
}

/// The files [`validate_tree_report`] validates: YAML, but not the Kustomizations.
pub fn is_validated(path: &str) -> bool {
    path.ends_with(".yaml") && !path.ends_with("kustomization.yaml")
}

/// [`validate_tree_report`] with the documents of the tree's files already known as values
/// (`read`: a file's documents, `None` for a file that is to be read here).
pub fn validate_read_report<'d>(
    tree: &Tree,
    read: &(dyn Fn(&str) -> Option<Vec<&'d Value>> + Sync),
) -> Report {
    use rayon::prelude::*;
    let files: Vec<(&str, &[u8])> = tree
        .files()
        .filter(|(path, _)| is_validated(path))
        .collect();
    let reports: Vec<Report> = files
        .par_iter()
        .map(|&(path, bytes)| file_report(path, bytes, read(path)))
        .collect();
    let mut out = Report {
        diagnostics: Vec::new(),
        cel: cel::Stats::default(),
    };
    for r in reports {
        out.diagnostics.extend(r.diagnostics);
        out.cel.add(&r.cel);
    }
    out
}

/// The findings of one rendered YAML file (see [`validate_tree_report`]), from its documents
/// as values when they were read.
fn file_report(path: &str, bytes: &[u8], values: Option<Vec<&Value>>) -> Report {
    let mut stats = cel::Stats::default();
    let mut out = Vec::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(Diagnostic::error(Code::Internal, "generated file is not UTF-8").in_file(path));
        return Report {
            diagnostics: out,
            cel: stats,
        };
    };
    if let Some(values) = values {
        // The short road places a finding at the file only (no spanned tree): its name is all
        // it reads of the source, so the file's text is not copied and indexed for it (37 MB
        // and 18,000 line indexes for 1,000 clusters).
        let named = SourceFile::new(path, String::new());
        for value in values {
            out.extend(object_findings(&named, None, value, &mut stats));
            out.extend(values_findings(&named, None, value));
        }
        if out.is_empty() {
            return Report {
                diagnostics: out,
                cel: stats,
            };
        }
        // Findings: placed from the spanned tree, counted once.
        out.clear();
        stats = cel::Stats::default();
    }
    let src = SourceFile::new(path, text);
    let docs = match read::read_stream(&src, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => {
            out.extend(diags.into_iter().map(|d| Diagnostic {
                code: Code::Internal,
                ..d
            }));
            return Report {
                diagnostics: out,
                cel: stats,
            };
        }
    };
    for doc in docs {
        let value = doc.to_json();
        out.extend(object_findings(&src, Some(&doc), &value, &mut stats));
        out.extend(values_findings(&src, Some(&doc), &value));
    }
    Report {
        diagnostics: out,
        cel: stats,
    }
}

/// A diagnostic at the node `pointer` names in `doc`, or at the file when there is no
/// spanned tree (the short road, whose findings are placed again from one).
fn placed(d: Diagnostic, src: &SourceFile, doc: Option<&Node>, pointer: &str) -> Diagnostic {
    match doc {
        Some(doc) => d.at(src, doc.locate(pointer).node.span),
        None => d.in_file(src.name()),
    }
}

/// Validates one object, and the configuration files it makes kubeadm write; documents that
/// are not Kubernetes objects are left alone.
pub fn validate_object(src: &SourceFile, doc: &Node, value: &Value) -> Vec<Diagnostic> {
    validate_object_counted(src, doc, value, &mut cel::Stats::default())
}

/// [`validate_object`], counting CEL rule evaluations into `stats`.
pub fn validate_object_counted(
    src: &SourceFile,
    doc: &Node,
    value: &Value,
    stats: &mut cel::Stats,
) -> Vec<Diagnostic> {
    object_findings(src, Some(doc), value, stats)
}

/// [`validate_object_counted`], placed in `doc` when there is one.
fn object_findings(
    src: &SourceFile,
    doc: Option<&Node>,
    value: &Value,
    stats: &mut cel::Stats,
) -> Vec<Diagnostic> {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let mut out = match check_value_counted(value, stats) {
        Outcome::Unknown => Vec::new(),
        Outcome::NoSchema => vec![placed(
            Diagnostic::error(
                Code::OutputSchema,
                format!(
                    "no bundled schema for {} {kind} (`{name}`)",
                    value
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                ),
            ),
            src,
            doc,
            "",
        )],
        Outcome::BrokenSchema(e) => vec![
            Diagnostic::error(
                Code::Internal,
                format!("bundled schema of {kind} does not compile: {e}"),
            )
            .in_file(src.name()),
        ],
        Outcome::Checked(violations) => violations
            .into_iter()
            .map(|v| {
                placed(
                    Diagnostic::error(
                        Code::OutputSchema,
                        format!("{kind} `{name}`: {}: {}", v.pointer, v.message),
                    ),
                    src,
                    doc,
                    &v.pointer,
                )
                .note(format!("schema path {}", v.schema_path))
            })
            .collect(),
    };
    for (pointer, path, content) in embedded_files(value) {
        for problem in check_embedded(&path, content) {
            out.push(placed(
                Diagnostic::error(
                    Code::OutputSchema,
                    format!("{kind} `{name}`: the file `{path}` it writes: {problem}"),
                ),
                src,
                doc,
                &pointer,
            ));
        }
    }
    out
}

/// The YAML files a kubeadm configuration (or a kops Cluster's `fileAssets`) writes onto
/// machines: (pointer to the content in the object, path on the machine, content).
pub fn embedded_files(value: &Value) -> Vec<(String, String, &str)> {
    let base = match value.get("kind").and_then(Value::as_str) {
        Some("KubeadmControlPlane") => "/spec/kubeadmConfigSpec/files",
        Some("KubeadmConfigTemplate") => "/spec/template/spec/files",
        // kOps writes a Cluster's file assets onto its machines the same way.
        Some("Cluster")
            if value.get("apiVersion").and_then(Value::as_str)
                == Some(crate::facts::kops::API_VERSION) =>
        {
            "/spec/fileAssets"
        }
        _ => return Vec::new(),
    };
    let Some(files) = value.pointer(base).and_then(Value::as_array) else {
        return Vec::new();
    };
    files
        .iter()
        .enumerate()
        .filter_map(|(i, file)| {
            let path = file.get("path").and_then(Value::as_str)?;
            let content = file.get("content").and_then(Value::as_str)?;
            (path.ends_with(".yaml") || path.ends_with(".yml"))
                .then(|| (format!("{base}/{i}/content"), path.to_string(), content))
        })
        .collect()
}

/// Problems of one embedded YAML file: it must parse, and every document of a kind platc has a
/// schema for must validate (an AdmissionConfiguration's plugin configurations included).
pub fn check_embedded(path: &str, content: &str) -> Vec<String> {
    let src = SourceFile::new(path, content);
    let docs = match read::read_stream(&src, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => return diags.into_iter().map(|d| d.message).collect(),
    };
    let mut out = Vec::new();
    for doc in docs {
        let value = doc.to_json();
        let mut objects = vec![(String::new(), &value)];
        if let Some(plugins) = value.get("plugins").and_then(Value::as_array) {
            for (i, plugin) in plugins.iter().enumerate() {
                if let Some(configuration) = plugin.get("configuration") {
                    objects.push((format!("/plugins/{i}/configuration"), configuration));
                }
            }
        }
        for (prefix, object) in objects {
            match check_value(object) {
                Outcome::Checked(violations) => out.extend(
                    violations
                        .into_iter()
                        .map(|v| format!("{prefix}{}: {}", v.pointer, v.message)),
                ),
                Outcome::NoSchema => out.push(format!(
                    "{prefix}: no bundled schema for {} {}",
                    object
                        .get("apiVersion")
                        .and_then(Value::as_str)
                        .unwrap_or("?"),
                    object.get("kind").and_then(Value::as_str).unwrap_or("?")
                )),
                Outcome::BrokenSchema(e) => {
                    out.push(format!("bundled schema does not compile: {e}"))
                }
                Outcome::Unknown => {}
            }
        }
    }
    out
}

/// [`values_findings`] placed in the spanned tree `doc`.
#[cfg(test)]
pub(crate) fn validate_values(src: &SourceFile, doc: &Node, value: &Value) -> Vec<Diagnostic> {
    values_findings(src, Some(doc), value)
}

/// Helm values against their chart's schema: a values file of a chart platc has a schema for,
/// and the values block of each Installation app that installs such a chart, and a
/// HelmRelease's inline values of such a chart; placed in `doc` when there is one.
fn values_findings(src: &SourceFile, doc: Option<&Node>, value: &Value) -> Vec<Diagnostic> {
    if value.get("apiVersion").is_none() {
        return match values::chart_of_file(src.name()) {
            Some(chart) => check_values(src, doc, chart, "", value),
            None => Vec::new(),
        };
    }
    if value.get("kind").and_then(Value::as_str) == Some("HelmChartProxy") {
        return validate_proxy_values(src, doc, value);
    }
    // A HelmRelease's inline values, for a chart platc has a schema for (the values it reads
    // from a ConfigMap are the values file beside it, checked by name).
    if value.get("kind").and_then(Value::as_str) == Some("HelmRelease") {
        let chart = value
            .pointer("/spec/chart/spec/chart")
            .and_then(Value::as_str)
            .and_then(values::chart_of_app);
        return match (chart, value.pointer("/spec/values")) {
            (Some(chart), Some(inline)) => check_values(src, doc, chart, "/spec/values", inline),
            _ => Vec::new(),
        };
    }
    if value.get("kind").and_then(Value::as_str) != Some("Installation") {
        return Vec::new();
    }
    let Some(apps) = value.get("apps").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (app, entry) in apps {
        let (Some(chart), Some(text)) = (
            values::chart_of_installation_app(app),
            entry.get("values").and_then(Value::as_str),
        ) else {
            continue;
        };
        let pointer = format!("/apps/{app}/values");
        let inner = SourceFile::new(format!("{}#{pointer}", src.name()), text);
        match read::read_stream(&inner, &ReadOptions::kustomize()) {
            Ok(docs) => {
                for d in docs {
                    out.extend(check_values(src, doc, chart, &pointer, &d.to_json()));
                }
            }
            Err(diags) => out.extend(diags.into_iter().map(|d| Diagnostic {
                code: Code::Internal,
                ..d
            })),
        }
    }
    out
}

/// The values of a HelmChartProxy (its `valuesTemplate`, which platc writes without template
/// actions): against the chart's `values.schema.json` where platc bundles one, and the
/// tigera-operator chart's `installation` against the `operator.tigera.io/v1` Installation
/// schema (the chart renders it as that object's spec, without `enabled`).
fn validate_proxy_values(src: &SourceFile, doc: Option<&Node>, value: &Value) -> Vec<Diagnostic> {
    let chart = value.pointer("/spec/chartName").and_then(Value::as_str);
    let Some(text) = value
        .pointer("/spec/valuesTemplate")
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let pointer = "/spec/valuesTemplate";
    let inner = SourceFile::new(format!("{}#{pointer}", src.name()), text);
    let docs = match read::read_stream(&inner, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => {
            return diags
                .into_iter()
                .map(|d| Diagnostic {
                    code: Code::Internal,
                    ..d
                })
                .collect();
        }
    };
    let mut out = Vec::new();
    for d in docs {
        let values = d.to_json();
        if let Some(chart) = chart.and_then(values::chart_of_app) {
            out.extend(check_values(src, doc, chart, pointer, &values));
        }
        if chart == Some("tigera-operator")
            && let Some(Value::Object(installation)) = values.get("installation")
        {
            let mut spec = installation.clone();
            spec.remove("enabled");
            let object = crate::json::json!({
                "apiVersion": "operator.tigera.io/v1",
                "kind": "Installation",
                "metadata": {"name": "default"},
                "spec": spec,
            });
            if let Outcome::Checked(violations) = check_value(&object) {
                out.extend(violations.into_iter().map(|v| {
                    placed(
                        Diagnostic::error(
                            Code::OutputSchema,
                            format!(
                                "tigera-operator values in `{pointer}`: installation{}: {}",
                                v.pointer.trim_start_matches("/spec"),
                                v.message
                            ),
                        ),
                        src,
                        doc,
                        pointer,
                    )
                }));
            }
        }
    }
    out
}

/// One values tree against its chart's schema; `at` points at the values in the document.
fn check_values(
    src: &SourceFile,
    doc: Option<&Node>,
    chart: &str,
    at: &str,
    values: &Value,
) -> Vec<Diagnostic> {
    match values::check(chart, values) {
        Ok(violations) => violations
            .into_iter()
            .map(|(pointer, message)| {
                let place = if at.is_empty() {
                    String::new()
                } else {
                    format!(" in `{at}`")
                };
                placed(
                    Diagnostic::error(
                        Code::OutputSchema,
                        format!("{chart} values{place}: {pointer}: {message}"),
                    ),
                    src,
                    doc,
                    at,
                )
            })
            .collect(),
        Err(e) => vec![Diagnostic::error(Code::Internal, e).in_file(src.name())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    /// A file whose values have a finding is validated again from the spanned tree: the
    /// diagnostic names the line, whichever way the values were known.
    #[test]
    fn findings_are_placed_whether_the_values_were_read_or_known() {
        let text = "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: a\n  namespace: default\nspec:\n  paused: sometimes\n";
        let mut tree = Tree::new();
        tree.insert("clusters/a/cluster.yaml", text.as_bytes().to_vec());
        tree.insert(
            "clusters/a/ok.yaml",
            b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n".to_vec(),
        );
        let render = |d: &Diagnostic| {
            crate::diag::render::render(d, crate::diag::render::Format::Human, false)
        };
        let read = validate_tree_report(&tree).diagnostics;
        assert_eq!(read.len(), 1, "{read:?}");
        assert!(
            render(&read[0]).contains("clusters/a/cluster.yaml:7:"),
            "{}",
            render(&read[0])
        );
        let values = crate::overlay::fast_read::documents(text).unwrap();
        let known = validate_read_report(&tree, &|p| {
            (p == "clusters/a/cluster.yaml").then(|| values.iter().collect())
        })
        .diagnostics;
        assert_eq!(known.len(), 1, "{known:?}");
        assert_eq!(render(&known[0]), render(&read[0]));
    }

    #[test]
    fn every_bundled_schema_compiles() {
        for ((api_version, kind), entry) in bundled() {
            let validator = entry.validator();
            assert!(
                validator.is_ok(),
                "{api_version} {kind}: {:?}",
                validator.as_ref().err()
            );
        }
    }

    #[test]
    fn own_schemas_are_strict() {
        let policy = json!({
            "apiVersion": "audit.k8s.io/v1",
            "kind": "Policy",
            "rules": [{"level": "Metadata"}],
        });
        assert_eq!(check_value(&policy), Outcome::Checked(Vec::new()));
        let bad = json!({
            "apiVersion": "audit.k8s.io/v1",
            "kind": "Policy",
            "rules": [{"level": "Everything", "verb": ["get"]}],
        });
        let Outcome::Checked(violations) = check_value(&bad) else {
            panic!("not checked")
        };
        assert_eq!(violations.len(), 2, "{violations:?}");
        let psa = json!({
            "apiVersion": "pod-security.admission.config.k8s.io/v1",
            "kind": "PodSecurityConfiguration",
            "defaults": {"enforce": "baseline", "enforce-version": "v1.30"},
        });
        assert_eq!(check_value(&psa), Outcome::Checked(Vec::new()));
        let psa = json!({
            "apiVersion": "pod-security.admission.config.k8s.io/v1",
            "kind": "PodSecurityConfiguration",
            "defaults": {"enforce": "strict", "enforce-version": "1.30"},
        });
        assert!(matches!(check_value(&psa), Outcome::Checked(v) if v.len() == 2));
    }

    #[test]
    fn embedded_admission_plugin_configurations_are_checked() {
        let content = "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    apiVersion: pod-security.admission.config.k8s.io/v1\n    kind: PodSecurityConfiguration\n    defaults:\n      enforce: sometimes\n";
        let problems = check_embedded("/etc/kubernetes/admission.yaml", content);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("/plugins/0/configuration/defaults/enforce"));
    }
}
