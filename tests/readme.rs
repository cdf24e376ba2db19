//! The README is part of the interface: its first lines are the two set-up commands, and its
//! table of diagnostic codes matches the code table.

use crate::support::root;

#[test]
fn readme_opens_with_the_two_setup_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first: Vec<&str> = readme.lines().take(6).collect();
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("cargo run --release -- render -f blueprints/"))
    );
    assert!(first.iter().any(|l| l.starts_with("cargo test --locked")));
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for code in platc::diag::Code::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.title());
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}
