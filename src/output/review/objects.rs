//! Objects on both sides of a review: reading a file's YAML into objects (or one plain
//! document), an object's identity (API group, kind, namespace, name: the version is left
//! out so that a move from `v1beta1` to `v1beta2` reads as a change, not a removal and an
//! addition), pairing old and new objects, and the field paths where two values differ.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Change, KindChanges, ObjectChange};
use crate::blueprint::path::BlueprintPath;
use crate::facts::immutable::{self, Remedy};
use crate::naming;
use crate::source::SourceFile;
use crate::yaml::read::{self, ReadOptions};

/// Who an object is, whatever its version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Identity {
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl Identity {
    /// `namespace/name`, or `name` alone for a cluster-scoped object.
    pub fn qualified_name(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// The identity of a Kubernetes object (`apiVersion`, `kind` and `metadata.name` set).
    pub fn of(value: &Value) -> Option<(Identity, String)> {
        let api_version = value.get("apiVersion")?.as_str()?;
        let kind = value.get("kind")?.as_str()?;
        let name = value.pointer("/metadata/name")?.as_str()?;
        let namespace = value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        Some((
            Identity {
                group: group.to_string(),
                kind: kind.to_string(),
                namespace: namespace.to_string(),
                name: name.to_string(),
            },
            api_version.to_string(),
        ))
    }
}

/// One object of one side.
#[derive(Clone, Debug, PartialEq)]
pub struct Obj {
    pub id: Identity,
    pub api_version: String,
    pub value: Value,
    pub file: String,
}

/// What one side of a file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// The file does not exist on this side.
    Absent,
    /// YAML whose every document is a Kubernetes object.
    Objects(Vec<Obj>),
    /// One YAML document that is not an object (Helm values, CloudFormation, kustomization).
    Document(Value),
    /// Anything else (Markdown, YAML that does not read).
    Text,
}

impl Parsed {
    /// The objects of this side, an absent file having none; `None` when it is not objects.
    pub fn objects(&self) -> Option<&[Obj]> {
        match self {
            Parsed::Absent => Some(&[]),
            Parsed::Objects(o) => Some(o),
            _ => None,
        }
    }
}

/// Reads one side of a file.
pub fn parse(path: &str, bytes: &[u8], absent: bool) -> Parsed {
    if absent {
        return Parsed::Absent;
    }
    if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
        return Parsed::Text;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Parsed::Text;
    };
    let src = SourceFile::new(path, text);
    let Ok(docs) = read::read_stream(&src, &ReadOptions::kustomize()) else {
        return Parsed::Text;
    };
    let values: Vec<Value> = docs.iter().map(|d| d.to_json()).collect();
    let objects: Option<Vec<Obj>> = values
        .iter()
        .map(|v| {
            Identity::of(v).map(|(id, api_version)| Obj {
                id,
                api_version,
                value: v.clone(),
                file: path.to_string(),
            })
        })
        .collect();
    match (objects, values.len()) {
        (Some(objects), n) if n > 0 => Parsed::Objects(objects),
        (_, 1) => Parsed::Document(values.into_iter().next().unwrap_or(Value::Null)),
        _ => Parsed::Text,
    }
}

/// Whether two sides hold the same objects (only comments or layout differ).
pub fn same_objects(old: &[Obj], new: &[Obj]) -> bool {
    old.len() == new.len()
        && old
            .iter()
            .zip(new)
            .all(|(a, b)| a.id == b.id && a.api_version == b.api_version && a.value == b.value)
}

/// The objects of one group, old side and new side.
#[derive(Debug, Default)]
pub struct Sides {
    pub old: Vec<Obj>,
    pub new: Vec<Obj>,
}

