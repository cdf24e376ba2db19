//! What target selection reads of every object, copied out once: kind, group, version,
//! name, namespace, labels and annotations ([`Card`]), and the objects by kind. A patch whose
//! target names one kind looks at the objects of that kind only, and reads their cards
//! instead of looking fields up in each object's maps (kustomize scans every object for
//! every patch; with thousands of objects and dozens of patches that scan, mostly cache
//! misses, was a large part of the work).
//!
//! An object is listed under every kind it had (its current id and the former ones), in
//! input order, so the index gives the objects a full scan would keep, in the same order,
//! and the caller still tests each one. The catalog belongs to one [`super::apply`]: a card
//! is refreshed after each patch of its object (`Run::touched`), and the whole catalog is
//! dropped when objects are removed or a transformer runs (`Run::changed`). Debug builds
//! check every card they read against its object.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{IdRef, ResId, Resource};

/// What selection reads of one object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Card {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
    /// `metadata.labels` and `metadata.annotations` as [`Resource::label`] reads them (a
    /// value that is not a string reads as "").
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
}

impl Card {
    pub(crate) fn of(r: &Resource) -> Card {
        let id = r.id_ref();
        let pairs = |map: &str| -> Vec<(String, String)> {
            match r.value.get("metadata").and_then(|m| m.get(map)) {
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect(),
                _ => Vec::new(),
            }
        };
        Card {
            group: id.group.to_string(),
            version: id.version.to_string(),
            kind: id.kind.to_string(),
            name: id.name.to_string(),
            namespace: id.namespace.to_string(),
            labels: pairs("labels"),
            annotations: pairs("annotations"),
        }
    }
}

impl Card {
    /// Whether this is still `r`'s card, compared in place (no copy made).
    pub(super) fn is_of(&self, r: &Resource) -> bool {
        let id = r.id_ref();
        let pairs_are = |pairs: &[(String, String)], map: &str| -> bool {
            match r.value.get("metadata").and_then(|m| m.get(map)) {
                Some(Value::Object(m)) => {
                    m.len() == pairs.len()
                        && m.iter().zip(pairs).all(|((k, v), (pk, pv))| {
                            k == pk && v.as_str().unwrap_or_default() == pv
                        })
                }
                _ => pairs.is_empty(),
            }
        };
        self.group == id.group
            && self.version == id.version
            && self.kind == id.kind
            && self.name == id.name
            && self.namespace == id.namespace
            && pairs_are(&self.labels, "labels")
            && pairs_are(&self.annotations, "annotations")
    }
}

/// One object as selection sees it: its card and its former ids.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Selectable<'a> {
    card: &'a Card,
    previous: &'a [ResId],
}

impl<'a> Selectable<'a> {
    pub(crate) fn new(card: &'a Card, previous: &'a [ResId]) -> Selectable<'a> {
        Selectable { card, previous }
    }

    /// The current id.
    pub(crate) fn id(self) -> IdRef<'a> {
        let c = self.card;
        IdRef {
            group: &c.group,
            version: &c.version,
            kind: &c.kind,
            name: &c.name,
            namespace: &c.namespace,
        }
    }

    /// The id the object had first.
    pub(crate) fn org_id(self) -> IdRef<'a> {
        self.previous
            .first()
            .map_or_else(|| self.id(), IdRef::from_id)
    }

    /// Whether any id the object had (the current one first) satisfies `f`.
    pub(crate) fn any_id(self, mut f: impl FnMut(IdRef<'_>) -> bool) -> bool {
        f(self.id()) || self.previous.iter().any(|id| f(IdRef::from_id(id)))
    }

    pub(crate) fn label(self, key: &str) -> Option<&'a str> {
        find(&self.card.labels, key)
    }

    pub(crate) fn annotation(self, key: &str) -> Option<&'a str> {
        find(&self.card.annotations, key)
    }
}

fn find<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The cards of all objects, and the objects by kind.
#[derive(Debug, Default)]
pub(super) struct Catalog {
    cards: Vec<Card>,
    /// Objects known to be settled (`merge::settled`): their next strategic merge skips
    /// what its patch does not mention. False until a merge finds out.
    settled: Vec<bool>,
    /// Built on first use, dropped when a kind changes.
    by_kind: Option<BTreeMap<String, Vec<usize>>>,
}

impl Catalog {
    pub(super) fn build(resources: &[Resource]) -> Catalog {
        Catalog {
            cards: resources.iter().map(Card::of).collect(),
            settled: vec![false; resources.len()],
            by_kind: None,
        }
    }

    /// Object `i` as selection sees it.
    pub(super) fn get<'a>(&'a self, resources: &'a [Resource], i: usize) -> Selectable<'a> {
        let card = &self.cards[i];
        debug_assert_eq!(
            *card,
            Card::of(&resources[i]),
            "a card is out of step with its object"
        );
        Selectable {
            card,
            previous: &resources[i].previous,
        }
    }

    /// The objects that have or had this kind, in input order.
    pub(super) fn of_kind(&mut self, resources: &[Resource], kind: &str) -> &[usize] {
        let index = self.by_kind.get_or_insert_with(|| by_kind(resources));
        index.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Object `i` changed: its card is read again, and it is not known settled any more
    /// (until [`Catalog::set_settled`]).
    pub(super) fn refresh(&mut self, resources: &[Resource], i: usize) {
        self.settled[i] = false;
        if self.cards[i].is_of(&resources[i]) {
            return;
        }
        let card = Card::of(&resources[i]);
        if card.kind != self.cards[i].kind {
            self.by_kind = None;
        }
        self.cards[i] = card;
    }

    /// The current id of object `i`.
    pub(super) fn id(&self, i: usize) -> ResId {
        Selectable::new(&self.cards[i], &[]).id().to_owned()
    }

    pub(super) fn settled(&self, i: usize) -> bool {
        self.settled[i]
    }

    pub(super) fn set_settled(&mut self, i: usize, settled: bool) {
        self.settled[i] = settled;
    }
}

fn by_kind(resources: &[Resource]) -> BTreeMap<String, Vec<usize>> {
    let mut objects: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        let kinds =
            std::iter::once(r.id_ref().kind).chain(r.previous.iter().map(|id| id.kind.as_str()));
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
    objects
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
