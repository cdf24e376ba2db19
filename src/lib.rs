//! platc compiles one platform blueprint (`platform.yaml`) into the Git repository of rendered
//! configuration: Cluster API manifests, add-on settings and their kustomizations.
//!
//! The stages, each with a type between it and the next (see `ARCHITECTURE.md`):
//! bytes → [`yaml`] tree → [`blueprint`] (schema, checks) → [`resolve::Resolved`] →
//! [`generate::Output`] → [`emit`] → [`tree::Tree`] → [`output`] (the disk).

pub mod allocator;
pub mod background;
pub mod beside;
pub mod blueprint;
pub mod bringup;
pub mod cli;
pub mod diag;
pub mod emit;
pub mod explain;
pub mod facts;
pub mod generate;
pub mod hcl;
pub mod json;
pub mod memo;
pub mod naming;
pub mod output;
pub mod overlay;
pub mod pipeline;
pub mod provider_limits;
pub mod regular_file;
pub mod resolve;
pub mod source;
pub mod suggest;
pub mod tree;
pub mod validate;
pub mod yaml;
