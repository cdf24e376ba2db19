//! The linear pre-scan that runs before the YAML parser. It owns three checks that must not
//! depend on the parser getting far: nesting depth (flow `[`/`{` and block indentation, so a
//! 100k-deep `[[[…` or 3,000 nested block mappings are refused in one pass, at the line where
//! the limit is crossed), tabs used as indentation (at the tab, with a message that says so,
//! where the parser's own message is vague or points elsewhere), and the positions of flow
//! collections that are never closed (so a syntax error caused by a missing `]` can point at
//! the `[`). It is a deliberately small lexer: it knows comments, quoted scalars, block scalar
//! headers and flow brackets, and approximates block structure from indentation. Where it can
//! be fooled (exotic multi-line plain scalars), it errs towards reporting nothing; the reader
//! re-checks depth exactly on the parser's events.

use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// What the pre-scan learnt about a file that parses on to the parser.
#[derive(Debug, Default)]
pub(crate) struct Prescan {
    /// Byte offsets of flow `[` / `{` that have no matching closer (outermost first).
    pub unclosed_flow: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Normal,
    /// Inside a block scalar's content: lines more indented than this (or blank) belong to
    /// it. `-1` for a block scalar at the document root (`--- |`).
    BlockScalar(isize),
    /// Inside a quoted scalar that continues on the next line.
    Quoted {
        double: bool,
    },
}

struct Scan<'a> {
    src: &'a SourceFile,
    max_depth: usize,
    strict_tabs: bool,
    /// Open block collections: (indentation column, kind).
    block: Vec<(usize, Kind)>,
    /// Byte offsets of open flow collections.
    flow: Vec<usize>,
    mode: Mode,
    unclosed: Vec<usize>,
    tabs: Vec<Diagnostic>,
}

/// Runs the pre-scan. `Err` holds either one depth error or every tab-indentation error.
/// With `strict_tabs` (blueprints), a tab that starts a line inside a flow collection is
/// refused too; go-yaml (kustomize) reads those, so the kustomize reader does.
pub(crate) fn prescan(
    src: &SourceFile,
    max_depth: usize,
    strict_tabs: bool,
) -> Result<Prescan, Vec<Diagnostic>> {
    let mut scan = Scan {
        src,
        max_depth,
        strict_tabs,
        block: Vec::new(),
        flow: Vec::new(),
        mode: Mode::Normal,
        unclosed: Vec::new(),
        tabs: Vec::new(),
    };
    let text = src.text();
    let mut start = 0;
    while start <= text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let mut line = &text.as_bytes()[start..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        scan.line(line, start).map_err(|d| vec![*d])?;
        start = end + 1;
    }
    if !scan.tabs.is_empty() {
        return Err(scan.tabs);
    }
    scan.unclosed.append(&mut scan.flow);
    Ok(Prescan {
        unclosed_flow: scan.unclosed,
    })
}

fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// `-`, `?` or `:` followed by whitespace or the end of the line: a block indicator.
fn is_indicator(line: &[u8], i: usize, c: u8) -> bool {
    line.get(i) == Some(&c) && line.get(i + 1).is_none_or(|&n| is_ws(n))
}

