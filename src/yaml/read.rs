//! The YAML reader: bytes → [`SourceFile`] → spanned [`Node`] trees, one per document. It owns
//! the input limits (size, UTF-8, depth), the parse itself (saphyr-parser's event stream,
//! turned into nodes here, without recursion), and every rule that is about YAML rather than
//! about the blueprint: tabs, anchors/aliases/merge keys, tags, duplicate keys, non-string
//! keys, control characters, and what each plain scalar means. Scalar meaning itself lives in
//! `scalar.rs`, the linear pre-scan in `prescan.rs`. Two readers share this code:
//! the strict one for blueprints (YAML 1.2 core schema, no anchors, no tags) and the one for
//! Kubernetes YAML that must read files exactly as kustomize v5 does (go-yaml v3 rules).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Tag};
use serde_json::Number;

// The pre-scan and scalar resolution are private parts of the reader. They live in their own
// files next to this one; `#[path]` keeps them submodules of `read` (so `yaml/mod.rs` lists
// only the reader) while the files stay at `src/yaml/prescan.rs` and `src/yaml/scalar.rs`.
#[path = "prescan.rs"]
mod prescan;
#[path = "scalar.rs"]
mod scalar;

use self::prescan::Prescan;
use self::scalar::{Go, Problem};
use super::node::{Key, Node, NodeKind, Scalar, ScalarStyle};
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// How plain scalars are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolver {
    /// YAML 1.2 core schema, strict (see `scalar.rs`).
    Blueprint,
    /// go-yaml v3 as kustomize v5 reads files, JSON round trip included.
    Kustomize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Inputs larger than this are refused before anything else is done with them.
    pub max_bytes: usize,
    /// Deepest nesting of mappings and sequences (the root collection is level 1).
    pub max_depth: usize,
    pub resolver: Resolver,
    /// Whether anchors, aliases and merge keys are read (and expanded, within
    /// [`ALIAS_NODE_BUDGET`]) or refused.
    pub allow_anchors: bool,
}

/// Default input cap: 16 MiB.
pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

/// How many nodes alias expansion may create in one stream. go-yaml v3 allows about 400,000
/// (its alias ratio rule); a billion-laughs file reaches this after a few levels and fails
/// here, before the copies cost more than a few tens of MB.
pub const ALIAS_NODE_BUDGET: usize = 250_000;

/// The reader stops collecting diagnostics after this many (a file with 200k duplicate keys
/// needs one message, not 200k).
const MAX_ERRORS: usize = 100;

impl ReadOptions {
    /// Blueprints: 16 MiB, 32 levels, YAML 1.2 core schema, no anchors.
    pub fn blueprint() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: 32,
            resolver: Resolver::Blueprint,
            allow_anchors: false,
        }
    }

    /// Kubernetes YAML read as kustomize reads it: 16 MiB, 100 levels, anchors and merge
    /// keys expanded within [`ALIAS_NODE_BUDGET`].
    pub fn kustomize() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: 100,
            resolver: Resolver::Kustomize,
            allow_anchors: true,
        }
    }
}

/// Size cap (before anything else), UTF-8 check (report the byte offset and line:col of the
/// first bad byte), strip a leading BOM.
// One diagnostic is the natural error here (callers turn it into `Diagnostics`); it is built
// once per file, so its size does not matter.
#[allow(clippy::result_large_err)]
pub fn decode(name: &str, bytes: &[u8], max_bytes: usize) -> Result<SourceFile, Diagnostic> {
    if bytes.len() > max_bytes {
        return Err(too_large(name, bytes.len(), max_bytes));
    }
    // A UTF-8 byte order mark carries no meaning in UTF-8; editors on Windows add it.
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (body, skipped) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.len()),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.valid_up_to();
            // Up to `at` the lossy text is the file itself, so offsets and lines agree.
            let src = SourceFile::new(name, String::from_utf8_lossy(body).into_owned());
            let bad = body.get(at).copied().unwrap_or_default();
            let lc = src.line_col(at);
            Err(Diagnostic::error(
                Code::NotUtf8,
                format!(
                    "the file is not UTF-8: byte 0x{bad:02X} at offset {} (line {}, column {}) is not valid UTF-8",
                    at + skipped,
                    lc.line,
                    lc.column
                ),
            )
            .at(&src, Span::new(at, at + 1))
            .help("save the file as UTF-8 (a Latin-1 or Windows-1252 `é` is the usual cause)"))
        }
    }
}

fn too_large(name: &str, len: usize, max: usize) -> Diagnostic {
    Diagnostic::error(
        Code::TooLarge,
        // `len` may be where the reader stopped (one byte past the cap), not the file's size.
        format!(
            "the file is larger than the {} platc reads (it stopped reading at {len} bytes)",
            human_size(max)
        ),
    )
    .in_file(name)
    .help("split the input, or check that this is the file you meant")
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Every document of the stream, as spanned nodes. All errors found, not only the first
/// (where the parser can go on). Empty documents (nothing, or only comments, between
/// markers) are left out, as kustomize does; an empty or comment-only file gives no document.
pub fn read_stream(src: &SourceFile, opts: &ReadOptions) -> Result<Vec<Node>, Vec<Diagnostic>> {
    let text = src.text();
    if text.len() > opts.max_bytes {
        return Err(vec![too_large(src.name(), text.len(), opts.max_bytes)]);
    }
    let pre = prescan::prescan(src, opts.max_depth, opts.resolver == Resolver::Blueprint)?;
    let mut reader = Reader::new(src, opts);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((event, span)) => reader.event(event, span),
            Err(e) => {
                reader.syntax_error(&e, &pre);
                break;
            }
        }
        if reader.fatal {
            break;
        }
    }
    if reader.errors.is_empty() {
        Ok(reader.docs)
    } else {
        Err(reader.errors)
    }
}

// ---------------------------------------------------------------------------------------------
// Character index → byte offset
// ---------------------------------------------------------------------------------------------

/// saphyr-parser's markers count characters; spans here are byte offsets. For ASCII text
/// they are the same; otherwise a checkpoint every [`STRIDE`] characters keeps the lookup
/// O(1) without a table as large as the text.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(b, _)| b)
                .collect()
        };
        Self {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(chars / STRIDE) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(chars % STRIDE)
            .map_or(self.text.len(), |(i, _)| base + i)
    }
}

// ---------------------------------------------------------------------------------------------
// Building nodes from events
// ---------------------------------------------------------------------------------------------

/// A finished node and what its parent needs to know about it.
#[derive(Clone, Debug)]
struct Built {
    node: Node,
    /// Nodes in this subtree (for the alias budget).
    size: usize,
    /// Collection levels in this subtree (0 for a scalar), for the depth limit on aliases.
    height: usize,
    /// A plain, untagged `<<`: a merge key when it is a mapping key.
    merge_key: bool,
    /// An empty plain scalar with no properties: as a document, an empty document.
    empty: bool,
    /// In kustomize mode, what go-yaml reads this scalar as when it is not a string (a
    /// mapping key must be a string there).
    go_kind: Option<&'static str>,
}

impl Built {
    fn scalar(node: Node) -> Self {
        Self {
            node,
            size: 1,
            height: 0,
            merge_key: false,
            empty: false,
            go_kind: None,
        }
    }
}

enum Pending {
    /// The next node is a key.
    Key,
    /// The next node is the value of this key (`None`: the key was refused; drop the value).
    Value(Option<Key>),
    /// The next node is the value of a merge key `<<`.
    MergeValue,
}

struct MapFrame {
    entries: Vec<(Key, Node)>,
    /// Key name → entry index; built once the mapping is big enough for a scan to cost.
    index: BTreeMap<String, usize>,
    pending: Pending,
    /// Merge sources (kustomize), with the entry position of their `<<`.
    merges: Vec<(usize, Vec<Node>)>,
    merge_seen: bool,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(MapFrame),
}

struct Frame {
    start: usize,
    /// End of the last child, for block collections (their end event has no useful span).
    end: usize,
    flow: bool,
    anchor: usize,
    size: usize,
    height: usize,
    /// A sequence that is the value of a merge key: its aliases are part of that error.
    in_merge: bool,
    kind: FrameKind,
}

/// A map this small is searched by scanning; a bigger one gets an ordered index.
const SCAN_LIMIT: usize = 8;

struct Reader<'s> {
    src: &'s SourceFile,
    text: &'s str,
    opts: &'s ReadOptions,
    offsets: Offsets<'s>,
    stack: Vec<Frame>,
    root: Option<Built>,
    docs: Vec<Node>,
    errors: Vec<Diagnostic>,
    anchors: BTreeMap<usize, Built>,
    alias_nodes: usize,
    fatal: bool,
}

/// Where a node's properties (`&anchor`, `!tag`) are, and where its content starts.
struct Properties {
    anchor: Option<Span>,
    tag: Option<Span>,
    content: usize,
}

impl<'s> Reader<'s> {
    fn new(src: &'s SourceFile, opts: &'s ReadOptions) -> Self {
        Self {
            src,
            text: src.text(),
            opts,
            offsets: Offsets::new(src.text()),
            stack: Vec::new(),
            root: None,
            docs: Vec::new(),
            errors: Vec::new(),
            anchors: BTreeMap::new(),
            alias_nodes: 0,
            fatal: false,
        }
    }

    fn blueprint(&self) -> bool {
        self.opts.resolver == Resolver::Blueprint
    }

