//! Loading a blueprint: bytes → source file → spanned YAML tree → schema pass → typed
//! [`Blueprint`]. Every problem found on the way is a diagnostic; the stages stop only where
//! going on would report nonsense (no YAML tree, or not a Platform at all).

use serde_json::Value;

use super::model::Blueprint;
use super::path::BlueprintPath;
use super::schema;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use crate::suggest::did_you_mean;
use crate::yaml::node::Node;
use crate::yaml::read::{self, ReadOptions};

pub const API_VERSION: &str = "platc.io/v1alpha1";
pub const KIND: &str = "Platform";

/// Blueprints larger than this are refused before parsing. A 5,000-cluster fleet is about
/// 5 MB; 16 MiB leaves room and still bounds what a hostile file can cost.
pub const MAX_BLUEPRINT_BYTES: usize = 16 << 20;

/// A blueprint that passed the schema: its source (for spans), its tree and its typed form.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub source: SourceFile,
    pub root: Node,
    pub blueprint: Blueprint,
}

/// Reads and shape-checks a blueprint. Semantic rules run afterwards, on the result.
pub fn load(name: &str, bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    let mut options = ReadOptions::blueprint();
    options.max_bytes = MAX_BLUEPRINT_BYTES;
    let source = read::decode(name, bytes, options.max_bytes).map_err(Diagnostics::from)?;
    let mut docs = read::read_stream(&source, &options).map_err(Diagnostics::from)?;
    if docs.is_empty() {
        return Err(Diagnostic::error(
            Code::Documents,
            "empty blueprint: expected `kind: Platform`",
        )
        .at(&source, Span::point(0))
        .help("start from `platc init`; `platc schema` prints every field")
        .into());
    }
    if docs.len() > 1 {
        return Err(Diagnostic::error(
            Code::Documents,
            format!("one Platform per file: found {} YAML documents", docs.len()),
        )
        .at(&source, docs[1].span)
        .help(
            "remove the `---` and everything after it, or split the platforms into separate files",
        )
        .into());
    }
    let root = docs.remove(0);
    let value = root.to_json();
    let mut diags = Diagnostics::new();
    if !value.is_object() {
        return Err(Diagnostic::error(
            Code::Kind,
            "a blueprint is a mapping with `apiVersion`, `kind`, `metadata` and `spec`",
        )
        .at(&source, root.span)
        .into());
    }
    check_header(&source, &root, &value, "kind", KIND, &mut diags);
    check_header(
        &source,
        &root,
        &value,
        "apiVersion",
        API_VERSION,
        &mut diags,
    );
    if diags.has_errors() {
        // Not a platc blueprint (or a different version): field-by-field errors would be noise.
        return Err(diags);
    }
    diags.extend(schema::check(&source, &root, &value));
    if !diags.has_errors() {
        integral_floats(&source, &root, &mut BlueprintPath::root(), &mut diags);
    }
    diags.extend(super::check::secrets::scan(&source, &root));
    if diags.has_errors() {
        // The schema pass quotes source lines too: mask any secret in them.
        return Err(super::check::secrets::redact(&source, &root, diags));
    }
    match serde_json::from_value::<Blueprint>(value) {
        Ok(blueprint) => Ok(Loaded {
            source,
            root,
            blueprint,
        }),
        // The schema is generated from the same types, so this is a platc bug.
        Err(e) => Err(Diagnostic::error(
            Code::Internal,
            format!("blueprint passed the schema but not the types: {e}"),
        )
        .at(&source, root.span)
        .into()),
    }
}

/// Every number of the blueprint is a whole number (the model has no fractional field), and
/// JSON Schema counts `3.0` as an integer, so `replicas: 3.0` passes the schema and would
/// only fail the typed read, pathless. Refused here with its path and position.
fn integral_floats(
    src: &SourceFile,
    node: &Node,
    path: &mut BlueprintPath,
    diags: &mut Diagnostics,
) {
    use crate::yaml::node::{NodeKind, Scalar};
    match &node.kind {
        NodeKind::Scalar {
            value: Scalar::Number(n),
            raw,
            ..
        } if n.is_f64() => {
            let whole = n.as_f64().map_or_else(String::new, |f| format!("{f:.0}"));
            diags.push(
                Diagnostic::error(
                    Code::Type,
                    format!("`{raw}` is not a whole number; this field takes an integer"),
                )
                .path(&*path)
                .at(src, node.span)
                .help(format!("write `{whole}`")),
            );
        }
        NodeKind::Scalar { .. } => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_index(i);
                integral_floats(src, item, path, diags);
                path.pop();
            }
        }
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                path.push_field(&key.name);
                integral_floats(src, value, path, diags);
                path.pop();
            }
        }
    }
}

fn check_header(
    src: &SourceFile,
    root: &Node,
    value: &Value,
    field: &str,
    expected: &str,
    diags: &mut Diagnostics,
) {
    let path = BlueprintPath::root().field(field);
    match (value.get(field), root.entry(field)) {
        (Some(Value::String(found)), Some((_, node))) if found != expected => {
            let mut d = Diagnostic::error(
                Code::Kind,
                format!("`{found}` is not a platc blueprint {field}; expected `{expected}`"),
            )
            .path(&path)
            .at(src, node.span);
            if did_you_mean(found, [expected]).is_some() {
                d = d.help(format!("did you mean `{expected}`?"));
            }
            diags.push(d);
        }
        (Some(Value::String(_)), _) => {}
        (Some(_), Some((_, node))) => diags.push(
            Diagnostic::error(
                Code::Kind,
                format!("`{field}` must be the string `{expected}`"),
            )
            .path(&path)
            .at(src, node.span),
        ),
        _ => diags.push(
            Diagnostic::error(
                Code::Kind,
                format!("missing `{field}: {expected}`: this is not a platc blueprint"),
            )
            .path(&path)
            .at(src, root.span),
        ),
    }
}
