//! `.platc/manifest.json`: the list of files platc owns in an output folder, each with the
//! sha256 of the bytes platc last wrote there, plus the digest of the blueprint that produced
//! them. Ownership is what makes pruning safe (platc deletes only what it listed) and hand
//! edits detectable (on-disk sha256 ≠ listed sha256). This module owns the file's format:
//! a byte-deterministic serialization (fixed key order, 2-space indent, final newline, so the
//! manifest itself is stable in Git and in golden tests) and a strict parser, because a
//! corrupt or hostile manifest must stop the render before anything is pruned or written.
//!
//! The manifest does not list itself, nor the lock file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use super::OutputError;
use crate::tree::{Tree, is_clean_relative};

/// Version of the manifest's format. Deliberately not the crate version: a platc release
/// that changes no output must not change a single byte of any golden tree. Bump only when
/// the meaning or shape of the file changes, and teach [`Manifest::parse`] the old shape.
pub const FORMAT_VERSION: u32 = 1;

/// The `generator` field: which tool owns the folder.
pub const GENERATOR: &str = "platc";

/// Where the manifest lives, relative to the output folder.
pub const MANIFEST_PATH: &str = ".platc/manifest.json";

/// The journal of a render in progress: the manifest it means to leave, written (atomically)
/// before its first file and removed after the manifest. A render that dies in between
/// (SIGKILL, a full disk that also refuses the manifest) leaves it, and the next plan
/// counts a file whose bytes match it as platc's, not as a hand edit. Same format and
/// parser as the manifest.
pub const PENDING_PATH: &str = ".platc/pending.json";

/// The lock file a render holds while it writes (see `write.rs`).
pub const LOCK_PATH: &str = ".platc/lock";

/// platc's own folder for bookkeeping; the rendered tree never writes into it.
pub const STATE_DIR: &str = ".platc";

/// A manifest larger than this is refused unread: real ones are a few kilobytes, and a
/// hostile one must not make platc allocate without bound.
pub(crate) const MAX_MANIFEST_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub format_version: u32,
    /// sha256 hex of the blueprint (and overlays) that produced this tree.
    pub blueprint_sha256: String,
    /// Owned path → sha256 hex (lowercase) of the bytes platc last wrote there.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest of a tree written in full: every file owned with its own hash.
    pub fn for_tree(tree: &Tree, blueprint_sha256: &str) -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            blueprint_sha256: blueprint_sha256.to_owned(),
            files: tree
                .files()
                .map(|(path, bytes)| (path.to_owned(), sha256_hex(bytes)))
                .collect(),
        }
    }

    /// The exact bytes of `.platc/manifest.json`. Written by hand rather than through
    /// serde_json so that the layout is fixed here, in one place, and cannot fail.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        out.push_str("{\n");
        out.push_str(&format!("  \"formatVersion\": {},\n", self.format_version));
        out.push_str(&format!("  \"generator\": {},\n", json_string(GENERATOR)));
        out.push_str(&format!(
            "  \"blueprintSha256\": {},\n",
            json_string(&self.blueprint_sha256)
        ));
        if self.files.is_empty() {
            out.push_str("  \"files\": {}\n");
        } else {
            out.push_str("  \"files\": {\n");
            let last = self.files.len() - 1;
            for (i, (path, hash)) in self.files.iter().enumerate() {
                out.push_str(&format!(
                    "    {}: {}{}\n",
                    json_string(path),
                    json_string(hash),
                    if i == last { "" } else { "," }
                ));
            }
            out.push_str("  }\n");
        }
        out.push_str("}\n");
        out.into_bytes()
    }

    /// Reads a manifest strictly; errors name `.platc/manifest.json`. Refused: invalid
    /// JSON, trailing data, unknown or missing fields, duplicate keys, an unknown format
    /// version, another generator, a hash that is not 64 lowercase hex digits, and any file
    /// path platc does not generate ([`is_owned_path`]: `..`, absolute, `.git/`, `.platc/`,
    /// outside the generated layout).
    pub fn parse(bytes: &[u8]) -> Result<Manifest, OutputError> {
        Self::parse_at(bytes, Path::new(MANIFEST_PATH))
    }

    /// [`Manifest::parse`], with errors naming `path` (the manifest in its folder).
    pub fn parse_at(bytes: &[u8], path: &Path) -> Result<Manifest, OutputError> {
        let bad = |reason: String| OutputError::Manifest {
            path: path.to_path_buf(),
            reason,
        };
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(bad(format!(
                "it is larger than {} MiB",
                MAX_MANIFEST_BYTES / 1024 / 1024
            )));
        }
        // The shape we know first (one parse of a fleet's 2 MB manifest); when that fails, or
        // names another version, a loose parse says whether the manifest is from a newer platc
        // rather than reporting an unknown field of the shape we know.
        let typed = serde_json::from_slice::<Wire>(bytes);
        let wire = match typed {
            Ok(wire) if wire.format_version == FORMAT_VERSION => wire,
            typed => {
                let loose: serde_json::Value = serde_json::from_slice(bytes)
                    .map_err(|e| bad(format!("it is not valid JSON ({e})")))?;
                match loose
                    .get("formatVersion")
                    .and_then(serde_json::Value::as_u64)
                {
                    Some(v) if v == u64::from(FORMAT_VERSION) => {}
                    Some(v) => {
                        return Err(bad(format!(
                            "it has format version {v}, and this platc reads only version \
                             {FORMAT_VERSION} (was it written by a newer platc?)"
                        )));
                    }
                    None => return Err(bad("it has no numeric formatVersion".to_owned())),
                }
                typed.map_err(|e| bad(format!("it does not have the expected shape ({e})")))?
            }
        };
        if wire.generator != GENERATOR {
            return Err(bad(format!(
                "it was written by {:?}, not {GENERATOR}",
                wire.generator
            )));
        }
        if !is_sha256_hex(&wire.blueprint_sha256) {
            return Err(bad(
                "blueprintSha256 is not 64 lowercase hexadecimal digits".to_owned(),
            ));
        }
        for (file, hash) in &wire.files.0 {
            if !is_owned_path(file) {
                return Err(bad(format!(
                    "it lists {file:?}, which is not a file platc generates (platc owns only \
                     README.md and files below clusters/, gitops/, iam/ and platform/, never a \
                     path with `..` or a step starting with `.` such as .git/)"
                )));
            }
            if !is_sha256_hex(hash) {
                return Err(bad(format!(
                    "the hash of {file:?} is not 64 lowercase hexadecimal digits"
                )));
            }
        }
        Ok(Manifest {
            format_version: wire.format_version,
            blueprint_sha256: wire.blueprint_sha256,
            files: wire.files.0,
        })
    }
}

