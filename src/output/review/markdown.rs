//! The review as GitHub-flavoured Markdown, for a pull-request comment: a headline, one
//! table of objects per cluster (kind, object, change, changed fields) and one of other
//! files, the files left alone, and the full unified diff folded in a `<details>` block.
//! The whole comment stays under GitHub's comment size limit: the folded diff is cut at a
//! line boundary, saying so, when it would not fit.

use std::fmt::Write as _;

use super::{Change, FileChange, Group, KindChanges, ObjectChange, Review};

/// GitHub refuses comments longer than 65,536 characters; leave room for a bot's own text.
pub const MAX_COMMENT_CHARS: usize = 60_000;

/// Changed fields listed per object before "and N more".
const MAX_FIELDS_SHOWN: usize = 6;

pub fn markdown(r: &Review) -> String {
    let mut s = String::from("## platc diff\n\n");
    let _ = writeln!(s, "{}\n", headline(r));
    for g in &r.groups {
        group(&mut s, g);
    }
    if !r.left_alone.is_empty() {
        let _ = writeln!(
            s,
            "**Left alone** ({} file{}; `platc render --force` would change {}):\n",
            r.left_alone.len(),
            plural(r.left_alone.len()),
            if r.left_alone.len() == 1 {
                "it"
            } else {
                "them"
            }
        );
        for l in &r.left_alone {
            let _ = writeln!(s, "- {}: {}", code(&l.path), l.reason);
        }
        s.push('\n');
    }
    if !r.unified.is_empty() {
        folded_diff(&mut s, &r.unified);
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn headline(r: &Review) -> String {
    if r.is_empty() {
        return if r.manifest_only {
            "No changes (only `.platc/manifest.json` would be rewritten).".to_string()
        } else {
            "No changes: the rendered tree is what the blueprint renders.".to_string()
        };
    }
    let t = r.totals;
    let clusters = r.groups.iter().filter(|g| g.cluster.is_some()).count();
    let files = t.files_created + t.files_changed + t.files_removed;
    let replaced = if t.objects_replaced > 0 {
        format!(", {} replaced", t.objects_replaced)
    } else {
        String::new()
    };
    let mut out = format!(
        "**{} object{} added, {} changed{replaced}, {} removed**",
        t.objects_added,
        plural(t.objects_added),
        t.objects_changed,
        t.objects_removed
    );
    if clusters > 0 {
        let _ = write!(out, " in {clusters} cluster{}", plural(clusters));
    }
    let _ = write!(
        out,
        "; {files} file{} would change ({} created, {} changed, {} removed).",
        plural(files),
        t.files_created,
        t.files_changed,
        t.files_removed
    );
    out
}

fn group(s: &mut String, g: &Group) {
    match &g.cluster {
        Some(c) => {
            let _ = writeln!(s, "### Cluster {}\n", code(c));
        }
        None => s.push_str("### Outside the clusters' folders\n\n"),
    }
    if !g.kinds.is_empty() {
        s.push_str("| kind | object | change | fields |\n|---|---|---|---|\n");
        for k in &g.kinds {
            let kind = kind_label(k, &g.kinds);
            for o in &k.objects {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    cell(&kind),
                    code(&o.id.qualified_name()),
                    change_cell(o),
                    fields_cell(&o.fields)
                );
            }
        }
        s.push('\n');
    }
    if !g.files.is_empty() {
        s.push_str("| file | change | keys |\n|---|---|---|\n");
        for f in &g.files {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                code(&f.path),
                f.change.as_str(),
                file_detail(f)
            );
        }
        s.push('\n');
    }
}

/// The kind alone, or with its group when two groups of this cluster share the kind.
fn kind_label(k: &KindChanges, all: &[KindChanges]) -> String {
    let shared = all
        .iter()
        .filter(|o| o.kind == k.kind && o.group != k.group)
        .count()
        > 0;
    if shared && !k.group.is_empty() {
        format!("{} ({})", k.kind, k.group)
    } else {
        k.kind.clone()
    }
}

fn change_cell(o: &ObjectChange) -> String {
    let mut out = o.change.as_str().to_string();
    if matches!(o.change, Change::Changed | Change::Replaced) {
        if let Some(prev) = &o.previous_name {
            out.push_str(&format!(" (was {})", code(prev)));
        }
        if let Some(prev) = &o.previous_file {
            out.push_str(&format!(" (moved from {})", code(prev)));
        }
    }
    if let Some(reason) = &o.reason {
        out.push_str(&format!("<br>{}", cell(reason)));
    }
    out
}

fn fields_cell(fields: &[String]) -> String {
    let mut parts: Vec<String> = fields
        .iter()
        .take(MAX_FIELDS_SHOWN)
        .map(|f| code(f))
        .collect();
    if fields.len() > MAX_FIELDS_SHOWN {
        parts.push(format!("and {} more", fields.len() - MAX_FIELDS_SHOWN));
    }
    parts.join("<br>")
}

fn file_detail(f: &FileChange) -> String {
    let mut parts = Vec::new();
    if !f.keys.is_empty() {
        parts.push(fields_cell(&f.keys));
    }
    if let Some((added, removed)) = f.lines {
        parts.push(format!("+{added} −{removed} lines"));
    }
    parts.join("<br>")
}

/// Text in a table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A code span that survives backticks in its text, safe inside a table cell.
fn code(text: &str) -> String {
    let longest = longest_backtick_run(text);
    let ticks = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    cell(&format!("{ticks}{pad}{text}{pad}{ticks}"))
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        if c == '`' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

fn folded_diff(s: &mut String, unified: &str) {
    let total_lines = unified.lines().count();
    // Room left for the diff in the comment, after the summary and the fence lines.
    let room = MAX_COMMENT_CHARS.saturating_sub(s.len() + 400);
    let (shown, cut) = if unified.len() <= room {
        (unified, 0)
    } else {
        let mut end = 0;
        for line in unified.split_inclusive('\n') {
            if end + line.len() > room {
                break;
            }
            end += line.len();
        }
        let shown = &unified[..end];
        (shown, total_lines - shown.lines().count())
    };
    let fence = "`".repeat((longest_backtick_run(shown) + 1).max(3));
    let _ = writeln!(
        s,
        "<details><summary>Full diff ({total_lines} line{})</summary>\n\n{fence}diff",
        plural(total_lines)
    );
    s.push_str(shown);
    if !shown.ends_with('\n') {
        s.push('\n');
    }
    let _ = writeln!(s, "{fence}");
    if cut > 0 {
        let _ = writeln!(
            s,
            "\n{cut} more line{} not shown: run `platc diff` to see them.",
            plural(cut)
        );
    }
    s.push_str("\n</details>\n");
}

#[cfg(test)]
pub fn code_for_tests(text: &str) -> String {
    code(text)
}
