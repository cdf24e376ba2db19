//! The VPCs of a platform's clusters, together: `network.vpcCIDR` is for a VPC the provider
//! creates (an existing VPC's range is `existingVPC.cidr`), and no two clusters' VPC ranges
//! overlap, so that any two VPCs can be peered. An overlap is an error when the blueprint
//! writes at least one of the two ranges (`vpcCIDR` or `existingVPC.cidr`), and a warning
//! (an error under `validate --strict`) when both are derived (`resolve::network`): a fleet
//! of more clusters than 10.0.0.0/8 holds /16 blocks (240 outside the service default) must
//! still render, and refusing would make adding a cluster depend on hash luck. Clusters that
//! share one existing VPC (the same `existingVPC.id`) are one network and exempt.

use super::Cx;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::resolve::network::{VpcSource, vpc_cidr};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut vpcs = Vec::new();
    for (_, cluster, path) in cx.clusters() {
        let network = cluster.network.as_ref();
        let net_path = path.field("network");
        if network.is_some_and(|n| n.vpc_cidr.is_some() && n.existing_vpc.is_some()) {
            out.push(
                cx.key_error(
                    Code::Cidr,
                    &net_path.field("vpcCIDR"),
                    "`vpcCIDR` is the range of a VPC the provider creates; this cluster uses an existing VPC, whose range is `existingVPC.cidr`",
                )
                .help("remove `vpcCIDR`"),
            );
        }
        let Some((block, source)) = vpc_cidr(&cx.bp.metadata.name, cluster) else {
            continue;
        };
        let field = match source {
            VpcSource::Existing => Some(net_path.field("existingVPC").field("cidr")),
            VpcSource::Declared => Some(net_path.field("vpcCIDR")),
            VpcSource::Derived => None,
        };
        let vpc_id = network
            .and_then(|n| n.existing_vpc.as_ref())
            .map(|v| v.id.as_str());
        vpcs.push((cluster.name.as_str(), block, field, vpc_id, path));
    }
    for (j, (name, block, field, id, path)) in vpcs.iter().enumerate() {
        // Two derived ranges: one warning per cluster, at its first collision.
        let mut warned = false;
        for (other, other_block, other_field, other_id, _) in &vpcs[..j] {
            if id.is_some() && id == other_id {
                continue;
            }
            let Some(overlap) = block.overlap(*other_block) else {
                continue;
            };
            let describe = |f: &Option<BlueprintPath>| match f {
                Some(p) => format!("({p})"),
                None => "(derived: no `network.vpcCIDR` is written)".to_string(),
            };
            // At the later cluster's written field, else the earlier one's, else the later
            // cluster's name: two derived ranges met, and either may take a written one.
            let at = field
                .clone()
                .or_else(|| other_field.clone())
                .unwrap_or_else(|| path.field("name"));
            let message = format!(
                "the VPC of cluster `{name}`, {block} {}, overlaps the VPC of cluster `{other}`, {other_block} {}: both contain {overlap}",
                describe(field),
                describe(other_field),
            );
            let help = "clusters' VPCs must be disjoint so that they can be peered; write a free `network.vpcCIDR` (e.g. another 10.X.0.0/16) on one of them";
            if field.is_none() && other_field.is_none() {
                if !warned {
                    warned = true;
                    out.push(cx.key_warning(Code::Cidr, &at, message).help(help));
                }
            } else {
                out.push(cx.error(Code::Cidr, &at, message).help(help));
            }
        }
    }
}
