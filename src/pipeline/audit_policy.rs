//! The audit policy file `spec.security.auditLog.policy` names beside the blueprint: read
//! through [`Beside`] (so it cannot leave the blueprint's folder, by `..` or through a
//! symlink) and checked as an `audit.k8s.io/v1` `Policy` before anything is rendered: a
//! policy kube-apiserver refuses keeps the control plane from starting.
//!
//! The rules are kube-apiserver's (k8s.io/apiserver `pkg/apis/audit/v1/types.go` for the
//! fields, `pkg/apis/audit/validation/validation.go` for the checks): `rules` is a list of
//! rules, each with a `level` of `None`, `Metadata`, `Request` or `RequestResponse`;
//! `omitStages` (top-level and per rule) lists stages of `RequestReceived`,
//! `ResponseStarted`, `ResponseComplete` or `Panic`; no other field.

use serde_json::Value;

use crate::beside::{self, Beside, ReadError};
use crate::blueprint::check::Cx;
use crate::blueprint::load::Loaded;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::yaml::read::{self, ReadOptions};

/// `apiVersion` and `kind` of an audit policy file.
const API_VERSION: &str = "audit.k8s.io/v1";
const KIND: &str = "Policy";
const LEVELS: &[&str] = &["None", "Metadata", "Request", "RequestResponse"];
const STAGES: &[&str] = &[
    "RequestReceived",
    "ResponseStarted",
    "ResponseComplete",
    "Panic",
];
const POLICY_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "rules",
    "omitStages",
    "omitManagedFields",
];
const RULE_FIELDS: &[&str] = &[
    "level",
    "users",
    "userGroups",
    "verbs",
    "resources",
    "namespaces",
    "nonResourceURLs",
    "omitStages",
    "omitManagedFields",
];

/// Errors about the audit policy file, if the blueprint names one. Paths that the checker
/// refuses already (absolute, `..`) are left to it.
pub fn check(loaded: &Loaded, beside: &dyn Beside, display_dir: &str) -> Vec<Diagnostic> {
    let Some(policy) = loaded
        .blueprint
        .spec
        .security
        .as_ref()
        .and_then(|s| s.audit_log.as_ref())
        .and_then(|a| a.policy.as_deref())
    else {
        return Vec::new();
    };
    if policy == "default" {
        return Vec::new();
    }
    let Some(rel) = beside::normalize(policy) else {
        return Vec::new();
    };
    let cx = Cx::new(loaded);
    let field = BlueprintPath::root()
        .field("spec")
        .field("security")
        .field("auditLog")
        .field("policy");
    let bytes = match beside.read(&rel) {
        Ok(bytes) => bytes,
        Err(ReadError::Outside) => {
            return vec![
                cx.error(
                    Code::Path,
                    &field,
                    format!("policy path `{policy}` leaves the blueprint's folder (through a symbolic link)"),
                )
                .help("copy the policy file into the blueprint's folder"),
            ];
        }
        Err(ReadError::Io(e)) => {
            return vec![cx.error(
                Code::Path,
                &field,
                format!("cannot read the audit policy `{policy}`: {e}"),
            )];
        }
    };
    let name = match display_dir {
        "" | "." => rel.clone(),
        d => format!("{}/{rel}", d.trim_end_matches('/')),
    };
    let note = format!("the audit policy named by {field}");
    let src = match read::decode(&name, &bytes, read::DEFAULT_MAX_BYTES) {
        Ok(src) => src,
        Err(d) => return vec![d.note(note)],
    };
    let docs = match read::read_stream(&src, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => return diags.into_iter().map(|d| d.note(note.clone())).collect(),
    };
    let [doc] = docs.as_slice() else {
        return vec![
            Diagnostic::error(
                Code::Security,
                format!(
                    "an audit policy file holds one Policy; found {} YAML documents",
                    docs.len()
                ),
            )
            .in_file(&name)
            .note(note),
        ];
    };
    let mut out = Vec::new();
    let mut problem = |pointer: &str, message: String| {
        let at = doc.locate(pointer);
        out.push(
            Diagnostic::error(Code::Security, message)
                .at(&src, at.node.span)
                .path(pointer_path(pointer))
                .note(note.clone()),
        );
    };
    let value = doc.to_json();
    let Some(map) = value.as_object() else {
        problem("", format!("an audit policy is a mapping (`kind: {KIND}`)"));
        return out;
    };
    if map.get("apiVersion").and_then(Value::as_str) != Some(API_VERSION)
        || map.get("kind").and_then(Value::as_str) != Some(KIND)
    {
        problem(
            "",
            format!("not an audit policy: expected `apiVersion: {API_VERSION}` and `kind: {KIND}`"),
        );
    }
    for key in map.keys().filter(|k| !POLICY_FIELDS.contains(&k.as_str())) {
        problem(
            &format!("/{key}"),
            format!("`{key}` is not a field of an audit Policy"),
        );
    }
    stages(map.get("omitStages"), "/omitStages", &mut problem);
    match map.get("rules") {
        Some(Value::Array(rules)) if !rules.is_empty() => {
            for (i, rule) in rules.iter().enumerate() {
                let at = format!("/rules/{i}");
                let Some(rule) = rule.as_object() else {
                    problem(&at, "a rule is a mapping with a `level`".to_owned());
                    continue;
                };
                for key in rule.keys().filter(|k| !RULE_FIELDS.contains(&k.as_str())) {
                    problem(
                        &format!("{at}/{key}"),
                        format!("`{key}` is not a field of an audit policy rule"),
                    );
                }
                match rule.get("level") {
                    Some(Value::String(l)) if LEVELS.contains(&l.as_str()) => {}
                    Some(other) => problem(
                        &format!("{at}/level"),
                        format!("level {other} is not one of {}", LEVELS.join(", ")),
                    ),
                    None => problem(&at, "the rule has no `level`".to_owned()),
                }
                stages(rule.get("omitStages"), &format!("{at}/omitStages"), &mut problem);
            }
        }
        _ => problem(
            "",
            "an audit policy needs `rules`: a non-empty list (kube-apiserver refuses a policy without rules)"
                .to_owned(),
        ),
    }
    out
}

fn stages(v: Option<&Value>, at: &str, problem: &mut impl FnMut(&str, String)) {
    match v {
        None => {}
        Some(Value::Array(items)) => {
            for (i, s) in items.iter().enumerate() {
                if !s.as_str().is_some_and(|s| STAGES.contains(&s)) {
                    problem(
                        &format!("{at}/{i}"),
                        format!("stage {s} is not one of {}", STAGES.join(", ")),
                    );
                }
            }
        }
        Some(_) => problem(at, "`omitStages` is a list of stages".to_owned()),
    }
}

/// `/rules/0/level` → `rules[0].level`.
fn pointer_path(pointer: &str) -> String {
    let mut out = String::new();
    for step in pointer.split('/').skip(1) {
        if step.bytes().all(|b| b.is_ascii_digit()) && !step.is_empty() {
            out.push_str(&format!("[{step}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(step);
        }
    }
    out
}
