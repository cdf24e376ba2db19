//! IAM for the platform, least privilege and partition-aware (`iam/`): one Route 53 policy
//! per workload that needs one (external-dns, cert-manager's DNS-01 solver), limited to
//! `spec.aws.hostedZoneID`; with workload identity IRSA (the default), per cluster the roles
//! that exactly one service account may assume and, where platc runs the issuer, its
//! discovery bucket and IAM OIDC provider; with `node-role`, the policies attached to the
//! nodes' roles through clusterawsadm's configuration, and a warning in every file that
//! depends on it.
//!
//! [`model`] decides everything once; [`cloudformation`] and [`terraform`] only render it,
//! as `spec.iam.format` asks. [`clusterawsadm`] writes CAPA's own IAM configuration,
//! [`values`] cert-manager's service account, [`readme`] the steps that are not files.

pub mod cfn;
pub mod cloudformation;
pub mod clusterawsadm;
pub mod discovery;
pub mod model;
pub mod notices;
pub mod policies;
pub mod readme;
pub mod roles;
pub mod terraform;
pub mod text;
pub mod values;

use super::{Content, GenError, Origin, Output, Source};
use crate::naming;
use crate::resolve::Resolved;

const GENERATOR: &str = "iam";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    // Where IAM output comes from: the clusters (and `spec.iam` when the blueprint has it).
    let origin = || {
        let o = Origin::platform().with("clusters", Source::path("spec.clusters"));
        if r.spec.iam.is_some() {
            o.with("iam", Source::path("spec.iam"))
        } else {
            o
        }
    };
    if clusterawsadm::wanted(r) {
        out.origin(origin()).add(
            naming::IAM_CONFIG_PATH,
            GENERATOR,
            Content::Document(clusterawsadm::config(r)),
        )?;
    }
    if let Some(plan) = model::plan(r) {
        if r.iam.cloudformation {
            for (path, template) in cloudformation::templates(r, &plan) {
                out.origin(origin())
                    .add(path, GENERATOR, Content::Document(template))?;
            }
        }
        if let Some(backend) = &r.iam.terraform {
            for (file, body) in terraform::files(r, &plan, backend) {
                out.origin(origin()).add(
                    naming::terraform_path(&file),
                    GENERATOR,
                    Content::Hcl(body),
                )?;
            }
        }
    }
    values::generate(r, out, GENERATOR)
}

#[cfg(test)]
mod tests;
