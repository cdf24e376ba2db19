//! The CRDs' CEL rules (`x-kubernetes-validations`), evaluated as the API server would on
//! create: the schema is walked alongside the object, and at every node whose schema has
//! rules each rule runs with `self` bound to that node (with the `cel` crate, its standard
//! library and the strings extension that Kubernetes also enables). A rule that returns
//! `false` is a failure, reported with the rule's `message` and the node's path.
//!
//! Never a false error: a transition rule (one that reads `oldSelf`) has no old object to
//! compare with and is skipped; so is a rule that does not compile here, calls a function
//! this implementation lacks (Kubernetes' own libraries: quantities, URLs, IPs, …), fails to
//! evaluate, or returns something else than a bool. Every skip is counted with its reason,
//! and `platc validate` says how many rules ran and how many were skipped.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use cel::parser::Expression;
use cel::{Context, Env, Value as Cel};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use crate::memo::Memo;

/// One rule that returned `false`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// JSON pointer of the node the rule is on (`/spec/template/spec`).
    pub pointer: String,
    /// The rule's `message`, or the rule itself when it has none (as the API server does).
    pub message: String,
    pub rule: String,
    /// JSON pointer of the rule in the schema (`/properties/spec/x-kubernetes-validations/0`).
    pub schema_path: String,
}

/// What one or more objects' rule evaluations came to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Rule evaluations that ran to a bool (passed or failed).
    pub evaluated: usize,
    /// Rule evaluations that returned `false`.
    pub failed: usize,
    /// Skipped rule evaluations: rule → (why, how many times).
    pub skipped: BTreeMap<String, (String, usize)>,
}

impl Stats {
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(|(_, n)| n).sum()
    }

    pub fn add(&mut self, other: &Stats) {
        self.evaluated += other.evaluated;
        self.failed += other.failed;
        for (rule, (why, n)) in &other.skipped {
            self.skipped
                .entry(rule.clone())
                .or_insert_with(|| (why.clone(), 0))
                .1 += n;
        }
    }

    fn skip(&mut self, rule: &str, why: String) {
        self.skipped
            .entry(rule.to_string())
            .or_insert_with(|| (why, 0))
            .1 += 1;
    }
}

/// The evaluation environment: CEL's standard library and the strings extension.
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // The strings extension is part of Kubernetes' CEL environment too.
        let _ = env.add_extension(cel::extensions::strings);
        Arc::new(env)
    })
}

/// A rule parsed once per process (or why it cannot be).
type Compiled = Result<Arc<Expression>, String>;

/// Parses a rule with cel's Pratt parser (`parser_pratt`, added in cel 0.13 as the fast
/// alternative to its ANTLR parser and doc-hidden while it matures). ANTLR's first parse
/// in a process costs ~1 ms (its tables are built on first use) and ~40 µs each after; the
/// Pratt parser takes ~4 µs per rule, which matters when a render re-validates one object
/// an overlay changed. The AST is the one `Env::compile` builds: the Pratt parser expands
/// CEL's standard macros, which are all Kubernetes' environment adds to parsing (the
/// strings extension adds functions only), and `pratt_and_antlr_agree_on_every_bundled_rule`
/// holds the two parsers to the same AST, ids included, on every rule platc can meet.
fn parse(rule: &str) -> Result<Expression, cel::parser::ParseErrors> {
    cel::parser::PrattParser::default().parse(rule)
}

fn compiled(rule: &str) -> Compiled {
    static RULES: Memo<Compiled> = Memo::new();
    RULES.get_or(rule, || {
        parse(rule)
            .map(Arc::new)
            .map_err(|e| format!("does not compile here: {e}"))
    })
}

/// Compiles every rule of `schema` into the cache, so that [`check`] finds them ready (see
/// `validate::prepare`).
pub fn prepare(schema: &Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(rules)) = map.get("x-kubernetes-validations") {
                for rule in rules {
                    if let Some(text) = rule.get("rule").and_then(Value::as_str) {
                        let _ = compiled(text);
                    }
                }
            }
            map.values().for_each(prepare);
        }
        Value::Array(items) => items.iter().for_each(prepare),
        _ => {}
    }
}

