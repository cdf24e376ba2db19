//! The eks output, feature by feature, from the reference blueprint (which uses every section)
//! and variants of it; and every object against its bundled upstream schema.

use serde_json::Value;

use crate::json::json;

use crate::generate;
use crate::generate::test_support::{REFERENCE, objects, reference_with, resolved};

fn kind<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

const CLUSTER: &str = "clusters/sandbox-eks/infrastructure/cluster.yaml";
const POOL: &str = "clusters/sandbox-eks/infrastructure/nodepool-general.yaml";

#[test]
fn cluster_references_the_managed_kinds_in_both_cluster_api_versions() {
    let r = resolved(REFERENCE);
    let objs = objects(&r, CLUSTER);
    let kinds: Vec<&str> = objs.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["Cluster", "AWSManagedCluster", "AWSManagedControlPlane"]
    );
    let cluster = kind(&objs, "Cluster");
    assert_eq!(cluster["apiVersion"], "cluster.x-k8s.io/v1beta2");
    assert_eq!(
        cluster["spec"]["controlPlaneRef"],
        json!({"apiGroup": "controlplane.cluster.x-k8s.io", "kind": "AWSManagedControlPlane", "name": "sandbox-eks-control-plane"})
    );
    assert_eq!(
        cluster["spec"]["clusterNetwork"],
        json!({"services": {"cidrBlocks": ["10.96.0.0/12"]}})
    );
    // In the workspace's namespace, like every Cluster API object of the cluster.
    assert_eq!(cluster["metadata"]["namespace"], "sandbox");

    let r = resolved(&reference_with(&[(
        "  domain: demo.example.cloud\n",
        "  domain: demo.example.cloud\n  targets: {clusterAPI: v1beta1}\n",
    )]));
    let objs = objects(&r, CLUSTER);
    let cluster = kind(&objs, "Cluster");
    assert_eq!(cluster["apiVersion"], "cluster.x-k8s.io/v1beta1");
    assert_eq!(
        cluster["spec"]["controlPlaneRef"]["apiVersion"], "controlplane.cluster.x-k8s.io/v1beta2",
        "CAPA serves its control plane only as v1beta2"
    );
    assert_eq!(
        cluster["spec"]["infrastructureRef"]["apiVersion"],
        "infrastructure.cluster.x-k8s.io/v1beta2"
    );
    let pool = objects(&r, POOL);
    assert_eq!(
        kind(&pool, "MachinePool")["apiVersion"],
        "cluster.x-k8s.io/v1beta1"
    );
    assert_eq!(
        kind(&pool, "MachinePool")["spec"]["template"]["spec"]["infrastructureRef"]["apiVersion"],
        "infrastructure.cluster.x-k8s.io/v1beta2"
    );
}

