//! The last gate before anything is written: every file of the emitted tree is read back.
//!
//! - Round trip: a YAML file must read (with kustomize's reader) to exactly the documents
//!   the generators (and overlays) produced, and every embedded YAML string (a value under
//!   a key ending in `.yaml`/`.yml`, or named `values`, as Helm values are carried in
//!   ConfigMaps and Kommander app configs) must read as YAML at all. A failure is a platc
//!   bug, reported as an internal error (exit 70) before the writer runs: one slipped line
//!   in an embedded values block would otherwise ship to every cluster, as in the hand-made
//!   repository this project replaces (research/anchors-reliability.md §2).
//! - Secrets: the blueprint's detectors on every rendered file (defence in depth: platc
//!   embeds values from the blueprint and the overlays, which are scanned already), as
//!   errors naming the rendered path, redacted.

use serde_json::Value;

use super::beside_gate;
use crate::blueprint::check::secrets;
use crate::diag::{Code, Diagnostic};
use crate::generate::{Content, Output};
use crate::tree::Tree;
use crate::yaml::node::{Node, NodeKind, Scalar};
use crate::yaml::read::{self, ReadOptions};

/// Every problem found in `tree` (emitted from `output`). Empty when it may be written.
pub fn check(output: &Output, tree: &Tree) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let files: Vec<(&str, &[u8])> = tree.files().collect();
    // A fleet's clusters share many files byte for byte (a quarter of a 1,000-cluster tree).
    // Bytes that were read back once read back the same again: a file identical to an
    // earlier one, generated from the same content, passes when that one passes. Anything
    // else, or a twin of a file with problems, is checked on its own (its findings name it).
    let mut first_of: std::collections::BTreeMap<(usize, &[u8]), usize> =
        std::collections::BTreeMap::new();
    let earlier: Vec<Option<usize>> = files
        .iter()
        .enumerate()
        .map(|(i, &(_, bytes))| {
            let first = *first_of.entry((bytes.len(), bytes)).or_insert(i);
            (first != i).then_some(first)
        })
        .collect();
    let own = |i: usize| {
        let (path, bytes) = files[i];
        check_file(output, path, bytes)
    };
    // Files are independent: checked in parallel, findings kept in path order.
    let found: Vec<Option<Vec<Diagnostic>>> = (0..files.len())
        .into_par_iter()
        .map(|i| match earlier[i] {
            Some(first) if same_content(output, files[first].0, files[i].0) => None,
            _ => Some(own(i)),
        })
        .collect();
    (0..files.len())
        .flat_map(|i| match (&found[i], earlier[i]) {
            (Some(problems), _) => problems.clone(),
            (None, Some(first)) if found[first].as_ref().is_none_or(Vec::is_empty) => Vec::new(),
            (None, _) => own(i),
        })
        .collect()
}

/// Whether two files were generated from the same content (then the same bytes of both read
/// back alike). Strict equality: it implies the read-back comparison's looser one.
fn same_content(output: &Output, a: &str, b: &str) -> bool {
    match (output.get(a), output.get(b)) {
        (Some(a), Some(b)) => a.content == b.content,
        // Neither was generated as content (both made by the emitter): bytes alone decide.
        (None, None) => true,
        _ => false,
    }
}

/// The problems of one rendered file.
fn check_file(output: &Output, path: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    // The short road reads the text as it is; the source file (a copy with a line index,
    // for located diagnostics) is made only for the full road.
    if yaml
        && let Ok(text) = std::str::from_utf8(bytes)
        && passes_on_the_short_road(output, path, text)
    {
        return out;
    }
    let src = match read::decode(path, bytes, usize::MAX) {
        Ok(src) => src,
        Err(_) => {
            out.push(internal(path, "is not UTF-8"));
            return out;
        }
    };
    if !yaml {
        out.extend(beside_gate::scan_plain(&src));
        return out;
    }
    let docs = match read::read_stream(&src, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => {
            let why = diags.first().map_or(String::new(), |d| d.message.clone());
            out.push(internal(
                path,
                &format!("does not read back as YAML ({why})"),
            ));
            return out;
        }
    };
    if let Some(problem) = output.get(path).and_then(|f| round_trip(&f.content, &docs)) {
        out.push(internal(path, &problem));
    }
    for doc in &docs {
        embedded(path, doc, &mut out);
    }
    out.extend(beside_gate::scan_docs(&src, docs));
    out
}