/// Evaluates every rule of `schema` (a CRD version's `openAPIV3Schema`) on `object`.
pub fn check(schema: &Value, object: &Value, stats: &mut Stats) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut at = Places {
        object: String::new(),
        schema: String::new(),
    };
    walk(schema, object, &mut at, stats, &mut out);
    out
}

/// Where the walk is: a JSON pointer into the object and one into the schema.
struct Places {
    object: String,
    schema: String,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn walk(schema: &Value, node: &Value, at: &mut Places, stats: &mut Stats, out: &mut Vec<Failure>) {
    if let Some(rules) = schema
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
    {
        for (i, rule) in rules.iter().enumerate() {
            let schema_path = format!("{}/x-kubernetes-validations/{i}", at.schema);
            evaluate(rule, node, &at.object, schema_path, stats, out);
        }
    }
    let (object_len, schema_len) = (at.object.len(), at.schema.len());
    match node {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, child) in map {
                let (child_schema, step) = match properties.and_then(|p| p.get(key)) {
                    Some(s) => (Some(s), format!("/properties/{}", escape(key))),
                    None => (additional, "/additionalProperties".to_string()),
                };
                if let Some(s) = child_schema {
                    at.object.push('/');
                    at.object.push_str(&escape(key));
                    at.schema.push_str(&step);
                    walk(s, child, at, stats, out);
                    at.object.truncate(object_len);
                    at.schema.truncate(schema_len);
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items").filter(|s| s.is_object()) {
                for (i, child) in items.iter().enumerate() {
                    at.object.push('/');
                    at.object.push_str(&i.to_string());
                    at.schema.push_str("/items");
                    walk(s, child, at, stats, out);
                    at.object.truncate(object_len);
                    at.schema.truncate(schema_len);
                }
            }
        }
        _ => {}
    }
}

fn evaluate(
    rule: &Value,
    node: &Value,
    pointer: &str,
    schema_path: String,
    stats: &mut Stats,
    out: &mut Vec<Failure>,
) {
    let Some(text) = rule.get("rule").and_then(Value::as_str) else {
        return;
    };
    let program = match compiled(text) {
        Ok(p) => p,
        Err(why) => return stats.skip(text, why),
    };
    let references = program.references();
    if references.has_variable("oldSelf") {
        return stats.skip(
            text,
            "a transition rule (reads `oldSelf`): there is no old object".to_string(),
        );
    }
    let value = match cel::to_value(Json(node)) {
        Ok(v) => v,
        Err(e) => return stats.skip(text, format!("the value does not convert: {e}")),
    };
    let mut context = Context::with_env(env().clone());
    context.add_variable_from_value("self", value);
    match context.resolve(&program) {
        Ok(Cel::Bool(true)) => stats.evaluated += 1,
        Ok(Cel::Bool(false)) => {
            stats.evaluated += 1;
            stats.failed += 1;
            let message = rule
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| format!("failed rule: {text}"), str::to_string);
            out.push(Failure {
                pointer: pointer.to_string(),
                message,
                rule: text.to_string(),
                schema_path,
            });
        }
        Ok(other) => stats.skip(text, format!("returned {other:?}, not a bool")),
        Err(e) => stats.skip(text, format!("cannot be evaluated here: {e}")),
    }
}

