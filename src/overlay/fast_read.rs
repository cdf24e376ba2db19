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
    let mut docs = Vec::new();
    each_document(text, &mut |lines| {
        docs.push(document(lines, Build)?);
        Some(())
    })?;
    Some(docs)
}

/// Whether `text` is in the simple form and reads, on this road, as exactly `expected` (its
/// documents that are not empty): what `value_reads_back_as` would say of [`documents`]'
/// values, except that a string must be equal as written (the writer's NEL folding takes the
/// full road, which knows it). Compared while reading, nothing is built: this runs on every
/// rendered file. `false` means "not certain": the caller takes the full road.
pub(crate) fn reads_back_as(text: &str, expected: &[&Value]) -> bool {
    let mut next = expected.iter();
    let same = each_document(text, &mut |lines| document(lines, Expect(next.next()?))).is_some()
        && next.next().is_none();
    // Debug builds (every test) check that it never passes what the building road, then the
    // writer's comparison, would not.
    #[cfg(debug_assertions)]
    if same {
        let built =
            documents_of(text).expect("the comparing road took a file the building road does not");
        assert!(
            built.len() == expected.len()
                && built
                    .iter()
                    .zip(expected)
                    .all(|(r, g)| crate::yaml::write::value_reads_back_as(g, r)),
            "the comparing road passed what the building road reads otherwise:\n{text}"
        );
    }
    same
}

/// Cuts `text` into the line lists of its documents that are not empty and hands each to
/// `each`, in order; `None` when the text is not in the simple form or `each` says so.
fn each_document<'a>(text: &'a str, each: &mut dyn FnMut(&[Line<'a>]) -> Option<()>) -> Option<()> {
    if !text
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let raw: Vec<&str> = text.split('\n').collect();
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut i = 0;
    let mut gap = false;
    while let Some(&line) = raw.get(i) {
        i += 1;
        if line == "---" {
            if !lines.is_empty() {
                each(&lines)?;
            }
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
    if !lines.is_empty() {
        each(&lines)?;
    }
    Some(())
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

// ---------------------------------------------------------------------------------------------
// What the parser does with what it reads. One grammar, two uses: [`Build`] makes the values
// (`documents`); [`Expect`] compares them with the values a file was written from as they
// are read (`reads_back_as`), so that the gate on every rendered file builds nothing.

/// The receiver of one value.
trait Sink<'a>: Sized {
    type Out;
    type Map: MapSink<'a, Out = Self::Out, Child = Self>;
    type Seq: SeqSink<Out = Self::Out, Child = Self>;
    /// A block mapping starts.
    fn map(self) -> Option<Self::Map>;
    /// A block sequence starts.
    fn seq(self) -> Option<Self::Seq>;
    fn null(self) -> Option<Self::Out>;
    /// `{}`
    fn empty_map(self) -> Option<Self::Out>;
    /// `[]`
    fn empty_seq(self) -> Option<Self::Out>;
    /// A string as written (quoted, or a literal block).
    fn string(self, text: &str) -> Option<Self::Out>;
    /// A plain scalar, typed as the full reader types it.
    fn plain(self, text: &str) -> Option<Self::Out>;
}

/// The receiver of one block mapping's entries.
trait MapSink<'a> {
    type Out;
    type Child;
    /// The receiver of the value under `key` (the next key of the mapping).
    fn key(&mut self, key: &'a str) -> Option<Self::Child>;
    /// That value, read.
    fn value(&mut self, key: &'a str, value: Self::Out);
    /// The mapping ended: `None` on a duplicate key (the full reader reports it).
    fn finish(self) -> Option<Self::Out>;
}

/// The receiver of one block sequence's items.
trait SeqSink {
    type Out;
    type Child;
    fn item(&mut self) -> Option<Self::Child>;
    fn push(&mut self, value: Self::Out);
    fn finish(self) -> Option<Self::Out>;
}

/// Makes the values.
struct Build;

/// Collected first, so the map is made at its size (no growing, no spare room).
struct BuildMap<'a>(Vec<(&'a str, Value)>);

struct BuildSeq(Vec<Value>);

impl<'a> Sink<'a> for Build {
    type Out = Value;
    type Map = BuildMap<'a>;
    type Seq = BuildSeq;
    fn map(self) -> Option<BuildMap<'a>> {
        Some(BuildMap(Vec::new()))
    }
    fn seq(self) -> Option<BuildSeq> {
        Some(BuildSeq(Vec::new()))
    }
    fn null(self) -> Option<Value> {
        Some(Value::Null)
    }
    fn empty_map(self) -> Option<Value> {
        Some(Value::Object(Map::new()))
    }
    fn empty_seq(self) -> Option<Value> {
        Some(Value::Array(Vec::new()))
    }
    fn string(self, text: &str) -> Option<Value> {
        Some(Value::String(text.to_owned()))
    }
    fn plain(self, text: &str) -> Option<Value> {
        Some(match kustomize_plain(text)? {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Number(n) => Value::Number(n),
            Scalar::String(s) => Value::String(s),
        })
    }
}

impl<'a> MapSink<'a> for BuildMap<'a> {
    type Out = Value;
    type Child = Build;
    fn key(&mut self, _: &'a str) -> Option<Build> {
        Some(Build)
    }
    fn value(&mut self, key: &'a str, value: Value) {
        self.0.push((key, value));
    }
    fn finish(self) -> Option<Value> {
        let mut map = Map::with_capacity(self.0.len());
        for (key, value) in self.0 {
            if map.insert(key.to_string(), value).is_some() {
                return None;
            }
        }
        Some(Value::Object(map))
    }
}

