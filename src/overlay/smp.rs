//! Strategic merge patches: lists merged by key, as kyaml's `walkAssociativeSequence` does it
//! (kustomize v5.5.0), and the patch as a whole (`Resource.ApplySmPatch`).
//!
//! A list the schema gives merge keys (see [`super::merge_keys`]) is merged element by
//! element: the keys of every element are collected, the patch's first (kustomize prepends),
//! then the resource's; each key is merged on its own (maps inside merge too), and the result
//! is the patch's elements first, in patch order, then the resource's elements the patch did
//! not mention. Compound keys (`containerPort` + `protocol`) take kyaml's other road: entries
//! whose keys match on both merge in place, an entry missing one key value borrows it from a
//! matching entry (`mergeValues`), and the resource's entries end up after the new ones. A
//! patch entry that then matches nothing is dropped. `$patch: delete` on an element removes
//! it; a `$patch: replace|delete|merge` element alone in the patch list applies to the list.
//! Directives kustomize does not honour (`$setElementOrder`, `$retainKeys`,
//! `$deleteFromPrimitiveList`) are ordinary keys here too.

use serde_json::Value;

use super::merge::{self, Directive, FieldPath, MergeError, PATCH_KEY, scalar_text};
use super::merge_keys::Schema;

/// Options of a `patches` entry that change what a strategic merge may do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SmpOptions {
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

/// Applies one strategic merge patch to one object. `Ok(None)`: the patch deleted it.
/// Like kustomize, the kind, name and namespace come back afterwards unless the options
/// allow the patch to change them.
pub fn apply(
    resource: Value,
    patch: &Value,
    opts: SmpOptions,
) -> Result<Option<Value>, MergeError> {
    apply_settled(resource, patch, opts, false).map(|(v, _)| v)
}

/// [`apply`], told whether the object is known to be settled (see [`merge::walk_settled`]),
/// and telling whether the result is.
pub(super) fn apply_settled(
    resource: Value,
    patch: &Value,
    opts: SmpOptions,
    settled: bool,
) -> Result<merge::Walked, MergeError> {
    #[cfg(debug_assertions)]
    let expected = apply_saving_all(resource.clone(), patch, opts);
    // What is restored is saved only where the patch could change it (a field it sets to
    // another value, or a directive): the walk leaves every other field as it was.
    let directive = patch.get(PATCH_KEY).is_some();
    let resource_meta = resource.get("metadata");
    let may_change = |field: &str| {
        directive
            || match patch.get("metadata") {
                None => false,
                Some(Value::Object(m)) => {
                    m.contains_key(PATCH_KEY)
                        || m.get(field)
                            .is_some_and(|v| Some(v) != resource_meta.and_then(|r| r.get(field)))
                }
                Some(_) => true,
            }
    };
    let kind_may_change = directive
        || patch
            .get("kind")
            .is_some_and(|k| Some(k) != resource.get("kind"));
    let kind = (!opts.allow_kind_change && kind_may_change).then(|| resource.get("kind").cloned());
    let name = (!opts.allow_name_change && may_change("name"))
        .then(|| resource_meta.and_then(|m| m.get("name")).cloned());
    let namespace = may_change("namespace").then(|| {
        resource_meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    });
    let (out, known) = merge::walk_settled(
        Some(resource),
        Some(patch),
        None,
        &mut FieldPath::default(),
        settled,
    )?;
    // Restoring sets scalars, or the kind when the patch changed it (then nothing is known).
    let out = restore(out, kind, name, namespace);
    #[cfg(debug_assertions)]
    {
        debug_assert_eq!(
            Ok(&out),
            expected.as_ref(),
            "saving less changes the result"
        );
        if known && let Some(v) = &out {
            debug_assert!(
                merge::settled(v, None),
                "a patched object said settled is not"
            );
        }
    }
    Ok((out, known))
}

