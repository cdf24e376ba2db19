//! The bodies of platc's fuzz targets. Each takes arbitrary bytes and must return: a panic,
//! an abort, a hang (libFuzzer's `-timeout`) or unbounded memory (`-rss_limit_mb`) is a bug.
//! Every diagnostic produced is also rendered in every format, since rendering slices the
//! source text by spans.
//!
//! The same file is compiled into the main crate's integration tests
//! (`tests/fuzz_corpus.rs`), which run the committed corpus through these functions on
//! every `cargo test`, without libFuzzer: so it may use only `platc` and `std`.
//!
//! Multi-file inputs (`compile`, `overlay`) are *bundles*: the first file's bytes, then any
//! number of `\n#%% PATH\n` lines each starting another file at PATH (a YAML comment line,
//! so a bundle of one file is an ordinary YAML file). See [`bundle`].

use platc::beside::Memory;
use platc::blueprint::{check, load};
use platc::diag::Diagnostic;
use platc::diag::render::{self, Format};
use platc::overlay::{self, ApplyOptions, Files};
use platc::pipeline::{self, Input};
use platc::yaml::read::{self, ReadOptions};
use platc::yaml::write;

/// The line that starts another file in a bundle.
pub const BUNDLE_MARK: &[u8] = b"\n#%% ";

/// Splits a bundle into its first file and a [`Memory`] holding the others (paths as
/// written, normalized by `Memory`; a path that does not normalize is dropped).
pub fn bundle(data: &[u8]) -> (Vec<u8>, Memory) {
    let mut parts = split(data, BUNDLE_MARK).into_iter();
    let first = parts.next().unwrap_or_default().to_vec();
    let mut mem = Memory::new();
    for part in parts {
        let (path, body) = match part.iter().position(|&b| b == b'\n') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        if platc::beside::normalize(path).is_some_and(|p| !p.is_empty()) {
            mem = mem.with(path, body.to_vec());
        }
    }
    (first, mem)
}

fn split<'a>(data: &'a [u8], mark: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(mark.len()).position(|w| w == mark) {
        out.push(&rest[..i]);
        rest = &rest[i + mark.len()..];
    }
    out.push(rest);
    out
}

/// Renders every diagnostic in every format (a span out of bounds would panic here).
fn render_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        for format in [Format::Human, Format::Json, Format::Github] {
            let _ = render::render(d, format, false);
        }
        let _ = render::render(d, Format::Human, true);
    }
}

/// The YAML reader, with the blueprint's rules and with kustomize's: decode, pre-scan,
/// parse. What it reads is written back with the canonical writer, and that text must read
/// again (with kustomize's rules) to the same value: the writer never writes YAML its own
/// reader refuses or reads differently.
pub fn reader(data: &[u8]) {
    for opts in [ReadOptions::blueprint(), ReadOptions::kustomize()] {
        let src = match read::decode("fuzz.yaml", data, opts.max_bytes) {
            Ok(src) => src,
            Err(d) => {
                render_all([&d]);
                continue;
            }
        };
        match read::read_stream(&src, &opts) {
            Ok(docs) => {
                for doc in &docs {
                    round_trip(&doc.to_json());
                }
            }
            Err(diags) => render_all(&diags),
        }
    }
}

/// True when some mapping in `v` has the key `<<`. goyaml.v2 never resolves `<<` when it
/// encodes, so kustomize (and platc's writer, byte for byte) writes it plain, and a reader
/// with merge keys then reads a merge: such a document does not read back, in kustomize
/// either. The render path's read-back gate refuses it (exit 70); the targets skip it.
///
/// Likewise a string holding U+2028 or U+2029: goyaml.v2 writes them as line breaks and
/// indents after them, and YAML 1.2 readers read them as ordinary characters.
fn kustomize_cannot_read_back(v: &serde_json::Value) -> bool {
    let separators = |s: &str| s.contains(['\u{2028}', '\u{2029}']);
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .any(|(k, v)| k == "<<" || separators(k) || kustomize_cannot_read_back(v)),
        serde_json::Value::Array(a) => a.iter().any(kustomize_cannot_read_back),
        serde_json::Value::String(s) => separators(s),
        _ => false,
    }
}

