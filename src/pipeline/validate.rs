//! What `platc validate` checks on a compiled blueprint beyond the blueprint's own rules:
//! every rendered object against its schema (chart values against theirs) and the bring-up
//! check. The compile's output gate has proved that every generated file's bytes read back as
//! the values it was written from, so both take those values (moved out of the compile, not
//! copied or read again); only the files the emitter added (each folder's Kustomization) are
//! read, and a file with a schema finding is read again to place it (`validate`).

use super::Stages;
use crate::bringup;
use crate::validate::{self, Report};

/// The findings on the compiled tree of `stages`, whose generators' output it takes, and the
/// tree's documents, for the caller to free (a process about to exit does not: freeing a
/// fleet's documents cost as much CPU as checking them).
pub fn compiled(stages: &mut Stages) -> (Report, bringup::Docs) {
    let tree = &stages.compiled.tree;
    let output = &stages.output;
    let mut report = validate::validate_read_report(tree, &|p| {
        output.get(p).and_then(|f| f.content.documents())
    });
    let known: bringup::Docs = std::mem::take(&mut stages.output)
        .into_files()
        .filter(|(p, _)| bringup::read_by_the_check(p))
        .filter_map(|(p, f)| Some((p, f.content.into_documents()?)))
        .collect();
    let docs = bringup::docs_of(&stages.compiled.tree, known);
    report
        .diagnostics
        .extend(super::bring_up::check_read(stages, &docs));
    (report, docs)
}