/// Puts back what [`apply`] saved; a namespace it did not save is as the resource had it,
/// and, as kustomize sets it back, only a non-empty string stays.
fn restore(
    out: Option<Value>,
    kind: Option<Option<Value>>,
    name: Option<Option<Value>>,
    namespace: Option<String>,
) -> Option<Value> {
    let mut out = out?;
    let Value::Object(map) = &mut out else {
        return Some(out);
    };
    if map.is_empty() {
        return None;
    }
    match kind {
        Some(Some(k)) => {
            map.insert("kind".into(), k);
        }
        Some(None) => {
            map.shift_remove("kind");
        }
        None => {}
    }
    if let Some(name) = name {
        set_meta(map, "name", name);
    }
    match namespace {
        Some(ns) => set_meta(
            map,
            "namespace",
            (!ns.is_empty()).then_some(Value::String(ns)),
        ),
        None => {
            if let Some(Value::Object(m)) = map.get_mut("metadata")
                && m.get("namespace")
                    .is_some_and(|v| v.as_str().is_none_or(str::is_empty))
            {
                m.shift_remove("namespace");
            }
        }
    }
    Some(out)
}

/// [`apply`] as kustomize writes it, saving kind, name and namespace every time: the
/// reference debug builds check the lazy saving against.
#[cfg(debug_assertions)]
fn apply_saving_all(
    resource: Value,
    patch: &Value,
    opts: SmpOptions,
) -> Result<Option<Value>, MergeError> {
    let meta = |field: &str| resource.get("metadata").and_then(|m| m.get(field));
    let kind = resource.get("kind").cloned();
    let name = meta("name").cloned();
    let namespace = meta("namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(mut out) = merge::walk(Some(resource), Some(patch), None, &mut FieldPath::default())?
    else {
        return Ok(None);
    };
    let Value::Object(map) = &mut out else {
        return Ok(Some(out));
    };
    if map.is_empty() {
        return Ok(None);
    }
    if !opts.allow_kind_change {
        match kind {
            Some(k) => {
                map.insert("kind".into(), k);
            }
            None => {
                map.shift_remove("kind");
            }
        }
    }
    if !opts.allow_name_change {
        set_meta(map, "name", name);
    }
    set_meta(
        map,
        "namespace",
        (!namespace.is_empty()).then_some(Value::String(namespace)),
    );
    Ok(Some(out))
}

/// Sets (or, with `None`, clears) `metadata.<field>`, creating `metadata` only to set.
fn set_meta(obj: &mut serde_json::Map<String, Value>, field: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            let meta = obj
                .entry("metadata")
                .or_insert_with(|| Value::Object(Default::default()));
            if !meta.is_object() {
                *meta = Value::Object(Default::default());
            }
            if let Value::Object(m) = meta {
                m.insert(field.into(), v);
            }
        }
        None => {
            if let Some(Value::Object(m)) = obj.get_mut("metadata") {
                m.shift_remove(field);
            }
        }
    }
}

/// A list with merge keys (`keys` empty: a set of scalars such as `finalizers`), with the
/// settled bookkeeping of [`merge::walk_settled`].
pub(super) fn walk_associative(
    dest: Option<Value>,
    patch: Option<&Value>,
    keys: &'static [&'static str],
    schema: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<merge::Walked, MergeError> {
    let judged = |out: Option<Value>| {
        let known = out.as_ref().is_none_or(|v| merge::settled(v, schema));
        (out, known)
    };
    // Merger.VisitList for an associative list.
    let dest = match dest {
        None | Some(Value::Null) => {
            return match patch {
                Some(Value::Array(items)) => {
                    Ok(judged(normalize_associative(items, keys, schema, path)?))
                }
                _ => Ok((None, true)),
            };
        }
        Some(Value::Array(items)) => items,
        Some(other) => return Ok(judged(Some(other))),
    };
    let patch_items: &[Value] = match patch {
        None => &[],
        Some(Value::Null) => return Ok((None, true)),
        Some(Value::Array(items)) => items,
        Some(_) => &[],
    };
    let rest;
    let patch_items = match list_directive(patch_items, path)? {
        None => patch_items,
        Some((Directive::Delete, _)) => return Ok((None, true)),
        Some((Directive::Replace, r)) => {
            return Ok(judged(normalize_associative(&r, keys, schema, path)?));
        }
        Some((Directive::Merge, r)) => {
            rest = r;
            &rest
        }
    };
    let item_schema = schema.and_then(Schema::elements);
    if keys.is_empty() {
        let merged = merge_scalars(dest, patch_items, item_schema, path)?;
        return Ok(judged(Some(Value::Array(merged))));
    }
    let (merged, known) = merge_by_keys(dest, patch_items, keys, schema, path, dest_settled)?;
    Ok((Some(Value::Array(merged)), known))
}

