//! YAML as platc reads and writes it: a spanned reader with strict scalar rules, and one
//! canonical writer whose bytes match what kustomize writes.

pub mod node;
pub mod read;
pub mod write;
