//! The picture of the platform that opens the tree's README: one Mermaid flowchart, which Git
//! hosts draw, of
//! - the platform's clusters inside their workspaces, each with its provider and node pools
//!   (dedicated pools, the tainted ones such as monitoring and route reflectors, dashed), and
//!   the management cluster's dotted arrows to the clusters Cluster API creates from it;
//! - who has access: each `access` entry's groups and users, with an arrow to the whole
//!   platform (`cluster-admin`) or to each workspace, labelled with the role;
//! - which IAM role each workload assumes, and how (IRSA or the nodes' role);
//! - what the GitOps engine delivers where: the folders of the tree per cluster.
//!
//! A platform of at most [`MAX_DRAWN`] clusters, workspaces and access entries is drawn in
//! full. A larger one is drawn as a summary, so that the diagram stays bounded (a Git host
//! refuses, or cannot lay out, a diagram of thousands of nodes): the management cluster in
//! full, the other clusters as one node per provider with their counts, the workspaces and
//! access entries as counts, and the IAM roles as one node per provider and workload. The
//! README's tables below the diagram still list every cluster.
//!
//! Deterministic: everything is walked in the blueprint's order or a sorted map's, and node
//! ids derive from names ([`mermaid::id`]).

mod delivery;
mod iam;
pub mod mermaid;

use std::collections::{BTreeMap, BTreeSet};

use self::delivery::Delivery;
use self::mermaid::{Chart, Flowchart, Kind, Shape, id};
use super::Output;
use super::iam::model::{Plan, plan};
use crate::blueprint::model::{AccessRole, Provider, TaintEffect, WorkspaceRole};
use crate::resolve::{PoolRole, Resolved, ResolvedCluster, ResolvedNodePool, Scaling};

/// The most clusters (and workspaces, access entries, node pools of a cluster) drawn one by
/// one.
pub const MAX_DRAWN: usize = 12;
/// Mermaid's default limits, beyond which it draws an error instead of the diagram
/// (mermaid v12.3.0, `packages/mermaid/src/schemas/config.schema.yaml`: `maxTextSize`
/// 50000, `maxEdges` 500). A full drawing that would pass either is drawn as the summary.
pub const MAX_TEXT: usize = 50_000;
pub const MAX_EDGES: usize = 500;
/// The longest free text (a display name, a list of groups) a label shows.
const MAX_FREE_TEXT: usize = 80;

/// The README's opening section: the diagram in a `mermaid` fence and its legend.
pub fn section(r: &Resolved, out: &Output) -> String {
    let plan = plan(r);
    let delivery = delivery::of(r, out);
    let full = r.clusters.len() <= MAX_DRAWN
        && r.spec.workspaces.len() <= MAX_DRAWN
        && r.spec.access.len() <= MAX_DRAWN;
    let drawn = full
        .then(|| Picture::new(r, plan.as_ref(), delivery.as_ref()).full())
        .filter(|c| c.text.len() <= MAX_TEXT && c.edges <= MAX_EDGES);
    let full = drawn.is_some();
    let chart =
        drawn.unwrap_or_else(|| Picture::new(r, plan.as_ref(), delivery.as_ref()).summary());
    let mut s = format!("```mermaid\n{}```\n\n", chart.text);
    s.push_str(
        "Dashed boxes are dedicated node pools (tainted: only pods that tolerate the taint run\n\
         there); dotted arrows lead from the management cluster to the clusters Cluster API\n\
         creates from it; an arrow from a workload leads to the IAM role it assumes.",
    );
    if !full {
        s.push_str(&format!(
            " More than {MAX_DRAWN} clusters, workspaces\n\
             or access entries (or a drawing beyond Mermaid's limits): the clusters other than the\n\
             management cluster are drawn as one box per provider (the tables below list each)."
        ));
    }
    s.push_str("\n\n");
    s
}

fn provider(p: Provider) -> &'static str {
    match p {
        Provider::Capa => "CAPA",
        Provider::Eks => "EKS (CAPA)",
        Provider::Kops => "kOps",
    }
}

fn scaling(s: Scaling) -> String {
    match s {
        Scaling::Fixed(1) => "1 node".to_string(),
        Scaling::Fixed(n) => format!("{n} nodes"),
        Scaling::Auto { min, max } => format!("{min}–{max} nodes"),
    }
}