/// Whether [`walk_associative`] with no patch gives `items` back unchanged (see
/// [`merge::settled`]). For a set of scalars: no null and no two equal texts. For a list
/// merged by keys: the elements hold their keys uniformly ([`uniform_keys`]), no two have
/// the same key values, and every element is settled itself. Then `merge_by_keys` finds each
/// element by its own values, walks it to itself, and puts it back where it was.
pub(super) fn settled_list(
    items: &[Value],
    keys: &'static [&'static str],
    schema: Option<Schema>,
) -> bool {
    if keys.is_empty() {
        return items
            .iter()
            .enumerate()
            .all(|(i, v)| !v.is_null() && items[..i].iter().all(|w| !scalar_text_eq(v, w)));
    }
    let Some(held) = uniform_keys(items, keys, None) else {
        return items.is_empty();
    };
    let item_schema = schema.and_then(Schema::elements);
    items.iter().enumerate().all(|(i, item)| {
        !items[..i].iter().any(|o| same_key_values(item, o, &held))
            && merge::settled(item, item_schema)
    })
}

/// The keys every element holds, when the elements hold them uniformly: each element a
/// non-empty map, each key either held by every element (a scalar with a non-empty text)
/// or by none (absent), at least one key held. `held` continues a list already looked at
/// (its result). In that form kyaml's key bookkeeping (`validateKeys`, `mergeValues`,
/// empty values that match any element) has nothing to do, which the fast merge relies on.
fn uniform_keys(
    items: &[Value],
    keys: &'static [&'static str],
    held: Option<Held>,
) -> Option<Held> {
    let holds = |m: &serde_json::Map<String, Value>, key: &str| match m.get(key) {
        None => Some(false),
        Some(Value::String(s)) if !s.is_empty() => Some(true),
        Some(Value::Number(_) | Value::Bool(_)) => Some(true),
        Some(_) => None,
    };
    let mut out = held;
    for item in items {
        let m = item.as_object().filter(|m| !m.is_empty())?;
        let mut mine = Held::default();
        for key in keys {
            if holds(m, key)? {
                mine.push(key)?;
            }
        }
        match out {
            Some(o) if o != mine => return None,
            Some(_) => {}
            None => out = Some(mine),
        }
    }
    out.filter(|o| o.len > 0)
}

/// A few merge keys, without allocating (schemas have one or two).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Held {
    keys: [&'static str; 4],
    len: usize,
}

impl Held {
    fn push(&mut self, key: &'static str) -> Option<()> {
        *self.keys.get_mut(self.len)? = key;
        self.len += 1;
        Some(())
    }
}

impl std::ops::Deref for Held {
    type Target = [&'static str];
    fn deref(&self) -> &[&'static str] {
        &self.keys[..self.len]
    }
}

/// Whether two elements have the same texts under `keys` (both hold them).
fn same_key_values(a: &Value, b: &Value, keys: &[&str]) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => keys.iter().all(|k| scalar_field_eq(a.get(*k), b.get(*k))),
        _ => false,
    }
}