/// The generated layout: the only top-level file platc writes, and the folders below which
/// it writes everything else (README.md, "The rendered tree"). A new top-level folder is
/// added here; until it is, the writer refuses the tree (`plan::check_tree`), so this list
/// cannot fall behind the generators.
pub const GENERATED_FILES: &[&str] = &["README.md", GITATTRIBUTES];

/// The tree's `.gitattributes` (`emit`): the one file platc owns whose name starts with `.`,
/// named here exactly; every other step starting with `.` stays out of reach.
pub const GITATTRIBUTES: &str = ".gitattributes";
pub const GENERATED_FOLDERS: &[&str] = &["clusters", "gitops", "iam", "platform"];

/// A path platc may own: clean and relative (no `..`, `.`, empty step, leading `/`,
/// backslash), no control characters (NUL would be cut short by the OS; escapes would reach
/// terminals), and inside the generated layout ([`GENERATED_FILES`], [`GENERATED_FOLDERS`])
/// with no step starting with `.` (but the tree's own `.gitattributes`): never `.git/`,
/// `.github/` or platc's own `.platc/`. A
/// manifest is a file in the repository that anyone can edit; this rule is what keeps an
/// edited one from making a render delete or overwrite a file platc never generates.
pub(crate) fn is_owned_path(path: &str) -> bool {
    if !is_clean_relative(path) || path.chars().any(char::is_control) {
        return false;
    }
    if path == GITATTRIBUTES {
        return true;
    }
    if path.split('/').any(|step| step.starts_with('.')) {
        return false;
    }
    match path.split_once('/') {
        None => GENERATED_FILES.contains(&path),
        Some((top, _)) => GENERATED_FOLDERS.contains(&top),
    }
}

