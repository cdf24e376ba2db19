//! Output folders `render`, `check` and `diff` refuse before reading anything (exit 2):
//! `-o -` for `check` and `diff` (the tree is a folder of files; standard output cannot
//! hold one; `render -o -` is `platc build` and never gets here) and a folder inside a Git
//! directory (`repo/.git`, `repo/.git/rendered`, a bare repository): writing
//! and pruning there would edit the repository's own database, hooks and config.

use std::path::{Path, PathBuf};

/// `-o -`: standard output. `render` then prints the objects as `platc build` does.
pub fn is_stdout(out: &Path) -> bool {
    out.as_os_str() == "-"
}

/// Why `out` cannot be the output folder, as a message; `None` when it can.
pub fn refusal(out: &Path) -> Option<String> {
    if is_stdout(out) {
        return Some(
            "`-o -`: the rendered tree is a folder of files and cannot be compared with \
             standard output; name a folder (default: ./rendered), or use `platc build` to \
             print the objects"
                .to_owned(),
        );
    }
    let git = git_dir_around(out)?;
    Some(format!(
        "the output folder `{}` is inside the Git directory `{}`; render into a folder of the \
         work tree instead (default: ./rendered)",
        out.display(),
        git.display()
    ))
}

/// The Git directory that is `out` or one of its parents, looked for both as written and
/// with symlinks resolved (for the part of the path that exists).
fn git_dir_around(out: &Path) -> Option<PathBuf> {
    let lexical = std::path::absolute(out).ok()?;
    let resolved = resolved_prefix(&lexical);
    [lexical, resolved]
        .into_iter()
        .find_map(|p| p.ancestors().find(|a| is_git_dir(a)).map(Path::to_path_buf))
}

/// `path` with its longest existing prefix canonicalized and the rest appended.
fn resolved_prefix(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                at = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// A folder named `.git`, or one laid out as a Git directory (`HEAD`, `objects/`, `refs/`:
/// what `git` itself looks for, setup.c `is_git_directory`), which also catches bare
/// repositories and `--separate-git-dir` folders.
fn is_git_dir(p: &Path) -> bool {
    if p.file_name().is_some_and(|n| n == ".git") {
        return true;
    }
    p.join("HEAD").is_file() && p.join("objects").is_dir() && p.join("refs").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_and_git_folders_are_refused() {
        assert!(refusal(Path::new("-")).unwrap().contains("standard output"));
        let tmp = tempfile::tempdir().unwrap();
        for p in ["repo/.git", "repo/.git/rendered", "a/.git/b/c"] {
            assert!(refusal(&tmp.path().join(p)).is_some(), "{p}");
        }
        assert!(refusal(&tmp.path().join("repo/rendered")).is_none());
        assert!(refusal(&tmp.path().join(".github/x")).is_none());
        let bare = tmp.path().join("bare");
        std::fs::create_dir_all(bare.join("objects")).unwrap();
        std::fs::create_dir_all(bare.join("refs")).unwrap();
        std::fs::write(bare.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        assert!(
            refusal(&bare.join("out"))
                .unwrap()
                .contains("Git directory")
        );
        // Through a symlink into a Git directory.
        std::os::unix::fs::symlink(&bare, tmp.path().join("link")).unwrap();
        assert!(refusal(&tmp.path().join("link/new")).is_some());
    }
}