/// Whether two values have the same [`scalar_text`], without building the texts when both
/// are strings.
fn scalar_text_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => scalar_text(a) == scalar_text(b),
    }
}

fn scalar_field_eq(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => scalar_text_eq(a, b),
        _ => false,
    }
}

/// `determineSequenceNodePatchStrategy`: the first map element with a `$patch` key, if it has
/// no other key, is a directive for the whole list; it is removed (with every other element
/// carrying the same directive, and null or empty elements, as kyaml's `ElementSetter` does).
fn list_directive(
    items: &[Value],
    path: &FieldPath,
) -> Result<Option<(Directive, Vec<Value>)>, MergeError> {
    let Some(found) = items
        .iter()
        .find_map(|v| v.as_object().filter(|m| m.contains_key(PATCH_KEY)))
    else {
        return Ok(None);
    };
    if found.len() > 1 {
        return Ok(None);
    }
    let value = &found[PATCH_KEY];
    let directive = Directive::parse(value, path)?;
    let text = scalar_text(value);
    let rest = items
        .iter()
        .filter(|v| !is_missing_or_empty_map(v))
        .filter(|v| {
            v.as_object()
                .and_then(|m| m.get(PATCH_KEY))
                .is_none_or(|d| scalar_text(d) != text)
        })
        .cloned()
        .collect();
    Ok(Some((directive, rest)))
}

fn is_missing_or_empty_map(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// The value kyaml collects for a key of an element (`ElementValuesList`): the scalar text,
/// or "" when the key is missing, null, or an empty map or list.
fn key_value(elem: &Value, key: &str) -> String {
    match elem.as_object().and_then(|m| m.get(key)) {
        None | Some(Value::Null) => String::new(),
        Some(Value::Object(m)) if m.is_empty() => String::new(),
        Some(Value::Array(a)) if a.is_empty() => String::new(),
        Some(v) => scalar_text(v),
    }
}

/// `validateKeys`: the keys some element has a value for (all keys when none has any), and
/// the values of `values` for them.
fn validate_keys(
    all: &[Vec<String>],
    values: &[String],
    keys: &[&'static str],
) -> (Vec<&'static str>, Vec<String>) {
    let valid: Vec<bool> = (0..keys.len())
        .map(|i| {
            all.iter()
                .any(|vs| vs.get(i).is_some_and(|v| !v.is_empty()))
        })
        .collect();
    if !valid.iter().any(|v| *v) {
        return (keys.to_vec(), values.to_vec());
    }
    let vkeys = keys
        .iter()
        .zip(&valid)
        .filter(|(_, ok)| **ok)
        .map(|(k, _)| *k)
        .collect();
    let vvalues = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || valid.get(*i).copied().unwrap_or(false))
        .map(|(_, v)| v.clone())
        .collect();
    (vkeys, vvalues)
}

/// `mergeValues` / `match`: two key tuples that agree somewhere and differ only where one of
/// them is empty become the same tuple (a port without `protocol` meets one with it).
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        let v1 = list[i].clone();
        for j in 0..list.len() {
            if let Some(m) = match_values(&v1, &list[j]) {
                list[i] = m.clone();
                list[j] = m;
            }
        }
    }
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            out.push(x.clone());
        } else {
            out.push(y.clone());
        }
    }
    common.then_some(out)
}

/// `ElementMatcher` with `MatchField`: the first map element whose every key has exactly
/// this text.
fn find_exact(items: &[Value], keys: &[&str], values: &[String]) -> Option<usize> {
    items.iter().position(|e| {
        let Some(m) = e.as_object() else {
            return false;
        };
        keys.iter()
            .zip(values)
            .all(|(k, v)| m.get(*k).is_some_and(|f| node_value(f) == *v))
    })
}

