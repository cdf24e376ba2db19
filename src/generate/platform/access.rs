//! `platform/access.yaml`: per access entry a Kommander `VirtualGroup` whose subjects are the
//! entry's OIDC groups (`oidc:<group>`, as dex and Kommander name them) and users (their
//! e-mail), and its role bindings:
//!
//! - `role: cluster-admin`: `cluster-admin` on the management cluster
//!   (`VirtualGroupKommanderClusterRoleBinding`) and on every attached cluster
//!   (`VirtualGroupClusterRoleBinding` placed on all clusters): "everywhere".
//! - `workspaces: {<ws>: admin|edit|view}`: in the workspace's namespace, the workspace role on
//!   all the workspace's clusters (`VirtualGroupWorkspaceRoleBinding`) and the Kommander
//!   workspace role on the management cluster (`VirtualGroupKommanderWorkspaceRoleBinding`),
//!   by the names in [`role_names`]; and once per entry the dashboard's view role, without which
//!   Kommander lets nobody from an identity provider into its UI.

use serde_json::Value;

use crate::json::json;

use super::{local_ref, metadata, workspaces};
use crate::blueprint::model::{Access, AccessRole, WorkspaceRole};
use crate::naming;
use crate::resolve::Resolved;

const KOMMANDER_API: &str = "kommander.mesosphere.io/v1beta1";
const WORKSPACES_API: &str = workspaces::API_VERSION;
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Kubernetes' own all-powerful ClusterRole.
const CLUSTER_ADMIN: &str = "cluster-admin";
/// The ClusterRole that lets a user open the Kommander dashboard, read-only (Kommander 2.1
/// docs, "Granting Access to Kubernetes and Kommander Resources", default roles table; the
/// "Access Control" page: "you must also grant the appropriate DKP role to allow external users
/// and groups into the UI").
const DASHBOARD_VIEW: &str = "dkp-kommander-view";

/// The Kommander role names of one blueprint workspace role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkspaceRoleNames {
    /// The `WorkspaceRole` federated to the workspace's clusters as a ClusterRole.
    pub workspace_role: &'static str,
    /// The `KommanderWorkspaceRole` on the management cluster, in the workspace's namespace.
    pub kommander_workspace_role: &'static str,
}

/// The one table of Kommander's role names for `admin`, `edit` and `view`. Sources:
/// `kommander-workspace-{admin,edit,view}` are the `KommanderWorkspaceRole`s Kommander creates in
/// every workspace (Kommander 2.1 docs, "Access Control", `kubectl get kommanderworkspaceroles`).
/// The workspace roles on clusters: `workspace-cluster-admin` is what a workspace admin is bound
/// to in the published DKP example (jonathanbeber/KommanderDemo, `sandbox_virtual_group.yaml`,
/// next to `kommander-workspace-admin`); `workspace-edit` and `workspace-view` are Kommander's
/// default WorkspaceRoles of the same workspace (`kubectl get workspaceroles -n <workspace>`).
pub const fn role_names(role: WorkspaceRole) -> WorkspaceRoleNames {
    match role {
        WorkspaceRole::Admin => WorkspaceRoleNames {
            workspace_role: "workspace-cluster-admin",
            kommander_workspace_role: "kommander-workspace-admin",
        },
        WorkspaceRole::Edit => WorkspaceRoleNames {
            workspace_role: "workspace-edit",
            kommander_workspace_role: "kommander-workspace-edit",
        },
        WorkspaceRole::View => WorkspaceRoleNames {
            workspace_role: "workspace-view",
            kommander_workspace_role: "kommander-workspace-view",
        },
    }
}

pub fn objects(r: &Resolved) -> Vec<Value> {
    r.spec
        .access
        .iter()
        .flat_map(|entry| entry_objects(r, entry))
        .collect()
}

fn subjects(entry: &Access) -> Vec<Value> {
    let groups = entry
        .groups
        .iter()
        .map(|g| json!({"apiGroup": RBAC_GROUP, "kind": "Group", "name": naming::oidc_group(g)}));
    let users = entry
        .users
        .iter()
        .map(|u| json!({"apiGroup": RBAC_GROUP, "kind": "User", "name": u}));
    groups.chain(users).collect()
}

/// Placement on every cluster in scope: all attached clusters for a cluster-scoped binding,
/// all the workspace's clusters for one in a workspace's namespace (as the published example
/// places them).
fn all_clusters() -> Value {
    json!({"clusterSelector": {}})
}

fn entry_objects(r: &Resolved, entry: &Access) -> Vec<Value> {
    let group = &entry.name;
    let mut out = vec![json!({
        "apiVersion": KOMMANDER_API,
        "kind": "VirtualGroup",
        "metadata": metadata(r, group, None),
        "spec": {"subjects": subjects(entry)},
    })];
    if entry.role == Some(AccessRole::ClusterAdmin) {
        let name = naming::access_binding_name(group, CLUSTER_ADMIN);
        out.push(json!({
            "apiVersion": WORKSPACES_API,
            "kind": "VirtualGroupKommanderClusterRoleBinding",
            "metadata": metadata(r, &name, None),
            "spec": {
                "clusterRoleRef": local_ref(CLUSTER_ADMIN),
                "virtualGroupRef": local_ref(group),
            },
        }));
        out.push(json!({
            "apiVersion": KOMMANDER_API,
            "kind": "VirtualGroupClusterRoleBinding",
            "metadata": metadata(r, &name, None),
            "spec": {
                "clusterRoleRef": local_ref(CLUSTER_ADMIN),
                "placement": all_clusters(),
                "virtualGroupRef": local_ref(group),
            },
        }));
    }
    if !entry.workspaces.is_empty() {
        let name = naming::access_binding_name(group, DASHBOARD_VIEW);
        out.push(json!({
            "apiVersion": WORKSPACES_API,
            "kind": "VirtualGroupKommanderClusterRoleBinding",
            "metadata": metadata(r, &name, None),
            "spec": {
                "clusterRoleRef": local_ref(DASHBOARD_VIEW),
                "virtualGroupRef": local_ref(group),
            },
        }));
    }
    for (workspace, role) in &entry.workspaces {
        let names = role_names(*role);
        let ns = workspaces::namespace(workspace);
        out.push(json!({
            "apiVersion": WORKSPACES_API,
            "kind": "VirtualGroupWorkspaceRoleBinding",
            "metadata": metadata(r, &naming::access_binding_name(group, names.workspace_role), Some(&ns)),
            "spec": {
                "placement": all_clusters(),
                "virtualGroupRef": local_ref(group),
                "workspaceRoleRef": local_ref(names.workspace_role),
            },
        }));
        out.push(json!({
            "apiVersion": WORKSPACES_API,
            "kind": "VirtualGroupKommanderWorkspaceRoleBinding",
            "metadata": metadata(r, &naming::access_binding_name(group, names.kommander_workspace_role), Some(&ns)),
            "spec": {
                "kommanderWorkspaceRoleRef": local_ref(names.kommander_workspace_role),
                "virtualGroupRef": local_ref(group),
            },
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workspace_role_has_distinct_kommander_names() {
        let mut seen = std::collections::BTreeSet::new();
        for role in [
            WorkspaceRole::Admin,
            WorkspaceRole::Edit,
            WorkspaceRole::View,
        ] {
            let n = role_names(role);
            assert!(seen.insert(n.workspace_role), "{role:?}");
            assert!(seen.insert(n.kommander_workspace_role), "{role:?}");
        }
    }
}
