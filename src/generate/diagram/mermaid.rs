//! The Mermaid text of the diagram: a `flowchart` written in a small, fixed subset (nodes
//! of four shapes, subgraphs, labelled arrows, one class), with node ids derived from names
//! by an escaping rule that cannot collide and every label quoted and escaped. The subset is
//! what `tests/mermaid.rs` accepts, and what Mermaid's own parser (`tools/mermaid`) is run on.
//!
//! Syntax facts: mermaid-js/mermaid `docs/syntax/flowchart.md` (quoted labels for special
//! characters, "Entity codes to escape characters": `#35;` is `#`, numbers in base 10; the
//! warnings about a node named `end` and about `o`/`x` starting a node after a link).

use std::fmt::Write as _;

/// What a node id stands for: its prefix. Prefixes are lowercase letters without `_`, so the
/// first `_` of an id ends it; none is a Mermaid keyword (`end`, `graph`, `style`, …) and none
/// starts with `o` or `x`, which Mermaid would read as an arrow head after `--`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Platform,
    Workspace,
    Cluster,
    Pool,
    Access,
    Workload,
    Role,
    Delivery,
    /// A group of clusters drawn as one node (the summary of a large fleet).
    Summary,
    Iam,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Platform => "pl",
            Kind::Workspace => "ws",
            Kind::Cluster => "cl",
            Kind::Pool => "np",
            Kind::Access => "ac",
            Kind::Workload => "wl",
            Kind::Role => "ro",
            Kind::Delivery => "gd",
            Kind::Summary => "sm",
            Kind::Iam => "aws",
        }
    }
}

/// A node id: `<prefix>_<part>X<part>…`, each part escaped by [`escape_part`]. Parts never
/// contain `X`, so the parts are recovered by splitting at `X`, and each part decodes back to
/// its name: two different (kind, names) never share an id.
pub fn id(kind: Kind, parts: &[&str]) -> String {
    let mut s = String::from(kind.prefix());
    s.push('_');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            s.push('X');
        }
        escape_part(part, &mut s);
    }
    s
}

/// `a`–`z` and `0`–`9` stay, `-` (the only other character of a DNS label, which most names
/// are) becomes `_`, and any other character `U<hex>U` (uppercase hex of its code point).
/// No output character is `X`, and the code is prefix-free, so it decodes uniquely.
fn escape_part(name: &str, out: &mut String) {
    for ch in name.chars() {
        match ch {
            'a'..='z' | '0'..='9' => out.push(ch),
            '-' => out.push('_'),
            _ => {
                let _ = write!(out, "U{:X}U", u32::from(ch));
            }
        }
    }
}