/// A pool is dedicated when it repels pods: a role's taint, or any `NoSchedule`/`NoExecute`
/// taint of the blueprint (`PreferNoSchedule` only discourages, so it does not dedicate).
fn dedicated(p: &ResolvedNodePool) -> bool {
    p.role != PoolRole::General
        || p.taints
            .iter()
            .any(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
}

fn pool_label(p: &ResolvedNodePool) -> String {
    let mut s = format!(
        "pool {} · {} · {}",
        p.name,
        p.instance_type,
        scaling(p.scaling)
    );
    match p.role {
        PoolRole::Monitoring => s.push_str(" · monitoring only"),
        PoolRole::RouteReflector => s.push_str(" · Calico route reflectors"),
        PoolRole::General => {}
    }
    for t in &p.taints {
        let value = t
            .value
            .as_deref()
            .map(|v| format!("={v}"))
            .unwrap_or_default();
        s.push_str(&format!(" · taint {}{value}:{:?}", t.key, t.effect));
    }
    s
}

/// At most three items, then how many more: labels stay short on a large platform.
fn few<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    let mut s = items.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    if items.len() > 3 {
        s.push_str(&format!(" and {} more", items.len() - 3));
    }
    s
}

fn workspace_role(role: WorkspaceRole) -> &'static str {
    match role {
        WorkspaceRole::Admin => "admin",
        WorkspaceRole::Edit => "edit",
        WorkspaceRole::View => "view",
    }
}

/// The diagram being built.
struct Picture<'a> {
    r: &'a Resolved,
    plan: Option<&'a Plan>,
    delivery: Option<&'a Delivery>,
    f: Flowchart,
    dedicated: Vec<String>,
    /// The IAM roles to draw, by key: id and label.
    roles: BTreeMap<Vec<String>, String>,
    /// Arrows from workloads (or provider summaries) to roles, drawn after the IAM subgraph.
    role_edges: Vec<(String, String, String)>,
    platform: String,
}

impl<'a> Picture<'a> {
    fn new(r: &'a Resolved, plan: Option<&'a Plan>, delivery: Option<&'a Delivery>) -> Self {
        Picture {
            r,
            plan,
            delivery,
            f: Flowchart::new(),
            dedicated: Vec::new(),
            roles: BTreeMap::new(),
            role_edges: Vec::new(),
            platform: id(Kind::Platform, &[&r.platform]),
        }
    }

    /// Every cluster in its workspace, every access entry, every role.
    fn full(mut self) -> Chart {
        let r = self.r;
        self.f.open(
            &self.platform.clone(),
            &format!("platform {} · {}", r.platform, r.domain),
        );
        let declared: BTreeSet<&str> = r.spec.workspaces.iter().map(|w| w.name.as_str()).collect();
        for w in &r.spec.workspaces {
            let mut title = format!("workspace {}", w.name);
            if let Some(display) = &w.display_name {
                title.push_str(&format!(" · {}", short(display)));
            }
            self.f.open(&id(Kind::Workspace, &[&w.name]), &title);
            for c in r
                .clusters
                .iter()
                .filter(|c| c.workspace.as_deref() == Some(&w.name))
            {
                self.cluster(c);
            }
            self.f.close();
        }
        for c in r
            .clusters
            .iter()
            .filter(|c| !c.workspace.as_deref().is_some_and(|w| declared.contains(w)))
        {
            self.cluster(c);
        }
        self.f.close();
        self.iam();
        self.managed(
            r.clusters
                .iter()
                .filter(|c| !c.management)
                .map(|c| (c.provider, id(Kind::Cluster, &[&c.name]), String::new())),
        );
        for a in &r.spec.access {
            let node = id(Kind::Access, &[&a.name]);
            self.f.node(&node, Shape::Hexagon, &access_label(a));
            if a.role == Some(AccessRole::ClusterAdmin) {
                self.f.edge(
                    &node,
                    &self.platform.clone(),
                    "cluster-admin, every cluster",
                );
            }
            for (workspace, role) in &a.workspaces {
                if declared.contains(workspace.as_str()) {
                    self.f.edge(
                        &node,
                        &id(Kind::Workspace, &[workspace]),
                        workspace_role(*role),
                    );
                }
            }
        }
        if let Some(d) = self.delivery {
            let engine = self.engine(d);
            for (cluster, folders) in &d.targets {
                self.f.edge(
                    &engine,
                    &id(Kind::Cluster, &[cluster]),
                    &folders.join(" · "),
                );
            }
        }
        self.f.finish(&self.dedicated)
    }