pub use crate::tree::sha256_hex;

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A JSON string literal, escaped as serde_json does (`"`, `\`, control characters;
/// non-ASCII stays UTF-8).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The on-disk shape, for the strict parse.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Wire {
    format_version: u32,
    generator: String,
    blueprint_sha256: String,
    files: StrictMap,
}

/// A JSON object whose duplicate keys are an error (serde_json would keep the last one
/// silently, and a manifest with two hashes for one file is corrupt).
struct StrictMap(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for StrictMap {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrictMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object mapping file paths to sha256 hex strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictMap, A::Error> {
                let mut files = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    if files.contains_key(&k) {
                        return Err(de::Error::custom(format!("{k:?} is listed twice")));
                    }
                    files.insert(k, v);
                }
                Ok(StrictMap(files))
            }
        }
        deserializer.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn sample() -> Manifest {
        let mut tree = Tree::new();
        tree.insert("README.md", b"abc".to_vec());
        tree.insert("clusters/a/kustomization.yaml", b"".to_vec());
        Manifest::for_tree(&tree, H_ABC)
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(sha256_hex(b"abc"), H_ABC);
        assert!(is_sha256_hex(&sha256_hex(b"")));
    }

    #[test]
    fn serialization_is_fixed() {
        let expected = format!(
            "{{\n  \"formatVersion\": 1,\n  \"generator\": \"platc\",\n  \"blueprintSha256\": \"{H_ABC}\",\n  \"files\": {{\n    \"README.md\": \"{H_ABC}\",\n    \"clusters/a/kustomization.yaml\": \"{}\"\n  }}\n}}\n",
            sha256_hex(b"")
        );
        assert_eq!(String::from_utf8(sample().to_bytes()).unwrap(), expected);
        let empty = Manifest::for_tree(&Tree::new(), H_ABC);
        assert!(
            String::from_utf8(empty.to_bytes())
                .unwrap()
                .ends_with("  \"files\": {}\n}\n")
        );
    }

    #[test]
    fn serialization_matches_serde_json_pretty() {
        // Our hand-written layout is exactly what a standard pretty printer produces, so
        // any JSON tool reformatting the file leaves it unchanged.
        let m = sample();
        let v = crate::json::json!({
            "formatVersion": 1,
            "generator": "platc",
            "blueprintSha256": m.blueprint_sha256,
            "files": m.files,
        });
        let mut pretty = serde_json::to_string_pretty(&v).unwrap();
        pretty.push('\n');
        assert_eq!(pretty.as_bytes(), m.to_bytes().as_slice());
        assert_eq!(json_string("a\"b\\c\u{1}é"), "\"a\\\"b\\\\c\\u0001é\"");
    }

    #[test]
    fn round_trip() {
        let m = sample();
        assert_eq!(Manifest::parse(&m.to_bytes()).unwrap(), m);
        let empty = Manifest::for_tree(&Tree::new(), H_ABC);
        assert_eq!(Manifest::parse(&empty.to_bytes()).unwrap(), empty);
    }

    fn with_files(files: &str) -> String {
        format!(
            "{{\"formatVersion\": 1, \"generator\": \"platc\", \"blueprintSha256\": \"{H_ABC}\", \"files\": {{{files}}}}}"
        )
    }

    fn refused(text: &str) -> String {
        match Manifest::parse_at(text.as_bytes(), Path::new("out/.platc/manifest.json")) {
            Err(e @ OutputError::Manifest { .. }) => e.to_string(),
            other => panic!("expected a manifest error for {text}, got {other:?}"),
        }
    }

    #[test]
    fn refuses_corrupt_and_hostile_manifests() {
        let ok = with_files(&format!("\"iam/a.yaml\": \"{H_ABC}\""));
        assert!(Manifest::parse(ok.as_bytes()).is_ok());

        assert!(refused("{\"formatVersion\": 1, \"files\": {").contains("not valid JSON"));
        assert!(refused("").contains("not valid JSON"));
        assert!(refused(&format!("{ok} x")).contains("not valid JSON"));
        assert!(
            refused(&ok.replace("\"formatVersion\": 1", "\"formatVersion\": 2"))
                .contains("format version 2")
        );
        assert!(
            refused(&ok.replace("\"formatVersion\": 1", "\"formatVersion\": \"1\""))
                .contains("formatVersion")
        );
        assert!(refused(&ok.replace("\"platc\"", "\"other\"")).contains("other"));
        refused(&ok.replace(", \"generator\": \"platc\"", ""));
        refused(&ok.replace("\"generator\"", "\"extra\": 1, \"generator\""));
        refused(&ok.replace(H_ABC, "ABC"));
        refused(&ok.replace(&format!("\"{H_ABC}\"}}"), "\"BA7816BF\"}"));
        refused("[]");

        for hostile in [
            "../x",
            "/etc/x",
            "a/./b",
            "a\\\\b",
            "a//b",
            "",
            "a/",
            "a/../../b",
            ".platc/manifest.json",
            ".platc/lock",
            "a\\u0000b",
            "a\\u001b[31mb",
            ".git/config",
            ".git/index",
            ".github/workflows/ci.yml",
            "clusters/a/.git/config",
            "Makefile",
            "docs/x.md",
            "clusters",
        ] {
            let msg = refused(&with_files(&format!("\"{hostile}\": \"{H_ABC}\"")));
            assert!(
                msg.contains("not a file platc generates"),
                "{hostile}: {msg}"
            );
            assert!(msg.contains("out/.platc/manifest.json"), "{msg}");
        }

        let dup = with_files(&format!(
            "\"iam/a.yaml\": \"{H_ABC}\", \"iam/a.yaml\": \"{H_ABC}\""
        ));
        assert!(refused(&dup).contains("listed twice"));
    }
}
