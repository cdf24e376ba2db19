//! Diagnostics: what platc tells a user about their input, as data. A [`Diagnostic`] has a
//! code, a severity, a message, the blueprint path it is about and where in which file; it
//! is built where a rule lives and printed only by [`render`]. Locations are resolved to
//! line and column when the diagnostic is made, so rendering needs no source files.

pub mod code;
pub mod render;

use std::fmt;

use serde::Serialize;

pub use code::Code;

use crate::source::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a diagnostic points: a file, a 1-based line and column, and the line's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Width of the underlined part in characters (at least 1 when printed).
    pub width: usize,
    pub line_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// The blueprint path (`spec.clusters[1].nodePools[0]`), when the diagnostic is about one.
    pub path: Option<String>,
    pub location: Option<Location>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            path: None,
            location: None,
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::error(code, message).into_warning()
    }

    /// The same diagnostic as a warning.
    pub fn into_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Points the diagnostic at a span of a source file.
    pub fn at(mut self, source: &SourceFile, span: Span) -> Self {
        let start = source.line_col(span.start);
        let line_text = source.line_text(start.line).to_string();
        let end = source.line_col(span.end.max(span.start));
        let width = if end.line == start.line {
            end.column.saturating_sub(start.column).max(1)
        } else {
            line_text
                .chars()
                .count()
                .saturating_sub(start.column - 1)
                .max(1)
        };
        self.location = Some(Location {
            file: source.name().to_string(),
            line: start.line,
            column: start.column,
            width,
            line_text,
        });
        self
    }

    /// Points the diagnostic at a file without a position (an unreadable file, say).
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: 0,
            column: 0,
            width: 0,
            line_text: String::new(),
        });
        self
    }

    pub fn path(mut self, path: impl fmt::Display) -> Self {
        let path = path.to_string();
        self.path = (!path.is_empty()).then_some(path);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every diagnostic of one run, in the order they were found (then sorted by location for
/// printing, so output does not depend on which rule ran first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Sorted by file, line, column, then message; duplicates (same place, same message)
    /// removed, since two rules may notice one defect.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        let key = |d: &Diagnostic| {
            let (file, line, col) = d.location.as_ref().map_or((String::new(), 0, 0), |l| {
                (l.file.clone(), l.line, l.column)
            });
            (file, line, col, d.severity, d.message.clone())
        };
        self.0.sort_by_key(key);
        self.0.dedup_by(|a, b| key(a) == key(b));
        self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Self(v)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
