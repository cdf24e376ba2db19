//! The `patches` phase object by object. kustomize applies each patch to every object it
//! selects, then the next patch; with thousands of objects each patch walks through all of
//! memory again. When the result cannot differ, this applies every patch to one object,
//! then to the next, while the object is in the cache:
//!
//! - no patch may change an id (no `allowNameChange`/`allowKindChange`, no JSON operation on
//!   `apiVersion`, `kind`, `metadata.name` or `metadata.namespace`), so a patch without a
//!   target names the same object all along, and nothing but an object's own history
//!   decides whether a target selects it;
//! - no strategic merge patch carries a top-level `$patch` (the only way to delete an
//!   object), so every object stays;
//! - no patch fails before it touches an object (each target compiles, each patch without
//!   a target names exactly one object).
//!
//! An object's patches are the same, in the same order, as kustomize's pass gives it, and
//! the error kustomize reports is the one of the earliest patch, on the first object it
//! fails on. Objects being independent, many are patched in two halves on two threads.
//! Anything else ([`apply`] answers `None`) takes the pass patch after patch. Debug builds
//! run both and compare.

use std::collections::BTreeMap;

use serde_json::Value;

use super::catalog::{Card, Selectable};
use super::json6902::Operation;
use super::kustomization::PatchEntry;
use super::merge::PATCH_KEY;
use super::select::Matcher;
use super::smp::SmpOptions;
use super::{IdRef, LoadedPatch, Resource, Run};
use crate::diag::Diagnostic;

enum Step<'a> {
    /// A strategic merge patch with a target.
    Targeted(Matcher, &'a Value, &'a PatchEntry),
    /// A strategic merge patch for the object at this index.
    Named(usize, &'a Value, &'a PatchEntry),
    Json(Matcher, &'a [Operation], &'a PatchEntry),
}

/// Applies `plan` object by object, or answers `None` when that could differ from applying
/// it patch by patch.
pub(super) fn apply(
    run: &Run<'_>,
    resources: &mut [Resource],
    plan: &[(&PatchEntry, &LoadedPatch)],
) -> Option<Result<(), Diagnostic>> {
    let steps = steps(resources, plan)?;
    // Objects are independent here: many are patched in two halves at once.
    let half = if resources.len() >= TWO_THREADS_FROM {
        resources.len() / 2
    } else {
        resources.len()
    };
    let (first, second) = resources.split_at_mut(half);
    let steps = &steps;
    // The other thread gets a `Run` of its own (a `Run` is not shared between threads).
    let (k, opts) = (run.k, run.opts);
    let (a, b) = std::thread::scope(|s| {
        let b = (!second.is_empty()).then(|| {
            s.spawn(move || {
                let run = Run {
                    k,
                    opts,
                    unmatched: std::cell::RefCell::new(Vec::new()),
                    catalog: std::cell::RefCell::new(None),
                    selected_nothing: std::cell::RefCell::new(Vec::new()),
                };
                objects(&run, second, half, steps)
            })
        });
        let a = objects(run, first, 0, steps);
        let b = b.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (a, b.flatten())
    });
    // The failure kustomize reports: the earliest patch, on the first object it fails on.
    let failed = [a, b]
        .into_iter()
        .flatten()
        .min_by_key(|(step, object, _)| (*step, *object));
    Some(match failed {
        Some((_, _, d)) => Err(d),
        None => Ok(()),
    })
}

/// From how many objects [`apply`] patches two halves at once.
const TWO_THREADS_FROM: usize = 1000;

/// Applies the steps to `resources` (the first at index `offset`), object after object;
/// the earliest failure as (step, object index, error).
fn objects(
    run: &Run<'_>,
    resources: &mut [Resource],
    offset: usize,
    steps: &[Step<'_>],
) -> Option<(usize, usize, Diagnostic)> {
    let opts = SmpOptions::default();
    let mut failed: Option<(usize, usize, Diagnostic)> = None;
    for (local, r) in resources.iter_mut().enumerate() {
        let j = offset + local;
        let mut card = Card::of(r);
        let mut settled = false;
        for (s, step) in steps.iter().enumerate() {
            // A failure at this step or later, on this object, comes after one found on an
            // earlier object.
            if failed.as_ref().is_some_and(|(fs, _, _)| *fs <= s) {
                break;
            }
            let id = |card: &Card| Selectable::new(card, &[]).id().to_owned();
            let done = match step {
                Step::Targeted(m, doc, p) => {
                    if !m.selects(Selectable::new(&card, &r.previous)) {
                        continue;
                    }
                    run.smp_one(r, doc, opts, p, true, settled, || id(&card))
                        .map(|kept| settled = kept_settled(kept))
                }
                Step::Named(target, doc, p) => {
                    if *target != j {
                        continue;
                    }
                    run.smp_one(r, doc, opts, p, false, settled, || id(&card))
                        .map(|kept| settled = kept_settled(kept))
                }
                Step::Json(m, ops, p) => {
                    if !m.selects(Selectable::new(&card, &r.previous)) {
                        continue;
                    }
                    settled = false;
                    run.json_one(r, ops, p)
                }
            };
            if let Err(d) = done {
                failed = Some((s, j, d));
                break;
            }
            if !card.is_of(r) {
                card = Card::of(r);
            }
        }
    }
    failed
}

/// Whether a merged object is settled. A merge here never deletes: that takes a top-level
/// `$patch`, which [`steps`] leaves to the pass patch by patch.
fn kept_settled(kept: Option<bool>) -> bool {
    debug_assert!(kept.is_some(), "a merge deleted an object");
    kept.unwrap_or(false)
}

/// The plan as steps, when applying it object by object gives kustomize's result.
fn steps<'a>(
    resources: &[Resource],
    plan: &[(&'a PatchEntry, &'a LoadedPatch)],
) -> Option<Vec<Step<'a>>> {
    let mut steps = Vec::new();
    // Objects by (kind, name) of every id they had, built for the first patch without a
    // target.
    let mut named: Option<BTreeMap<(&str, &str), Vec<usize>>> = None;
    for &(p, loaded) in plan {
        if p.allow_name_change || p.allow_kind_change {
            return None;
        }
        match loaded {
            LoadedPatch::Smp(docs) => {
                if docs.iter().any(|d| d.get(PATCH_KEY).is_some()) {
                    return None;
                }
                match &p.target {
                    Some(sel) => {
                        if docs.len() > 1 {
                            return None;
                        }
                        let m = sel.compile().ok()?;
                        if let Some(doc) = docs.first() {
                            steps.push(Step::Targeted(m, doc, p));
                        }
                    }
                    None => {
                        let named = named.get_or_insert_with(|| by_name(resources));
                        for doc in docs {
                            let want = IdRef::of(doc);
                            let candidates = named.get(&(want.kind, want.name))?;
                            let mut found = candidates
                                .iter()
                                .filter(|&&j| ids(&resources[j]).any(|id| id.same_as(want)));
                            let j = *found.next()?;
                            if found.next().is_some() {
                                return None;
                            }
                            steps.push(Step::Named(j, doc, p));
                        }
                    }
                }
            }
            LoadedPatch::Json(ops) => {
                let sel = p.target.as_ref()?;
                if ops.iter().any(touches_id) {
                    return None;
                }
                steps.push(Step::Json(sel.compile().ok()?, ops, p));
            }
        }
    }
    Some(steps)
}

