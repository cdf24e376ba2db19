//! The blueprint language: its types (the source of its JSON Schema), loading with spans,
//! the schema pass and the semantic rules.

pub mod check;
pub mod load;
pub mod model;
pub mod path;
pub mod schema;
