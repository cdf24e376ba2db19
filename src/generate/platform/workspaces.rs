//! `platform/workspaces.yaml`: one Kommander `Workspace` per blueprint workspace, its display
//! name and description as Kommander's annotations, its namespace (the workspace's name, where
//! its clusters' Cluster API objects live too) and the label its clusters carry.

use serde_json::{Map, Value};

use crate::json::json;

use super::metadata;
use crate::resolve::Resolved;

pub const API_VERSION: &str = "workspaces.kommander.mesosphere.io/v1alpha1";

/// Kommander's annotations for a workspace's name and description in its UI.
/// `blueprint::check::workspaces` keeps the two within Kubernetes' annotation size limit.
pub const DISPLAY_NAME_ANNOTATION: &str = "kommander.mesosphere.io/display-name";
pub const DESCRIPTION_ANNOTATION: &str = "kommander.mesosphere.io/description";
/// The cluster label that ties a cluster to its workspace (as Kommander sets it).
pub const WORKSPACE_REF_LABEL: &str = "workspaces.kommander.mesosphere.io/workspace-ref";

/// A workspace's namespace on the management cluster: its name, like the namespace of its
/// clusters' Cluster API objects (`generate::capa::namespace`).
pub fn namespace(workspace: &str) -> String {
    workspace.to_string()
}

pub fn objects(r: &Resolved) -> Vec<Value> {
    r.spec
        .workspaces
        .iter()
        .map(|ws| {
            let mut meta = metadata(r, &ws.name, None);
            let mut annotations = Map::new();
            if let Some(display) = &ws.display_name {
                annotations.insert(DISPLAY_NAME_ANNOTATION.into(), json!(display));
            }
            if let Some(description) = &ws.description {
                annotations.insert(DESCRIPTION_ANNOTATION.into(), json!(description));
            }
            if !annotations.is_empty() {
                meta.insert("annotations".into(), Value::Object(annotations));
            }
            let mut cluster_labels = Map::new();
            cluster_labels.insert(WORKSPACE_REF_LABEL.into(), json!(ws.name));
            json!({
                "apiVersion": API_VERSION,
                "kind": "Workspace",
                "metadata": meta,
                "spec": {
                    "namespaceName": namespace(&ws.name),
                    "clusterLabels": cluster_labels,
                },
            })
        })
        .collect()
}
