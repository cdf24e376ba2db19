//! Kommander's `License` (`platform/license.yaml`): the object that makes Kommander read the
//! licence from the Secret the blueprint names (`kommander.licenseSecretRef`). The licence
//! itself stays in that Secret, which the user creates; the tree holds only the reference.
//!
//! Kommander's API reference (mesosphere/dcos-docs-site
//! `pages/dkp/kommander/2.1/reference/kommander/v1beta1/index.md`): `License` of
//! `kommander.mesosphere.io/v1beta1`, `spec.licenseRef` a LocalObjectReference to "the secret
//! holding the license JWT"; its licensing guide creates both in namespace `kommander`, the
//! Secret with the key `jwt` and the label `kommanderType=license` (the public demo,
//! jonathanbeber/KommanderDemo `license.yaml`, is the same object).

use serde_json::Value;

use crate::json::json;

use crate::naming;
use crate::resolve::Resolved;

pub const API_VERSION: &str = "kommander.mesosphere.io/v1beta1";
pub const KIND: &str = "License";

/// The label Kommander's licensing guide puts on the licence Secret.
pub const SECRET_LABEL: (&str, &str) = ("kommanderType", "license");

/// The License object, when the blueprint names a licence Secret.
pub fn object(r: &Resolved) -> Option<Value> {
    let secret = r.spec.kommander.as_ref()?.license_secret_ref.as_ref()?;
    Some(json!({
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": super::metadata(r, &secret.name, Some(naming::KOMMANDER_NAMESPACE)),
        "spec": {"licenseRef": {"name": secret.name}},
    }))
}