/// `yaml.Node.Value` of a field: a scalar's text ("" for a map or a list; a null written
/// `null` has the text `null`).
fn node_value(v: &Value) -> String {
    scalar_text(v)
}

/// `FieldMatcher{Name, StringValue}` as `ElementSetter` uses it: an empty value matches any
/// element that has the field. With fewer values than keys the last match stands for the
/// rest, as in kyaml.
fn setter_matches(elem: &serde_json::Map<String, Value>, keys: &[&str], values: &[String]) -> bool {
    let mut last = false;
    for (j, key) in keys.iter().enumerate() {
        if let Some(v) = values.get(j) {
            last = match elem.get(*key) {
                None => false,
                Some(f) => v.is_empty() || node_value(f) == *v,
            };
        }
        if !last {
            return false;
        }
    }
    true
}

/// `ElementSetter.Filter` on a list of maps: every matching element is replaced by
/// `element` (or removed when it is `None`), null and empty elements are dropped, and
/// `element` is appended when nothing matched.
fn element_setter(list: &mut Vec<Value>, element: Option<Value>, keys: &[&str], values: &[String]) {
    let mut found = false;
    let mut out = Vec::with_capacity(list.len() + 1);
    for elem in list.drain(..) {
        if is_missing_or_empty_map(&elem) {
            continue;
        }
        let Some(m) = elem.as_object() else {
            // A scalar is kept when a map is looked for (kyaml fails otherwise; kept too).
            out.push(elem);
            continue;
        };
        if !setter_matches(m, keys, values) {
            if !values.is_empty() {
                out.push(elem);
            }
            continue;
        }
        found = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    if let Some(e) = element
        && !found
        && !e.is_null()
    {
        out.push(e);
    }
    *list = out;
}

/// A list merged by keys (`setAssociativeSequenceElements` with `MergeOptionsListPrepend`).
/// The usual case (both lists hold their keys uniformly, see [`uniform_keys`], no element
/// directive, no repeated key values, the resource's list settled) takes [`merge_uniform`],
/// which moves elements instead of copying them; everything else kyaml's road, step by step.
/// `schema` is the list's; the result says whether the merged list is known settled.
fn merge_by_keys(
    dest: Vec<Value>,
    patch: &[Value],
    keys: &'static [&'static str],
    schema: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<(Vec<Value>, bool), MergeError> {
    let item_schema = schema.and_then(Schema::elements);
    let Some(held) = uniform(&dest, patch, keys, item_schema, dest_settled) else {
        let out = merge_by_keys_kyaml(dest, patch, keys, item_schema, path)?;
        let known = settled_list(&out, keys, schema);
        return Ok((out, known));
    };
    #[cfg(debug_assertions)]
    let expected = merge_by_keys_kyaml(dest.clone(), patch, keys, item_schema, &mut path.clone());
    let out = merge_uniform(dest, patch, &held, item_schema, path, dest_settled);
    #[cfg(debug_assertions)]
    debug_assert_eq!(
        out.as_ref().map(|(v, _)| v),
        expected.as_ref(),
        "the fast keyed merge differs from kyaml's road"
    );
    out
}

/// The keys both lists hold when [`merge_uniform`] applies. A settled `dest` is uniform,
/// distinct and settled element by element already: only its first element is read.
fn uniform(
    dest: &[Value],
    patch: &[Value],
    keys: &'static [&'static str],
    item_schema: Option<Schema>,
    dest_settled: bool,
) -> Option<Held> {
    let held = match dest {
        [] => None,
        [first, ..] if dest_settled => {
            let held = uniform_keys(std::slice::from_ref(first), keys, None);
            debug_assert_eq!(held, uniform_keys(dest, keys, None));
            Some(held?)
        }
        _ => Some(uniform_keys(dest, keys, None)?),
    };
    let held = uniform_keys(patch, keys, held)?;
    let distinct = |items: &[Value]| {
        items
            .iter()
            .enumerate()
            .all(|(i, e)| !items[..i].iter().any(|o| same_key_values(e, o, &held)))
    };
    let no_directive = patch
        .iter()
        .all(|e| e.as_object().is_some_and(|m| !m.contains_key(PATCH_KEY)));
    (no_directive
        && distinct(patch)
        && (dest_settled
            || distinct(dest)
            // The elements no patch element names are walked with no patch: they must stay.
                && dest.iter().all(|e| {
                    patch.iter().any(|p| same_key_values(e, p, &held))
                        || merge::settled(e, item_schema)
                })))
    .then_some(held)
}