impl SeqSink for BuildSeq {
    type Out = Value;
    type Child = Build;
    fn item(&mut self) -> Option<Build> {
        Some(Build)
    }
    fn push(&mut self, value: Value) {
        self.0.push(value);
    }
    fn finish(self) -> Option<Value> {
        Some(Value::Array(self.0))
    }
}

/// Compares with the value expected here; any difference is `None`.
struct Expect<'g>(&'g Value);

struct ExpectMap<'a, 'g> {
    map: &'g Map<String, Value>,
    /// Keys are most often read in the order the map holds them: the entry at the same
    /// position is tried before a hashed lookup.
    in_order: serde_json::map::Iter<'g>,
    read: Vec<&'a str>,
}

struct ExpectSeq<'g> {
    items: std::slice::Iter<'g, Value>,
}

impl<'a, 'g> Sink<'a> for Expect<'g> {
    type Out = ();
    type Map = ExpectMap<'a, 'g>;
    type Seq = ExpectSeq<'g>;
    fn map(self) -> Option<ExpectMap<'a, 'g>> {
        let Value::Object(map) = self.0 else {
            return None;
        };
        Some(ExpectMap {
            map,
            in_order: map.iter(),
            read: Vec::with_capacity(map.len()),
        })
    }
    fn seq(self) -> Option<ExpectSeq<'g>> {
        let Value::Array(items) = self.0 else {
            return None;
        };
        Some(ExpectSeq {
            items: items.iter(),
        })
    }
    fn null(self) -> Option<()> {
        self.0.is_null().then_some(())
    }
    fn empty_map(self) -> Option<()> {
        self.0.as_object().is_some_and(Map::is_empty).then_some(())
    }
    fn empty_seq(self) -> Option<()> {
        self.0.as_array().is_some_and(Vec::is_empty).then_some(())
    }
    fn string(self, text: &str) -> Option<()> {
        (self.0.as_str() == Some(text)).then_some(())
    }
    fn plain(self, text: &str) -> Option<()> {
        // A string read as written (the common case) needs no typed scalar.
        if self.0.as_str() == Some(text) && kustomize_plain_is_text(text) {
            return Some(());
        }
        let same = match (kustomize_plain(text)?, self.0) {
            (Scalar::Null, Value::Null) => true,
            (Scalar::Bool(a), Value::Bool(b)) => a == *b,
            (Scalar::Number(a), Value::Number(b)) => crate::yaml::write::same_number(b, &a),
            (Scalar::String(a), Value::String(b)) => a == *b,
            _ => false,
        };
        same.then_some(())
    }
}

