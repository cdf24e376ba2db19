//! The one HCL writer: lays a [`Body`] out exactly as `terraform fmt` (hclwrite's formatter)
//! would, so a rendered `.tf` file passes `terraform fmt -check` unchanged.
//!
//! The rules that matter for what platc writes (hclwrite `format.go`): two spaces of indent
//! per level; `=` of consecutive single-line attributes aligned one space after the longest
//! name of the run, where a run is broken by any line that is not a single-line attribute
//! (a block header, a closing bracket, a blank or comment line, and an attribute whose value
//! opens a bracket it does not close on the same line); one space around `=` otherwise;
//! `[a, b]` and `{}` inside a line. Layout choices of platc's own: a list of more than one
//! element and every non-empty object span several lines, one element per line with a
//! trailing comma.

use super::{Block, Body, Expr, Item, Part, Template, is_identifier};

/// One output line: `lead` after the indent, and for a single-line attribute the `= value`
/// part, which alignment moves.
struct Line {
    indent: usize,
    lead: String,
    assign: Option<String>,
}

impl Line {
    fn plain(indent: usize, lead: impl Into<String>) -> Self {
        Line {
            indent,
            lead: lead.into(),
            assign: None,
        }
    }
}

/// A whole file.
pub fn to_hcl(body: &Body) -> String {
    let mut lines = Vec::new();
    body_lines(body, 0, &mut lines);
    render(&mut lines)
}

fn render(lines: &mut [Line]) -> String {
    align(lines);
    let mut out = String::new();
    for line in lines.iter() {
        if !line.lead.is_empty() {
            out.push_str(&" ".repeat(line.indent));
            out.push_str(&line.lead);
        }
        if let Some(assign) = &line.assign {
            out.push_str(assign);
        }
        out.push('\n');
    }
    out
}

/// hclwrite's `formatCells`: every run of consecutive single-line attributes gets its `=` one
/// column after the end of its longest lead.
fn align(lines: &mut [Line]) {
    let mut start = 0;
    while start < lines.len() {
        if lines[start].assign.is_none() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < lines.len() && lines[end].assign.is_some() {
            end += 1;
        }
        let width = lines[start..end]
            .iter()
            .map(|l| l.indent + l.lead.chars().count())
            .max()
            .unwrap_or(0);
        for line in &mut lines[start..end] {
            let pad = width - (line.indent + line.lead.chars().count()) + 1;
            let assign = line.assign.take().unwrap_or_default();
            line.assign = Some(format!("{}{assign}", " ".repeat(pad)));
        }
        start = end;
    }
}

fn body_lines(body: &Body, indent: usize, out: &mut Vec<Line>) {
    // No blank line at the start or end of a body, and never two in a row.
    let mut pending_blank = false;
    let mut any = false;
    for item in &body.items {
        if matches!(item, Item::Blank) {
            pending_blank = any;
            continue;
        }
        if pending_blank {
            out.push(Line::plain(0, ""));
            pending_blank = false;
        }
        any = true;
        match item {
            Item::Blank => {}
            Item::Comment(text) => out.push(Line::plain(indent, comment(text))),
            Item::Attribute(name, value) => attribute(name, value, indent, out),
            Item::Block(block) => block_lines(block, indent, out),
        }
    }
}

fn comment(text: &str) -> String {
    if text.is_empty() {
        "#".to_string()
    } else {
        format!("# {text}")
    }
}

fn block_lines(block: &Block, indent: usize, out: &mut Vec<Line>) {
    let mut header = block.kind.clone();
    for label in &block.labels {
        header.push(' ');
        header.push_str(&quote(&Template::lit(label.clone())));
    }
    if block.body.items.iter().all(|i| matches!(i, Item::Blank)) {
        out.push(Line::plain(indent, format!("{header} {{}}")));
        return;
    }
    out.push(Line::plain(indent, format!("{header} {{")));
    body_lines(&block.body, indent + 2, out);
    out.push(Line::plain(indent, "}"));
}

fn key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        quote(&Template::lit(name))
    }
}

fn attribute(name: &str, value: &Expr, indent: usize, out: &mut Vec<Line>) {
    match inline(value) {
        Some(text) => out.push(Line {
            indent,
            lead: key(name),
            assign: Some(format!("= {text}")),
        }),
        None => {
            let (open, close) = brackets(value);
            out.push(Line::plain(indent, format!("{} = {open}", key(name))));
            inner_lines(value, indent + 2, out);
            out.push(Line::plain(indent, close));
        }
    }
}