#[test]
fn control_plane_carries_version_region_tags_identity_and_audit() {
    let r = resolved(REFERENCE);
    let objs = objects(&r, CLUSTER);
    let spec = &kind(&objs, "AWSManagedControlPlane")["spec"];
    assert_eq!(spec["version"], "v1.34.2");
    assert_eq!(spec["region"], "us-west-2");
    assert_eq!(spec["eksClusterName"], "sandbox-eks");
    assert_eq!(
        spec["additionalTags"],
        json!({"owner": "platform-team", "expiration": "3d"})
    );
    // IRSA is the reference's (and the default) workload identity.
    assert_eq!(spec["associateOIDCProvider"], true);
    // security.auditLog.enabled: the API server's and the audit log go to CloudWatch.
    assert_eq!(
        spec["logging"],
        json!({"apiServer": true, "audit": true, "authenticator": false, "controllerManager": false, "scheduler": false})
    );
    // identity.oidc: EKS trusts the identity provider's tokens, groups prefixed `oidc:`.
    assert_eq!(
        spec["oidcIdentityProviderConfig"],
        json!({
            "identityProviderConfigName": "onelogin",
            "issuerUrl": "https://example.onelogin.com/oidc/2",
            "clientId": "0oa1demo2client3",
            "usernameClaim": "email",
            "groupsClaim": "groups",
            "groupsPrefix": "oidc:",
            "tags": {"owner": "platform-team", "expiration": "3d"},
        })
    );
    assert_eq!(spec["sshKeyName"], "");
    // No `api`: a private endpoint only (EKS's own default is public only), reachable from
    // the management cluster's VPC too.
    assert_eq!(
        spec["endpointAccess"],
        json!({"public": false, "private": true})
    );
    let vpc_of = |name: &str| {
        r.clusters
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .vpc_cidr
            .clone()
    };
    assert_eq!(
        spec["network"]["additionalControlPlaneIngressRules"],
        json!([{
            "description": "Kubernetes API from the management cluster's VPC",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": [vpc_of("management")],
        }])
    );
    // A VPC CAPA creates, with one private and one public subnet per zone of the cluster,
    // in a derived range of its own.
    let subnets = spec["network"]["subnets"].as_array().unwrap();
    assert_eq!(subnets.len(), 4);
    let own = vpc_of("sandbox-eks");
    assert_ne!(own, vpc_of("management"));
    assert_eq!(spec["network"]["vpc"]["cidrBlock"], own);
    assert!(!json!(spec).to_string().contains("0.0.0.0/0"));

    // A public endpoint: the written sources, and private too for the nodes.
    let r = resolved(&reference_with(&[(
        "    - name: sandbox-eks\n",
        "    - name: sandbox-eks\n      api: {endpoint: public, allowedCIDRs: [198.51.100.0/24]}\n",
    )]));
    let objs = objects(&r, CLUSTER);
    let spec = &kind(&objs, "AWSManagedControlPlane")["spec"];
    assert_eq!(
        spec["endpointAccess"],
        json!({"public": true, "private": true, "publicCIDRs": ["198.51.100.0/24"]})
    );
    assert!(
        spec["network"]
            .get("additionalControlPlaneIngressRules")
            .is_none()
    );
}

#[test]
fn node_role_audit_off_and_no_sso_leave_their_fields_out() {
    let r = resolved(&reference_with(&[
        ("workloadIdentity: irsa", "workloadIdentity: node-role"),
        (
            "    auditLog:\n      enabled: true",
            "    auditLog:\n      enabled: false",
        ),
    ]));
    let objs = objects(&r, CLUSTER);
    let spec = &kind(&objs, "AWSManagedControlPlane")["spec"];
    // The EBS CSI driver add-on's role needs the OIDC provider with any workload identity.
    assert_eq!(spec["associateOIDCProvider"], true);
    assert!(spec.get("logging").is_none());
    let text = reference_with(&[]);
    let start = text.find("  identity:\n").unwrap();
    let end = text.find("  certificates:\n").unwrap();
    let without_sso = format!("{}{}", &text[..start], &text[end..]);
    let objs = objects(&resolved(&without_sso), CLUSTER);
    assert!(
        kind(&objs, "AWSManagedControlPlane")["spec"]
            .get("oidcIdentityProviderConfig")
            .is_none()
    );
}

