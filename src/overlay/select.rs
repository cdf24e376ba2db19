//! Target selection, apart from any patching: a `target` picks objects by group, version,
//! kind, name and namespace (regular expressions anchored at both ends, `^(?:…)$`, as
//! kustomize's `SelectorRegex` anchors them) and by Kubernetes label and annotation
//! selectors (`tier in (a,b),!legacy,team!=pay`). Names and namespaces match the original
//! or the current id (a JSON6902 rename keeps the old name selectable); "default" and no
//! namespace are one namespace, and cluster-scoped kinds have none a target can name.

use regex::Regex;

use super::catalog::{Card, Selectable};
use super::{ResId, Resource};
use crate::memo::Memo;

/// A `target` as written in the kustomization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// A [`Selector`] ready to match: regexes compiled, selectors parsed.
#[derive(Clone, Debug)]
pub struct Matcher {
    group: Option<Pattern>,
    version: Option<Pattern>,
    kind: Option<Pattern>,
    name: Option<Pattern>,
    namespace: Option<Pattern>,
    labels: Option<LabelSelector>,
    annotations: Option<LabelSelector>,
}

/// One anchored pattern of a target. A pattern without a regex metacharacter matches only
/// itself, so it is compared as a string: no regex to build (that costs more than
/// matching every object) and no automaton to run. A pattern whose only metacharacter is
/// `.` (a group such as `cluster.x-k8s.io`, which kustomize reads as a regex too) matches
/// character by character, `.` standing for any character but a newline, as in the regex.
#[derive(Clone, Debug)]
enum Pattern {
    Exact(String),
    Dotted(String),
    Regex(std::sync::Arc<Regex>),
}

impl Pattern {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Pattern::Exact(p) => p == s,
            Pattern::Dotted(p) => {
                let mut text = s.chars();
                p.chars().all(|want| match text.next() {
                    Some(got) if want == '.' => got != '\n',
                    Some(got) => got == want,
                    None => false,
                }) && text.next().is_none()
            }
            Pattern::Regex(re) => re.is_match(s),
        }
    }
}

/// Why a selector could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError {
    /// The selector field (`name`, `labelSelector`, ...).
    pub field: &'static str,
    pub message: String,
}

fn anchored(
    field: &'static str,
    pattern: &Option<String>,
) -> Result<Option<Pattern>, SelectorError> {
    match pattern.as_deref() {
        None | Some("") => Ok(None),
        Some(p) if is_literal(p) => Ok(Some(Pattern::Exact(p.to_string()))),
        Some(p) if is_literal(&p.replace('.', "")) => Ok(Some(Pattern::Dotted(p.to_string()))),
        Some(p) => anchored_regex(p)
            .map(|re| Some(Pattern::Regex(re)))
            .map_err(|e| SelectorError {
                field,
                message: format!("`{p}` is not a valid regular expression: {e}"),
            }),
    }
}

/// `^(?:p)$`, compiled once per process: every cluster's objects are matched against the
/// same overlays, and building a regex costs more than matching a cluster's objects. Shared
/// behind an `Arc`: a cloned `Regex` gets a new, empty pool of match caches (regex-automata
/// 0.4 `meta::Regex::clone`), so every match on a clone would build its lazy DFA's cache again.
fn anchored_regex(p: &str) -> Result<std::sync::Arc<Regex>, regex::Error> {
    static REGEXES: Memo<Result<std::sync::Arc<Regex>, regex::Error>> = Memo::new();
    REGEXES.get_or(p, || {
        Regex::new(&format!("^(?:{p})$")).map(std::sync::Arc::new)
    })
}

/// Whether a pattern has none of the characters that mean something to the regex syntax
/// outside a class (`#` only in verbose mode, `&`, `-` and `~` only inside a class): then
/// `^(?:p)$` matches exactly `p`.
fn is_literal(p: &str) -> bool {
    !p.chars().any(|c| {
        matches!(
            c,
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        )
    })
}

impl Selector {
    pub fn compile(&self) -> Result<Matcher, SelectorError> {
        let selector = |field: &'static str, s: &Option<String>| match s.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => LabelSelector::parse(text)
                .map(Some)
                .map_err(|message| SelectorError { field, message }),
        };
        Ok(Matcher {
            group: anchored("group", &self.group)?,
            version: anchored("version", &self.version)?,
            kind: anchored("kind", &self.kind)?,
            name: anchored("name", &self.name)?,
            namespace: anchored("namespace", &self.namespace)?,
            labels: selector("labelSelector", &self.label_selector)?,
            annotations: selector("annotationSelector", &self.annotation_selector)?,
        })
    }
}

impl Matcher {
    /// The one kind this matcher can select, when its kind pattern is a plain name (lets
    /// callers index objects by kind).
    pub fn exact_kind(&self) -> Option<&str> {
        match &self.kind {
            Some(Pattern::Exact(k)) => Some(k),
            _ => None,
        }
    }

    pub fn matches(&self, r: &Resource) -> bool {
        let card = Card::of(r);
        self.selects(Selectable::new(&card, &r.previous))
    }

