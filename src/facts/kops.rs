//! The kOps release platc's kops output targets, and the facts of that release that the
//! output depends on. One place, so moving to a new kOps release is one reviewed edit here
//! (and the supported Kubernetes range in [`super::kubernetes`], which names the same release).
//!
//! Sources: the kops.k8s.io/v1alpha2 CRDs of kubernetes/kops v1.36.2 (`k8s/crds/`, bundled in
//! `schema/upstream/kops.k8s.io/`) and kOps' documentation at that tag (`docs/cluster_spec.md`,
//! `docs/instance_groups.md`, `docs/releases/1.22-NOTES.md`).

/// The kOps release the output is written for (the release of the bundled schemas), and its
/// minor as messages name it; the Kubernetes versions it supports are in
/// [`super::kubernetes`].
pub const KOPS_VERSION: &str = "v1.36.2";
pub const KOPS_RELEASE: &str = "kOps 1.36";

/// The only API version of kOps' own kinds that kOps publishes as a CRD.
pub const API_VERSION: &str = "kops.k8s.io/v1alpha2";

/// InstanceGroup roles (`kops.InstanceGroupRoleControlPlane`, `...Node`; v1alpha2 still reads
/// the old `Master`, kOps writes `ControlPlane` since 1.26).
pub const ROLE_CONTROL_PLANE: &str = "ControlPlane";
pub const ROLE_NODE: &str = "Node";

/// The label kOps puts on every InstanceGroup to tie it to its cluster (`kops get ig` selects
/// on it; kOps adds it itself when it is missing, platc writes it so the files are complete).
pub const CLUSTER_LABEL: &str = "kops.k8s.io/cluster";

/// The folder kOps mounts into the kube-apiserver pod for files it needs (kOps 1.22 release
/// notes: `/srv/kubernetes` is no longer mounted; file assets for the API server go to
/// `/srv/kubernetes/kube-apiserver/`).
pub const API_SERVER_ASSET_DIR: &str = "/srv/kubernetes/kube-apiserver";

/// The audit log file (kOps' audit logging example in `docs/cluster_spec.md`); kOps mounts the
/// folder of `auditLogPath` read-write into the API server, so rotation can rename the file.
pub const AUDIT_LOG_PATH: &str = "/var/log/kube-apiserver-audit.log";

/// Subnet types of a private topology (`kops.SubnetTypePrivate`, `kops.SubnetTypeUtility`):
/// machines in `Private` subnets, load balancers and NAT gateways in `Utility` ones.
pub const SUBNET_PRIVATE: &str = "Private";
pub const SUBNET_UTILITY: &str = "Utility";

/// The control-plane InstanceGroup of one zone is `control-plane-<zone>` (kOps' own naming
/// since 1.26; with several control-plane machines in one zone, `control-plane-<zone>-<n>`).
pub const CONTROL_PLANE_GROUP_PREFIX: &str = "control-plane-";
