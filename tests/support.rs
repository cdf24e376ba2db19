//! Helpers shared by the integration tests: running the binary, and reading folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const PLATC: &str = env!("CARGO_BIN_EXE_platc");

/// The crate's root folder (tests run from it, but do not rely on that).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `platc` with `args` in `cwd`, with a small, fixed environment (no colour, no CI
/// switches leaking in from the caller).
pub fn platc(cwd: &Path, args: &[&str]) -> Output {
    Command::new(PLATC)
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .output()
        .expect("run platc")
}

/// Every YAML document of `text` (read as kustomize reads it), as JSON; panics naming `name`
/// when it does not read.
pub fn docs(name: &str, text: &str) -> Vec<serde_json::Value> {
    let src = platc::source::SourceFile::new(name, text);
    platc::yaml::read::read_stream(&src, &platc::yaml::read::ReadOptions::kustomize())
        .unwrap_or_else(|d| panic!("{name} does not read: {d:?}"))
        .iter()
        .map(|n| n.to_json())
        .collect()
}

/// Compiles blueprint `text` (named `name`, with nothing beside it) in process: its tree.
pub fn compile(name: &str, text: &str) -> Result<platc::tree::Tree, platc::diag::Diagnostics> {
    platc::pipeline::compile(
        &platc::pipeline::Input {
            display_name: name.into(),
            file_name: name.into(),
            bytes: text.as_bytes().to_vec(),
        },
        &platc::beside::Memory::new(),
    )
    .map(|c| c.tree)
}

/// Writes blueprint `text` as `platform.yaml` in a new scratch folder and renders it there
/// ([`render_file`]).
pub fn render_text(text: &str) -> (tempfile::TempDir, PathBuf, Output) {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("platform.yaml");
    std::fs::write(&file, text).unwrap();
    let (out, o) = render_in(scratch.path(), &file);
    (scratch, out, o)
}

/// Runs `platc render -f <file>` into `out` of a new scratch folder: the folder (kept alive
/// by the caller), `out`, and the process.
pub fn render_file(file: &Path) -> (tempfile::TempDir, PathBuf, Output) {
    let scratch = tempfile::tempdir().unwrap();
    let (out, o) = render_in(scratch.path(), file);
    (scratch, out, o)
}

fn render_in(scratch: &Path, file: &Path) -> (PathBuf, Output) {
    let out = scratch.join("out");
    let o = platc(
        scratch,
        &[
            "render",
            "-f",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    (out, o)
}

/// A visible skip: `SKIPPED <test>: <why>` written to the terminal itself (libtest captures
/// `eprintln!` of a passing test, so a skip would otherwise pass unseen). `.ci/run` provides
/// what every test needs and fails on such a line.
pub fn skip(test: &str, why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file below `dir` (relative `/` paths → bytes), symlinks not followed.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    out
}

/// A readable description of how two trees differ (empty when equal).
pub fn tree_diff(
    expected: &BTreeMap<String, Vec<u8>>,
    actual: &BTreeMap<String, Vec<u8>>,
) -> String {
    let mut report = String::new();
    for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
        report.push_str(&format!("missing: {path}\n"));
    }
    for path in actual.keys().filter(|p| !expected.contains_key(*p)) {
        report.push_str(&format!("unexpected: {path}\n"));
    }
    for (path, want) in expected {
        if let Some(got) = actual.get(path)
            && got != want
        {
            let diff = similar::TextDiff::from_lines(
                std::str::from_utf8(want).unwrap_or("<binary>"),
                std::str::from_utf8(got).unwrap_or("<binary>"),
            )
            .unified_diff()
            .context_radius(2)
            .header(&format!("golden/{path}"), &format!("rendered/{path}"))
            .to_string();
            report.push_str(&diff);
        }
    }
    report
}

/// Sorted `*.yaml` files of a folder.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Compares `actual` with the golden text file `path` (relative to the crate), or rewrites
/// it under `PLATC_UPDATE_GOLDEN=1` (refused when `CI` is set). Returns a failure report,
/// empty when equal, so one test can check several files before failing.
pub fn golden_text(path: &str, actual: &str) -> String {
    let file = root().join(path);
    if std::env::var_os("PLATC_UPDATE_GOLDEN").is_some() {
        assert!(
            std::env::var_os("CI").is_none(),
            "refusing to update golden files under CI"
        );
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, actual).expect("write golden");
        eprintln!("updated {path}");
        return String::new();
    }
    let want = std::fs::read_to_string(&file).unwrap_or_default();
    if want == actual {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(&want, actual)
        .unified_diff()
        .context_radius(2)
        .header(path, "actual")
        .to_string();
    format!("── {path} differs (PLATC_UPDATE_GOLDEN=1 rewrites it):\n{diff}\n")
}

/// What a refused blueprint's header comment promises (`# expect-exit: 65`,
/// `# expect-stderr: text`, `# expect-line: 12`): the format of ../shared/bad-inputs/.
pub struct Expect {
    pub exit: i32,
    pub stderr: Vec<String>,
    pub line: Option<usize>,
}

/// The header of a refused blueprint; `None` when it names no exit code.
pub fn expectations(text: &str) -> Option<Expect> {
    let mut e = Expect {
        exit: -1,
        stderr: Vec::new(),
        line: None,
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = line.strip_prefix("# expect-exit: ") {
            e.exit = v.trim().parse().ok()?;
        } else if let Some(v) = line.strip_prefix("# expect-stderr: ") {
            e.stderr.push(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("# expect-line: ") {
            e.line = v.trim().parse().ok();
        }
    }
    (e.exit >= 0).then_some(e)
}

/// How one run of platc on the file `name` falls short of its header: exit code, stderr
/// texts, `FILE:N:`, no panic.
pub fn header_problems(o: &Output, name: &str, expect: &Expect) -> Vec<String> {
    let err = stderr(o);
    let mut problems = Vec::new();
    if o.status.code() != Some(expect.exit) {
        problems.push(format!(
            "exit {:?}, expected {}",
            o.status.code(),
            expect.exit
        ));
    }
    for want in &expect.stderr {
        if !err.contains(want.as_str()) {
            problems.push(format!("stderr lacks `{want}`"));
        }
    }
    if let Some(line) = expect.line
        && !err.contains(&format!("{name}:{line}:"))
    {
        problems.push(format!("stderr does not name {name}:{line}:"));
    }
    if err.contains("panicked") {
        problems.push("panicked".to_string());
    }
    problems
}

/// Every golden tree: case → (path → objects of its YAML files).
pub fn golden_objects() -> BTreeMap<String, BTreeMap<String, Vec<serde_json::Value>>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let dir = entry.unwrap().path();
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files = BTreeMap::new();
        for (path, bytes) in read_tree(&dir) {
            if !path.ends_with(".yaml") {
                continue;
            }
            let src = platc::source::SourceFile::new(&path, String::from_utf8(bytes).unwrap());
            let docs =
                platc::yaml::read::read_stream(&src, &platc::yaml::read::ReadOptions::kustomize())
                    .unwrap();
            files.insert(path, docs.iter().map(|d| d.to_json()).collect());
        }
        out.insert(case, files);
    }
    assert!(out.len() >= 10, "golden cases went missing");
    out
}