/// What kyaml's road gives in the uniform case: each patch element merged into the
/// resource's element with its key values (or normalized alone when there is none; dropped
/// when it merges to nothing). With one key held the patch's elements come first, in patch
/// order, then the resource's others; with several (`containerPort` + `protocol`) the new
/// elements come first and the resource's follow in their own order. The result is uniform
/// and distinct again, so it is known settled when every merged or new element is.
fn merge_uniform(
    mut dest: Vec<Value>,
    patch: &[Value],
    held: &[&'static str],
    item_schema: Option<Schema>,
    path: &mut FieldPath,
    dest_settled: bool,
) -> Result<(Vec<Value>, bool), MergeError> {
    // Per patch element: the index of the resource's element it merged into, or the new one.
    enum Merged {
        Dest(usize),
        New(Value),
    }
    let mut merged = Vec::with_capacity(patch.len());
    let mut gone = vec![false; dest.len()];
    let mut touched = vec![false; dest.len()];
    let mut known = true;
    for p in patch {
        match dest.iter().position(|e| same_key_values(e, p, held)) {
            Some(i) => {
                touched[i] = true;
                let d = std::mem::take(&mut dest[i]);
                match merge::walk_settled(Some(d), Some(p), item_schema, path, dest_settled)? {
                    (Some(v), k) if !is_missing_or_empty_map(&v) => {
                        known &= k;
                        dest[i] = v;
                        merged.push(Merged::Dest(i));
                    }
                    _ => gone[i] = true,
                }
            }
            None => {
                if let (Some(v), k) = merge::walk_settled(None, Some(p), item_schema, path, false)?
                    && !is_missing_or_empty_map(&v)
                {
                    known &= k;
                    merged.push(Merged::New(v));
                }
            }
        }
    }
    let mut out = Vec::with_capacity(merged.len() + dest.len());
    let mut dest: Vec<Option<Value>> = dest
        .into_iter()
        .zip(gone)
        .map(|(v, gone)| (!gone).then_some(v))
        .collect();
    if held.len() == 1 {
        for m in merged {
            match m {
                Merged::Dest(i) => out.extend(dest[i].take()),
                Merged::New(v) => out.push(v),
            }
        }
        out.extend(
            dest.into_iter()
                .zip(touched)
                .filter(|(_, t)| !t)
                .filter_map(|(v, _)| v),
        );
    } else {
        for m in merged {
            if let Merged::New(v) = m {
                out.push(v);
            }
        }
        out.extend(dest.into_iter().flatten());
    }
    Ok((out, known))
}

/// kyaml's road for any list merged by keys.
fn merge_by_keys_kyaml(
    mut dest: Vec<Value>,
    patch: &[Value],
    keys: &'static [&'static str],
    item_schema: Option<Schema>,
    path: &mut FieldPath,
) -> Result<Vec<Value>, MergeError> {
    // elementValues: the patch's tuples first, then the resource's, without repeats.
    let mut values: Vec<Vec<String>> = Vec::new();
    for elem in patch.iter().chain(dest.iter()) {
        let v: Vec<String> = keys.iter().map(|k| key_value(elem, k)).collect();
        if !values.contains(&v) {
            values.push(v);
        }
    }
    if keys.len() > 1 {
        merge_values(&mut values);
    }
    let mut items: Vec<Value> = Vec::new();
    let mut valid_keys: Vec<&'static str> = keys.to_vec();
    for v in &values {
        let (vkeys, vvalues) = validate_keys(&values, v, keys);
        valid_keys = vkeys.clone();
        // elementValueList validates once more against this tuple alone.
        let (lkeys, lvalues) = validate_keys(std::slice::from_ref(&vvalues), &vvalues, &vkeys);
        let d = find_exact(&dest, &lkeys, &lvalues);
        let p = find_exact(patch, &lkeys, &lvalues).map(|i| &patch[i]);
        let replaced = p.is_some_and(|p| {
            p.get(PATCH_KEY)
                .is_some_and(|d| Directive::parse(d, path) == Ok(Directive::Replace))
        });
        let dest_elem = d.map(|i| dest[i].clone());
        let val = merge::walk(dest_elem, p, item_schema, path)?;
        let val = match val {
            Some(val) if !is_missing_or_empty_map(&val) => val,
            _ => {
                element_setter(&mut dest, None, &vkeys, &vvalues);
                continue;
            }
        };
        let mut val = val;
        // The merged element is the resource's own node in kyaml, changed in place.
        if let (Some(i), false) = (d, replaced)
            && let Some(slot) = dest.get_mut(i)
        {
            *slot = val.clone();
        }
        if let Value::Object(m) = &mut val {
            for (k, value) in vkeys.iter().zip(&vvalues) {
                if !m.contains_key(*k) && !value.is_empty() {
                    m.insert((*k).to_string(), resolve_plain(value));
                }
            }
        }
        element_setter(&mut items, Some(val), &vkeys, &vvalues);
    }
    if !values.is_empty() {
        append_list(&mut items, &dest, &valid_keys)?;
    }
    Ok(items)
}

