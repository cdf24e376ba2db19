//! The README's "Networks and API endpoints" section: each cluster's VPC range (and where it
//! comes from) and who reaches its API, and what platc cannot render but a private endpoint
//! needs: a connection between the management cluster's VPC and each private workload
//! cluster's VPC, and a bootstrap host that reaches a private management cluster.

use std::fmt::Write as _;

use crate::blueprint::check::syntax::cidr;
use crate::blueprint::model::Provider;
use crate::resolve::Resolved;
use crate::resolve::network::{VpcSource, vpc_cidr};

pub fn section(r: &Resolved) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Networks and API endpoints\n\n| cluster | VPC | API endpoint | reachable from |\n|---|---|---|---|"
    );
    let source = |name: &str| {
        r.spec
            .clusters
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| vpc_cidr(&r.platform, c))
            .map(|(_, source)| source)
    };
    for c in &r.clusters {
        let from = match source(&c.name) {
            Some(VpcSource::Existing) => "existing",
            Some(VpcSource::Declared) => "`network.vpcCIDR`",
            _ => "derived from the names",
        };
        let (endpoint, sources) = if c.api.public {
            ("public", c.api.allowed_cidrs.clone())
        } else {
            ("private", r.private_api_sources(c))
        };
        let _ = writeln!(
            s,
            "| `{}` | {} ({from}) | {endpoint} | {} |",
            c.name,
            c.vpc_cidr,
            sources
                .iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        s,
        "\nAn endpoint is private unless the blueprint says `api.endpoint: public`, and a public one\n\
         admits only its `allowedCIDRs` (the cluster's own nodes are admitted by the provider).\n"
    );
    let overlapping = overlaps(r);
    if overlapping.is_empty() {
        let _ = writeln!(s, "No two VPCs overlap, so any two can be peered.\n");
    } else {
        // A fleet can have hundreds of pairs: the first ten, and how many more.
        const SHOWN: usize = 10;
        let more = match overlapping.len().saturating_sub(SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more pairs"),
        };
        let shown: Vec<&str> = overlapping.iter().take(SHOWN).map(String::as_str).collect();
        let _ = writeln!(
            s,
            "Derived VPC ranges that overlap (cannot be peered; write `network.vpcCIDR` on one of each\n\
             pair; `platc validate` warns about each): {}{more}.\n",
            shown.join(", ")
        );
    }
    let management = r.clusters.iter().find(|c| c.management);
    let mut bullets = false;
    let private_workloads: Vec<String> = r
        .clusters
        .iter()
        .filter(|c| !c.management && !c.api.public)
        .filter(|c| management.is_some_and(|m| m.vpc_cidr != c.vpc_cidr))
        .map(|c| format!("`{}` ({})", c.name, c.vpc_cidr))
        .collect();
    if let Some(m) = management {
        if !private_workloads.is_empty() {
            bullets = true;
            let _ = writeln!(
                s,
                "- **Connect the VPCs.** Cluster API's controllers and Flux on `{m}` reach private\n  \
                 endpoints from `{m}`'s VPC ({vpc}), which those endpoints admit. Peer that VPC with the\n  \
                 VPC of each of these clusters, with routes both ways, once the VPCs exist (the commands\n  \
                 are a step of \"Steps that are not files\"; a transit gateway does as well); until then the\n  \
                 management cluster can neither finish nor deliver them (its controllers retry): {list}.",
                m = m.name,
                vpc = m.vpc_cidr,
                list = private_workloads.join(", "),
            );
        }
        let public_workloads: Vec<String> = r
            .clusters
            .iter()
            .filter(|c| !c.management && c.api.public)
            .map(|c| format!("`{}`", c.name))
            .collect();
        if !public_workloads.is_empty() {
            bullets = true;
            let _ = writeln!(
                s,
                "- **Public endpoints and the management cluster.** Cluster API and Flux on `{m}` reach\n  \
                 public endpoints from its NAT gateways' addresses, known once `{m}` exists (`kubectl -n {ns} get\n  \
                 awscluster {m} -o jsonpath='{{.status.networkStatus.natGatewaysIPs}}'`): list them, as\n  \
                 `/32`s, in the `allowedCIDRs` of {list}.",
                m = m.name,
                ns = crate::generate::capa::namespace(m),
                list = public_workloads.join(", "),
            );
        }
        if !m.api.public && m.existing_vpc.is_none() {
            bullets = true;
            let _ = writeln!(
                s,
                "- **The bootstrap cluster cannot reach `{}`.** Its endpoint is private and CAPA creates its\n  \
                 VPC, while the bootstrap cluster and `clusterctl move` run outside it: write\n  \
                 `api: {{endpoint: public, allowedCIDRs: [<the bootstrap host's egress range>]}}` on it, or\n  \
                 give it an `existingVPC` and bootstrap from a host inside that VPC (`validate` warns).",
                m.name
            );
        }
    }
    let private_kops: Vec<String> = r
        .clusters
        .iter()
        .filter(|c| c.provider == Provider::Kops && !c.api.public)
        .map(|c| format!("`{}`", c.name))
        .collect();
    // Without a management cluster, capa and eks clusters are created by a cluster outside
    // this blueprint, which reaches a private endpoint only through a connected network.
    let held_elsewhere: Vec<String> = r
        .clusters
        .iter()
        .filter(|c| management.is_none() && c.provider != Provider::Kops && !c.api.public)
        .map(|c| format!("`{}` ({})", c.name, c.vpc_cidr))
        .collect();
    if !held_elsewhere.is_empty() {
        bullets = true;
        let _ = writeln!(
            s,
            "- **The cluster that holds the Cluster API objects** must reach these private endpoints:\n  \
             connect its network to their VPCs (peering or a transit gateway, with routes, once CAPA\n  \
             has created them), or write `api: {{endpoint: public, allowedCIDRs: [...]}}` with its\n  \
             egress range: {}.",
            held_elsewhere.join(", ")
        );
    }
    if !private_kops.is_empty() {
        bullets = true;
        let _ = writeln!(
            s,
            "- **kOps commands that talk to the API** (`kops validate cluster`, `kops rolling-update\n  \
             cluster`) run, for {}, from a host inside the cluster's VPC or a network connected to it.",
            private_kops.join(", ")
        );
    }
    if bullets {
        s.push('\n');
    }
    s
}

