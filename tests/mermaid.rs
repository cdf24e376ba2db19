//! The picture at the top of every rendered README (issue 24 item 3) is a Mermaid flowchart
//! that Git hosts can draw. Two checks, on every golden README:
//! - a strict checker of the exact subset platc emits, written here independently of the
//!   emitter: anything outside the subset is refused, and so are the mistakes Mermaid accepts
//!   silently (an arrow to an undeclared id makes a new, empty node; a label with a raw `"`);
//!   the mutation tests below show it fails on broken output;
//! - Mermaid's own parser (`tools/mermaid/check.mjs`, mermaid pinned in its lockfile), when
//!   `.ci/run` has installed it; otherwise the test says SKIPPED.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use crate::support::{root, skip};

/// Mermaid's default `maxTextSize` and `maxEdges` (mermaid v12.3.0,
/// `packages/mermaid/src/schemas/config.schema.yaml`): past them it draws an error.
const MAX_TEXT: usize = 50_000;
const MAX_EDGES: usize = 500;

/// The id prefixes platc uses; none is a keyword or starts with `o`/`x`.
const PREFIXES: &[&str] = &["pl", "ws", "cl", "np", "ac", "wl", "ro", "gd", "sm", "aws"];

/// What the checker counted, for assertions.
#[derive(Debug, Default)]
pub struct Stats {
    pub nodes: usize,
    pub subgraphs: usize,
    pub edges: usize,
}

fn is_id(s: &str) -> bool {
    let Some((prefix, rest)) = s.split_once('_') else {
        return false;
    };
    PREFIXES.contains(&prefix)
        && !rest.is_empty()
        && rest.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | 'X' | 'U' | 'A'..='F')
        })
}

/// A quoted label: `"` … `"` with no raw `"`, `<`, `>`, `&`, backtick or control character,
/// and `#` only as a numeric entity `#<digits>;`. Returns the rest of the line after it.
fn label(s: &str) -> Result<&str, String> {
    let body = s
        .strip_prefix('"')
        .ok_or_else(|| format!("label not quoted: {s}"))?;
    let end = body
        .find('"')
        .ok_or_else(|| format!("unterminated label: {s}"))?;
    let text = &body[..end];
    if text.is_empty() {
        return Err("empty label".into());
    }
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !after[digits..].starts_with(';') {
            return Err(format!("`#` that is not a numeric entity in {text:?}"));
        }
        rest = &after[digits + 1..];
    }
    if let Some(c) = text
        .chars()
        .find(|&c| matches!(c, '<' | '>' | '&' | '`') || c.is_control())
    {
        return Err(format!("unescaped {c:?} in label {text:?}"));
    }
    Ok(&body[end + 1..])
}