    /// The management cluster in full, the others one node per provider.
    fn summary(mut self) -> Chart {
        let r = self.r;
        let groups = groups(r);
        self.f.open(
            &self.platform.clone(),
            &format!(
                "platform {} · {} · clusters: {} · workspaces: {}",
                r.platform,
                r.domain,
                r.clusters.len(),
                r.spec.workspaces.len()
            ),
        );
        if let Some(m) = r.management_cluster() {
            self.cluster(m);
        }
        for (p, clusters) in &groups {
            self.group(*p, clusters);
        }
        self.f.close();
        self.iam();
        self.managed(groups.iter().map(|(p, clusters)| {
            (
                *p,
                id(Kind::Summary, &[provider_key(*p)]),
                format!(" · {} clusters", clusters.len()),
            )
        }));
        if !r.spec.access.is_empty() {
            let admins = r
                .spec
                .access
                .iter()
                .filter(|a| a.role == Some(AccessRole::ClusterAdmin))
                .count();
            let node = id(Kind::Access, &["all"]);
            self.f.node(
                &node,
                Shape::Hexagon,
                &format!(
                    "{} access entries: {admins} cluster-admin everywhere, {} with workspace roles",
                    r.spec.access.len(),
                    r.spec
                        .access
                        .iter()
                        .filter(|a| !a.workspaces.is_empty())
                        .count()
                ),
            );
            self.f.edge(&node, &self.platform.clone(), "");
        }
        if let Some(d) = self.delivery {
            let engine = self.engine(d);
            let management = r.management_cluster().map(|m| m.name.as_str());
            let providers: BTreeMap<&str, Provider> = r
                .clusters
                .iter()
                .map(|c| (c.name.as_str(), c.provider))
                .collect();
            // Per provider, the folders delivered to its clusters, in first-seen order.
            let mut per: BTreeMap<Provider, Vec<&str>> = BTreeMap::new();
            for (cluster, folders) in &d.targets {
                if Some(cluster.as_str()) == management {
                    self.f.edge(
                        &engine,
                        &id(Kind::Cluster, &[cluster]),
                        &folders.join(" · "),
                    );
                    continue;
                }
                let Some(p) = providers.get(cluster.as_str()) else {
                    continue;
                };
                let list = per.entry(*p).or_default();
                for folder in folders {
                    if !list.contains(&folder.as_str()) {
                        list.push(folder);
                    }
                }
            }
            for (p, folders) in per {
                self.f.edge(
                    &engine,
                    &id(Kind::Summary, &[provider_key(p)]),
                    &folders.join(" · "),
                );
            }
        }
        self.f.finish(&self.dedicated)
    }

    /// A cluster's subgraph: its pools and the workloads that assume IAM roles.
    fn cluster(&mut self, c: &ResolvedCluster) {
        let role = if c.management {
            " · management cluster"
        } else {
            ""
        };
        self.f.open(
            &id(Kind::Cluster, &[&c.name]),
            &format!(
                "{}{role} · {} · {} · {}",
                c.name,
                provider(c.provider),
                c.kubernetes_version,
                c.region
            ),
        );
        // Beyond the cap, the last drawn box stands for the rest of the pools.
        let (drawn, rest) = if c.node_pools.len() > MAX_DRAWN {
            c.node_pools.split_at(MAX_DRAWN - 1)
        } else {
            (&c.node_pools[..], &[][..])
        };
        for p in drawn {
            let node = id(Kind::Pool, &[&c.name, &p.name]);
            self.f.node(&node, Shape::Box, &pool_label(p));
            if dedicated(p) {
                self.dedicated.push(node);
            }
        }
        if !rest.is_empty() {
            // `Kind::Summary` with the cluster's name: no pool id can be equal.
            let node = id(Kind::Summary, &[&c.name, "pools"]);
            let tainted = rest.iter().filter(|p| dedicated(p)).count();
            self.f.node(
                &node,
                Shape::Box,
                &format!(
                    "{} more pools, {tainted} dedicated: {}",
                    rest.len(),
                    few(rest.iter().map(|p| p.name.as_str()))
                ),
            );
            if tainted > 0 {
                self.dedicated.push(node);
            }
        }
        for a in iam::of_cluster(self.r, self.plan, c) {
            let node = id(Kind::Workload, &[&c.name, a.workload]);
            self.f.node(
                &node,
                Shape::Stadium,
                &format!("{} · {}", a.workload, a.service_account),
            );
            let role = self.role(&a.role_key, &a.role);
            self.role_edges.push((node, role, a.how.to_string()));
        }
        self.f.close();
    }

