//! Showing what a render would change: `platc diff`'s unified and stat formats. This module
//! owns their layout. Both show exactly what `render` without `--force` writes or deletes
//! (create, update, remove), in path order; files left alone for want of `--force` are not
//! part of the patch: `stat` lists them on lines of their own, and the unified diff opens
//! with a `#` note for each (text before the first file, which `git apply` and `patch` skip),
//! so they are not missed.
//! Content that is not UTF-8 is never printed: it shows as a binary difference.

use std::fmt::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use similar::{ChangeTag, TextDiff};

use super::OutputError;
use super::manifest::sha256_hex;
use super::plan::{Action, Entry, OnDisk, Plan, Probe};
use crate::tree::Tree;

const NO_FILE: &str = "/dev/null";

/// A unified diff (3 lines of context, `a/` and `b/` prefixes, `/dev/null` for a created or
/// removed side) of every file the render would create, change or remove. With `color`,
/// headers are bold, hunk ranges cyan, removed lines red and added lines green (the caller
/// decides: terminal, `NO_COLOR`, `--color`). The on-disk side is read again from `dir`
/// and must still be what the plan saw.
pub fn unified(dir: &Path, plan: &Plan, tree: &Tree, color: bool) -> Result<String, OutputError> {
    let mut out = String::new();
    // Files left alone for want of `--force` are in no hunk: a note each, first, as `#` lines
    // that patch tools skip as text before the first file (`git apply`, `patch`).
    for note in left_alone(plan) {
        line(
            &mut out,
            paint(color, AnsiColor::Yellow.on_default()),
            &format!("# {note}"),
        );
    }
    for side in sides(dir, plan, tree)? {
        let a = match side.entry.action {
            Action::Create => NO_FILE.to_owned(),
            _ => format!("a/{}", side.entry.path),
        };
        let b = match side.entry.action {
            Action::Remove => NO_FILE.to_owned(),
            _ => format!("b/{}", side.entry.path),
        };
        file_diff(&mut out, &a, &b, &side.old, side.new, color);
    }
    Ok(out)
}

/// One file a render would create, change or remove, with the bytes of both sides (empty
/// for the side where the file is absent).
pub struct Sides<'a> {
    pub entry: &'a Entry,
    pub old: Vec<u8>,
    pub new: &'a [u8],
}

/// Both sides of every file the render would write or delete, in path order. The on-disk
/// side is read again from `dir` and must still be what the plan saw.
pub fn sides<'a>(
    dir: &Path,
    plan: &'a Plan,
    tree: &'a Tree,
) -> Result<Vec<Sides<'a>>, OutputError> {
    let mut probe = Probe::new(dir)?;
    let mut out = Vec::new();
    for e in plan.entries() {
        if !e.action.writes() {
            continue;
        }
        let old = match e.action {
            Action::Create => Vec::new(),
            _ => match probe.read(&e.path)? {
                OnDisk::File(bytes) if Some(sha256_hex(&bytes)) == e.disk_sha256 => bytes,
                _ => {
                    return Err(OutputError::Stale {
                        path: dir.join(&e.path),
                        reason: "the file changed since the folder was read".to_owned(),
                    });
                }
            },
        };
        let new = match e.action {
            Action::Remove => &[][..],
            _ => tree.get(&e.path).ok_or_else(|| OutputError::Internal {
                path: dir.join(&e.path),
                reason: "the plan was made for another tree".to_owned(),
            })?,
        };
        out.push(Sides { entry: e, old, new });
    }
    Ok(out)
}