/// The value on one line, or `None` when platc spreads it over several.
fn inline(value: &Expr) -> Option<String> {
    Some(match value {
        Expr::Str(t) => quote(t),
        Expr::Number(n) => n.to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Ref(r) => r.clone(),
        Expr::List(items) if items.is_empty() => "[]".to_string(),
        Expr::List(items) if items.len() == 1 => format!("[{}]", inline(&items[0])?),
        Expr::List(_) => return None,
        Expr::Object(entries) if entries.is_empty() => "{}".to_string(),
        Expr::Object(_) => return None,
    })
}

fn brackets(value: &Expr) -> (&'static str, &'static str) {
    match value {
        Expr::List(_) => ("[", "]"),
        _ => ("{", "}"),
    }
}

fn inner_lines(value: &Expr, indent: usize, out: &mut Vec<Line>) {
    match value {
        Expr::List(items) => {
            for item in items {
                match inline(item) {
                    Some(text) => out.push(Line::plain(indent, format!("{text},"))),
                    None => {
                        let (open, close) = brackets(item);
                        out.push(Line::plain(indent, open));
                        inner_lines(item, indent + 2, out);
                        out.push(Line::plain(indent, format!("{close},")));
                    }
                }
            }
        }
        Expr::Object(entries) => {
            for (name, v) in entries {
                attribute(name, v, indent, out);
            }
        }
        _ => {}
    }
}

/// A quoted template: literal parts escaped (including `${` and `%{`, which would otherwise
/// start a template sequence), interpolations as written.
pub fn quote(t: &Template) -> String {
    let mut s = String::from("\"");
    for part in &t.0 {
        match part {
            Part::Interp(expr) => {
                s.push_str("${");
                s.push_str(expr);
                s.push('}');
            }
            Part::Lit(text) => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => s.push_str("\\\""),
                        '\\' => s.push_str("\\\\"),
                        '\n' => s.push_str("\\n"),
                        '\r' => s.push_str("\\r"),
                        '\t' => s.push_str("\\t"),
                        '$' | '%' if chars.peek() == Some(&'{') => {
                            s.push(c);
                            s.push(c);
                        }
                        c => s.push(c),
                    }
                }
            }
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::{string, strings};

    #[test]
    fn aligns_runs_of_single_line_attributes_only() {
        let mut tags = Body::new();
        tags.attr("name", string("a"))
            .attr("description", string("b"))
            .attr(
                "tags",
                Expr::Object(vec![
                    ("owner".into(), string("x")),
                    ("cost-center".into(), string("1")),
                    ("a:b".into(), string("2")),
                ]),
            )
            .attr("c", Expr::Bool(true))
            .attr("actions", strings(&["s3:GetObject", "s3:PutObject"]))
            .attr("one", strings(&["only"]));
        let mut file = Body::new();
        file.block(Block::new("resource", &["aws_x", "y"], tags))
            .blank()
            .block(Block::new(
                "data",
                &["aws_partition", "current"],
                Body::new(),
            ));
        assert_eq!(
            to_hcl(&file),
            "resource \"aws_x\" \"y\" {\n  name        = \"a\"\n  description = \"b\"\n  tags = {\n    owner       = \"x\"\n    cost-center = \"1\"\n    \"a:b\"       = \"2\"\n  }\n  c = true\n  actions = [\n    \"s3:GetObject\",\n    \"s3:PutObject\",\n  ]\n  one = [\"only\"]\n}\n\ndata \"aws_partition\" \"current\" {}\n"
        );
    }

    #[test]
    fn escapes_template_sequences_in_literals() {
        let mut t = Template::lit("a\"b ${x} %{y} $z ");
        t.push_interp("var.v");
        assert_eq!(quote(&t), "\"a\\\"b $${x} %%{y} $z ${var.v}\"");
    }

    #[test]
    fn drops_leading_trailing_and_double_blank_lines() {
        let mut b = Body::new();
        b.blank()
            .attr("a", Expr::Number(1))
            .blank()
            .blank()
            .attr("bb", Expr::Number(2))
            .blank();
        assert_eq!(to_hcl(&b), "a = 1\n\nbb = 2\n");
    }
}
