//! A short road for the resource files generators and `kubectl` write: ASCII text of block
//! mappings and block sequences whose scalars are plain or quoted without escapes (on their
//! line, or a plain or single-quoted one wrapped onto more indented lines, as writers wrap
//! long strings), literal block scalars, keys that may hold `:` (`Fn::GetAtt`), `{}` and
//! `[]`, full-line comments and `---` between documents. Such a
//! file reads here into the same JSON values as through the full reader
//! ([`crate::yaml::read`]: saphyr's event stream, then the spanned tree), several times
//! faster. Anything else, and anything the full reader would report, makes [`documents`]
//! answer `None`, and the caller takes the full reader, which also owns every diagnostic.
//! Plain scalars mean what they mean to the full reader (go-yaml v3 with kustomize's JSON
//! round trip): the same function types them. Debug builds read every file both ways and
//! compare.

use serde_json::{Map, Value};

use crate::yaml::node::Scalar;
use crate::yaml::read::{kustomize_plain, kustomize_plain_is_text};

/// Deeper nesting goes to the full reader, which owns the depth limit.
const MAX_DEPTH: usize = 64;

/// From how many bytes [`documents`] reads the two halves of a file on two threads.
const SPLIT_FROM: usize = 512 << 10;

/// The documents of `text` that are not empty, or `None` when the text is not in the simple
/// form. A large file is cut at a `---` line near its middle and its halves read at once
/// (documents never span a `---` line; the order is kept).
pub(crate) fn documents(text: &str) -> Option<Vec<Value>> {
    let cut = (text.len() >= SPLIT_FROM)
        .then(|| text[text.len() / 2..].find("\n---\n"))
        .flatten()
        .map(|at| text.len() / 2 + at + 1);
    let Some(cut) = cut else {
        return documents_of(text);
    };
    let (first, second) = text.split_at(cut);
    // A block scalar at the end of the first half ends where the `---` line ends it, as it
    // would in the whole text; only the last half can end the text without a break.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| documents_of(first));
        let b = documents_of(second);
        (a.join().ok().flatten(), b)
    });
    let mut docs = a?;
    docs.extend(b?);
    Some(docs)
}

fn documents_of(text: &str) -> Option<Vec<Value>> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let raw: Vec<&str> = text.split('\n').collect();
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut docs = Vec::new();
    let mut i = 0;
    let mut gap = false;
    while let Some(&line) = raw.get(i) {
        i += 1;
        if line == "---" {
            docs.extend(document(&lines)?);
            lines.clear();
            gap = false;
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            gap = true;
            continue;
        }
        let indent = line.len() - content.len();
        let content = content.trim_end_matches(' ');
        // A block scalar's header ends an entry line, also the first entry of a mapping in a
        // sequence item (`- content: |`, as kubeadm `files` are written); its content is
        // more indented than the entry's key.
        let keyed = content.strip_prefix("- ").unwrap_or(content);
        let key_column = indent + (content.len() - keyed.len());
        let block = match entry(keyed) {
            Some((_, header @ ("|" | "|-"))) => {
                // The reader drops the last break of a block scalar that ends the text
                // without one; such files take the full road.
                if !text.ends_with('\n') {
                    return None;
                }
                let (value, next) = literal(&raw, i, key_column, header == "|-")?;
                i = next;
                Some(value)
            }
            _ => None,
        };
        lines.push(Line {
            indent,
            content,
            block,
            gap: std::mem::take(&mut gap),
        });
    }
    docs.extend(document(&lines)?);
    Some(docs)
}