/// Pairs of clusters whose VPC ranges overlap (only derived ones can: the checker refuses the
/// rest), as "`a` and `b` (range)"; clusters sharing an existing VPC are one network.
fn overlaps(r: &Resolved) -> Vec<String> {
    let parsed: Vec<_> = r
        .clusters
        .iter()
        .filter_map(|c| {
            let block = cidr(&c.vpc_cidr).ok()?;
            Some((c, block, c.existing_vpc.as_ref().map(|v| v.id.as_str())))
        })
        .collect();
    let mut out = Vec::new();
    for (j, (c, block, id)) in parsed.iter().enumerate() {
        for (other, other_block, other_id) in &parsed[..j] {
            if id.is_some() && id == other_id {
                continue;
            }
            if let Some(overlap) = block.overlap(*other_block) {
                out.push(format!("`{}` and `{}` ({overlap})", other.name, c.name));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_support::{REFERENCE, reference_with, resolved};

    #[test]
    fn the_reference_has_no_overlap_and_names_what_a_private_endpoint_needs() {
        let text = section(&resolved(REFERENCE));
        assert!(text.contains("No two VPCs overlap"), "{text}");
        assert!(text.contains("**Connect the VPCs.**"), "{text}");
        assert!(
            text.contains("**The bootstrap cluster cannot reach `management`.**"),
            "{text}"
        );
        assert!(!text.contains("NAT gateways' addresses"), "{text}");
    }

    /// `fleet/c00044` and `fleet/c00080` hash to the same /16 (10.19.0.0/16): the section
    /// names the pair instead of claiming the VPCs can be peered.
    #[test]
    fn colliding_derived_ranges_are_named() {
        let r = resolved(&reference_with(&[
            ("  name: demo\n", "  name: fleet\n"),
            ("    - name: management\n", "    - name: c00044\n"),
            ("    - name: sandbox-eks\n", "    - name: c00080\n"),
        ]));
        let text = section(&r);
        assert!(
            text.contains("`c00044` and `c00080` (10.19.0.0/16)"),
            "{text}"
        );
        assert!(!text.contains("No two VPCs overlap"), "{text}");
    }
}
