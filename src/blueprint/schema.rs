//! The blueprint's JSON Schema: generated from the model's types (the one source of truth),
//! printed by `platc schema`, committed as `schema/platform.schema.json`, and enforced on every
//! blueprint before it is turned into typed data. This module also turns the validator's
//! errors into diagnostics a platform engineer can act on: the field named, its place in the
//! file, and a "did you mean" where a close name exists.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::model::Blueprint;
use super::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::suggest::did_you_mean;
use crate::validate::quick;
use crate::yaml::node::{Node, NodeKind, Scalar};

/// Where editors and `$schema` modelines find the schema.
pub const SCHEMA_ID: &str = "https://platc.io/schemas/platform.v1alpha1.schema.json";

/// The schema blueprints are checked against: `schema/platform.schema.json`, built into the
/// binary. It is [`generated`] from the types, byte for byte (`tests/schema_file.rs` fails
/// otherwise); reading the committed text spares every run the generation.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../schema/platform.schema.json"))
            .unwrap_or_else(|_| generated().clone())
    })
}

/// The schema as the model's types generate it. Option fields are plain (not nullable): a
/// blueprint that writes `aws:` with nothing after it gets a clear type error instead of a
/// silent default.
pub fn generated() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = SchemaSettings::draft07().into_generator();
        let schema = generator.into_root_schema_for::<Blueprint>();
        let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
        strip_null(&mut value);
        if let Value::Object(map) = &mut value {
            map.insert("$id".into(), Value::String(SCHEMA_ID.into()));
            map.insert(
                "title".into(),
                Value::String("platc Platform blueprint (platc.io/v1alpha1)".into()),
            );
        }
        value
    })
}

/// The schema as `platc schema` prints it and `schema/platform.schema.json` holds it.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(generated()).unwrap_or_default();
    text.push('\n');
    text
}

