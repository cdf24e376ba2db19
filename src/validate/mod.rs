//! Validation of rendered output against the upstream schemas of the kinds platc emits
//! (bundled in the binary): every Kubernetes object of every YAML file is re-read from the
//! bytes that would be written and checked, strictly. A kind in a group platc emits but with
//! no bundled schema is an error: a missing schema must never pass silently. An object that
//! passes its schema is then held to the schema's CEL rules (`x-kubernetes-validations`,
//! see [`cel`]).

pub mod cel;
mod schemas;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::tree::Tree;
use crate::yaml::read::{self, ReadOptions};

fn validators() -> &'static BTreeMap<(String, String), Result<jsonschema::Validator, String>> {
    static CACHE: OnceLock<BTreeMap<(String, String), Result<jsonschema::Validator, String>>> =
        OnceLock::new();
    CACHE.get_or_init(|| {
        schemas::SCHEMAS
            .iter()
            .map(|(api_version, kind, text)| {
                let validator = serde_json::from_str::<Value>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|schema| {
                        jsonschema::validator_for(&schema).map_err(|e| e.to_string())
                    });
                ((api_version.to_string(), kind.to_string()), validator)
            })
            .collect()
    })
}

/// The bundled schemas as values, for walking them alongside an object (CEL rules).
fn schema_values() -> &'static BTreeMap<(String, String), Value> {
    static CACHE: OnceLock<BTreeMap<(String, String), Value>> = OnceLock::new();
    CACHE.get_or_init(|| {
        schemas::SCHEMAS
            .iter()
            .filter_map(|(api_version, kind, text)| {
                let schema = serde_json::from_str::<Value>(text).ok()?;
                Some(((api_version.to_string(), kind.to_string()), schema))
            })
            .collect()
    })
}

/// The CEL rule failures of an object of a bundled kind (none for other kinds).
fn cel_failures(value: &Value, stats: &mut cel::Stats) -> Vec<cel::Failure> {
    let (Some(api_version), Some(kind)) = (
        value.get("apiVersion").and_then(Value::as_str),
        value.get("kind").and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    match schema_values().get(&(api_version.to_string(), kind.to_string())) {
        Some(schema) => cel::check(schema, value, stats),
        None => Vec::new(),
    }
}

/// What validating a tree found, and how many CEL rules it could evaluate.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub cel: cel::Stats,
}

/// API groups platc emits objects of; an object of one of these groups needs a schema.
fn group_is_known(api_version: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    schemas::SCHEMAS
        .iter()
        .any(|(v, _, _)| v.rsplit_once('/').map_or("", |(g, _)| g) == group)
}

/// Validates every object of every YAML file in the tree (not `kustomization.yaml`).
pub fn validate_tree(tree: &Tree) -> Vec<Diagnostic> {
    validate_tree_report(tree).diagnostics
}

/// [`validate_tree`], with the count of CEL rules evaluated and skipped.
pub fn validate_tree_report(tree: &Tree) -> Report {
    let mut stats = cel::Stats::default();
    let mut out = Vec::new();
    for (path, bytes) in tree.files() {
        if !path.ends_with(".yaml") || path.ends_with("kustomization.yaml") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            out.push(
                Diagnostic::error(Code::Internal, "generated file is not UTF-8").in_file(path),
            );
            continue;
        };
        let src = SourceFile::new(path, text);
        let docs = match read::read_stream(&src, &ReadOptions::kustomize()) {
            Ok(docs) => docs,
            Err(diags) => {
                out.extend(diags.into_iter().map(|d| Diagnostic {
                    code: Code::Internal,
                    ..d
                }));
                continue;
            }
        };
        for doc in docs {
            let value = doc.to_json();
            out.extend(validate_object_counted(&src, &doc, &value, &mut stats));
        }
    }
    Report {
        diagnostics: out,
        cel: stats,
    }
}

/// Validates one object; documents that are not Kubernetes objects are left alone.
pub fn validate_object(
    src: &SourceFile,
    doc: &crate::yaml::node::Node,
    value: &Value,
) -> Vec<Diagnostic> {
    validate_object_counted(src, doc, value, &mut cel::Stats::default())
}

