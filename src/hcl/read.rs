//! A reader for the HCL that [`super::write`] produces (blocks, attributes, strings with
//! interpolations, numbers, booleans, lists, objects, references, `#` comments), so tests can
//! look inside rendered `.tf` files: `read(write(body)) == body`. Function calls, heredocs,
//! operators and `for` expressions are refused, because platc never writes them.

use super::{Block, Body, Expr, Item, Part, Template};

/// Parses a whole file.
pub fn parse(text: &str) -> Result<Body, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let body = p.body(false)?;
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected `}`"));
    }
    Ok(body)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn error(&self, message: &str) -> String {
        let line = self.chars[..self.pos.min(self.chars.len())]
            .iter()
            .filter(|c| **c == '\n')
            .count()
            + 1;
        format!("line {line}: {message}")
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.spaces();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let ok = if self.pos == start {
                c.is_ascii_alphabetic() || c == '_'
            } else {
                c.is_ascii_alphanumeric() || c == '_' || c == '-'
            };
            if !ok {
                break;
            }
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    /// Items until the end of input, or until `}` when `nested`.
    fn body(&mut self, nested: bool) -> Result<Body, String> {
        let mut body = Body::new();
        let mut newlines = 0;
        loop {
            self.spaces();
            match self.peek() {
                None => {
                    if nested {
                        return Err(self.error("unclosed block"));
                    }
                    break;
                }
                Some('\n') => {
                    self.pos += 1;
                    newlines += 1;
                    if newlines == 2 && !body.items.is_empty() {
                        body.items.push(Item::Blank);
                    }
                    continue;
                }
                Some('}') if nested => break,
                Some('#') => {
                    self.pos += 1;
                    let text = self.rest_of_line();
                    body.items.push(Item::Comment(
                        text.strip_prefix(' ').unwrap_or(&text).into(),
                    ));
                }
                Some(_) => {
                    let name = self
                        .identifier()
                        .ok_or_else(|| self.error("expected an attribute or block"))?;
                    self.spaces();
                    if self.peek() == Some('=') {
                        self.pos += 1;
                        let value = self.expr()?;
                        body.items.push(Item::Attribute(name, value));
                    } else {
                        let mut labels = Vec::new();
                        while self.peek() == Some('"') {
                            labels.push(flat(&self.template()?));
                            self.spaces();
                        }
                        self.expect('{')?;
                        let inner = self.body(true)?;
                        self.expect('}')?;
                        body.items.push(Item::Block(Block {
                            kind: name,
                            labels,
                            body: inner,
                        }));
                    }
                    self.spaces();
                    if !matches!(self.peek(), None | Some('\n')) {
                        return Err(self.error("expected the end of the line"));
                    }
                }
            }
            newlines = 0;
        }
        if body.items.last() == Some(&Item::Blank) {
            body.items.pop();
        }
        Ok(body)
    }

    fn rest_of_line(&mut self) -> String {
        let start = self.pos;
        while !matches!(self.peek(), None | Some('\n')) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// Skips spaces, newlines and comments between the elements of a list or object.
    fn gaps(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r' | '\n') => self.pos += 1,
                Some('#') => {
                    self.rest_of_line();
                }
                _ => break,
            }
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.spaces();
        match self.peek() {
            Some('"') => Ok(Expr::Str(self.template()?)),
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.gaps();
                    if self.peek() == Some(']') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.expr()?);
                    self.gaps();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(']') => {}
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
                Ok(Expr::List(items))
            }
            Some('{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.gaps();
                    if self.peek() == Some('}') {
                        self.pos += 1;
                        break;
                    }
                    let key = if self.peek() == Some('"') {
                        flat(&self.template()?)
                    } else {
                        self.identifier()
                            .ok_or_else(|| self.error("expected an object key"))?
                    };
                    self.expect('=')?;
                    entries.push((key, self.expr()?));
                    self.spaces();
                    if self.peek() == Some(',') {
                        self.pos += 1;
                    }
                }
                Ok(Expr::Object(entries))
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                text.parse()
                    .map(Expr::Number)
                    .map_err(|_| self.error("not a whole number"))
            }
            Some(_) => {
                let start = self.pos;
                let first = self
                    .identifier()
                    .ok_or_else(|| self.error("expected a value"))?;
                match first.as_str() {
                    "true" => return Ok(Expr::Bool(true)),
                    "false" => return Ok(Expr::Bool(false)),
                    _ => {}
                }
                loop {
                    match (self.peek(), self.peek_at(1)) {
                        (Some('.'), Some(c)) if c.is_ascii_alphabetic() || c == '_' => {
                            self.pos += 1;
                            self.identifier();
                        }
                        (Some('['), Some(c)) if c.is_ascii_digit() => {
                            while self.peek().is_some_and(|c| c != ']') {
                                self.pos += 1;
                            }
                            self.pos += 1;
                        }
                        (Some('('), _) => {
                            return Err(self.error("function calls are not read"));
                        }
                        _ => break,
                    }
                }
                Ok(Expr::Ref(self.chars[start..self.pos].iter().collect()))
            }
            None => Err(self.error("expected a value")),
        }
    }

    fn template(&mut self) -> Result<Template, String> {
        self.expect('"')?;
        let mut t = Template::default();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unclosed string"));
            };
            self.pos += 1;
            match c {
                '"' => break,
                '\n' => return Err(self.error("newline in a string")),
                '\\' => {
                    let escaped = self.peek().ok_or_else(|| self.error("unclosed string"))?;
                    self.pos += 1;
                    lit.push(match escaped {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        '"' => '"',
                        '\\' => '\\',
                        _ => return Err(self.error("unknown escape")),
                    });
                }
                '$' | '%' if self.peek() == Some(c) && self.peek_at(1) == Some('{') => {
                    self.pos += 2;
                    lit.push(c);
                    lit.push('{');
                }
                '$' if self.peek() == Some('{') => {
                    self.pos += 1;
                    t.push_lit(&std::mem::take(&mut lit));
                    let start = self.pos;
                    let mut depth = 1;
                    while depth > 0 {
                        match self.peek() {
                            None | Some('\n') => return Err(self.error("unclosed `${`")),
                            Some('{') => depth += 1,
                            Some('}') => depth -= 1,
                            _ => {}
                        }
                        self.pos += 1;
                    }
                    let inner: String = self.chars[start..self.pos - 1].iter().collect();
                    t.push_interp(inner.trim());
                }
                '%' if self.peek() == Some('{') => {
                    return Err(self.error("template directives are not read"));
                }
                c => lit.push(c),
            }
        }
        t.push_lit(&lit);
        Ok(t)
    }
}

