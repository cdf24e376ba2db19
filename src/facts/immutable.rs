//! The fields platc writes that an upstream refuses to change on an existing object, with what
//! upstream needs instead. Two uses: the EKS node pool's name carries a digest of its
//! [`Remedy::Replace`] fields (`generate/eks/machine_pool.rs`), so a change renders a
//! replacement pool; and `platc diff --format markdown|json` reads a changed object against this
//! table and says "replaced" (a new name) or "cannot change in place" (same name), with the
//! reason (`output/review/objects.rs`).
//!
//! Sources (each row names its own):
//! - CAPA v2.11.1: `exp/webhooks/awsmanagedmachinepool_webhook.go` (`validateImmutable`),
//!   `webhooks/awsmachinetemplate_webhook.go` (`ValidateUpdate`),
//!   `controlplane/eks/webhooks/awsmanagedcontrolplane_webhook.go` (`ValidateUpdate`,
//!   `validateEKSClusterNameSame`, the `encryptionConfig` rules), `webhooks/awscluster_webhook.go` (`ValidateUpdate`,
//!   `validateControlPlaneLoadBalancerUpdate`), `pkg/cloud/services/eks/nodegroup.go`
//!   (`reconcileNodegroupConfig`). The CEL rules of these kinds' bundled CRDs hold no transition
//!   rule (`oldSelf`), so the webhooks are the whole of CAPA's refusals.
//! - The EKS API: `UpdateNodegroupConfig` takes labels, taints, scaling, update, repair and warm
//!   pool configuration only (aws/aws-sdk-go-v2 `service/eks/api_op_UpdateNodegroupConfig.go`).
//! - Cluster API: "Updating Machine Infrastructure and Bootstrap Templates" (kubernetes-sigs/
//!   cluster-api `docs/book/src/tasks/updating-machine-templates.md`): templates are replaced
//!   under a new name, and the referring object rolls out.
//! - kOps v1.36.2: `pkg/apis/kops/validation/cluster.go` (`ValidateClusterUpdate`,
//!   `validateEtcdClusterUpdate`, `validateEtcdMemberUpdate`). An instance group's machine type,
//!   image, volumes and subnets are not among them: `kops update cluster` changes the launch
//!   template and a rolling update replaces the instances (`docs/tutorial/working-with-instancegroups.md`),
//!   so kOps instance groups need no row.

/// What upstream needs when the field changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// A new object under a new name (platc names it by a digest of these fields), and the
    /// old one removed: a replacement node pool, a new template and a rollout.
    Replace,
    /// Nothing platc can render: the object (and what it stands for, a cluster) must be
    /// recreated by hand, or the change reverted.
    Recreate,
}

/// One field upstream refuses to change.
#[derive(Clone, Copy, Debug)]
pub struct Immutable {
    pub kind: &'static str,
    /// The field's path in the object, as the review spells it (`spec.instanceType`); a
    /// changed path equal to it or under it matches. `[*]` stands for any list index.
    pub field: &'static str,
    /// Who refuses, and how.
    pub refused_by: &'static str,
    pub remedy: Remedy,
}

const CAPA_MMP_WEBHOOK: &str =
    "CAPA's AWSManagedMachinePool webhook refuses it (`field is immutable`)";