/// The end (exclusive) of a quoted scalar starting at `open` (the quote), if it closes on
/// this line.
fn quote_end(line: &[u8], from: usize, double: bool) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' if double => i += 2,
            b'"' if double => return Some(i + 1),
            b'\'' if !double => {
                if line.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether the text at `p` starts an implicit mapping entry (`key: …`, `"key": …`).
fn looks_like_key(line: &[u8], p: usize) -> bool {
    match line.get(p) {
        None => false,
        Some(&q @ (b'"' | b'\'')) => match quote_end(line, p + 1, q == b'"') {
            Some(mut j) => {
                while j < line.len() && is_ws(line[j]) {
                    j += 1;
                }
                is_indicator(line, j, b':')
            }
            None => false,
        },
        Some(
            b'[' | b'{' | b'#' | b'|' | b'>' | b'!' | b'&' | b'*' | b'%' | b'@' | b'`' | b','
            | b']' | b'}',
        ) => false,
        Some(_) => {
            for j in p..line.len() {
                if line[j] == b':' && line.get(j + 1).is_none_or(|&n| is_ws(n)) {
                    return true;
                }
                if line[j] == b'#' && j > p && is_ws(line[j - 1]) {
                    return false;
                }
            }
            false
        }
    }
}

fn classify(line: &[u8], p: usize) -> Option<Kind> {
    if is_indicator(line, p, b'-') {
        Some(Kind::Seq)
    } else if is_indicator(line, p, b'?') || is_indicator(line, p, b':') || looks_like_key(line, p)
    {
        Some(Kind::Map)
    } else {
        None
    }
}

impl Scan<'_> {
    fn too_deep(&self, at: usize) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::TooDeep,
                format!("the YAML nests deeper than {} levels", self.max_depth),
            )
            .at(self.src, Span::new(at, at + 1))
            .help(format!(
                "platc reads at most {} levels of nested mappings and lists; flatten the structure",
                self.max_depth
            )),
        )
    }

    fn depth(&self) -> usize {
        self.block.len() + self.flow.len()
    }

    /// Opens a block collection at column `col`; `at` is its byte offset.
    fn open_block(&mut self, col: usize, kind: Kind, at: usize) -> Result<(), Box<Diagnostic>> {
        self.block.push((col, kind));
        if self.depth() > self.max_depth {
            return Err(self.too_deep(at));
        }
        Ok(())
    }

    /// Places a block entry of `kind` at indentation `col`: closes deeper collections, and
    /// opens a new one unless the entry continues the collection at that column. A sequence
    /// at the same column as its parent mapping's keys (`key:\n- a`) is a new level.
    fn enter_block(&mut self, col: usize, kind: Kind, at: usize) -> Result<(), Box<Diagnostic>> {
        loop {
            match self.block.last() {
                Some(&(c, _)) if c > col => {
                    self.block.pop();
                }
                Some(&(c, k)) if c == col && k != kind => {
                    if k == Kind::Map {
                        return self.open_block(col, kind, at);
                    }
                    self.block.pop();
                }
                Some(&(c, _)) if c == col => return Ok(()),
                _ => return self.open_block(col, kind, at),
            }
        }
    }

    fn line(&mut self, line: &[u8], abs: usize) -> Result<(), Box<Diagnostic>> {
        let mut from = 0;
        match self.mode {
            Mode::BlockScalar(indent) => {
                let spaces = line.iter().take_while(|&&c| c == b' ').count();
                let blank = line.iter().all(|&c| is_ws(c));
                let marker = spaces == 0
                    && (line.starts_with(b"---") || line.starts_with(b"..."))
                    && line.get(3).is_none_or(|&c| is_ws(c));
                if blank || (spaces as isize > indent && !marker) {
                    return Ok(());
                }
                self.mode = Mode::Normal;
            }
            Mode::Quoted { double } => match quote_end(line, 0, double) {
                Some(end) => {
                    self.mode = Mode::Normal;
                    from = end;
                }
                None => return Ok(()),
            },
            Mode::Normal => {}
        }
        if from > 0 {
            // The rest of a quoted scalar: no block structure to follow here.
            return self.scan_tokens(line, abs, from, false);
        }
        let first = line.iter().position(|&c| !is_ws(c));
        let Some(first) = first else { return Ok(()) };
        if line[first] == b'#' {
            return Ok(());
        }
        let in_flow = !self.flow.is_empty();
        if (!in_flow || self.strict_tabs)
            && let Some(tab) = line[..first].iter().position(|&c| c == b'\t')
        {
            self.tabs.push(
                Diagnostic::error(
                    Code::Tab,
                    "found a tab character where indentation is expected; use spaces",
                )
                .at(self.src, Span::new(abs + tab, abs + tab + 1))
                .help("YAML indentation is spaces only; replace the tab with spaces"),
            );
        }
        if in_flow {
            // Inside a flow collection: no block structure to follow here.
            return self.scan_tokens(line, abs, first, false);
        }
        if first == 0
            && line.len() >= 3
            && (line.starts_with(b"---") || line.starts_with(b"..."))
            && line.get(3).is_none_or(|&c| is_ws(c))
        {
            // A document marker: nothing nests across documents.
            self.unclosed.append(&mut self.flow);
            self.block.clear();
            if line.starts_with(b"---") {
                return self.scan_tokens(line, abs, 3, true);
            }
            return Ok(());
        }
        if first == 0 && line[0] == b'%' && self.block.is_empty() {
            return Ok(()); // a directive (`%YAML 1.2`)
        }
        if self.block.is_empty() && matches!(line[first], b'|' | b'>') {
            // A block scalar at the document root without `---` (`|-` on the first line, as
            // the writer puts a lone multi-line string): its content is every line after it
            // (a fuzzing finding: `{` in that content were counted as flow nesting).
            self.mode = Mode::BlockScalar(-1);
            return Ok(());
        }
        let Some(kind) = classify(line, first) else {
            // A continuation line of a multi-line scalar, or a lone scalar document.
            return self.scan_tokens(line, abs, first, false);
        };
        self.enter_block(first, kind, abs + first)?;
        // Compact nesting on one line: `- - a`, `- key: value`, `? - a`.
        let mut p = first;
        while is_indicator(line, p, b'-') || is_indicator(line, p, b'?') {
            let mut q = p + 1;
            while q < line.len() && is_ws(line[q]) {
                q += 1;
            }
            if q >= line.len() || line[q] == b'#' {
                break;
            }
            match classify(line, q) {
                Some(k) => {
                    self.open_block(q, k, abs + q)?;
                    p = q;
                    if k == Kind::Map && !is_indicator(line, q, b'?') {
                        break;
                    }
                }
                None => break,
            }
        }
        self.scan_tokens(line, abs, first, false)
    }

    /// Walks the tokens of a line from `i`: comments, quoted scalars, flow brackets and block
    /// scalar headers. `value_pos` is true where a node may start (after `- `, `: `, `---`).
    fn scan_tokens(
        &mut self,
        line: &[u8],
        abs: usize,
        mut i: usize,
        mut value_pos: bool,
    ) -> Result<(), Box<Diagnostic>> {
        let mut token_start = true;
        while i < line.len() {
            let c = line[i];
            let in_flow = !self.flow.is_empty();
            if is_ws(c) {
                token_start = true;
                i += 1;
                continue;
            }
            if c == b'#' && (i == 0 || is_ws(line[i - 1])) {
                return Ok(());
            }
            if in_flow {
                match c {
                    b'[' | b'{' => {
                        self.flow.push(abs + i);
                        if self.depth() > self.max_depth {
                            return Err(self.too_deep(abs + i));
                        }
                        token_start = true;
                    }
                    b']' | b'}' => {
                        self.flow.pop();
                        token_start = true;
                    }
                    b',' | b':' => token_start = true,
                    b'"' | b'\'' if token_start => {
                        let double = c == b'"';
                        match quote_end(line, i + 1, double) {
                            Some(end) => {
                                i = end;
                                token_start = false;
                                continue;
                            }
                            None => {
                                self.mode = Mode::Quoted { double };
                                return Ok(());
                            }
                        }
                    }
                    _ => token_start = false,
                }
                i += 1;
                continue;
            }
            if !token_start {
                // Inside a plain scalar or key; `: ` ends a key.
                if is_indicator(line, i, b':') {
                    value_pos = true;
                    token_start = true;
                }
                i += 1;
                continue;
            }
            match c {
                b'"' | b'\'' => {
                    let double = c == b'"';
                    match quote_end(line, i + 1, double) {
                        Some(end) => {
                            i = end;
                            token_start = false;
                            value_pos = false;
                            continue;
                        }
                        None => {
                            self.mode = Mode::Quoted { double };
                            return Ok(());
                        }
                    }
                }
                b'[' | b'{' => {
                    self.flow.push(abs + i);
                    if self.depth() > self.max_depth {
                        return Err(self.too_deep(abs + i));
                    }
                    token_start = true;
                }
                b'|' | b'>' if value_pos => {
                    // A block scalar header: its content is every following line indented
                    // more than the collection holding it.
                    let indent = self.block.last().map_or(-1, |&(col, _)| col as isize);
                    self.mode = Mode::BlockScalar(indent);
                    return Ok(());
                }
                b'-' | b'?' | b':' if line.get(i + 1).is_none_or(|&n| is_ws(n)) => {
                    value_pos = true;
                }
                b'&' | b'!' => {
                    // A node property: the node itself comes after it.
                    while i < line.len() && !is_ws(line[i]) {
                        i += 1;
                    }
                    continue;
                }
                _ => {
                    token_start = false;
                    value_pos = false;
                }
            }
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, max: usize) -> Result<Prescan, Vec<Diagnostic>> {
        prescan(&SourceFile::new("t.yaml", text), max, true)
    }

    fn err_at(text: &str, max: usize) -> (Code, usize, usize) {
        let errs = run(text, max).unwrap_err();
        let loc = errs[0].location.clone().unwrap();
        (errs[0].code, loc.line, loc.column)
    }

    #[test]
    fn ordinary_documents_pass() {
        let text = "a:\n  b: [1, {c: d}]\n  e:\n  - f: 1\n    g: |\n      [[[[ not flow\n        {{{\n  h: \"x [\"\n  i: 'it''s [ {'\n";
        let p = run(text, 4).unwrap();
        assert!(p.unclosed_flow.is_empty());
    }

    #[test]
    fn flow_depth_is_counted_with_block_depth() {
        // Root map (1) + `[` (2) + `[` (3): refused with a limit of 2, at the second `[`.
        assert_eq!(err_at("a: [[1]]\n", 2), (Code::TooDeep, 1, 5));
        assert!(run("a: [[1]]\n", 3).is_ok());
    }

    #[test]
    fn deep_flow_is_refused_where_the_limit_is_crossed() {
        let text = format!("x: {}", "[".repeat(100_000));
        // Depth 1 is the root mapping; the 32nd `[` makes 33 at column 4 + 31.
        assert_eq!(err_at(&text, 32), (Code::TooDeep, 1, 35));
    }

    #[test]
    fn deep_block_maps_are_refused() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        assert_eq!(err_at(&text, 32), (Code::TooDeep, 33, 33));
    }

    #[test]
    fn compact_sequences_count_every_level() {
        // The third `-` (column 5) opens the third level.
        assert_eq!(err_at("- - - a\n", 2), (Code::TooDeep, 1, 5));
        assert!(run("- - a\n", 2).is_ok());
        // `- key: v` is a sequence and a mapping.
        assert_eq!(err_at("- k: v\n", 1), (Code::TooDeep, 1, 3));
    }

    #[test]
    fn indentless_sequences_are_a_level() {
        assert_eq!(err_at("a:\n- b\n", 1), (Code::TooDeep, 2, 1));
        assert!(run("a:\n- b\nc: d\n- e\n", 2).is_ok());
    }

    #[test]
    fn tabs_in_indentation_are_reported_at_the_tab() {
        let errs = run("a:\n\tb: 1\nc:\n  \td: 2\n", 32).unwrap_err();
        let at: Vec<_> = errs
            .iter()
            .map(|d| {
                let l = d.location.clone().unwrap();
                (d.code, l.line, l.column)
            })
            .collect();
        assert_eq!(at, vec![(Code::Tab, 2, 1), (Code::Tab, 4, 3)]);
        // Inside a flow collection only when strict (go-yaml reads it).
        let text = "a: [x,\n\ty]\n";
        assert_eq!(
            run(text, 32).unwrap_err()[0].location.clone().unwrap().line,
            2
        );
        assert!(prescan(&SourceFile::new("t.yaml", text), 32, false).is_ok());
        assert_eq!(
            errs[0].message,
            "found a tab character where indentation is expected; use spaces"
        );
    }

    #[test]
    fn tabs_elsewhere_are_fine() {
        // After the key, in a block scalar, in a quoted continuation, on a comment line.
        assert!(run("a:\t1\nb: |\n  \tx\nc: \"x\n\ty\"\n\t# c\n\t\nd: 2\n", 32).is_ok());
    }

    #[test]
    fn unclosed_flow_is_remembered() {
        let p = run("a: [x, y\nb: 1\nc: [1]\n", 32).unwrap();
        assert_eq!(p.unclosed_flow, vec![3]);
        let p = run("a: {x: [1, 2]\n---\nb: 1\n", 32).unwrap();
        assert_eq!(p.unclosed_flow, vec![3]);
    }

    #[test]
    fn braces_in_a_root_block_scalar_do_not_count() {
        // The writer's form of a lone multi-line string: no `---`, `|-` on the first line.
        let text = format!("|-\n  a\n\n{}", "  {{{{{{{{{{\n".repeat(20));
        assert!(run(&text, 100).is_ok());
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = "a: \"[[[[\" # [[[[\nb: '{{{{'\nc: x[[[[\nd: \"multi\n  [[[[ line\"\n";
        assert!(run(text, 1).is_ok());
    }
}
