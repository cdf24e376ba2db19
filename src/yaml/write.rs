//! The YAML writer: turns a `serde_json::Value` into exactly the bytes kustomize v5.5.0 prints.
//! kustomize re-serialises every object with sigs.k8s.io/yaml's `JSONToYAML`, which parses the
//! object's JSON text with goyaml.v2 and marshals the result with the goyaml.v2 encoder. This
//! module owns that whole path: how goyaml.v2 would read each JSON scalar back (`fold_nel`,
//! number formatting), which style its encoder asks for (`encode.go` `stringv`, `resolve.go`),
//! and what its emitter then writes (`emitterc.go`: `yaml_emitter_analyze_scalar`,
//! `yaml_emitter_select_scalar_style`, the `yaml_emitter_write_*` functions and the block
//! state machine), with keys in `sorter.go`'s natural order. A file written here is one that
//! `kubectl kustomize` prints back byte for byte, and platc's overlay engine can match
//! kustomize's output exactly.
//!
//! The emitter is ported as a small state machine (column, indent, `whitespace`, `indention`)
//! instead of being rebuilt from observed output, because its quirks (where `- ` goes, when a
//! long line folds, `|2-` hints, `? ` keys over 128 bytes) all fall out of that state.
//!
//! Where kustomize has no single answer, this writer picks one: key sets on which goyaml.v2's
//! order has cycles (`a1b`, `a9b`, `a10b`) come out in an order that depends only on the keys
//! (kustomize's changes from run to run), and characters kustomize refuses to print (DEL, C1
//! controls, U+FFFE/U+FFFF, a NEL in a key) get the goyaml.v2 emitter's escapes.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::node::{Node, NodeKind, Scalar as NodeScalar};

/// `yaml_emitter_emit_stream_start`: goyaml.v2 never sets an indent, so `best_indent` is 2.
const BEST_INDENT: usize = 2;
/// `yaml_emitter_emit_stream_start`: sigs.k8s.io/yaml never sets a width, so `best_width` is
/// 80 (goyaml.v2 v2.4.0 folds again; v2.3.0 did not).
const BEST_WIDTH: usize = 80;
/// `yaml_emitter_check_simple_key`: a longer key is written as `? key` / `: value`.
const MAX_SIMPLE_KEY_LEN: usize = 128;
/// `yaml_emitter_write_block_scalar_hints` writes `'0' + best_indent`.
const INDENT_HINT: &str = "2";

/// One YAML document for `value`, ending in exactly one "\n". Mapping keys are sorted in
/// goyaml.v2's natural order (whatever order the Value has). `{}`/`[]` for empty collections,
/// `null` for null.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_document(&mut out, value);
    out
}

/// Appends the document to `out` (same bytes as [`to_yaml`]).
pub fn write_document(out: &mut String, value: &Value) {
    // sigs.k8s.io/yaml marshals every object with a fresh encoder: an implicit document start
    // (no `---`), the root node, then `yaml_emitter_emit_document_end`, whose write_indent ends
    // the last line. `open_ended` is cleared by `encoder.finish`, so no `...` is ever written.
    let mut emitter = Emitter::new(out);
    emitter.emit_node(value, false, false);
    emitter.indent = None;
    emitter.write_indent();
}

/// Several documents joined the way kustomize joins them: "---\n" between documents, no
/// leading "---", empty input -> "".
pub fn to_yaml_stream(docs: &[Value]) -> String {
    let mut out = String::new();
    write_stream(&mut out, docs);
    out
}

/// Appends the documents to `out` (same bytes as [`to_yaml_stream`]).
pub fn write_stream(out: &mut String, docs: &[Value]) {
    // kustomize's `resWrangler.AsYaml` writes "---\n" before every document but the first.
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_document(out, doc);
    }
}

// ---------------------------------------------------------------------------------------------
// Scalars as the goyaml.v2 encoder hands them to the emitter.

/// The scalar styles goyaml.v2 uses (`yaml_scalar_style_t`; it never asks for folded `>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// A scalar event: its text and the style the encoder asked for.
struct Scalar<'a> {
    text: Cow<'a, str>,
    style: Style,
}

/// `encoder.marshal` for one JSON leaf. Null, booleans and numbers are plain; strings go
/// through `encoder.stringv`.
fn scalar_for(value: &Value) -> Scalar<'_> {
    let plain = |text: String| Scalar {
        text: Cow::Owned(text),
        style: Style::Plain,
    };
    match value {
        Value::Null => plain("null".to_owned()),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }.to_owned()),
        Value::Number(n) => plain(format_number(n)),
        Value::String(s) => string_scalar(fold_nel(s)),
        // Collections never reach here (emit_node dispatches them first); an empty text keeps
        // this total without a panic.
        Value::Array(_) | Value::Object(_) => plain(String::new()),
    }
}

/// True when `read` (a document read back from what the writer wrote) is `generated`: equal
/// once strings are folded as the writer folds them ([`fold_nel`]), with numbers compared by
/// value, since an integral float is written as kustomize writes it (`1.0` as `1`) and reads
/// back as an integer. Compares the read tree in place (the reader refuses duplicate keys, so
/// equal sizes and every read key found mean equal maps): this runs on every rendered file.
pub fn reads_back_as(generated: &Value, read: &Node) -> bool {
    match (generated, &read.kind) {
        (Value::Array(xs), NodeKind::Seq(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| reads_back_as(x, y))
        }
        (Value::Object(map), NodeKind::Map(entries)) => {
            map.len() == entries.len()
                && entries
                    .iter()
                    .all(|(k, v)| map.get(&k.name).is_some_and(|g| reads_back_as(g, v)))
        }
        (generated, NodeKind::Scalar { value, .. }) => match (generated, value) {
            (Value::Null, NodeScalar::Null) => true,
            (Value::Bool(a), NodeScalar::Bool(b)) => a == b,
            (Value::Number(x), NodeScalar::Number(y)) => same_number(x, y),
            (Value::String(a), NodeScalar::String(b)) => fold_nel(a) == b.as_str(),
            _ => false,
        },
        _ => false,
    }
}

/// [`reads_back_as`] for a document read as plain values (the reader's short road).
pub fn value_reads_back_as(generated: &Value, read: &Value) -> bool {
    match (generated, read) {
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| value_reads_back_as(x, y))
        }
        (Value::Object(map), Value::Object(read)) => {
            // Keys are most often read back in the order they were generated: the key at the
            // same position is tried before a hashed lookup.
            map.len() == read.len()
                && read.iter().zip(map.iter()).all(|((k, v), (gk, g))| {
                    let generated = if gk == k { Some(g) } else { map.get(k) };
                    generated.is_some_and(|g| value_reads_back_as(g, v))
                })
        }
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::String(a), Value::String(b)) => fold_nel(a) == b.as_str(),
        (a, b) => a == b,
    }
}

