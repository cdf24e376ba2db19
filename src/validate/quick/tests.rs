//! The quick check against jsonschema: known answers on small schemas, and agreement on
//! every blueprint of `tests/data`, every object of `golden/`, and mutations of them (each
//! node replaced by values of every type, keys removed and added, lists emptied and
//! doubled). Agreement means: where the quick check says `Valid` jsonschema accepts, where
//! it says `Invalid` jsonschema refuses. And it must say `Valid` for the real inputs, or
//! the fast road would silently stop being taken.

use std::path::{Path, PathBuf};

use crate::json::json;

use super::*;
use crate::source::SourceFile;
use crate::yaml::read::{self, ReadOptions};

const DRAFT7: Dialect = Dialect { formats: true };
const CRD: Dialect = Dialect { formats: false };

fn verdict(schema: Value, value: Value) -> Verdict {
    check(&schema, &value, DRAFT7)
}

#[test]
fn answers_known_cases() {
    let object = json!({
        "type": "object",
        "required": ["name"],
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]([-a-z0-9]*[a-z0-9])?$"},
            "size": {"type": "integer", "minimum": 1, "maximum": 10},
            "mode": {"enum": ["a", "b"]},
        },
    });
    assert_eq!(verdict(object.clone(), json!({"name": "web"})), Valid);
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "size": 10})),
        Valid
    );
    assert_eq!(verdict(object.clone(), json!({"size": 1})), Invalid);
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "extra": 1})),
        Invalid
    );
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "size": 11})),
        Invalid
    );
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "size": "1"})),
        Invalid
    );
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "size": 2.0})),
        Unsure
    );
    assert_eq!(
        verdict(object.clone(), json!({"name": "web", "mode": "c"})),
        Invalid
    );
    assert_eq!(verdict(object.clone(), json!({"name": ""})), Invalid);
    // A pattern that does not match is left to jsonschema.
    assert_eq!(verdict(object.clone(), json!({"name": "Web"})), Unsure);
    // Classes such as `\d` differ between regex dialects: never answered here.
    assert_eq!(verdict(json!({"pattern": "^\\d+$"}), json!("12")), Unsure);
    assert_eq!(
        verdict(json!({"pattern": "^[0-9]+\\.[0-9]+$"}), json!("1.2")),
        Valid
    );
    // `$ref` into definitions, and `$ref` with a sibling that asserts (dialects differ).
    let with_ref = json!({
        "definitions": {"port": {"type": "integer"}},
        "properties": {"port": {"$ref": "#/definitions/port"}},
    });
    assert_eq!(verdict(with_ref.clone(), json!({"port": 80})), Valid);
    assert_eq!(verdict(with_ref, json!({"port": "80"})), Invalid);
    assert_eq!(
        verdict(
            json!({"$ref": "#/definitions/x", "type": "string", "definitions": {"x": {}}}),
            json!("a")
        ),
        Unsure
    );
    // Combinators.
    let one_of = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
    assert_eq!(verdict(one_of.clone(), json!("a")), Valid);
    assert_eq!(verdict(one_of, json!(true)), Invalid);
    let overlap = json!({"oneOf": [{"type": "number"}, {"type": "integer"}]});
    assert_eq!(verdict(overlap, json!(3)), Invalid);
    assert_eq!(verdict(json!({"not": {"type": "string"}}), json!(1)), Valid);
    assert_eq!(
        verdict(json!({"not": {"type": "string"}}), json!("a")),
        Invalid
    );
    assert_eq!(
        verdict(
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
            json!("33%")
        ),
        Valid
    );
    // Keywords not modelled make the answer unsure; keywords outside the vocabulary are
    // annotations.
    assert_eq!(verdict(json!({"if": {}, "then": {}}), json!(1)), Unsure);
    assert_eq!(
        verdict(
            json!({"patternProperties": {"^a": {}}, "additionalProperties": false}),
            json!({"b": 1})
        ),
        Unsure
    );
    assert_eq!(
        verdict(
            json!({"x-kubernetes-int-or-string": true, "nullable": true}),
            json!(null)
        ),
        Valid
    );
    // Formats: asserted in draft-07 (left to jsonschema), annotations in CRD schemas.
    let format = json!({"type": "string", "format": "date-time"});
    assert_eq!(verdict(format.clone(), json!("yesterday")), Unsure);
    assert_eq!(check(&format, &json!("yesterday"), CRD), Valid);
    assert_eq!(verdict(json!({"format": "int64"}), json!(5)), Valid);
    // Numbers compared by value in enums: only jsonschema knows that 1 is 1.0.
    assert_eq!(verdict(json!({"enum": [1.0]}), json!(1)), Unsure);
    assert_eq!(
        verdict(json!({"uniqueItems": true}), json!(["a", "a"])),
        Invalid
    );
    assert_eq!(
        verdict(json!({"uniqueItems": true}), json!(["a", "b"])),
        Valid
    );
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out.sort();
}