/// Checks one flowchart (the text between the fences).
pub fn check(text: &str) -> Result<Stats, String> {
    if text.len() > MAX_TEXT {
        return Err(format!(
            "{} characters, past Mermaid's maxTextSize",
            text.len()
        ));
    }
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "flowchart LR")) => {}
        other => return Err(format!("first line must be `flowchart LR`, not {other:?}")),
    }
    let mut stats = Stats::default();
    // Every declared id, with the subgraphs it sits in.
    let mut declared: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut open: Vec<String> = Vec::new();
    let mut classes: BTreeSet<String> = BTreeSet::new();
    for (n, line) in lines {
        let n = n + 1;
        let err = |what: String| format!("line {n}: {what}: {line:?}");
        let indent = line.len() - line.trim_start_matches(' ').len();
        let stmt = &line[indent..];
        let expected = 2 * (open.len() + 1) - if stmt == "end" { 2 } else { 0 };
        if indent != expected {
            return Err(err(format!("indented {indent}, expected {expected}")));
        }
        if stmt.ends_with(' ') || stmt.is_empty() {
            return Err(err("blank or trailing space".into()));
        }
        let mut declare = |id: &str, open: &[String]| -> Result<(), String> {
            if !is_id(id) {
                return Err(err(format!("bad id {id:?}")));
            }
            if declared.insert(id.to_string(), open.to_vec()).is_some() {
                return Err(err(format!("{id} declared twice")));
            }
            Ok(())
        };
        if let Some(comment) = stmt.strip_prefix("%% ") {
            // `%%{` would be a directive.
            if comment.starts_with('{') {
                return Err(err("directive".into()));
            }
        } else if let Some(rest) = stmt.strip_prefix("subgraph ") {
            let (id, title) = rest
                .split_once('[')
                .ok_or_else(|| err("subgraph without title".into()))?;
            declare(id, &open)?;
            if label(title).map_err(&err)? != "]" {
                return Err(err("subgraph title not closed by `]`".into()));
            }
            open.push(id.to_string());
            stats.subgraphs += 1;
        } else if stmt == "end" {
            if open.pop().is_none() {
                return Err(err("`end` without subgraph".into()));
            }
        } else if let Some(rest) = stmt.strip_prefix("classDef ") {
            let (name, style) = rest.split_once(' ').ok_or_else(|| err("classDef".into()))?;
            let style_ok = style.split(',').all(|prop| {
                prop.split_once(':').is_some_and(|(k, v)| {
                    !k.is_empty()
                        && k.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        && !v.trim().is_empty()
                        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
                })
            });
            if !name.chars().all(|c| c.is_ascii_lowercase()) || !style_ok {
                return Err(err("classDef outside the subset".into()));
            }
            classes.insert(name.to_string());
        } else if let Some(rest) = stmt.strip_prefix("class ") {
            let (id, class) = rest.split_once(' ').ok_or_else(|| err("class".into()))?;
            if !declared.contains_key(id) || !classes.contains(class) {
                return Err(err("class of an undeclared node or class".into()));
            }
        } else {
            // The statement's first word: an id, then a shape (a node) or a space (an arrow).
            let word = stmt
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .ok_or_else(|| err("not a statement of the subset".into()))?;
            if stmt[word..].starts_with(' ') {
                let (from, rest) = (&stmt[..word], &stmt[word + 1..]);
                // An arrow: `a --> b`, `a -->|"l"| b`, `a -.->|"l"| b`.
                let (after, labelled) = if let Some(r) = rest.strip_prefix("-->|") {
                    (label(r).map_err(&err)?, true)
                } else if let Some(r) = rest.strip_prefix("-.->|") {
                    (label(r).map_err(&err)?, true)
                } else if let Some(r) = rest.strip_prefix("--> ") {
                    (r, false)
                } else {
                    return Err(err("not a statement of the subset".into()));
                };
                let to = if labelled {
                    after
                        .strip_prefix("| ")
                        .ok_or_else(|| err("label not closed by `| `".into()))?
                } else {
                    after
                };
                for end in [from, to] {
                    if !declared.contains_key(end) {
                        return Err(err(format!("arrow end {end:?} not declared before")));
                    }
                }
                // An arrow from inside a subgraph to that subgraph breaks Mermaid's layout.
                if declared[from].iter().any(|s| s == to) || declared[to].iter().any(|s| s == from)
                {
                    return Err(err("arrow between a subgraph and its own content".into()));
                }
                stats.edges += 1;
            } else {
                // A node: `id["l"]`, `id(["l"])`, `id{{"l"}}`.
                let (id, shape) = stmt.split_at(word);
                let (start, close) = [("[", "]"), ("([", "])"), ("{{", "}}")]
                    .into_iter()
                    .rev()
                    .find(|(s, _)| shape.starts_with(s))
                    .ok_or_else(|| err("unknown shape".into()))?;
                if label(&shape[start.len()..]).map_err(&err)? != close {
                    return Err(err("shape not closed".into()));
                }
                declare(id, &open)?;
                stats.nodes += 1;
            }
        }
    }
    if !open.is_empty() {
        return Err(format!("subgraphs left open: {open:?}"));
    }
    if stats.edges > MAX_EDGES {
        return Err(format!("{} arrows, past Mermaid's maxEdges", stats.edges));
    }
    Ok(stats)
}

