//! The upstream schemas bundled in the binary: one entry per emitted kind, copied from the
//! shared schema collection into `schema/upstream/` (see its README for provenance).
//! `schema/upstream/sync.py` lists the same kinds.

/// (apiVersion, kind, JSON Schema text).
pub const SCHEMAS: &[(&str, &str, &str)] = &[
    ("bootstrap.cluster.x-k8s.io/v1beta1", "KubeadmConfigTemplate", include_str!("../../schema/upstream/bootstrap.cluster.x-k8s.io/kubeadmconfigtemplate_v1beta1.json")),
    ("bootstrap.cluster.x-k8s.io/v1beta2", "KubeadmConfigTemplate", include_str!("../../schema/upstream/bootstrap.cluster.x-k8s.io/kubeadmconfigtemplate_v1beta2.json")),
    ("cert-manager.io/v1", "ClusterIssuer", include_str!("../../schema/upstream/cert-manager.io/clusterissuer_v1.json")),
    ("cluster.x-k8s.io/v1beta1", "Cluster", include_str!("../../schema/upstream/cluster.x-k8s.io/cluster_v1beta1.json")),
    ("cluster.x-k8s.io/v1beta1", "MachineDeployment", include_str!("../../schema/upstream/cluster.x-k8s.io/machinedeployment_v1beta1.json")),
    ("cluster.x-k8s.io/v1beta1", "MachineHealthCheck", include_str!("../../schema/upstream/cluster.x-k8s.io/machinehealthcheck_v1beta1.json")),
    ("cluster.x-k8s.io/v1beta2", "Cluster", include_str!("../../schema/upstream/cluster.x-k8s.io/cluster_v1beta2.json")),
    ("cluster.x-k8s.io/v1beta2", "MachineDeployment", include_str!("../../schema/upstream/cluster.x-k8s.io/machinedeployment_v1beta2.json")),
    ("cluster.x-k8s.io/v1beta2", "MachineHealthCheck", include_str!("../../schema/upstream/cluster.x-k8s.io/machinehealthcheck_v1beta2.json")),
    ("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", include_str!("../../schema/upstream/controlplane.cluster.x-k8s.io/kubeadmcontrolplane_v1beta1.json")),
    ("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlane", include_str!("../../schema/upstream/controlplane.cluster.x-k8s.io/kubeadmcontrolplane_v1beta2.json")),
    ("infrastructure.cluster.x-k8s.io/v1beta2", "AWSCluster", include_str!("../../schema/upstream/infrastructure.cluster.x-k8s.io/awscluster_v1beta2.json")),
    ("infrastructure.cluster.x-k8s.io/v1beta2", "AWSMachineTemplate", include_str!("../../schema/upstream/infrastructure.cluster.x-k8s.io/awsmachinetemplate_v1beta2.json")),
];