/// Every YAML document of every `.yaml` file under `dir` (relative to the crate) that reads.
fn documents(dir: &str) -> Vec<(String, Value)> {
    let mut paths = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut paths);
    let mut out = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let src = SourceFile::new(&name, &text);
        if let Ok(docs) = read::read_stream(&src, &ReadOptions::kustomize()) {
            out.extend(docs.iter().map(|d| (name.clone(), d.to_json())));
        }
    }
    out
}

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Variants of `value`, each with one node changed, for at most `limit` nodes.
fn mutations(value: &Value, limit: usize) -> Vec<Value> {
    let mut places = Vec::new();
    pointers(value, String::new(), &mut places);
    let step = places.len().div_ceil(limit).max(1);
    let replacements = [
        json!("x"),
        json!(""),
        json!("Not_A-Name!"),
        json!("a".repeat(300)),
        json!(7),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(3.0),
        json!(1_000_000_000_000_000i64),
        json!(true),
        json!(null),
        json!([]),
        json!(["x"]),
        json!({}),
        json!({"zz-unknown": "x"}),
    ];
    let mut out = Vec::new();
    for place in places.iter().step_by(step) {
        let original = value.pointer(place).cloned().unwrap_or(Value::Null);
        let mut variant = |f: &dyn Fn(&mut Value)| {
            let mut v = value.clone();
            if let Some(node) = v.pointer_mut(place) {
                f(node);
                out.push(v);
            }
        };
        for r in &replacements {
            variant(&|node| *node = r.clone());
        }
        match &original {
            Value::Object(map) => {
                for key in map.keys().take(3) {
                    variant(&|node| {
                        if let Value::Object(m) = node {
                            m.shift_remove(key);
                        }
                    });
                }
                variant(&|node| {
                    if let Value::Object(m) = node {
                        m.insert("zz-unknown".into(), json!("x"));
                    }
                });
            }
            Value::Array(items) if !items.is_empty() => variant(&|node| {
                if let Value::Array(a) = node {
                    let first = a[0].clone();
                    a.push(first);
                }
            }),
            _ => {}
        }
    }
    out
}

/// Asserts that the quick verdict agrees with jsonschema's, and returns it.
fn agree(
    validator: &jsonschema::Validator,
    schema: &Value,
    dialect: Dialect,
    value: &Value,
    what: &str,
) -> Verdict {
    let quick = check(schema, value, dialect);
    let full = validator.is_valid(value);
    match quick {
        Valid => assert!(
            full,
            "quick says valid, jsonschema refuses: {what}\n{value:#}"
        ),
        Invalid => assert!(
            !full,
            "quick says invalid, jsonschema accepts: {what}\n{value:#}"
        ),
        Unsure => {}
    }
    quick
}

#[test]
fn agrees_with_jsonschema_on_blueprints() {
    let schema = crate::blueprint::schema::schema();
    let validator = jsonschema::validator_for(schema).unwrap();
    let blueprints: Vec<(String, Value)> = documents("tests/data")
        .into_iter()
        .filter(|(_, v)| v.get("kind").is_some_and(|k| k == "Platform"))
        .collect();
    assert!(blueprints.len() > 100, "{} blueprints", blueprints.len());
    let mut accepted = 0;
    for (name, value) in &blueprints {
        let quick = agree(&validator, schema, DRAFT7, value, name);
        if validator.is_valid(value) {
            accepted += 1;
            assert_eq!(quick, Valid, "the fast road is not taken for {name}");
        }
    }
    assert!(accepted > 100, "{accepted} valid blueprints");
    let (mut checked, mut sure) = (0, 0);
    for (name, value) in blueprints.iter().filter(|(n, _)| n.contains("reference")) {
        for variant in mutations(value, 400) {
            checked += 1;
            if agree(&validator, schema, DRAFT7, &variant, name) != Unsure {
                sure += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked} mutations");
    // Most mutations must be decided here, or the agreement above would prove little.
    assert!(sure * 10 > checked * 9, "{sure} of {checked} decided");
}

#[test]
fn agrees_with_jsonschema_on_golden_objects() {
    let mut kinds_mutated = std::collections::BTreeSet::new();
    let (mut objects, mut fast, mut checked, mut sure) = (0, 0, 0, 0);
    for (name, value) in documents("golden") {
        let (Some(api_version), Some(kind)) = (
            value.get("apiVersion").and_then(Value::as_str),
            value.get("kind").and_then(Value::as_str),
        ) else {
            continue;
        };
        let key = (api_version.to_string(), kind.to_string());
        let Some(entry) = crate::validate::bundled().get(&key) else {
            continue;
        };
        let (Some(schema), Ok(validator)) = (entry.value(), entry.validator()) else {
            panic!("{key:?}: bundled schema unreadable");
        };
        if crate::validate::has_reference(schema) {
            continue;
        }
        objects += 1;
        let what = format!("{name}: {kind}");
        if agree(validator, schema, CRD, &value, &what) == Valid {
            fast += 1;
        }
        assert!(validator.is_valid(&value), "{what} is invalid");
        if kinds_mutated.insert(key) {
            for variant in mutations(&value, 150) {
                checked += 1;
                if agree(validator, schema, CRD, &variant, &what) != Unsure {
                    sure += 1;
                }
            }
        }
    }
    assert!(objects > 200, "{objects} objects");
    assert!(checked > 5000, "{checked} mutations");
    assert!(sure * 10 > checked * 9, "{sure} of {checked} decided");
    // A few objects may hold a string whose pattern the quick check does not read (a `\d`):
    // nearly all must take the fast road.
    assert!(
        fast * 100 >= objects * 95,
        "{fast} of {objects} on the fast road"
    );
}