#[test]
fn node_pool_is_a_managed_node_group_with_scaling_labels_and_taints() {
    let r = resolved(REFERENCE);
    let objs = objects(&r, POOL);
    let mp = kind(&objs, "MachinePool");
    let name = mp["metadata"]["name"].as_str().unwrap();
    assert_eq!(
        crate::naming::template_base(name),
        Some("sandbox-eks-mp-general")
    );
    assert_eq!(mp["metadata"]["labels"]["platc.io/node-pool"], "general");
    // autoscaling {2, 6}: the autoscaler's bounds, no replica count.
    assert_eq!(
        mp["metadata"]["annotations"],
        json!({
            "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size": "2",
            "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size": "6",
        })
    );
    assert!(mp["spec"].get("replicas").is_none());
    assert_eq!(mp["spec"]["template"]["spec"]["version"], "v1.34.2");
    assert_eq!(
        mp["spec"]["template"]["spec"]["bootstrap"],
        json!({"dataSecretName": ""})
    );
    let spec = &kind(&objs, "AWSManagedMachinePool")["spec"];
    assert_eq!(spec["eksNodegroupName"], name);
    assert_eq!(
        kind(&objs, "AWSManagedMachinePool")["metadata"]["name"],
        name
    );
    assert_eq!(
        mp["spec"]["template"]["spec"]["infrastructureRef"]["name"],
        name
    );
    assert_eq!(spec["instanceType"], "m5.large");
    assert_eq!(spec["amiType"], "AL2023_x86_64_STANDARD");
    assert_eq!(spec["scaling"], json!({"minSize": 2, "maxSize": 6}));
    assert_eq!(spec["labels"], json!({"team": "sandbox"}));
    assert_eq!(
        spec["taints"],
        json!([{"key": "sandbox", "value": "true", "effect": "prefer-no-schedule"}])
    );
    assert_eq!(
        spec["availabilityZones"],
        json!(["us-west-2a", "us-west-2b"])
    );
    assert_eq!(spec["availabilityZoneSubnetType"], "private");
    assert_eq!(spec["additionalTags"]["owner"], "platform-team");
}

#[test]
fn fixed_pools_disk_size_and_the_monitoring_role() {
    // A fixed pool named like monitoring.nodePool gets the role's label and taint; EKS keeps
    // max at least 1 even for a pool scaled to zero.
    let r = resolved(&reference_with(&[(
        "        - name: general\n          instanceType: m5.large\n          autoscaling: {min: 2, max: 6}\n",
        "        - name: monitoring\n          instanceType: r5.xlarge\n          replicas: 0\n          rootVolume: {sizeGiB: 120}\n        - name: general\n          instanceType: m5.large\n          autoscaling: {min: 2, max: 6}\n",
    )]));
    let objs = objects(
        &r,
        "clusters/sandbox-eks/infrastructure/nodepool-monitoring.yaml",
    );
    assert_eq!(kind(&objs, "MachinePool")["spec"]["replicas"], 0);
    assert!(
        kind(&objs, "MachinePool")["metadata"]
            .get("annotations")
            .is_none()
    );
    let spec = &kind(&objs, "AWSManagedMachinePool")["spec"];
    assert_eq!(spec["scaling"], json!({"minSize": 0, "maxSize": 1}));
    assert_eq!(spec["labels"], json!({"dedicated": "monitoring"}));
    assert_eq!(
        spec["taints"],
        json!([{"key": "dedicated", "value": "monitoring", "effect": "no-schedule"}])
    );
    assert_eq!(spec["diskSize"], 120);
}

#[test]
fn an_existing_vpc_is_named_and_pools_use_its_private_subnets() {
    let r = resolved(&reference_with(&[(
        "      availabilityZones: [us-west-2a, us-west-2b]\n      nodePools:\n        - name: general",
        "      availabilityZones: [us-west-2a, us-west-2b]\n      network:\n        existingVPC:\n          id: vpc-0a1b2c3d4e5f67891\n          cidr: 10.30.0.0/16\n          privateSubnets: {us-west-2a: subnet-0aaa1111bbbb2222f, us-west-2b: subnet-0aaa1111bbbb22230}\n          publicSubnets: {us-west-2a: subnet-0ccc3333dddd44451}\n      nodePools:\n        - name: general\n          availabilityZones: [us-west-2b]",
    )]));
    let objs = objects(&r, CLUSTER);
    let network = &kind(&objs, "AWSManagedControlPlane")["spec"]["network"];
    assert_eq!(network["vpc"], json!({"id": "vpc-0a1b2c3d4e5f67891"}));
    assert_eq!(
        network["subnets"],
        json!([{"id": "subnet-0aaa1111bbbb2222f"}, {"id": "subnet-0aaa1111bbbb22230"}, {"id": "subnet-0ccc3333dddd44451"}])
    );
    let objs = objects(&r, POOL);
    let spec = &kind(&objs, "AWSManagedMachinePool")["spec"];
    assert_eq!(spec["subnetIDs"], json!(["subnet-0aaa1111bbbb22230"]));
    assert!(spec.get("availabilityZones").is_none());
}

