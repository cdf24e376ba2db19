//! The round-trip check of embedded YAML: every values block a generator embeds as a string
//! (`Output::embed`) is read back from the bytes emission produced, parsed as YAML the way
//! kustomize reads it, and compared with the data tree it was written from. Any difference is a
//! platc bug (an indentation slip, a scalar that reads back as something else) and stops the
//! render before anything is written: outside linters see a values block as one opaque string.

use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::generate::Embedded;
use crate::source::SourceFile;
use crate::tree::Tree;
use crate::yaml::read::{self, ReadOptions};

/// Checks every embedded tree against `tree`'s bytes; one internal error per mismatch.
pub fn verify(embedded: &[Embedded], tree: &Tree) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Blocks are independent: checked in parallel, problems kept in order.
    embedded
        .par_iter()
        .filter_map(|e| {
            check(e, tree).err().map(|what| {
                Diagnostic::error(
                    Code::Internal,
                    format!(
                        "the YAML embedded at `{}` in `{}` does not read back as the data it was written from: {what}",
                        e.pointer, e.path
                    ),
                )
                .in_file(&e.path)
            })
        })
        .collect()
}

/// `Ok` when the string at `e.pointer` in `e.path` parses to exactly `e.tree`; otherwise
/// what differs.
fn check(e: &Embedded, tree: &Tree) -> Result<(), String> {
    let bytes = tree.get(&e.path).ok_or("the file was not emitted")?;
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8")?;
    let doc = read_one(&e.path, text).map_err(|p| format!("the file does not read back: {p}"))?;
    let Some(Value::String(block)) = doc.pointer(&e.pointer) else {
        return Err("there is no string there".into());
    };
    let label = format!("{}#{}", e.path, e.pointer);
    let values = read_one(&label, block).map_err(|p| format!("the block does not parse: {p}"))?;
    if values == e.tree {
        return Ok(());
    }
    Err(format!(
        "read back {}, written from {}",
        serde_json::to_string(&values).unwrap_or_default(),
        serde_json::to_string(&e.tree).unwrap_or_default()
    ))
}

/// The one document of `text`, read as kustomize (and Helm's YAML reader) reads it.
fn read_one(name: &str, text: &str) -> Result<Value, String> {
    // The reader's short road where the text is in its simple form (it reads the same values
    // as the full reader: `overlay::fast_read`); the full reader otherwise, and for errors.
    if text.len() <= ReadOptions::kustomize().max_bytes
        && let Some(mut docs) = crate::overlay::fast_read::documents(text)
        && docs.len() == 1
    {
        return Ok(docs.remove(0));
    }
    let src = SourceFile::new(name, text);
    let docs = read::read_stream(&src, &ReadOptions::kustomize()).map_err(|diags| {
        diags
            .first()
            .map_or_else(|| "unreadable".to_string(), |d| d.message.clone())
    })?;
    match docs.as_slice() {
        [doc] => Ok(doc.to_json()),
        docs => Err(format!("{} documents instead of one", docs.len())),
    }
}
