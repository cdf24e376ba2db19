//! Provenance, recorded alongside generation for `platc explain`: which part of the
//! blueprint a generated file comes from ([`Origin`]: named anchors such as the cluster and
//! the node pool), and, per generator, which blueprint field each generated field comes
//! from ([`FieldRule`] tables). Generators stay pure: an origin is data handed to
//! [`Output`](super::Output) next to the file (`out.origin(Origin::node_pool(..)).objects(..)`),
//! and field rules are constant tables read only by `platc explain`.
//!
//! Anchors address the blueprint by names, not list positions (`spec.clusters[name=alpha]`),
//! so generators need no indexes; `explain` resolves them against the blueprint as written,
//! with lines and columns.

use std::fmt;

/// One step of a [`Source`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// A mapping key.
    Field(String),
    /// The entry of a list whose `name` is this.
    Named(String),
}

/// A place in the blueprint, by field names and list entries' `name`s.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source(pub Vec<Step>);

impl Source {
    /// `spec`.
    pub fn spec() -> Self {
        Self(vec![Step::Field("spec".into())])
    }

    pub fn field(mut self, name: &str) -> Self {
        self.0.push(Step::Field(name.into()));
        self
    }

    /// The list entry named `name` (`clusters[name=alpha]`).
    pub fn named(mut self, name: &str) -> Self {
        self.0.push(Step::Named(name.into()));
        self
    }

    /// `spec.clusters[name=<cluster>]`.
    pub fn cluster(cluster: &str) -> Self {
        Self::spec().field("clusters").named(cluster)
    }

    /// A dotted path of plain keys (`spec.certificates.acme`).
    pub fn path(dotted: &str) -> Self {
        Self(
            dotted
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| Step::Field(s.into()))
                .collect(),
        )
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Field(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Step::Named(name) => write!(f, "[name={name}]")?,
            }
        }
        Ok(())
    }
}

/// Where a generated file comes from: named anchors into the blueprint. Field rules say
/// `pool.instanceType` or `cluster.region`; the anchors say which pool and which cluster.
/// An origin without anchors means "the blueprint as a whole".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    anchors: Vec<(&'static str, Source)>,
}

impl Origin {
    /// The blueprint as a whole (e.g. the tree's README).
    pub fn platform() -> Self {
        Self::default()
    }

    /// A cluster's file: anchor `cluster`.
    pub fn cluster(cluster: &str) -> Self {
        Self::platform().with("cluster", Source::cluster(cluster))
    }

    /// The control plane's file: anchors `cluster` and `controlPlane`.
    pub fn control_plane(cluster: &str) -> Self {
        Self::cluster(cluster).with(
            "controlPlane",
            Source::cluster(cluster).field("controlPlane"),
        )
    }

    /// A node pool's file: anchors `cluster` and `pool`.
    pub fn node_pool(cluster: &str, pool: &str) -> Self {
        Self::cluster(cluster).with(
            "pool",
            Source::cluster(cluster).field("nodePools").named(pool),
        )
    }

    /// Adds an anchor (e.g. `section` → `spec.certificates.acme`).
    pub fn with(mut self, anchor: &'static str, source: Source) -> Self {
        self.anchors.push((anchor, source));
        self
    }

    pub fn anchors(&self) -> &[(&'static str, Source)] {
        &self.anchors
    }

    pub fn anchor(&self, name: &str) -> Option<&Source> {
        self.anchors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
    }
}

/// Where one generated field comes from, for one kind of object of one generator.
///
/// `field` is a path in the object (`spec.template.spec.instanceType`; `[*]` any list index,
/// `*` any key, `metadata.labels["platc.io/cluster"]` for keys with dots); a rule covers the
/// field and everything below it, and the longest matching rule wins. `from` lists blueprint
/// fields in priority order, each starting with an anchor of the file's [`Origin`]
/// (`pool.instanceType`, `cluster.region`) or at the root (`spec.aws.region`,
/// `metadata.name`): `explain` names the first one the blueprint writes, and says `how` when
/// none is written (a default) or when the value is derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRule {
    /// The object's kind; `*` for any (and for plain documents).
    pub kind: &'static str,
    pub field: &'static str,
    pub from: &'static [&'static str],
    /// How platc derives the value, or what it is when the blueprint does not set it.
    pub how: &'static str,
}

impl FieldRule {
    pub const fn new(
        kind: &'static str,
        field: &'static str,
        from: &'static [&'static str],
        how: &'static str,
    ) -> Self {
        Self {
            kind,
            field,
            from,
            how,
        }
    }
}