#[test]
fn every_eks_object_validates_against_its_schema() {
    for text in [
        REFERENCE.to_string(),
        reference_with(&[(
            "  domain: demo.example.cloud\n",
            "  domain: demo.example.cloud\n  targets: {clusterAPI: v1beta1}\n",
        )]),
    ] {
        let r = resolved(&text);
        let out = generate::generate(&r).expect("generates");
        let tree = crate::emit::emit(&out, "t.yaml").expect("emits");
        let problems: Vec<String> = crate::validate::validate_tree(&tree)
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(tree.get(CLUSTER).is_some() && tree.get(POOL).is_some());
    }
}

#[test]
fn managed_addons_follow_the_kubernetes_minor_and_the_csi_driver_has_its_role() {
    let r = resolved(REFERENCE);
    let objs = objects(&r, CLUSTER);
    let addons = &kind(&objs, "AWSManagedControlPlane")["spec"]["addons"];
    assert_eq!(
        addons,
        &json!([
            {"name": "aws-ebs-csi-driver", "version": "v1.66.0-eksbuild.1", "conflictResolution": "overwrite",
             "serviceAccountRoleARN": "arn:aws:iam::123456789012:role/demo-sandbox-eks-ebs-csi"},
            {"name": "coredns", "version": "v1.13.2-eksbuild.4", "conflictResolution": "overwrite"},
            {"name": "kube-proxy", "version": "v1.34.6-eksbuild.2", "conflictResolution": "overwrite"},
            {"name": "vpc-cni", "version": "v1.22.3-eksbuild.1", "conflictResolution": "overwrite"},
        ])
    );
    // Another minor, other CoreDNS and kube-proxy versions.
    let r = resolved(&reference_with(&[(
        "kubernetesVersion: v1.34.2",
        "kubernetesVersion: v1.31.4",
    )]));
    let objs = objects(&r, CLUSTER);
    let addons = &kind(&objs, "AWSManagedControlPlane")["spec"]["addons"];
    assert_eq!(addons[1]["version"], "v1.11.4-eksbuild.33");
    assert_eq!(addons[2]["version"], "v1.31.14-eksbuild.9");
    // The partition goes into the role's ARN.
    let r = resolved(&reference_with(&[
        (
            "    region: us-west-2\n    partition: aws\n",
            "    region: us-gov-west-1\n    partition: aws-us-gov\n",
        ),
        (
            "[us-west-2a, us-west-2b]",
            "[us-gov-west-1a, us-gov-west-1b]",
        ),
    ]));
    let objs = objects(&r, CLUSTER);
    assert_eq!(
        kind(&objs, "AWSManagedControlPlane")["spec"]["addons"][0]["serviceAccountRoleARN"],
        "arn:aws-us-gov:iam::123456789012:role/demo-sandbox-eks-ebs-csi"
    );
}

#[test]
fn the_default_storage_class_is_encrypted_gp3_among_the_addons() {
    let r = resolved(REFERENCE);
    let objs = objects(&r, "clusters/sandbox-eks/addons/storage-class.yaml");
    assert_eq!(objs.len(), 1);
    let sc = &objs[0];
    assert_eq!(sc["kind"], "StorageClass");
    assert_eq!(sc["metadata"]["name"], "gp3");
    assert_eq!(
        sc["metadata"]["annotations"],
        json!({"storageclass.kubernetes.io/is-default-class": "true"})
    );
    assert_eq!(sc["provisioner"], "ebs.csi.aws.com");
    assert_eq!(
        sc["parameters"],
        json!({"type": "gp3", "encrypted": "true"})
    );
    assert_eq!(sc["volumeBindingMode"], "WaitForFirstConsumer");
}

