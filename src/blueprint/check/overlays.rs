//! Overlay references (`spec.overlays[]`, `spec.clusters[].overlays[]`): paths relative to the
//! blueprint that stay inside its folder, each listed once. Whether the folder exists and what
//! its kustomization holds is checked where overlays are read, not here.

use std::collections::BTreeMap;

use super::Cx;
use super::syntax::relative_path;
use crate::blueprint::model::OverlayRef;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    list(cx, out, &cx.bp.spec.overlays, &cx.spec().field("overlays"));
    for (_, cluster, path) in cx.clusters() {
        list(cx, out, &cluster.overlays, &path.field("overlays"));
    }
}

fn list(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, overlays: &[OverlayRef], path: &BlueprintPath) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, overlay) in overlays.iter().enumerate() {
        let overlay_path = path.index(i).field("path");
        if let Err(problem) = relative_path(&overlay.path) {
            out.push(
                cx.error(Code::Path, &overlay_path, format!("overlay path `{}` {problem}", overlay.path))
                    .help("an overlay is a folder next to the blueprint (or below it), e.g. `overlays/all-clusters`"),
            );
            continue;
        }
        let key = overlay.path.trim_end_matches('/');
        if let Some(first) = seen.get(key) {
            out.push(
                cx.error(
                    Code::Path,
                    &overlay_path,
                    format!(
                        "overlay `{}` is listed twice (also {})",
                        overlay.path,
                        path.index(*first).field("path")
                    ),
                )
                .help("each overlay applies once; remove the second entry"),
            );
        } else {
            seen.insert(key, i);
        }
    }
}
