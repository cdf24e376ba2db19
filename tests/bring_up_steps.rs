//! The rendered README's "Steps that are not files" in every golden tree: at most three steps
//! per kind of cluster (the management cluster, then capa, eks and kops clusters), every shell
//! block well formed (`sh -n`), and the VPC connection commands run, against a recording
//! stand-in for the AWS CLI, to a peering with routes both ways, and add nothing when run again.

use std::path::Path;
use std::process::Command;

use crate::support::root;

/// The README's "Steps that are not files": (section title, numbered step count, sh blocks).
fn sections(readme: &str) -> Vec<(String, usize, Vec<String>)> {
    let start = readme
        .find("## Steps that are not files")
        .expect("the section exists");
    let rest = &readme[start + 3..];
    let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut out: Vec<(String, usize, Vec<String>)> = Vec::new();
    let mut block: Option<String> = None;
    for line in body.lines() {
        if let Some(b) = &mut block {
            if line.trim() == "```" {
                let b = block.take().unwrap();
                out.last_mut().expect("a block inside a section").2.push(b);
            } else {
                b.push_str(line.strip_prefix("   ").unwrap_or(line));
                b.push('\n');
            }
            continue;
        }
        if let Some(title) = line.strip_prefix("### ") {
            out.push((title.to_string(), 0, Vec::new()));
        } else if line.trim() == "```sh" {
            block = Some(String::new());
        } else if line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            out.last_mut().expect("a step inside a section").1 += 1;
        }
    }
    out
}

fn golden_readmes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        out.push((
            name,
            std::fs::read_to_string(dir.join("README.md")).unwrap(),
        ));
    }
    out.sort();
    out
}

#[test]
fn every_kind_of_cluster_has_at_most_three_manual_steps() {
    for (tree, readme) in golden_readmes() {
        let sections = sections(&readme);
        assert!(!sections.is_empty(), "{tree}: no kind of cluster");
        for (title, steps, _) in &sections {
            assert!(
                (1..=3).contains(steps),
                "{tree}: \"{title}\" has {steps} steps"
            );
        }
    }
}

#[test]
fn every_shell_block_of_the_steps_is_well_formed() {
    for (tree, readme) in golden_readmes() {
        for (title, _, blocks) in sections(&readme) {
            for block in blocks {
                // `<deploy key>` and the like are the values the reader fills in.
                let filled = fill_placeholders(&block);
                let out = Command::new("sh")
                    .args(["-n", "-c", &filled])
                    .output()
                    .expect("run sh");
                assert!(
                    out.status.success(),
                    "{tree}: \"{title}\": {}\n{block}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
}

/// `<words>` (a letter after `<`, no `<`, `>` or newline inside) becomes `PLACEHOLDER`.
fn fill_placeholders(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    let mut rest = block;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find(['>', '<', '\n']);
        match end {
            Some(j)
                if after[..j].starts_with(|c: char| c.is_ascii_alphabetic())
                    && after[j..].starts_with('>') =>
            {
                out.push_str(&rest[..i]);
                out.push_str("PLACEHOLDER");
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str(&rest[..=i]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A stand-in for `aws` that records each call and keeps the state of one peering, two route
/// tables in the management VPC and one in the other, and the routes created.
const FAKE_AWS: &str = r#"#!/bin/sh
state=$(dirname "$0")
echo "$*" >> "$state/calls"
case "$*" in
  *"describe-vpcs"*cluster/management,*) echo vpc-management ;;
  *"describe-vpcs"*) echo vpc-other ;;
  *"describe-vpc-peering-connections"*"--filters"*) if [ -f "$state/pcx" ]; then echo pcx-1; else echo None; fi ;;
  *"create-vpc-peering-connection"*) touch "$state/pcx"; echo pcx-1 ;;
  *"describe-vpc-peering-connections"*) if [ -f "$state/active" ]; then echo active; else echo pending-acceptance; fi ;;
  *"accept-vpc-peering-connection"*) touch "$state/active" ;;
  *"describe-route-tables"*vpc-management*) echo "rtb-m1 rtb-m2" ;;
  *"describe-route-tables"*) echo rtb-o1 ;;
  *"create-route"*) grep -qxF -- "$*" "$state/routes" 2>/dev/null && exit 254; echo "$*" >> "$state/routes" ;;
  *"replace-route"*|*"wait"*) ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"#;

fn run(dir: &Path, script: &str) -> String {
    let _ = std::fs::remove_file(dir.join("calls"));
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-e", "-c", script])
        .env("PATH", path)
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "{}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(dir.join("calls")).unwrap_or_default()
}

#[test]
fn the_vpc_connection_peers_routes_both_ways_and_is_idempotent() {
    let readme = std::fs::read_to_string(root().join("golden/reference/README.md")).unwrap();
    let block = sections(&readme)
        .into_iter()
        .flat_map(|(_, _, blocks)| blocks)
        .find(|b| b.contains("connect sandbox-eks "))
        .expect("the reference connects sandbox-eks with management");
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join("aws");
    std::fs::write(&aws, FAKE_AWS).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let first = run(dir.path(), &block);
    assert_eq!(
        first.matches("create-vpc-peering-connection").count(),
        1,
        "{first}"
    );
    assert_eq!(
        first.matches("accept-vpc-peering-connection").count(),
        1,
        "{first}"
    );
    let routes = std::fs::read_to_string(dir.path().join("routes")).unwrap();
    // Every route table of each VPC routes the other's range through the peering.
    for (table, range) in [
        ("rtb-m1", "10.26.0.0/16"),
        ("rtb-m2", "10.26.0.0/16"),
        ("rtb-o1", "10.224.0.0/16"),
    ] {
        assert!(
            routes.contains(&format!(
                "--route-table-id {table} --destination-cidr-block {range} --vpc-peering-connection-id pcx-1"
            )),
            "{routes}"
        );
    }
    let second = run(dir.path(), &block);
    assert!(
        !second.contains("create-vpc-peering-connection"),
        "{second}"
    );
    assert!(
        !second.contains("accept-vpc-peering-connection"),
        "{second}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("routes")).unwrap(),
        routes,
        "a second run adds no route"
    );
}

/// A VPC that does not exist yet (the lookup prints `None`) stops the commands with its name.
#[test]
fn a_missing_vpc_is_named_and_nothing_is_created() {
    let readme = std::fs::read_to_string(root().join("golden/reference/README.md")).unwrap();
    let block = sections(&readme)
        .into_iter()
        .flat_map(|(_, _, blocks)| blocks)
        .find(|b| b.contains("connect sandbox-eks "))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let aws = dir.path().join("aws");
    std::fs::write(
        &aws,
        FAKE_AWS.replace("*) echo vpc-other ;;", "*) echo None ;;"),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-e", "-c", &block])
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sandbox-eks: a VPC does not exist yet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(dir.path().join("calls")).unwrap();
    assert!(!calls.contains("create-"), "{calls}");
}
