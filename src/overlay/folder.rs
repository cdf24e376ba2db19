//! One kustomization folder built as kustomize builds a kustomization target (kustomize
//! v5.5.0, api/internal/target/kusttarget.go `accumulateTarget`): the entries of
//! `resources` in order — a file's objects, or a folder's kustomization built first, whole,
//! with its own generators and transformers (`accumulateDirectory`, a child target with an
//! accumulator of its own) — then the folder's generators, then its patches and
//! transformers over all of them. Two objects with one id are refused wherever they meet
//! (resmap/reswrangler.go `Append`). What kustomize does once at the top (reference
//! fix-ups, local-config, sorting) is the caller's.
//!
//! Folders follow kustomize's loader (api/internal/loader/fileloader.go `New`): a folder
//! that is, or contains, a folder the build is already in is a cycle
//! (`errIfArgEqualOrHigher`), compared once symbolic links are resolved (`ConfirmDir`); a
//! folder without a kustomization file is an error (`LoadKustFile`). Paths stay inside the
//! folder whose kustomization names them, as every overlay path does
//! (`kustomization::path_problem`): `../base` is refused where kustomize would allow it.

use super::kustomization::{At, Kustomization, SortOrder};
use super::{Files, Resource, check_unique, generator, prepare, read_resources, transform};
use crate::beside::Entry;
use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;

/// The objects of the folder of `files`, with every transformer of its kustomization (and
/// of the kustomizations below it) applied, unsorted; and the folder's `sortOptions`.
pub fn accumulate(files: &Files<'_>) -> Result<(Vec<Resource>, SortOrder), Vec<Diagnostic>> {
    let mut visiting = vec![files.real_path("").unwrap_or_default()];
    accumulate_in(files, &mut visiting)
}

/// [`accumulate`] with the folders the build is in (resolved, relative to the root),
/// outermost first.
fn accumulate_in(
    files: &Files<'_>,
    visiting: &mut Vec<String>,
) -> Result<(Vec<Resource>, SortOrder), Vec<Diagnostic>> {
    let k = files.kustomization()?;
    let mut resources = resources_in(files, &k, visiting)?;
    let generated = generator::config_maps(&k, files)?;
    if !generated.is_empty() {
        resources.extend(generated);
        check_unique(&resources)?;
    }
    let sort = k.sort.clone();
    let prepared = prepare(k, files)?;
    transform(&mut resources, &prepared, super::ApplyOptions::default())?;
    Ok((resources, sort))
}

/// The objects of `k`'s `resources` (the kustomization of the folder of `files`): its
/// files' objects and its folders' builds, in list order, before its own generators and
/// transformers.
pub fn resources(files: &Files<'_>, k: &Kustomization) -> Result<Vec<Resource>, Vec<Diagnostic>> {
    let mut visiting = vec![files.real_path("").unwrap_or_default()];
    resources_in(files, k, &mut visiting)
}

fn resources_in(
    files: &Files<'_>,
    k: &Kustomization,
    visiting: &mut Vec<String>,
) -> Result<Vec<Resource>, Vec<Diagnostic>> {
    let mut resources = Vec::new();
    let mut diags = Vec::new();
    for (rel, at) in &k.resources {
        let locate = |d: Diagnostic| match &k.source {
            Some(src) => d.at(src, at.span).path(&at.path),
            None => d.path(&at.path),
        };
        if files.entry(rel) != Entry::Dir {
            let file = match files.read(rel, k.source.as_ref().map(|s| (s, at))) {
                Ok(f) => f,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            match read_resources(&file) {
                Ok(rs) => resources.extend(rs),
                Err(ds) => diags.extend(ds),
            }
            continue;
        }
        let sub = files.sub(rel);
        let real = files.real_path(rel).unwrap_or_default();
        if let Some(inside) = visiting.iter().find(|v| contains(&real, v)) {
            diags.push(locate(cycle(rel, inside, visiting)));
            continue;
        }
        if let Err(d) = has_kustomization(&sub, rel, k.source.as_ref(), at) {
            diags.push(d);
            continue;
        }
        visiting.push(real);
        let built = accumulate_in(&sub, visiting);
        visiting.pop();
        match built {
            Ok((rs, _)) => resources.extend(rs),
            Err(ds) => diags.extend(ds.into_iter().map(|d| {
                d.note(format!(
                    "in the kustomization `{}` named by {}",
                    sub.folder_name(),
                    at_text(&files.folder_name(), at)
                ))
            })),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    check_unique(&resources)?;
    Ok(resources)
}

/// Whether the folder `outer` is, or contains, the folder `inner` (both resolved, relative
/// to the root; "" is the root).
fn contains(outer: &str, inner: &str) -> bool {
    outer.is_empty()
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The error for a folder that is, or contains, `inside`, a folder the build is in.
fn cycle(rel: &str, inside: &str, visiting: &[String]) -> Diagnostic {
    let name = |p: &str| {
        if p.is_empty() {
            "the folder being built".to_string()
        } else {
            format!("`{p}`")
        }
    };
    let chain: Vec<String> = visiting.iter().map(|v| name(v)).collect();
    Diagnostic::error(
        Code::Path,
        format!(
            "cycle: `{rel}` is {}, or contains it, and this build is already in it",
            name(inside)
        ),
    )
    .help(format!(
        "a kustomization may include folders below it only; the build is in {}",
        chain.join(" → ")
    ))
}

/// kustomize's error for a folder under `resources` without a kustomization file
/// (api/internal/target/kusttarget.go `LoadKustFile`), located at the entry.
fn has_kustomization(
    sub: &Files<'_>,
    rel: &str,
    src: Option<&SourceFile>,
    at: &At,
) -> Result<(), Diagnostic> {
    let names = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
    if names.iter().any(|n| sub.entry(n) == Entry::File) {
        return Ok(());
    }
    let d = Diagnostic::error(
        Code::Path,
        format!(
            "`{rel}` is a folder without a kustomization: none of {} in {}",
            names.join(", "),
            sub.folder_name()
        ),
    )
    .help("a folder under `resources` is a kustomization; list a plain file by its name");
    Err(match src {
        Some(src) => d.at(src, at.span).path(&at.path),
        None => d.path(&at.path),
    })
}

/// `resources[2] of overlays/a/kustomization.yaml`.
fn at_text(folder: &str, at: &At) -> String {
    if folder == "." {
        at.path.clone()
    } else {
        format!("{} in {folder}", at.path)
    }
}