impl<'a, 'g> MapSink<'a> for ExpectMap<'a, 'g> {
    type Out = ();
    type Child = Expect<'g>;
    fn key(&mut self, key: &'a str) -> Option<Expect<'g>> {
        self.read.push(key);
        let value = match self.in_order.next() {
            Some((k, v)) if k == key => v,
            _ => self.map.get(key)?,
        };
        Some(Expect(value))
    }
    fn value(&mut self, _: &'a str, (): ()) {}
    fn finish(mut self) -> Option<()> {
        // Every key read was found; as many keys as expected, none twice, is the same map.
        if self.read.len() != self.map.len() {
            return None;
        }
        self.read.sort_unstable();
        self.read.windows(2).all(|w| w[0] != w[1]).then_some(())
    }
}

impl<'g> SeqSink for ExpectSeq<'g> {
    type Out = ();
    type Child = Expect<'g>;
    fn item(&mut self) -> Option<Expect<'g>> {
        self.items.next().map(Expect)
    }
    fn push(&mut self, (): ()) {}
    fn finish(self) -> Option<()> {
        self.items.as_slice().is_empty().then_some(())
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar.

/// One document (its lines are not empty): a block mapping that takes every line.
fn document<'a, S: Sink<'a>>(lines: &[Line<'a>], sink: S) -> Option<S::Out> {
    let first = lines.first()?;
    if first.indent != 0 || entry(first.content).is_none() {
        return None;
    }
    let mut p = Parser { lines, pos: 0 };
    let value = p.mapping(0, None, 0, sink)?;
    (p.pos == lines.len()).then_some(value)
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
    fn mapping<S: Sink<'a>>(
        &mut self,
        indent: usize,
        first: Option<(&'a str, &'a str, Option<&'b str>)>,
        depth: usize,
        sink: S,
    ) -> Option<S::Out> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut map = sink.map()?;
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
            let sink = map.key(key)?;
            let value = if let Some(text) = block {
                sink.string(text)?
            } else if rest.is_empty() {
                self.nested(indent, depth, sink)?
            } else {
                self.flow_scalar(rest, indent, sink)?
            };
            map.value(key, value);
        }
        map.finish()
    }

    /// What follows `key:` with nothing after it: a block on more indented lines, a
    /// sequence at the key's own column, or null.
    fn nested<S: Sink<'a>>(&mut self, indent: usize, depth: usize, sink: S) -> Option<S::Out> {
        match self.peek() {
            Some(l) if l.indent > indent => self.block(l, depth + 1, sink),
            Some(l) if l.indent == indent && is_item(l.content) => {
                self.sequence(indent, depth + 1, sink)
            }
            _ => sink.null(),
        }
    }

    /// A mapping or a sequence starting at line `l`.
    fn block<S: Sink<'a>>(&mut self, l: &Line<'a>, depth: usize, sink: S) -> Option<S::Out> {
        if is_item(l.content) {
            self.sequence(l.indent, depth, sink)
        } else if entry(l.content).is_some() {
            self.mapping(l.indent, None, depth, sink)
        } else {
            None
        }
    }

    /// A block sequence whose `-` are at column `indent`.
    fn sequence<S: Sink<'a>>(&mut self, indent: usize, depth: usize, sink: S) -> Option<S::Out> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = sink.seq()?;
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
            let sink = items.item()?;
            let item = if rest.is_empty() {
                match self.peek() {
                    Some(n) if n.indent > indent => self.block(n, depth + 1, sink)?,
                    _ => sink.null()?,
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
                self.mapping(
                    column,
                    Some((key, value, l.block.as_deref())),
                    depth + 1,
                    sink,
                )?
            } else {
                self.flow_scalar(rest, indent, sink)?
            };
            items.push(item);
        }
        items.finish()
    }

    /// The scalar that starts with `rest` on the line just taken (under a key or a `-` at
    /// column `indent`): that line alone, or folded with the more indented lines that follow,
    /// as the writer wraps a long plain or single-quoted scalar: each line break between two
    /// lines of text reads as one space.
    fn flow_scalar<S: Sink<'a>>(&mut self, rest: &str, indent: usize, sink: S) -> Option<S::Out> {
        let start = self.pos;
        while let Some(l) = self.peek() {
            if l.indent <= indent {
                break;
            }
            if l.gap || l.block.is_some() {
                return None;
            }
            self.pos += 1;
        }
        let more = &self.lines[start..self.pos];
        if more.is_empty() {
            return scalar(rest, sink);
        }
        let joined = || {
            let mut text = rest.to_owned();
            for l in more {
                text.push(' ');
                text.push_str(l.content);
            }
            text
        };
        match rest.as_bytes()[0] {
            // Inside single quotes every line is text; `scalar` checks the quotes.
            b'\'' => scalar(&joined(), sink),
            b'"' => None,
            _ if starts_plain(rest) && more.iter().all(|l| continues_plain(l.content)) => {
                plain(&joined(), sink)
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
fn scalar<'a, S: Sink<'a>>(text: &str, sink: S) -> Option<S::Out> {
    match text {
        "{}" => return sink.empty_map(),
        "[]" => return sink.empty_seq(),
        _ => {}
    }
    let b = text.as_bytes();
    match b[0] {
        b'"' => {
            let inner = text.strip_prefix('"')?.strip_suffix('"')?;
            if inner.contains(['"', '\\']) {
                return None;
            }
            sink.string(inner)
        }
        b'\'' => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            if !inner.contains('\'') {
                return sink.string(inner);
            }
            // Inside, a quote only doubled.
            if inner.replace("''", "").contains('\'') {
                return None;
            }
            sink.string(&inner.replace("''", "'"))
        }
        _ if starts_plain(text) => plain(text, sink),
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
fn plain<'a, S: Sink<'a>>(text: &str, sink: S) -> Option<S::Out> {
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return None;
    }
    sink.plain(text)
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

    fn refs(values: &[Value]) -> Vec<&Value> {
        values.iter().collect()
    }

    /// Every way to change `v` by one step: each scalar changed (and retyped), each map and
    /// sequence with an entry more or less.
    fn mutations(v: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        match v {
            Value::Object(map) => {
                let mut more = map.clone();
                more.insert("zz-extra".into(), Value::Null);
                out.push(Value::Object(more));
                for (k, child) in map {
                    let mut less = map.clone();
                    less.shift_remove(k);
                    out.push(Value::Object(less));
                    for m in mutations(child) {
                        let mut changed = map.clone();
                        changed.insert(k.clone(), m);
                        out.push(Value::Object(changed));
                    }
                }
            }
            Value::Array(items) => {
                let mut more = items.clone();
                more.push(Value::Null);
                out.push(Value::Array(more));
                if let Some((_, fewer)) = items.split_last() {
                    out.push(Value::Array(fewer.to_vec()));
                }
                for (i, child) in items.iter().enumerate() {
                    for m in mutations(child) {
                        let mut changed = items.clone();
                        changed[i] = m;
                        out.push(Value::Array(changed));
                    }
                }
            }
            Value::String(s) => {
                out.push(Value::String(format!("{s}x")));
                out.push(Value::Null);
            }
            Value::Number(n) => {
                out.push(crate::json::json!(n.as_f64().unwrap_or(0.0) + 1.5));
                out.push(Value::String(n.to_string()));
            }
            Value::Bool(b) => {
                out.push(Value::Bool(!b));
                out.push(Value::String(b.to_string()));
            }
            Value::Null => out.push(Value::String("null".into())),
        }
        out
    }

    #[test]
    fn the_comparing_road_passes_exactly_what_it_reads() {
        let texts = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    a: \"1\"\n    b: 'it''s'\ndata:\n  n: null\n  t: true\n  f: 1.5\n  i: 7\n  e: {}\n  l: []\n  x: |\n    line\n  y: long plain\n    folded\n---\nkind: List\nitems:\n- a: 1\n  b:\n  - x\n  -\n- plain\n",
            "Fn::GetAtt:\n- A\n- Arn\nspec:\n  =(initContainers):\n  - image: a/* | b/*\n",
        ];
        for text in texts {
            let values = documents(text).expect("the simple form");
            assert!(reads_back_as(text, &refs(&values)), "{text}");
            // Fewer or more documents than written.
            assert!(!reads_back_as(text, &refs(&values[1..])), "{text}");
            let mut more = values.clone();
            more.push(crate::json::json!({"a": 1}));
            assert!(!reads_back_as(text, &refs(&more)), "{text}");
            for (i, doc) in values.iter().enumerate() {
                for m in mutations(doc) {
                    assert_ne!(&m, doc, "a mutation that changes nothing");
                    let mut changed = values.clone();
                    changed[i] = m;
                    assert!(
                        !reads_back_as(text, &refs(&changed)),
                        "passed {:?}\nfor\n{text}",
                        changed[i]
                    );
                }
            }
        }
    }

    #[test]
    fn the_comparing_road_refuses_a_repeated_key_and_what_it_cannot_take() {
        let expected = crate::json::json!({"a": 1, "b": 1});
        assert!(!reads_back_as("a: 1\na: 1\n", &[&expected]));
        assert!(reads_back_as("b: 1\na: 1\n", &[&expected]));
        // The flow form is the full reader's.
        assert!(!reads_back_as("{a: 1, b: 1}\n", &[&expected]));
        // A string equal only after the writer's NEL folding takes the full road.
        let nel = crate::json::json!({"a": "x\u{85}y"});
        assert!(!reads_back_as("a: x y\n", &[&nel]));
        // Numbers by value, as the writer writes an integral float.
        let float = crate::json::json!({"a": 1.0});
        assert!(reads_back_as("a: 1\n", &[&float]));
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
    /// file, it reads what the full reader reads, and the comparing road passes what it reads.
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
                    if let Some(values) = documents(&text) {
                        taken += 1;
                        assert!(reads_back_as(&text, &refs(&values)), "{}", p.display());
                    }
                    same(&text);
                }
            }
        }
        assert!(taken > 400, "only {taken} files took the short road");
    }
}