/// A JSON value as CEL sees a Kubernetes object: integers are `int` (Kubernetes' int64),
/// not `uint`, whatever their sign.
struct Json<'a>(&'a Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => s.serialize_i64(i),
                (None, Some(u), _) => s.serialize_u64(u),
                (_, _, f) => s.serialize_f64(f.unwrap_or(f64::NAN)),
            },
            Value::String(t) => s.serialize_str(t),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Json(item))?;
                }
                seq.end()
            }
            Value::Object(map) => {
                let mut m = s.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, &Json(v))?;
                }
                m.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    /// Every CEL rule of every bundled schema.
    fn bundled_rules() -> Vec<String> {
        let mut out = Vec::new();
        for (_, _, text) in crate::validate::all_schemas() {
            collect(&serde_json::from_str(text).unwrap(), &mut out);
        }
        out.sort();
        out.dedup();
        out
    }

    /// The Pratt parser platc uses gives the AST that `Env::compile` (the ANTLR parser, with
    /// the environment's macros) gives, on every rule of every bundled schema.
    #[test]
    fn pratt_and_antlr_agree_on_every_bundled_rule() {
        let rules = bundled_rules();
        assert!(rules.len() >= 20, "{} rules", rules.len());
        for rule in &rules {
            let pratt = parse(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
            let antlr = env().parser().parse(rule).unwrap();
            assert_eq!(pratt, antlr, "{rule}");
        }
    }

    fn run(schema: Value, object: Value) -> (Vec<Failure>, Stats) {
        let mut stats = Stats::default();
        let failures = check(&schema, &object, &mut stats);
        (failures, stats)
    }

    #[test]
    fn a_false_rule_fails_with_its_message_and_path() {
        let schema = json!({"properties": {"spec": {"properties": {"args": {
            "type": "array",
            "x-kubernetes-validations": [{"rule": "self.all(x, self.exists_one(y, x.name == y.name))", "message": "names must be unique"}],
        }}}}});
        let (f, stats) = run(
            schema.clone(),
            json!({"spec": {"args": [{"name": "a"}, {"name": "a"}]}}),
        );
        assert_eq!(
            f,
            [Failure {
                pointer: "/spec/args".into(),
                message: "names must be unique".into(),
                rule: "self.all(x, self.exists_one(y, x.name == y.name))".into(),
                schema_path: "/properties/spec/properties/args/x-kubernetes-validations/0".into(),
            }]
        );
        assert_eq!(
            (stats.evaluated, stats.failed, stats.skipped_count()),
            (1, 1, 0)
        );
        let (f, _) = run(
            schema,
            json!({"spec": {"args": [{"name": "a"}, {"name": "b"}]}}),
        );
        assert!(f.is_empty());
    }

    #[test]
    fn rules_apply_to_list_items_map_values_and_integers_are_ints() {
        let schema = json!({"properties": {
            "items": {"items": {"properties": {"n": {"x-kubernetes-validations": [{"rule": "self > 1"}]}}}},
            "byName": {"additionalProperties": {"x-kubernetes-validations": [{"rule": "self.startsWith('x')", "message": "starts with x"}]}},
        }});
        let (f, stats) = run(
            schema,
            json!({"items": [{"n": 2}, {"n": 0}], "byName": {"a/b": "xy", "c": "no"}}),
        );
        let at: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.pointer.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("/items/1/n", "failed rule: self > 1"),
                ("/byName/c", "starts with x")
            ]
        );
        assert_eq!(stats.evaluated, 4);
    }

    #[test]
    fn transition_and_unsupported_rules_are_skipped_not_failed() {
        let schema = json!({
            "x-kubernetes-validations": [
                {"rule": "self == oldSelf", "message": "immutable"},
                {"rule": "isURL(self.url)", "message": "a URL"},
                {"rule": "quantity(self.q).isGreaterThan(quantity('1'))"},
                {"rule": "has(self.url)"},
            ],
        });
        let (f, stats) = run(schema, json!({"url": "https://x", "q": "2"}));
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(stats.evaluated, 1);
        assert_eq!(stats.skipped_count(), 3, "{:?}", stats.skipped);
        assert!(stats.skipped["self == oldSelf"].0.contains("transition"));
    }

    #[test]
    fn every_bundled_rule_compiles() {
        // Every rule in the bundled schemas compiles with this implementation.
        for rule in bundled_rules() {
            assert!(
                compiled(&rule).is_ok(),
                "{rule}: {:?}",
                compiled(&rule).err()
            );
        }
    }

    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(rules)) = m.get("x-kubernetes-validations") {
                    out.extend(
                        rules
                            .iter()
                            .filter_map(|r| r.get("rule").and_then(Value::as_str))
                            .map(str::to_string),
                    );
                }
                m.values().for_each(|c| collect(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| collect(c, out)),
            _ => {}
        }
    }
}