/// [`validate_object`], counting CEL rule evaluations into `stats`. CEL rules run only on
/// an object that passes its schema (a rule may assume the types the schema guarantees).
pub fn validate_object_counted(
    src: &SourceFile,
    doc: &crate::yaml::node::Node,
    value: &Value,
    stats: &mut cel::Stats,
) -> Vec<Diagnostic> {
    let structural = validate_structure(src, doc, value);
    if !structural.is_empty() {
        return structural;
    }
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    cel_failures(value, stats)
        .into_iter()
        .map(|f| {
            let span = doc.locate(&f.pointer).node.span;
            Diagnostic::error(
                Code::OutputSchema,
                format!(
                    "{kind} `{name}`: {}: {}",
                    display_pointer(&f.pointer),
                    f.message
                ),
            )
            .at(src, span)
            .note(format!("schema path {}", f.schema_path))
            .note(format!("CEL rule: {}", f.rule))
        })
        .collect()
}

/// The root pointer reads as `/`.
fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

fn validate_structure(
    src: &SourceFile,
    doc: &crate::yaml::node::Node,
    value: &Value,
) -> Vec<Diagnostic> {
    let (Some(api_version), Some(kind)) = (
        value.get("apiVersion").and_then(Value::as_str),
        value.get("kind").and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    match validators().get(&(api_version.to_string(), kind.to_string())) {
        Some(Ok(validator)) => validator
            .iter_errors(value)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let span = doc.locate(&pointer).node.span;
                Diagnostic::error(
                    Code::OutputSchema,
                    format!("{kind} `{name}`: {pointer}: {e}"),
                )
                .at(src, span)
                .note(format!("schema path {}", e.schema_path()))
            })
            .collect(),
        Some(Err(e)) => vec![
            Diagnostic::error(
                Code::Internal,
                format!("bundled schema of {api_version} {kind} does not compile: {e}"),
            )
            .in_file(src.name()),
        ],
        None if group_is_known(api_version) => vec![
            Diagnostic::error(
                Code::OutputSchema,
                format!("no bundled schema for {api_version} {kind} (`{name}`)"),
            )
            .at(src, doc.span),
        ],
        None => Vec::new(),
    }
}

/// One way an object breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer into the object (`/spec/replicas`).
    pub pointer: String,
    pub message: String,
    /// JSON pointer into the schema.
    pub schema_path: String,
}

/// Schema errors of one object value (no file at hand: an object an overlay changed in
/// memory), CEL rule failures included. A kind of a group platc emits with no bundled schema is an error; objects of
/// other groups are not checked.
pub fn schema_errors(value: &Value) -> Vec<SchemaError> {
    let (Some(api_version), Some(kind)) = (
        value.get("apiVersion").and_then(Value::as_str),
        value.get("kind").and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    match validators().get(&(api_version.to_string(), kind.to_string())) {
        Some(Ok(validator)) => {
            let errors: Vec<SchemaError> = validator
                .iter_errors(value)
                .map(|e| SchemaError {
                    pointer: e.instance_path().to_string(),
                    message: e.to_string(),
                    schema_path: e.schema_path().to_string(),
                })
                .collect();
            if !errors.is_empty() {
                return errors;
            }
            cel_failures(value, &mut cel::Stats::default())
                .into_iter()
                .map(|f| SchemaError {
                    pointer: f.pointer,
                    message: f.message,
                    schema_path: format!("{} (CEL rule `{}`)", f.schema_path, f.rule),
                })
                .collect()
        }
        Some(Err(e)) => vec![SchemaError {
            pointer: String::new(),
            message: format!("bundled schema of {api_version} {kind} does not compile: {e}"),
            schema_path: String::new(),
        }],
        None if group_is_known(api_version) => vec![SchemaError {
            pointer: String::new(),
            message: format!("no bundled schema for {api_version} {kind}"),
            schema_path: String::new(),
        }],
        None => Vec::new(),
    }
}