fn round_trip(value: &serde_json::Value) {
    if kustomize_cannot_read_back(value) {
        return;
    }
    let text = write::to_yaml(value);
    let src = platc::source::SourceFile::new("written.yaml", text.clone());
    let again = match read::read_stream(&src, &ReadOptions::kustomize()) {
        Ok(docs) => docs,
        Err(diags) => panic!(
            "the writer wrote YAML its reader refuses: {:?}\n{text}",
            diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        ),
    };
    // `null` is written as `null`, which kustomize's reader drops as an empty document.
    if value.is_null() {
        assert!(again.len() <= 1, "{text}");
        return;
    }
    // NELs in strings are folded and integral floats written as integers, as kustomize
    // does, on purpose (`reads_back_as`).
    assert!(
        again.len() == 1 && write::reads_back_as(value, &again[0]),
        "written:\n{text}\nread back: {:?}\nfrom: {value:?}",
        again.iter().map(|d| d.to_json()).collect::<Vec<_>>()
    );
}

/// The blueprint's loader (schema pass) and every semantic rule.
pub fn checker(data: &[u8]) {
    match load::load("platform.yaml", data) {
        Ok(loaded) => {
            let diags = check::run(&loaded);
            render_all(&diags);
        }
        Err(diags) => render_all(diags.iter()),
    }
}

/// The whole compile: blueprint, checks, resolve, generators, overlays (the bundle's other
/// files are the blueprint's folder), emit; then every emitted file is validated against
/// the bundled schemas and the compile is repeated to check it is deterministic.
pub fn compile(data: &[u8]) {
    let (blueprint, beside) = bundle(data);
    let input = Input {
        display_name: "fuzz/platform.yaml".to_owned(),
        file_name: "platform.yaml".to_owned(),
        bytes: blueprint,
    };
    match pipeline::compile(&input, &beside) {
        Ok(compiled) => {
            render_all(&compiled.warnings);
            let findings = platc::validate::validate_tree(&compiled.tree);
            render_all(&findings);
            let again = pipeline::compile(&input, &beside).expect("the second compile fails");
            assert!(
                again.tree.files().eq(compiled.tree.files()),
                "two compiles of one input differ"
            );
        }
        Err(diags) => render_all(diags.iter()),
    }
}

/// The overlay engine on a folder in memory: the bundle's first file is
/// `kustomization.yaml`, the others its resources and patches. Builds the folder as
/// `platc kustomize` does, and checks that the printed stream reads back.
pub fn overlay(data: &[u8]) {
    let (kustomization, files) = bundle(data);
    let mem = files.with("kustomization.yaml", kustomization);
    let files = Files::new(&mem, "", "fuzz");
    let k = match files.kustomization() {
        Ok(k) => k,
        Err(diags) => return render_all(&diags),
    };
    let mut resources = match files.resources(&k) {
        Ok(r) => r,
        Err(diags) => return render_all(&diags),
    };
    let prepared = match overlay::prepare(k, &files) {
        Ok(p) => p,
        Err(diags) => return render_all(&diags),
    };
    // Both modes the pipeline uses: kustomize's (unmatched patches fail, output sorted) and
    // the platform-wide overlays' (unmatched patches skipped, file order kept).
    let mut lenient = resources.clone();
    for (target, opts) in [
        (&mut resources, ApplyOptions::default()),
        (
            &mut lenient,
            ApplyOptions {
                unmatched_ok: true,
                sort: false,
                report_empty_targets: true,
            },
        ),
    ] {
        match overlay::apply(target, &prepared, opts) {
            Ok(_) => {
                let values: Vec<serde_json::Value> =
                    target.iter().map(|r| r.value.clone()).collect();
                if values.iter().any(kustomize_cannot_read_back) {
                    continue;
                }
                let text = write::to_yaml_stream(&values);
                let src = platc::source::SourceFile::new("built.yaml", text.clone());
                if let Err(diags) = read::read_stream(&src, &ReadOptions::kustomize()) {
                    panic!(
                        "the build does not read back: {:?}\n{text}",
                        diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
                    );
                }
            }
            Err(diags) => render_all(&diags),
        }
    }
}

/// The tree the `output` target renders: a small blueprint, compiled once per process.
fn output_tree() -> &'static (platc::tree::Tree, String) {
    static TREE: std::sync::OnceLock<(platc::tree::Tree, String)> = std::sync::OnceLock::new();
    TREE.get_or_init(|| {
        let input = Input {
            display_name: "platform.yaml".to_owned(),
            file_name: "platform.yaml".to_owned(),
            bytes: include_bytes!("../../tests/data/bad-inputs/valid-base.yaml").to_vec(),
        };
        let compiled =
            pipeline::compile(&input, &Memory::new()).expect("the base blueprint compiles");
        (compiled.tree, compiled.blueprint_sha256)
    })
}

