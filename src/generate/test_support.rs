//! Helpers the generators' unit tests share: the reference blueprint (which uses every
//! section), variants of it, and the objects of one output file.

use serde_json::Value;

use crate::blueprint::load;
use crate::generate::{self, Content};
use crate::resolve::{self, Resolved};

pub const REFERENCE: &str = include_str!("../../tests/data/reference/reference.yaml");

pub fn resolved(text: &str) -> Resolved {
    let loaded = load::load("t.yaml", text.as_bytes()).expect("blueprint loads");
    resolve::resolve(&loaded.blueprint, "t.yaml")
}

/// The reference blueprint with `edits` (from → to) applied; each must match.
pub fn reference_with(edits: &[(&str, &str)]) -> String {
    let mut text = REFERENCE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "the reference lacks {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The objects of one output file.
pub fn objects(r: &Resolved, path: &str) -> Vec<Value> {
    let out = generate::generate(r).expect("generates");
    match &out.get(path).unwrap_or_else(|| panic!("no {path}")).content {
        Content::Objects(objects) => objects.clone(),
        other => panic!("{path} holds {other:?}"),
    }
}