/// Numbers by value: an integral float is written as an integer and reads back as one.
pub(crate) fn same_number(x: &Number, y: &Number) -> bool {
    match (x.as_i128(), y.as_i128()) {
        (Some(i), Some(j)) => i == j,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// `encoder.stringv` (goyaml.v2 v2.4.0): a string with "\n" asks for a literal block; one that
/// would read back as something other than a string (or as a YAML 1.1 base-60 float) asks for
/// double quotes; everything else asks for plain. The emitter may still override the choice.
fn string_scalar(text: Cow<'_, str>) -> Scalar<'_> {
    let style = if text.contains('\n') {
        Style::Literal
    } else if resolves_to_str(&text) && !is_base60_float(&text) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Scalar { text, style }
}

/// What goyaml.v2's scanner makes of a JSON string on the way in (`yaml_parser_scan_flow_scalar`).
/// Go's encoding/json escapes every line break except NEL (U+0085), so a raw NEL reaches the
/// YAML parser inside a double-quoted scalar and is folded like a line break there: the spaces
/// around it vanish, a single break becomes one space, and each further break becomes "\n".
/// (Only spaces are blanks here: encoding/json escapes tabs.) kustomize really prints
/// `a\u0085b` as `a b`. Keys are left alone: kustomize refuses a key with a NEL outright (the
/// YAML parser sees a multi-line implicit key in the JSON mapping), so there is nothing to match;
/// it also refuses a NEL followed by `---` or `...` and a blank (a document marker at column 0).
fn fold_nel(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    loop {
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == '\u{85}' {
                break;
            }
            out.push(c);
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut whitespace = String::new();
        let mut leading_break = false;
        let mut trailing_breaks = String::new();
        while let Some(&c) = chars.peek() {
            if c == ' ' {
                if !leading_break {
                    whitespace.push(' ');
                }
            } else if c == '\u{85}' {
                if leading_break {
                    trailing_breaks.push('\n');
                } else {
                    whitespace.clear();
                    leading_break = true;
                }
            } else {
                break;
            }
            chars.next();
        }
        if leading_break {
            if trailing_breaks.is_empty() {
                out.push(' ');
            } else {
                out.push_str(&trailing_breaks);
            }
        } else {
            out.push_str(&whitespace);
        }
    }
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------------------------
// Numbers: what encoding/json writes, what goyaml.v2 reads back, what it prints.

/// JSON integers print as they are. A float goes through the same round trip as in kustomize:
/// Go's encoding/json writes an integral float below 1e21 without exponent, goyaml.v2's
/// `resolve` reads that back as an int when it fits int64/uint64 (so `1.0` prints `1`), and
/// anything else is a float64 that `encoder.floatv` prints with `FormatFloat(f, 'g', -1, 64)`.
fn format_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) => format_float(f),
        None => n.to_string(),
    }
}

fn format_float(f: f64) -> String {
    if !f.is_finite() {
        // `encoder.floatv` spelling; serde_json cannot hold these, kept for totality.
        return if f.is_nan() {
            ".nan".to_owned()
        } else if f > 0.0 {
            ".inf".to_owned()
        } else {
            "-.inf".to_owned()
        };
    }
    let d = ShortestDigits::of(f);
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // encoding/json writes `AppendFloat(f, 'f', -1, 64)`: the shortest digits padded with
        // zeros, so 2^63 is written 9223372036854776000. `resolve` then tries ParseInt and
        // ParseUint on that text; the encoder prints the int it got (`-0` becomes `0`).
        let mut text = String::new();
        if d.negative {
            text.push('-');
        }
        if d.digits.is_empty() {
            text.push('0');
        } else {
            text.extend(d.digits.iter().map(|&b| char::from(b)));
            let zeros = usize::try_from(d.dp - d.nd()).unwrap_or(0);
            text.extend(std::iter::repeat_n('0', zeros));
        }
        if let Some(i) = go_parse_int(&text, 10) {
            return i.to_string();
        }
        if let Some(u) = go_parse_uint(&text, 10) {
            return u.to_string();
        }
    }
    d.format_g()
}

/// A finite float as Go's `decimalSlice`: digits without leading or trailing zeros, and the
/// decimal point position `dp` (value = 0.d1d2... × 10^dp). ryu finds the same shortest
/// round-trip digits as Go's `ryuFtoaShortest`.
struct ShortestDigits {
    negative: bool,
    digits: Vec<u8>,
    dp: i32,
}