/// A label or key: the literal text of a template without interpolations.
fn flat(t: &Template) -> String {
    t.0.iter()
        .map(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::Interp(e) => format!("${{{e}}}"),
        })
        .collect()
}

/// The text of a string expression with its interpolations written as `${…}`, or a
/// reference as is: how tests compare values.
pub fn text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Str(t) => Some(flat(t)),
        Expr::Ref(r) => Some(r.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::write::to_hcl;
    use crate::hcl::{string, strings};

    #[test]
    fn reads_what_the_writer_writes() {
        let mut inner = Body::new();
        let mut t = Template::lit("arn:");
        t.push_interp("data.aws_partition.current.partition");
        t.push_lit(":s3:::b/${literal}");
        inner
            .attr("name", string("x \"q\" \\ %{y}"))
            .attr("arn", Expr::Str(t))
            .attr("count", Expr::Number(-3))
            .attr("on", Expr::Bool(false))
            .attr("refs", Expr::Ref("aws_iam_policy.a-b.arn".into()))
            .attr("list", strings(&["a", "b"]))
            .attr("one", strings(&["a"]))
            .attr("empty", Expr::List(vec![]))
            .attr(
                "tags",
                Expr::Object(vec![("k".into(), string("v")), ("a/b".into(), string("w"))]),
            )
            .blank()
            .comment("a comment")
            .block(Block::new("condition", &[], {
                let mut b = Body::new();
                b.attr("test", string("StringEquals"));
                b
            }));
        let mut file = Body::new();
        file.comment("header")
            .blank()
            .block(Block::new("resource", &["t", "n"], inner))
            .blank()
            .block(Block::new("data", &["d", "e"], Body::new()));
        let text = to_hcl(&file);
        assert_eq!(parse(&text).unwrap(), file, "{text}");
    }

    #[test]
    fn refuses_what_platc_never_writes() {
        assert!(parse("a = jsonencode({})\n").is_err());
        assert!(parse("a = \"%{if x}y%{endif}\"\n").is_err());
        assert!(parse("b {\n").is_err());
        assert!(parse("}\n").is_err());
    }
}
