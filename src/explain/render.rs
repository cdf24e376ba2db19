//! How `platc explain` prints: aligned `label  value` lines for people, one JSON document
//! for tools. Blueprint places read `spec.clusters[1].nodePools[0].instanceType
//! platform.yaml:41:11`, the same file:line:column form as diagnostics.

use std::fmt::Write as _;

use serde_json::Value;

use crate::json::json;

use super::{Explanation, FieldOrigin, Place};
use crate::diag::render::sanitize;

const WIDTH: usize = 10;

/// The explanation for people.
pub fn text(e: &Explanation) -> String {
    let mut s = String::new();
    match &e.field {
        Some(f) => {
            let _ = writeln!(s, "{}#{f}", e.path);
        }
        None => {
            let _ = writeln!(s, "{}", e.path);
        }
    }
    line(&mut s, "generator", &e.generator);
    if e.field.is_none() {
        origin_lines(&mut s, e, "from");
        for (i, o) in e.objects.iter().enumerate() {
            line(&mut s, if i == 0 { "objects" } else { "" }, o);
        }
        for (i, o) in e.overlays.iter().enumerate() {
            line(&mut s, if i == 0 { "overlays" } else { "" }, &place(o));
        }
        return s;
    }
    for (i, f) in e.fields.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        field(&mut s, e, f);
    }
    s
}

fn field(s: &mut String, e: &Explanation, f: &FieldOrigin) {
    if let Some(object) = &f.object {
        line(s, "object", object);
    }
    line(s, "value", &value(&f.value));
    match (&f.from, f.rule) {
        (Some(p), _) => line(s, "from", &place(p)),
        (None, Some(_)) if f.candidates.is_empty() => {
            line(s, "from", "no blueprint field: platc's choice")
        }
        (None, Some(_)) => {
            let names: Vec<String> = f.candidates.iter().map(ToString::to_string).collect();
            line(
                s,
                "from",
                &format!("not set in the blueprint ({})", names.join(", ")),
            );
        }
        (None, None) => origin_lines(s, e, "from"),
    }
    if !f.how.is_empty() {
        line(s, "how", f.how);
    }
    if f.changed_by_overlay {
        let what = match &f.generated {
            Some(v) => format!(
                "changed after generation (the generator wrote {})",
                value(v)
            ),
            None => "set after generation (the generator did not write it)".to_string(),
        };
        line(
            s,
            "overlay",
            &format!("{what}, by the overlays of this cluster:"),
        );
        for o in &e.overlays {
            line(s, "", &place(o));
        }
    }
}

fn origin_lines(s: &mut String, e: &Explanation, label: &str) {
    if e.anchors.is_empty() {
        line(s, label, "the blueprint as a whole");
    }
    for (i, a) in e.anchors.iter().enumerate() {
        line(s, if i == 0 { label } else { "" }, &place(&a.place));
    }
}

fn place(p: &Place) -> String {
    format!("{}  {}:{}:{}", p.path, p.file, p.line, p.column)
}

/// A value on one line: strings as they are, anything else as compact JSON, long ones cut.
fn value(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    const MAX: usize = 100;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn line(s: &mut String, label: &str, text: &str) {
    let _ = writeln!(s, "  {label:<WIDTH$} {}", sanitize(text));
}

/// The explanation as one JSON document.
pub fn json(e: &Explanation) -> String {
    let place = |p: &Place| json!({"path": p.path.to_string(), "file": p.file, "line": p.line, "column": p.column});
    let value = json!({
        "path": e.path,
        "field": e.field.as_ref().map(ToString::to_string),
        "generator": e.generator,
        "origin": e.anchors.iter().map(|a| json!({"anchor": a.name, "place": place(&a.place)})).collect::<Vec<_>>(),
        "objects": e.objects,
        "overlays": e.overlays.iter().map(place).collect::<Vec<_>>(),
        "fields": e.fields.iter().map(|f| json!({
            "object": f.object,
            "value": f.value,
            "rule": f.rule,
            "from": f.from.as_ref().map(place),
            "candidates": f.candidates.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "how": (!f.how.is_empty()).then_some(f.how),
            "changedByOverlay": f.changed_by_overlay,
            "generated": f.generated,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
