//! `cargo run --release --example overlay_bench -- DIR [RUNS]`: builds an overlay folder
//! with platc's engine (`platc::overlay::build_dir`, what `platc kustomize DIR` runs) and
//! prints the time of each run and of the fastest; `--print` writes the output instead;
//! `--phases` times the steps of one build (read, prepare, apply, write).

use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: overlay_bench DIR [RUNS] | overlay_bench --print DIR");
        std::process::exit(2);
    };
    if dir == "--print" {
        let Some(dir) = args.get(1) else {
            std::process::exit(2);
        };
        match platc::overlay::build_dir(Path::new(dir)) {
            Ok(out) => print!("{out}"),
            Err(diags) => {
                for d in diags {
                    eprintln!("error[{}]: {}", d.code.as_str(), d.message);
                }
                std::process::exit(1);
            }
        }
        return;
    }
    if dir == "--phases" {
        let Some(dir) = args.get(1) else {
            std::process::exit(2);
        };
        phases(Path::new(dir));
        return;
    }
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut best = f64::MAX;
    let mut bytes = 0;
    for i in 0..runs {
        let start = Instant::now();
        let out = match platc::overlay::build_dir(Path::new(dir)) {
            Ok(out) => out,
            Err(diags) => {
                for d in diags {
                    eprintln!("error[{}]: {}", d.code.as_str(), d.message);
                }
                std::process::exit(1);
            }
        };
        let secs = start.elapsed().as_secs_f64();
        bytes = out.len();
        best = best.min(secs);
        println!("run {}: {:.3} s", i + 1, secs);
    }
    println!("best of {runs}: {best:.3} s ({bytes} bytes of output)");
}

/// The steps of `build_dir`, timed one by one.
fn phases(dir: &Path) {
    use platc::overlay::{self, ApplyOptions, Files};
    let fail = |diags: Vec<platc::diag::Diagnostic>| -> ! {
        for d in diags {
            eprintln!("error[{}]: {}", d.code.as_str(), d.message);
        }
        std::process::exit(1);
    };
    let start = Instant::now();
    let lap = |what: &str, last: &mut Instant| {
        println!("{what:>10}: {:.3} s", last.elapsed().as_secs_f64());
        *last = Instant::now();
    };
    let mut last = start;
    let disk = platc::beside::Disk::new(dir);
    let files = Files::new(&disk, "", "");
    let k = files.kustomization().unwrap_or_else(|d| fail(d));
    let mut resources = files.resources(&k).unwrap_or_else(|d| fail(d));
    lap("read", &mut last);
    let prepared = overlay::prepare(k, &files).unwrap_or_else(|d| fail(d));
    lap("prepare", &mut last);
    overlay::apply(&mut resources, &prepared, ApplyOptions::default()).unwrap_or_else(|d| fail(d));
    lap("apply", &mut last);
    let values: Vec<serde_json::Value> = resources.into_iter().map(|r| r.value).collect();
    let out = platc::yaml::write::to_yaml_stream(&values);
    lap("write", &mut last);
    drop(values);
    lap("drop", &mut last);
    println!(
        "{:>10}: {:.3} s ({} bytes)",
        "total",
        start.elapsed().as_secs_f64(),
        out.len()
    );
}
