//! What the GitOps engine delivers where, read back from the objects the engine's generator
//! wrote (so the picture shows what is rendered, not a second guess of it): per cluster, the
//! folders of the tree it applies, and where the engine runs.
//!
//! The seam for another engine: [`of`] asks each engine in turn; an engine is one function
//! from the resolved model and the output to a [`Delivery`] naming itself (`engine`), e.g.
//! Argo CD's from its `Application`s (`spec.destination`, `spec.source.path`). The diagram
//! only ever sees a [`Delivery`].

use serde_json::Value;

use super::super::Output;
use super::super::flux::KUSTOMIZE_API;
use crate::naming;
use crate::resolve::Resolved;

/// One engine's deliveries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The engine's name as the diagram shows it ("Flux").
    pub engine: &'static str,
    /// Where it reads from: the repository, branch and folder.
    pub source: String,
    /// The cluster it runs on and delivers every cluster from; `None` when each cluster's own
    /// engine delivers itself.
    pub runs_on: Option<String>,
    /// Per cluster, in the blueprint's order, the tree's folders delivered to it, in order.
    pub targets: Vec<(String, Vec<String>)>,
}

/// The platform's delivery, by whichever engine the blueprint chose; `None` without GitOps.
pub fn of(r: &Resolved, out: &Output) -> Option<Delivery> {
    flux(r, out).or_else(|| argocd(r, out))
}

/// Argo CD (`gitops.argocd`): the folder Applications of `gitops/argocd/<cluster>/
/// applications.yaml`, in their sync waves; each one's `spec.source.path` is a folder of the
/// tree (`super::super::argocd`). Argo CD runs on the management cluster.
fn argocd(r: &Resolved, out: &Output) -> Option<Delivery> {
    let argocd = r.argocd()?;
    let targets = r
        .clusters
        .iter()
        .filter_map(|c| {
            let file = out.get(&naming::argocd_apps_path(&c.name))?;
            let folders: Vec<String> = file
                .content
                .documents()?
                .into_iter()
                .filter(|o| o["kind"] == "Application")
                .filter_map(|o| o.pointer("/spec/source/path").and_then(Value::as_str))
                .map(|path| path.rsplit('/').next().unwrap_or(path).to_string())
                .collect();
            (!folders.is_empty()).then(|| (c.name.clone(), folders))
        })
        .collect();
    Some(Delivery {
        engine: "Argo CD",
        source: format!(
            "{} · {} · {}",
            argocd.url,
            r.argocd_branch(),
            r.argocd_path()
        ),
        runs_on: r.management_cluster().map(|m| m.name.clone()),
        targets,
    })
}

/// Flux (`gitops.flux`): the Kustomizations of `gitops/flux/<cluster>.yaml`; each one's
/// `spec.path` is a folder of the tree (`super::super::flux`).
fn flux(r: &Resolved, out: &Output) -> Option<Delivery> {
    let flux = r.gitops.as_ref()?.flux.as_ref()?;
    let targets = r
        .clusters
        .iter()
        .filter_map(|c| {
            let file = out.get(&naming::flux_path(&c.name))?;
            let folders: Vec<String> = file
                .content
                .documents()?
                .into_iter()
                .filter(|o| o["apiVersion"] == KUSTOMIZE_API && o["kind"] == "Kustomization")
                .filter_map(|o| o.pointer("/spec/path").and_then(Value::as_str))
                .map(|path| path.rsplit('/').next().unwrap_or(path).to_string())
                .collect();
            (!folders.is_empty()).then(|| (c.name.clone(), folders))
        })
        .collect();
    Some(Delivery {
        engine: "Flux",
        source: format!("{} · {} · {}", flux.url, r.flux_branch(), r.flux_path()),
        runs_on: r.management_cluster().map(|m| m.name.clone()),
        targets,
    })
}