/// Every id an object had, the current one first.
fn ids(r: &Resource) -> impl Iterator<Item = IdRef<'_>> {
    std::iter::once(r.id_ref()).chain(r.previous.iter().map(IdRef::from_id))
}

/// Objects by the kind and name of every id they had, in order.
fn by_name(resources: &[Resource]) -> BTreeMap<(&str, &str), Vec<usize>> {
    let mut out: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (j, r) in resources.iter().enumerate() {
        for id in ids(r) {
            let list = out.entry((id.kind, id.name)).or_default();
            if list.last() != Some(&j) {
                list.push(j);
            }
        }
    }
    out
}

/// Whether a JSON operation may change an id: it writes, removes or moves `apiVersion`,
/// `kind`, `metadata.name` or `metadata.namespace`, or something that holds one of them.
fn touches_id(op: &Operation) -> bool {
    const IDS: [&str; 4] = [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/namespace",
    ];
    std::iter::once(op.path.as_str())
        .chain(op.from.as_deref())
        .any(|path| {
            IDS.iter().any(|id| {
                path == *id
                    || id
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('/'))
                    || path
                        .strip_prefix(id)
                        .is_some_and(|rest| rest.starts_with('/'))
            }) || path.is_empty()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beside::Memory;
    use crate::overlay::json6902::OpKind;
    use crate::overlay::{Files, build};

    /// Failures in both halves: kustomize reports the earliest patch's, here on an object of
    /// the second half, although an object of the first fails on a later patch. (Debug
    /// builds also compare with the pass patch after patch.)
    #[test]
    fn the_earliest_patch_failure_is_reported() {
        let mut resources = String::new();
        for i in 0..TWO_THREADS_FROM + 200 {
            let data = match i {
                700 => "data: text\n".to_string(),
                _ => "data:\n  k: v\n".to_string(),
            };
            let labels = if i == 50 { "  labels: text\n" } else { "" };
            resources.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n{labels}{data}"
            ));
        }
        let patch = |name: &str, body: &str| {
            format!(
                "- target:\n    kind: ConfigMap\n    name: {name}\n  patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: any\n{body}"
            )
        };
        let kustomization = format!(
            "resources:\n- r.yaml\npatches:\n{}{}{}",
            patch("c(100|1100)", "    data:\n      a: b\n"),
            patch("c(700|50)", "    data:\n      a: b\n"),
            patch("c50", "      labels:\n        x: y\n"),
        );
        let files = Memory::new()
            .with("kustomization.yaml", kustomization)
            .with("r.yaml", resources);
        let err = build(&Files::new(&files, "", "")).unwrap_err();
        assert!(
            err[0].message.starts_with(
                "cannot apply the strategic merge patch to ConfigMap.v1.[noGrp]/c700.[noNs] at `data`"
            ),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn operations_that_may_change_an_id() {
        let op = |path: &str, from: Option<&str>| Operation {
            op: OpKind::Replace,
            path: path.into(),
            from: from.map(Into::into),
            value: None,
        };
        for (path, from) in [
            ("", None),
            ("/kind", None),
            ("/metadata", None),
            ("/metadata/name", None),
            ("/metadata/namespace", None),
            ("/spec/x", Some("/metadata/name")),
        ] {
            assert!(touches_id(&op(path, from)), "{path} {from:?}");
        }
        for path in [
            "/metadata/labels/a",
            "/metadata/names",
            "/spec/kind",
            "/kinds",
        ] {
            assert!(!touches_id(&op(path, None)), "{path}");
        }
    }
}