/// A literal block scalar whose header ends the line before `raw[start]`, under a key at
/// column `parent`: its text (clipped, or stripped with `|-`) and the index of the first
/// line after it. Its indentation is the first line's, which must hold text.
fn literal(raw: &[&str], start: usize, parent: usize, strip: bool) -> Option<(String, usize)> {
    let first = raw.get(start)?;
    let n = first.len() - first.trim_start_matches(' ').len();
    if n == first.len() || n <= parent {
        return None;
    }
    let mut text = String::new();
    let mut j = start;
    while let Some(line) = raw.get(j) {
        let blank = line.bytes().all(|b| b == b' ');
        if !blank && line.len() - line.trim_start_matches(' ').len() < n {
            break;
        }
        text.push_str(line.get(n..).unwrap_or(""));
        text.push('\n');
        j += 1;
    }
    let kept = text.trim_end_matches('\n').len();
    text.truncate(kept);
    if !strip && !text.is_empty() {
        text.push('\n');
    }
    Some((text, j))
}

/// A line with content: its indentation, the rest without trailing spaces, and the text of
/// the literal block scalar it starts, if it does.
#[derive(Clone, Debug)]
struct Line<'a> {
    indent: usize,
    content: &'a str,
    block: Option<String>,
    /// Blank or comment lines were skipped just before it (a folded scalar cannot span them
    /// here: a blank line would be a line break in it, a comment would end it).
    gap: bool,
}

/// One document: nothing, or a block mapping that takes every line.
fn document(lines: &[Line<'_>]) -> Option<Option<Value>> {
    let Some(first) = lines.first() else {
        return Some(None);
    };
    if first.indent != 0 || entry(first.content).is_none() {
        return None;
    }
    let mut p = Parser { lines, pos: 0 };
    let value = p.mapping(0, None, 0)?;
    (p.pos == lines.len()).then_some(Some(value))
}

struct Parser<'a, 'b> {
    lines: &'b [Line<'a>],
    pos: usize,
}

/// A mapping entry's parts: the key and what follows `: ` (empty when nothing does).
fn entry(content: &str) -> Option<(&str, &str)> {
    let b = content.as_bytes();
    // `=(name)`: Kyverno's conditional anchors are keys too.
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'='))
    {
        return None;
    }
    let key_char = |c: u8| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/' | b'=' | b'(' | b')')
    };
    // A `:` followed by another key character is part of the key (`Fn::GetAtt`,
    // `oidc.example:sub`); the key ends at `: ` or at a `:` that ends the line.
    let mut end = 0;
    while end < b.len() {
        if key_char(b[end])
            || (b[end] == b':' && b.get(end + 1).is_some_and(|c| key_char(*c) || *c == b':'))
        {
            end += 1;
        } else {
            break;
        }
    }
    if b.get(end) != Some(&b':') {
        return None;
    }
    let rest = match b.get(end + 1) {
        None => "",
        Some(b' ') => content[end + 2..].trim_start_matches(' '),
        Some(_) => return None,
    };
    Some((&content[..end], rest))
}

impl<'a, 'b> Parser<'a, 'b> {
    fn peek(&self) -> Option<&'b Line<'a>> {
        self.lines.get(self.pos)
    }