impl ShortestDigits {
    fn of(f: f64) -> Self {
        let mut buf = ryu::Buffer::new();
        let repr = buf.format_finite(f);
        let (negative, repr) = match repr.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, repr),
        };
        let (mantissa, exp10) = match repr.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
            None => (repr, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
        let mut dp = i32::try_from(int_part.len()).unwrap_or(0) + exp10;
        let leading = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..leading);
        dp -= i32::try_from(leading).unwrap_or(0);
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        ShortestDigits {
            negative,
            digits,
            dp,
        }
    }

    fn nd(&self) -> i32 {
        i32::try_from(self.digits.len()).unwrap_or(i32::MAX)
    }

    /// The i-th digit, `0` outside the digits (Go's fmtE/fmtF padding).
    fn digit(&self, i: i32) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i))
            .map_or('0', |&d| char::from(d))
    }

    /// Go's `strconv.FormatFloat(f, 'g', -1, 64)`: `%e` form when the exponent is below -4 or
    /// at least 6 (shortest mode decides with precision 6, not 21), with a sign and at least two
    /// exponent digits (`1.5e-07`, `1e+21`); otherwise `%f` with exactly the digits there are.
    fn format_g(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        if self.digits.is_empty() {
            out.push('0');
            return out;
        }
        let nd = self.nd();
        let exp = self.dp - 1;
        if !(-4..6).contains(&exp) {
            // fmtE
            out.push(self.digit(0));
            if nd > 1 {
                out.push('.');
                (1..nd).for_each(|i| out.push(self.digit(i)));
            }
            out.push('e');
            out.push(if exp < 0 { '-' } else { '+' });
            let e = exp.unsigned_abs();
            if e < 10 {
                out.push('0');
            }
            out.push_str(&e.to_string());
        } else {
            // fmtF with max(nd - dp, 0) decimals
            if self.dp > 0 {
                (0..self.dp).for_each(|i| out.push(self.digit(i)));
            } else {
                out.push('0');
            }
            let decimals = (nd - self.dp).max(0);
            if decimals > 0 {
                out.push('.');
                (1..=decimals).for_each(|i| out.push(self.digit(self.dp + i - 1)));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// resolve.go: would a plain scalar read back as a string?

/// `resolve("", s)` returns `!!str`. Mirrors goyaml.v2 v2.4.0 as vendored by sigs.k8s.io/yaml
/// v1.4.0 (checked against kubectl v1.32.4: no big.Int branch, so `0x1FFFFFFFFFFFFFFFFFFFF`
/// stays a plain string).
fn resolves_to_str(s: &str) -> bool {
    // `resolveTable`: the first byte is the hint; the map holds the YAML 1.1 bool/null words.
    const RESOLVE_MAP: [&str; 40] = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<", "",
    ];
    let Some(&first) = s.as_bytes().first() else {
        return false; // "" is null
    };
    enum Hint {
        Map,
        Dot,
        Number,
    }
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => Hint::Number,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Hint::Map,
        b'.' => Hint::Dot,
        // No hint: `<<` (merge) is never looked up, so it stays a string too.
        _ => return true,
    };
    if RESOLVE_MAP.contains(&s) {
        return false;
    }
    match hint {
        Hint::Map => true,
        Hint::Dot => !go_parse_float_ok(s),
        Hint::Number => {
            if parse_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if go_parse_int(&plain, 0).is_some() || go_parse_uint(&plain, 0).is_some() {
                return false;
            }
            if yaml_style_float(&plain) && go_parse_float_ok(&plain) {
                return false;
            }
            // The binary fallback: `0b` then ParseInt/ParseUint base 2 (which allows a sign
            // after the prefix: `0b-1` is an int), or `-0b` then ParseInt base 2.
            match (plain.strip_prefix("0b"), plain.strip_prefix("-0b")) {
                (Some(rest), _) => {
                    go_parse_int(rest, 2).is_none() && go_parse_uint(rest, 2).is_none()
                }
                (None, Some(rest)) => go_parse_int(&format!("-{rest}"), 2).is_none(),
                (None, None) => true,
            }
        }
    }
}

/// Go's `strconv.ParseUint(s, base, 64)` (base 0: `0x`, `0o`, `0b` prefixes need a digit after
/// them, a lone leading `0` means octal). `None` for a syntax or range error. Underscores never
/// reach this: `resolve` removes them first.
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        if b[0] == b'0' {
            match b.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if b.len() >= 3 => (2, &b[2..]),
                Some(b'o') if b.len() >= 3 => (8, &b[2..]),
                Some(b'x') if b.len() >= 3 => (16, &b[2..]),
                _ => (8, &b[1..]),
            }
        } else {
            (10, b)
        }
    } else {
        (base, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`: one optional sign, then `ParseUint`, then the int64
/// range.
fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body, base)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    } else {
        if !digits(&mut i) {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` succeeds, for the decimal forms `resolve` passes it (a
/// string starting with `.`, or one matching `yamlStyleFloat`): Go's literal syntax with
/// underscores between digits (`.5_5` is a float), and no overflow (`1e400` is a range error,
/// so it stays a string; underflow to 0 is fine).
fn go_parse_float_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let (mut saw_digits, mut saw_dot, mut underscores) = (false, false, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
    }
    if i != b.len() || (underscores && !go_underscore_ok(s)) {
        return false;
    }
    let stripped: String = s.chars().filter(|&c| c != '_').collect();
    stripped.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `strconv.underscoreOK` for decimal text: every `_` sits between two digits.
fn go_underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let body = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    for &c in body {
        if c.is_ascii_digit() {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else {
            if saw == Saw::Underscore {
                return false;
            }
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

/// `isBase60Float` (encode.go): YAML 1.1 sexagesimal numbers such as `1:20` or `5663:12` are
/// double-quoted for other parsers' sake, although goyaml.v2 reads them as strings.
/// Regex `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`; the `:` separators make the
/// match deterministic, so it is checked group by group.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|&c| c.is_ascii_digit() || c == b'_') {
        i += 1;
    }
    let rest = &s[i..];
    let Some(groups) = rest.strip_prefix(':') else {
        return false;
    };
    let mut groups: Vec<&str> = groups.split(':').collect();
    let Some(last) = groups.pop() else {
        return false;
    };
    let (last, fraction) = match last.split_once('.') {
        Some((l, f)) => (l, Some(f)),
        None => (last, None),
    };
    let group_ok = |g: &str| match g.as_bytes() {
        [d] => d.is_ascii_digit(),
        [t, u] => (b'0'..=b'5').contains(t) && u.is_ascii_digit(),
        _ => false,
    };
    groups.iter().all(|g| group_ok(g))
        && group_ok(last)
        && fraction.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'))
}

/// `parseTimestamp` (resolve.go): `YYYY-` then one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`, with Go's `time.Parse` rules (one- or two-digit fields, any number of fraction
/// digits after `.` or `,`, a run of spaces for the layout's space, field ranges, zone offsets
/// up to 24:60, and the day checked against the month, so `2023-02-29` is not a timestamp).
fn parse_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    [
        Layout::Rfc3339(b'T'),
        Layout::Rfc3339(b't'),
        Layout::Spaced,
        Layout::Date,
    ]
    .into_iter()
    .any(|layout| parse_layout(b, layout))
}

#[derive(Clone, Copy)]
enum Layout {
    Rfc3339(u8),
    Spaced,
    Date,
}

fn parse_layout(v: &[u8], layout: Layout) -> bool {
    /// Go's `time.getnum(s, false)`: one or two digits.
    fn getnum(v: &[u8]) -> Option<(u32, &[u8])> {
        let d0 = char::from(*v.first()?).to_digit(10)?;
        match v.get(1).and_then(|&c| char::from(c).to_digit(10)) {
            Some(d1) => Some((d0 * 10 + d1, &v[2..])),
            None => Some((d0, &v[1..])),
        }
    }
    /// Go's `time.getnum(s, true)`: exactly two digits.
    fn getnum2(v: &[u8]) -> Option<u32> {
        match v {
            [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
                Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => None,
        }
    }
    fn literal(v: &[u8], c: u8) -> Option<&[u8]> {
        v.strip_prefix(&[c])
    }
    let parse = || -> Option<()> {
        let year: u32 = std::str::from_utf8(v.get(..4)?).ok()?.parse().ok()?;
        let v = literal(&v[4..], b'-')?;
        let (month, v) = getnum(v)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        let v = literal(v, b'-')?;
        let (day, mut v) = getnum(v)?;
        if !matches!(layout, Layout::Date) {
            v = match layout {
                Layout::Rfc3339(t) => literal(v, t)?,
                // `time.skip`: a layout space needs a space unless the value has ended, then
                // eats every space.
                _ => {
                    if v.first().is_some_and(|&c| c != b' ') {
                        return None;
                    }
                    let spaces = v.iter().take_while(|&&c| c == b' ').count();
                    &v[spaces..]
                }
            };
            let (hour, rest) = getnum(v)?;
            let rest = literal(rest, b':')?;
            let (minute, rest) = getnum(rest)?;
            let rest = literal(rest, b':')?;
            let (second, rest) = getnum(rest)?;
            if hour >= 24 || minute >= 60 || second >= 60 {
                return None;
            }
            v = rest;
            if v.len() >= 2 && matches!(v[0], b'.' | b',') && v[1].is_ascii_digit() {
                let digits = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                v = &v[1 + digits..];
            }
            if matches!(layout, Layout::Rfc3339(_)) {
                if let Some(rest) = v.strip_prefix(b"Z") {
                    v = rest;
                } else {
                    if v.len() < 6 || v[3] != b':' {
                        return None;
                    }
                    let hh = getnum2(&v[1..3])?;
                    let mm = getnum2(&v[4..6])?;
                    if hh > 24 || mm > 60 || !matches!(v[0], b'+' | b'-') {
                        return None;
                    }
                    v = &v[6..];
                }
            }
        }
        if !v.is_empty() {
            return None;
        }
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days_in_month = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days_in_month).contains(&day).then_some(())
    };
    parse().is_some()
}

// ---------------------------------------------------------------------------------------------
// sorter.go: goyaml.v2's natural key order.

/// `keyList.Less` for two string keys: letters compare by code point and sort after every
/// non-letter; runs of digits compare by value, then by length (`1` < `01`), so `item9` <
/// `item10` and `_x` < `01` < `B` < `a`.
fn key_less<C: KeyChar>(a: &[C], b: &[C]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let (al, bl) = (a[i].letter(), b[i].letter());
        if al && bl {
            return a[i] < b[i];
        }
        if al || bl {
            return bl;
        }
        // Go's int64 arithmetic wraps on overflow; so does this. A `0` after a non-zero digit
        // run counts that run as 1, Go's way of comparing "10" with "1x" by value.
        let (mut an, mut bn) = (0i64, 0i64);
        if a[i].char() == '0' || b[i].char() == '0' {
            for j in (0..i).rev() {
                if !a[j].digit() {
                    break;
                }
                if a[j].char() != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < a.len() && a[ai].digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(a[ai].char() as u32) - i64::from(b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && b[bi].digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(b[bi].char() as u32) - i64::from(b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return a[i] < b[i];
    }
    a.len() < b.len()
}

/// A character of a key as [`key_less`] reads it: a `char`, or a byte of an all-ASCII key
/// (the same character, compared without collecting the key into `char`s first).
trait KeyChar: Copy + Ord {
    fn char(self) -> char;
    fn letter(self) -> bool {
        is_letter(self.char())
    }
    fn digit(self) -> bool {
        is_digit(self.char())
    }
}

impl KeyChar for char {
    fn char(self) -> char {
        self
    }
}

impl KeyChar for u8 {
    fn char(self) -> char {
        char::from(self)
    }
}

/// Go's `unicode.IsLetter` (categories Lu, Ll, Lt, Lm, Lo). Exact for ASCII and Latin-1;
/// beyond that Rust's Alphabetic minus numerics is used, which also counts the few combining
/// marks that Unicode calls Other_Alphabetic (Go does not): only a key that differs from
/// another exactly at such a mark could sort differently.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() && !c.is_numeric()
    }
}

/// Go's `unicode.IsDigit` (category Nd, Unicode 15.0 as in Go 1.23): every Nd block is a run
/// of ten starting at one of these zeros.
fn is_digit(c: char) -> bool {
    const ND_ZEROS: [u32; 67] = [
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
        0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
        0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60,
        0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0,
        0x1E950, 0x1FBF0,
    ];
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let v = c as u32;
    ND_ZEROS.iter().any(|&z| (z..z + 10).contains(&v))
}

/// Sorts entries with `key_less`. For a consistent order this is what Go's `sort.Sort` gives.
/// But `keyList.Less` is not transitive for some key sets: `a10b` < `a1b` < `a9b` < `a10b`
/// (after a shared digit a letter sorts after a digit, before the runs are compared as
/// numbers), and `x01` < `x10` < `x1y10` < `x01`. kustomize then prints such keys in an order
/// that changes from run to run (Go's map iteration is random), so no writer can match it.
/// Here the entries are first put in code-point order, then merge-sorted (stable, and unlike
/// `slice::sort_by` it cannot panic on an inconsistent order), so the result depends only on
/// the set of keys, never on the order of the Value.
fn sort_entries<C: KeyChar, K: AsRef<[C]>, T>(mut entries: Vec<(K, T)>) -> Vec<(K, T)> {
    entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    merge_sort(entries)
}

fn merge_sort<C: KeyChar, K: AsRef<[C]>, T>(entries: Vec<(K, T)>) -> Vec<(K, T)> {
    if entries.len() <= 1 {
        return entries;
    }
    let mut left = entries;
    let right = left.split_off(left.len() / 2);
    let (left, right) = (merge_sort(left), merge_sort(right));
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => key_less(r.0.as_ref(), l.0.as_ref()),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right {
            right.next()
        } else {
            left.next()
        };
        merged.extend(next);
    }
    merged
}

/// Up to how many keys [`sorted_entries`] checks every pair of a map in code-point order
/// before it merge-sorts (quadratic, but allocation-free; most maps have a handful of keys).
const PAIRWISE_CHECK_MAX: usize = 24;

/// The entries of a JSON object in goyaml.v2's order (`encoder.mapv` sorts the map keys).
fn sorted_entries(map: &Map<String, Value>) -> Vec<(&str, &Value)> {
    if map.keys().all(|k| k.is_ascii()) {
        let mut entries: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        // When no later key is less than an earlier one, the merge sort would move nothing
        // (each half is returned as it is, and a merge takes from the right half only for a
        // key less than the left one's): skip its allocations. This is the common case.
        let in_order = entries.len() <= PAIRWISE_CHECK_MAX
            && entries.iter().enumerate().all(|(i, (a, _))| {
                entries[i + 1..]
                    .iter()
                    .all(|(b, _)| !key_less(b.as_bytes(), a.as_bytes()))
            });
        if in_order {
            return entries;
        }
        let keyed = entries.into_iter().map(|e| (e.0.as_bytes(), e)).collect();
        return merge_sort(keyed).into_iter().map(|(_, e)| e).collect();
    }
    let keyed = map
        .iter()
        .map(|(k, v)| (k.chars().collect::<Vec<char>>(), (k.as_str(), v)))
        .collect();
    sort_entries(keyed).into_iter().map(|(_, e)| e).collect()
}

// ---------------------------------------------------------------------------------------------
// emitterc.go: scalar analysis and style selection.

/// `yaml_is_printable` (yamlprivateh.go), per character: LF, printable ASCII, U+00A0..U+D7FF
/// and U+E000..U+FFFD except the BOM. Everything outside the BMP is "non-printable", which is
/// why goyaml.v2 writes emoji as `\U0001F389`.
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

/// `is_break`: CR, LF, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `is_blankz`: space, tab, a break or NUL.
fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

/// The parts of `scalar_data` that matter in block context (flow context only ever holds the
/// empty `[]` and `{}`, so `flow_plain_allowed` never decides anything).
#[derive(Debug)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// `yaml_emitter_analyze_scalar`.
fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    // Most scalars are names, versions and paths: nothing below can fire for them.
    if value != "-"
        && !value.starts_with("---")
        && !value.starts_with("...")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/' | b'_'))
    {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special_characters) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = value.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        // `is_blank`: only space and tab, so `a:` before a line break still counts as `a:x`.
        let followed_by_whitespace = next.is_none_or(|n| n == ' ' || n == '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(c);
        i += 1;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// `yaml_emitter_select_scalar_style` in block context: plain falls back to single quotes,
/// single quotes to double quotes, a literal block to double quotes.
fn select_style(requested: Style, text: &str, a: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (text.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

// ---------------------------------------------------------------------------------------------
// emitterc.go: the writer state machine.

struct Emitter<'a> {
    out: &'a mut String,
    /// Characters (not bytes) since the last line break, as goyaml.v2's `write` counts them.
    column: usize,
    /// `emitter.indent`; `None` is goyaml.v2's -1 (nothing opened yet).
    indent: Option<usize>,
    /// The last thing written was whitespace (or nothing): an indicator needs no space before it.
    whitespace: bool,
    /// Only indentation (and `-`/`?`/`:` indicators) on the current line so far.
    indention: bool,
}

impl<'a> Emitter<'a> {
    fn new(out: &'a mut String) -> Self {
        // `yaml_emitter_emit_stream_start`
        Emitter {
            out,
            column: 0,
            indent: None,
            whitespace: true,
            indention: true,
        }
    }

    /// `put`: one ASCII byte.
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// `put_break` (v2 leaves `indention` alone; the callers set it).
    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// `write`: one character of the scalar.
    fn write(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// `write_break`: LF becomes the output break; NEL, LS, PS (and CR) are copied as they are
    /// and still reset the column.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.write(c);
            self.column = 0;
        }
    }

    /// `yaml_emitter_increase_indent`; returns the indent to restore afterwards.
    fn increase_indent(&mut self, flow: bool, indentless: bool) -> Option<usize> {
        let saved = self.indent;
        self.indent = match self.indent {
            None => Some(if flow { BEST_INDENT } else { 0 }),
            Some(i) if !indentless => Some(i + BEST_INDENT),
            Some(i) => Some(i),
        };
        saved
    }

    /// `yaml_emitter_write_indent`: a new line unless we are at the indent on a fresh line,
    /// then spaces up to the indent.
    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// `yaml_emitter_write_indicator`.
    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        indicator.chars().for_each(|c| self.write(c));
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// `yaml_emitter_emit_node` for one JSON value.
    fn emit_node(&mut self, value: &Value, mapping_context: bool, simple_key: bool) {
        match value {
            // `yaml_emitter_check_empty_sequence` / `_mapping`: empty collections go flow.
            Value::Array(items) if items.is_empty() => self.emit_empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.emit_empty_flow("{", "}"),
            Value::Array(items) => self.emit_block_sequence(items, mapping_context),
            Value::Object(map) => self.emit_block_mapping(map),
            leaf => self.emit_scalar(&scalar_for(leaf), simple_key),
        }
    }

    /// `yaml_emitter_emit_flow_sequence_item` / `_mapping_key` with no items: ` []`, ` {}`.
    fn emit_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        let saved = self.increase_indent(true, false);
        self.indent = saved;
        self.write_indicator(close, false, false, false);
    }

    /// `yaml_emitter_emit_block_sequence_item`. A sequence right after `key:` is "indentless"
    /// (its `- ` sits at the key's column), because the `:` indicator cleared `indention`.
    fn emit_block_sequence(&mut self, items: &[Value], mapping_context: bool) {
        let saved = self.increase_indent(false, mapping_context && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, false, false);
        }
        self.indent = saved;
    }

    /// `yaml_emitter_emit_block_mapping_key` / `_value`.
    fn emit_block_mapping(&mut self, map: &Map<String, Value>) {
        let saved = self.increase_indent(false, false);
        for (key, value) in sorted_entries(map) {
            self.write_indent();
            let key = string_scalar(Cow::Borrowed(key));
            let analysis = analyze(&key.text);
            // `yaml_emitter_check_simple_key`: single-line and at most 128 bytes.
            if !analysis.multiline && key.text.len() <= MAX_SIMPLE_KEY_LEN {
                self.emit_analyzed_scalar(&key, &analysis, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_analyzed_scalar(&key, &analysis, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, true, false);
        }
        self.indent = saved;
    }

    fn emit_scalar(&mut self, scalar: &Scalar<'_>, simple_key: bool) {
        let analysis = analyze(&scalar.text);
        self.emit_analyzed_scalar(scalar, &analysis, simple_key);
    }

    /// `yaml_emitter_emit_scalar`: choose the style, indent one level for continuation lines,
    /// write. Keys (simple-key context) never fold.
    fn emit_analyzed_scalar(&mut self, scalar: &Scalar<'_>, analysis: &Analysis, simple_key: bool) {
        let text: &str = &scalar.text;
        let style = select_style(scalar.style, text, analysis, simple_key);
        let saved = self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(text, !simple_key),
            Style::SingleQuoted => self.write_single_quoted(text, !simple_key),
            Style::DoubleQuoted => self.write_double_quoted(text, !simple_key),
            Style::Literal => self.write_literal(text),
        }
        self.indent = saved;
    }

    /// `yaml_emitter_write_plain_scalar`: folds at the first single space once the column is
    /// past 80, so lines run over 80 by one word.
    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        if !value.contains(|c| c == ' ' || is_break(c)) {
            // Neither a space to fold at nor a break: the characters as they are.
            self.out.push_str(value);
            self.column += value.chars().count();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let mut chars = value.chars().peekable();
        let (mut spaces, mut breaks) = (false, false);
        while let Some(c) = chars.next() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && chars.peek() != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_single_quoted_scalar`: `'` doubled; folds like plain, but never at
    /// the first or last character.
    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut chars = value.chars().peekable();
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while let Some(c) = chars.next() {
            let first = i == 0;
            i += 1;
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && !first
                    && chars.peek().is_some_and(|&n| n != ' ')
                {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_double_quoted_scalar`: escapes non-printable characters, breaks,
    /// `"` and `\`; folds at a space past column 80 (a following space is kept as `\ `).
    /// goyaml.v2's `is_bom(value, i)` looks at the start of the whole value, not at `i`: a
    /// value that starts with U+FEFF has every character escaped.
    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let escape_all = value.starts_with('\u{FEFF}');
        let mut chars = value.chars().peekable();
        let mut spaces = false;
        let mut i = 0;
        while let Some(c) = chars.next() {
            let first = i == 0;
            i += 1;
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.put_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && !first
                    && chars.peek().is_some()
                {
                    self.write_indent();
                    if chars.peek() == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.write(c);
                }
                spaces = true;
            } else {
                self.write(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The escape after the backslash, as in `yaml_emitter_write_double_quoted_scalar`.
    fn put_escape(&mut self, c: char) {
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = c as u32;
        let (letter, width) = if v <= 0xFF {
            ('x', 2)
        } else if v <= 0xFFFF {
            ('u', 4)
        } else {
            ('U', 8)
        };
        self.put(letter);
        for k in (0..width).rev() {
            let digit = (v >> (4 * k)) & 0xF;
            self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
        }
    }

    /// `yaml_emitter_write_literal_scalar`: `|` with `yaml_emitter_write_block_scalar_hints`
    /// (an indentation indicator `2` when the text starts with a space or break; `-` without
    /// a final break, `+` when the text is one break or ends in two), then the lines at the
    /// scalar's indent; empty lines get no spaces.
    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(INDENT_HINT, false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;
    use pretty_assertions::assert_eq;

    /// `(value, to_yaml({"zz": value}))`. Every expected text is what `kubectl kustomize`
    /// (kubectl v1.32.4, Kustomize v5.5.0) printed from `zz:` on, for a resource holding the
    /// value in a top-level `zz` field: verified once against the real binary and copied
    /// verbatim from `tests/data/yaml-writer/make_fixtures.py --unit-table`, which regenerates
    /// these rows.
    const TRICKY_VALUES: &[(&str, &str)] = &[
        ("y", "zz: \"y\"\n"),
        ("Y", "zz: \"Y\"\n"),
        ("yes", "zz: \"yes\"\n"),
        ("Yes", "zz: \"Yes\"\n"),
        ("YES", "zz: \"YES\"\n"),
        ("n", "zz: \"n\"\n"),
        ("N", "zz: \"N\"\n"),
        ("no", "zz: \"no\"\n"),
        ("No", "zz: \"No\"\n"),
        ("NO", "zz: \"NO\"\n"),
        ("true", "zz: \"true\"\n"),
        ("True", "zz: \"True\"\n"),
        ("TRUE", "zz: \"TRUE\"\n"),
        ("false", "zz: \"false\"\n"),
        ("False", "zz: \"False\"\n"),
        ("FALSE", "zz: \"FALSE\"\n"),
        ("on", "zz: \"on\"\n"),
        ("On", "zz: \"On\"\n"),
        ("ON", "zz: \"ON\"\n"),
        ("off", "zz: \"off\"\n"),
        ("Off", "zz: \"Off\"\n"),
        ("OFF", "zz: \"OFF\"\n"),
        ("yEs", "zz: yEs\n"),
        ("oN", "zz: oN\n"),
        ("tRUE", "zz: tRUE\n"),
        ("null", "zz: \"null\"\n"),
        ("Null", "zz: \"Null\"\n"),
        ("NULL", "zz: \"NULL\"\n"),
        ("~", "zz: \"~\"\n"),
        ("", "zz: \"\"\n"),
        ("nULL", "zz: nULL\n"),
        ("<<", "zz: <<\n"),
        ("=", "zz: =\n"),
        ("0", "zz: \"0\"\n"),
        ("-1", "zz: \"-1\"\n"),
        ("+1", "zz: \"+1\"\n"),
        ("10", "zz: \"10\"\n"),
        ("010", "zz: \"010\"\n"),
        ("0x10", "zz: \"0x10\"\n"),
        ("0X1F", "zz: \"0X1F\"\n"),
        ("0o17", "zz: \"0o17\"\n"),
        ("0b1", "zz: \"0b1\"\n"),
        ("0B1", "zz: \"0B1\"\n"),
        ("-0b101", "zz: \"-0b101\"\n"),
        ("1_000", "zz: \"1_000\"\n"),
        ("12345678901234567890", "zz: \"12345678901234567890\"\n"),
        ("+12345678901234567890", "zz: \"+12345678901234567890\"\n"),
        ("99999999999999999999", "zz: \"99999999999999999999\"\n"),
        ("0x1FFFFFFFFFFFFFFFFFFFF", "zz: 0x1FFFFFFFFFFFFFFFFFFFF\n"),
        (
            "0b1111111111111111111111111111111111111111111111111111111111111111111111",
            "zz: 0b1111111111111111111111111111111111111111111111111111111111111111111111\n",
        ),
        ("0x", "zz: 0x\n"),
        ("0b", "zz: 0b\n"),
        ("0b-1", "zz: \"0b-1\"\n"),
        ("09", "zz: \"09\"\n"),
        ("_1", "zz: _1\n"),
        ("1__0", "zz: \"1__0\"\n"),
        ("0x_1F", "zz: \"0x_1F\"\n"),
        ("1.30", "zz: \"1.30\"\n"),
        ("1.0", "zz: \"1.0\"\n"),
        ("1.", "zz: \"1.\"\n"),
        (".5", "zz: \".5\"\n"),
        (".5_5", "zz: \".5_5\"\n"),
        ("._5", "zz: ._5\n"),
        ("1_000.5", "zz: \"1_000.5\"\n"),
        ("08.5", "zz: \"08.5\"\n"),
        ("1e3", "zz: \"1e3\"\n"),
        ("1E3", "zz: \"1E3\"\n"),
        ("1e+3", "zz: \"1e+3\"\n"),
        ("1e-3", "zz: \"1e-3\"\n"),
        ("1e400", "zz: 1e400\n"),
        ("1e-400", "zz: \"1e-400\"\n"),
        ("-.5", "zz: \"-.5\"\n"),
        ("+.5", "zz: \"+.5\"\n"),
        (".inf", "zz: \".inf\"\n"),
        (".Inf", "zz: \".Inf\"\n"),
        (".INF", "zz: \".INF\"\n"),
        ("-.inf", "zz: \"-.inf\"\n"),
        ("+.inf", "zz: \"+.inf\"\n"),
        (".nan", "zz: \".nan\"\n"),
        (".NaN", "zz: \".NaN\"\n"),
        (".NAN", "zz: \".NAN\"\n"),
        (".infinity", "zz: .infinity\n"),
        (".", "zz: .\n"),
        (".e5", "zz: .e5\n"),
        ("1:20", "zz: \"1:20\"\n"),
        ("5663:12", "zz: \"5663:12\"\n"),
        ("12:59", "zz: \"12:59\"\n"),
        ("12:60", "zz: 12:60\n"),
        ("1:123", "zz: 1:123\n"),
        ("-1:30", "zz: \"-1:30\"\n"),
        ("1:30.5", "zz: \"1:30.5\"\n"),
        ("+1:2:3", "zz: \"+1:2:3\"\n"),
        ("2024-01-01", "zz: \"2024-01-01\"\n"),
        ("2024-1-1", "zz: \"2024-1-1\"\n"),
        ("2024-01-01T10:00:00Z", "zz: \"2024-01-01T10:00:00Z\"\n"),
        ("2024-01-01T10:00:00", "zz: 2024-01-01T10:00:00\n"),
        (
            "2024-01-01t10:00:00+25:00",
            "zz: 2024-01-01t10:00:00+25:00\n",
        ),
        (
            "2024-01-01T10:00:00+24:00",
            "zz: \"2024-01-01T10:00:00+24:00\"\n",
        ),
        ("2024-01-01 10:00:00.5", "zz: \"2024-01-01 10:00:00.5\"\n"),
        ("2024-01-01   10:00:00", "zz: \"2024-01-01   10:00:00\"\n"),
        ("2023-02-29", "zz: 2023-02-29\n"),
        ("2024-02-29", "zz: \"2024-02-29\"\n"),
        ("2024-13-01", "zz: 2024-13-01\n"),
        (
            "2001-12-14t21:59:43.10-05:00",
            "zz: \"2001-12-14t21:59:43.10-05:00\"\n",
        ),
        (
            "2024-01-01T10:00:00.123456789Z",
            "zz: \"2024-01-01T10:00:00.123456789Z\"\n",
        ),
        ("2024-01-01T10:00:00,5Z", "zz: \"2024-01-01T10:00:00,5Z\"\n"),
        ("- dash", "zz: '- dash'\n"),
        ("-dash", "zz: -dash\n"),
        ("-", "zz: '-'\n"),
        ("--", "zz: --\n"),
        ("---", "zz: '---'\n"),
        ("---x", "zz: '---x'\n"),
        ("...", "zz: '...'\n"),
        ("...x", "zz: '...x'\n"),
        ("? q", "zz: '? q'\n"),
        ("?q", "zz: ?q\n"),
        ("?", "zz: '?'\n"),
        (": c", "zz: ': c'\n"),
        (":c", "zz: :c\n"),
        (":", "zz: ':'\n"),
        (",comma", "zz: ',comma'\n"),
        ("[a]", "zz: '[a]'\n"),
        ("]", "zz: ']'\n"),
        ("{a}", "zz: '{a}'\n"),
        ("}", "zz: '}'\n"),
        ("#hash", "zz: '#hash'\n"),
        ("&amp", "zz: '&amp'\n"),
        ("*star", "zz: '*star'\n"),
        ("!bang", "zz: '!bang'\n"),
        ("|pipe", "zz: '|pipe'\n"),
        (">gt", "zz: '>gt'\n"),
        ("'quote", "zz: '''quote'\n"),
        ("\"dq", "zz: '\"dq'\n"),
        ("%pct", "zz: '%pct'\n"),
        ("@at", "zz: '@at'\n"),
        ("`tick", "zz: '`tick'\n"),
        ("a: b", "zz: 'a: b'\n"),
        ("a:b", "zz: a:b\n"),
        ("a:", "zz: 'a:'\n"),
        ("a #b", "zz: 'a #b'\n"),
        ("a#b", "zz: a#b\n"),
        ("a,b", "zz: a,b\n"),
        ("a[b]", "zz: a[b]\n"),
        ("a{b}", "zz: a{b}\n"),
        ("a?b", "zz: a?b\n"),
        ("a - b", "zz: a - b\n"),
        ("key=value", "zz: key=value\n"),
        ("it's", "zz: it's\n"),
        ("say \"hi\"", "zz: say \"hi\"\n"),
        ("back\\slash", "zz: back\\slash\n"),
        (
            "http://example.com/a?b=c#d",
            "zz: http://example.com/a?b=c#d\n",
        ),
        (" lead", "zz: ' lead'\n"),
        ("trail ", "zz: 'trail '\n"),
        (" ", "zz: ' '\n"),
        ("  ", "zz: '  '\n"),
        ("a  b", "zz: a  b\n"),
        ("tab\there", "zz: \"tab\\there\"\n"),
        ("\ttab", "zz: \"\\ttab\"\n"),
        ("nul\0x", "zz: \"nul\\0x\"\n"),
        ("bell\u{7}", "zz: \"bell\\a\"\n"),
        ("esc\u{1b}", "zz: \"esc\\e\"\n"),
        ("\u{a0}nbsp", "zz: \u{a0}nbsp\n"),
        ("cr\rx", "zz: \"cr\\rx\"\n"),
        ("crlf\r\nx\r\n", "zz: \"crlf\\r\\nx\\r\\n\"\n"),
        ("h\u{e9}llo \u{2713}", "zz: h\u{e9}llo \u{2713}\n"),
        ("\u{fc}n\u{ef}code", "zz: \u{fc}n\u{ef}code\n"),
        ("\u{65e5}\u{672c}\u{8a9e}", "zz: \u{65e5}\u{672c}\u{8a9e}\n"),
        ("emoji \u{1f389}", "zz: \"emoji \\U0001F389\"\n"),
        ("\u{1f389}", "zz: \"\\U0001F389\"\n"),
        ("\u{feff}bom", "zz: \"\\uFEFF\\x62\\x6F\\x6D\"\n"),
        ("a\u{feff}b", "zz: \"a\\uFEFFb\"\n"),
        ("\u{e000}pua", "zz: \u{e000}pua\n"),
        ("\u{fffd}", "zz: \u{fffd}\n"),
        ("a\u{85}b", "zz: a b\n"),
        ("a \u{85} b", "zz: a b\n"),
        ("a\u{2028}b", "zz: 'a\u{2028}  b'\n"),
        ("a\u{2029}b", "zz: 'a\u{2029}  b'\n"),
        ("a\u{2028}b\nc", "zz: |-\n  a\u{2028}  b\n  c\n"),
        ("a\nb", "zz: |-\n  a\n  b\n"),
        ("a\nb\n", "zz: |\n  a\n  b\n"),
        ("a\nb\n\n", "zz: |+\n  a\n  b\n\n"),
        ("\n", "zz: |2+\n\n"),
        ("\n\n", "zz: |2+\n\n\n"),
        ("\na", "zz: |2-\n\n  a\n"),
        (" a\nb", "zz: |2-\n   a\n  b\n"),
        ("a\n b", "zz: |-\n  a\n   b\n"),
        ("a \nb", "zz: \"a \\nb\"\n"),
        ("a\n\nb", "zz: |-\n  a\n\n  b\n"),
        ("a\n \nb", "zz: \"a\\n \\nb\"\n"),
        ("a\n\n", "zz: |+\n  a\n\n"),
        ("#!/bin/sh\necho hi\n", "zz: |\n  #!/bin/sh\n  echo hi\n"),
        ("a\tb\nc", "zz: \"a\\tb\\nc\"\n"),
        ("- a\n- b\n", "zz: |\n  - a\n  - b\n"),
        ("a\r\nb", "zz: \"a\\r\\nb\"\n"),
        ("x\n ", "zz: \"x\\n \"\n"),
        ("yes\n", "zz: |\n  yes\n"),
        ("\n\nx\n", "zz: |2\n\n\n  x\n"),
        (
            "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt\n  ut labore et dolore magna aliqua\n",
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb",
            "zz: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  bbb\n",
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c",
            "zz: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  b c\n",
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c",
            "zz: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  b c\n",
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "zz: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        ),
        (
            "# lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz: '# lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua'\n",
        ),
        (
            "\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz: \"\\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua\"\n",
        ),
        (
            "\tlorem  ipsum  dolor  sit  amet  consectetur  adipiscing  elit  sed  do  eiusmod  tempor  incididunt  ut  labore  et  dolore  magna  aliqua",
            "zz: \"\\tlorem  ipsum  dolor  sit  amet  consectetur  adipiscing  elit  sed  do  eiusmod\n  \\ tempor  incididunt  ut  labore  et  dolore  magna  aliqua\"\n",
        ),
        (
            "- lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ",
            "zz: '- lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua '\n",
        ),
        (
            "lorem ipsum dolor sit  amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz: lorem ipsum dolor sit  amet consectetur adipiscing elit sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua\n",
        ),
        (
            "line one\nlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\n",
            "zz: |\n  line one\n  lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\n",
        ),
    ];

    /// `(key, to_yaml({"zz": {key: "v"}}))`, from the same kubectl run.
    const TRICKY_KEYS: &[(&str, &str)] = &[
        ("", "zz:\n  \"\": v\n"),
        ("y", "zz:\n  \"y\": v\n"),
        ("yes", "zz:\n  \"yes\": v\n"),
        ("null", "zz:\n  \"null\": v\n"),
        ("~", "zz:\n  \"~\": v\n"),
        ("-", "zz:\n  '-': v\n"),
        ("1", "zz:\n  \"1\": v\n"),
        ("01", "zz:\n  \"01\": v\n"),
        ("1e3", "zz:\n  \"1e3\": v\n"),
        ("2024-01-01", "zz:\n  \"2024-01-01\": v\n"),
        ("@at", "zz:\n  '@at': v\n"),
        ("?q", "zz:\n  ?q: v\n"),
        ("a b", "zz:\n  a b: v\n"),
        ("a: b", "zz:\n  'a: b': v\n"),
        ("#x", "zz:\n  '#x': v\n"),
        (" lead", "zz:\n  ' lead': v\n"),
        ("tab\tkey", "zz:\n  \"tab\\tkey\": v\n"),
        ("\u{1f389}", "zz:\n  \"\\U0001F389\": v\n"),
        (
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
            "zz:\n  kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: v\n",
        ),
        (
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
            "zz:\n  ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n  : v\n",
        ),
        ("multi\nline", "zz:\n  ? |-\n    multi\n    line\n  : v\n"),
        ("trail \nx", "zz:\n  ? \"trail \\nx\"\n  : v\n"),
        (
            " lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz:\n  ? ' lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n    incididunt ut labore et dolore magna aliqua lorem ipsum dolor sit amet consectetur\n    adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'\n  : v\n",
        ),
        (
            "\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
            "zz:\n  ? \"\\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n    incididunt ut labore et dolore magna aliqua lorem ipsum dolor sit amet consectetur\n    adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\"\n  : v\n",
        ),
    ];

    /// Runs every row and reports all mismatches at once.
    fn check_table(rows: &[(&str, &str)], doc: impl Fn(&str) -> Value) {
        let failures: Vec<String> = rows
            .iter()
            .filter_map(|&(input, expected)| {
                let got = to_yaml(&doc(input));
                (got != expected)
                    .then(|| format!("{input:?}\n  got:  {got:?}\n  want: {expected:?}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} rows differ:\n{}",
            failures.len(),
            rows.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn tricky_values_match_kustomize() {
        assert!(TRICKY_VALUES.len() >= 60);
        check_table(TRICKY_VALUES, |s| json!({ "zz": s }));
    }

    #[test]
    fn tricky_keys_match_kustomize() {
        check_table(TRICKY_KEYS, |k| json!({ "zz": { k: "v" } }));
    }

    /// Printed by kubectl v1.32.4 / Kustomize v5.5.0 for the same JSON numbers (fixture
    /// `x02-writer-numbers` and a one-off run for the float-typed int64 bounds).
    #[test]
    fn numbers_match_kustomize() {
        let rows: &[(Value, &str)] = &[
            (json!(0), "0"),
            (json!(-0.0), "0"),
            (json!(1.0), "1"),
            (json!(-1.0), "-1"),
            (json!(1.5), "1.5"),
            (json!(0.5), "0.5"),
            (json!(1.5e-7), "1.5e-07"),
            (json!(1e-7), "1e-07"),
            (json!(1e-4), "0.0001"),
            (json!(1e-5), "1e-05"),
            (json!(123_456.7), "123456.7"),
            (json!(1_234_567.5), "1.2345675e+06"),
            (json!(1e6), "1000000"),
            (json!(1e16), "10000000000000000"),
            (json!(1e20), "1e+20"),
            (json!(1e21), "1e+21"),
            (json!(1.5e21), "1.5e+21"),
            (json!(f64::MAX), "1.7976931348623157e+308"),
            (json!(5e-324), "5e-324"),
            (json!(i64::MAX), "9223372036854775807"),
            (json!(i64::MIN), "-9223372036854775808"),
            (json!(u64::MAX), "18446744073709551615"),
            (json!(9.223_372_036_854_776e18), "9223372036854776000"),
            (json!(-9.223_372_036_854_776e18), "-9.223372036854776e+18"),
            (json!(1.844_674_407_370_955_2e19), "1.8446744073709552e+19"),
            (json!(-9.3e18), "-9.3e+18"),
            (json!(9_007_199_254_740_994.0), "9007199254740994"),
            (json!(1.000_000_000_000_000_5e15), "1.0000000000000005e+15"),
            (json!(3.504_959_953_628_029_4), "3.5049599536280294"),
            (json!(0.300_000_000_000_000_04), "0.30000000000000004"),
            (json!(9.999_999_999_999_999e20), "9.999999999999999e+20"),
            (json!(1.23e-6), "1.23e-06"),
            (json!(-0.001), "-0.001"),
            (json!(100_000.5), "100000.5"),
            (json!(9_999_999.0), "9999999"),
            (json!(true), "true"),
            (json!(null), "null"),
        ];
        for (value, expected) in rows {
            assert_eq!(
                to_yaml(&json!({ "num": value })),
                format!("num: {expected}\n"),
                "{value}"
            );
        }
    }

    fn keys_in_output(yaml: &str) -> Vec<&str> {
        yaml.lines()
            .filter_map(|line| line.strip_prefix("  "))
            .filter_map(|line| line.rsplit_once(": ").map(|(k, _)| k))
            .collect()
    }

    /// Case 101 of the overlay corpus (`expected.yaml` printed by kustomize).
    #[test]
    fn key_order_is_goyaml_natural_order() {
        let expected = [
            "\"\"", "'-'", "\"1\"", "\"2\"", "\"10\"", "A", "a-b", "a_b", "aB", "ab", "item1",
            "item9", "item10", "\"y\"",
        ];
        let mut map = Map::new();
        for key in [
            "y", "item10", "item9", "item1", "ab", "aB", "a_b", "a-b", "A", "10", "2",
        ] {
            map.insert(key.to_owned(), json!(0));
        }
        for key in ["1", "-", ""] {
            map.insert(key.to_owned(), json!(0));
        }
        let yaml = to_yaml(&json!({ "keys": map }));
        assert_eq!(keys_in_output(&yaml), expected);
    }

    /// Case 100: `_under` before `"01"`, upper case before lower case.
    #[test]
    fn key_order_puts_non_letters_first() {
        let yaml =
            to_yaml(&json!({"data": {"zeta": 1, "alpha": 1, "Beta": 1, "01": 1, "_under": 1}}));
        assert_eq!(
            keys_in_output(&yaml),
            ["_under", "\"01\"", "Beta", "alpha", "zeta"]
        );
    }

    #[test]
    fn key_less_follows_sorter_go() {
        let less = |a: &str, b: &str| {
            key_less(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert!(less("item9", "item10"));
        assert!(!less("item10", "item9"));
        assert!(less("1", "01"), "same value: the shorter run first");
        assert!(less("_x", "01") && less("01", "B") && less("B", "a"));
        assert!(
            less("node1-x", "node10-x"),
            "a 0 after a non-zero run compares by value"
        );
        assert!(less("", "a") && !less("a", "a"));
        assert!(
            less("a", "\u{e9}") && less("Z", "\u{c9}"),
            "letters by code point"
        );
        assert!(
            less("\u{661}", "\u{662}"),
            "Arabic-Indic digits are digits too"
        );
    }

    /// `keyList.Less` has cycles here (`a10b` < `a1b` < `a9b` < `a10b`, `x01` < `x10` <
    /// `x1y10` < `x01`); kustomize prints these keys in a different order on each run.
    /// platc's order must still depend only on the keys.
    #[test]
    fn inconsistent_key_sets_get_one_order_whatever_the_value_order() {
        let keys = ["a10b", "a1b", "a9b", "x01", "x10", "x1y10", "a01b", "a0b"];
        let render = |order: &[usize]| {
            let mut map = Map::new();
            for &i in order {
                map.insert(keys[i].to_owned(), json!(i));
            }
            keys_in_output(&to_yaml(&json!({ "k": map })))
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let first = render(&[0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(first.len(), keys.len());
        for order in [
            [7, 6, 5, 4, 3, 2, 1, 0],
            [3, 1, 4, 0, 5, 2, 7, 6],
            [2, 7, 1, 6, 0, 5, 3, 4],
        ] {
            assert_eq!(render(&order), first);
        }
    }

    #[test]
    fn block_layout_matches_goyaml() {
        let value = json!({
            "list": ["a", {"k": 1, "l": [1, 2]}, [1, [2, 3]], [], {}, null],
            "map": {"empty": {}, "emptyList": [], "nested": {"deep": "x"}},
        });
        let expected = "\
list:
- a
- k: 1
  l:
  - 1
  - 2
- - 1
  - - 2
    - 3
- []
- {}
- null
map:
  empty: {}
  emptyList: []
  nested:
    deep: x
";
        assert_eq!(to_yaml(&value), expected);
    }

    /// The layout after a `? ` key (over 128 bytes or multi-line) comes from
    /// `yaml_emitter_emit_block_mapping_value(simple=false)`; checked with kubectl in fixture
    /// `x03-writer-layout`.
    #[test]
    fn complex_keys_take_collections_inline() {
        let key = "k".repeat(129);
        let value = json!({ &key: {"a": 1, "b": [1]}, "multi\nline": ["x", {"w": 1}] });
        let expected =
            format!("? {key}\n: a: 1\n  b:\n  - 1\n? |-\n  multi\n  line\n: - x\n  - w: 1\n");
        assert_eq!(to_yaml(&value), expected);
    }

    /// kustomize only prints mappings; these follow `yaml_emitter_emit_document_content` and
    /// `yaml_emitter_increase_indent(flow=true)` for a root scalar (continuation indent 2).
    #[test]
    fn root_values_other_than_mappings() {
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!("yes")), "\"yes\"\n");
        assert_eq!(to_yaml(&json!(["a", {"b": 1}])), "- a\n- b: 1\n");
        assert_eq!(to_yaml(&json!("a\nb")), "|-\n  a\n  b\n");
        let long = "word ".repeat(20);
        assert_eq!(
            to_yaml(&json!(long.trim_end())),
            format!(
                "{}\n  {}\n",
                "word ".repeat(17).trim_end(),
                "word word word"
            )
        );
    }

    #[test]
    fn streams_join_like_kustomize() {
        assert_eq!(to_yaml_stream(&[]), "");
        assert_eq!(to_yaml_stream(&[json!({"a": 1})]), "a: 1\n");
        assert_eq!(
            to_yaml_stream(&[json!({"a": 1}), json!({"b": "x\n"}), json!({})]),
            "a: 1\n---\nb: |\n  x\n---\n{}\n"
        );
        let mut out = String::from("# head\n");
        write_document(&mut out, &json!({"a": [1]}));
        assert_eq!(out, "# head\na:\n- 1\n");
    }

    /// Characters kustomize itself refuses (its YAML reader rejects DEL and C1 controls, and a
    /// NEL in a key): the writer still gives the goyaml.v2 emitter's rendering.
    #[test]
    fn characters_kustomize_refuses_still_render() {
        assert_eq!(to_yaml(&json!({"k": "a\u{7f}b"})), "k: \"a\\x7Fb\"\n");
        assert_eq!(to_yaml(&json!({"k": "\u{9b}"})), "k: \"\\x9B\"\n");
        assert_eq!(to_yaml(&json!({"k": "\u{ffff}"})), "k: \"\\uFFFF\"\n");
        assert_eq!(to_yaml(&json!({"a\u{85}b": 1})), "? \"a\\Nb\"\n: 1\n");
    }

    #[test]
    fn output_has_no_trailing_spaces() {
        let value = json!({"a": "", "b": " x\n\n y\n", "c": [{"d": "e\n\n"}], "e": "\n\n"});
        let yaml = to_yaml(&value);
        assert!(yaml.lines().all(|l| !l.ends_with(' ')), "{yaml}");
        assert!(yaml.ends_with('\n') && !yaml.ends_with("\n\n\n\n"));
    }
}