/// The README's opening picture: the flowchart in the fence right below the title.
pub fn opening_chart(readme: &str) -> Result<&str, String> {
    let mut offset = 0;
    for (i, line) in readme.split_inclusive('\n').enumerate() {
        match i {
            0 if line.starts_with("# ") => {}
            1 if line == "\n" => {}
            2 if line == "```mermaid\n" => {
                let body = &readme[offset + line.len()..];
                let end = body
                    .find("\n```\n")
                    .ok_or("the mermaid fence is not closed")?;
                return Ok(&body[..end + 1]);
            }
            _ => {
                return Err(format!(
                    "the README does not open with a mermaid fence (line {})",
                    i + 1
                ));
            }
        }
        offset += line.len();
    }
    Err("empty README".into())
}

fn golden_readmes() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("golden"))
        .unwrap()
        .map(|e| e.unwrap().path().join("README.md"))
        .collect();
    out.sort();
    assert!(out.len() >= 5, "golden cases went missing");
    out
}

#[test]
fn every_golden_readme_opens_with_a_picture_in_the_subset() {
    for path in golden_readmes() {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let chart = opening_chart(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stats = check(chart).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            stats.subgraphs >= 2 && stats.nodes >= 1,
            "{}: {stats:?}",
            path.display()
        );
    }
}

