//! The transformers of a kustomization, each a filter over the objects: [`labels`]
//! (`labels`, `commonLabels`), [`annotations`] (`commonAnnotations`), [`namespace`],
//! [`images`] and [`replicas`], writing where [`fieldspec`] tables say.

pub mod annotations;
pub mod fieldspec;
pub mod images;
pub mod labels;
pub mod namespace;
pub mod replicas;