    /// A block mapping whose entries start at column `indent`. `first` is an entry that
    /// starts on a line already taken (after `- `).
    fn mapping(
        &mut self,
        indent: usize,
        first: Option<(&'a str, &'a str, Option<&'b str>)>,
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        // Collected first, so the map is made at its size (no growing, no spare room).
        let mut entries: Vec<(&str, Value)> = Vec::new();
        let mut next = first;
        loop {
            let (key, rest, block) = match next.take() {
                Some((key, rest, block)) => (key, rest, block),
                None => match self.peek() {
                    Some(l) if l.indent == indent => {
                        let (key, rest) = entry(l.content)?;
                        self.pos += 1;
                        (key, rest, l.block.as_deref())
                    }
                    Some(l) if l.indent > indent => return None,
                    _ => break,
                },
            };
            if !kustomize_plain_is_text(key) {
                return None;
            }
            let value = if let Some(text) = block {
                Value::String(text.to_string())
            } else if rest.is_empty() {
                self.nested(indent, depth)?
            } else {
                self.flow_scalar(rest, indent)?
            };
            entries.push((key, value));
        }
        let mut map = Map::with_capacity(entries.len());
        for (key, value) in entries {
            if map.insert(key.to_string(), value).is_some() {
                // A duplicate key: the full reader reports it.
                return None;
            }
        }
        Some(Value::Object(map))
    }

    /// What follows `key:` with nothing after it: a block on more indented lines, a
    /// sequence at the key's own column, or null.
    fn nested(&mut self, indent: usize, depth: usize) -> Option<Value> {
        match self.peek() {
            Some(l) if l.indent > indent => self.block(l, depth + 1),
            Some(l) if l.indent == indent && is_item(l.content) => self.sequence(indent, depth + 1),
            _ => Some(Value::Null),
        }
    }

    /// A mapping or a sequence starting at line `l`.
    fn block(&mut self, l: &Line<'a>, depth: usize) -> Option<Value> {
        if is_item(l.content) {
            self.sequence(l.indent, depth)
        } else if entry(l.content).is_some() {
            self.mapping(l.indent, None, depth)
        } else {
            None
        }
    }

    /// A block sequence whose `-` are at column `indent`.
    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent != indent || !is_item(l.content) {
                if l.indent > indent {
                    return None;
                }
                break;
            }
            self.pos += 1;
            let rest = l.content[1..].trim_start_matches(' ');
            if l.block.is_some() && !l.content.starts_with("- ") {
                return None;
            }
            let item = if rest.is_empty() {
                match self.peek() {
                    Some(n) if n.indent > indent => self.block(n, depth + 1)?,
                    _ => Value::Null,
                }
            } else if is_item(rest) {
                return None;
            } else if let Some((key, value)) = entry(rest) {
                let column = indent + (l.content.len() - rest.len());
                // Where the header was found after exactly `- `, the block scalar is this
                // first entry's (the key column must be the one it was measured from).
                if l.block.is_some() && column != indent + 2 {
                    return None;
                }
                self.mapping(column, Some((key, value, l.block.as_deref())), depth + 1)?
            } else {
                self.flow_scalar(rest, indent)?
            };
            items.push(item);
        }
        Some(Value::Array(items))
    }
}

impl Parser<'_, '_> {
    /// The scalar that starts with `rest` on the line just taken (under a key or a `-` at
    /// column `indent`): that line alone, or folded with the more indented lines that follow,
    /// as the writer wraps a long plain or single-quoted scalar: each line break between two
    /// lines of text reads as one space.
    fn flow_scalar(&mut self, rest: &str, indent: usize) -> Option<Value> {
        let mut parts = vec![rest];
        while let Some(l) = self.peek() {
            if l.indent <= indent {
                break;
            }
            if l.gap || l.block.is_some() {
                return None;
            }
            parts.push(l.content);
            self.pos += 1;
        }
        if parts.len() == 1 {
            return scalar(rest);
        }
        match rest.as_bytes()[0] {
            // Inside single quotes every line is text; `scalar` checks the quotes.
            b'\'' => scalar(&parts.join(" ")),
            b'"' => None,
            _ if starts_plain(rest) && parts[1..].iter().all(|p| continues_plain(p)) => {
                plain(&parts.join(" "))
            }
            _ => None,
        }
    }
}

/// Whether a more indented line goes on a plain scalar as text: in block context any
/// character may start one but `:` and `#` (the reader agrees on every other indicator:
/// `- x`, `[x]`, `|x` continue the scalar; tested below).
fn continues_plain(line: &str) -> bool {
    !line.starts_with([':', '#'])
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// A scalar that fits on its line, as the full reader types it.
fn scalar(text: &str) -> Option<Value> {
    match text {
        "{}" => return Some(Value::Object(Map::new())),
        "[]" => return Some(Value::Array(Vec::new())),
        _ => {}
    }
    let b = text.as_bytes();
    match b[0] {
        b'"' => {
            let inner = text.strip_prefix('"')?.strip_suffix('"')?;
            (!inner.contains(['"', '\\'])).then(|| Value::String(inner.to_string()))
        }
        b'\'' => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            // Inside, a quote only doubled.
            (!inner.replace("''", "").contains('\''))
                .then(|| Value::String(inner.replace("''", "'")))
        }
        _ if starts_plain(text) => plain(text),
        _ => None,
    }
}