    fn error(&mut self, d: Diagnostic) {
        if self.errors.len() >= MAX_ERRORS {
            self.fatal = true;
            return;
        }
        self.errors.push(d);
        if self.errors.len() == MAX_ERRORS {
            if let Some(last) = self.errors.last_mut() {
                last.notes
                    .push(format!("platc stopped reading after {MAX_ERRORS} errors"));
            }
            self.fatal = true;
        }
    }

    fn fatal_error(&mut self, d: Diagnostic) {
        self.error(d);
        self.fatal = true;
    }

    fn span(&self, span: saphyr_parser::Span) -> (usize, usize) {
        (
            self.offsets.byte(span.start.index()),
            self.offsets.byte(span.end.index()),
        )
    }

    /// Reads `&anchor` and `!tag` from `from`, up to `limit`, skipping whitespace and
    /// comments between them.
    fn properties(&self, from: usize, limit: usize) -> Properties {
        let b = self.text.as_bytes();
        let limit = limit.min(b.len());
        let mut i = from;
        let mut props = Properties {
            anchor: None,
            tag: None,
            content: from,
        };
        loop {
            while i < limit && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            if i < limit && b[i] == b'#' {
                while i < limit && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if i >= limit {
                break;
            }
            let start = i;
            let stop = |c: u8| {
                matches!(
                    c,
                    b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                )
            };
            match b[i] {
                b'&' if props.anchor.is_none() => {
                    i += 1;
                    while i < limit && !stop(b[i]) {
                        i += 1;
                    }
                    props.anchor = Some(Span::new(start, i));
                }
                b'!' if props.tag.is_none() => {
                    if b.get(i + 1) == Some(&b'<') {
                        while i < limit && b[i] != b'>' {
                            i += 1;
                        }
                        i = (i + 1).min(limit);
                    } else {
                        i += 1;
                        while i < limit && !stop(b[i]) {
                            i += 1;
                        }
                    }
                    props.tag = Some(Span::new(start, i));
                }
                _ => break,
            }
            props.content = i;
        }
        if props.anchor.is_some() || props.tag.is_some() {
            // Content starts after the whitespace that follows the last property.
            let mut c = props.content;
            while c < limit && matches!(b[c], b' ' | b'\t' | b'\r' | b'\n') {
                c += 1;
            }
            props.content = c;
        }
        props
    }

    fn slice(&self, span: Span) -> &'s str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    // -- events -------------------------------------------------------------------------------

    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                self.root = None;
                // Anchors are local to a document.
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take()
                    && !root.empty
                {
                    self.docs.push(root.node);
                }
            }
            Event::Alias(id) => self.alias(id, span),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(&value, style, anchor, tag.as_deref(), span);
            }
            Event::SequenceStart(anchor, tag) => self.start(false, anchor, tag.as_deref(), span),
            Event::MappingStart(anchor, tag) => self.start(true, anchor, tag.as_deref(), span),
            Event::SequenceEnd | Event::MappingEnd => self.end(span),
        }
    }

    /// Refuses an anchor where anchors are not read, and a tag the mode does not read.
    fn check_properties(&mut self, props: &Properties, tag: Option<&Tag>, anchor: usize) {
        if anchor != 0 && !self.opts.allow_anchors {
            let at = props.anchor.unwrap_or(Span::point(props.content));
            self.error(
                Diagnostic::error(
                    Code::Anchor,
                    "anchors and aliases are not allowed in a blueprint",
                )
                .at(self.src, at)
                .help("write the value out in full where it is used"),
            );
        }
        let Some(tag) = tag else { return };
        let at = props.tag.unwrap_or(Span::point(props.content));
        let written = match self.slice(at) {
            "" => tag.to_string(),
            s => s.to_string(),
        };
        if self.blueprint() {
            self.error(
                Diagnostic::error(
                    Code::Tag,
                    format!("YAML tags are not allowed in a blueprint: `{written}`"),
                )
                .at(self.src, at)
                .help("remove the tag; a blueprint holds plain values (quote a value to make it a string)"),
            );
        } else if core_tag(tag).is_none() {
            self.error(
                Diagnostic::error(Code::Tag, format!("the tag `{written}` is not supported"))
                    .at(self.src, at)
                    .help("only the core tags !!str, !!int, !!bool, !!float, !!null, !!map and !!seq are read"),
            );
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: SaphyrStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: saphyr_parser::Span,
    ) {
        let (start, end) = self.span(span);
        let props = if anchor != 0 || tag.is_some() {
            self.properties(start, end)
        } else {
            Properties {
                anchor: None,
                tag: None,
                content: start,
            }
        };
        self.check_properties(&props, tag, anchor);
        let content = props.content.min(end);
        let (style, node_span, raw) = match style {
            // An empty plain scalar (`key:` with no value) is a point; the parser's span for
            // it may run over the next token.
            SaphyrStyle::Plain if value.is_empty() => {
                (ScalarStyle::Plain, Span::point(content), String::new())
            }
            SaphyrStyle::Plain => (
                ScalarStyle::Plain,
                Span::new(content, end),
                self.slice(Span::new(content, end)).to_string(),
            ),
            SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => {
                // Inside the quotes (both are one byte).
                let inner = if end >= content + 2 {
                    self.slice(Span::new(content + 1, end - 1))
                } else {
                    ""
                };
                let style = if style == SaphyrStyle::SingleQuoted {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                };
                (style, Span::new(content, end), inner.to_string())
            }
            SaphyrStyle::Literal | SaphyrStyle::Folded => {
                let style = if style == SaphyrStyle::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                (
                    style,
                    self.block_scalar_span(content, end),
                    value.to_string(),
                )
            }
        };
        let scalar = self.resolve(value, &raw, style, tag, node_span);
        if self.blueprint() {
            self.check_characters(value, style, node_span, content);
        }
        let go_kind = match (&scalar, self.blueprint()) {
            (_, true) => None,
            (Ok((_, kind)), false) => *kind,
            (Err(_), false) => None,
        };
        let value = match scalar {
            Ok((v, _)) => v,
            Err(()) => Scalar::String(value.to_string()),
        };
        let merge_key = style == ScalarStyle::Plain && tag.is_none() && raw == "<<";
        let empty = style == ScalarStyle::Plain && raw.is_empty() && anchor == 0 && tag.is_none();
        let node = Node {
            span: node_span,
            kind: NodeKind::Scalar { value, raw, style },
        };
        let built = Built {
            merge_key,
            empty,
            go_kind,
            ..Built::scalar(node)
        };
        self.finish(built, anchor);
    }

    /// The span of a block scalar: from its `|`/`>` indicator to its last non-blank
    /// character. The parser's span starts at the content.
    fn block_scalar_span(&self, content: usize, end: usize) -> Span {
        let b = self.text.as_bytes();
        let start = self.block_indicator(content).unwrap_or(content);
        let mut stop = end.min(b.len());
        while stop > start + 1 && matches!(b[stop - 1], b'\n' | b'\r' | b' ' | b'\t') {
            stop -= 1;
        }
        Span::new(start, stop.max(start))
    }

    /// Finds the `|` or `>` of the header line above block scalar content at `content`: the
    /// header is the line of the last non-blank character before the content.
    fn block_indicator(&self, content: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        if matches!(b.get(content), Some(b'|' | b'>')) {
            return Some(content);
        }
        let mut i = content.min(b.len());
        while i > 0 && matches!(b[i - 1], b'\n' | b'\r' | b' ' | b'\t') {
            i -= 1;
        }
        let line_start = self.text[..i].rfind('\n').map_or(0, |p| p + 1);
        let line = &b[line_start..i];
        (0..line.len()).find_map(|j| {
            if !matches!(line[j], b'|' | b'>') || (j > 0 && !matches!(line[j - 1], b' ' | b'\t')) {
                return None;
            }
            let mut k = j + 1;
            while k < line.len() && matches!(line[k], b'-' | b'+' | b'0'..=b'9') {
                k += 1;
            }
            while k < line.len() && matches!(line[k], b' ' | b'\t') {
                k += 1;
            }
            (k == line.len() || line[k] == b'#').then_some(line_start + j)
        })
    }

    /// The typed value of a scalar. `Err(())` after reporting a problem (the node then keeps
    /// the text as a string, so reading can go on). The `&str` names what go-yaml reads a
    /// non-string as (kustomize mode).
    fn resolve(
        &mut self,
        value: &str,
        raw: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        at: Span,
    ) -> Result<(Scalar, Option<&'static str>), ()> {
        let written = if raw.is_empty() { value } else { raw };
        if self.blueprint() {
            if style != ScalarStyle::Plain {
                return Ok((Scalar::String(value.to_string()), None));
            }
            return match scalar::resolve_core(value) {
                Ok(s) => Ok((s, None)),
                Err(p) => {
                    let code = match p {
                        Problem::LeadingZero { .. } => Code::AmbiguousScalar,
                        Problem::IntRange | Problem::NonFinite => Code::Range,
                    };
                    let help = match p {
                        Problem::LeadingZero { .. } => {
                            "a number in a blueprint has no leading zero; a version or an ID is a string"
                        }
                        _ => "quote it if it is text",
                    };
                    self.error(
                        Diagnostic::error(code, p.message(written))
                            .at(self.src, at)
                            .help(help),
                    );
                    Err(())
                }
            };
        }
        let core = tag.and_then(core_tag);
        if tag.is_some() && core.is_none() {
            // Reported with the properties; read as untagged.
            return self.resolve(value, raw, style, None, at);
        }
        if style != ScalarStyle::Plain && core.is_none() {
            return Ok((Scalar::String(value.to_string()), None));
        }
        if core == Some("str") {
            return Ok((Scalar::String(value.to_string()), None));
        }
        let go = scalar::resolve_go(value);
        let typed = match (&go, core) {
            (Go::Null, None | Some("null")) => Some((Scalar::Null, Some("null"))),
            (Go::Bool(v), None | Some("bool")) => Some((Scalar::Bool(*v), Some("a boolean"))),
            (Go::Int(v), None | Some("int")) => {
                Some((Scalar::Number(Number::from(*v)), Some("an integer")))
            }
            (Go::Uint(v), None | Some("int")) => {
                Some((Scalar::Number(Number::from(*v)), Some("an integer")))
            }
            (Go::Int(v), Some("float")) => number_of(scalar::kustomize_float(*v as f64)),
            (Go::Uint(v), Some("float")) => number_of(scalar::kustomize_float(*v as f64)),
            (Go::Float(f), None | Some("float")) => number_of(scalar::kustomize_float(*f)),
            (Go::Timestamp(t), None) => Some((Scalar::String(t.clone()), Some("a timestamp"))),
            (Go::Str, None) => Some((Scalar::String(value.to_string()), None)),
            (Go::NonFinite, None | Some("float")) => {
                self.error(
                    Diagnostic::error(
                        Code::Range,
                        format!("`{written}` is not a finite number: kustomize cannot write it (JSON has no infinity or NaN)"),
                    )
                    .at(self.src, at)
                    .help("quote it if it is text"),
                );
                return Err(());
            }
            _ => None,
        };
        match typed {
            Some(t) => Ok(t),
            None => {
                let tag = core.unwrap_or("str");
                self.error(
                    Diagnostic::error(Code::Tag, format!("`{written}` cannot be read as !!{tag}"))
                        .at(self.src, at),
                );
                Err(())
            }
        }
    }

    /// Blueprint strings must not hold control or bidi characters; one error per scalar,
    /// at the character when it is in the source as itself.
    fn check_characters(&mut self, value: &str, style: ScalarStyle, at: Span, content: usize) {
        let Some(c) = value.chars().find(|&c| scalar::is_forbidden_char(c)) else {
            return;
        };
        let search = match style {
            ScalarStyle::Plain | ScalarStyle::Literal | ScalarStyle::Folded => {
                Span::new(at.start, at.end)
            }
            _ => Span::new(content, at.end),
        };
        let place = self.slice(search).find(c).map_or(at, |i| {
            Span::new(search.start + i, search.start + i + c.len_utf8())
        });
        let kind = if ('\u{202a}'..='\u{2069}').contains(&c) {
            "the bidi control"
        } else {
            "the control character"
        };
        self.error(
            Diagnostic::error(
                Code::ControlCharacter,
                format!("a string holds {kind} {}", scalar::char_name(c)),
            )
            .at(self.src, place)
            .help("remove it: control and bidi characters can make text display differently from what it is"),
        );
    }

    fn start(&mut self, map: bool, anchor: usize, tag: Option<&Tag>, span: saphyr_parser::Span) {
        let (start, end) = self.span(span);
        let props = if anchor != 0 || tag.is_some() {
            self.properties(start, end)
        } else {
            Properties {
                anchor: None,
                tag: None,
                content: start,
            }
        };
        self.check_properties(&props, tag, anchor);
        if !self.blueprint()
            && let Some(t) = tag.and_then(core_tag)
            && t != if map { "map" } else { "seq" }
        {
            let at = props.tag.unwrap_or(Span::point(start));
            self.error(
                Diagnostic::error(
                    Code::Tag,
                    format!("!!{t} on a {}", if map { "mapping" } else { "sequence" }),
                )
                .at(self.src, at),
            );
        }
        let b = self.text.as_bytes();
        let flow = end > start && matches!(b.get(end - 1), Some(b'[' | b'{'));
        let mut node_start = if flow {
            end - 1
        } else {
            end.max(props.content)
        };
        if !map && !flow && b.get(node_start) != Some(&b'-') {
            // A sequence at its parent's indentation starts (for the parser) at its first
            // item; the node starts at the `-` before it.
            let mut i = node_start;
            while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') {
                i -= 1;
            }
            if i > 0 && b[i - 1] == b'-' {
                node_start = i - 1;
            }
        }
        if self.stack.len() >= self.opts.max_depth {
            self.fatal_error(
                Diagnostic::error(
                    Code::TooDeep,
                    format!("the YAML nests deeper than {} levels", self.opts.max_depth),
                )
                .at(self.src, Span::new(node_start, node_start + 1))
                .help(format!(
                    "platc reads at most {} levels of nested mappings and lists; flatten the structure",
                    self.opts.max_depth
                )),
            );
            return;
        }
        let in_merge = !map && self.merge_value_next();
        let kind = if map {
            FrameKind::Map(MapFrame {
                entries: Vec::new(),
                index: BTreeMap::new(),
                pending: Pending::Key,
                merges: Vec::new(),
                merge_seen: false,
            })
        } else {
            FrameKind::Seq(Vec::new())
        };
        self.stack.push(Frame {
            start: node_start,
            end: node_start + 1,
            flow,
            anchor,
            size: 0,
            height: 0,
            in_merge,
            kind,
        });
    }

    /// Whether the next node is the value of a merge key (directly, or as an item of the
    /// sequence that is).
    fn merge_value_next(&self) -> bool {
        match self.stack.last() {
            Some(Frame {
                kind: FrameKind::Map(m),
                ..
            }) => matches!(m.pending, Pending::MergeValue),
            Some(Frame {
                kind: FrameKind::Seq(_),
                in_merge,
                ..
            }) => *in_merge,
            None => false,
        }
    }

    fn end(&mut self, span: saphyr_parser::Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.flow {
            self.span(span).1
        } else {
            frame.end
        };
        let node_span = Span::new(frame.start, end.max(frame.start));
        let kind = match frame.kind {
            FrameKind::Seq(items) => NodeKind::Seq(items),
            FrameKind::Map(m) => NodeKind::Map(apply_merges(m)),
        };
        let built = Built {
            node: Node {
                span: node_span,
                kind,
            },
            size: frame.size + 1,
            height: frame.height + 1,
            merge_key: false,
            empty: false,
            go_kind: None,
        };
        self.finish(built, frame.anchor);
    }

    fn alias(&mut self, id: usize, span: saphyr_parser::Span) {
        let (start, end) = self.span(span);
        let at = Span::new(start, end);
        if !self.opts.allow_anchors {
            if !self.merge_value_next() {
                self.error(
                    Diagnostic::error(
                        Code::Anchor,
                        "anchors and aliases are not allowed in a blueprint",
                    )
                    .at(self.src, at)
                    .help("write the value out in full where it is used"),
                );
            }
            let placeholder = Node {
                span: at,
                kind: NodeKind::Scalar {
                    value: Scalar::Null,
                    raw: self.slice(at).to_string(),
                    style: ScalarStyle::Plain,
                },
            };
            self.finish(Built::scalar(placeholder), 0);
            return;
        }
        let Some(target) = self.anchors.get(&id) else {
            // The parser resolves names; an id without a finished node is an alias inside
            // the node its anchor is on.
            let name = self.slice(at).to_string();
            self.error(
                Diagnostic::error(
                    Code::Anchor,
                    format!("the alias `{name}` refers to the node that contains it"),
                )
                .at(self.src, at),
            );
            let placeholder = Node {
                span: at,
                kind: NodeKind::Scalar {
                    value: Scalar::Null,
                    raw: name,
                    style: ScalarStyle::Plain,
                },
            };
            self.finish(Built::scalar(placeholder), 0);
            return;
        };
        let (size, height) = (target.size, target.height);
        if self.alias_nodes + size > ALIAS_NODE_BUDGET {
            self.fatal_error(
                Diagnostic::error(
                    Code::Anchor,
                    format!("aliases expand to more than {ALIAS_NODE_BUDGET} nodes"),
                )
                .at(self.src, at)
                .help("this looks like a YAML bomb (\"billion laughs\"); write the values out if this is intended"),
            );
            return;
        }
        if self.stack.len() + height > self.opts.max_depth {
            self.fatal_error(
                Diagnostic::error(
                    Code::TooDeep,
                    format!(
                        "the alias `{}` expands to nesting deeper than {} levels",
                        self.slice(at),
                        self.opts.max_depth
                    ),
                )
                .at(self.src, at),
            );
            return;
        }
        self.alias_nodes += size;
        let mut copy = target.clone();
        // The copy is where the alias is; the nodes inside still point at the anchored text.
        copy.node.span = at;
        copy.merge_key = false;
        copy.empty = false;
        self.finish(copy, 0);
    }

    /// Registers an anchored node and hands a finished node to its parent.
    fn finish(&mut self, built: Built, anchor: usize) {
        if anchor != 0 && self.opts.allow_anchors {
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built);
            return;
        };
        frame.size += built.size;
        frame.height = frame.height.max(built.height);
        frame.end = frame.end.max(built.node.span.end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(built.node),
            FrameKind::Map(_) => self.map_child(built),
        }
    }

    fn map_child(&mut self, built: Built) {
        // Merge keys go with anchors: refused or applied together.
        let refuse_merge = !self.opts.allow_anchors;
        let Some(Frame {
            kind: FrameKind::Map(map),
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        match std::mem::replace(&mut map.pending, Pending::Key) {
            Pending::Key => {
                if built.merge_key {
                    let seen = std::mem::replace(&mut map.merge_seen, true);
                    let d = if refuse_merge {
                        // The value is dropped, and its aliases are part of this error.
                        map.pending = Pending::MergeValue;
                        Some(
                            Diagnostic::error(Code::Anchor, "merge keys are not supported")
                                .at(self.src, built.node.span)
                                .help("write the keys out in full; a blueprint has no anchors, aliases or merge keys"),
                        )
                    } else if seen {
                        // go-yaml refuses this too ("duplicate merge key").
                        map.pending = Pending::Value(None);
                        Some(
                            Diagnostic::error(
                                Code::Anchor,
                                "a second merge key `<<` in one mapping",
                            )
                            .at(self.src, built.node.span)
                            .help("merge several mappings with one key: `<<: [*a, *b]`"),
                        )
                    } else {
                        map.pending = Pending::MergeValue;
                        None
                    };
                    if let Some(d) = d {
                        self.error(d);
                    }
                    return;
                }
                let key = self.key(built);
                if let Some(Frame {
                    kind: FrameKind::Map(map),
                    ..
                }) = self.stack.last_mut()
                {
                    map.pending = Pending::Value(key);
                }
            }
            Pending::Value(None) => {}
            Pending::Value(Some(key)) => match claim(map, &key.name) {
                Some(i) => {
                    let first_line = self.src.line_col(map.entries[i].0.span.start).line;
                    let d = Diagnostic::error(
                        Code::DuplicateKey,
                        format!("duplicate key `{}` (first at line {first_line})", key.name),
                    )
                    .at(self.src, key.span)
                    .help("remove one of them: YAML readers disagree on which one wins");
                    self.error(d);
                }
                None => map.entries.push((key, built.node)),
            },
            Pending::MergeValue => {
                if refuse_merge {
                    return;
                }
                let at = map.entries.len();
                let span = built.node.span;
                let sources = match built.node.kind {
                    NodeKind::Map(_) => Some(vec![built.node]),
                    NodeKind::Seq(items)
                        if items.iter().all(|n| matches!(n.kind, NodeKind::Map(_))) =>
                    {
                        Some(items)
                    }
                    _ => None,
                };
                match sources {
                    Some(sources) => map.merges.push((at, sources)),
                    None => {
                        let d = Diagnostic::error(
                            Code::Anchor,
                            "the merge key `<<` needs a mapping or a list of mappings",
                        )
                        .at(self.src, span);
                        self.error(d);
                    }
                }
            }
        }
    }

    /// A mapping key from a finished node: scalars become their string form (blueprint) or
    /// must be strings (kustomize); a collection is an error.
    fn key(&mut self, built: Built) -> Option<Key> {
        let span = built.node.span;
        let NodeKind::Scalar { value, raw, .. } = built.node.kind else {
            let what = if matches!(built.node.kind, NodeKind::Map(_)) {
                "a mapping"
            } else {
                "a list"
            };
            self.error(
                Diagnostic::error(
                    Code::Type,
                    format!("a mapping key must be a string, not {what}"),
                )
                .at(self.src, span),
            );
            return None;
        };
        if value == Scalar::Null {
            self.error(
                Diagnostic::error(Code::Type, "a mapping key must not be empty or null")
                    .at(self.src, span)
                    .help("write the key, or quote it if it is the text `null`"),
            );
            return None;
        }
        if let (false, Some(kind)) = (self.blueprint(), built.go_kind) {
            // kustomize v5.5 fails on such a file: `json: unsupported type:
            // map[interface {}]interface {}` (checked with kubectl kustomize).
            self.error(
                Diagnostic::error(
                    Code::Type,
                    format!(
                        "the mapping key `{raw}` is {kind}, and kustomize reads only string keys"
                    ),
                )
                .at(self.src, span)
                .help(format!("quote it: \"{raw}\"")),
            );
            return None;
        }
        let name = match value {
            Scalar::String(s) => s,
            Scalar::Bool(b) => b.to_string(),
            Scalar::Number(n) => n.to_string(),
            // Refused above.
            Scalar::Null => return None,
        };
        Some(Key { name, span })
    }

    fn syntax_error(&mut self, e: &ScanError, pre: &Prescan) {
        let at = self.offsets.byte(e.marker().index());
        let info = e.info();
        let lc = self.src.line_col(at);
        if info.contains("unprintable") {
            let c = self
                .text
                .get(at..)
                .and_then(|s| s.chars().next())
                .unwrap_or('\0');
            self.error(
                Diagnostic::error(
                    Code::ControlCharacter,
                    format!("the file holds the control character {}", scalar::char_name(c)),
                )
                .at(self.src, Span::new(at, at + c.len_utf8()))
                .help("remove it; YAML files cannot hold control characters other than tab and line breaks"),
            );
            return;
        }
        let tab_before = at
            .checked_sub(1)
            .filter(|&i| self.text.as_bytes()[i] == b'\t');
        if let (Some(tab), true) = (tab_before, info.contains("must be followed by")) {
            // saphyr-parser wants a space, not a tab, after `:` (go-yaml reads either); it
            // points after the tab.
            self.error(
                Diagnostic::error(Code::Tab, "found a tab character after `:`; use a space")
                    .at(self.src, Span::new(tab, tab + 1))
                    .note(format!("the YAML parser says: {info}")),
            );
            return;
        }
        if info.contains("tab") {
            // Point at the tab itself (the parser points after it, or elsewhere).
            // The first tab from the start of the reported line (the parser sometimes
            // reports the line before the tab's).
            let line_start = self.src.offset_of(lc.line, 1);
            let window = self.text.get(line_start..).unwrap_or("");
            let window = &window[..window.floor_char_boundary(window.len().min(4096))];
            let tab = window.find('\t').map_or(at, |i| line_start + i);
            self.error(
                Diagnostic::error(
                    Code::Tab,
                    "found a tab character where indentation is expected; use spaces",
                )
                .at(self.src, Span::new(tab, tab + 1))
                .note(format!("the YAML parser says: {info}")),
            );
            return;
        }
        if info.contains("unknown anchor") {
            let b = self.text.as_bytes();
            let mut stop = at;
            while stop < b.len()
                && !matches!(b[stop], b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}')
            {
                stop += 1;
            }
            let at = Span::new(at, stop.max(at + 1));
            let d = if self.opts.allow_anchors {
                Diagnostic::error(
                    Code::Anchor,
                    format!("the alias `{}` has no anchor", self.slice(at)),
                )
                .at(self.src, at)
                .help("define the anchor (`&name`) before the alias, in the same document")
            } else {
                Diagnostic::error(
                    Code::Anchor,
                    "anchors and aliases are not allowed in a blueprint",
                )
                .at(self.src, at)
                .help("write the value out in full where it is used")
            };
            self.error(d);
            return;
        }
        if let Some(&open) = pre.unclosed_flow.iter().find(|&&o| o < at) {
            let bracket = if self.text.as_bytes().get(open) == Some(&b'{') {
                ('{', '}', "mapping")
            } else {
                ('[', ']', "list")
            };
            self.error(
                Diagnostic::error(
                    Code::YamlSyntax,
                    format!(
                        "this `{}` is never closed: the flow {} has no `{}`",
                        bracket.0, bracket.2, bracket.1
                    ),
                )
                .at(self.src, Span::new(open, open + 1))
                .note(format!(
                    "the YAML parser stopped at line {}, column {}: {info}",
                    lc.line, lc.column
                ))
                .help(format!(
                    "add the missing `{}` at the end of the {}",
                    bracket.1, bracket.2
                )),
            );
            return;
        }
        let mut d = Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {info}"))
            .at(self.src, Span::new(at, at + 1));
        if let Some(hint) = indentation_hint(self.text, at, info) {
            d = d.help(hint);
        }
        self.error(d);
    }
}

/// The parser's words for a block that does not line up ("did not find expected key", "…
/// '-' indicator", "mapping values are not allowed" on a line indented past its neighbour)
/// mean an indentation mistake far more often than anything else: say so, with the columns.
fn indentation_hint(text: &str, at: usize, info: &str) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let line_no = text[..line_start].matches('\n').count() + 1;
    let line = text[line_start..].lines().next().unwrap_or("");
    let content = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let above = text[..line_start]
        .lines()
        .enumerate()
        .filter(|(_, l)| content(l))
        .last();
    let misaligned = info.contains("did not find expected key")
        || info.contains("did not find expected '-' indicator")
        || (info.contains("mapping values are not allowed")
            && above
                .is_some_and(|(_, l)| indent(line) > indent(l) && !l.trim_end().ends_with(':')));
    if !misaligned {
        return None;
    }
    let (above_no, above_line) = above?;
    Some(format!(
        "check the indentation: line {line_no} starts at column {}, line {} above it at column \
         {}; the entries of one mapping or list must start in the same column (spaces only)",
        indent(line) + 1,
        above_no + 1,
        indent(above_line) + 1
    ))
}

