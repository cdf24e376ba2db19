//! Printing diagnostics: the human format of `blueprint.md` (message, `-->` location, the
//! quoted line with a caret), JSON Lines for editors and CI, and GitHub annotations.
//! The only place that decides how a diagnostic looks; colour is applied here and nowhere else.

use std::fmt::Write as _;

use crate::json::json;
use anstyle::{AnsiColor, Style};

use super::{Diagnostic, Severity};

/// How diagnostics are printed (`--message-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Replaces characters that could drive a terminal (escapes, bidi overrides, NUL) with a
/// visible escape, so a hostile blueprint cannot rewrite the screen through a message.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            out.push(' ');
        } else if c.is_control() || is_bidi_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

pub fn render(d: &Diagnostic, format: Format, color: bool) -> String {
    match format {
        Format::Human => human(d, color),
        Format::Json => json_line(d),
        Format::Github => github(d),
    }
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// The format of `blueprint.md`, "What a check failure looks like".
pub fn human(d: &Diagnostic, color: bool) -> String {
    let level_style = match d.severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
    };
    let blue = AnsiColor::Blue.on_default().bold();
    let bold = Style::new().bold();
    let mut out = String::new();
    let headline = match &d.path {
        Some(path) => format!("{path}: {}", d.message),
        None => d.message.clone(),
    };
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(color, level_style, &d.severity.to_string()),
        paint(color, bold, ":"),
        paint(color, bold, &sanitize(&headline))
    );
    if let Some(loc) = &d.location {
        if loc.line == 0 {
            let _ = writeln!(
                out,
                "  {} {}",
                paint(color, blue, "-->"),
                sanitize(&loc.file)
            );
        } else {
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(
                out,
                "{pad}{} {}:{}:{}",
                paint(color, blue, "-->"),
                sanitize(&loc.file),
                loc.line,
                loc.column
            );
            let bar = paint(color, blue, "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint(color, blue, &number),
                sanitize(&loc.line_text)
            );
            let carets = "^".repeat(loc.width.max(1));
            let _ = writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(loc.column.saturating_sub(1)),
                paint(color, level_style, &carets)
            );
        }
    }
    for note in &d.notes {
        let _ = writeln!(out, "  = note: {}", sanitize(note));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  = help: {}", sanitize(help));
    }
    out
}

/// One JSON object per line, for editors and CI annotations.
pub fn json_line(d: &Diagnostic) -> String {
    let loc = d.location.as_ref();
    let value = json!({
        "severity": d.severity,
        "code": d.code.as_str(),
        "message": d.message,
        "path": d.path,
        "file": loc.map(|l| l.file.clone()),
        "line": loc.filter(|l| l.line > 0).map(|l| l.line),
        "column": loc.filter(|l| l.line > 0).map(|l| l.column),
        "help": d.help,
        "notes": d.notes,
    });
    format!("{value}\n")
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(loc) = &d.location {
        props.push(format!("file={}", escape_property(&loc.file)));
        if loc.line > 0 {
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column));
        }
    }
    props.push(format!("title={}", escape_property(d.code.as_str())));
    let message = match &d.path {
        Some(path) => format!("{path}: {}", d.message),
        None => d.message.clone(),
    };
    format!("::{level} {}::{}\n", props.join(","), escape_data(&message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::source::{SourceFile, Span};

    #[test]
    fn human_format_matches_the_spec() {
        let text = "spec:\n  controlPlane:\n        replicas: 2\n";
        let src = SourceFile::new("platform.yaml", text);
        let at = text.find("2\n").unwrap();
        let d = Diagnostic::error(
            Code::Replicas,
            "2 is even; etcd needs an odd number of members (1, 3 or 5)",
        )
        .path("spec.clusters[0].controlPlane.replicas")
        .at(&src, Span::new(at, at + 1));
        assert_eq!(
            human(&d, false),
            "error: spec.clusters[0].controlPlane.replicas: 2 is even; etcd needs an odd number of members (1, 3 or 5)\n \
             --> platform.yaml:3:19\n  |\n3 |         replicas: 2\n  |                   ^\n"
        );
    }

    #[test]
    fn terminal_escapes_are_made_visible() {
        assert_eq!(sanitize("a\u{1b}[2Jb\u{202e}"), "a\\u{1b}[2Jb\\u{202e}");
    }

    #[test]
    fn json_lines_carry_the_blueprint_path_and_location() {
        let src = SourceFile::new("p.yaml", "spec:\n  x: 1\n");
        let d = Diagnostic::error(Code::Range, "too big")
            .path("spec.x")
            .at(&src, Span::new(11, 12))
            .note("n");
        let line = json_line(&d);
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["code"], "range");
        assert_eq!(v["path"], "spec.x");
        assert_eq!(
            (v["file"].as_str(), v["line"].as_u64(), v["column"].as_u64()),
            (Some("p.yaml"), Some(2), Some(6))
        );
        assert_eq!(v["notes"][0], "n");
    }

    #[test]
    fn github_annotations_escape_data_and_properties() {
        let d = Diagnostic::warning(Code::Warning, "50% of\nlines")
            .path("spec.y")
            .in_file("a,b:c.yaml");
        assert_eq!(
            github(&d),
            "::warning file=a%2Cb%3Ac.yaml,title=warning::spec.y: 50%25 of%0Alines\n"
        );
    }
}