/// Whether `text` can start a plain scalar: it does not start with an indicator (`-x` is a
/// scalar, `- x` an item).
fn starts_plain(text: &str) -> bool {
    let b = text.as_bytes();
    match b.first() {
        Some(b'-') => b.get(1).is_some_and(|c| *c != b' '),
        Some(
            b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
            | b'@' | b'`' | b'?' | b':' | b'"' | b'\'',
        ) => false,
        Some(_) => true,
        None => false,
    }
}

/// A plain scalar: no `: ` or ` #` inside, no `:` at the end (those mean something else).
fn plain(text: &str) -> Option<Value> {
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return None;
    }
    Some(match kustomize_plain(text)? {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Number(n) => Value::Number(n),
        Scalar::String(s) => Value::String(s),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::source::SourceFile;

    /// What the full reader makes of `text`, as [`documents`] gives it.
    fn full(text: &str) -> Option<Vec<Value>> {
        let src = SourceFile::new("t.yaml", text);
        let docs = crate::overlay::read_docs(&src).ok()?;
        Some(docs.into_iter().map(|d| d.into_json()).collect())
    }

    fn same(text: &str) {
        if let Some(fast) = documents(text) {
            assert_eq!(Some(fast), full(text), "the two roads differ on:\n{text}");
        }
    }

    #[test]
    fn reads_what_kubectl_writes() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n  annotations:\n    a: \"1\"\n    b: 'it''s'\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/web:1.0\n        args:\n        - --port=80\n        - -1\n        env: []\n        ports:\n          - containerPort: 8080\n            protocol: TCP\n      volumes:\n      - name: v\n        emptyDir: {}\n      -\n        name: w\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  empty:\n  n: null\n  t: ~\n  yes: yes\n  on: True\n  f: 1.0\n  e: 1e3\n  h: 0x1F\n  o: 017\n  d: 2024-01-02\n  u: 1_000\n  x: a:b\n  y: ---x\n  z: --port=1\n";
        let fast = documents(text).expect("the simple form");
        assert_eq!(fast.len(), 2);
        assert_eq!(Some(fast), full(text));
    }

    #[test]
    fn leaves_everything_else_to_the_full_reader() {
        for text in [
            "a: |\n  text",
            "a: |\n\n  text\n",
            "a: |2\n  text\n",
            "a: |+\n  text\n",
            "a:\n- |\n  text\n",
            "a:\n- b: |\n  text\n",
            "a:\n-  b: |\n     text\n",
            "a: >\n  text\n",
            "a: \"x\\ny\"\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "\"a\": 1\n",
            "a: 1 # comment\n",
            "a: b: c\n",
            "a:\n- - nested\n",
            "1: numeric key\n",
            "true: bool key\n",
            "2024-01-01: timestamp key\n",
            "a: 1\na: 2\n",
            "a: .inf\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: é\n",
            "--- a\n",
            "a: 1\n...\n",
            "- a\n",
            "scalar\n",
            "<<: {a: 1}\n",
            "a: 'b'c'\n",
            "a: one\n\n  two\n",
            "a: one\n  # not text\n  two\n",
            "k:\n  a: one\n  two\n",
            "a: one\n  ::x\n",
            "a: one\n  x #y\n",
            "a: one\n  b: two\n",
            "a: \"one\n  two\"\n",
            "a: 'one\n  two\n",
            "a: 'one' two\n  three\n",
            "a: {}\n  b\n",
            ":a: b\n",
        ] {
            assert_eq!(documents(text), None, "taken on the short road:\n{text}");
        }
    }

    #[test]
    fn agrees_on_edge_cases_it_takes() {
        for text in [
            "a: -x\n",
            "a: ---\n",
            "a: -.5\n",
            "a: -0\n",
            "a: +1\n",
            "a: .5\n",
            "a: 1.\n",
            "a: 0o17\n",
            "a: 0b101\n",
            "a: 12:30\n",
            "a: 1e400\n",
            "a: 18446744073709551616\n",
            "a: -9223372036854775809\n",
            "a: 2024-01-02T03:04:05Z\n",
            "a: 2024-1-2\n",
            "a: Yes\nb: NO\nc: Off\n",
            "a: 'it''s'\nb: ''\nc: \"\"\n",
            "a: x#y\nb: x'y\nc: x\"y\n",
            "a:\n  - 1\n  -\n  - b: 1\n    c:\n    - 2\n",
            "a:\n- b:\n  - c\n  d: 1\n",
            "---\n---\na: 1\n---\n",
            "# c\na: 1 \n  # c\nb:   2   \n",
            "a: 1\n---\nb: 2",
            "a: |\n  x\n\n  y\n\n\nb: 1\n",
            "a: |-\n  x\n  # not a comment\n    deeper\nb: 1\n",
            "a: |\n  x\n     \n  \n",
            "a: |\n  x\n---\nb: |-\n    y\n# comment\nc: 1\n",
            "a:\n  b: |\n    x\n  c: 1\n",
            "a:\n- b: |\n    text\n",
            "a:\n- b: |\n    x\n\n    # in the text\n  c: 1\n- d: |-\n   y\n  e: []\nf: 1\n",
            "Fn::GetAtt:\n- A\n- Arn\nx.example.com:sub: system:serviceaccount:a:b\na::b: 1\n",
            "a: one two\n  three\n   four\nb: 1\n",
            "a: plain\n  continued\n",
            "spec:\n  =(initContainers):\n  - image: a/* | b/*\n  X(y)=z: 1\n",
            "a::\n",
            "a:: b\n",
            "a:\n- one\n two\n",
            "k:\n- a: 'one\n   two'\n  b: 1\n",
            "a: 'one  \n   two  '\n",
            "a: 'x''\n  y'\n",
            "a: one\n  - x\nb: 1\n",
            "a: one\n  |x\n  [y] {z} \"q\" 'r' &s *t !u %v @w `x ?y ,z -w\nb: 1\n",
            "a: 'it''s: long\n  and ''quoted'' # here'\nb: 1\n",
            "a:\n- i=0; until x\n  --overwrite \"{{ y }}\" z\n  || true\n- b\n",
            "a:\n- one\n   two\n-  three\n    four\n",
            "a:\n  b: x\n   y\n  c: 1\n",
            "files:\n- content: |\n    version = 2\n\n    [plugins.\"io\".registry]\n      config_path = \"/etc\"\n  owner: root:root\n  path: /etc/x.toml\n",
        ] {
            assert!(documents(text).is_some(), "not taken:\n{text}");
            same(text);
        }
    }

    #[test]
    fn a_large_file_is_read_in_halves_as_one() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    x\n";
        let text = vec![doc; SPLIT_FROM / doc.len() + 2].join("---\n");
        let docs = documents(&text).expect("the simple form");
        assert_eq!(docs.len(), SPLIT_FROM / doc.len() + 2);
        assert_eq!(Some(docs), documents_of(&text));
    }

    /// Every YAML file of the test data and of every golden tree (platc's own output, which
    /// the render path's read-back gate reads on this road): where the short road takes a
    /// file, it reads what the full reader reads.
    #[test]
    fn agrees_with_the_full_reader_on_the_test_data() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut taken = 0;
        let mut stack = vec![root.join("tests/data"), root.join("golden")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("tests/data").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                    && let Ok(text) = std::fs::read_to_string(&p)
                {
                    if documents(&text).is_some() {
                        taken += 1;
                    }
                    same(&text);
                }
            }
        }
        assert!(taken > 400, "only {taken} files took the short road");
    }
}