/// What the kustomize reader makes of an untagged plain scalar, for readers that take a
/// shorter road over simple files: `None` where it would report an error (`.inf`, `.nan`).
/// The same steps as `Reader::resolve` with no tag.
pub(crate) fn kustomize_plain(value: &str) -> Option<Scalar> {
    match scalar::resolve_go(value) {
        Go::Null => Some(Scalar::Null),
        Go::Bool(v) => Some(Scalar::Bool(v)),
        Go::Int(v) => Some(Scalar::Number(Number::from(v))),
        Go::Uint(v) => Some(Scalar::Number(Number::from(v))),
        Go::Float(f) => scalar::kustomize_float(f).map(Scalar::Number),
        Go::Timestamp(t) => Some(Scalar::String(t)),
        Go::Str => Some(Scalar::String(value.to_string())),
        Go::NonFinite => None,
    }
}

/// Whether the kustomize reader reads an untagged plain scalar as a string as written (the
/// only plain mapping keys it accepts).
pub(crate) fn kustomize_plain_is_text(value: &str) -> bool {
    !value.is_empty() && scalar::resolve_go(value) == Go::Str
}

fn number_of(n: Option<Number>) -> Option<(Scalar, Option<&'static str>)> {
    n.map(|n| (Scalar::Number(n), Some("a number")))
}

