//! The one bring-up step that issue 20's private endpoints add: connecting the VPC of each
//! private workload cluster with the VPC of the cluster that manages it, as commands in the
//! tree README's "Steps that are not files".
//!
//! Why commands and not files: the providers create the VPCs (CAPA for capa and eks, kOps for
//! kops without an existing VPC), so their IDs exist only once the clusters do, and neither
//! Cluster API nor kOps has a kind for peering. The commands find each VPC by the tags its
//! creator puts on it and by its range (which platc fixed and the checker keeps distinct), and
//! they are idempotent: run again after adding a cluster, they add only what is missing.
//!
//! Upstream facts:
//! - CAPA v2.11.1 tags a VPC it creates `sigs.k8s.io/cluster-api-provider-aws/cluster/<Cluster
//!   name>: owned` (`api/v1beta2/tags.go` `NameAWSProviderOwned`, `pkg/cloud/services/network/
//!   vpc.go` `getVPCTagParams`; the EKS scope's name is the Cluster's too, `pkg/cloud/scope/
//!   managedcontrolplane.go` `Name`).
//! - CAPA replaces only the routes it owns (same destination as its NAT/internet-gateway routes,
//!   `pkg/cloud/services/network/routetables.go` `fixMismatchedRouting`), so routes to a peer
//!   survive its reconciliation.
//! - kOps tags a VPC it creates `KubernetesCluster: <cluster name>` (`pkg/model/context.go`
//!   `CloudTags`).
//! - EKS: a private endpoint is reached "from within your VPC or a connected network", and its
//!   name resolves publicly to the VPC's private addresses (awsdocs/amazon-eks-user-guide
//!   `latest/ug/clusters/cluster-endpoint.adoc`); an internal load balancer's name does too.
//! - The AWS CLI commands: `create-vpc-peering-connection` (`--peer-region`, accepted by the
//!   peer), `accept-vpc-peering-connection`, `describe-vpc-peering-connections` filters
//!   (`requester-vpc-info.vpc-id`, `accepter-vpc-info.vpc-id`, `status-code`), `describe-vpcs`
//!   filter `cidr` (the primary range), `wait vpc-peering-connection-exists`,
//!   `create-route`/`replace-route` (docs.aws.amazon.com/cli/latest/reference/ec2/).

use crate::blueprint::model::Provider;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

