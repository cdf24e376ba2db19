//! The secrets gate on files beside the blueprint: every file the compiler reads there
//! (overlay kustomizations and patches, an audit policy) goes through [`Scanning`], which
//! runs the blueprint's secret detectors on it as it is read: AWS keys, secret-key shapes,
//! private keys, passwords in URLs, and literal values under secret-ish keys. A finding is
//! an error naming the file, line and column, with the value redacted; when there is one,
//! the compile reports only the findings, so no other diagnostic quotes a line holding the
//! secret.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::beside::{Beside, Entry, ReadError};
use crate::blueprint::check::secrets;
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::yaml::node::{Node, NodeKind};
use crate::yaml::read;

/// A [`Beside`] that scans every file read through it.
pub struct Scanning<'a> {
    inner: &'a dyn Beside,
    display_dir: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    scanned: BTreeSet<String>,
    findings: Vec<Diagnostic>,
}

impl<'a> Scanning<'a> {
    /// Files are named in diagnostics as `display_dir/<path>`.
    pub fn new(inner: &'a dyn Beside, display_dir: &str) -> Scanning<'a> {
        Scanning {
            inner,
            display_dir: display_dir.trim_end_matches('/').to_owned(),
            state: Mutex::new(State::default()),
        }
    }

    /// The findings so far (each file is scanned once, however often it is read).
    pub fn take_findings(&self) -> Vec<Diagnostic> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut state.findings)
    }

    fn display(&self, rel: &str) -> String {
        match self.display_dir.as_str() {
            "" | "." => rel.to_owned(),
            d => format!("{d}/{rel}"),
        }
    }
}

impl Beside for Scanning<'_> {
    fn entry(&self, rel: &str) -> Entry {
        self.inner.entry(rel)
    }

    fn list(&self, rel: &str) -> Vec<String> {
        self.inner.list(rel)
    }

    fn real_path(&self, rel: &str) -> Option<String> {
        self.inner.real_path(rel)
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let bytes = self.inner.read(rel)?;
        let name = self.display(&crate::beside::normalize(rel).unwrap_or_else(|| rel.into()));
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.scanned.insert(name.clone()) {
            let found = scan_file(&name, &bytes);
            state.findings.extend(found);
        }
        Ok(bytes)
    }
}

/// The secret findings of one file (YAML or not), redacted. A file that is not UTF-8 or
/// not YAML is scanned as text; its other problems are for the reader to report.
pub fn scan_file(name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    // Overlay inputs may be larger than the blueprint (`overlay::MAX_INPUT_BYTES`): every
    // byte the overlay engine reads is scanned.
    let Ok(src) = read::decode(name, bytes, crate::overlay::MAX_INPUT_BYTES) else {
        return Vec::new();
    };
    match read::read_stream(&src, &crate::overlay::read_options()) {
        Ok(docs) => scan_docs(&src, docs),
        Err(_) => scan_plain(&src),
    }
}

/// The findings of a YAML file already read: the documents' keys and strings, and the rest
/// of the text (comments).
pub fn scan_docs(src: &SourceFile, mut docs: Vec<Node>) -> Vec<Diagnostic> {
    let root = if docs.len() == 1 {
        docs.remove(0)
    } else {
        // Several documents (or none): one sequence over the whole text, so that the text
        // scan does not take another document's secret for a comment.
        Node {
            span: Span::new(0, src.text().len()),
            kind: NodeKind::Seq(docs),
        }
    };
    secrets::scan(src, &root)
}

/// The context-free detectors on text that is not YAML (README.md, a broken patch).
pub fn scan_plain(src: &SourceFile) -> Vec<Diagnostic> {
    secrets::scan_text(src.name(), src.text())
        .into_iter()
        .map(|f| {
            let offset = src.offset_of(f.line, f.column);
            Diagnostic::error(
                Code::Secret,
                format!(
                    "{} is written here; secrets never go into files platc reads or writes",
                    f.what()
                ),
            )
            .at(src, Span::point(offset))
            .help("use a reference to a Kubernetes Secret, and rotate the credential")
        })
        .map(mask_quoted_line)
        .collect()
}

/// The quoted source line of a text finding shows the line with everything from the
/// finding's column to the next blank masked (the detectors give a position, not the
/// secret's extent; masking too much is harmless).
fn mask_quoted_line(mut d: Diagnostic) -> Diagnostic {
    if let Some(loc) = d.location.as_mut() {
        let start = loc.column.saturating_sub(1);
        loc.line_text = loc
            .line_text
            .chars()
            .enumerate()
            .scan(false, |blank_seen, (i, c)| {
                if i >= start && c.is_whitespace() {
                    *blank_seen = true;
                }
                Some(if i >= start && !*blank_seen { '*' } else { c })
            })
            .collect();
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beside::Memory;

    #[test]
    fn each_file_read_is_scanned_once() {
        let mem = Memory::new()
            .with("o/kustomization.yaml", "patches:\n- path: p.yaml\n")
            .with(
                "o/p.yaml",
                "kind: Secret\nstringData:\n  password: hunter2hunter2\n",
            );
        let gate = Scanning::new(&mem, "bp");
        assert!(gate.read("o/kustomization.yaml").is_ok());
        assert!(gate.take_findings().is_empty());
        for _ in 0..3 {
            assert!(gate.read("o/./p.yaml").is_ok());
        }
        let found = gate.take_findings();
        assert_eq!(found.len(), 1, "{found:?}");
        let text =
            crate::diag::render::render(&found[0], crate::diag::render::Format::Human, false);
        assert!(text.contains("bp/o/p.yaml:3:"), "{text}");
        assert!(!text.contains("hunter2hunter2"), "{text}");
    }
}
