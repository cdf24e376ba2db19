//! The platform layer of the management cluster (`platform/`), in Kommander's terms: the
//! installer configuration (`installation.yaml`, apps and their values), the workspaces
//! (`workspaces.yaml`), who may do what (`access.yaml`, virtual groups and their role
//! bindings) and the licence object (`license.yaml`, a reference to the licence's Secret). Only a blueprint with a management cluster gets this folder.

mod access;
mod installation;
mod kommander_external_dns;
pub mod license;
pub mod steps;
pub mod workspaces;

use serde_json::{Map, Value};

use crate::json::json;

use super::{Content, GenError, Origin, Output, Source};
use crate::naming;
use crate::resolve::Resolved;

const GENERATOR: &str = "platform";

pub use access::{WorkspaceRoleNames, role_names};
pub use installation::{APPS_WITH_SYSTEM_CA, DEX_CLIENT_SECRET_ENV};

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    let Some(management) = r.management_cluster() else {
        return Ok(());
    };
    let (installation, embedded) = installation::installation(r, management)?;
    out.origin(Origin::cluster(&management.name)).add(
        naming::INSTALLATION_PATH,
        GENERATOR,
        Content::Document(installation),
    )?;
    for (pointer, tree) in embedded {
        out.embed(naming::INSTALLATION_PATH, pointer, tree);
    }
    let workspaces = workspaces::objects(r);
    if !workspaces.is_empty() {
        out.origin(Origin::platform().with("workspaces", Source::path("spec.workspaces")))
            .objects(naming::WORKSPACES_PATH, GENERATOR, workspaces)?;
    }
    if let Some(license) = license::object(r) {
        out.origin(
            Origin::platform().with("kommander", Source::path("spec.kommander.licenseSecretRef")),
        )
        .objects(naming::LICENSE_PATH, GENERATOR, vec![license])?;
    }
    let access = access::objects(r);
    if !access.is_empty() {
        out.origin(Origin::platform().with("access", Source::path("spec.access")))
            .objects(naming::ACCESS_PATH, GENERATOR, access)?;
    }
    Ok(())
}

/// `metadata` of a platform-layer object (not of one cluster: no cluster label).
fn metadata(r: &Resolved, name: &str, namespace: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        m.insert("namespace".into(), json!(ns));
    }
    m.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, None, None)),
    );
    m
}

/// `{name}`: Kommander's references are `corev1.LocalObjectReference`s.
fn local_ref(name: &str) -> Value {
    json!({ "name": name })
}