/// The clusters whose private endpoint the management cluster reaches only through a
/// connection: private, not the management cluster, and in another VPC.
pub fn to_connect<'a>(r: &'a Resolved, group: &[&'a ResolvedCluster]) -> Vec<&'a ResolvedCluster> {
    let Some(m) = r.management_cluster() else {
        return Vec::new();
    };
    group
        .iter()
        .copied()
        .filter(|c| !c.management && !c.api.public && !same_network(m, c))
        .collect()
}

/// Two clusters share a network when they are in the same existing VPC.
fn same_network(a: &ResolvedCluster, b: &ResolvedCluster) -> bool {
    match (&a.existing_vpc, &b.existing_vpc) {
        (Some(x), Some(y)) => x.id == y.id,
        _ => a.vpc_cidr == b.vpc_cidr,
    }
}

/// The cluster's VPC ID as a shell word: an existing VPC's ID, or a call of `vpc` with the tag
/// its creator puts on it and its range.
fn vpc_id(r: &Resolved, c: &ResolvedCluster) -> String {
    if let Some(v) = &c.existing_vpc {
        return v.id.clone();
    }
    let tag = match c.provider {
        Provider::Kops => format!(
            "KubernetesCluster,Values={}",
            naming::kops_cluster_name(&c.name, &r.domain)
        ),
        Provider::Capa | Provider::Eks => format!(
            "sigs.k8s.io/cluster-api-provider-aws/cluster/{},Values=owned",
            c.name
        ),
    };
    format!("\"$(vpc {} {tag} {})\"", c.region, c.vpc_cidr)
}

/// The shell functions the calls use: `vpc` finds a VPC by tag and range; `connect` peers a
/// cluster's VPC with the management cluster's (`M_REGION`, `M_VPC`, `M_RANGE`) unless they
/// are peered already, accepts, and routes each range to the other in every route table of
/// both VPCs.
fn functions(management: &str) -> String {
    format!(
        "\
vpc() {{   # vpc REGION TAG,Values=VALUE RANGE
     aws ec2 describe-vpcs --region \"$1\" --filters \"Name=tag:$2\" \"Name=cidr,Values=$3\" --query 'Vpcs[0].VpcId' --output text
   }}
   connect() {{   # connect CLUSTER REGION VPC RANGE
     [ \"$M_VPC\" != None ] && [ \"$3\" != None ] || {{ echo \"$1: a VPC does not exist yet\" >&2; return 1; }}
     pcx=$(aws ec2 describe-vpc-peering-connections --region \"$M_REGION\" --filters \"Name=requester-vpc-info.vpc-id,Values=$M_VPC\" \"Name=accepter-vpc-info.vpc-id,Values=$3\" Name=status-code,Values=pending-acceptance,provisioning,active --query 'VpcPeeringConnections[0].VpcPeeringConnectionId' --output text)
     [ \"$pcx\" != None ] || pcx=$(aws ec2 create-vpc-peering-connection --region \"$M_REGION\" --vpc-id \"$M_VPC\" --peer-vpc-id \"$3\" --peer-region \"$2\" --tag-specifications \"ResourceType=vpc-peering-connection,Tags=[{{Key=Name,Value={management}-$1}}]\" --query VpcPeeringConnection.VpcPeeringConnectionId --output text)
     aws ec2 wait vpc-peering-connection-exists --region \"$M_REGION\" --vpc-peering-connection-ids \"$pcx\"
     [ \"$(aws ec2 describe-vpc-peering-connections --region \"$2\" --vpc-peering-connection-ids \"$pcx\" --query 'VpcPeeringConnections[0].Status.Code' --output text)\" = active ] || aws ec2 accept-vpc-peering-connection --region \"$2\" --vpc-peering-connection-id \"$pcx\" > /dev/null
     for side in \"$M_REGION $M_VPC $4\" \"$2 $3 $M_RANGE\"; do
       set -- $side
       for rt in $(aws ec2 describe-route-tables --region \"$1\" --filters \"Name=vpc-id,Values=$2\" --query 'RouteTables[].RouteTableId' --output text); do
         aws ec2 create-route --region \"$1\" --route-table-id \"$rt\" --destination-cidr-block \"$3\" --vpc-peering-connection-id \"$pcx\" > /dev/null 2>&1 ||
           aws ec2 replace-route --region \"$1\" --route-table-id \"$rt\" --destination-cidr-block \"$3\" --vpc-peering-connection-id \"$pcx\"
       done
     done
   }}"
    )
}

/// The step's text for `clusters` (those of `to_connect`), or None when there are none.
pub fn step(r: &Resolved, clusters: &[&ResolvedCluster]) -> Option<String> {
    let m = r.management_cluster()?;
    if clusters.is_empty() {
        return None;
    }
    let mut lines = Vec::with_capacity(clusters.len() + 2);
    lines.push(format!(
        "M_REGION={} M_RANGE={}   # {}",
        m.region, m.vpc_cidr, m.name
    ));
    lines.push(format!("M_VPC={}", vpc_id(r, m)));
    for c in clusters {
        lines.push(format!(
            "connect {} {} {} {}",
            c.name,
            c.region,
            vpc_id(r, c),
            c.vpc_cidr
        ));
    }
    Some(format!(
        "**Connect each VPC with `{m}`'s** ({vpc}) once both exist: each cluster's private API\n   \
         endpoint admits `{m}`'s range, and the controllers on `{m}` retry until it is reachable.\n   \
         The commands peer the two VPCs and route each range to the other; they find the VPCs by\n   \
         their creators' tags and ranges, and run again after adding a cluster they add only what\n   \
         is missing:\n\n   \
         ```sh\n   {}\n   {}\n   ```",
        functions(&m.name),
        lines.join("\n   "),
        m = m.name,
        vpc = m.vpc_cidr,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_support::{REFERENCE, resolved};

    #[test]
    fn the_reference_connects_its_private_workload_clusters_with_management() {
        let r = resolved(REFERENCE);
        let all: Vec<&ResolvedCluster> = r.clusters.iter().collect();
        let names: Vec<&str> = to_connect(&r, &all)
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["sandbox-eks", "legacy-kops"]);
        let text = step(&r, &to_connect(&r, &all)).unwrap();
        // CAPA's tag for the EKS cluster's VPC, the existing ID for kops, both ranges.
        assert!(
            text.contains("M_VPC=\"$(vpc us-west-2 sigs.k8s.io/cluster-api-provider-aws/cluster/management,Values=owned 10.224.0.0/16)\""),
            "{text}"
        );
        assert!(
            text.contains("connect sandbox-eks us-west-2 \"$(vpc us-west-2 sigs.k8s.io/cluster-api-provider-aws/cluster/sandbox-eks,Values=owned 10.26.0.0/16)\" 10.26.0.0/16"),
            "{text}"
        );
        let kops = r.clusters.iter().find(|c| c.name == "legacy-kops").unwrap();
        let id = &kops.existing_vpc.as_ref().unwrap().id;
        assert!(
            text.contains(&format!("connect legacy-kops us-west-2 {id} 10.20.0.0/16")),
            "{text}"
        );
    }

    #[test]
    fn public_and_same_vpc_clusters_need_no_connection() {
        let r = resolved(REFERENCE);
        let mut public = r.clusters.clone();
        for c in &mut public {
            c.api.public = true;
        }
        let r2 = Resolved {
            clusters: public,
            ..r.clone()
        };
        let all: Vec<&ResolvedCluster> = r2.clusters.iter().collect();
        assert!(to_connect(&r2, &all).is_empty());
        assert!(step(&r2, &to_connect(&r2, &all)).is_none());
    }
}