/// schemars makes every `Option<T>` field nullable; a blueprint field is either written with
/// a value or left out, so `null` is removed from every type.
fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = map.get("anyOf")
                && any.len() == 2
                && any
                    .iter()
                    .any(|s| s.get("type").is_some_and(|t| t == "null"))
                && let Some(other) = any
                    .iter()
                    .find(|s| s.get("type").is_none_or(|t| t != "null"))
                    .cloned()
            {
                map.remove("anyOf");
                if let Value::Object(inner) = other {
                    map.extend(inner);
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// Reads the blueprint's schema on another thread, while the caller parses the YAML it will
/// check (the schema check waits for it if it is not ready yet). Not compiled: the quick
/// check reads it as it is, and only a blueprint it cannot vouch for (nearly always one
/// with errors) compiles the validator that reports them.
pub fn prepare() {
    crate::background::prepare("blueprint-schema", || {
        let _ = schema();
    });
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(schema()).ok())
        .as_ref()
}

/// Validates the document against the schema and returns one diagnostic per problem.
pub fn check(src: &SourceFile, root: &Node, value: &Value) -> Vec<Diagnostic> {
    // Formats asserted: the dialect `validator_for` gives a draft-07 schema.
    let dialect = quick::Dialect { formats: true };
    if quick::check(schema(), value, dialect) == quick::Verdict::Valid {
        return Vec::new();
    }
    let Some(validator) = validator() else {
        return vec![Diagnostic::error(
            Code::Internal,
            "the blueprint schema does not compile",
        )];
    };
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().to_string();
        let schema_pointer = error.schema_path().to_string();
        let path = BlueprintPath::from_pointer(&pointer);
        let located = root.locate(&pointer);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_properties(&schema_pointer);
                for name in unexpected {
                    let field_path = path.field(name);
                    let key_span = located
                        .node
                        .entry(name)
                        .map_or(located.node.span, |(k, _)| k.span);
                    let mut d =
                        Diagnostic::error(Code::UnknownField, format!("unknown field `{name}`"))
                            .path(&field_path)
                            .at(src, key_span);
                    if let Some(best) = did_you_mean(name, allowed.iter().map(String::as_str)) {
                        d = d.help(format!("did you mean `{best}`?"));
                    } else if !allowed.is_empty() {
                        d = d.help(format!("the fields here are: {}", allowed.join(", ")));
                    }
                    out.push(d);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let span = located.key.map_or(located.node.span, |k| k.span);
                out.push(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("missing required field `{name}`"),
                    )
                    .path(&path)
                    .at(src, span),
                );
            }
            ValidationErrorKind::Type { kind } => {
                out.push(type_error(src, located.node, &path, kind));
            }
            ValidationErrorKind::Enum { options } => {
                let choices: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let found = located.node.raw().unwrap_or("this value").to_string();
                let mut d = Diagnostic::error(
                    Code::Enum,
                    format!("`{found}` is not one of {}", choices.join(", ")),
                )
                .path(&path)
                .at(src, located.node.span);
                if let Some(best) = did_you_mean(&found, choices.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{best}`?"));
                }
                out.push(d);
            }
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
                out.push(
                    Diagnostic::error(
                        Code::Type,
                        format!("{} is not an allowed value here", describe(located.node)),
                    )
                    .path(&path)
                    .at(src, located.node.span)
                    .help("a quantity is a string such as `500m` or `4Gi`, or a whole number"),
                );
            }
            ValidationErrorKind::Minimum { limit } => out.push(
                Diagnostic::error(
                    Code::Range,
                    format!(
                        "{} is less than the minimum {limit}",
                        describe(located.node)
                    ),
                )
                .path(&path)
                .at(src, located.node.span),
            ),
            ValidationErrorKind::Maximum { limit } => out.push(
                Diagnostic::error(
                    Code::Range,
                    format!(
                        "{} is more than the maximum {limit}",
                        describe(located.node)
                    ),
                )
                .path(&path)
                .at(src, located.node.span),
            ),
            _ => out.push(
                Diagnostic::error(Code::Type, error.to_string())
                    .path(&path)
                    .at(src, located.node.span),
            ),
        }
    }
    out
}

/// The property names the schema allows at the object that `schema_pointer` (ending in
/// `/additionalProperties`) describes, following `$ref`s into `$defs`.
fn allowed_properties(schema_pointer: &str) -> Vec<String> {
    let root = schema();
    let object_pointer = schema_pointer
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_pointer);
    let mut node = root;
    for raw in object_pointer.split('/').skip(1) {
        let step = raw.replace("~1", "/").replace("~0", "~");
        node = resolve_ref(root, node);
        let next = match node {
            Value::Object(map) => map.get(&step),
            Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    let node = resolve_ref(root, node);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve_ref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(node),
        None => node,
    }
}

/// How a value reads in a message: `the number 1.3 (written 1.30)`.
fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar { value, raw, .. } => {
            let written = |shown: &str| {
                if shown == raw {
                    String::new()
                } else {
                    format!(" (written `{raw}`)")
                }
            };
            match value {
                Scalar::Null => "an empty value".to_string(),
                Scalar::Bool(b) => format!("the boolean {b}{}", written(&b.to_string())),
                Scalar::Number(n) => format!("the number {n}{}", written(&n.to_string())),
                Scalar::String(s) => format!("the string `{s}`"),
            }
        }
        NodeKind::Seq(_) => "a list".to_string(),
        NodeKind::Map(_) => "a mapping".to_string(),
    }
}

fn type_error(src: &SourceFile, node: &Node, path: &BlueprintPath, kind: &TypeKind) -> Diagnostic {
    let expected = match kind {
        TypeKind::Single(t) => json_type_name(&t.to_string()),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| json_type_name(&t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    };
    let mut d = Diagnostic::error(
        Code::Type,
        format!("expected {expected}, found {}", describe(node)),
    )
    .path(path)
    .at(src, node.span);
    if let NodeKind::Scalar { value, raw, .. } = &node.kind {
        if expected.contains("string") && !matches!(value, Scalar::String(_)) {
            d = d.help(format!(
                "YAML reads `{raw}` as a {}; quote it: \"{raw}\"",
                match value {
                    Scalar::Number(_) => "number",
                    Scalar::Bool(_) => "boolean",
                    _ => "null",
                }
            ));
        } else if expected.contains("integer") && matches!(value, Scalar::String(_)) {
            d = d.help("write a whole number, without quotes");
        } else if expected.contains("boolean") && matches!(value, Scalar::String(_)) {
            d = d.help("write true or false (YAML 1.2 reads yes/no/on/off as strings)");
        }
    }
    d
}

fn json_type_name(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "string" => "a string".into(),
        "integer" => "a whole number".into(),
        "number" => "a number".into(),
        "boolean" => "a boolean".into(),
        "null" => "nothing".into(),
        other => other.into(),
    }
}
