//! Scalar resolution: what a plain scalar means. Two resolvers live here, and nothing else:
//! the YAML 1.2 core schema for blueprints (strict: refuses the plain forms that YAML 1.1 reads
//! differently, and numbers JSON cannot hold), and the go-yaml v3 rules that kustomize v5
//! applies to the files it reads, including the JSON round trip kustomize puts every object
//! through (timestamps become RFC 3339 strings, integral floats become integers). Also the
//! control-character rule for blueprint strings. No spans and no diagnostics: the reader turns
//! a [`Problem`] into a diagnostic at the scalar.

use serde_json::Number;

use crate::yaml::node::Scalar;

/// Why a plain scalar cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Problem {
    /// An integer with a leading zero (`010`): YAML 1.1 and 1.2 disagree on it.
    LeadingZero {
        written: String,
        yaml11: Yaml11Reading,
        decimal: String,
    },
    /// An integer outside what JSON (i64 or u64) holds exactly.
    IntRange,
    /// `.inf`, `.nan`, or a float literal that overflows: JSON has no such number.
    NonFinite,
}

/// What YAML 1.1 makes of a plain integer with a leading zero.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Yaml11Reading {
    /// `010` is octal in YAML 1.1 (the value, signed, in decimal).
    Octal(String),
    /// `08` is not a YAML 1.1 integer at all, so it is a string there.
    String,
}

impl Problem {
    /// The message for a diagnostic; quotes the scalar as written.
    pub(crate) fn message(&self, written: &str) -> String {
        match self {
            Problem::LeadingZero {
                written,
                yaml11,
                decimal,
            } => match yaml11 {
                Yaml11Reading::Octal(v) => format!(
                    "YAML 1.1 reads {written} as {v}, YAML 1.2 as {decimal}: write {decimal}, or quote it"
                ),
                Yaml11Reading::String => format!(
                    "YAML 1.1 reads {written} as a string, YAML 1.2 as the number {decimal}: write {decimal}, or quote it"
                ),
            },
            Problem::IntRange => format!(
                "the integer `{written}` is too large: JSON numbers hold 64-bit integers exactly"
            ),
            Problem::NonFinite => {
                format!("`{written}` is not a finite number, and JSON cannot hold it")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// YAML 1.2 core schema (blueprints)
// ---------------------------------------------------------------------------------------------

/// Resolves a plain scalar by the YAML 1.2 core schema
/// (<https://yaml.org/spec/1.2.2/#103-core-schema>); everything the schema does not type is
/// a string, so `yes`, `on`, `2024-01-01` and `1:20` stay strings.
pub(crate) fn resolve_core(s: &str) -> Result<Scalar, Problem> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Scalar::Null),
        "true" | "True" | "TRUE" => return Ok(Scalar::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Scalar::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Err(Problem::NonFinite),
        _ => {}
    }
    let b = s.as_bytes();
    let unsigned = b
        .strip_prefix(b"-")
        .or_else(|| b.strip_prefix(b"+"))
        .unwrap_or(b);
    if !unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit) {
        if unsigned.len() > 1 && unsigned[0] == b'0' {
            return Err(leading_zero(s, unsigned));
        }
        return core_decimal(s).ok_or(Problem::IntRange);
    }
    if let Some(digits) = s.strip_prefix("0o")
        && !digits.is_empty()
        && digits.bytes().all(|c| matches!(c, b'0'..=b'7'))
    {
        return u64::from_str_radix(digits, 8)
            .map(|v| Scalar::Number(Number::from(v)))
            .map_err(|_| Problem::IntRange);
    }
    if let Some(digits) = s.strip_prefix("0x")
        && !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return u64::from_str_radix(digits, 16)
            .map(|v| Scalar::Number(Number::from(v)))
            .map_err(|_| Problem::IntRange);
    }
    if is_yaml_float(b) {
        return match s.parse::<f64>() {
            Ok(f) if f.is_finite() => Number::from_f64(f)
                .map(Scalar::Number)
                .ok_or(Problem::NonFinite),
            // The literal is well formed but overflows to infinity (`1e999`).
            _ => Err(Problem::NonFinite),
        };
    }
    Ok(Scalar::String(s.to_string()))
}

