//! `cargo run --release --example bringup_bench -- DIR [RUNS]`: runs the bring-up check
//! (`platc::bringup`) on a rendered folder and prints the time of reading its YAML and of
//! the check, per run and fastest, and the number of findings; `--print DIR` prints the
//! findings instead.

use std::path::Path;
use std::time::Instant;

fn read(dir: &Path, root: &Path, tree: &mut platc::tree::Tree) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            read(&path, root, tree);
        } else {
            let rel = path.strip_prefix(root).expect("under root");
            tree.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(&path).expect("readable file"),
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: bringup_bench DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    if dir == "--print" {
        let Some(dir) = args.get(1) else {
            std::process::exit(2);
        };
        let root = Path::new(dir);
        let mut tree = platc::tree::Tree::new();
        read(root, root, &mut tree);
        for f in platc::bringup::check(&tree) {
            println!("{f}");
        }
        return;
    }
    let root = Path::new(dir);
    let mut tree = platc::tree::Tree::new();
    read(root, root, &mut tree);
    let (mut best_read, mut best_check) = (f64::MAX, f64::MAX);
    for run in 1..=runs {
        let t = Instant::now();
        let docs = platc::bringup::documents(&tree);
        let read_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let graph = platc::bringup::extract::graph(&docs);
        let graph_s = t.elapsed().as_secs_f64();
        let findings = platc::bringup::rules::run(&graph, &platc::bringup::FACTS);
        let check_s = t.elapsed().as_secs_f64();
        println!(
            "run {run}: read {:.0} ms, check {:.0} ms (graph {:.0} ms), {} findings",
            read_s * 1e3,
            check_s * 1e3,
            graph_s * 1e3,
            findings.len()
        );
        best_read = best_read.min(read_s);
        best_check = best_check.min(check_s);
    }
    println!(
        "fastest: read {:.0} ms, check {:.0} ms ({} files)",
        best_read * 1e3,
        best_check * 1e3,
        tree.len()
    );
}