    /// [`Matcher::matches`] on what the catalog holds of an object.
    pub(crate) fn selects(&self, s: Selectable<'_>) -> bool {
        let test = |p: &Option<Pattern>, s: &str| p.as_ref().is_none_or(|p| p.is_match(s));
        let (cur, org) = (s.id(), s.org_id());
        // The kind first: it sets most objects aside.
        if !test(&self.kind, cur.kind) {
            return false;
        }
        if self.namespace.is_some()
            && !test(&self.namespace, org.effective_namespace())
            && !test(&self.namespace, cur.effective_namespace())
        {
            return false;
        }
        if self.name.is_some() && !test(&self.name, org.name) && !test(&self.name, cur.name) {
            return false;
        }
        if !test(&self.group, cur.group) || !test(&self.version, cur.version) {
            return false;
        }
        if let Some(sel) = &self.labels
            && !sel.matches(|k| s.label(k))
        {
            return false;
        }
        if let Some(sel) = &self.annotations
            && !sel.matches(|k| s.annotation(k))
        {
            return false;
        }
        true
    }
}

impl ResId {
    /// The namespace kustomize compares: "default" for none, and a marker no target can
    /// name for cluster-scoped kinds (`EffectiveNamespace`).
    pub fn effective_namespace(&self) -> &str {
        super::effective_namespace(&self.group, &self.version, &self.kind, &self.namespace)
    }
}

/// A parsed Kubernetes label selector (`k8s.io/apimachinery/pkg/labels.Parse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    Exists,
    DoesNotExist,
    In(Vec<String>),
    NotIn(Vec<String>),
    Gt(i64),
    Lt(i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Ident(String),
    Eq,
    DoubleEq,
    NotEq,
    Bang,
    Open,
    Close,
    Comma,
    Gt,
    Lt,
}

fn lex(s: &str) -> Result<Vec<Token>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'(' => {
                out.push(Token::Open);
                i += 1;
            }
            b')' => {
                out.push(Token::Close);
                i += 1;
            }
            b',' => {
                out.push(Token::Comma);
                i += 1;
            }
            b'>' => {
                out.push(Token::Gt);
                i += 1;
            }
            b'<' => {
                out.push(Token::Lt);
                i += 1;
            }
            b'=' => {
                if b.get(i + 1) == Some(&b'=') {
                    out.push(Token::DoubleEq);
                    i += 2;
                } else {
                    out.push(Token::Eq);
                    i += 1;
                }
            }
            b'!' => {
                if b.get(i + 1) == Some(&b'=') {
                    out.push(Token::NotEq);
                    i += 2;
                } else {
                    out.push(Token::Bang);
                    i += 1;
                }
            }
            _ => {
                let start = i;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'('
                            | b')'
                            | b','
                            | b'>'
                            | b'<'
                            | b'='
                            | b'!'
                    )
                {
                    i += 1;
                }
                out.push(Token::Ident(s[start..i].to_string()));
            }
        }
    }
    Ok(out)
}

/// A label key: an optional DNS subdomain prefix and `/`, then a name of at most 63
/// characters (`validation.IsQualifiedName`).
fn valid_key(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix
        && (p.is_empty()
            || p.len() > 253
            || !p.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            }))
    {
        return false;
    }
    !name.is_empty() && valid_value(name)
}

/// A label value: empty, or at most 63 alphanumerics, `-`, `_`, `.`, starting and ending
/// alphanumeric (`validation.IsValidLabelValue`).
fn valid_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && v.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
            && v.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric))
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        let tokens = lex(text)?;
        let mut requirements = Vec::new();
        let mut i = 0;
        if tokens.is_empty() {
            return Ok(LabelSelector { requirements });
        }
        loop {
            let (req, next) = parse_requirement(&tokens, i)?;
            requirements.push(req);
            i = next;
            match tokens.get(i) {
                None => break,
                Some(Token::Comma) => {
                    i += 1;
                    if i >= tokens.len() {
                        return Err("found end of selector, expected a requirement".into());
                    }
                }
                Some(t) => return Err(format!("found {t:?}, expected ','")),
            }
        }
        Ok(LabelSelector { requirements })
    }

    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.requirements.iter().all(|r| {
            let v = get(&r.key);
            match &r.op {
                Op::Exists => v.is_some(),
                Op::DoesNotExist => v.is_none(),
                Op::In(set) => v.is_some_and(|v| set.iter().any(|s| s == v)),
                Op::NotIn(set) => v.is_none_or(|v| !set.iter().any(|s| s == v)),
                Op::Gt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v > *n),
                Op::Lt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v < *n),
            }
        })
    }
}