/// Whether the file certainly passes every check, read on the overlay reader's short road
/// (`overlay::fast_read`: the simple block form most rendered files are in, read into the
/// same values as the full reader, several times faster; debug builds and its tests compare
/// the two). It never reports: a file it does not take, or any doubt (a difference, YAML in
/// a string that does not read, anything a secret detector fires on), goes down the full
/// road, which finds and locates every problem.
fn passes_on_the_short_road(output: &Output, path: &str, text: &str) -> bool {
    let generated = output.get(path).and_then(|file| file.content.documents());
    match generated {
        // Compared while read: the values read are the generated ones (strings equal as
        // written), so the embedded YAML and the secrets are looked for in those.
        Some(generated) => {
            crate::overlay::fast_read::reads_back_as(text, &generated)
                && generated.iter().all(|v| embedded_values_read(v))
                && secrets::none_in(text, generated.iter().copied())
        }
        // A file the writer adds (a Kustomization listing its folder) has no generated
        // content to compare with, on either road.
        None => crate::overlay::fast_read::documents(text).is_some_and(|values| {
            values.iter().all(embedded_values_read) && secrets::none_in(text, values.iter())
        }),
    }
}

/// Whether every YAML string inside `v` (see [`is_embedded_yaml_key`]) reads as YAML.
fn embedded_values_read(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.iter().all(|(key, value)| {
            let reads = match value {
                Value::String(text) if is_embedded_yaml_key(key) => {
                    // What the short road reads, the full reader reads the same way.
                    crate::overlay::fast_read::documents(text).is_some() || {
                        let src = crate::source::SourceFile::new(key.as_str(), text.as_str());
                        read::read_stream(&src, &ReadOptions::kustomize()).is_ok()
                    }
                }
                _ => true,
            };
            reads && embedded_values_read(value)
        }),
        Value::Array(items) => items.iter().all(embedded_values_read),
        _ => true,
    }
}

/// Why the documents read back differ from what was generated, if they do.
fn round_trip(content: &Content, read_back: &[Node]) -> Option<String> {
    let generated = content.documents()?;
    if generated.len() != read_back.len() {
        return Some(format!(
            "reads back as {} documents, but {} were generated",
            read_back.len(),
            generated.len()
        ));
    }
    let i = generated
        .iter()
        .zip(read_back)
        .position(|(g, r)| !crate::yaml::write::reads_back_as(g, r))?;
    Some(format!(
        "document {} does not read back as what was generated",
        i + 1
    ))
}

/// Strings that carry YAML inside an object must be YAML.
fn embedded(path: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                if let NodeKind::Scalar {
                    value: Scalar::String(text),
                    ..
                } = &value.kind
                    && is_embedded_yaml_key(&key.name)
                {
                    let src = crate::source::SourceFile::new(key.name.as_str(), text.as_str());
                    if let Err(diags) = read::read_stream(&src, &ReadOptions::kustomize()) {
                        let why = diags.first().map_or(String::new(), |d| d.message.clone());
                        out.push(internal(
                            path,
                            &format!(
                                "holds YAML under `{}` that does not read back ({why})",
                                key.name
                            ),
                        ));
                    }
                }
                embedded(path, value, out);
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                embedded(path, item, out);
            }
        }
        NodeKind::Scalar { .. } => {}
    }
}

fn is_embedded_yaml_key(key: &str) -> bool {
    key.ends_with(".yaml") || key.ends_with(".yml") || key == "values"
}

