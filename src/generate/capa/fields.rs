//! Where each field of the CAPA generator's objects comes from in the blueprint, for
//! `platc explain` (see [`FieldRule`]). Anchors: `cluster` in every file, `controlPlane` in
//! `control-plane.yaml`, `pool` in `nodepool-<pool>.yaml`. A test checks that every rule
//! still matches a generated field and names fields the blueprint format has.

use crate::generate::FieldRule;

pub const FIELDS: &[FieldRule] = &[
    // Every kind.
    FieldRule::new(
        "*",
        "apiVersion",
        &["spec.targets.clusterAPI"],
        "Cluster API kinds are v1beta2 unless `spec.targets.clusterAPI` says v1beta1; CAPA's own kinds are v1beta2",
    ),
    FieldRule::new(
        "*",
        "metadata.namespace",
        &["cluster.workspace"],
        "the workspace's namespace (where Kommander looks for a workspace's clusters), for every cluster, the management cluster included; `default` for a cluster without a workspace",
    ),
    // Cluster and AWSCluster.
    FieldRule::new("Cluster", "metadata.name", &["cluster.name"], ""),
    FieldRule::new("AWSCluster", "metadata.name", &["cluster.name"], ""),
    FieldRule::new(
        "Cluster",
        "spec.clusterNetwork.pods",
        &["cluster.network.podCIDR"],
        "192.168.0.0/16 when not set (Calico's and CAPA's templates' default)",
    ),
    FieldRule::new(
        "Cluster",
        "spec.clusterNetwork.services",
        &["cluster.network.serviceCIDR"],
        "10.96.0.0/12 when not set (kubeadm's default)",
    ),
    FieldRule::new(
        "Cluster",
        "spec.controlPlaneRef",
        &["cluster.name"],
        "the cluster's KubeadmControlPlane, `<cluster>-control-plane`",
    ),
    FieldRule::new(
        "Cluster",
        "spec.infrastructureRef",
        &["cluster.name"],
        "the cluster's AWSCluster, named after the cluster",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.region",
        &["cluster.region", "spec.aws.region"],
        "the cluster's region, else the platform's",
    ),
    FieldRule::new("AWSCluster", "spec.additionalTags", &["spec.tags"], ""),
    FieldRule::new(
        "AWSCluster",
        "spec.controlPlaneLoadBalancer",
        &["cluster.api.endpoint", "cluster.api.allowedCIDRs"],
        "a network load balancer (CAPA's classic ELB default is deprecated by AWS): internal, open to the cluster's VPC and the management cluster's, unless `api.endpoint: public`, then internet-facing and open to `api.allowedCIDRs` only (CAPA opens it to 0.0.0.0/0 when no ingress rule is written)",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.network.vpc.id",
        &["cluster.network.existingVPC.id"],
        "",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.network.vpc.cidrBlock",
        &["cluster.network.vpcCIDR"],
        "`network.vpcCIDR`, else a 10.X.0.0/16 derived from the platform's and the cluster's names (stable when clusters are added); an overlap with another cluster's VPC is refused, or warned about between two derived ranges",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.network.subnets",
        &[
            "cluster.network.existingVPC.privateSubnets",
            "cluster.network.existingVPC.publicSubnets",
            "cluster.network.vpcCIDR",
            "cluster.availabilityZones",
        ],
        "an existing VPC's subnets, private then public, in the order of the cluster's zones; for a VPC CAPA creates, one private eighth and one public thirty-second of the VPC per zone (a /19 and a /21 of a /16)",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.network.subnets[*].availabilityZone",
        &["cluster.availabilityZones"],
        "",
    ),
    FieldRule::new(
        "AWSCluster",
        "spec.sshKeyName",
        &[],
        "no SSH key on any machine: access goes through SSM (a key name left out would make CAPA attach one called `default`)",
    ),
    // KubeadmControlPlane.
    FieldRule::new(
        "KubeadmControlPlane",
        "metadata.name",
        &["cluster.name"],
        "`<cluster>-control-plane`",
    ),
    FieldRule::new(
        "KubeadmControlPlane",
        "spec.replicas",
        &["controlPlane.replicas"],
        "3 when not set: the smallest highly available etcd",
    ),
    FieldRule::new(
        "KubeadmControlPlane",
        "spec.version",
        &["cluster.kubernetesVersion"],
        "",
    ),
    FieldRule::new(
        "KubeadmControlPlane",
        "spec.machineTemplate",
        &["controlPlane.instanceType"],
        "the control plane's AWSMachineTemplate, named by a digest of its content",
    ),
    FieldRule::new(
        "KubeadmControlPlane",
        "spec.kubeadmConfigSpec",
        &[],
        "the external AWS cloud provider (`cloud-provider: external`) and the instance's private DNS name as node name",
    ),
    FieldRule::new(
        "KubeadmControlPlane",
        "spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs",
        &[
            "spec.identity.oidc",
            "spec.security.auditLog",
            "spec.security.podSecurity",
            "spec.security.encryptionAtRest",
        ],
        "kube-apiserver flags: SSO (`oidc-*`, groups prefixed `oidc:`) when no management cluster's Kommander serves it, audit logging, Pod Security admission, encryption at rest (`encryption-provider-config`, from the Secret `<cluster>-encryption-config`), and the IRSA issuer",
    ),
    // AWSMachineTemplate (control plane and node pools).
    FieldRule::new(
        "AWSMachineTemplate",
        "metadata.name",
        &["pool.name", "cluster.name"],
        "`<cluster>-md-<pool>` (`<cluster>-control-plane` for the control plane), then 8 hex digits of the sha256 of the spec: a changed template is a new object and Cluster API rolls the machines",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.instanceType",
        &["pool.instanceType", "controlPlane.instanceType"],
        "",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.ami",
        &["cluster.image.ami"],
        "",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.imageLookupOrg",
        &["cluster.image.lookup.org"],
        "the account that owns the images (EC2's `owner-id`); on the template, not the AWSCluster, so a changed lookup renames the template and rolls the machines",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.imageLookupBaseOS",
        &["cluster.image.lookup.baseOS"],
        "CAPA's `ubuntu-24.04` when left out",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.imageLookupFormat",
        &["cluster.image.lookup.format"],
        "CAPA's `capa-ami-{{.BaseOS}}-?{{.K8sVersion}}-*` when left out; CAPA takes the newest image matching it",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.iamInstanceProfile",
        &[],
        "the instance profiles that `clusterawsadm bootstrap iam` creates: control-plane.… for the control plane, nodes.… for node pools",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.instanceMetadataOptions",
        &[],
        "IMDSv2 required, hop limit 2 (pods that still use the node's role reach the metadata service through the bridge)",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.sshKeyName",
        &[],
        "no SSH key: machines are reached through AWS Systems Manager",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.rootVolume",
        &["pool.rootVolume"],
        "",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.rootVolume.size",
        &["pool.rootVolume.sizeGiB"],
        "",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.rootVolume.type",
        &["pool.rootVolume.type"],
        "",
    ),
    FieldRule::new(
        "AWSMachineTemplate",
        "spec.template.spec.rootVolume.iops",
        &["pool.rootVolume.iops"],
        "",
    ),
    // MachineDeployment.
    FieldRule::new(
        "MachineDeployment",
        "metadata.name",
        &["pool.name"],
        "`<cluster>-md-<pool>-<zone letter>`: one MachineDeployment per zone of the pool",
    ),
    FieldRule::new(
        "MachineDeployment",
        "metadata.annotations",
        &["pool.autoscaling"],
        "cluster-autoscaler's bounds for this zone: the pool's minimum and maximum split over its zones, earlier zones taking the remainder",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.replicas",
        &["pool.replicas"],
        "the pool's replicas split over its zones, earlier zones taking the remainder",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.clusterName",
        &["cluster.name"],
        "",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.selector",
        &["pool.name"],
        "Cluster API's cluster-name and deployment-name labels",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.metadata.labels",
        &["pool.name"],
        "platc's labels and Cluster API's cluster-name and deployment-name labels",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.spec.clusterName",
        &["cluster.name"],
        "",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.spec.version",
        &["cluster.kubernetesVersion"],
        "",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.spec.failureDomain",
        &["pool.availabilityZones", "cluster.availabilityZones"],
        "one zone per MachineDeployment: the pool's zones, else the cluster's",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.spec.infrastructureRef",
        &["pool"],
        "the pool's AWSMachineTemplate, named by a digest of its content",
    ),
    FieldRule::new(
        "MachineDeployment",
        "spec.template.spec.bootstrap",
        &["pool"],
        "the pool's KubeadmConfigTemplate, named by a digest of its content",
    ),
    // KubeadmConfigTemplate.
    FieldRule::new(
        "KubeadmConfigTemplate",
        "metadata.name",
        &["pool.name"],
        "`<cluster>-md-<pool>`, then 8 hex digits of the sha256 of the spec",
    ),
    FieldRule::new(
        "KubeadmConfigTemplate",
        "spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs",
        &["pool.labels"],
        "`cloud-provider: external`, and the pool's labels (with its role's: monitoring, route reflectors) as the kubelet's `--node-labels`",
    ),
    FieldRule::new(
        "KubeadmConfigTemplate",
        "spec.template.spec.joinConfiguration.nodeRegistration.taints",
        &["pool.taints"],
        "the pool's taints, with its role's (monitoring, route reflectors)",
    ),
    FieldRule::new(
        "KubeadmConfigTemplate",
        "spec.template.spec.joinConfiguration.nodeRegistration.name",
        &[],
        "the instance's private DNS name, which the AWS cloud provider expects",
    ),
    // MachineHealthCheck.
    FieldRule::new(
        "MachineHealthCheck",
        "metadata.name",
        &["pool.name"],
        "`<cluster>-md-<pool>`",
    ),
    FieldRule::new(
        "MachineHealthCheck",
        "spec.clusterName",
        &["cluster.name"],
        "",
    ),
    FieldRule::new(
        "MachineHealthCheck",
        "spec.selector",
        &["pool.name"],
        "the pool's machines: Cluster API's cluster-name label and platc's node-pool label",
    ),
    FieldRule::new(
        "MachineHealthCheck",
        "spec",
        &[],
        "Cluster API's documented timing: Ready Unknown or False for 300 s, 600 s to start, remediation only while at most 40% of the pool is unhealthy",
    ),
];
