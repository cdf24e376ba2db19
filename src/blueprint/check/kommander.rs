//! Kommander itself (`spec.kommander`): the licence Secret that the License object refers to.
//! Kommander's License names its Secret only (`spec.licenseRef`, a LocalObjectReference) and
//! reads the licence from the key `jwt` of that Secret in namespace `kommander` (Kommander's
//! licensing guide, mesosphere/dcos-docs-site `pages/dkp/kommander/2.2/licensing/add/index.md`:
//! `kubectl create secret generic <name> --from-literal=jwt=...`, labelled
//! `kommanderType=license`; mesosphere/dcos-docs-site `pages/dkp/kommander/2.1/reference/
//! kommander/v1beta1/index.md`, `LicenseSpec.licenseRef`: "the secret holding the license
//! JWT"). A different key would never be read, so it is refused rather than rendered.

use super::Cx;
use super::syntax::dns_subdomain;
use crate::diag::{Code, Diagnostic};

/// The key of the licence Secret that Kommander reads.
pub const LICENSE_KEY: &str = "jwt";

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(kommander) = &cx.bp.spec.kommander else {
        return;
    };
    let path = cx.spec().field("kommander");
    let Some(secret) = &kommander.license_secret_ref else {
        return;
    };
    let secret_path = path.field("licenseSecretRef");
    if let Err(problem) = dns_subdomain(&secret.name) {
        out.push(cx.error(
            Code::Reference,
            &secret_path.field("name"),
            format!("Secret name `{}` {problem}", secret.name),
        ));
    }
    if secret.key != LICENSE_KEY {
        out.push(
            cx.error(
                Code::Reference,
                &secret_path.field("key"),
                format!(
                    "Kommander reads the licence from the key `{LICENSE_KEY}` of its Secret, not `{}`",
                    secret.key
                ),
            )
            .note("Kommander's License object names the Secret only (`spec.licenseRef.name`); the key is fixed")
            .help(format!(
                "store the licence under `{LICENSE_KEY}` (`kubectl create secret generic {} --from-literal={LICENSE_KEY}=... -n kommander`) and write `key: {LICENSE_KEY}`",
                secret.name
            )),
        );
    }
    if !cx.bp.spec.clusters.iter().any(|c| c.management) {
        out.push(
            cx.key_error(
                Code::Management,
                &path,
                "`kommander` needs a management cluster, and no cluster has `management: true`",
            )
            .help(
                "set `management: true` on one capa cluster: Kommander and its licence live there",
            ),
        );
    }
}
