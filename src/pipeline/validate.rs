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
/// tree's documents (every file's), for the caller to free (a process about to exit does not: freeing a
/// fleet's documents cost as much CPU as checking them).
///
/// The schema checks and the bring-up check read the same values and are independent, so they
/// run side by side: the bring-up graph is one thread's work (~0.2 s for 1,000 clusters), which
/// the schema checks' parallel work now covers on a two-core machine.
pub fn compiled(stages: &mut Stages) -> (Report, bringup::Docs) {
    // The files the bring-up check reads move into its documents; the others stay in `rest`.
    let mut known = bringup::Docs::new();
    let mut rest = bringup::Docs::new();
    for (path, file) in std::mem::take(&mut stages.output).into_files() {
        let Some(documents) = file.content.into_documents() else {
            continue;
        };
        if bringup::read_by_the_check(&path) {
            known.insert(path, documents);
        } else {
            rest.insert(path, documents);
        }
    }
    let docs = bringup::docs_of(&stages.compiled.tree, known);
    let stages = &*stages;
    let (mut report, bring_up) = rayon::join(
        || {
            // The emitter's files (each folder's Kustomization) were read from their bytes
            // for the bring-up check: the same values the schema check would read.
            validate::validate_read_report(&stages.compiled.tree, &|p| {
                rest.get(p)
                    .or_else(|| docs.get(p))
                    .map(|d| d.iter().collect())
            })
        },
        || super::bring_up::check_read(stages, &docs),
    );
    report.diagnostics.extend(bring_up);
    // Everything is handed back for the caller to free (or not, see above).
    let mut docs = docs;
    docs.extend(rest);
    (report, docs)
}