/// A decimal integer (optionally signed) as i64, or u64 when it is positive and larger.
fn core_decimal(s: &str) -> Option<Scalar> {
    if let Ok(v) = s.parse::<i64>() {
        return Some(Scalar::Number(Number::from(v)));
    }
    s.strip_prefix('+')
        .unwrap_or(s)
        .parse::<u64>()
        .ok()
        .map(|v| Scalar::Number(Number::from(v)))
}

fn leading_zero(written: &str, digits: &[u8]) -> Problem {
    let sign = if written.starts_with('-') { "-" } else { "" };
    // Digits are ASCII, so this is lossless.
    let digits = String::from_utf8_lossy(digits);
    let significant = digits.trim_start_matches('0');
    let decimal = if significant.is_empty() {
        "0".to_string()
    } else {
        format!("{sign}{significant}")
    };
    // YAML 1.1 reads `0[0-7]+` as octal; with an 8 or 9 it is no integer there at all.
    let yaml11 = match u64::from_str_radix(&digits, 8) {
        Ok(0) => Yaml11Reading::Octal("0".to_string()),
        Ok(v) => Yaml11Reading::Octal(format!("{sign}{v}")),
        Err(_) => Yaml11Reading::String,
    };
    Problem::LeadingZero {
        written: written.to_string(),
        yaml11,
        decimal,
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float (and the
/// `yamlStyleFloat` of go-yaml v3, which is the same expression).
fn is_yaml_float(b: &[u8]) -> bool {
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if int_digits == 0 {
        // `\.[0-9]+`
        if b.get(i) != Some(&b'.') {
            return false;
        }
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == frac_start {
            return false;
        }
    } else if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

// ---------------------------------------------------------------------------------------------
// go-yaml v3 + kustomize (overlays, patches, rendered output)
// ---------------------------------------------------------------------------------------------

/// What go-yaml v3's resolver makes of a plain scalar, before kustomize's JSON step.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Go {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A timestamp, already in the RFC 3339 form kustomize writes.
    Timestamp(String),
    /// `.inf`, `.nan` and their variants.
    NonFinite,
    Str,
}

/// go-yaml v3 `resolve()` for an untagged plain scalar (`resolve.go`): a lookup table for
/// bools, nulls and infinities, then, for scalars starting with a digit or sign, timestamp,
/// `strconv.ParseInt(s, 0, 64)` and `ParseUint` with every `_` removed, then the YAML float
/// expression. A leading `.` goes to `strconv.ParseFloat` as written.
pub(crate) fn resolve_go(s: &str) -> Go {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Go::Null,
        "true" | "True" | "TRUE" => return Go::Bool(true),
        "false" | "False" | "FALSE" => return Go::Bool(false),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Go::NonFinite,
        _ => {}
    }
    match s.as_bytes()[0] {
        b'.' => match go_parse_float_dot(s) {
            Some(f) => Go::Float(f),
            None => Go::Str,
        },
        b'0'..=b'9' | b'+' | b'-' => {
            if let Some(t) = go_timestamp(s) {
                return Go::Timestamp(t);
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(v) = go_parse_int(&plain) {
                return Go::Int(v);
            }
            if let Some(v) = go_parse_uint_base0(&plain) {
                return Go::Uint(v);
            }
            if is_yaml_float(plain.as_bytes()) {
                // strconv.ParseFloat fails on overflow (ErrRange); go-yaml then keeps the
                // scalar as a string.
                if let Ok(f) = plain.parse::<f64>()
                    && f.is_finite()
                {
                    return Go::Float(f);
                }
            }
            // go-yaml's separate `0b`/`0o` branches accept nothing that ParseInt and ParseUint
            // with base 0 did not already accept.
            Go::Str
        }
        _ => Go::Str,
    }
}

/// `strconv.ParseInt(s, 0, 64)` without underscores (go-yaml has removed them).
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint_base0(rest)?;
    if neg {
        if u <= 1 << 63 {
            // `0 - u` in two's complement; u == 2^63 gives i64::MIN.
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes (any case), a bare leading `0`
/// means octal, no sign.
fn go_parse_uint_base0(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' {
        if b.len() >= 3 && matches!(b[1], b'b' | b'B') {
            (2, &s[2..])
        } else if b.len() >= 3 && matches!(b[1], b'o' | b'O') {
            (8, &s[2..])
        } else if b.len() >= 3 && matches!(b[1], b'x' | b'X') {
            (16, &s[2..])
        } else {
            (8, &s[1..])
        }
    } else {
        (10, s)
    };
    if digits.is_empty() {
        // Only `0` itself gets here (a prefix needs at least one digit after it).
        return (s == "0").then_some(0);
    }
    if !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `strconv.ParseFloat(s, 64)` for a scalar starting with `.`: digits may be separated by
/// `_` as Go literals allow (`.5_0`), an exponent may follow; overflow is an error.
fn go_parse_float_dot(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 1;
    let mut digits = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        if b[i] != b'_' {
            digits += 1;
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    if i != b.len() || !go_underscore_ok(b) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let f = format!("0{clean}").parse::<f64>().ok()?;
    f.is_finite().then_some(f)
}

/// Go's `underscoreOK`: every `_` sits between two digits.
fn go_underscore_ok(b: &[u8]) -> bool {
    let mut saw = b'^';
    for &c in b {
        if c.is_ascii_digit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// go-yaml's `parseTimestamp`: exactly four digits and `-`, then Go `time.Parse` with
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` (no zone,
/// UTC) or `2006-1-2`. Returns the value as Go's `time.Time` JSON form (RFC 3339 with
/// nanoseconds, trailing zeros dropped, `Z` for a zero offset), which is what kustomize writes.
pub(crate) fn go_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year = parse_digits(&b[..4])?;
    let mut i = 5;
    let month = go_getnum(b, &mut i)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    let day = go_getnum(b, &mut i)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if i == b.len() {
        return Some(format!("{date}T00:00:00Z"));
    }
    // Which layout: `T`/`t` takes a zone, one or more spaces (Go's layout space matches a run
    // of spaces) takes none.
    let zoned = match b[i] {
        b'T' | b't' => {
            i += 1;
            true
        }
        b' ' => {
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            false
        }
        _ => return None,
    };
    let hour = go_getnum(b, &mut i)?;
    if hour >= 24 || b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minute = go_getnum(b, &mut i)?;
    if minute >= 60 || b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let second = go_getnum(b, &mut i)?;
    if second >= 60 {
        return None;
    }
    // Fraction: `.` or `,` and at least one digit; any number of digits, nanoseconds from
    // the first nine.
    let mut nanos: u64 = 0;
    if i + 1 < b.len() && matches!(b[i], b'.' | b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &b[start..i.min(start + 9)];
        let mut n = parse_digits(digits)?;
        for _ in digits.len()..9 {
            n *= 10;
        }
        nanos = n;
    }
    let offset_minutes: i64 = if zoned {
        match b.get(i) {
            Some(b'Z') => {
                i += 1;
                0
            }
            Some(&sign @ (b'+' | b'-')) => {
                let zone = b.get(i..i + 6)?;
                if zone[3] != b':' {
                    return None;
                }
                let hh = two_digits(&zone[1..3])?;
                let mm = two_digits(&zone[4..6])?;
                // Go's range test uses `>`, so 24:00 and xx:60 are accepted.
                if hh > 24 || mm > 60 {
                    return None;
                }
                i += 6;
                let total = (hh * 60 + mm) as i64;
                if sign == b'-' { -total } else { total }
            }
            _ => return None,
        }
    } else {
        0
    };
    if i != b.len() {
        return None;
    }
    let mut out = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    if offset_minutes == 0 {
        out.push('Z');
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let m = offset_minutes.unsigned_abs();
        out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
    }
    Some(out)
}

/// Go `time` package `getnum(s, false)`: one digit, or two if the second is a digit.
fn go_getnum(b: &[u8], i: &mut usize) -> Option<u64> {
    let first = *b.get(*i)?;
    if !first.is_ascii_digit() {
        return None;
    }
    match b.get(*i + 1) {
        Some(second) if second.is_ascii_digit() => {
            *i += 2;
            Some(u64::from((first - b'0') * 10 + (second - b'0')))
        }
        _ => {
            *i += 1;
            Some(u64::from(first - b'0'))
        }
    }
}

fn two_digits(b: &[u8]) -> Option<u64> {
    (b.len() == 2 && b.iter().all(u8::is_ascii_digit))
        .then(|| u64::from((b[0] - b'0') * 10 + (b[1] - b'0')))
}

fn parse_digits(b: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(n)
}

fn days_in(month: u64, year: u64) -> u64 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The number kustomize writes for a float: kustomize marshals every object to JSON (Go
/// prints an integral float below 1e21 as plain digits, shortest round-trip digits padded
/// with zeros) and reads it back, so `1.0` comes out as `1` and `1e3` as `1000`, while
/// `1e21`, `0.5` and integral floats beyond 64-bit integers stay floats. Rust's `Display`
/// for f64 prints exactly Go's digits here.
pub(crate) fn kustomize_float(f: f64) -> Option<Number> {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e21 {
        let digits = format!("{f}");
        if let Ok(v) = digits.parse::<i64>() {
            return Some(Number::from(v));
        }
        if let Ok(v) = digits.parse::<u64>() {
            return Some(Number::from(v));
        }
    }
    Number::from_f64(f)
}

// ---------------------------------------------------------------------------------------------
// Control characters (blueprints)
// ---------------------------------------------------------------------------------------------

/// Characters a blueprint string must not hold: C0 controls other than tab, LF and CR, DEL,
/// C1 controls, and the bidi embedding/override/isolate controls that can make text display
/// differently from what it is (CVE-2021-42574, "Trojan Source").
pub(crate) fn is_forbidden_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A short name for a forbidden character, for messages (never the character itself).
pub(crate) fn char_name(c: char) -> String {
    let name = match c {
        '\u{0}' => Some("NUL"),
        '\u{7}' => Some("BEL"),
        '\u{8}' => Some("BS"),
        '\u{1b}' => Some("ESC"),
        '\u{7f}' => Some("DEL"),
        '\u{85}' => Some("NEL"),
        '\u{9b}' => Some("CSI"),
        '\u{202a}' => Some("LEFT-TO-RIGHT EMBEDDING"),
        '\u{202b}' => Some("RIGHT-TO-LEFT EMBEDDING"),
        '\u{202c}' => Some("POP DIRECTIONAL FORMATTING"),
        '\u{202d}' => Some("LEFT-TO-RIGHT OVERRIDE"),
        '\u{202e}' => Some("RIGHT-TO-LEFT OVERRIDE"),
        '\u{2066}' => Some("LEFT-TO-RIGHT ISOLATE"),
        '\u{2067}' => Some("RIGHT-TO-LEFT ISOLATE"),
        '\u{2068}' => Some("FIRST STRONG ISOLATE"),
        '\u{2069}' => Some("POP DIRECTIONAL ISOLATE"),
        _ => None,
    };
    match name {
        Some(n) => format!("U+{:04X} ({n})", c as u32),
        None => format!("U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> Scalar {
        Scalar::Number(Number::from(v))
    }

    fn f(v: f64) -> Scalar {
        Scalar::Number(Number::from_f64(v).unwrap())
    }

    fn s(v: &str) -> Scalar {
        Scalar::String(v.to_string())
    }

    #[test]
    fn core_schema_nulls_bools_and_strings() {
        for v in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_core(v), Ok(Scalar::Null), "{v}");
        }
        for v in ["true", "True", "TRUE"] {
            assert_eq!(resolve_core(v), Ok(Scalar::Bool(true)), "{v}");
        }
        for v in ["false", "False", "FALSE"] {
            assert_eq!(resolve_core(v), Ok(Scalar::Bool(false)), "{v}");
        }
        // YAML 1.1 words, dates, sexagesimals, odd cases: strings in the core schema.
        for v in [
            "yes",
            "no",
            "on",
            "off",
            "NO",
            "y",
            "n",
            "Yes",
            "tRUE",
            "nULL",
            "2024-01-01",
            "1:20",
            "1_000",
            "0b101",
            "0o",
            "0x",
            "0O17",
            "0X1F",
            "1e",
            ".e5",
            ".",
            "+",
            "-",
            "+.5e",
            "v1.30",
            "12e3x",
            ".Inf.",
        ] {
            assert_eq!(resolve_core(v), Ok(s(v)), "{v}");
        }
    }

    #[test]
    fn core_schema_numbers() {
        assert_eq!(resolve_core("0"), Ok(n(0)));
        assert_eq!(resolve_core("-0"), Ok(n(0)));
        assert_eq!(resolve_core("+12"), Ok(n(12)));
        assert_eq!(resolve_core("-12"), Ok(n(-12)));
        assert_eq!(resolve_core("0o17"), Ok(n(15)));
        assert_eq!(resolve_core("0x1F"), Ok(n(31)));
        assert_eq!(resolve_core("0x1f"), Ok(n(31)));
        assert_eq!(resolve_core("9223372036854775807"), Ok(n(i64::MAX)));
        assert_eq!(resolve_core("-9223372036854775808"), Ok(n(i64::MIN)));
        assert_eq!(
            resolve_core("18446744073709551615"),
            Ok(Scalar::Number(Number::from(u64::MAX)))
        );
        assert_eq!(resolve_core("18446744073709551616"), Err(Problem::IntRange));
        assert_eq!(resolve_core("-9223372036854775809"), Err(Problem::IntRange));
        assert_eq!(resolve_core("0x10000000000000000"), Err(Problem::IntRange));
        assert_eq!(resolve_core("1.30"), Ok(f(1.3)));
        assert_eq!(resolve_core("1."), Ok(f(1.0)));
        assert_eq!(resolve_core(".5"), Ok(f(0.5)));
        assert_eq!(resolve_core("-.5"), Ok(f(-0.5)));
        assert_eq!(resolve_core("1e3"), Ok(f(1000.0)));
        assert_eq!(resolve_core("1.5E-7"), Ok(f(1.5e-7)));
        assert_eq!(resolve_core("010.5"), Ok(f(10.5)));
        for v in [".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1e999", "-1e400"] {
            assert_eq!(resolve_core(v), Err(Problem::NonFinite), "{v}");
        }
    }

    #[test]
    fn leading_zero_is_ambiguous() {
        let p = resolve_core("010").unwrap_err();
        assert_eq!(
            p.message("010"),
            "YAML 1.1 reads 010 as 8, YAML 1.2 as 10: write 10, or quote it"
        );
        let p = resolve_core("08").unwrap_err();
        assert_eq!(
            p.message("08"),
            "YAML 1.1 reads 08 as a string, YAML 1.2 as the number 8: write 8, or quote it"
        );
        assert!(matches!(
            resolve_core("00"),
            Err(Problem::LeadingZero { .. })
        ));
        assert!(matches!(
            resolve_core("-017"),
            Err(Problem::LeadingZero { .. })
        ));
        assert!(matches!(
            resolve_core("+0123456789"),
            Err(Problem::LeadingZero { .. })
        ));
    }

    #[test]
    fn go_yaml_resolution_matches_kubectl_kustomize() {
        // Every expectation here was read from `kubectl kustomize` v1.32.4 (kustomize v5.5.0)
        // output on this machine (see the report of this module).
        let cases: &[(&str, Go)] = &[
            ("yes", Go::Str),
            ("on", Go::Str),
            ("off", Go::Str),
            ("True", Go::Bool(true)),
            ("017", Go::Int(15)),
            ("0o17", Go::Int(15)),
            ("0O17", Go::Int(15)),
            ("0x1F", Go::Int(31)),
            ("0X1f", Go::Int(31)),
            ("0x_1F", Go::Int(31)),
            ("1_000", Go::Int(1000)),
            ("1__0", Go::Int(10)),
            ("1_", Go::Int(1)),
            ("-0", Go::Int(0)),
            ("+12", Go::Int(12)),
            ("0b101", Go::Int(5)),
            ("-0b101", Go::Int(-5)),
            ("-0o17", Go::Int(-15)),
            ("08", Go::Float(8.0)),
            ("09.5", Go::Float(9.5)),
            ("017.5", Go::Float(17.5)),
            ("0x", Go::Str),
            ("0b", Go::Str),
            ("0o", Go::Str),
            ("12e", Go::Str),
            (".e5", Go::Str),
            ("._5", Go::Str),
            (".5_0", Go::Float(0.5)),
            (".5", Go::Float(0.5)),
            ("+.5", Go::Float(0.5)),
            ("1.", Go::Float(1.0)),
            ("1_000.5", Go::Float(1000.5)),
            ("1e3", Go::Float(1000.0)),
            ("99999999999999999999999", Go::Float(1e23)),
            ("-9223372036854775809", Go::Float(-9223372036854775809.0)),
            ("-9223372036854775808", Go::Int(i64::MIN)),
            ("18446744073709551615", Go::Uint(u64::MAX)),
            ("0xFFFFFFFFFFFFFFFF", Go::Uint(u64::MAX)),
            ("18446744073709551616", Go::Float(18446744073709551616.0)),
            ("1e400", Go::Str),
            (".inf", Go::NonFinite),
            ("-.Inf", Go::NonFinite),
            (".NaN", Go::NonFinite),
            ("~", Go::Null),
            ("", Go::Null),
            ("1:20", Go::Str),
            ("v1", Go::Str),
        ];
        for (input, want) in cases {
            assert_eq!(&resolve_go(input), want, "{input}");
        }
    }

    #[test]
    fn go_timestamps_match_kubectl_kustomize() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2024-01-01", Some("2024-01-01T00:00:00Z")),
            ("2024-01-01T10:00:00Z", Some("2024-01-01T10:00:00Z")),
            (
                "2024-01-01T10:00:00+02:00",
                Some("2024-01-01T10:00:00+02:00"),
            ),
            (
                "2024-01-01T10:00:00-00:30",
                Some("2024-01-01T10:00:00-00:30"),
            ),
            ("2024-01-01T10:00:00+00:00", Some("2024-01-01T10:00:00Z")),
            ("2024-01-01 10:00:00", Some("2024-01-01T10:00:00Z")),
            ("2024-1-5", Some("2024-01-05T00:00:00Z")),
            ("2024-01-01T10:00:00.500Z", Some("2024-01-01T10:00:00.5Z")),
            ("2024-01-01t10:00:00Z", Some("2024-01-01T10:00:00Z")),
            ("2024-01-01 1:2:3.000000", Some("2024-01-01T01:02:03Z")),
            (
                "2024-01-01T10:00:00.123456789123Z",
                Some("2024-01-01T10:00:00.123456789Z"),
            ),
            ("0000-01-01", Some("0000-01-01T00:00:00Z")),
            ("2024-02-29", Some("2024-02-29T00:00:00Z")),
            ("2024-02-30", None),
            ("2023-02-29", None),
            ("2024-01-01T25:00:00Z", None),
            ("2024-01-01T10:00:60Z", None),
            ("20240-01-01", None),
            ("2024-01-01T10:00:00", None),
            ("2024-01-01 10:00:00Z", None),
            ("2024-13-01", None),
            ("2024-01-01T10:00:00+0200", None),
        ];
        for (input, want) in cases {
            assert_eq!(go_timestamp(input).as_deref(), *want, "{input}");
        }
    }

    #[test]
    fn kustomize_floats_go_through_json() {
        assert_eq!(kustomize_float(1.0), Some(Number::from(1)));
        assert_eq!(kustomize_float(1e6), Some(Number::from(1_000_000)));
        assert_eq!(kustomize_float(-0.0), Some(Number::from(0)));
        assert_eq!(
            kustomize_float(12345678901234567.0),
            Some(Number::from(12345678901234568_i64))
        );
        // Go prints -2^63 as -9223372036854776000, which is out of i64 range: stays a float.
        assert_eq!(
            kustomize_float(-9223372036854775808.0),
            Number::from_f64(-9223372036854775808.0)
        );
        assert_eq!(kustomize_float(1e20), Number::from_f64(1e20));
        assert_eq!(kustomize_float(1e21), Number::from_f64(1e21));
        assert_eq!(kustomize_float(0.5), Number::from_f64(0.5));
    }

    #[test]
    fn forbidden_characters() {
        for c in [
            '\0', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{b}',
        ] {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'é', '\u{a0}', '\u{200d}', '🎉'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
        assert_eq!(char_name('\u{1b}'), "U+001B (ESC)");
        assert_eq!(char_name('\u{202e}'), "U+202E (RIGHT-TO-LEFT OVERRIDE)");
        assert_eq!(char_name('\u{3}'), "U+0003");
    }
}