/// The EKS pool's name (MachinePool, AWSManagedMachinePool, node group) for a variant of the
/// reference.
fn pool_name(edits: &[(&str, &str)]) -> String {
    let objs = objects(&resolved(&reference_with(edits)), POOL);
    kind(&objs, "AWSManagedMachinePool")["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

const EKS_POOL: &str = "        - name: general\n          instanceType: m5.large\n          autoscaling: {min: 2, max: 6}\n";

/// Issue 20 item 9: a change of each field EKS or CAPA cannot change on a node group renders a
/// replacement (a new name), and a change of a mutable field keeps the name.
#[test]
fn an_immutable_node_group_field_renders_a_replacement_pool() {
    let before = pool_name(&[]);
    let renamed = |what: &str, edits: &[(&str, &str)]| {
        let after = pool_name(edits);
        assert_ne!(after, before, "{what}: the pool keeps its name");
        assert_eq!(
            crate::naming::template_base(&after),
            Some("sandbox-eks-mp-general"),
            "{what}"
        );
    };
    // instanceType (and with another architecture, amiType too).
    renamed(
        "instanceType",
        &[(EKS_POOL, &EKS_POOL.replace("m5.large", "m5.xlarge"))],
    );
    renamed(
        "amiType",
        &[(EKS_POOL, &EKS_POOL.replace("m5.large", "m6g.large"))],
    );
    // diskSize.
    renamed(
        "diskSize",
        &[(
            EKS_POOL,
            &format!("{EKS_POOL}          rootVolume: {{sizeGiB: 80}}\n"),
        )],
    );
    // availabilityZones (the zones' subnets CAPA created).
    renamed(
        "availabilityZones",
        &[(
            "      availabilityZones: [us-west-2a, us-west-2b]\n      nodePools:\n        - name: general\n",
            "      availabilityZones: [us-west-2a, us-west-2c]\n      nodePools:\n        - name: general\n",
        )],
    );
    // subnetIDs (an existing VPC's private subnets of the pool's zones).
    let zones = "      availabilityZones: [us-west-2a, us-west-2b]\n      nodePools:\n        - name: general\n";
    let vpc = |subnet_a: &str| {
        format!(
            "      availabilityZones: [us-west-2a, us-west-2b]\n      network:\n        existingVPC:\n          id: vpc-0a1b2c3d4e5f67891\n          cidr: 10.30.0.0/16\n          privateSubnets:\n            us-west-2a: {subnet_a}\n            us-west-2b: subnet-0aaa1111bbbb3333d\n          publicSubnets:\n            us-west-2a: subnet-0ccc3333dddd5555e\n            us-west-2b: subnet-0ccc3333dddd5555f\n      nodePools:\n        - name: general\n"
        )
    };
    let in_vpc = pool_name(&[(zones, &vpc("subnet-0aaa1111bbbb3333c"))]);
    let objs = objects(
        &resolved(&reference_with(&[(
            zones,
            &vpc("subnet-0aaa1111bbbb3333c"),
        )])),
        POOL,
    );
    assert_eq!(
        kind(&objs, "AWSManagedMachinePool")["spec"]["subnetIDs"],
        json!(["subnet-0aaa1111bbbb3333c", "subnet-0aaa1111bbbb3333d"])
    );
    assert_ne!(
        pool_name(&[(zones, &vpc("subnet-0aaa1111bbbb4444c"))]),
        in_vpc,
        "subnetIDs: the pool keeps its name"
    );
    // Mutable fields: scaling, labels, the Kubernetes version.
    for (what, edits) in [
        (
            "scaling",
            vec![(EKS_POOL, EKS_POOL.replace("max: 6", "max: 8"))],
        ),
        (
            "labels",
            vec![(
                "            team: sandbox\n",
                "            team: sandbox2\n".to_string(),
            )],
        ),
        (
            "kubernetesVersion",
            vec![(
                "      kubernetesVersion: v1.34.2\n      workspace: sandbox\n",
                "      kubernetesVersion: v1.35.0\n      workspace: sandbox\n".to_string(),
            )],
        ),
    ] {
        let edits: Vec<(&str, &str)> = edits.iter().map(|(a, b)| (*a, b.as_str())).collect();
        assert_eq!(pool_name(&edits), before, "{what} renamed the pool");
    }
}
