//! Field specs: where a transformer writes, as kustomize's `fsslice`/`fieldspec` filters
//! walk them. A spec names a kind (group, version and kind, each optional) and a `/` path;
//! lists on the way are entered element by element (`[]` marks one explicitly), missing
//! maps are created when the spec says `create`, and a null on the way becomes a map.

use serde_json::{Map, Value};

/// One field spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    pub create: bool,
}

impl FieldSpec {
    /// A spec from kustomize's built-in tables: `(group, version, kind, path, create)`.
    pub fn of(t: &(&str, &str, &str, &str, bool)) -> FieldSpec {
        FieldSpec {
            group: t.0.to_string(),
            version: t.1.to_string(),
            kind: t.2.to_string(),
            path: t.3.to_string(),
            create: t.4,
        }
    }

    /// Whether the spec applies to an object (`isMatchGVK`: empty fields match anything).
    pub fn applies_to(&self, group: &str, version: &str, kind: &str) -> bool {
        (self.kind.is_empty() || self.kind == kind)
            && (self.group.is_empty() || self.group == group)
            && (self.version.is_empty() || self.version == version)
    }
}

/// What the leaf of a created path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf {
    /// Labels, annotations: a map.
    Map,
    /// A namespace, an image, a count: a scalar.
    Scalar,
}

/// Calls `set` on every node the spec's path reaches in `obj` (creating what it may).
pub fn visit(
    obj: &mut Value,
    spec: &FieldSpec,
    leaf: Leaf,
    set: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let parts: Vec<&str> = spec.path.split('/').filter(|p| !p.is_empty()).collect();
    walk(obj, &parts, spec.create, leaf, set)
        .map_err(|e| format!("considering field '{}': {e}", spec.path))
}

fn walk(
    node: &mut Value,
    path: &[&str],
    create: bool,
    leaf: Leaf,
    set: &mut dyn FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return set(node);
    };
    match node {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for item in items {
                walk(item, path, create, leaf, set)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            let (name, is_seq) = match first.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (*first, false),
            };
            if name.is_empty() {
                return Err("cannot set or create an empty field name".into());
            }
            let may_create = create && !is_seq;
            if !map.contains_key(name) {
                if !may_create {
                    return Ok(());
                }
                let fresh = if rest.is_empty() && leaf == Leaf::Scalar {
                    Value::String(String::new())
                } else {
                    Value::Object(Map::new())
                };
                map.insert(name.to_string(), fresh);
            }
            let Some(field) = map.get_mut(name) else {
                return Ok(());
            };
            if field.is_null() {
                if is_seq {
                    *field = Value::Array(Vec::new());
                } else if (may_create && !(rest.is_empty() && leaf == Leaf::Scalar))
                    || (rest.is_empty() && leaf == Leaf::Map)
                {
                    *field = Value::Object(Map::new());
                }
            }
            walk(field, rest, create, leaf, set)
        }
        _ => Err("expected sequence or mapping node".into()),
    }
}

/// Sets `key: value` in a map node (kustomize's `SetEntry`).
pub fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<(), String> {
    match node {
        Value::Object(m) => {
            m.insert(key.to_string(), Value::String(value.to_string()));
            Ok(())
        }
        Value::Null => {
            let mut m = Map::new();
            m.insert(key.to_string(), Value::String(value.to_string()));
            *node = Value::Object(m);
            Ok(())
        }
        _ => Err(format!("cannot set `{key}` in a field that is not a map")),
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn spec(path: &str, create: bool) -> FieldSpec {
        FieldSpec::of(&("", "", "", path, create))
    }

    #[test]
    fn creates_maps_and_enters_lists() {
        let mut obj = json!({"spec": {"ingress": [{"from": [{"podSelector": {"matchLabels": {}}}, {"ipBlock": {}}]}]}});
        visit(
            &mut obj,
            &spec("spec/ingress/from/podSelector/matchLabels", false),
            Leaf::Map,
            &mut |n| set_entry(n, "a", "b"),
        )
        .unwrap();
        assert_eq!(
            obj["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"],
            json!({"a": "b"})
        );
        assert_eq!(obj["spec"]["ingress"][0]["from"][1], json!({"ipBlock": {}}));

        let mut obj = json!({"metadata": {"labels": null}});
        visit(
            &mut obj,
            &spec("metadata/labels", true),
            Leaf::Map,
            &mut |n| set_entry(n, "a", "b"),
        )
        .unwrap();
        visit(
            &mut obj,
            &spec("spec/selector", true),
            Leaf::Map,
            &mut |n| set_entry(n, "a", "b"),
        )
        .unwrap();
        assert_eq!(
            obj,
            json!({"metadata": {"labels": {"a": "b"}}, "spec": {"selector": {"a": "b"}}})
        );
    }

    #[test]
    fn a_scalar_on_the_way_is_an_error() {
        let mut obj = json!({"spec": "x"});
        assert!(
            visit(
                &mut obj,
                &spec("spec/selector", true),
                Leaf::Map,
                &mut |_| Ok(())
            )
            .is_err()
        );
    }
}
