//! The field rules stay true to the generators: on the golden blueprints, every rule of
//! every generator matches a field some object has, and every blueprint field a rule names
//! is one the blueprint format has (checked against the blueprint's JSON Schema).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::field_path::{self, FieldPath, Seg};
use super::*;
use crate::beside::Disk;
use crate::pipeline::{Input, compile_stages};

fn stages_of(blueprint: &Path) -> Stages {
    let bytes = std::fs::read(blueprint).unwrap();
    let name = blueprint
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let input = Input {
        display_name: name.clone(),
        file_name: name,
        bytes,
    };
    compile_stages(&input, &Disk::new(blueprint.parent().unwrap()), true).unwrap()
}

fn golden_blueprints() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

/// Every path in a value (maps and lists included).
fn paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<FieldPath>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Seg::Key(k.clone()));
                out.push(FieldPath(at.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                out.push(FieldPath(at.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The schema node at a JSON pointer of the blueprint (following `$ref`, `anyOf`, `oneOf`).
fn schema_has(schema: &Value, pointer: &str) -> bool {
    fn deref<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Value> {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            return root
                .pointer(r.trim_start_matches('#'))
                .map(|n| deref(root, n))
                .unwrap_or_default();
        }
        let mut out = vec![node];
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(options)) = node.get(key) {
                for o in options {
                    out.extend(deref(root, o));
                }
            }
        }
        out
    }
    let mut nodes = deref(schema, schema);
    for step in pointer.split('/').skip(1) {
        let next: Vec<&Value> = nodes
            .iter()
            .flat_map(|n| {
                let child = if step.parse::<usize>().is_ok() {
                    n.get("items")
                } else {
                    n.get("properties")
                        .and_then(|p| p.get(step))
                        .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
                };
                child.map(|c| deref(schema, c)).unwrap_or_default()
            })
            .collect();
        if next.is_empty() {
            return false;
        }
        nodes = next;
    }
    true
}

#[test]
fn every_field_rule_matches_generated_fields_and_names_blueprint_fields() {
    let schema: Value = serde_json::from_str(&crate::blueprint::schema::schema_text()).unwrap();
    let mut live: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    let mut problems = Vec::new();
    for bp in golden_blueprints() {
        let stages = stages_of(&bp);
        let at = Resolver {
            root: &stages.loaded.root,
            source: &stages.loaded.source,
        };
        for (path, file) in stages.output.files() {
            let origin = stages.output.origin_of(path).cloned().unwrap_or_default();
            for value in content_values(&file.content) {
                let kind = value.get("kind").and_then(Value::as_str);
                let mut all = Vec::new();
                paths(&value, &mut Vec::new(), &mut all);
                for rule in rules::for_generator(file.generator) {
                    if rule.kind != "*" && Some(rule.kind) != kind {
                        continue;
                    }
                    let pattern = field_path::pattern(rule.field).unwrap();
                    if !all
                        .iter()
                        .any(|p| p.0.len() == pattern.len() && field_path::covers(&pattern, p))
                    {
                        continue;
                    }
                    live.insert((file.generator, rule.kind, rule.field));
                    for candidate in rule.from {
                        if let Some(p) = at.candidate(candidate, &origin)
                            && !schema_has(&schema, &p.to_pointer())
                        {
                            problems.push(format!(
                                "{} rule {} {}: `{candidate}` ({p}) is not a blueprint field",
                                file.generator, rule.kind, rule.field
                            ));
                        }
                    }
                }
            }
        }
    }
    for (generator, rules) in rules::RULES {
        for rule in *rules {
            assert!(
                !rule.field.is_empty() && field_path::pattern(rule.field).is_ok(),
                "{generator}: bad pattern {}",
                rule.field
            );
            if !live.contains(&(*generator, rule.kind, rule.field)) {
                problems.push(format!(
                    "{generator} rule {} {} matches no field of any golden tree",
                    rule.kind, rule.field
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_generated_file_has_an_origin_that_resolves() {
    for bp in golden_blueprints() {
        let stages = stages_of(&bp);
        let at = Resolver {
            root: &stages.loaded.root,
            source: &stages.loaded.source,
        };
        for (path, file) in stages.output.files() {
            if file.generator == "readme" {
                continue; // the README describes the whole platform
            }
            let origin = stages
                .output
                .origin_of(path)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {path} (generator `{}`) has no origin: add the file with \
                         `out.origin(Origin::cluster(..)).objects(..)` (ARCHITECTURE.md, Provenance)",
                        bp.display(),
                        file.generator
                    )
                });
            assert!(!origin.anchors().is_empty(), "{path}");
            for (name, source) in origin.anchors() {
                assert!(
                    at.source_path(source).is_some(),
                    "{path}: anchor {name} ({source}) is not in {}",
                    bp.display()
                );
            }
        }
    }
}

#[test]
fn targets_parse_with_or_without_the_output_folder() {
    let t = Target::parse("rendered/clusters/a/x.yaml#spec.replicas", "rendered").unwrap();
    assert_eq!(t.path, "clusters/a/x.yaml");
    assert_eq!(t.field.unwrap().to_string(), "spec.replicas");
    let t = Target::parse("./out/README.md", "./out/").unwrap();
    assert_eq!((t.path.as_str(), t.field), ("README.md", None));
    let t = Target::parse("clusters/a/x.yaml#/spec/replicas", "rendered").unwrap();
    assert_eq!(
        t.field.unwrap().0,
        [Seg::Key("spec".into()), Seg::Key("replicas".into())]
    );
    assert!(Target::parse("clusters/a/x.yaml#spec..x", "rendered").is_err());
    assert!(Target::parse("rendered/", "rendered").is_err());
}

#[test]
fn the_longest_matching_rule_wins_and_kinds_must_match() {
    let f = FieldPath::parse("spec.template.spec.rootVolume.size").unwrap();
    let rule = best_rule("capa", Some("AWSMachineTemplate"), &f).unwrap();
    assert_eq!(rule.from, ["pool.rootVolume.sizeGiB"]);
    assert!(best_rule("capa", Some("MachineDeployment"), &f).is_none());
    let label = FieldPath::parse("metadata.labels[\"platc.io/cluster\"]").unwrap();
    assert_eq!(
        best_rule("anything", Some("Whatever"), &label)
            .unwrap()
            .from,
        ["cluster.name"]
    );
}
