//! Field paths as users write them after `#` (`spec.template.spec.instanceType`,
//! `metadata.labels["platc.io/cluster"]`, `spec.acme.solvers[0]`, or a JSON pointer
//! `/spec/replicas`), and the patterns of field rules (`[*]` any index, `*` any key).

use std::fmt;

use serde_json::Value;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// One step of a rule's pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pat {
    Key(String),
    AnyKey,
    Index(usize),
    AnyIndex,
}

/// A parsed field path.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// Parses `a.b["c.d"][0]` or a JSON pointer (`/a/b/0`).
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(pointer) = text.strip_prefix('/') {
            let segs = pointer
                .split('/')
                .map(|raw| {
                    let step = raw.replace("~1", "/").replace("~0", "~");
                    match step.parse::<usize>() {
                        Ok(i) if !step.starts_with('+') => Seg::Index(i),
                        _ => Seg::Key(step),
                    }
                })
                .collect();
            return Ok(Self(segs));
        }
        let pats = parse_steps(text, false)?;
        Ok(Self(
            pats.into_iter()
                .map(|p| match p {
                    Pat::Key(k) => Seg::Key(k),
                    Pat::Index(i) => Seg::Index(i),
                    Pat::AnyKey | Pat::AnyIndex => unreachable!("wildcards refused above"),
                })
                .collect(),
        ))
    }

    /// The JSON pointer of this path.
    pub fn to_pointer(&self) -> String {
        let mut out = String::new();
        for seg in &self.0 {
            out.push('/');
            match seg {
                Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Seg::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The value at this path in `v`.
    pub fn get<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        self.0.iter().try_fold(v, |v, seg| match (seg, v) {
            (Seg::Key(k), Value::Object(m)) => m.get(k),
            (Seg::Index(i), Value::Array(a)) => a.get(*i),
            _ => None,
        })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if is_plain(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{k:?}]")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

/// Parses a rule's pattern.
pub fn pattern(text: &str) -> Result<Vec<Pat>, String> {
    parse_steps(text, true)
}

/// Whether `pattern` is a prefix of `path` (a rule covers a field and everything below it).
pub fn covers(pattern: &[Pat], path: &FieldPath) -> bool {
    pattern.len() <= path.0.len()
        && pattern.iter().zip(&path.0).all(|(p, s)| match (p, s) {
            (Pat::Key(a), Seg::Key(b)) => a == b,
            (Pat::AnyKey, Seg::Key(_)) | (Pat::AnyIndex, Seg::Index(_)) => true,
            (Pat::Index(a), Seg::Index(b)) => a == b,
            _ => false,
        })
}

fn parse_steps(text: &str, wildcards: bool) -> Result<Vec<Pat>, String> {
    let bad = |why: &str| format!("`{text}` is not a field path: {why}");
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut expect_key = true;
    while let Some(&c) = chars.peek() {
        match c {
            '.' => {
                chars.next();
                if expect_key {
                    return Err(bad("an empty key"));
                }
                expect_key = true;
            }
            '[' => {
                chars.next();
                let mut inner = String::new();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => inner.extend(chars.next()),
                            '"' => {
                                closed = true;
                                break;
                            }
                            c => inner.push(c),
                        }
                    }
                    if !closed || chars.next() != Some(']') {
                        return Err(bad("an unclosed `[\"…\"]`"));
                    }
                    out.push(Pat::Key(inner));
                } else {
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                        inner.push(c);
                    }
                    out.push(match inner.as_str() {
                        "*" if wildcards => Pat::AnyIndex,
                        n => Pat::Index(
                            n.parse()
                                .map_err(|_| bad("a list index must be a number, as in `[0]`"))?,
                        ),
                    });
                }
                expect_key = false;
            }
            _ => {
                if !expect_key {
                    return Err(bad("a key must follow a `.`"));
                }
                let mut key = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '.' || c == '[' {
                        break;
                    }
                    key.push(c);
                    chars.next();
                }
                out.push(if key == "*" && wildcards {
                    Pat::AnyKey
                } else {
                    Pat::Key(key)
                });
                expect_key = false;
            }
        }
    }
    if expect_key && !out.is_empty() {
        return Err(bad("it ends with `.`"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dotted_bracketed_and_pointer_forms() {
        let p = FieldPath::parse("metadata.labels[\"platc.io/cluster\"]").unwrap();
        assert_eq!(
            p.0,
            [
                Seg::Key("metadata".into()),
                Seg::Key("labels".into()),
                Seg::Key("platc.io/cluster".into())
            ]
        );
        assert_eq!(p.to_string(), "metadata.labels[\"platc.io/cluster\"]");
        assert_eq!(p.to_pointer(), "/metadata/labels/platc.io~1cluster");
        assert_eq!(
            FieldPath::parse("/metadata/labels/platc.io~1cluster").unwrap(),
            p
        );
        let q = FieldPath::parse("spec.solvers[0].http01").unwrap();
        assert_eq!(q.to_string(), "spec.solvers[0].http01");
        assert!(FieldPath::parse("spec..x").is_err());
        assert!(FieldPath::parse("spec.").is_err());
        assert!(FieldPath::parse("spec[x]").is_err());
        assert!(
            FieldPath::parse("spec[*]").is_err(),
            "no wildcards in a query"
        );
    }

    #[test]
    fn patterns_cover_fields_below_them() {
        let pat = pattern("spec.subnets[*].zone").unwrap();
        assert!(covers(
            &pat,
            &FieldPath::parse("spec.subnets[3].zone").unwrap()
        ));
        assert!(covers(
            &pat,
            &FieldPath::parse("spec.subnets[3].zone.x").unwrap()
        ));
        assert!(!covers(&pat, &FieldPath::parse("spec.subnets[3]").unwrap()));
        assert!(covers(
            &pattern("metadata.labels.*").unwrap(),
            &FieldPath::parse("metadata.labels[\"a/b\"]").unwrap()
        ));
    }
}
