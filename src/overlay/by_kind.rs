//! Objects by kind: a patch whose target names one kind looks at the objects of that kind
//! only, instead of every object (kustomize scans them all; with thousands of objects and
//! dozens of patches the scan is most of the work). An object is listed under every kind
//! it had (its current id and the former ones), in input order, so the index gives the
//! objects a full scan would keep, in the same order, and the caller still tests each one.
//! The index belongs to one [`super::apply`] and is dropped whenever a step may change a
//! kind or the positions of the objects (see `Run::changed`).

use std::collections::BTreeMap;

use super::Resource;

#[derive(Debug, Default)]
pub(super) struct ByKind {
    objects: BTreeMap<String, Vec<usize>>,
}

impl ByKind {
    pub(super) fn build(resources: &[Resource]) -> ByKind {
        let mut objects: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in resources.iter().enumerate() {
            let kinds = std::iter::once(r.id_ref().kind)
                .chain(r.previous.iter().map(|id| id.kind.as_str()));
            for kind in kinds {
                let list = match objects.get_mut(kind) {
                    Some(list) => list,
                    None => objects.entry(kind.to_string()).or_default(),
                };
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        ByKind { objects }
    }

    /// The objects that have or had this kind, in input order.
    pub(super) fn of_kind(&self, kind: &str) -> &[usize] {
        self.objects.get(kind).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use crate::beside::Memory;
    use crate::overlay::{Files, build};

    /// Patches that change kinds and remove objects, with patches after them that select by
    /// kind (current and former): `expected.yaml` is what `kubectl kustomize` (Kustomize
    /// v5.5.0) printed for `tests/data/overlay-index/`. Debug builds also check every
    /// selection against a full scan.
    #[test]
    fn selection_follows_kind_changes_and_deletions() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/overlay-index");
        let read = |f: &str| std::fs::read(format!("{dir}/{f}")).expect("fixture");
        let files = Memory::new()
            .with("kustomization.yaml", read("kustomization.yaml"))
            .with("resources.yaml", read("resources.yaml"));
        let out = build(&Files::new(&files, "", "")).expect("the overlay builds");
        assert_eq!(out, String::from_utf8(read("expected.yaml")).unwrap());
    }
}
