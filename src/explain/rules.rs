//! Every generator's field rules, by generator name (the name a generator gives
//! [`Output::add`](crate::generate::Output::add)), and the rules common to every generator
//! (platc's labels). A generator without rules still gets its files explained: the file's
//! origin and the generator's name.

use crate::generate::{FieldRule, capa, cert_manager, external_dns, monitoring};

/// Field rules by generator. Add a generator's `FIELDS` here when it has any.
pub const RULES: &[(&str, &[FieldRule])] = &[
    ("capa", capa::fields::FIELDS),
    ("cert-manager", cert_manager::FIELDS),
    ("external-dns", external_dns::FIELDS),
    ("monitoring", monitoring::FIELDS),
];

/// Rules for every generator's objects: the labels `naming::labels` puts on every object.
pub const COMMON: &[FieldRule] = &[
    FieldRule::new(
        "*",
        "metadata.labels[\"platc.io/platform\"]",
        &["metadata.name"],
        "",
    ),
    FieldRule::new(
        "*",
        "metadata.labels[\"platc.io/cluster\"]",
        &["cluster.name"],
        "",
    ),
    FieldRule::new(
        "*",
        "metadata.labels[\"platc.io/node-pool\"]",
        &["pool.name"],
        "",
    ),
    FieldRule::new(
        "*",
        "metadata.labels[\"app.kubernetes.io/managed-by\"]",
        &[],
        "every object platc writes carries it, so overlays and tools can select platc's objects",
    ),
];

/// The rules that apply to a generator's files: its own, then the common ones.
pub fn for_generator(generator: &str) -> impl Iterator<Item = &'static FieldRule> {
    RULES
        .iter()
        .filter(move |(g, _)| *g == generator)
        .flat_map(|(_, rules)| rules.iter())
        .chain(COMMON.iter())
}