/// A label in double quotes. Inside quotes Mermaid ends the string at `"`, reads `#…;` as an
/// entity, renders HTML (`<`, `>`, `&`) and reads a leading backtick as Markdown: each of
/// these is written as a numeric entity (`#34;`), which Mermaid decodes back to the character.
/// Line breaks become spaces (a label is one line of the source).
pub fn label(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for ch in text.chars() {
        match ch {
            '"' | '#' | '<' | '>' | '&' | '`' => {
                let _ = write!(s, "#{};", u32::from(ch));
            }
            '\n' | '\r' | '\t' => s.push(' '),
            c if c.is_control() => {}
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// A node's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `["…"]`: pools, roles, summaries.
    Box,
    /// `(["…"])`: workloads and the GitOps engine.
    Stadium,
    /// `{{"…"}}`: access groups.
    Hexagon,
}

/// The flowchart being written, with the indentation of its open subgraphs.
pub struct Flowchart {
    text: String,
    depth: usize,
    edges: usize,
}

/// A finished flowchart: its text and how many arrows it has (Mermaid's limits count both).
pub struct Chart {
    pub text: String,
    pub edges: usize,
}

/// The class of dedicated (tainted) node pools: a dashed, thick border.
pub const DEDICATED: &str = "dedicated";

impl Default for Flowchart {
    fn default() -> Self {
        Self::new()
    }
}

impl Flowchart {
    pub fn new() -> Self {
        Flowchart {
            text: String::from("flowchart LR\n"),
            depth: 1,
            edges: 0,
        }
    }

    fn line(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str("  ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    pub fn comment(&mut self, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        self.line(&format!("%% {text}"));
    }

    pub fn open(&mut self, id: &str, title: &str) {
        self.line(&format!("subgraph {id}[{}]", label(title)));
        self.depth += 1;
    }

    pub fn close(&mut self) {
        self.depth -= 1;
        self.line("end");
    }

    pub fn node(&mut self, id: &str, shape: Shape, text: &str) {
        let l = label(text);
        let line = match shape {
            Shape::Box => format!("{id}[{l}]"),
            Shape::Stadium => format!("{id}([{l}])"),
            Shape::Hexagon => format!("{id}{{{{{l}}}}}"),
        };
        self.line(&line);
    }

    /// A solid arrow, labelled when `text` is not empty.
    pub fn edge(&mut self, from: &str, to: &str, text: &str) {
        self.edges += 1;
        if text.is_empty() {
            self.line(&format!("{from} --> {to}"));
        } else {
            self.line(&format!("{from} -->|{}| {to}", label(text)));
        }
    }

    /// A dotted arrow: a relation that is not a delivery (Cluster API creating a cluster).
    pub fn dotted(&mut self, from: &str, to: &str, text: &str) {
        self.edges += 1;
        self.line(&format!("{from} -.->|{}| {to}", label(text)));
    }

    /// Marks nodes as dedicated pools, after the class is defined.
    pub fn finish(mut self, dedicated: &[String]) -> Chart {
        if !dedicated.is_empty() {
            self.line(&format!(
                "classDef {DEDICATED} stroke-dasharray: 5 5,stroke-width:2px"
            ));
            // One `class` line per node keeps each line short on a large platform.
            for id in dedicated {
                self.line(&format!("class {id} {DEDICATED}"));
            }
        }
        Chart {
            text: self.text,
            edges: self.edges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes an id back to its kind prefix and names: the inverse of [`id`], so ids of
    /// different names cannot be equal.
    fn decode(id: &str) -> (String, Vec<String>) {
        let (prefix, rest) = id.split_once('_').unwrap();
        let parts = rest
            .split('X')
            .map(|part| {
                let mut out = String::new();
                let mut chars = part.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '_' => out.push('-'),
                        'U' => {
                            let hex: String = chars.by_ref().take_while(|&c| c != 'U').collect();
                            out.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                            );
                        }
                        c => out.push(c),
                    }
                }
                out
            })
            .collect();
        (prefix.to_string(), parts)
    }

    #[test]
    fn ids_decode_back_to_their_names() {
        let cases: &[&[&str]] = &[
            &["sandbox-eks"],
            &["a--b", "c"],
            &["a", "-b-c"],
            &["A.b_c X", "pool/1"],
            &["ü", "😀"],
            &["", "x"],
        ];
        for parts in cases {
            let made = id(Kind::Pool, parts);
            assert!(
                made.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{made}"
            );
            let (prefix, names) = decode(&made);
            assert_eq!(prefix, "np");
            assert_eq!(
                names,
                parts.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn names_that_look_alike_get_different_ids() {
        let ids = [
            id(Kind::Cluster, &["a-b"]),
            id(Kind::Cluster, &["a_b"]),
            id(Kind::Cluster, &["a.b"]),
            id(Kind::Cluster, &["aXb"]),
            id(Kind::Pool, &["a", "b"]),
            id(Kind::Pool, &["a-", "b"]),
            id(Kind::Pool, &["a", "-b"]),
            id(Kind::Pool, &["aU2DU", "b"]),
        ];
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
    }

    #[test]
    fn labels_escape_what_mermaid_reads_inside_quotes() {
        assert_eq!(label("plain · text"), "\"plain · text\"");
        assert_eq!(
            label("say \"hi\" #1 <b> & `x`"),
            "\"say #34;hi#34; #35;1 #60;b#62; #38; #96;x#96;\""
        );
        assert_eq!(label("two\nlines"), "\"two lines\"");
    }

    #[test]
    fn subgraphs_indent_and_close() {
        let mut f = Flowchart::new();
        f.open("pl_x", "platform x");
        f.node("np_a", Shape::Box, "a");
        f.close();
        f.edge("np_a", "pl_x", "");
        let chart = f.finish(&["np_a".to_string()]);
        assert_eq!(chart.edges, 1);
        let text = chart.text;
        assert_eq!(
            text,
            "flowchart LR\n  subgraph pl_x[\"platform x\"]\n    np_a[\"a\"]\n  end\n  np_a --> pl_x\n  \
             classDef dedicated stroke-dasharray: 5 5,stroke-width:2px\n  class np_a dedicated\n"
        );
    }
}