/// `appendListNode(dst, src, keys)`: every element of `src` set into `dst` by its keys;
/// with compound keys it is moved to the end.
fn append_list(
    dst: &mut Vec<Value>,
    src: &[Value],
    keys: &[&'static str],
) -> Result<(), MergeError> {
    for elem in src {
        let mut v = Vec::with_capacity(keys.len());
        for key in keys {
            match elem.as_object() {
                Some(m) => match m.get(*key) {
                    Some(f) => v.push(node_value(f)),
                    None => dst.push(elem.clone()),
                },
                None => {
                    return Err(MergeError {
                        path: String::new(),
                        message: format!("a list element is not a map: {elem}"),
                    });
                }
            }
        }
        if keys.len() > 1 {
            element_setter(dst, None, keys, &v);
        }
        element_setter(dst, Some(elem.clone()), keys, &v);
    }
    Ok(())
}

/// A key value put back as kyaml's `NewScalarRNode` would be read: an integer or a boolean
/// when it looks like one, else a string.
fn resolve_plain(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

/// A merged list of scalars (`finalizers`): the patch's values first, then the resource's
/// others, each once.
fn merge_scalars(
    dest: Vec<Value>,
    patch: &[Value],
    _item_schema: Option<Schema>,
    _path: &mut FieldPath,
) -> Result<Vec<Value>, MergeError> {
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for v in patch.iter().chain(dest.iter()) {
        if v.is_null() {
            continue;
        }
        let text = scalar_text(v);
        match seen.iter().position(|s| *s == text) {
            // The resource's node replaces the patch's equal one (same text).
            Some(_) => {}
            None => {
                seen.push(text);
                out.push(v.clone());
            }
        }
    }
    Ok(out)
}

/// An associative list of the patch merged into itself (kyaml walks the patch list as both
/// source and destination when the resource has none): elements' directives applied,
/// elements deduplicated by key (first place, last content), nulls dropped.
pub(super) fn normalize_associative(
    items: &[Value],
    keys: &'static [&'static str],
    schema: Option<Schema>,
    path: &mut FieldPath,
) -> Result<Option<Value>, MergeError> {
    let item_schema = schema.and_then(Schema::elements);
    let rest;
    let items = match list_directive(items, path)? {
        None => items,
        Some((Directive::Delete, _)) => return Ok(None),
        Some((_, r)) => {
            rest = r;
            &rest
        }
    };
    if keys.is_empty() {
        return Ok(Some(Value::Array(merge_scalars(
            Vec::new(),
            items,
            item_schema,
            path,
        )?)));
    }
    let mut out: Vec<(Vec<String>, Value)> = Vec::new();
    for item in items {
        if is_missing_or_empty_map(item) {
            continue;
        }
        let Some(v) = merge::normalize(item, item_schema, path)? else {
            continue;
        };
        if is_missing_or_empty_map(&v) {
            continue;
        }
        let k: Vec<String> = keys.iter().map(|key| key_value(item, key)).collect();
        match out.iter_mut().find(|(kk, _)| *kk == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    Ok(Some(Value::Array(
        out.into_iter().map(|(_, v)| v).collect(),
    )))
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn deployment(containers: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"template": {"spec": {"containers": containers}}}})
    }

    fn patched(base: Value, patch: Value) -> Value {
        apply(deployment(base), &deployment(patch), SmpOptions::default())
            .unwrap()
            .unwrap()
            .pointer("/spec/template/spec/containers")
            .cloned()
            .unwrap()
    }

    #[test]
    fn containers_merge_by_name_patch_first() {
        let out = patched(
            json!([{"name": "app", "image": "a:1"}, {"name": "proxy", "image": "p:1"}]),
            json!([{"name": "proxy", "image": "p:2"}, {"name": "new", "image": "n:1"}]),
        );
        assert_eq!(
            out,
            json!([{"name": "proxy", "image": "p:2"}, {"name": "new", "image": "n:1"},
                   {"name": "app", "image": "a:1"}])
        );
    }

    #[test]
    fn element_delete_and_list_replace() {
        let out = patched(
            json!([{"name": "app"}, {"name": "proxy"}]),
            json!([{"name": "proxy", "$patch": "delete"}]),
        );
        assert_eq!(out, json!([{"name": "app"}]));
        let out = patched(
            json!([{"name": "app"}, {"name": "proxy"}]),
            json!([{"$patch": "replace"}, {"name": "only"}]),
        );
        assert_eq!(out, json!([{"name": "only"}]));
    }

    #[test]
    fn ports_need_both_keys() {
        let base = json!([{"name": "c", "ports": [
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}]}]);
        let patch = json!([{"name": "c", "ports": [
            {"containerPort": 53, "name": "renamed"},
            {"containerPort": 9153, "protocol": "TCP", "name": "metrics"}]}]);
        let out = patched(base, patch);
        let names: Vec<&str> = out[0]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["metrics", "dns", "dns-tcp"]);
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "c", "finalizers": ["a", "b"]}});
        let patch = json!({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "c", "finalizers": ["c", "a"]}});
        let out = apply(base, &patch, SmpOptions::default()).unwrap().unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["c", "a", "b"]));
    }

    #[test]
    fn name_kind_and_namespace_come_back() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let patch = json!({"apiVersion": "v1", "kind": "Secret",
                           "metadata": {"name": "d", "namespace": "x"}, "data": {"k": "v"}});
        let out = apply(base.clone(), &patch, SmpOptions::default())
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                   "data": {"k": "v"}})
        );
        let opts = SmpOptions {
            allow_name_change: true,
            allow_kind_change: false,
        };
        let out = apply(base, &patch, opts).unwrap().unwrap();
        assert_eq!(out["metadata"]["name"], "d");
    }

    #[test]
    fn top_level_delete_removes_the_object() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let patch = json!({"$patch": "delete", "apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "c"}});
        assert!(
            apply(base, &patch, SmpOptions::default())
                .unwrap()
                .is_none()
        );
    }
}
