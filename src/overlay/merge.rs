//! The merge walk under every strategic merge patch, as kyaml's `walk.Walker` with the
//! `merge2.Merger` visitor does it. Maps merge key by key (keys sorted, as kyaml visits
//! them), a `null` in the patch deletes, scalars and lists without merge keys are replaced
//! by the patch's, and `$patch: replace|delete` directives in maps are honoured. For kinds
//! kustomize has no schema for (every CRD) this is all there is: JSON-merge-patch semantics,
//! lists replaced whole. Lists the schema gives merge keys are handed to [`super::smp`].
//!
//! The walk owns the destination (the resource) and borrows the patch. Where kyaml makes the
//! patch node itself the destination (a field the resource does not have yet), the walk goes
//! on with the patch merged into itself, which is what [`normalize`] does: directives are
//! applied, nulls dropped, keyed elements deduplicated.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::merge_keys::Schema;
use super::smp;

/// Why a merge failed, with the field path where it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeError {
    /// Dotted path of the field, as kyaml prints it (`spec.template.spec.containers`).
    pub path: String,
    pub message: String,
}

/// The directive key.
pub(super) const PATCH_KEY: &str = "$patch";

/// A `$patch` directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Directive {
    Merge,
    Replace,
    Delete,
}

impl Directive {
    pub(super) fn parse(v: &Value, path: &FieldPath) -> Result<Directive, MergeError> {
        match v.as_str() {
            Some("merge") => Ok(Directive::Merge),
            Some("replace") => Ok(Directive::Replace),
            Some("delete") => Ok(Directive::Delete),
            _ => Err(error(
                path,
                format!("unknown patch strategy {}", scalar_text(v)),
            )),
        }
    }
}

/// The dotted path of the field a merge is at (`spec.template.spec.containers`), kept as
/// one string: pushing a field costs no allocation once the string is long enough.
#[derive(Clone, Debug, Default)]
pub(super) struct FieldPath {
    text: String,
    lens: Vec<usize>,
}

impl FieldPath {
    pub(super) fn push(&mut self, field: &str) {
        self.lens.push(self.text.len());
        if !self.text.is_empty() {
            self.text.push('.');
        }
        self.text.push_str(field);
    }

    pub(super) fn pop(&mut self) {
        if let Some(len) = self.lens.pop() {
            self.text.truncate(len);
        }
    }
}

pub(super) fn error(path: &FieldPath, message: impl Into<String>) -> MergeError {
    MergeError {
        path: path.text.clone(),
        message: message.into(),
    }
}

/// The node kinds kyaml tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Map,
    Seq,
    Scalar,
}

fn node_kind(v: &Value) -> Option<NodeKind> {
    match v {
        Value::Null => None,
        Value::Object(_) => Some(NodeKind::Map),
        Value::Array(_) => Some(NodeKind::Seq),
        _ => Some(NodeKind::Scalar),
    }
}

fn kind_name(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Map => "a map",
        NodeKind::Seq => "a list",
        NodeKind::Scalar => "a scalar",
    }
}

/// The text kyaml compares when it matches a value (`yaml.Node.Value`): a scalar as written,
/// nothing for a map or a list.
pub(super) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Object(_) | Value::Array(_) => String::new(),
    }
}

/// The schema kyaml finds for a node with none: the kind named by the node's own
/// `apiVersion` and `kind`, in the destination first, then in the patch (`GetSchema`).
fn schema_from_meta(dest: Option<&Value>, patch: Option<&Value>) -> Option<Schema> {
    for v in [dest, patch].into_iter().flatten() {
        let (Some(api_version), Some(kind)) = (
            v.get("apiVersion").and_then(Value::as_str),
            v.get("kind").and_then(Value::as_str),
        ) else {
            continue;
        };
        if api_version.is_empty() || kind.is_empty() {
            continue;
        }
        if let Some(s) = Schema::for_kind(api_version, kind) {
            return Some(s);
        }
    }
    None
}

