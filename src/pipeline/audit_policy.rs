//! The user's audit policy file (`security.auditLog.policy`): read through [`Beside`]
//! (confined to the blueprint's folder, symlinks included), parsed and validated before
//! generation, so that the generators stay pure and a bad file is reported like a bad
//! blueprint, at its own file, line and column. A path that leaves the folder through `..`
//! is refused by the checker already.

use serde_json::Value;

use crate::beside::{self, Beside};

use crate::blueprint::check::Cx;
use crate::blueprint::load::Loaded;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::validate::{self, Outcome};
use crate::yaml::read::{self, ReadOptions};

/// The largest side file platc reads (an audit policy is a few KiB).
pub const MAX_BYTES: usize = 1 << 20;

fn policy_path() -> BlueprintPath {
    BlueprintPath::root()
        .field("spec")
        .field("security")
        .field("auditLog")
        .field("policy")
}

/// The user's audit policy, when the blueprint names one and audit logging is on: the file
/// read through `beside` (rooted at the blueprint's folder, which diagnostics call
/// `display_dir`), parsed, and validated as an `audit.k8s.io/v1` Policy. Errors name the file,
/// line and column of the problem, or the blueprint field when the file cannot be read.
pub fn audit_policy(
    loaded: &Loaded,
    beside: &dyn Beside,
    display_dir: &str,
) -> Result<Option<Value>, Vec<Diagnostic>> {
    let Some(audit) = loaded
        .blueprint
        .spec
        .security
        .as_ref()
        .and_then(|s| s.audit_log.as_ref())
        .filter(|a| a.enabled)
    else {
        return Ok(None);
    };
    let Some(relative) = audit.policy.as_deref().filter(|p| *p != "default") else {
        return Ok(None);
    };
    let cx = Cx::new(loaded);
    let bytes = beside::normalize(relative)
        .ok_or(beside::ReadError::Outside)
        .and_then(|rel| beside.read(&rel))
        .map_err(|e| {
            // A path out of the folder is the blueprint's mistake; a missing file an I/O one.
            let code = match e {
                beside::ReadError::Outside => Code::Path,
                beside::ReadError::Io(_) => Code::Io,
            };
            vec![
                cx.error(code, &policy_path(), format!("cannot read the audit policy `{relative}`: {e}"))
                    .help("write the path of an audit Policy file relative to the blueprint's folder, or `default`"),
            ]
        })?;
    let display = match display_dir {
        "" | "." => relative.to_string(),
        d => format!("{}/{relative}", d.trim_end_matches('/')),
    };
    let src = read::decode(&display, &bytes, MAX_BYTES).map_err(|d| vec![d])?;
    let docs = read::read_stream(&src, &ReadOptions::kustomize())?;
    let [doc] = docs.as_slice() else {
        return Err(vec![
            Diagnostic::error(
                Code::Documents,
                format!(
                    "the audit policy file holds {} YAML documents; it must hold exactly one Policy",
                    docs.len()
                ),
            )
            .in_file(display),
        ]);
    };
    let value = doc.to_json();
    let problems: Vec<Diagnostic> = match validate::check_value(&value) {
        Outcome::Checked(violations) => violations
            .into_iter()
            .map(|v| {
                let span = doc.locate(&v.pointer).node.span;
                Diagnostic::error(
                    Code::Security,
                    format!(
                        "audit policy {}: {}",
                        if v.pointer.is_empty() {
                            "/"
                        } else {
                            &v.pointer
                        },
                        v.message
                    ),
                )
                .at(&src, span)
                .path(dotted(&v.pointer))
                .note(format!("named by {}", policy_path()))
            })
            .collect(),
        _ => vec![
            Diagnostic::error(
                Code::Security,
                "the audit policy file is not an `audit.k8s.io/v1` `Policy`",
            )
            .at(&src, doc.span)
            .note(format!("named by {}", policy_path()))
            .help("start the file with `apiVersion: audit.k8s.io/v1` and `kind: Policy`"),
        ],
    };
    if problems.is_empty() {
        Ok(Some(value))
    } else {
        Err(problems)
    }
}

/// A JSON pointer in the policy file as a path (`/rules/1/level` → `rules[1].level`).
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}
