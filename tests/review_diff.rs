//! `platc diff --format markdown|json` on a blueprint change that adds a node pool and
//! moves the ACME provider from staging to production: golden outputs in
//! `tests/data/review/` (`PLATC_UPDATE_GOLDEN=1` rewrites them; read `git diff` after).

use crate::support::{golden_text, platc, root, stderr, stdout};

fn rendered_before() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("tests/data/review");
    std::fs::copy(data.join("before.yaml"), dir.path().join("platform.yaml")).unwrap();
    let o = platc(dir.path(), &["render"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::copy(data.join("after.yaml"), dir.path().join("platform.yaml")).unwrap();
    dir
}

#[test]
fn markdown_and_json_reports_match_their_golden_files() {
    let dir = rendered_before();
    let mut failures = String::new();
    for (format, golden) in [
        ("markdown", "tests/data/review/diff.md"),
        ("json", "tests/data/review/diff.json"),
    ] {
        let o = platc(dir.path(), &["diff", "--format", format, "--exit-code"]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        failures.push_str(&golden_text(golden, &stdout(&o)));
        // Without --exit-code a diff with changes still succeeds.
        let o = platc(dir.path(), &["diff", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn json_report_has_the_same_content_as_the_markdown() {
    let dir = rendered_before();
    let o = platc(dir.path(), &["diff", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["changed"], true);
    assert_eq!(j["totals"]["objects"]["added"], 4);
    assert_eq!(j["totals"]["objects"]["changed"], 2);
    let apps = j["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["cluster"] == "apps")
        .expect("apps group");
    let kinds: Vec<&str> = apps["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"MachineDeployment"), "{kinds:?}");
    let issuer = apps["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "ClusterIssuer")
        .unwrap();
    assert_eq!(issuer["objects"][0]["fields"][0], "spec.acme.server");
    assert!(
        j["diff"]
            .as_str()
            .unwrap()
            .contains("+- nodepool-batch.yaml")
    );
}

#[test]
fn an_up_to_date_tree_reports_no_changes() {
    let dir = rendered_before();
    assert!(platc(dir.path(), &["render"]).status.success());
    for format in ["markdown", "json"] {
        let o = platc(dir.path(), &["diff", "--format", format, "--exit-code"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
    let o = platc(dir.path(), &["diff", "--format", "markdown"]);
    assert!(stdout(&o).contains("No changes"), "{}", stdout(&o));
}

#[test]
fn hand_edited_files_are_reported_as_left_alone() {
    let dir = rendered_before();
    let readme = dir.path().join("rendered/README.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str("a hand edit\n");
    std::fs::write(&readme, text).unwrap();
    let o = platc(dir.path(), &["diff", "--format", "markdown"]);
    let md = stdout(&o);
    assert!(md.contains("**Left alone** (1 file;"), "{md}");
    assert!(md.contains("- `README.md`: edited by hand"), "{md}");
    let o = platc(dir.path(), &["diff", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["leftAlone"][0]["path"], "README.md");
    assert_eq!(j["totals"]["files"]["leftAlone"], 1);
}
