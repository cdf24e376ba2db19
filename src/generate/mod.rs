//! Generators: pure functions from the resolved model to output files, one per concern,
//! registered in [`GENERATORS`] in a fixed order. They never read files, see overlays or
//! format text; two generators writing one path is reported as a platc bug.

pub mod argocd;
pub mod capa;
pub mod cert_manager;
pub mod diagram;
pub mod eks;
pub mod external_dns;
pub mod flux;
pub mod hardening;
pub mod iam;
#[cfg(test)]
mod image_lookup_tests;
pub mod kops;
pub mod monitoring;
pub mod network_notes;
pub mod origin;
pub mod output;
pub mod peering;
pub mod platform;
pub mod provider_notes;
pub mod readme;
pub mod releases;
#[cfg(test)]
pub(crate) mod test_support;

use crate::resolve::Resolved;
pub use origin::{FieldRule, Origin, Source};
pub use output::{ConfigMapGen, Content, Embedded, File, GenError, Output};

pub type Generate = fn(&Resolved, &mut Output) -> Result<(), GenError>;

/// Every generator, in order. Append new concerns at the end: the order decides which
/// generator is named first when two collide, nothing else.
pub const GENERATORS: &[(&str, Generate)] = &[
    ("capa", capa::generate),
    ("cert-manager", cert_manager::generate),
    ("calico", hardening::calico::generate),
    ("kyverno", hardening::kyverno::generate),
    ("external-dns", external_dns::generate),
    ("monitoring", monitoring::generate),
    ("platform", platform::generate),
    ("iam", iam::generate),
    ("eks", eks::generate),
    ("kops", kops::generate),
    // After every generator of values files: the releases read them.
    ("releases", releases::generate),
    // Last: it delivers each cluster's `addons/` only when other generators put objects there.
    ("flux", flux::generate),
    // Instead of Flux (`gitops.argocd`), last for the same reason.
    ("argocd", argocd::generate),
    // After the GitOps engine: the README's picture shows what its files deliver.
    ("readme", readme::generate),
];

pub fn generate(resolved: &Resolved) -> Result<Output, GenError> {
    let mut out = Output::new();
    for (_, generator) in GENERATORS {
        generator(resolved, &mut out)?;
    }
    // After every generator: marks the files that depend on node-role identity.
    iam::notices::apply(resolved, &mut out);
    Ok(out)
}