fn parse_requirement(t: &[Token], mut i: usize) -> Result<(Requirement, usize), String> {
    let negated = t.get(i) == Some(&Token::Bang);
    if negated {
        i += 1;
    }
    let key = match t.get(i) {
        Some(Token::Ident(k)) => k.clone(),
        other => return Err(format!("found {other:?}, expected a label key")),
    };
    if !valid_key(&key) {
        return Err(format!("invalid label key \"{key}\""));
    }
    i += 1;
    if negated {
        return Ok((
            Requirement {
                key,
                op: Op::DoesNotExist,
            },
            i,
        ));
    }
    let op_token = t.get(i).cloned();
    let op = match op_token {
        None | Some(Token::Comma) => {
            return Ok((
                Requirement {
                    key,
                    op: Op::Exists,
                },
                i,
            ));
        }
        Some(Token::Eq | Token::DoubleEq | Token::NotEq) => {
            i += 1;
            let value = match t.get(i) {
                Some(Token::Ident(v)) => {
                    i += 1;
                    v.clone()
                }
                _ => String::new(),
            };
            if !valid_value(&value) {
                return Err(format!("invalid label value \"{value}\""));
            }
            if op_token == Some(Token::NotEq) {
                Op::NotIn(vec![value])
            } else {
                Op::In(vec![value])
            }
        }
        Some(Token::Gt | Token::Lt) => {
            i += 1;
            let n = match t.get(i) {
                Some(Token::Ident(v)) => v.parse::<i64>().map_err(|_| {
                    format!("for 'Gt', 'Lt' operators, the value must be an integer: {v}")
                })?,
                other => return Err(format!("found {other:?}, expected an integer")),
            };
            i += 1;
            if op_token == Some(Token::Gt) {
                Op::Gt(n)
            } else {
                Op::Lt(n)
            }
        }
        Some(Token::Ident(word)) if word == "in" || word == "notin" => {
            i += 1;
            if t.get(i) != Some(&Token::Open) {
                return Err("expected '(' after in/notin".into());
            }
            i += 1;
            let mut values = Vec::new();
            loop {
                match t.get(i) {
                    Some(Token::Close) => {
                        i += 1;
                        break;
                    }
                    Some(Token::Ident(v)) => {
                        if !valid_value(v) {
                            return Err(format!("invalid label value \"{v}\""));
                        }
                        values.push(v.clone());
                        i += 1;
                    }
                    Some(Token::Comma) => i += 1,
                    other => return Err(format!("found {other:?}, expected a value or ')'")),
                }
            }
            if values.is_empty() {
                return Err("for 'in', 'notin' operators, values set can't be empty".into());
            }
            if word == "in" {
                Op::In(values)
            } else {
                Op::NotIn(values)
            }
        }
        Some(other) => return Err(format!("found {other:?}, expected an operator")),
    };
    Ok((Requirement { key, op }, i))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn sel(s: &str, labels: &[(&str, &str)]) -> bool {
        let m: BTreeMap<&str, &str> = labels.iter().copied().collect();
        LabelSelector::parse(s)
            .unwrap()
            .matches(|k| m.get(k).copied())
    }

    #[test]
    fn label_selectors() {
        let l = [("tier", "frontend"), ("team", "shop")];
        assert!(sel("tier in (frontend,backend),!legacy,team!=pay", &l));
        assert!(!sel("tier notin (frontend)", &l));
        assert!(sel("tier=frontend", &l));
        assert!(sel("tier==frontend,team", &l));
        assert!(!sel("legacy", &l));
        assert!(sel("x!=y", &l));
        assert!(sel("", &l));
        assert!(LabelSelector::parse("tier in ()").is_err());
        assert!(LabelSelector::parse("a b").is_err());
        assert!(LabelSelector::parse("-bad=x").is_err());
    }

    #[test]
    fn regexes_are_anchored() {
        let m = Selector {
            name: Some("web".into()),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(m.name.as_ref().unwrap().is_match("web"));
        assert!(!m.name.as_ref().unwrap().is_match("web-api"));
        let m = Selector {
            name: Some("web-.*|db".into()),
            ..Default::default()
        }
        .compile()
        .unwrap();
        assert!(m.name.as_ref().unwrap().is_match("db"));
        assert!(!m.name.as_ref().unwrap().is_match("web"));
    }

    /// A pattern whose only metacharacter is `.` is matched without a regex, and means what
    /// the regex `^(?:p)$` means: checked against the regex on the names that tell them apart.
    #[test]
    fn dotted_patterns_match_as_their_regex_does() {
        let texts = [
            "cluster.x-k8s.io",
            "clusterXx-k8s.io",
            "cluster\nx-k8s.io",
            "cluster.x-k8s.io.",
            "cluster.x-k8s.i",
            "clusteréx-k8s.io",
            "",
            "a",
            "ab",
        ];
        for p in ["cluster.x-k8s.io", ".", "..", "a."] {
            let pattern = anchored("group", &Some(p.to_string())).unwrap().unwrap();
            assert!(matches!(pattern, Pattern::Dotted(_)), "{p}");
            let re = Regex::new(&format!("^(?:{p})$")).unwrap();
            for t in texts {
                assert_eq!(pattern.is_match(t), re.is_match(t), "{p} on {t:?}");
            }
        }
        assert!(matches!(
            anchored("name", &Some("web-.*".into())).unwrap().unwrap(),
            Pattern::Regex(_)
        ));
    }
}
