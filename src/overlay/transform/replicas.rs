//! `replicas`: sets `spec.replicas` (creating it) on the Deployment, ReplicationController,
//! ReplicaSet or StatefulSet with that name (current or former). Unlike a patch target, an
//! entry that matches none of these is an error, as in kustomize, even when an object of
//! another kind (a CAPI MachineDeployment) has the name.

use serde_json::Value;

use super::fieldspec::{FieldSpec, Leaf, visit};
use crate::overlay::Resource;

const REPLICA_KINDS: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Applies one entry; `Err` when no object of the four kinds has the name.
pub fn apply(resources: &mut [Resource], name: &str, count: i64) -> Result<(), String> {
    let spec = FieldSpec::of(&("", "", "", "spec/replicas", true));
    let mut found = false;
    for kind in REPLICA_KINDS {
        for r in resources.iter_mut() {
            if r.id().kind != *kind || !r.ids().iter().any(|id| id.name == name) {
                continue;
            }
            found = true;
            visit(&mut r.value, &spec, Leaf::Scalar, &mut |n| {
                *n = Value::from(count);
                Ok(())
            })?;
        }
    }
    if found {
        Ok(())
    } else {
        Err(format!(
            "no Deployment, ReplicationController, ReplicaSet or StatefulSet is named `{name}`"
        ))
    }
}
