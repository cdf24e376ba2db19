//! Generators: pure functions from the resolved model to output files, one per concern,
//! registered in [`GENERATORS`] in a fixed order. They never read files, see overlays or
//! format text; two generators writing one path is reported as a platc bug.

pub mod capa;
pub mod cert_manager;
pub mod origin;
pub mod output;
pub mod readme;

use crate::resolve::Resolved;
pub use origin::{FieldRule, Origin, Source};
pub use output::{Content, File, GenError, Output};

pub type Generate = fn(&Resolved, &mut Output) -> Result<(), GenError>;

/// Every generator, in order. Append new concerns at the end: the order decides which
/// generator is named first when two collide, nothing else.
pub const GENERATORS: &[(&str, Generate)] = &[
    ("capa", capa::generate),
    ("cert-manager", cert_manager::generate),
    ("readme", readme::generate),
];

pub fn generate(resolved: &Resolved) -> Result<Output, GenError> {
    let mut out = Output::new();
    for (_, generator) in GENERATORS {
        generator(resolved, &mut out)?;
    }
    Ok(out)
}
