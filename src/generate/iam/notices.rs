//! Workload identity `node-role` puts the Route 53 permissions on the nodes' IAM role, where
//! every pod on every node can use them. Every file that depends on that choice says so in a
//! comment under its header: the node attachments (`iam-config.yaml`), the policies, and the
//! configuration of the workloads that use them. Applied after every generator ran, so files
//! written by other generators (cert-manager's issuer, external-dns's values) are covered.

use super::super::Output;
use crate::blueprint::model::WorkloadIdentity;
use crate::naming;
use crate::resolve::{Consumer, Resolved};

pub fn text(r: &Resolved) -> String {
    let who: Vec<&str> = r.consumers.iter().map(|c| c.name()).collect();
    format!(
        "WARNING: workload identity is node-role: the Route 53 permissions of {} are attached\n\
         to the nodes' IAM role, so every pod on every node can use them. Set\n\
         spec.security.workloadIdentity: irsa (the default) to give each workload its own role.",
        who.join(" and ")
    )
}

/// The files that depend on node-role, whether or not they were written.
pub fn dependent_paths(r: &Resolved) -> Vec<String> {
    let mut paths = vec![naming::IAM_CONFIG_PATH.to_string()];
    for consumer in &r.consumers {
        paths.push(naming::route53_policy_template_path(consumer.name()));
        paths.push(naming::terraform_path(&super::terraform::policy_file(
            *consumer,
        )));
        for c in &r.clusters {
            paths.push(match consumer {
                Consumer::CertManager => naming::cert_manager_path(&c.name),
                Consumer::ExternalDns => naming::external_dns_values_path(&c.name),
            });
        }
    }
    paths
}

pub fn apply(r: &Resolved, out: &mut Output) {
    if r.workload_identity != WorkloadIdentity::NodeRole || r.consumers.is_empty() {
        return;
    }
    let notice = text(r);
    for path in dependent_paths(r) {
        out.set_notice(&path, &notice);
    }
}