pub const IMMUTABLE: &[Immutable] = &[
    // EKS managed node groups (AWSManagedMachinePool).
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.instanceType",
        refused_by: "EKS cannot change a managed node group's instance types (UpdateNodegroupConfig has no such field), and CAPA never applies it to an existing node group",
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.amiType",
        refused_by: CAPA_MMP_WEBHOOK,
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.diskSize",
        refused_by: CAPA_MMP_WEBHOOK,
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.subnetIDs",
        refused_by: CAPA_MMP_WEBHOOK,
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.availabilityZones",
        refused_by: CAPA_MMP_WEBHOOK,
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.availabilityZoneSubnetType",
        refused_by: CAPA_MMP_WEBHOOK,
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "AWSManagedMachinePool",
        field: "spec.eksNodegroupName",
        refused_by: "CAPA's AWSManagedMachinePool webhook refuses it (`field is immutable`); it is the pool's name, which carries the digest of the fields above",
        remedy: Remedy::Replace,
    },
    // The Cluster API MachinePool of an EKS pool carries its AWSManagedMachinePool's name.
    Immutable {
        kind: "MachinePool",
        field: "spec.template.spec.infrastructureRef.name",
        refused_by: "it names its AWSManagedMachinePool, which is replaced",
        remedy: Remedy::Replace,
    },
    // Machine templates of capa clusters.
    Immutable {
        kind: "AWSMachineTemplate",
        field: "spec.template.spec",
        refused_by: "CAPA's AWSMachineTemplate webhook refuses it (`AWSMachineTemplate.Spec is immutable`); Cluster API rolls the machines out to the new template",
        remedy: Remedy::Replace,
    },
    Immutable {
        kind: "KubeadmConfigTemplate",
        field: "spec.template.spec",
        refused_by: "Cluster API reads templates as immutable (a changed template reaches machines only under a new name, which rolls them out)",
        remedy: Remedy::Replace,
    },
    // Clusters.
    Immutable {
        kind: "AWSCluster",
        field: "spec.region",
        refused_by: "CAPA's AWSCluster webhook refuses it (`field is immutable`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "AWSCluster",
        field: "spec.controlPlaneLoadBalancer.scheme",
        refused_by: "CAPA's AWSCluster webhook refuses it (`field is immutable`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "AWSCluster",
        field: "spec.controlPlaneLoadBalancer.name",
        refused_by: "CAPA's AWSCluster webhook refuses it (`field is immutable`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "AWSCluster",
        field: "spec.network.vpc.id",
        refused_by: "CAPA's AWSCluster webhook refuses it (`field cannot be modified once set`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "AWSManagedControlPlane",
        field: "spec.region",
        refused_by: "CAPA's AWSManagedControlPlane webhook refuses it (`field is immutable`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "AWSManagedControlPlane",
        field: "spec.eksClusterName",
        refused_by: "CAPA's AWSManagedControlPlane webhook refuses it (`eksClusterName is different to current cluster name`)",
        remedy: Remedy::Recreate,
    },
    // Encryption at rest: CAPA adds `encryptionConfig` to a running EKS cluster
    // (AssociateEncryptionConfig, `reconcileEKSEncryptionConfig`,
    // `pkg/cloud/services/eks/cluster.go` v2.11.1), so adding it is no row; its webhook
    // refuses changing the key, and removing it ("disabling EKS encryption is not allowed
    // after it has been enabled"), as EKS does ("You can't disable secrets encryption after
    // enabling it", awsdocs/amazon-eks-user-guide latest/ug/security/security-k8s.adoc).
    Immutable {
        kind: "AWSManagedControlPlane",
        field: "spec.encryptionConfig.provider",
        refused_by: "CAPA's AWSManagedControlPlane webhook refuses it (`changing EKS encryption is not allowed after it has been enabled`), and EKS never changes or removes a cluster's key",
        remedy: Remedy::Recreate,
    },
    // kOps: etcd clusters and members (platc derives their names from the control plane's
    // zones, so they change only with the zones).
    Immutable {
        kind: "Cluster",
        field: "spec.etcdClusters[*].name",
        refused_by: "kOps' cluster update validation refuses it (`name cannot be changed`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "Cluster",
        field: "spec.etcdClusters[*].etcdMembers[*].name",
        refused_by: "kOps' cluster update validation refuses it once the etcd cluster exists (`name cannot be changed`)",
        remedy: Remedy::Recreate,
    },
    Immutable {
        kind: "Cluster",
        field: "spec.etcdClusters[*].etcdMembers[*].instanceGroup",
        refused_by: "kOps' cluster update validation refuses it once the etcd cluster exists (`instanceGroup cannot be changed`)",
        remedy: Remedy::Recreate,
    },
];

/// `path` with every list index written `[*]`.
fn wildcard_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('*');
        }
    }
    out
}

/// Whether `changed` (a review field path) is `field` or under it.
pub fn covers(field: &str, changed: &str) -> bool {
    let changed = wildcard_indexes(changed);
    changed == field
        || changed
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The rows of `kind` that the changed `fields` hit, each once, in table order.
pub fn hits<'a>(kind: &str, fields: &'a [String]) -> Vec<(&'static Immutable, Vec<&'a str>)> {
    IMMUTABLE
        .iter()
        .filter(|row| row.kind == kind)
        .filter_map(|row| {
            let hit: Vec<&str> = fields
                .iter()
                .filter(|f| covers(row.field, f))
                .map(String::as_str)
                .collect();
            (!hit.is_empty()).then_some((row, hit))
        })
        .collect()
}

/// The fields of `kind` that platc's names carry a digest of ([`Remedy::Replace`] rows
/// directly under `spec`), as their keys in `spec`: `instanceType`, `amiType`, ...
pub fn replace_keys(kind: &str) -> Vec<&'static str> {
    IMMUTABLE
        .iter()
        .filter(|row| row.kind == kind && row.remedy == Remedy::Replace)
        .filter_map(|row| row.field.strip_prefix("spec."))
        .filter(|key| !key.contains('.') && !key.contains('['))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_path_matches_its_field_and_what_is_under_it() {
        assert!(covers("spec.subnetIDs", "spec.subnetIDs"));
        assert!(covers("spec.subnetIDs", "spec.subnetIDs[1]"));
        assert!(!covers("spec.subnetIDs", "spec.subnetIDsExtra"));
        assert!(covers(
            "spec.etcdClusters[*].etcdMembers[*].instanceGroup",
            "spec.etcdClusters[0].etcdMembers[12].instanceGroup"
        ));
        assert!(covers(
            "spec.template.spec",
            "spec.template.spec.instanceType"
        ));
        assert!(!covers("spec.template.spec", "spec.template.metadata"));
    }

    #[test]
    fn a_new_eks_key_cannot_change_in_place_but_adding_encryption_can() {
        let changed = vec!["spec.encryptionConfig.provider".to_string()];
        let hit = hits("AWSManagedControlPlane", &changed);
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].0.remedy, Remedy::Recreate);
        // Adding the whole block is CAPA's AssociateEncryptionConfig: no row.
        let added = vec!["spec.encryptionConfig".to_string()];
        assert!(hits("AWSManagedControlPlane", &added).is_empty());
    }

    #[test]
    fn the_node_group_digest_covers_every_immutable_field_of_the_node_group() {
        assert_eq!(
            replace_keys("AWSManagedMachinePool"),
            [
                "instanceType",
                "amiType",
                "diskSize",
                "subnetIDs",
                "availabilityZones",
                "availabilityZoneSubnetType",
                "eksNodegroupName"
            ]
        );
    }
}
