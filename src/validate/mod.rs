//! Validation of rendered output against the upstream schemas of the kinds platc emits
//! (bundled in the binary): every Kubernetes object of every YAML file is re-read from the
//! bytes that would be written and checked, strictly. A kind in a group platc emits but with
//! no bundled schema is an error: a missing schema must never pass silently.

mod platc_schemas;
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
        all_schemas()
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

/// The bundled upstream schemas, then platc's own for kinds upstream publishes none for.
fn all_schemas() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    schemas::SCHEMAS.iter().chain(platc_schemas::SCHEMAS)
}

/// API groups platc emits objects of; an object of one of these groups needs a schema.
fn group_is_known(api_version: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    all_schemas().any(|(v, _, _)| v.rsplit_once('/').map_or("", |(g, _)| g) == group)
}

/// Validates every object of every YAML file in the tree (not `kustomization.yaml`).
pub fn validate_tree(tree: &Tree) -> Vec<Diagnostic> {
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
            out.extend(validate_object(&src, &doc, &value));
        }
    }
    out
}

/// Validates one object; documents that are not Kubernetes objects are left alone.
pub fn validate_object(
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