/// Merges `patch` into `dest`. `None` as a result means the field is cleared.
pub(super) fn walk(
    dest: Option<Value>,
    patch: Option<&Value>,
    schema: Option<Schema>,
    path: &mut FieldPath,
) -> Result<Option<Value>, MergeError> {
    walk_settled(dest, patch, schema, path, false).map(|(v, _)| v)
}

/// A walk's result, and whether it is known to be [`settled`] under the schema the walk was
/// given (false: not known).
pub(super) type Walked = (Option<Value>, bool);

/// [`walk`], told whether `dest` is known to be [`settled`] (then the fields the patch does
/// not mention are not even looked at: a patch costs what its own fields cost), and telling
/// whether the result is. An object whose first patch found it settled stays known settled
/// from patch to patch, so only that first patch reads all of it.
pub(super) fn walk_settled(
    dest: Option<Value>,
    patch: Option<&Value>,
    incoming: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<Walked, MergeError> {
    let schema = incoming.or_else(|| schema_from_meta(dest.as_ref(), patch));
    // Where the schema comes from the node's own apiVersion and kind, a patch that changes
    // them may change the schema of this walk or of the next: nothing is assumed then.
    let meta_changes = incoming.is_none() && changes_meta(dest.as_ref(), patch);
    let dest_settled = dest_settled && !meta_changes;
    let dest_kind = dest.as_ref().and_then(node_kind);
    let patch_kind = patch.and_then(node_kind);
    let kind = dest_kind.or(patch_kind);
    if let (Some(d), Some(p)) = (dest_kind, patch_kind)
        && d != p
    {
        return Err(error(
            path,
            format!(
                "the patch has {} where the resource has {}",
                kind_name(p),
                kind_name(d)
            ),
        ));
    }
    let (out, known) = match kind {
        Some(NodeKind::Map) | None => walk_map(dest, patch, schema, incoming, path, dest_settled)?,
        Some(NodeKind::Seq) => match schema.and_then(Schema::merge_keys) {
            Some(keys) => smp::walk_associative(dest, patch, keys, schema, path, dest_settled)?,
            // A list without merge keys: the patch's, if it has one.
            None => (
                match patch {
                    Some(p) => non_null(p.clone()),
                    None => dest,
                },
                true,
            ),
        },
        Some(NodeKind::Scalar) => (
            match patch {
                Some(p) => non_null(p.clone()),
                None => dest,
            },
            true,
        ),
    };
    let known = known && !meta_changes;
    if known && let Some(v) = &out {
        debug_assert!(settled(v, incoming), "a walk result said settled is not");
    }
    Ok((out, known))
}

/// Whether a map patch sets `apiVersion` or `kind` to something `dest` does not have.
fn changes_meta(dest: Option<&Value>, patch: Option<&Value>) -> bool {
    let Some(Value::Object(pm)) = patch else {
        return false;
    };
    ["apiVersion", "kind"].iter().any(|f| {
        pm.get(*f)
            .is_some_and(|v| Some(v) != dest.and_then(|d| d.get(*f)))
    })
}

/// Whether an optional result is settled (nothing is).
fn is_settled(v: &Option<Value>, schema: Option<Schema>) -> bool {
    v.as_ref().is_none_or(|v| settled(v, schema))
}

/// A null result clears the field (kyaml's `FieldSetter` with a tagged null).
fn non_null(v: Value) -> Option<Value> {
    (!v.is_null()).then_some(v)
}

/// `walkMap` with `Merger.VisitMap`. `incoming` is the schema the caller gave (what
/// [`settled`] is judged under), `schema` the one the walk uses.
fn walk_map(
    dest: Option<Value>,
    patch: Option<&Value>,
    schema: Option<Schema>,
    incoming: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<Walked, MergeError> {
    let dest_missing = dest.as_ref().is_none_or(Value::is_null);
    if dest_missing {
        return match patch {
            // The resource has no such map: the patch's, merged into itself.
            Some(p @ Value::Object(_)) => {
                let out = normalize(p, schema, path)?;
                let known = is_settled(&out, incoming);
                Ok((out, known))
            }
            // A null over a missing or null field: nothing. A null kept in the resource
            // stays (kyaml keeps an explicit `null` the patch does not mention).
            Some(_) => Ok((None, true)),
            None => Ok((dest, true)),
        };
    }
    let Some(Value::Object(mut dest_map)) = dest else {
        let known = is_settled(&dest, incoming);
        return Ok((dest, known));
    };
    let patch_map = match patch {
        None => None,
        Some(Value::Null) => return Ok((None, true)),
        Some(Value::Object(m)) => Some(m),
        // Kinds were checked by the caller.
        Some(_) => None,
    };
    if let Some(pm) = patch_map
        && let Some(d) = pm.get(PATCH_KEY)
    {
        match Directive::parse(d, path)? {
            Directive::Delete => return Ok((None, true)),
            Directive::Replace => {
                let out = normalize(patch.unwrap_or(&Value::Null), schema, path)?;
                let known = is_settled(&out, incoming);
                return Ok((out, known));
            }
            Directive::Merge => {}
        }
    }
    // kyaml visits every field of the union, sorted. A field only the resource has and that
    // the walk would leave as it is ([`settled`]) is skipped: that keeps the cost of a patch
    // in the size of the patch. The order matters for the fields the patch adds (appended in
    // this order) and for which error comes first; skipped fields add nothing and never fail.
    let mut keys: Vec<(Cow<'_, str>, Option<&Value>)> = Vec::new();
    if let Some(pm) = patch_map {
        keys.extend(
            pm.iter()
                .filter(|(k, _)| *k != PATCH_KEY)
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Some(v))),
        );
    }
    // A settled resource has no field to look at here (debug builds look anyway).
    let dest_only = dest_map
        .iter()
        .filter(|_| !dest_settled || cfg!(debug_assertions));
    for (key, value) in dest_only {
        if patch_map.is_some_and(|pm| pm.contains_key(key)) || value.is_null() {
            continue;
        }
        let field_schema = schema.and_then(|s| s.field(key));
        if dest_settled || settled(value, field_schema) {
            #[cfg(debug_assertions)]
            debug_assert_eq!(
                walk(Some(value.clone()), None, field_schema, &mut path.clone()),
                Ok(Some(value.clone())),
                "a field judged settled changes in the walk"
            );
            continue;
        }
        keys.push((Cow::Owned(key.clone()), None));
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let mut known = true;
    for (key, p) in keys {
        let field_schema = schema.and_then(|s| s.field(&key));
        path.push(&key);
        // The resource's value is merged where it is (no second lookup to put it back).
        let merged = match dest_map.get_mut(key.as_ref()) {
            Some(slot) => {
                let d = slot.take();
                match walk_field(Some(d), p, field_schema, path, dest_settled) {
                    Ok((Some(v), k)) => {
                        *slot = v;
                        known &= k;
                        path.pop();
                        continue;
                    }
                    other => other,
                }
            }
            None => walk_field(None, p, field_schema, path, dest_settled),
        };
        path.pop();
        match merged? {
            (Some(v), k) => {
                known &= k;
                dest_map.insert(key.into_owned(), v);
            }
            (None, _) => {
                dest_map.shift_remove(key.as_ref());
            }
        }
    }
    Ok((Some(Value::Object(dest_map)), known))
}

/// Whether the walk leaves `v` as it is when the patch does not mention it
/// (`walk(Some(v), None, schema) == Some(v)`): true below an [`Schema::Opaque`] field (no
/// merged list there), and for maps and lists whose merged lists are already in the form
/// the merge gives them ([`smp::settled_list`]). Reads only, allocates nothing.
pub(super) fn settled(v: &Value, schema: Option<Schema>) -> bool {
    if matches!(schema, Some(Schema::Opaque)) {
        return true;
    }
    match v {
        Value::Object(m) => {
            let schema = schema.or_else(|| schema_from_meta(Some(v), None));
            if matches!(schema, Some(Schema::Opaque)) {
                return true;
            }
            m.iter().all(|(key, value)| {
                value.is_null() || settled(value, schema.and_then(|s| s.field(key)))
            })
        }
        Value::Array(items) => match schema.and_then(Schema::merge_keys) {
            Some(keys) => smp::settled_list(items, keys, schema),
            None => true,
        },
        _ => true,
    }
}

/// One field of a map: a null the resource has and the patch does not mention stays.
fn walk_field(
    dest: Option<Value>,
    patch: Option<&Value>,
    schema: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<Walked, MergeError> {
    if patch.is_none() && matches!(dest, Some(Value::Null)) {
        return Ok((dest, true));
    }
    walk_settled(dest, patch, schema, path, dest_settled)
}

/// The patch merged into itself, as kyaml walks a patch node that became the destination:
/// `$patch` directives applied and removed, nulls dropped, keyed list elements deduplicated.
/// Lists without merge keys are kept as written (directives and nulls included).
pub(super) fn normalize(
    patch: &Value,
    schema: Option<Schema>,
    path: &mut FieldPath,
) -> Result<Option<Value>, MergeError> {
    let schema = schema.or_else(|| schema_from_meta(Some(patch), None));
    match patch {
        Value::Null => Ok(None),
        Value::Object(m) => {
            if let Some(d) = m.get(PATCH_KEY)
                && Directive::parse(d, path)? == Directive::Delete
            {
                return Ok(None);
            }
            let mut keys: Vec<&String> = m.keys().filter(|k| *k != PATCH_KEY).collect();
            keys.sort();
            let mut out = Map::with_capacity(keys.len());
            for key in keys {
                path.push(key);
                let v = normalize(&m[key], schema.and_then(|s| s.field(key)), path);
                path.pop();
                if let Some(v) = v? {
                    out.insert(key.clone(), v);
                }
            }
            Ok(Some(Value::Object(out)))
        }
        Value::Array(items) => match schema.and_then(Schema::merge_keys) {
            Some(keys) => smp::normalize_associative(items, keys, schema, path),
            None => Ok(Some(patch.clone())),
        },
        _ => Ok(Some(patch.clone())),
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn merge(dest: Value, patch: Value) -> Result<Option<Value>, MergeError> {
        walk(Some(dest), Some(&patch), None, &mut FieldPath::default())
    }

    #[test]
    fn maps_merge_and_null_deletes() {
        let out = merge(
            json!({"a": {"x": 1, "y": 2}, "b": 1, "keep": null}),
            json!({"a": {"y": null, "z": 3}, "b": null, "c": null}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(out, json!({"a": {"x": 1, "z": 3}, "keep": null}));
    }

    #[test]
    fn lists_are_replaced_without_a_schema() {
        let out = merge(
            json!({"files": [{"path": "/a", "content": "x"}, {"path": "/b"}]}),
            json!({"files": [{"path": "/a", "owner": "root"}]}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(out, json!({"files": [{"path": "/a", "owner": "root"}]}));
    }

    #[test]
    fn directives_in_maps() {
        let out = merge(
            json!({"spec": {"a": {"x": 1, "y": 2}, "b": {"x": 1}}}),
            json!({"spec": {"a": {"$patch": "replace", "z": 3}, "b": {"$patch": "delete"}}}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(out, json!({"spec": {"a": {"z": 3}}}));
        assert!(
            merge(json!({"a": 1}), json!({"$patch": "delete"}))
                .unwrap()
                .is_none()
        );
        let err = merge(json!({"a": {}}), json!({"a": {"$patch": "nope"}})).unwrap_err();
        assert_eq!(err.path, "a");
    }

    #[test]
    fn a_list_element_directive_stays_on_unknown_kinds() {
        let patch = json!({"l": [{"name": "a", "$patch": "delete"}]});
        let out = merge(json!({"l": [{"name": "a"}, {"name": "b"}]}), patch.clone()).unwrap();
        assert_eq!(out.unwrap(), patch);
    }

    #[test]
    fn kind_mismatch_is_an_error() {
        let err = merge(json!({"a": "text"}), json!({"a": {"b": 1}})).unwrap_err();
        assert_eq!(err.path, "a");
        assert!(
            err.message
                .contains("a map where the resource has a scalar")
        );
    }
}