const GOOD: &str = "flowchart LR
  subgraph pl_demo[\"platform demo\"]
    subgraph cl_a[\"a · CAPA\"]
      np_aXworkers[\"pool workers · 3 nodes\"]
      wl_aXexternal_dns([\"external-dns · kommander/external-dns\"])
    end
  end
  subgraph aws_iam[\"AWS IAM\"]
    ro_demo_a_external_dns[\"role #34;x#34;\"]
  end
  wl_aXexternal_dns -->|\"IRSA\"| ro_demo_a_external_dns
  ac_admin{{\"access admin\"}}
  ac_admin -->|\"cluster-admin\"| pl_demo
  cl_a -.->|\"Cluster API\"| ro_demo_a_external_dns
  gd_flux([\"Flux\"])
  gd_flux --> cl_a
  classDef dedicated stroke-dasharray: 5 5,stroke-width:2px
  class np_aXworkers dedicated
";

#[test]
fn the_checker_accepts_the_subset() {
    let stats = check(GOOD).unwrap();
    assert_eq!((stats.subgraphs, stats.nodes, stats.edges), (3, 5, 4));
}

/// Each mutation of a good chart is a mistake the checker must refuse.
#[test]
fn the_checker_refuses_broken_output() {
    let mutations: &[(&str, &str)] = &[
        ("    end\n  end\n", "    end\n"), // subgraph left open
        (
            "  end\n  subgraph aws_iam",
            "  end\n  end\n  subgraph aws_iam",
        ), // `end` too many
        ("role #34;x#34;", "role \"x\""),  // raw quote in a label
        ("role #34;x#34;", "role #x"),     // `#` not an entity
        ("role #34;x#34;", "role <b>x</b>"), // HTML
        ("role #34;x#34;", "`role`"),      // Markdown string
        ("[\"pool workers · 3 nodes\"]", "[pool workers]"), // unquoted label
        ("[\"pool workers · 3 nodes\"]", "[\"pool workers\""), // shape not closed
        ("gd_flux --> cl_a", "gd_flux --> cl_b"), // undeclared end
        (
            "gd_flux([\"Flux\"])\n  gd_flux --> cl_a",
            "gd_flux --> cl_a\n  gd_flux([\"Flux\"])",
        ), // used before declared
        ("ac_admin{{", "cl_a{{"),          // declared twice
        (
            "ac_admin{{\"access admin\"}}\n  ac_admin",
            "end{{\"access admin\"}}\n  end",
        ), // keyword as id
        ("gd_flux --> cl_a", "gd_flux --- cl_a"), // arrow outside the subset
        ("gd_flux --> cl_a", "gd_flux ==> cl_a"), // thick arrow
        ("-->|\"IRSA\"| ro", "-->|IRSA| ro"), // unquoted edge label
        ("-->|\"IRSA\"| ro", "-->|\"IRSA\"|ro"), // label not closed by `| `
        ("flowchart LR", "graph LR"),      // other header
        ("      np_aXworkers", "     np_aXworkers"), // bad indentation
        ("class np_aXworkers dedicated", "class np_aXworkers hidden"), // undefined class
        ("stroke-dasharray: 5 5", "stroke-dasharray: 5 5;fill:url(x)"), // style outside the subset
        (
            "  gd_flux --> cl_a\n",
            "  gd_flux --> cl_a\n  %%{init: {}}%%\n",
        ), // a directive
        (
            "  gd_flux --> cl_a\n",
            "  gd_flux --> cl_a\n  wl_aXexternal_dns --> cl_a\n",
        ), // arrow into its own subgraph
        ("np_aXworkers[", "np_a-workers["), // id outside the escape rule
        ("np_aXworkers[", "onode_x["),     // unknown prefix
    ];
    for (from, to) in mutations {
        assert!(
            GOOD.contains(from),
            "mutation source {from:?} not in the good chart"
        );
        let broken = GOOD.replacen(from, to, 1);
        assert!(
            check(&broken).is_err(),
            "accepted a broken chart ({from:?} -> {to:?}):\n{broken}"
        );
    }
    let too_many: String = GOOD.to_string()
        + &(0..=MAX_EDGES)
            .map(|_| "  gd_flux --> cl_a\n")
            .collect::<String>();
    assert!(check(&too_many).is_err(), "more arrows than Mermaid draws");
}

#[test]
fn a_readme_without_the_picture_on_top_is_refused() {
    assert!(opening_chart("# T\n\nText\n```mermaid\nflowchart LR\n```\n").is_err());
    assert!(opening_chart("# T\n\n```mermaid\nflowchart LR\n").is_err());
    assert_eq!(
        opening_chart("# T\n\n```mermaid\nflowchart LR\n```\n\nrest\n").unwrap(),
        "flowchart LR\n"
    );
}

/// Mermaid's own parser on every golden README's picture (`tools/mermaid/check.mjs`).
#[test]
fn mermaid_parses_every_golden_picture() {
    const TEST: &str = "mermaid::mermaid_parses_every_golden_picture";
    let tool = root().join("tools/mermaid");
    if !tool.join("node_modules/mermaid").is_dir() {
        skip(
            TEST,
            "mermaid is not installed (`npm ci --prefix tools/mermaid`, as .ci/run does)",
        );
        return;
    }
    let o = Command::new("node")
        .arg(tool.join("check.mjs"))
        .args(golden_readmes())
        .output()
        .expect("run node");
    assert!(
        o.status.success(),
        "mermaid refused a picture:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // And it does refuse a broken one: the parser is really consulted.
    let scratch = tempfile::tempdir().unwrap();
    let bad = scratch.path().join("README.md");
    std::fs::write(
        &bad,
        format!(
            "# T\n\n```mermaid\n{}```\n",
            GOOD.replacen("    end\n  end\n", "    end\n", 1)
        ),
    )
    .unwrap();
    let o = Command::new("node")
        .arg(tool.join("check.mjs"))
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!o.status.success(), "mermaid accepted an unclosed subgraph");
}

/// A fleet past the cap renders the summary: in the subset, the same size for 14 clusters as
/// for 40, and accepted by Mermaid's parser when it is installed.
#[test]
fn a_fleet_is_drawn_as_a_bounded_summary() {
    let scratch = tempfile::tempdir().unwrap();
    let mut sizes = Vec::new();
    let mut files = Vec::new();
    for n in [14, 40] {
        std::fs::write(
            scratch.path().join("fleet.yaml"),
            crate::crash::fleet_blueprint(n, false),
        )
        .unwrap();
        let out = format!("out{n}");
        let o = crate::support::platc(scratch.path(), &["render", "-f", "fleet.yaml", "-o", &out]);
        assert!(o.status.success(), "{}", crate::support::stderr(&o));
        let path = scratch.path().join(&out).join("README.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let chart = opening_chart(&text).unwrap().to_string();
        check(&chart).unwrap_or_else(|e| panic!("{n} clusters: {e}\n{chart}"));
        assert!(
            chart.contains("sm_eks["),
            "{n} clusters are summarized:\n{chart}"
        );
        sizes.push(chart.lines().count());
        files.push(path);
    }
    assert_eq!(sizes[0], sizes[1], "the summary grew with the fleet");
    if root().join("tools/mermaid/node_modules/mermaid").is_dir() {
        let o = Command::new("node")
            .arg(root().join("tools/mermaid/check.mjs"))
            .args(&files)
            .output()
            .expect("run node");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}
