//! Machine-readable diagnostics: `--message-format json` (one JSON object per line with
//! severity, code, message, blueprint path, file, line and column) and `github` (workflow
//! commands that GitHub Actions turns into annotations), golden for three bad inputs from
//! `tests/data/bad-inputs/` (`PLATC_UPDATE_GOLDEN=1` rewrites `tests/data/diagnostics/`).

use crate::support::{golden_text, platc, root, stderr};

const CASES: &[&str] = &[
    "05-duplicate-key",
    "07-replicas-string",
    "36-aws-key-in-tags",
];

#[test]
fn json_and_github_diagnostics_match_their_golden_files() {
    let dir = root().join("tests/data/bad-inputs");
    let mut failures = String::new();
    for case in CASES {
        for (format, ext) in [("json", "jsonl"), ("github", "github")] {
            let file = format!("{case}.yaml");
            let o = platc(&dir, &["validate", "--message-format", format, "-f", &file]);
            assert_eq!(o.status.code(), Some(65), "{case}: {}", stderr(&o));
            failures.push_str(&golden_text(
                &format!("tests/data/diagnostics/{case}.{ext}"),
                &stderr(&o),
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_json_line_has_the_documented_fields() {
    let dir = root().join("tests/data/bad-inputs");
    for case in CASES {
        let o = platc(
            &dir,
            &[
                "check",
                "--message-format",
                "json",
                "-f",
                &format!("{case}.yaml"),
            ],
        );
        assert_eq!(o.status.code(), Some(65));
        let text = stderr(&o);
        assert!(!text.is_empty());
        for line in text.lines() {
            let d: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{case}: not one JSON object per line ({e}): {line}"));
            for field in [
                "severity", "code", "message", "path", "file", "line", "column",
            ] {
                assert!(d.get(field).is_some(), "{case}: no `{field}` in {line}");
            }
            assert!(d["line"].as_u64().is_some_and(|l| l > 0), "{line}");
            assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
        }
    }
}