fn file_diff(out: &mut String, a: &str, b: &str, old: &[u8], new: &[u8], color: bool) {
    let bold = paint(color, Style::new().bold());
    let cyan = paint(color, AnsiColor::Cyan.on_default());
    let red = paint(color, AnsiColor::Red.on_default());
    let green = paint(color, AnsiColor::Green.on_default());
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        // git's wording, which patch tools recognise and skip.
        line(out, bold, &format!("Binary files {a} and {b} differ"));
        return;
    };
    line(out, bold, &format!("--- {a}"));
    line(out, bold, &format!("+++ {b}"));
    let diff = TextDiff::from_lines(old, new);
    // The `---`/`+++` lines are written above rather than through `UnifiedDiff::header`,
    // which prints them only before the first hunk: a created empty file has none.
    let mut udiff = diff.unified_diff();
    udiff.context_radius(3);
    for hunk in udiff.iter_hunks() {
        line(out, cyan, &hunk.header().to_string());
        for change in hunk.iter_changes() {
            let (tag, style) = match change.tag() {
                ChangeTag::Equal => (' ', None),
                ChangeTag::Delete => ('-', red),
                ChangeTag::Insert => ('+', green),
            };
            let value = change.value();
            let (text, terminated) = match value.strip_suffix('\n') {
                Some(t) => (t, true),
                None => (value, false),
            };
            line(out, style, &format!("{tag}{text}"));
            if !terminated {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
}

/// What a render without `--force` leaves alone, and why: one line per file, in path order.
pub fn left_alone(plan: &Plan) -> Vec<String> {
    plan.entries()
        .iter()
        .filter_map(|e| {
            let why = match e.action {
                Action::HandEdited => "edited by hand: left alone, --force overwrites it",
                Action::RemoveHandEdited => {
                    "no longer generated, edited by hand: left alone, --force removes it"
                }
                Action::Conflict => "not written by platc: left alone, --force overwrites it",
                _ => return None,
            };
            Some(format!("{} ({why})", e.path))
        })
        .collect()
}

/// One line per file the render would change (`+ path`, `~ path (+3 -1)`, `- path`), one
/// per file left alone for want of `--force` (`! path (...)`), and a total line.
pub fn stat(plan: &Plan) -> String {
    let mut out = String::new();
    let (mut added, mut removed) = (0, 0);
    for e in plan.entries() {
        let _ = match e.action {
            Action::Unchanged => continue,
            Action::Create => writeln!(out, "+ {}", e.path),
            Action::Remove => writeln!(out, "- {}", e.path),
            Action::Update => match e.lines {
                Some(l) => {
                    added += l.added;
                    removed += l.removed;
                    writeln!(out, "~ {} (+{} -{})", e.path, l.added, l.removed)
                }
                None => writeln!(out, "~ {} (binary)", e.path),
            },
            Action::HandEdited => writeln!(
                out,
                "! {} (edited by hand: left alone, --force overwrites it)",
                e.path
            ),
            Action::RemoveHandEdited => writeln!(
                out,
                "! {} (no longer generated, edited by hand: left alone, --force removes it)",
                e.path
            ),
            Action::Conflict => writeln!(
                out,
                "! {} (not written by platc: left alone, --force overwrites it)",
                e.path
            ),
        };
    }
    let c = plan.counts();
    let skipped = c.hand_edited + c.remove_hand_edited + c.conflict;
    let changed = c.create + c.update + c.remove;
    let _ = if changed == 0 && skipped == 0 {
        writeln!(
            out,
            "no changes{}",
            if plan.manifest_changed() {
                " (only .platc/manifest.json would be rewritten)"
            } else {
                ""
            }
        )
    } else {
        write!(
            out,
            "{changed} file{} would change: {} created, {} changed (+{added} -{removed}), {} removed",
            if changed == 1 { "" } else { "s" },
            c.create,
            c.update,
            c.remove
        )
        .and_then(|()| {
            if skipped > 0 {
                write!(out, "; {skipped} left alone")
            } else {
                Ok(())
            }
        })
        .and_then(|()| writeln!(out))
    };
    out
}

fn paint(color: bool, style: Style) -> Option<Style> {
    color.then_some(style)
}

/// Appends `text` and a newline, styled when `style` is given; the reset comes before the
/// newline so a pager never carries colour into the next line.
fn line(out: &mut String, style: Option<Style>, text: &str) {
    match style {
        Some(s) => {
            let _ = writeln!(out, "{}{text}{}", s.render(), s.render_reset());
        }
        None => {
            out.push_str(text);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plan::plan;
    use crate::output::plan::tests::{BP, rendered, tree};
    use std::fs;

    fn setup() -> (tempfile::TempDir, Tree) {
        let tmp = tempfile::tempdir().unwrap();
        rendered(
            tmp.path(),
            &[
                ("iam/a.yaml", "one\ntwo\nthree\n"),
                ("iam/gone.yaml", "bye\n"),
                ("iam/same.yaml", "same\n"),
                ("iam/edited.yaml", "e\n"),
            ],
        );
        fs::write(tmp.path().join("iam/edited.yaml"), "hand\n").unwrap();
        let t = tree(&[
            ("iam/a.yaml", "one\n2\nthree\nfour"),
            ("iam/new.yaml", "hello\n"),
            ("iam/same.yaml", "same\n"),
            ("iam/edited.yaml", "e2\n"),
        ]);
        (tmp, t)
    }

    #[test]
    fn unified_diff_in_path_order() {
        let (tmp, t) = setup();
        let p = plan(tmp.path(), &t, BP).unwrap();
        let d = unified(tmp.path(), &p, &t, false).unwrap();
        let expected = "\
# iam/edited.yaml (edited by hand: left alone, --force overwrites it)
--- a/iam/a.yaml
+++ b/iam/a.yaml
@@ -1,3 +1,4 @@
 one
-two
+2
 three
+four
\\ No newline at end of file
--- a/iam/gone.yaml
+++ /dev/null
@@ -1 +0,0 @@
-bye
--- /dev/null
+++ b/iam/new.yaml
@@ -0,0 +1 @@
+hello
";
        assert_eq!(d, expected);
        assert!(!d.contains('\u{1b}'));
        assert!(
            !d.contains("a/iam/edited.yaml"),
            "no hunk: left alone without --force"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let (tmp, t) = setup();
        let p = plan(tmp.path(), &t, BP).unwrap();
        let d = unified(tmp.path(), &p, &t, true).unwrap();
        assert!(d.contains("\u{1b}[32m+2\u{1b}[0m\n"), "{d:?}");
        assert!(d.contains("\u{1b}[31m-two\u{1b}[0m\n"), "{d:?}");
        assert!(d.contains("\u{1b}[1m--- a/iam/a.yaml\u{1b}[0m\n"), "{d:?}");
    }

    #[test]
    fn binary_content_is_not_printed() {
        let tmp = tempfile::tempdir().unwrap();
        let mut t = Tree::new();
        t.insert("iam/bin.dat", vec![0xff, 0xfe, 0x00, b'\n']);
        let p = plan(tmp.path(), &t, BP).unwrap();
        let d = unified(tmp.path(), &p, &t, false).unwrap();
        assert_eq!(d, "Binary files /dev/null and b/iam/bin.dat differ\n");
    }

    #[test]
    fn stat_lists_changes_and_skips() {
        let (tmp, t) = setup();
        let p = plan(tmp.path(), &t, BP).unwrap();
        let s = stat(&p);
        assert_eq!(
            s,
            "\
~ iam/a.yaml (+2 -1)
! iam/edited.yaml (edited by hand: left alone, --force overwrites it)
- iam/gone.yaml
+ iam/new.yaml
3 files would change: 1 created, 1 changed (+2 -1), 1 removed; 1 left alone
"
        );
    }

    #[test]
    fn no_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let files = [("iam/a.yaml", "a\n")];
        rendered(tmp.path(), &files);
        let p = plan(tmp.path(), &tree(&files), BP).unwrap();
        assert_eq!(stat(&p), "no changes\n");
        assert_eq!(unified(tmp.path(), &p, &tree(&files), false).unwrap(), "");
    }

    #[test]
    fn diff_refuses_a_folder_changed_since_planning() {
        let (tmp, t) = setup();
        let p = plan(tmp.path(), &t, BP).unwrap();
        fs::write(tmp.path().join("iam/a.yaml"), "meanwhile\n").unwrap();
        assert!(matches!(
            unified(tmp.path(), &p, &t, false).unwrap_err(),
            OutputError::Stale { .. }
        ));
    }
}
