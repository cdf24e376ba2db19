//! The limits the API server puts on every object's metadata that no OpenAPI schema
//! expresses (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/
//! objectmeta.go, `ValidateObjectMetaAccessor`, and pkg/apis/meta/v1/validation
//! `ValidateLabels`): label keys are qualified names and label values at most 63 characters
//! of `[A-Za-z0-9_.-]`, alphanumeric at both ends; annotation keys are qualified names and
//! all annotations together at most 256 KiB; a name at most 253 characters. Generators keep
//! them by construction (the blueprint checker holds the user's strings to them); overlays
//! copy strings from their own files into labels and annotations, so objects an overlay
//! changed are checked here too.

use serde_json::Value;

use super::Violation;
use crate::blueprint::check::syntax::{label_value, qualified_name};
use crate::blueprint::check::workspaces::ANNOTATIONS_MAX_BYTES;

/// apimachinery `IsDNS1123Subdomain`: `DNS1123SubdomainMaxLength = 253`.
const NAME_MAX: usize = 253;

/// Every metadata limit `value` breaks.
pub fn violations(value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(meta) = value.get("metadata") else {
        return out;
    };
    let mut push = |pointer: String, message: String| {
        out.push(Violation {
            pointer,
            message,
            schema_path: "Kubernetes object metadata (apimachinery objectmeta.go)".to_owned(),
        });
    };
    if let Some(name) = meta.get("name").and_then(Value::as_str)
        && name.len() > NAME_MAX
    {
        push(
            "/metadata/name".into(),
            format!(
                "the name is {} characters; at most {NAME_MAX} are allowed",
                name.len()
            ),
        );
    }
    if let Some(labels) = meta.get("labels").and_then(Value::as_object) {
        for (k, v) in labels {
            let at = format!("/metadata/labels/{}", escape(k));
            if let Err(e) = qualified_name(k) {
                push(at.clone(), format!("the label key `{k}` {e}"));
            }
            if let Some(v) = v.as_str()
                && let Err(e) = label_value(v)
            {
                push(at, format!("the label's {e}"));
            }
        }
    }
    if let Some(annotations) = meta.get("annotations").and_then(Value::as_object) {
        let mut total = 0;
        for (k, v) in annotations {
            if let Err(e) = qualified_name(&k.to_lowercase()) {
                push(
                    format!("/metadata/annotations/{}", escape(k)),
                    format!("the annotation key `{k}` {e}"),
                );
            }
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > ANNOTATIONS_MAX_BYTES {
            push(
                "/metadata/annotations".into(),
                format!(
                    "the annotations are {total} bytes; the API server refuses more than \
                     {ANNOTATIONS_MAX_BYTES} (256 KiB)"
                ),
            );
        }
    }
    out
}

/// A JSON pointer step (RFC 6901).
fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    #[test]
    fn labels_annotations_and_names_are_held_to_the_api_servers_limits() {
        let ok = json!({"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"},
            "annotations": {"example.com/note": "any text: at all"}}});
        assert!(violations(&ok).is_empty());
        let bad = json!({"metadata": {
            "name": "n".repeat(254),
            "labels": {"team": "a b", "bad key!": "x", "long": "v".repeat(64)},
            "annotations": {"big": "x".repeat(ANNOTATIONS_MAX_BYTES)},
        }});
        let v = violations(&bad);
        let pointers: Vec<&str> = v.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/metadata/name",
                "/metadata/labels/team",
                "/metadata/labels/bad key!",
                "/metadata/labels/long",
                "/metadata/annotations"
            ],
            "{v:?}"
        );
    }
}