/// One hostile existing output folder, made from a bundle: the first file is
/// `.platc/manifest.json`, the others are files at their paths (`.platc/pending.json`, a
/// generated file with other bytes, anything). A file whose body starts with `-> ` is a
/// symbolic link to the rest of its first line. Paths that leave the folder are dropped,
/// and so are links that lead above the scratch folder (which holds the output folder `out`
/// and a sentinel folder `outside`): the links may lead out of `out`, never off the machine's
/// scratch space.
fn hostile_folder(data: &[u8], scratch: &std::path::Path) -> std::path::PathBuf {
    let out = scratch.join("out");
    let _ = std::fs::create_dir_all(out.join(".platc"));
    let mut parts = split(data, BUNDLE_MARK).into_iter();
    let manifest = parts.next().unwrap_or_default();
    let _ = std::fs::write(out.join(platc::output::MANIFEST_PATH), manifest);
    for part in parts {
        let (path, body) = match part.iter().position(|&b| b == b'\n') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        let Some(rel) = std::str::from_utf8(path)
            .ok()
            .and_then(platc::beside::normalize)
        else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        // No link on the way: every link then sits at a real path below `out`, and the
        // rule on its target below keeps every resolution inside the scratch folder.
        let mut at = out.clone();
        let mut through_link = false;
        for component in rel.split('/') {
            at.push(component);
            through_link |=
                std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
        }
        if through_link {
            continue;
        }
        if let Some(parent) = at.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        match body.strip_prefix(b"-> ") {
            Some(target) => {
                let target = target.split(|&b| b == b'\n').next().unwrap_or_default();
                let Ok(target) = std::str::from_utf8(target) else {
                    continue;
                };
                // `out/<rel>` is `depth` folders below the scratch folder: a relative
                // target may climb that many `..`, all of them first, and never start at `/`.
                let depth = rel.split('/').count();
                let components: Vec<&str> = target.split('/').collect();
                let ups = components.iter().take_while(|c| **c == "..").count();
                if target.is_empty()
                    || target.starts_with('/')
                    || ups > depth
                    || components[ups..].contains(&"..")
                {
                    continue;
                }
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink(target, &at);
            }
            None => {
                let _ = std::fs::write(&at, body);
            }
        }
    }
    out
}

/// Every file below `dir` (symbolic links not followed): relative path → bytes, or `None`
/// for a link or a folder.
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(dir)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => {
                    out.insert(rel, None);
                    stack.push(p);
                }
                Ok(m) if m.is_file() => {
                    out.insert(rel, std::fs::read(&p).ok());
                }
                _ => {
                    out.insert(rel, None);
                }
            }
        }
    }
    out
}

/// The output side: `render` and `check`'s building blocks against a hostile existing
/// output folder ([`hostile_folder`]: a forged or corrupt manifest and journal, files in
/// the way, symbolic links into a sentinel folder beside it). Whatever the folder holds:
/// no panic; nothing outside the output folder is written, changed or deleted (the sentinel
/// folder is compared byte for byte); and a forced render that succeeds leaves every
/// generated path a regular file (no link on the way) holding exactly the generated bytes.
pub fn output(data: &[u8]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static RUN: AtomicU64 = AtomicU64::new(0);
    let (tree, sha) = output_tree();
    let scratch = std::env::temp_dir().join(format!(
        "platc-fuzz-output-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&scratch);
    let outside = scratch.join("outside");
    std::fs::create_dir_all(outside.join("clusters")).expect("scratch folder");
    std::fs::write(outside.join("keep"), b"keep").expect("sentinel");
    std::fs::write(outside.join("README.md"), b"keep").expect("sentinel");
    let before = snapshot(&outside);
    let out = hostile_folder(data, &scratch);
    // `check` is the plan's differences against the compiled tree (no manifest fast path).
    if let Ok(plan) = platc::output::plan(&out, tree, sha) {
        let _ = plan.counts();
        let _ = plan.differences();
        let _ = platc::output::diff::unified(&out, &plan, tree, false);
    }
    let _ = platc::output::render(&out, tree, sha, false);
    assert_eq!(
        snapshot(&outside),
        before,
        "a render changed a file outside its folder"
    );
    if platc::output::render(&out, tree, sha, true).is_ok() {
        for (path, bytes) in tree.files() {
            // Every folder on the way and the file itself: no symbolic link.
            let mut at = out.clone();
            for component in path.split('/') {
                at.push(component);
                let meta = std::fs::symlink_metadata(&at);
                assert!(
                    meta.is_ok_and(|m| !m.file_type().is_symlink()),
                    "after a forced render, {path} is missing or reached through a link"
                );
            }
            assert_eq!(
                std::fs::read(&at).ok().as_deref(),
                Some(bytes),
                "after a forced render, {path} does not hold the generated bytes"
            );
        }
    }
    assert_eq!(
        snapshot(&outside),
        before,
        "a forced render changed a file outside its folder"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