/// The suffix of a core tag the kustomize reader applies (`!!str` → `str`).
fn core_tag(tag: &Tag) -> Option<&str> {
    if !tag.is_yaml_core_schema() {
        return None;
    }
    let s = tag.suffix.as_str();
    matches!(s, "str" | "int" | "bool" | "float" | "null" | "map" | "seq").then_some(s)
}

/// Looks `name` up among the keys of `map`: the index of the entry that has it, or `None`
/// after recording it as the key of the next entry. Small maps are scanned; from
/// [`SCAN_LIMIT`] entries on, an ordered index keeps a 200k-key mapping O(n log n).
fn claim(map: &mut MapFrame, name: &str) -> Option<usize> {
    let next = map.entries.len();
    if next < SCAN_LIMIT {
        return map.entries.iter().position(|(k, _)| k.name == name);
    }
    if map.index.is_empty() {
        for (j, (k, _)) in map.entries.iter().enumerate() {
            map.index.insert(k.name.clone(), j);
        }
    }
    match map.index.entry(name.to_string()) {
        Entry::Occupied(e) => Some(*e.get()),
        Entry::Vacant(e) => {
            e.insert(next);
            None
        }
    }
}

/// Applies merge keys (kustomize): keys written in the mapping win, then earlier merge
/// sources over later ones; merged entries take the place of their `<<`.
fn apply_merges(map: MapFrame) -> Vec<(Key, Node)> {
    if map.merges.is_empty() {
        return map.entries;
    }
    let explicit: BTreeSet<String> = map.entries.iter().map(|(k, _)| k.name.clone()).collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(map.entries.len());
    let mut merges = map.merges.into_iter().peekable();
    let mut entries = map.entries.into_iter().enumerate().peekable();
    loop {
        let next_merge = merges.peek().map(|(at, _)| *at);
        let next_entry = entries.peek().map(|(i, _)| *i);
        match (next_merge, next_entry) {
            (Some(at), Some(i)) if at > i => {
                if let Some((_, e)) = entries.next() {
                    out.push(e);
                }
            }
            (Some(_), _) => {
                if let Some((_, sources)) = merges.next() {
                    for source in sources {
                        if let NodeKind::Map(source) = source.kind {
                            for (k, v) in source {
                                if !explicit.contains(&k.name) && taken.insert(k.name.clone()) {
                                    out.push((k, v));
                                }
                            }
                        }
                    }
                }
            }
            (None, Some(_)) => {
                if let Some((_, e)) = entries.next() {
                    out.push(e);
                }
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;
    use serde_json::Value;

    fn src(text: &str) -> SourceFile {
        SourceFile::new("t.yaml", text)
    }

    fn read(text: &str, opts: &ReadOptions) -> Result<Vec<Node>, Vec<Diagnostic>> {
        read_stream(&src(text), opts)
    }

    fn blueprint(text: &str) -> Result<Vec<Node>, Vec<Diagnostic>> {
        read(text, &ReadOptions::blueprint())
    }

    fn kustomize(text: &str) -> Result<Vec<Node>, Vec<Diagnostic>> {
        read(text, &ReadOptions::kustomize())
    }

    /// The single document, as JSON; panics (test failure) on errors.
    fn json_of(result: Result<Vec<Node>, Vec<Diagnostic>>) -> Value {
        match result {
            Ok(docs) => {
                assert_eq!(docs.len(), 1, "expected one document");
                docs[0].to_json()
            }
            Err(e) => panic!("unexpected errors: {e:#?}"),
        }
    }

    /// Every error as (code, line, column, message).
    fn errors(result: Result<Vec<Node>, Vec<Diagnostic>>) -> Vec<(Code, usize, usize, String)> {
        match result {
            Ok(docs) => panic!("expected errors, read {docs:#?}"),
            Err(e) => e
                .into_iter()
                .map(|d| {
                    let l = d.location.clone().unwrap_or(crate::diag::Location {
                        file: String::new(),
                        line: 0,
                        column: 0,
                        width: 0,
                        line_text: String::new(),
                    });
                    (d.code, l.line, l.column, d.message)
                })
                .collect(),
        }
    }

    fn line_col(text: &str, span: Span) -> (usize, usize) {
        let lc = src(text).line_col(span.start);
        (lc.line, lc.column)
    }

    // -- decode ---------------------------------------------------------------------------

    #[test]
    fn decode_refuses_large_input_before_anything_else() {
        let d = decode("big.yaml", &[0xff; 100], 10).unwrap_err();
        assert_eq!(d.code, Code::TooLarge);
        assert_eq!(
            d.message,
            "the file is larger than the 10 bytes platc reads (it stopped reading at 100 bytes)"
        );
        assert_eq!(d.location.unwrap().file, "big.yaml");
        let d = decode("big.yaml", &vec![b'a'; (16 << 20) + 1], DEFAULT_MAX_BYTES).unwrap_err();
        assert_eq!(
            d.message,
            "the file is larger than the 16 MiB platc reads (it stopped reading at 16777217 bytes)"
        );
        // read_stream checks the size too (for callers that build the SourceFile).
        let opts = ReadOptions {
            max_bytes: 3,
            ..ReadOptions::blueprint()
        };
        assert_eq!(errors(read("a: 1\n", &opts))[0].0, Code::TooLarge);
    }

    #[test]
    fn decode_reports_the_first_bad_byte() {
        // Latin-1 é (0xE9) on line 2.
        let d = decode("p.yaml", b"a: 1\nb: caf\xe9\n", 1 << 20).unwrap_err();
        assert_eq!(d.code, Code::NotUtf8);
        assert_eq!(
            d.message,
            "the file is not UTF-8: byte 0xE9 at offset 11 (line 2, column 7) is not valid UTF-8"
        );
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 7));
        // With a BOM the offset is still the file's own.
        let d = decode("p.yaml", b"\xEF\xBB\xBFa: \xff\n", 1 << 20).unwrap_err();
        assert!(
            d.message
                .contains("byte 0xFF at offset 6 (line 1, column 4)"),
            "{}",
            d.message
        );
    }

    #[test]
    fn decode_strips_a_leading_bom() {
        let s = decode("p.yaml", b"\xEF\xBB\xBFa: 1\n", 1 << 20).unwrap();
        assert_eq!(s.text(), "a: 1\n");
        assert_eq!(
            json_of(read_stream(&s, &ReadOptions::blueprint())),
            json!({"a": 1})
        );
    }

    // -- documents ------------------------------------------------------------------------

    #[test]
    fn empty_and_comment_only_streams_have_no_document() {
        for text in [
            "",
            "\n\n",
            "# only a comment\n",
            "---\n",
            "---\n# c\n...\n",
            "--- # c\n---\n",
        ] {
            assert_eq!(blueprint(text).unwrap(), vec![], "{text:?}");
        }
        let docs = blueprint(include_str!(
            "../../tests/data/yaml-reader/02-empty-file.yaml"
        ))
        .unwrap();
        assert!(docs.is_empty());
    }

    #[test]
    fn every_document_is_returned() {
        let text = "a: 1\n---\nb: 2\n---\n---\n~\n";
        let docs = blueprint(text).unwrap();
        // The empty document between the markers is left out, as kustomize does; `~` is a
        // document holding null.
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].to_json(), json!({"b": 2}));
        assert_eq!(line_col(text, docs[1].span), (3, 1));
        assert_eq!(docs[2].to_json(), Value::Null);
    }

    #[test]
    fn bad_input_03_two_documents() {
        let text = include_str!("../../tests/data/yaml-reader/03-two-documents.yaml");
        let docs = blueprint(text).unwrap();
        assert_eq!(docs.len(), 2);
        // The caller names the second document's line.
        // `---` is line 28; the second document's mapping starts on line 29.
        assert_eq!(line_col(text, docs[1].span), (29, 1));
    }

    // -- syntax errors --------------------------------------------------------------------

    #[test]
    fn syntax_errors_carry_the_parsers_message_and_place() {
        assert_eq!(
            errors(blueprint("a: b: c\n")),
            vec![(
                Code::YamlSyntax,
                1,
                5,
                "invalid YAML: mapping values are not allowed in this context".to_string()
            )]
        );
        let e = errors(blueprint("a: 1\nb: \"unclosed\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::YamlSyntax, 2, 4));
        let e = errors(blueprint("key: [a, b]]\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::YamlSyntax, 1, 12));
    }

    #[test]
    fn an_unclosed_flow_collection_is_reported_at_its_bracket() {
        let e = errors(blueprint("a: {b: 1\nc: 2\n"));
        assert_eq!(
            e,
            vec![(
                Code::YamlSyntax,
                1,
                4,
                "this `{` is never closed: the flow mapping has no `}`".to_string()
            )]
        );
    }

    #[test]
    fn bad_input_01_unclosed_flow() {
        let text = include_str!("../../tests/data/yaml-reader/01-yaml-unclosed-flow.yaml");
        let diags = blueprint(text).unwrap_err();
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        let loc = d.location.clone().unwrap();
        // The header says `expect-line: 21`: the line of the `[`, not line 22 where the
        // parser noticed.
        assert_eq!((d.code, loc.line, loc.column), (Code::YamlSyntax, 21, 26));
        assert_eq!(
            loc.line_text,
            "      availabilityZones: [eu-central-1a, eu-central-1b"
        );
        assert_eq!(
            d.notes,
            vec![
                "the YAML parser stopped at line 22, column 19: illegal placement of ':' indicator"
                    .to_string()
            ]
        );
    }

    // -- depth ----------------------------------------------------------------------------

    #[test]
    fn deep_flow_nesting_is_refused_fast() {
        let text = format!("x: {}", "[".repeat(100_000));
        let t = std::time::Instant::now();
        let e = errors(blueprint(&text));
        assert!(t.elapsed().as_millis() < 500, "took {:?}", t.elapsed());
        assert_eq!(
            e,
            vec![(
                Code::TooDeep,
                1,
                35,
                "the YAML nests deeper than 32 levels".to_string()
            )]
        );
    }

    #[test]
    fn deep_block_nesting_is_refused_fast() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        let t = std::time::Instant::now();
        let e = errors(blueprint(&text));
        assert!(t.elapsed().as_millis() < 500, "took {:?}", t.elapsed());
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::TooDeep, 33, 33));
        // Kustomize allows 100 levels.
        let e = errors(kustomize(&text));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::TooDeep, 101, 101));
    }

    #[test]
    fn nesting_up_to_the_limit_is_read() {
        let at_limit = format!("{}{}", "[".repeat(32), "]".repeat(32));
        assert!(blueprint(&at_limit).is_ok());
        let over = format!("{}{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(errors(blueprint(&over))[0].0, Code::TooDeep);
    }

    #[test]
    fn depth_is_checked_on_events_too() {
        // Anchored keys are not counted by the pre-scan (it does not know `&a key:` starts
        // a mapping); the reader counts the parser's collections exactly.
        let opts = ReadOptions {
            max_depth: 3,
            ..ReadOptions::kustomize()
        };
        let text = "&a k0:\n  &b k1:\n    &c k2:\n      &d k3: v\n";
        let e = errors(read(text, &opts));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::TooDeep, 4, 7));
    }

    #[test]
    fn aliases_cannot_nest_past_the_limit() {
        let opts = ReadOptions {
            max_depth: 4,
            ..ReadOptions::kustomize()
        };
        let text = "a: &a [[1]]\nb: [[*a]]\n";
        let e = errors(read(text, &opts));
        assert_eq!(
            e,
            vec![(
                Code::TooDeep,
                2,
                6,
                "the alias `*a` expands to nesting deeper than 4 levels".to_string()
            )]
        );
    }

    // -- tabs -----------------------------------------------------------------------------

    #[test]
    fn bad_input_11_tab_indentation() {
        let text = include_str!("../../tests/data/yaml-reader/11-tab-indentation.yaml");
        assert_eq!(
            errors(blueprint(text)),
            vec![(
                Code::Tab,
                7,
                1,
                "found a tab character where indentation is expected; use spaces".to_string()
            )]
        );
    }

    #[test]
    fn tabs_after_spaces_are_refused_even_where_the_parser_is_lenient() {
        // saphyr-parser reads this; it is still a tab in the indentation.
        let e = errors(blueprint("a:\n  \tb: 1\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::Tab, 2, 3));
        // Inside a flow collection the parser finds it; the message is the same, at the tab.
        let e = errors(blueprint("a: [x,\n\ty]\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::Tab, 2, 1));
    }

    #[test]
    fn tabs_that_are_not_indentation_are_fine() {
        let v = json_of(blueprint("a: x\ty\nb: |\n  \tx\nc: \"p\n \tq\"\n"));
        assert_eq!(v, json!({"a": "x\ty", "b": "\tx\n", "c": "p q"}));
        // In kustomize mode a tab at the start of a line inside a flow collection is read.
        assert_eq!(
            json_of(kustomize("a: [x,\n\ty]\n")),
            json!({"a": ["x", "y"]})
        );
        // saphyr-parser wants a space after `:`; the message says what to do.
        assert_eq!(
            errors(blueprint("a:\t1\n")),
            vec![(
                Code::Tab,
                1,
                3,
                "found a tab character after `:`; use a space".to_string()
            )]
        );
    }

    // -- anchors, aliases, merge keys -------------------------------------------------------

    #[test]
    fn blueprints_refuse_anchors_and_aliases_at_each() {
        let e = errors(blueprint("a: &x 1\nb: *x\nc: &y\n  d: 1\n"));
        let at: Vec<_> = e.iter().map(|e| (e.0, e.1, e.2)).collect();
        assert_eq!(
            at,
            vec![
                (Code::Anchor, 1, 4),
                (Code::Anchor, 2, 4),
                (Code::Anchor, 3, 4)
            ]
        );
        assert_eq!(e[0].3, "anchors and aliases are not allowed in a blueprint");
        // An alias to nothing is the same error, not a parser message.
        let e = errors(blueprint("a: *nope\n"));
        assert_eq!(
            e,
            vec![(
                Code::Anchor,
                1,
                4,
                "anchors and aliases are not allowed in a blueprint".to_string()
            )]
        );
    }

    #[test]
    fn bad_input_43_merge_key() {
        let text = include_str!("../../tests/data/yaml-reader/43-merge-key.yaml");
        assert_eq!(
            errors(blueprint(text)),
            vec![
                (
                    Code::Anchor,
                    16,
                    13,
                    "anchors and aliases are not allowed in a blueprint".to_string()
                ),
                // One error for the merge entry; its alias is part of it.
                (
                    Code::Anchor,
                    18,
                    5,
                    "merge keys are not supported".to_string()
                ),
            ]
        );
    }

    #[test]
    fn kustomize_expands_aliases() {
        let docs = kustomize("a: &a {x: 1, y: [2]}\nb: *a\n").unwrap();
        assert_eq!(
            docs[0].to_json(),
            json!({"a": {"x": 1, "y": [2]}, "b": {"x": 1, "y": [2]}})
        );
        // The copy is where the alias is.
        let b = docs[0].get("b").unwrap();
        assert_eq!(b.span, Span::new(24, 26));
    }

    #[test]
    fn kustomize_merges_like_kubectl_kustomize() {
        // Output of kubectl kustomize v1.32.4 for the same input: written keys win over
        // merged ones, earlier sources over later ones.
        let text = "a: &a {x: 1, y: 2, z: [1]}\nb: &b {x: 10, w: 20}\nm1:\n  y: 99\n  <<: *a\nm2:\n  <<: [*b, *a]\nm3:\n  <<: {q: 1}\n  r: 2\nn:\n  x: 2\n  <<: [{x: 5, y: 1}, {y: 2, z: 3}]\n";
        let v = json_of(kustomize(text));
        assert_eq!(v["m1"], json!({"y": 99, "x": 1, "z": [1]}));
        assert_eq!(v["m2"], json!({"x": 10, "w": 20, "y": 2, "z": [1]}));
        assert_eq!(v["m3"], json!({"q": 1, "r": 2}));
        assert_eq!(v["n"], json!({"x": 2, "y": 1, "z": 3}));
        // A quoted `<<` is an ordinary key.
        assert_eq!(json_of(kustomize("\"<<\": 1\n")), json!({"<<": 1}));
    }

    #[test]
    fn kustomize_refuses_bad_merges() {
        let e = errors(kustomize("a: &a {x: 1}\nm:\n  <<: *a\n  <<: *a\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::Anchor, 4, 3));
        let e = errors(kustomize("a: &a [1]\nm:\n  <<: *a\n"));
        assert_eq!(
            e,
            vec![(
                Code::Anchor,
                3,
                7,
                "the merge key `<<` needs a mapping or a list of mappings".to_string()
            )]
        );
        // Duplicate written keys are still errors next to a merge.
        let e = errors(kustomize("a: &a {x: 1}\nm:\n  <<: *a\n  y: 1\n  y: 2\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::DuplicateKey, 5, 3));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let t = std::time::Instant::now();
        let e = errors(kustomize(&text));
        assert!(t.elapsed().as_millis() < 2000, "took {:?}", t.elapsed());
        assert_eq!(
            (e[0].0, e[0].3.as_str()),
            (Code::Anchor, "aliases expand to more than 250000 nodes")
        );
        // Blueprints refuse it at the first anchor.
        let e = errors(blueprint(&text));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::Anchor, 1, 5));
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_refused() {
        let e = errors(kustomize("a: &x [*x]\n"));
        assert_eq!(
            e,
            vec![(
                Code::Anchor,
                1,
                8,
                "the alias `*x` refers to the node that contains it".to_string()
            )]
        );
        let e = errors(kustomize("a: *nope\n"));
        assert_eq!(
            e,
            vec![(
                Code::Anchor,
                1,
                4,
                "the alias `*nope` has no anchor".to_string()
            )]
        );
    }

    // -- tags -----------------------------------------------------------------------------

    #[test]
    fn blueprints_refuse_every_tag() {
        let text = "a: !Ref x\nb: !!python/object:os.system [ls]\nc: !!str 1\nd: !!map\n  e: 1\n";
        let e = errors(blueprint(text));
        assert_eq!(
            e,
            vec![
                (
                    Code::Tag,
                    1,
                    4,
                    "YAML tags are not allowed in a blueprint: `!Ref`".to_string()
                ),
                (
                    Code::Tag,
                    2,
                    4,
                    "YAML tags are not allowed in a blueprint: `!!python/object:os.system`"
                        .to_string()
                ),
                (
                    Code::Tag,
                    3,
                    4,
                    "YAML tags are not allowed in a blueprint: `!!str`".to_string()
                ),
                (
                    Code::Tag,
                    4,
                    4,
                    "YAML tags are not allowed in a blueprint: `!!map`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn kustomize_applies_core_tags() {
        // kubectl kustomize gives the same values for these.
        let text = "n: !!float 3\no: !!str 3\np: !!int \"7\"\nr: !!bool \"true\"\ns: !!null \"\"\nt: !!str 2024-01-01\nu: !!map {a: 1}\nv: !!seq [1]\nw: !!float 0.5\n";
        assert_eq!(
            json_of(kustomize(text)),
            json!({"n": 3, "o": "3", "p": 7, "r": true, "s": null, "t": "2024-01-01", "u": {"a": 1}, "v": [1], "w": 0.5})
        );
    }

    #[test]
    fn kustomize_refuses_other_tags_and_mismatches() {
        let e = errors(kustomize(
            "a: !Ref x\nb: !!int x\nc: !!map [1]\nd: !!binary aGk=\n",
        ));
        assert_eq!(
            e,
            vec![
                (
                    Code::Tag,
                    1,
                    4,
                    "the tag `!Ref` is not supported".to_string()
                ),
                (Code::Tag, 2, 10, "`x` cannot be read as !!int".to_string()),
                (Code::Tag, 3, 4, "!!map on a sequence".to_string()),
                (
                    Code::Tag,
                    4,
                    4,
                    "the tag `!!binary` is not supported".to_string()
                ),
            ]
        );
    }

    // -- keys -----------------------------------------------------------------------------

    #[test]
    fn bad_input_05_duplicate_key() {
        let text = include_str!("../../tests/data/yaml-reader/05-duplicate-key.yaml");
        assert_eq!(
            errors(blueprint(text)),
            vec![(
                Code::DuplicateKey,
                10,
                3,
                "duplicate key `domain` (first at line 9)".to_string()
            )]
        );
    }

    #[test]
    fn duplicate_keys_compare_resolved_names() {
        let e = errors(blueprint(
            "a: 1\n'a': 2\nb:\n  \"c\": 1\n  c: 2\n1: x\n\"1\": y\n",
        ));
        assert_eq!(
            e,
            vec![
                (
                    Code::DuplicateKey,
                    2,
                    1,
                    "duplicate key `a` (first at line 1)".to_string()
                ),
                (
                    Code::DuplicateKey,
                    5,
                    3,
                    "duplicate key `c` (first at line 4)".to_string()
                ),
                (
                    Code::DuplicateKey,
                    7,
                    1,
                    "duplicate key `1` (first at line 6)".to_string()
                ),
            ]
        );
        // The same in kustomize mode (go-yaml v3 refuses duplicates too).
        let e = errors(kustomize("a: 1\n'a': 2\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::DuplicateKey, 2, 1));
    }

    #[test]
    fn duplicate_keys_in_big_mappings_are_found() {
        let mut text: String = (0..1000).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k500: again\n");
        assert_eq!(
            errors(blueprint(&text)),
            vec![(
                Code::DuplicateKey,
                1001,
                1,
                "duplicate key `k500` (first at line 501)".to_string()
            )]
        );
    }

    #[test]
    fn blueprint_keys_that_are_not_strings_become_their_string_form() {
        let v = json_of(blueprint("1: a\ntrue: b\n1.5: c\n0x10: d\nFalse: e\n"));
        assert_eq!(
            v,
            json!({"1": "a", "true": "b", "1.5": "c", "16": "d", "false": "e"})
        );
    }

    #[test]
    fn kustomize_keys_must_be_strings() {
        // kubectl kustomize v5.5 fails on these ("json: unsupported type:
        // map[interface {}]interface {}"); quoted they are fine.
        let e = errors(kustomize("1: a\ntrue: b\n2024-01-01: c\n\"2\": d\n"));
        assert_eq!(
            e,
            vec![
                (Code::Type, 1, 1, "the mapping key `1` is an integer, and kustomize reads only string keys".to_string()),
                (Code::Type, 2, 1, "the mapping key `true` is a boolean, and kustomize reads only string keys".to_string()),
                (
                    Code::Type,
                    3,
                    1,
                    "the mapping key `2024-01-01` is a timestamp, and kustomize reads only string keys".to_string()
                ),
            ]
        );
    }

    #[test]
    fn null_and_collection_keys_are_refused() {
        let e = errors(blueprint("~: a\n? [x]\n: b\n{y: 1}: c\n"));
        assert_eq!(
            e,
            vec![
                (
                    Code::Type,
                    1,
                    1,
                    "a mapping key must not be empty or null".to_string()
                ),
                (
                    Code::Type,
                    2,
                    3,
                    "a mapping key must be a string, not a list".to_string()
                ),
                (
                    Code::Type,
                    4,
                    1,
                    "a mapping key must be a string, not a mapping".to_string()
                ),
            ]
        );
    }

    // -- scalars --------------------------------------------------------------------------

    #[test]
    fn blueprint_scalars_follow_the_core_schema() {
        let text = "a: yes\nb: on\nc: NO\nd: y\ne: 2024-01-01\nf: 1:20\ng: true\nh: False\ni: ~\nj:\nk: null\nl: 0x1F\nm: 0o17\nn: -12\no: 1.30\np: .5\nq: 1e3\nr: '1'\ns: \"true\"\nt: |\n  010\nu: v1.30.4\n";
        assert_eq!(
            json_of(blueprint(text)),
            json!({
                "a": "yes", "b": "on", "c": "NO", "d": "y", "e": "2024-01-01", "f": "1:20",
                "g": true, "h": false, "i": null, "j": null, "k": null, "l": 31, "m": 15, "n": -12,
                "o": 1.3, "p": 0.5, "q": 1000.0, "r": "1", "s": "true", "t": "010\n", "u": "v1.30.4"
            })
        );
    }

    #[test]
    fn blueprint_refuses_leading_zeros_big_ints_and_non_finite_floats() {
        let e = errors(blueprint(
            "a: 010\nb: 08\nc: 99999999999999999999\nd: .inf\ne: '010'\n",
        ));
        assert_eq!(
            e,
            vec![
                (
                    Code::AmbiguousScalar,
                    1,
                    4,
                    "YAML 1.1 reads 010 as 8, YAML 1.2 as 10: write 10, or quote it".to_string()
                ),
                (
                    Code::AmbiguousScalar,
                    2,
                    4,
                    "YAML 1.1 reads 08 as a string, YAML 1.2 as the number 8: write 8, or quote it".to_string()
                ),
                (
                    Code::Range,
                    3,
                    4,
                    "the integer `99999999999999999999` is too large: JSON numbers hold 64-bit integers exactly"
                        .to_string()
                ),
                (Code::Range, 4, 4, "`.inf` is not a finite number, and JSON cannot hold it".to_string()),
            ]
        );
    }

    #[test]
    fn bad_input_08_version_read_as_a_number() {
        let text = include_str!("../../tests/data/yaml-reader/08-version-unquoted-float.yaml");
        let doc = &blueprint(text).unwrap()[0];
        let v = doc.locate("/spec/clusters/0/kubernetesVersion").node;
        // The schema pass refuses it, quoting the raw text.
        assert_eq!(v.to_json(), json!(1.3));
        assert_eq!(v.raw(), Some("1.30"));
        assert_eq!(line_col(text, v.span), (21, 26));
    }

    #[test]
    fn bad_input_10_account_id_read_as_an_integer() {
        let text = include_str!("../../tests/data/yaml-reader/10-account-id-integer.yaml");
        let doc = &blueprint(text).unwrap()[0];
        let v = doc.locate("/spec/aws/accountID").node;
        assert_eq!(v.to_json(), json!(123456789012_u64));
        assert_eq!(v.raw(), Some("123456789012"));
        assert_eq!(line_col(text, v.span), (11, 16));
    }

    #[test]
    fn kustomize_reads_case_101_as_kustomize_does() {
        // resources.yaml is kustomize's input, expected.yaml its output: read the same way,
        // they are the same JSON (keys compared as sets: kustomize sorts them).
        for (input, output) in [
            (
                include_str!("../../tests/data/yaml-reader/101-resources.yaml"),
                include_str!("../../tests/data/yaml-reader/101-expected.yaml"),
            ),
            (
                include_str!("../../tests/data/yaml-reader/100-resources.yaml"),
                include_str!("../../tests/data/yaml-reader/100-expected.yaml"),
            ),
        ] {
            let a: Vec<Value> = kustomize(input)
                .unwrap()
                .iter()
                .map(Node::to_json)
                .collect();
            let b: Vec<Value> = kustomize(output)
                .unwrap()
                .iter()
                .map(Node::to_json)
                .collect();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn kustomize_scalars_follow_go_yaml() {
        let text = "a: yes\nb: 017\nc: 1_000\nd: 1.0\ne: 1e3\nf: .5\ng: 2024-01-01\nh: 08\ni: -0\nj: 1e20\nk: 0x1F\nl: \"017\"\nm: 12345678901234567890\n";
        let v = json_of(kustomize(text));
        assert_eq!(
            v,
            json!({"a": "yes", "b": 15, "c": 1000, "d": 1, "e": 1000, "f": 0.5, "g": "2024-01-01T00:00:00Z",
                   "h": 8, "i": 0, "j": 1e20, "k": 31, "l": "017", "m": 12345678901234567890_u64})
        );
        let e = errors(kustomize("a: .nan\n"));
        assert_eq!((e[0].0, e[0].1, e[0].2), (Code::Range, 1, 4));
    }

    // -- spans and raw text -----------------------------------------------------------------

    #[test]
    fn scalars_keep_their_raw_text_style_and_span() {
        let text =
            "a: 1.30\nb: \"x\\ty\"\nc: 'it''s'\nd: plain\n  folded\ne: |\n  lit\nf: >-\n  fold\n";
        let doc = &blueprint(text).unwrap()[0];
        let check = |key: &str, raw: &str, style: ScalarStyle, slice: &str| {
            let n = doc.get(key).unwrap();
            let NodeKind::Scalar {
                raw: r, style: s, ..
            } = &n.kind
            else {
                panic!("{key} is not a scalar")
            };
            assert_eq!((r.as_str(), *s), (raw, style), "{key}");
            assert_eq!(&text[n.span.start..n.span.end], slice, "{key}");
        };
        check("a", "1.30", ScalarStyle::Plain, "1.30");
        check("b", "x\\ty", ScalarStyle::DoubleQuoted, "\"x\\ty\"");
        check("c", "it''s", ScalarStyle::SingleQuoted, "'it''s'");
        check(
            "d",
            "plain\n  folded",
            ScalarStyle::Plain,
            "plain\n  folded",
        );
        check("e", "lit\n", ScalarStyle::Literal, "|\n  lit");
        check("f", "fold", ScalarStyle::Folded, ">-\n  fold");
        let (k, _) = doc.entry("c").unwrap();
        assert_eq!(k.span, Span::new(18, 19));
    }

    #[test]
    fn block_scalars_span_from_their_indicator() {
        let text = "a: !!str | # c|x\n  x\n\nb:\n- |\n- >-\n\n  q\n";
        let doc = &kustomize(text).unwrap()[0];
        let slice = |p: &str| {
            let n = doc.locate(p).node;
            (&text[n.span.start..n.span.end], line_col(text, n.span))
        };
        assert_eq!(slice("/a"), ("| # c|x\n  x", (1, 10)));
        // An empty block scalar is its indicator.
        assert_eq!(slice("/b/0"), ("|", (5, 3)));
        assert_eq!(slice("/b/1"), (">-\n\n  q", (6, 3)));
    }

    #[test]
    fn collections_span_from_first_to_last_character() {
        let text =
            "top:\n  m:\n    x: 1\n    y: [1, 2]\n  s:\n  - a\n  - b: c\n    d: e\n  f: {g: h}\n";
        let doc = &blueprint(text).unwrap()[0];
        let slice = |p: &str| {
            let n = doc.locate(p).node;
            &text[n.span.start..n.span.end]
        };
        assert_eq!(slice(""), text.trim_end());
        assert_eq!(slice("/top/m"), "x: 1\n    y: [1, 2]");
        assert_eq!(slice("/top/m/y"), "[1, 2]");
        // An indentless sequence starts at its first `-`.
        assert_eq!(slice("/top/s"), "- a\n  - b: c\n    d: e");
        assert_eq!(slice("/top/s/1"), "b: c\n    d: e");
        assert_eq!(slice("/top/f"), "{g: h}");
    }

    #[test]
    fn spans_are_byte_offsets_and_columns_count_characters() {
        // Multi-byte characters before the value, also inside a comment.
        let text = "é: ü # ç\nb: [ß, x]\n";
        let doc = &blueprint(text).unwrap()[0];
        let x = doc.locate("/b/1").node;
        assert_eq!(&text[x.span.start..x.span.end], "x");
        assert_eq!(line_col(text, x.span), (2, 8));
        let (k, v) = doc.entry("é").unwrap();
        assert_eq!((&text[k.span.start..k.span.end], v.raw()), ("é", Some("ü")));
        // Past several checkpoints of the character index.
        let long = "ü".repeat(500);
        let text = format!("a: {long}\nb: [{long}, x]\n");
        let doc = &blueprint(&text).unwrap()[0];
        let x = doc.locate("/b/1").node;
        assert_eq!(&text[x.span.start..x.span.end], "x");
        assert_eq!(line_col(&text, x.span), (2, 507));
    }

    #[test]
    fn crlf_line_breaks_are_read() {
        let text = "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: [p,\r\n  q]\r\n";
        let doc = &blueprint(text).unwrap()[0];
        assert_eq!(
            doc.to_json(),
            json!({"a": 1, "b": "x\ny\n", "c": ["p", "q"]})
        );
        let b = doc.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "|\r\n  x\r\n  y");
        assert_eq!(line_col(text, doc.locate("/c/1").node.span), (6, 3));
    }

    #[test]
    fn properties_are_not_part_of_the_node() {
        let text = "a: &x !!str  value\nb: &y\n  c: 1\n";
        let doc = &kustomize(text).unwrap()[0];
        let a = doc.get("a").unwrap();
        assert_eq!(
            (a.raw(), &text[a.span.start..a.span.end]),
            (Some("value"), "value")
        );
        let b = doc.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "c: 1");
    }

    // -- control characters -----------------------------------------------------------------

    #[test]
    fn blueprints_refuse_control_and_bidi_characters() {
        let text = "a: x\u{7f}y\nb: \"esc \\e[2J\"\nc: ab\u{202e}cd\nd: \u{85}z\nk\u{1b}: 1\ne: \"tab\\tok\"\n";
        let e = errors(blueprint(text));
        assert_eq!(
            e,
            vec![
                (
                    Code::ControlCharacter,
                    1,
                    5,
                    "a string holds the control character U+007F (DEL)".to_string()
                ),
                // Written as an escape: the scalar is pointed at.
                (
                    Code::ControlCharacter,
                    2,
                    4,
                    "a string holds the control character U+001B (ESC)".to_string()
                ),
                (
                    Code::ControlCharacter,
                    3,
                    6,
                    "a string holds the bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)".to_string()
                ),
                (
                    Code::ControlCharacter,
                    4,
                    4,
                    "a string holds the control character U+0085 (NEL)".to_string()
                ),
                (
                    Code::ControlCharacter,
                    5,
                    2,
                    "a string holds the control character U+001B (ESC)".to_string()
                ),
            ]
        );
        // No message echoes the character.
        for d in blueprint(text).unwrap_err() {
            assert!(
                !d.message
                    .contains(['\u{7f}', '\u{1b}', '\u{202e}', '\u{85}'])
            );
        }
        // A raw NUL stops the parser; it is named, not echoed.
        assert_eq!(
            errors(blueprint("a: n\0l\n")),
            vec![(
                Code::ControlCharacter,
                1,
                5,
                "the file holds the control character U+0000 (NUL)".to_string()
            )]
        );
        // Kustomize mode reads what go-yaml reads.
        assert!(kustomize("b: \"esc \\e\"\n").is_ok());
    }

    // -- limits on diagnostics --------------------------------------------------------------

    #[test]
    fn errors_stop_at_a_hundred() {
        let text: String = (0..300).map(|_| "a: 1\n").collect();
        let diags = blueprint(&text).unwrap_err();
        assert_eq!(diags.len(), MAX_ERRORS);
        assert_eq!(
            diags[99].notes,
            vec!["platc stopped reading after 100 errors".to_string()]
        );
    }

    // -- robustness -------------------------------------------------------------------------

    /// xorshift64*: a deterministic PRNG, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn mutated_inputs_never_panic() {
        let seeds: [&[u8]; 6] = [
            include_bytes!("../../tests/data/yaml-reader/valid-base.yaml"),
            include_bytes!("../../tests/data/yaml-reader/101-resources.yaml"),
            include_bytes!("../../tests/data/yaml-reader/100-resources.yaml"),
            include_bytes!("../../tests/data/yaml-reader/001-expected.yaml"),
            include_bytes!("../../tests/data/yaml-reader/028-expected.yaml"),
            include_bytes!("../../tests/data/yaml-reader/43-merge-key.yaml"),
        ];
        // Bytes that matter to YAML, and a few that matter to UTF-8 and to the checks here.
        let alphabet: &[u8] = b"[]{}:,-?#&*!|>'\"%@` \t\n\r0123456789.eE+_xo<~abc\\\x00\x1b\x7f\xc3\xa9\xe2\x80\xae\xef\xbb\xbf";
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let iterations = if cfg!(debug_assertions) {
            20_000
        } else {
            200_000
        };
        let t = std::time::Instant::now();
        for i in 0..iterations {
            let seed = seeds[i % seeds.len()];
            let mut input = seed.to_vec();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(input.len() + 1);
                match rng.below(4) {
                    0 if at < input.len() => input[at] = alphabet[rng.below(alphabet.len())],
                    1 => input.insert(at, alphabet[rng.below(alphabet.len())]),
                    2 if at < input.len() => {
                        input.remove(at);
                    }
                    _ => {
                        // Duplicate a slice: repeats structure (deeper nesting, more keys).
                        let from = rng.below(input.len());
                        let len = rng.below(64).min(input.len() - from);
                        let piece = input[from..from + len].to_vec();
                        input.splice(at..at, piece);
                    }
                }
            }
            let blueprint_mode = i % 2 == 0;
            let result = std::panic::catch_unwind(|| {
                let opts = if blueprint_mode {
                    ReadOptions::blueprint()
                } else {
                    ReadOptions::kustomize()
                };
                if let Ok(src) = decode("fuzz.yaml", &input, opts.max_bytes) {
                    let _ =
                        read_stream(&src, &opts).map(|docs| docs.iter().map(Node::to_json).count());
                }
            });
            assert!(
                result.is_ok(),
                "panic on iteration {i}, input {:?}",
                String::from_utf8_lossy(&input)
            );
        }
        eprintln!("{iterations} mutated inputs in {:?}", t.elapsed());
    }
}