fn internal(path: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        format!("the rendered file {path} {what}; nothing was written"),
    )
    .help(
        "this is a platc bug, or an overlay value that YAML cannot carry as written (a `<<` \
         key, a U+2028 line separator in a string); please report it with the blueprint",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn one(path: &str, content: Content, bytes: &str) -> Vec<Diagnostic> {
        let mut output = Output::new();
        output.add(path, "test", content).unwrap();
        let mut tree = Tree::new();
        tree.insert(path, bytes.as_bytes().to_vec());
        check(&output, &tree)
    }

    #[test]
    fn a_faithful_file_passes() {
        let v = json!({"kind": "ConfigMap", "data": {"values.yaml": "a: 1\nb: [x]\n"}});
        let text = crate::yaml::write::to_yaml(&v);
        assert!(one("a/b.yaml", Content::Objects(vec![v]), &text).is_empty());
    }

    #[test]
    fn a_nel_folded_as_kustomize_folds_it_is_faithful() {
        // Found by the `reader` fuzz target: the writer folds U+0085 on purpose.
        let v = json!({"kind": "ConfigMap", "data": {"x": "a\u{85}b\nc"}});
        let text = crate::yaml::write::to_yaml(&v);
        assert!(one("a/b.yaml", Content::Objects(vec![v]), &text).is_empty());
    }

    #[test]
    fn an_integral_float_written_as_an_integer_is_faithful() {
        // Found by the `reader` fuzz target: `1.0` is written `1`, as kustomize writes it.
        let v = json!({"kind": "ConfigMap", "spec": {"f": 1.0, "g": 1.5e-7, "n": 7}});
        let text = crate::yaml::write::to_yaml(&v);
        assert!(one("a/b.yaml", Content::Objects(vec![v]), &text).is_empty());
    }

    #[test]
    fn a_unicode_line_separator_that_does_not_read_back_is_refused() {
        // Found by the `reader` fuzz target: goyaml.v2 (so kustomize, so platc's writer)
        // treats U+2028 as a line break and indents after it; YAML 1.2 readers do not.
        let v = json!({"kind": "ConfigMap", "data": {"x": "a\u{2028}b"}});
        let text = crate::yaml::write::to_yaml(&v);
        let d = one("a/b.yaml", Content::Objects(vec![v]), &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::Internal);
    }

    #[test]
    fn a_merge_key_written_plain_is_refused() {
        // Found by the `overlay` fuzz target: kustomize writes a `<<` key plain (goyaml.v2
        // never resolves it when encoding), and every merge-aware reader then reads a merge.
        let v = json!({"kind": "ConfigMap", "data": {"<<": "x"}});
        let text = crate::yaml::write::to_yaml(&v);
        let d = one("a/b.yaml", Content::Objects(vec![v]), &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::Internal);
    }

    #[test]
    fn a_file_that_reads_back_differently_is_an_internal_error() {
        // `on` unquoted: a string to YAML 1.2, but written by a broken emitter.
        let v = json!({"kind": "ConfigMap", "data": {"x": "1.30"}});
        let d = one(
            "a/b.yaml",
            Content::Objects(vec![v]),
            "kind: ConfigMap\ndata:\n  x: 1.30\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::Internal);
        assert!(d[0].message.contains("a/b.yaml"), "{}", d[0].message);
    }

    #[test]
    fn the_kommander_slip_is_caught() {
        // The values block of research §2: a top-level entry pasted onto its last line.
        let values = "dex:\n  config:\n    useSystemDefault: true  dkp-insights-management: null\n";
        let v = json!({"kind": "ConfigMap", "data": {"values.yaml": values}});
        let text = crate::yaml::write::to_yaml(&v);
        let d = one("a/b.yaml", Content::Objects(vec![v]), &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("values.yaml"), "{}", d[0].message);
    }

    #[test]
    fn the_short_road_takes_simple_files_and_never_passes_what_the_full_road_refuses() {
        let v = json!({"kind": "ConfigMap", "data": {"a": "1", "files": [{"content": "x = 1\n", "path": "/p"}]}});
        let text = crate::yaml::write::to_yaml(&v);
        let mut output = Output::new();
        output
            .add("a/b.yaml", "test", Content::Objects(vec![v]))
            .unwrap();
        assert!(passes_on_the_short_road(&output, "a/b.yaml", &text));
        // Each of these is in the simple form, and each must still be refused.
        let secret_literal = json!({"kind": "ConfigMap", "data": {"password": "hunter2-x"}});
        let in_a_comment = json!({"kind": "ConfigMap", "data": {"note": "ok"}});
        let in_a_value = json!({"kind": "ConfigMap", "data": {"k": "id AKIAQ3EGRVJ7MZNXP4WL"}});
        for (v, extra) in [
            (secret_literal, ""),
            (in_a_comment, "# AKIAQ3EGRVJ7MZNXP4WL\n"),
            (in_a_value, ""),
        ] {
            let text = format!("{}{extra}", crate::yaml::write::to_yaml(&v));
            assert!(
                crate::overlay::fast_read::documents(&text).is_some(),
                "{text}"
            );
            let d = one("a/b.yaml", Content::Objects(vec![v]), &text);
            assert_eq!(d.len(), 1, "{text}: {d:?}");
            assert_eq!(d[0].code, Code::Secret);
        }
    }

    #[test]
    fn secrets_in_rendered_files_are_refused_and_redacted() {
        let d = one(
            "README.md",
            Content::Text(String::new()),
            "# x\nkey: AKIAQ3EGRVJ7MZNXP4WL\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::Secret);
        let text = crate::diag::render::render(&d[0], crate::diag::render::Format::Human, false);
        assert!(text.contains("README.md:2:"), "{text}");
        assert!(!text.contains("AKIAQ3EGRVJ7MZNXP4WL"), "{text}");
    }

    #[test]
    fn a_twin_passes_only_with_the_same_content_and_a_passing_first() {
        let good = json!({"kind": "ConfigMap", "data": {"x": "1"}});
        let text = crate::yaml::write::to_yaml(&good);
        let other = json!({"kind": "ConfigMap", "data": {"x": "2"}});
        let gate = |second: serde_json::Value, bytes: &str| {
            let mut output = Output::new();
            output
                .add("a/first.yaml", "test", Content::Objects(vec![good.clone()]))
                .unwrap();
            output
                .add("b/second.yaml", "test", Content::Objects(vec![second]))
                .unwrap();
            let mut tree = Tree::new();
            tree.insert("a/first.yaml", bytes.as_bytes().to_vec());
            tree.insert("b/second.yaml", bytes.as_bytes().to_vec());
            check(&output, &tree)
        };
        // Same bytes, same content: both pass.
        assert!(gate(good.clone(), &text).is_empty());
        // Same bytes, other content: the second one is read back on its own, and fails.
        let d = gate(other, &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("b/second.yaml"), "{}", d[0].message);
        // A twin of a file that fails fails too, naming itself.
        let d = gate(good.clone(), "kind: ConfigMap\ndata:\n  x: 1\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[1].message.contains("b/second.yaml"), "{}", d[1].message);
    }

    #[test]
    fn every_comment_line_is_scanned_on_the_short_road() {
        let v = json!({"kind": "ConfigMap", "data": {"note": "ok # not a comment"}});
        let body = crate::yaml::write::to_yaml(&v);
        let mut output = Output::new();
        output
            .add("a/b.yaml", "test", Content::Objects(vec![v]))
            .unwrap();
        for comment in [
            "# AKIAQ3EGRVJ7MZNXP4WL\n",
            "   # key AKIAQ3EGRVJ7MZNXP4WL\n",
            "\t# a # b AKIAQ3EGRVJ7MZNXP4WL",
        ] {
            assert!(
                passes_on_the_short_road(&output, "a/b.yaml", &body),
                "{body}"
            );
            let text = format!("{body}{comment}");
            assert!(
                !passes_on_the_short_road(&output, "a/b.yaml", &text),
                "{text}"
            );
        }
    }
}
