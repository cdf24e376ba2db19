//! Output is a pure function of the blueprint: rendering from another working folder, with
//! another environment (time zone, locale, HOME), gives the same bytes.

use std::process::Command;

use crate::support::{PLATC, read_tree, root};

#[test]
fn renders_are_byte_identical_across_folders_and_environments() {
    let blueprint = root().join("blueprints/capa-autoscaling-taints.yaml");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    std::fs::copy(&blueprint, a.path().join("platform.yaml")).unwrap();
    std::fs::create_dir_all(b.path().join("deeper/nested")).unwrap();
    std::fs::copy(&blueprint, b.path().join("deeper/nested/platform.yaml")).unwrap();

    let first = Command::new(PLATC)
        .args(["render", "-f", "platform.yaml", "-o", "out"])
        .current_dir(a.path())
        .env("TZ", "UTC")
        .env("LANG", "C")
        .output()
        .unwrap();
    assert!(first.status.success());
    let second = Command::new(PLATC)
        .args(["render", "-f", "nested/platform.yaml", "-o", "../elsewhere"])
        .current_dir(b.path().join("deeper"))
        .env_clear()
        .env("TZ", "Pacific/Chatham")
        .env("LANG", "de_DE.UTF-8")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let one = read_tree(&a.path().join("out"));
    let two = read_tree(&b.path().join("elsewhere"));
    assert!(one.len() > 5);
    assert_eq!(one, two);
}
