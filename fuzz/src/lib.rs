//! The fuzz targets' bodies, shared with the main crate's corpus regression test
//! (`tests/fuzz_corpus.rs` includes `targets.rs` by path).
mod targets;
pub use targets::*;
