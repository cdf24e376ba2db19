//! The output side of `platc`: everything between a rendered [`Tree`](crate::tree::Tree)
//! in memory and the folder on disk. [`plan()`] reads the folder and decides, without
//! writing, what each path needs; [`apply()`] (or [`render()`], which also plans under the
//! lock) carries that out atomically; [`diff`] shows it; [`Manifest`] is
//! `.platc/manifest.json`, the record of which files platc owns and which bytes it last put
//! there. This module owns [`OutputError`]: every failure here is an input/output problem
//! the CLI reports with exit code 74 (except [`OutputError::Internal`], a generator bug, 70),
//! and none of them leaves a half-written file.

pub mod build;
pub mod diff;
pub mod manifest;
pub mod plan;
pub mod review;
pub mod scope;
pub mod upgrade;
pub mod write;

use std::fmt;
use std::io;
use std::path::PathBuf;

pub use manifest::{FORMAT_VERSION, GENERATOR, LOCK_PATH, MANIFEST_PATH, Manifest, sha256_hex};
pub use plan::{Action, Counts, Entry, LineStats, Plan, plan, plan_in};
pub use scope::Scope;
pub use write::{LOCK_WAIT, Outside, Report, apply, render, render_in};

/// Why reading or writing the output folder failed. Every variant names the path involved so
/// that the message alone tells the user where to look.
#[derive(Debug)]
pub enum OutputError {
    /// The operating system refused something (permission, disk full, …).
    Io {
        path: PathBuf,
        /// What platc was doing, as a verb phrase: "read", "create the folder", …
        action: &'static str,
        source: io::Error,
    },
    /// Writing would go through a symbolic link or into something that is not a folder.
    Unsafe { path: PathBuf, reason: String },
    /// `.platc/manifest.json` is corrupt, from an unknown format, or names paths outside the
    /// folder. Nothing is pruned or written while it is so.
    Manifest { path: PathBuf, reason: String },
    /// Another render holds the lock on `.platc/lock`.
    Locked { path: PathBuf },
    /// The folder changed between planning and writing (someone else wrote into it).
    Stale { path: PathBuf, reason: String },
    /// The rendered tree itself is unusable (a generator bug, not the user's fault).
    Internal { path: PathBuf, reason: String },
}

impl OutputError {
    /// The process exit code the CLI uses for this error (sysexits: 74 = I/O error,
    /// 70 = internal software error).
    pub fn exit_code(&self) -> u8 {
        match self {
            OutputError::Internal { .. } => 70,
            _ => 74,
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            OutputError::Io { path, .. }
            | OutputError::Unsafe { path, .. }
            | OutputError::Manifest { path, .. }
            | OutputError::Locked { path }
            | OutputError::Stale { path, .. }
            | OutputError::Internal { path, .. } => path,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        OutputError::Io {
            path: path.into(),
            action,
            source,
        }
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Io {
                path,
                action,
                source,
            } => {
                let hint = match source.kind() {
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                        "; check the folder's permissions, then run again"
                    }
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                        "; free some space, then run again (files already on disk are intact)"
                    }
                    _ => "",
                };
                write!(
                    f,
                    "cannot {action} {}: {}{hint}",
                    path.display(),
                    lower_first(&source.to_string())
                )
            }
            OutputError::Unsafe { path, reason } => write!(
                f,
                "refusing to write through {}: {reason}; nothing was written",
                path.display()
            ),
            OutputError::Manifest { path, reason } if path.ends_with(manifest::PENDING_PATH) => {
                // The journal is never committed, so Git cannot restore it; without it the
                // files the interrupted render wrote hold the new bytes and are adopted.
                write!(
                    f,
                    "cannot trust {}: {reason}; nothing was pruned or written. It is the \
                     journal of an interrupted render, not a file in Git: delete it (rm {}) \
                     and render again; files that render had already written are kept, and \
                     if some are then reported as edited by hand although nobody edited them, \
                     `platc render --force` rewrites them",
                    path.display(),
                    path.display()
                )
            }
            OutputError::Manifest { path, reason } => write!(
                f,
                "cannot trust {}: {reason}; nothing was pruned or written. Restore it from Git \
                 (git checkout -- .platc/manifest.json) or delete it (platc then owns no file \
                 and reports existing ones as conflicts)",
                path.display()
            ),
            OutputError::Locked { path } => write!(
                f,
                "another platc render is writing into this folder (it holds the lock on {}); \
                 wait for it to finish, then run again",
                path.display()
            ),
            OutputError::Stale { path, reason } => write!(
                f,
                "{} changed while platc was rendering ({reason}); run again",
                path.display()
            ),
            OutputError::Internal { path, reason } => write!(
                f,
                "internal error for {}: {reason}; this is a platc bug, please report it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `Permission denied (os error 13)` → `permission denied (os error 13)`, so that messages
/// stay lowercase after the colon like the rest of platc's diagnostics.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_lowercase_and_names_the_path() {
        let e = OutputError::io(
            "/out/a.yaml",
            "write",
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        let s = e.to_string();
        assert!(
            s.starts_with("cannot write /out/a.yaml: permission denied"),
            "{s}"
        );
        assert!(s.contains("permissions"), "{s}");
        assert_eq!(e.exit_code(), 74);
        let e = OutputError::Locked {
            path: "/out/.platc/lock".into(),
        };
        assert!(e.to_string().contains("holds the lock on /out/.platc/lock"));
        assert_eq!(
            OutputError::Internal {
                path: "x".into(),
                reason: "r".into()
            }
            .exit_code(),
            70
        );
    }
}