    /// The clusters of one provider (not the management cluster) as one node; their roles as
    /// one node per workload.
    fn group(&mut self, p: Provider, clusters: &[&ResolvedCluster]) {
        let node = id(Kind::Summary, &[provider_key(p)]);
        let pools: usize = clusters.iter().map(|c| c.node_pools.len()).sum();
        let dedicated_pools = clusters
            .iter()
            .flat_map(|c| &c.node_pools)
            .filter(|p| dedicated(p))
            .count();
        let mut pool_names: BTreeMap<&str, usize> = BTreeMap::new();
        for pool in clusters
            .iter()
            .flat_map(|c| &c.node_pools)
            .filter(|p| dedicated(p))
        {
            *pool_names.entry(pool.name.as_str()).or_default() += 1;
        }
        let versions: BTreeSet<&str> = clusters
            .iter()
            .map(|c| c.kubernetes_version.as_str())
            .collect();
        let regions: BTreeSet<&str> = clusters.iter().map(|c| c.region.as_str()).collect();
        let mut label = format!(
            "{} {} clusters · {} · {} · {pools} node pools",
            clusters.len(),
            p_name(p),
            few(versions),
            few(regions),
        );
        if dedicated_pools > 0 {
            label.push_str(&format!(
                " · {dedicated_pools} dedicated: {}",
                few(pool_names.keys().copied())
            ));
        }
        self.f.node(&node, Shape::Box, &label);
        if dedicated_pools > 0 {
            self.dedicated.push(node.clone());
        }
        // One arrow per workload and role pattern, however many clusters share it.
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        for c in clusters {
            for a in iam::of_cluster(self.r, self.plan, c) {
                let how = format!("{} · {} · {}", a.workload, a.service_account, a.how);
                if !seen.insert((how.clone(), a.role_pattern.clone())) {
                    continue;
                }
                // Every cluster of a provider has the same kind of role for a workload.
                let key = vec![
                    "per".to_string(),
                    provider_key(p).to_string(),
                    a.workload.to_string(),
                ];
                let role = self.role(&key, &a.role_pattern);
                self.role_edges.push((node.clone(), role, how));
            }
        }
    }

    /// Registers a role node; returns its id.
    fn role(&mut self, key: &[String], label: &str) -> String {
        let parts: Vec<&str> = key.iter().map(String::as_str).collect();
        self.roles
            .entry(key.to_vec())
            .or_insert_with(|| label.to_string());
        id(Kind::Role, &parts)
    }

    /// The IAM subgraph and the arrows to it.
    fn iam(&mut self) {
        if self.roles.is_empty() {
            return;
        }
        self.f.open(&id(Kind::Iam, &["iam"]), "AWS IAM");
        for (key, label) in &self.roles {
            let parts: Vec<&str> = key.iter().map(String::as_str).collect();
            self.f.node(&id(Kind::Role, &parts), Shape::Box, label);
        }
        self.f.close();
        for (from, to, text) in std::mem::take(&mut self.role_edges) {
            self.f.edge(&from, &to, &text);
        }
    }

    /// Dotted arrows from the management cluster to what Cluster API creates from it (capa
    /// and eks clusters; kOps creates kops clusters itself).
    fn managed(&mut self, targets: impl Iterator<Item = (Provider, String, String)>) {
        let Some(m) = self.r.management_cluster() else {
            return;
        };
        let from = id(Kind::Cluster, &[&m.name]);
        for (p, to, extra) in targets {
            if p != Provider::Kops {
                self.f.dotted(&from, &to, &format!("Cluster API{extra}"));
            }
        }
    }

    /// The GitOps engine's node; returns its id.
    fn engine(&mut self, d: &Delivery) -> String {
        let node = id(Kind::Delivery, &[&d.engine.to_lowercase()]);
        let where_ = match &d.runs_on {
            Some(cluster) => format!("on {cluster}, delivers every cluster"),
            None => "in each cluster, delivers it".to_string(),
        };
        self.f.node(
            &node,
            Shape::Stadium,
            &format!("{} {where_} · from {}", d.engine, d.source),
        );
        node
    }
}

fn p_name(p: Provider) -> &'static str {
    match p {
        Provider::Capa => "capa",
        Provider::Eks => "eks",
        Provider::Kops => "kops",
    }
}

fn provider_key(p: Provider) -> &'static str {
    p_name(p)
}

/// The clusters other than the management cluster, by provider.
fn groups(r: &Resolved) -> BTreeMap<Provider, Vec<&ResolvedCluster>> {
    let mut groups: BTreeMap<Provider, Vec<&ResolvedCluster>> = BTreeMap::new();
    for c in r.clusters.iter().filter(|c| !c.management) {
        groups.entry(c.provider).or_default().push(c);
    }
    groups
}

fn access_label(a: &crate::blueprint::model::Access) -> String {
    let mut s = format!("access {}", a.name);
    if !a.groups.is_empty() {
        s.push_str(&format!(
            " · groups {}",
            short(&few(a.groups.iter().map(String::as_str)))
        ));
    }
    if !a.users.is_empty() {
        s.push_str(&format!(
            " · users {}",
            short(&few(a.users.iter().map(String::as_str)))
        ));
    }
    s
}

/// Free text cut to [`MAX_FREE_TEXT`] characters.
fn short(text: &str) -> String {
    if text.chars().count() <= MAX_FREE_TEXT {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_FREE_TEXT - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests;
