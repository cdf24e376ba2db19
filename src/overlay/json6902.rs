//! JSON6902 patches (RFC 6902) as kustomize v5.5.0 applies them (evanphx/json-patch v4 with
//! its default options): `add` on an existing key replaces it, `add` at an index inserts and
//! `-` appends, an index past the end or a missing parent is an error (nothing is created),
//! `replace` on a missing key of an existing map adds it, `remove` of a missing path fails,
//! a failing `test` fails the build, negative indices count from the end, and `~1`/`~0`
//! stand for `/` and `~`. The patch may be JSON (text starting with `[`) or YAML, which
//! kustomize reads with YAML 1.1 rules (`yes` is true, `0755` is octal), unlike resources.
//!
//! This is small enough to own: the json-patch crate refuses `replace` on a missing key and
//! its messages do not name the operation the way kustomize's do.

use serde_json::{Map, Value};

use crate::source::SourceFile;
use crate::yaml::node::{Node, NodeKind, Scalar, ScalarStyle};
use crate::yaml::read::read_stream;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

/// One operation of a patch.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub op: OpKind,
    pub path: String,
    pub from: Option<String>,
    pub value: Option<Value>,
}

/// Reads a JSON6902 patch: a JSON array, or a YAML list of operations. `Ok(None)` means the
/// text is not a list of operations at all (it may be a strategic merge patch).
pub fn parse(name: &str, text: &str) -> Result<Option<Vec<Operation>>, String> {
    let value = if text.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(e) => return Err(format!("the JSON patch is not valid JSON: {e}")),
        }
    } else {
        let src = SourceFile::new(name, text);
        let Ok(docs) = read_stream(&src, &super::read_options()) else {
            return Ok(None);
        };
        // kustomize converts only the first document.
        match docs.first() {
            Some(doc) => yaml11(doc),
            None => return Ok(None),
        }
    };
    let Value::Array(items) = value else {
        return Ok(None);
    };
    let mut ops = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(m) = item else {
            return Err(format!("operation {i} is not a map"));
        };
        let op = match m.get("op").and_then(Value::as_str) {
            Some("add") => OpKind::Add,
            Some("remove") => OpKind::Remove,
            Some("replace") => OpKind::Replace,
            Some("move") => OpKind::Move,
            Some("copy") => OpKind::Copy,
            Some("test") => OpKind::Test,
            Some(other) => return Err(format!("operation {i}: unexpected op `{other}`")),
            None => return Err(format!("operation {i} has no `op`")),
        };
        let path = match m.get("path") {
            Some(Value::String(p)) => p.clone(),
            _ => return Err(format!("operation {i} has no `path`")),
        };
        let from = match m.get("from") {
            Some(Value::String(p)) => Some(p.clone()),
            _ if matches!(op, OpKind::Move | OpKind::Copy) => {
                return Err(format!("operation {i} ({}) has no `from`", op_name(op)));
            }
            _ => None,
        };
        let value = m.get("value").cloned();
        if value.is_none() && matches!(op, OpKind::Add | OpKind::Replace | OpKind::Test) {
            return Err(format!("operation {i} ({}) has no `value`", op_name(op)));
        }
        ops.push(Operation {
            op,
            path,
            from,
            value,
        });
    }
    Ok(Some(ops))
}

fn op_name(op: OpKind) -> &'static str {
    match op {
        OpKind::Add => "add",
        OpKind::Remove => "remove",
        OpKind::Replace => "replace",
        OpKind::Move => "move",
        OpKind::Copy => "copy",
        OpKind::Test => "test",
    }
}

/// A node as sigs.k8s.io/yaml's `YAMLToJSON` reads it (go-yaml v2, YAML 1.1): the YAML 1.1
/// booleans and octal integers of plain scalars differ from what the resource reader gives.
fn yaml11(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Map(entries) => {
            let mut m = Map::with_capacity(entries.len());
            for (k, v) in entries {
                m.insert(k.name.clone(), yaml11(v));
            }
            Value::Object(m)
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(yaml11).collect()),
        NodeKind::Scalar { value, raw, style } => {
            if *style == ScalarStyle::Plain {
                match raw.as_str() {
                    "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
                        return Value::Bool(true);
                    }
                    "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                        return Value::Bool(false);
                    }
                    _ => {}
                }
                let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
                if digits.len() > 1
                    && digits.starts_with('0')
                    && digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
                    && let Ok(v) = i64::from_str_radix(digits, 8)
                {
                    return Value::from(if raw.starts_with('-') { -v } else { v });
                }
            }
            match value {
                Scalar::Null => Value::Null,
                Scalar::Bool(b) => Value::Bool(*b),
                Scalar::Number(x) => Value::Number(x.clone()),
                Scalar::String(s) => Value::String(s.clone()),
            }
        }
    }
}