/// Pairs old and new objects by identity, then pairs a removed and an added template of
/// the same kind whose names differ only in their content digest
/// ([`naming::template_base`]): one template changed, renamed by its new content.
pub fn pair(sides: Sides) -> Vec<KindChanges> {
    let mut old: BTreeMap<Identity, Vec<Obj>> = BTreeMap::new();
    for o in sides.old {
        old.entry(o.id.clone()).or_default().push(o);
    }
    let mut new: BTreeMap<Identity, Vec<Obj>> = BTreeMap::new();
    for o in sides.new {
        new.entry(o.id.clone()).or_default().push(o);
    }
    let mut changes = Vec::new();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let ids: Vec<Identity> = old.keys().chain(new.keys()).cloned().collect();
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    for id in ids {
        let olds = old.remove(&id).unwrap_or_default();
        let news = new.remove(&id).unwrap_or_default();
        let mut olds = olds.into_iter();
        let mut news = news.into_iter();
        loop {
            match (olds.next(), news.next()) {
                (Some(a), Some(b)) => {
                    let fields = field_changes(&a.value, &b.value);
                    let moved = (a.file != b.file).then_some(a.file);
                    if !fields.is_empty() || moved.is_some() {
                        // Under the same name nothing replaces it, whatever the remedy.
                        let reason = immutable_reason(&b.id.kind, &fields, None);
                        let mut c = change(Change::Changed, b, None, fields);
                        c.previous_file = moved;
                        c.reason = reason;
                        changes.push(c);
                    }
                }
                (Some(a), None) => removed.push(a),
                (None, Some(b)) => added.push(b),
                (None, None) => break,
            }
        }
    }
    // Renamed templates: exactly one removed and one added per (group, kind, namespace, base).
    type Key = (String, String, String, String);
    // EKS pools were named without a digest before it carried their immutable fields: the
    // first render after that reads as the pool replaced, which it is.
    let base_key = |o: &Obj| -> Option<Key> {
        naming::template_base(&o.id.name)
            .or_else(|| {
                FORMERLY_PLAIN
                    .contains(&o.id.kind.as_str())
                    .then_some(o.id.name.as_str())
            })
            .map(|base| {
                (
                    o.id.group.clone(),
                    o.id.kind.clone(),
                    o.id.namespace.clone(),
                    base.to_string(),
                )
            })
    };
    let count = |list: &[Obj]| {
        let mut m: BTreeMap<Key, usize> = BTreeMap::new();
        for o in list {
            if let Some(k) = base_key(o) {
                *m.entry(k).or_default() += 1;
            }
        }
        m
    };
    let (removed_by_base, added_by_base) = (count(&removed), count(&added));
    let renamed = |o: &Obj| {
        base_key(o).is_some_and(|k| {
            removed_by_base.get(&k) == Some(&1) && added_by_base.get(&k) == Some(&1)
        })
    };
    let (renamed_old, removed): (Vec<Obj>, Vec<Obj>) = removed.into_iter().partition(renamed);
    let (renamed_new, added): (Vec<Obj>, Vec<Obj>) = added.into_iter().partition(renamed);
    let mut olds_by_base: BTreeMap<Key, Obj> = renamed_old
        .into_iter()
        .filter_map(|o| base_key(&o).map(|k| (k, o)))
        .collect();
    for b in renamed_new {
        let Some(a) = base_key(&b).and_then(|k| olds_by_base.remove(&k)) else {
            continue;
        };
        let fields: Vec<String> = field_changes(&a.value, &b.value)
            .into_iter()
            .filter(|f| f != "metadata.name")
            .collect();
        let reason = immutable_reason(&b.id.kind, &fields, Some(Remedy::Replace));
        let kind = if reason.is_some() {
            Change::Replaced
        } else {
            Change::Changed
        };
        let mut c = change(kind, b, Some(a.id.name), fields);
        c.reason = reason;
        changes.push(c);
    }
    for o in removed {
        changes.push(change(Change::Removed, o, None, Vec::new()));
    }
    for o in added {
        changes.push(change(Change::Added, o, None, Vec::new()));
    }
    let mut kinds: BTreeMap<(String, String), Vec<ObjectChange>> = BTreeMap::new();
    for c in changes {
        kinds
            .entry((c.id.kind.clone(), c.id.group.clone()))
            .or_default()
            .push(c);
    }
    kinds
        .into_iter()
        .map(|((kind, group), mut objects)| {
            objects.sort_by(|a, b| {
                (a.change, &a.id.namespace, &a.id.name).cmp(&(
                    b.change,
                    &b.id.namespace,
                    &b.id.name,
                ))
            });
            KindChanges {
                group,
                kind,
                objects,
            }
        })
        .collect()
}

/// Kinds platc named without a digest before (`generate/eks/machine_pool.rs`).
const FORMERLY_PLAIN: &[&str] = &["MachinePool", "AWSManagedMachinePool"];

/// Why upstream refuses `fields` of a `kind` in place (rows of `facts::immutable`, of
/// `remedy` when given), one part per row, or `None` when it takes them.
fn immutable_reason(kind: &str, fields: &[String], remedy: Option<Remedy>) -> Option<String> {
    let parts: Vec<String> = immutable::hits(kind, fields)
        .into_iter()
        .filter(|(row, _)| remedy.is_none_or(|r| row.remedy == r))
        .map(|(row, hit)| {
            let names: Vec<String> = hit.iter().map(|f| format!("`{f}`")).collect();
            format!("{}: {}", names.join(", "), row.refused_by)
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let what = match remedy {
        Some(Remedy::Replace) => "upstream cannot change it in place, so a new object replaces it",
        _ => {
            "upstream refuses this change in place: recreate the object (for a cluster, a new cluster) or revert it"
        }
    };
    Some(format!("{what} ({})", parts.join("; ")))
}

fn change(
    change: Change,
    o: Obj,
    previous_name: Option<String>,
    fields: Vec<String>,
) -> ObjectChange {
    ObjectChange {
        change,
        id: o.id,
        api_version: o.api_version,
        previous_name,
        file: o.file,
        previous_file: None,
        fields,
        reason: None,
    }
}

/// The paths where `a` and `b` differ, in `a`'s key order then `b`'s new keys: maps are
/// compared key by key, lists of the same length item by item, anything else as a whole.
pub fn field_changes(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, &BlueprintPath::root(), &mut out);
    out
}

fn walk(a: &Value, b: &Value, at: &BlueprintPath, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => walk(va, vb, &at.field(k), out),
                    None => out.push(at.field(k).to_string()),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(at.field(k).to_string());
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(va, vb, &at.index(i), out);
            }
        }
        _ => out.push(if at.is_root() {
            "(the whole document)".to_string()
        } else {
            at.to_string()
        }),
    }
}