/// Applies the operations in order; the first failure stops and names it.
pub fn apply(doc: &mut Value, ops: &[Operation]) -> Result<(), String> {
    for op in ops {
        apply_one(doc, op)?;
    }
    Ok(())
}

/// `/a/b~1c` → ["a", "b/c"]. The empty pointer is the document itself.
fn split_pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = p.strip_prefix('/') else {
        return Err(format!("JSON pointer `{p}` does not start with /"));
    };
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Go's `strconv.Atoi`: an optional sign, then decimal digits.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The container holding the last step of `parts` (evanphx's `findObject`).
fn parent<'a>(doc: &'a mut Value, parts: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        cur = match cur {
            Value::Object(m) => m.get_mut(part)?,
            Value::Array(a) => {
                let i = index(part, a.len(), false).ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
        if !cur.is_object() && !cur.is_array() {
            return None;
        }
    }
    Some(cur)
}

/// An array index; negative counts from the end. `insert` allows `len`.
fn index(key: &str, len: usize, insert: bool) -> Result<usize, String> {
    let Some(i) = atoi(key) else {
        return Err(format!("`{key}` is not an array index"));
    };
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let i = if i < 0 {
        if i < -len_i {
            return Err(format!("unable to access invalid index: {i}"));
        }
        i + len_i
    } else {
        i
    };
    if i > len_i || (!insert && i == len_i) {
        return Err(format!("unable to access invalid index: {i}"));
    }
    usize::try_from(i).map_err(|_| format!("unable to access invalid index: {i}"))
}

fn get<'a>(doc: &'a Value, parts: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for part in parts {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(index(part, a.len(), false).ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, path: &str, value: Value, what: &str) -> Result<(), String> {
    let parts = split_pointer(path)?;
    let Some(key) = parts.last() else {
        *doc = value;
        return Ok(());
    };
    let missing = || {
        format!("{what} operation does not apply: doc is missing path: \"{path}\": missing value")
    };
    let Some(con) = parent(doc, &parts) else {
        return Err(missing());
    };
    match con {
        Value::Object(m) => {
            m.insert(key.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if key == "-" {
                a.len()
            } else {
                index(key, a.len(), true)?
            };
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Value, path: &str, what: &str) -> Result<Value, String> {
    let parts = split_pointer(path)?;
    let missing = || {
        format!("{what} operation does not apply: doc is missing path: \"{path}\": missing value")
    };
    let Some(key) = parts.last() else {
        return Err(missing());
    };
    let Some(con) = parent(doc, &parts) else {
        return Err(missing());
    };
    match con {
        Value::Object(m) => m
            .shift_remove(key)
            .ok_or_else(|| format!("unable to remove nonexistent key: {key}: missing value")),
        Value::Array(a) => {
            let i = index(key, a.len(), false)?;
            Ok(a.remove(i))
        }
        _ => Err(missing()),
    }
}

fn apply_one(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let path = op.path.as_str();
    match op.op {
        OpKind::Add => add(doc, path, op.value.clone().unwrap_or(Value::Null), "add"),
        OpKind::Remove => remove(doc, path, "remove").map(|_| ()),
        OpKind::Replace => {
            let parts = split_pointer(path)?;
            let missing = || {
                format!(
                    "replace operation does not apply: doc is missing path: {path}: missing value"
                )
            };
            let value = op.value.clone().unwrap_or(Value::Null);
            let Some(key) = parts.last() else {
                *doc = value;
                return Ok(());
            };
            let Some(con) = parent(doc, &parts) else {
                return Err(missing());
            };
            match con {
                // A missing key of an existing map is added (evanphx v4's `get` finds
                // nothing without failing).
                Value::Object(m) => {
                    m.insert(key.clone(), value);
                    Ok(())
                }
                Value::Array(a) => {
                    let i = index(key, a.len(), false)
                        .map_err(|e| format!("replace operation does not apply: {e}"))?;
                    a[i] = value;
                    Ok(())
                }
                _ => Err(missing()),
            }
        }
        OpKind::Move => {
            let from = op.from.as_deref().unwrap_or_default();
            let v = remove(doc, from, "move")?;
            add(doc, path, v, "move")
        }
        OpKind::Copy => {
            let from = op.from.as_deref().unwrap_or_default();
            let Some(v) = get(doc, &split_pointer(from)?).cloned() else {
                return Err(format!(
                    "copy operation does not apply: doc is missing from path: {from}: missing value"
                ));
            };
            add(doc, path, v, "copy")
        }
        OpKind::Test => {
            let parts = split_pointer(path)?;
            let want = op.value.as_ref().unwrap_or(&Value::Null);
            let got = get(doc, &parts);
            let ok = match got {
                None => want.is_null() && parent(doc, &parts).is_some(),
                Some(v) => json_equal(v, want),
            };
            if ok {
                Ok(())
            } else {
                Err(format!("testing value {path} failed: test failed"))
            }
        }
    }
}

/// Equality as Go compares decoded JSON: numbers by value.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn run(doc: Value, patch: &str) -> Result<Value, String> {
        let ops = parse("patch", patch)?.ok_or("not a patch")?;
        let mut doc = doc;
        apply(&mut doc, &ops)?;
        Ok(doc)
    }

    #[test]
    fn add_inserts_and_appends() {
        let d = json!({"a": [1, 2]});
        assert_eq!(
            run(d.clone(), r#"[{"op":"add","path":"/a/0","value":0}]"#).unwrap(),
            json!({"a": [0, 1, 2]})
        );
        assert_eq!(
            run(d.clone(), "- op: add\n  path: /a/-\n  value: 3\n").unwrap(),
            json!({"a": [1, 2, 3]})
        );
        assert!(run(d.clone(), "- op: add\n  path: /a/5\n  value: 3\n").is_err());
        assert!(run(d, "- op: add\n  path: /b/c\n  value: 3\n").is_err());
    }

    #[test]
    fn replace_adds_a_missing_key_of_an_existing_map() {
        let d = json!({"a": {}});
        assert_eq!(
            run(d.clone(), "- op: replace\n  path: /a/x\n  value: 1\n").unwrap(),
            json!({"a": {"x": 1}})
        );
        assert!(run(d, "- op: replace\n  path: /b/x\n  value: 1\n").is_err());
    }

    #[test]
    fn remove_move_copy_test() {
        let d = json!({"a": {"b~c/d": 1}, "l": [1, 2, 3]});
        assert_eq!(
            run(d.clone(), "- op: remove\n  path: /a/b~0c~1d\n").unwrap(),
            json!({"a": {}, "l": [1, 2, 3]})
        );
        assert!(run(d.clone(), "- op: remove\n  path: /a/zz\n").is_err());
        assert_eq!(
            run(d.clone(), "- op: move\n  from: /l/0\n  path: /a/first\n").unwrap(),
            json!({"a": {"b~c/d": 1, "first": 1}, "l": [2, 3]})
        );
        assert_eq!(
            run(d.clone(), "- op: copy\n  from: /l\n  path: /m\n").unwrap()["m"],
            json!([1, 2, 3])
        );
        assert!(run(d.clone(), "- op: test\n  path: /l/-1\n  value: 3\n").is_ok());
        assert_eq!(
            run(d, "- op: test\n  path: /l/0\n  value: 2\n").unwrap_err(),
            "testing value /l/0 failed: test failed"
        );
    }

    #[test]
    fn yaml_patches_read_as_yaml_1_1() {
        let d = json!({});
        let out = run(
            d,
            "- op: add\n  path: /a\n  value: [yes, off, 0755, \"yes\"]\n",
        )
        .unwrap();
        assert_eq!(out, json!({"a": [true, false, 493, "yes"]}));
    }

    #[test]
    fn a_map_is_not_a_json_patch() {
        assert_eq!(parse("p", "kind: Deployment\n").unwrap(), None);
    }
}
