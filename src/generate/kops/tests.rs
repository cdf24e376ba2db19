//! The kops output, feature by feature, from the reference blueprint (which uses every section)
//! and variants of it; the folder's place in the tree; every object against its schema.

use serde_json::Value;

use crate::json::json;

use crate::generate::test_support::{REFERENCE, objects, reference_with, resolved};
use crate::generate::{self, Content};
use crate::resolve::Resolved;

const DIR: &str = "clusters/legacy-kops/infrastructure";

fn cluster_spec(r: &Resolved) -> Value {
    let objs = objects(r, &format!("{DIR}/cluster.yaml"));
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0]["apiVersion"], "kops.k8s.io/v1alpha2");
    assert_eq!(objs[0]["kind"], "Cluster");
    assert_eq!(
        objs[0]["metadata"]["name"],
        "legacy-kops.demo.example.cloud"
    );
    objs[0]["spec"].clone()
}

#[test]
fn cluster_in_an_existing_vpc_with_private_topology() {
    let spec = cluster_spec(&resolved(REFERENCE));
    assert_eq!(
        spec["configBase"],
        "s3://demo-kops-state/legacy-kops.demo.example.cloud"
    );
    assert_eq!(spec["kubernetesVersion"], "1.33.6");
    assert_eq!(spec["cloudProvider"], "aws");
    assert_eq!(spec["networkID"], "vpc-0a1b2c3d4e5f67890");
    assert_eq!(spec["networkCIDR"], "10.20.0.0/16");
    assert_eq!(spec["networking"], json!({"calico": {}}));
    assert_eq!(spec["podCIDR"], "192.168.0.0/16");
    assert_eq!(spec["nonMasqueradeCIDR"], "192.168.0.0/16");
    assert_eq!(spec["serviceClusterIPRange"], "10.96.0.0/12");
    assert_eq!(spec["topology"], json!({"dns": {"type": "None"}}));
    // No `api`: an internal load balancer, open to the VPC and the management cluster's VPC
    // only; no SSH access rules at all (`sshAccess` left out).
    assert_eq!(
        spec["api"],
        json!({"loadBalancer": {"class": "Network", "type": "Internal"}})
    );
    let r = resolved(REFERENCE);
    let management = &r.clusters.iter().find(|c| c.management).unwrap().vpc_cidr;
    assert_eq!(
        spec["kubernetesApiAccess"],
        json!(["10.20.0.0/16", management])
    );
    assert!(spec.get("sshAccess").is_none());
    assert!(!spec.to_string().contains("0.0.0.0/0"));
    assert_eq!(spec["sshKeyName"], "");
    assert_eq!(
        spec["cloudLabels"],
        json!({"owner": "platform-team", "expiration": "3d"})
    );
    let subnets = spec["subnets"].as_array().unwrap();
    assert_eq!(subnets.len(), 6, "a private and a utility subnet per zone");
    assert_eq!(
        subnets[0],
        json!({"name": "us-west-2a", "type": "Private", "zone": "us-west-2a", "id": "subnet-0aaa1111bbbb2222c"})
    );
    assert_eq!(
        subnets[1],
        json!({"name": "utility-us-west-2a", "type": "Utility", "zone": "us-west-2a", "id": "subnet-0ccc3333dddd4444e"})
    );
    // The pool `nodes` autoscales: kOps runs its cluster autoscaler.
    assert_eq!(spec["clusterAutoscaler"], json!({"enabled": true}));
}

#[test]
fn a_vpc_kops_creates_gets_capas_layout() {
    let text = reference_with(&[]);
    let start = text
        .find("      network:\n        existingVPC:\n          id: vpc-0a1b2c3d4e5f67890")
        .unwrap();
    let end = text[start..].find("      controlPlane:").unwrap() + start;
    let declared = format!(
        "{}      network: {{vpcCIDR: 10.77.0.0/16}}\n{}",
        &text[..start],
        &text[end..]
    );
    let spec = cluster_spec(&resolved(&declared));
    assert!(spec.get("networkID").is_none());
    assert_eq!(spec["networkCIDR"], "10.77.0.0/16");
    let subnets = spec["subnets"].as_array().unwrap();
    assert_eq!(subnets[0]["cidr"], "10.77.0.0/19");
    assert_eq!(subnets[1]["cidr"], "10.77.192.0/21");
    assert_eq!(subnets[4]["cidr"], "10.77.64.0/19");
    // A public endpoint: exactly the written sources.
    let public = declared.replace(
        "      network: {vpcCIDR: 10.77.0.0/16}\n",
        "      network: {vpcCIDR: 10.77.0.0/16}\n      api: {endpoint: public, allowedCIDRs: [198.51.100.0/24]}\n",
    );
    let spec = cluster_spec(&resolved(&public));
    assert_eq!(spec["api"]["loadBalancer"]["type"], "Public");
    assert_eq!(spec["kubernetesApiAccess"], json!(["198.51.100.0/24"]));
}

#[test]
fn etcd_has_one_member_per_control_plane_machine() {
    let r = resolved(REFERENCE);
    let spec = cluster_spec(&r);
    let etcd = spec["etcdClusters"].as_array().unwrap();
    assert_eq!(etcd.len(), 2);
    for (cluster, name) in etcd.iter().zip(["main", "events"]) {
        assert_eq!(cluster["name"], name);
        assert_eq!(
            cluster["etcdMembers"],
            json!([
                {"name": "a", "instanceGroup": "control-plane-us-west-2a", "encryptedVolume": true},
                {"name": "b", "instanceGroup": "control-plane-us-west-2b", "encryptedVolume": true},
                {"name": "c", "instanceGroup": "control-plane-us-west-2c", "encryptedVolume": true},
            ])
        );
    }
    let groups = objects(&r, &format!("{DIR}/control-plane.yaml"));
    assert_eq!(groups.len(), 3);
    for (group, zone) in groups
        .iter()
        .zip(["us-west-2a", "us-west-2b", "us-west-2c"])
    {
        assert_eq!(group["kind"], "InstanceGroup");
        assert_eq!(group["metadata"]["name"], format!("control-plane-{zone}"));
        assert_eq!(
            group["metadata"]["labels"]["kops.k8s.io/cluster"],
            "legacy-kops.demo.example.cloud"
        );
        assert_eq!(group["spec"]["role"], "ControlPlane");
        assert_eq!(group["spec"]["minSize"], 1);
        assert_eq!(group["spec"]["maxSize"], 1);
        assert_eq!(group["spec"]["machineType"], "m5.large");
        assert_eq!(group["spec"]["subnets"], json!([zone]));
    }
    // Five machines in three zones: two groups in each of the first two zones.
    let r = resolved(&reference_with(&[(
        "        replicas: 3\n        instanceType: m5.large",
        "        replicas: 5\n        instanceType: m5.large",
    )]));
    let names: Vec<String> = objects(&r, &format!("{DIR}/control-plane.yaml"))
        .iter()
        .map(|g| g["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "control-plane-us-west-2a-1",
            "control-plane-us-west-2a-2",
            "control-plane-us-west-2b-1",
            "control-plane-us-west-2b-2",
            "control-plane-us-west-2c"
        ]
    );
    let members: Vec<Value> = cluster_spec(&r)["etcdClusters"][0]["etcdMembers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].clone())
        .collect();
    assert_eq!(
        members,
        [
            json!("a-1"),
            json!("a-2"),
            json!("b-1"),
            json!("b-2"),
            json!("c")
        ]
    );
}

#[test]
fn api_server_gets_sso_audit_and_pod_security() {
    let spec = cluster_spec(&resolved(REFERENCE));
    let api = &spec["kubeAPIServer"];
    assert_eq!(api["oidcIssuerURL"], "https://example.onelogin.com/oidc/2");
    assert_eq!(api["oidcClientID"], "0oa1demo2client3");
    assert_eq!(api["oidcUsernameClaim"], "email");
    assert_eq!(api["oidcGroupsClaim"], "groups");
    assert_eq!(api["oidcGroupsPrefix"], "oidc:");
    assert_eq!(api["auditLogPath"], "/var/log/kube-apiserver-audit.log");
    assert_eq!(api["auditLogMaxAge"], 30);
    assert_eq!(api["auditLogMaxBackups"], 10);
    assert_eq!(api["auditLogMaxSize"], 100);
    assert_eq!(
        api["auditPolicyFile"],
        "/srv/kubernetes/kube-apiserver/audit-policy.yaml"
    );
    assert_eq!(
        api["admissionControlConfigFile"],
        "/srv/kubernetes/kube-apiserver/admission-configuration.yaml"
    );
    let assets = spec["fileAssets"].as_array().unwrap();
    assert_eq!(assets.len(), 2);
    assert_eq!(assets[0]["name"], "audit-policy");
    assert_eq!(assets[0]["path"], api["auditPolicyFile"]);
    assert_eq!(assets[0]["roles"], json!(["ControlPlane"]));
    let policy: Value = serde_yaml_value(assets[0]["content"].as_str().unwrap());
    assert_eq!(policy["kind"], "Policy");
    assert_eq!(policy["rules"][0]["level"], "Metadata");
    assert_eq!(assets[1]["path"], api["admissionControlConfigFile"]);
    let admission = serde_yaml_value(assets[1]["content"].as_str().unwrap());
    let defaults = &admission["plugins"][0]["configuration"]["defaults"];
    assert_eq!(defaults["enforce"], "baseline");
    assert_eq!(defaults["audit"], "restricted");
    assert_eq!(defaults["warn"], "restricted");
    assert_eq!(
        admission["plugins"][0]["configuration"]["exemptions"]["namespaces"],
        json!(["kommander", "kube-system"])
    );
}

/// Reads a YAML document the way kOps will (through platc's own reader).
fn serde_yaml_value(text: &str) -> Value {
    let src = crate::source::SourceFile::new("asset.yaml", text);
    let docs = crate::yaml::read::read_stream(&src, &crate::yaml::read::ReadOptions::kustomize())
        .expect("asset content is YAML");
    assert_eq!(docs.len(), 1);
    docs[0].to_json()
}

#[test]
fn nothing_reaches_the_api_server_without_those_sections() {
    let text = REFERENCE.to_string();
    let cut = |text: &str, from: &str, to: &str| {
        let start = text.find(from).unwrap();
        let end = text.find(to).unwrap();
        format!("{}{}", &text[..start], &text[end..])
    };
    let text = cut(&text, "  identity:\n", "  certificates:\n");
    let text = cut(&text, "  security:\n", "  workspaces:\n");
    let spec = cluster_spec(&resolved(&text));
    assert!(spec.get("kubeAPIServer").is_none());
    assert!(spec.get("fileAssets").is_none());
}

#[test]
fn registry_mirrors_go_to_containerd() {
    let spec = cluster_spec(&resolved(REFERENCE));
    assert_eq!(
        spec["containerd"],
        json!({"registryMirrors": {"docker.io": ["https://registry-mirror.example.cloud"]}})
    );
}

#[test]
fn irsa_gives_external_dns_and_cert_manager_roles_with_the_route53_policies() {
    let spec = cluster_spec(&resolved(REFERENCE));
    assert_eq!(
        spec["iam"],
        json!({
            "legacy": false,
            "useServiceAccountExternalPermissions": true,
            "serviceAccountExternalPermissions": [
                {"name": "external-dns", "namespace": "external-dns",
                 "aws": {"policyARNs": ["arn:aws:iam::123456789012:policy/demo-external-dns-route53"]}},
                // kOps' cert-manager runs in kube-system.
                {"name": "cert-manager", "namespace": "kube-system",
                 "aws": {"policyARNs": ["arn:aws:iam::123456789012:policy/demo-cert-manager-route53"]}},
            ],
        })
    );
    assert_eq!(
        spec["serviceAccountIssuerDiscovery"],
        json!({
            "discoveryStore": "s3://demo-legacy-kops-oidc-123456789012",
            "enableAWSOIDCProvider": true,
        })
    );
    assert_eq!(spec["podIdentityWebhook"], json!({"enabled": true}));
    assert_eq!(spec["certManager"], json!({"enabled": true}));
    assert!(spec.get("externalPolicies").is_none());
    // The partition goes into every ARN.
    let spec = cluster_spec(&resolved(&reference_with(&[
        (
            "    region: us-west-2\n    partition: aws\n",
            "    region: us-gov-west-1\n    partition: aws-us-gov\n",
        ),
        (
            "[us-west-2a, us-west-2b, us-west-2c]\n      network:",
            "[us-gov-west-1a, us-gov-west-1b, us-gov-west-1c]\n      network:",
        ),
    ])));
    assert_eq!(
        spec["iam"]["serviceAccountExternalPermissions"][0]["aws"]["policyARNs"][0],
        "arn:aws-us-gov:iam::123456789012:policy/demo-external-dns-route53"
    );
}

#[test]
fn node_role_attaches_the_policies_to_the_nodes() {
    let r = resolved(&reference_with(&[(
        "workloadIdentity: irsa",
        "workloadIdentity: node-role",
    )]));
    let spec = cluster_spec(&r);
    assert_eq!(spec["iam"], json!({"legacy": false}));
    assert_eq!(
        spec["externalPolicies"],
        json!({"node": [
            "arn:aws:iam::123456789012:policy/demo-external-dns-route53",
            "arn:aws:iam::123456789012:policy/demo-cert-manager-route53",
        ]})
    );
    for key in ["serviceAccountIssuerDiscovery", "podIdentityWebhook"] {
        assert!(spec.get(key).is_none(), "{key}");
    }
    // kOps installs cert-manager with any workload identity.
    assert_eq!(spec["certManager"], json!({"enabled": true}));
    // Pods must reach the node's credentials: one more metadata hop on nodes.
    let ig = &objects(&r, &format!("{DIR}/nodepool-nodes.yaml"))[0];
    assert_eq!(ig["spec"]["instanceMetadata"]["httpPutResponseHopLimit"], 2);
}

#[test]
fn node_pools_are_instance_groups() {
    let r = resolved(REFERENCE);
    let ig = &objects(&r, &format!("{DIR}/nodepool-databases.yaml"))[0];
    assert_eq!(ig["kind"], "InstanceGroup");
    assert_eq!(ig["metadata"]["name"], "databases");
    assert_eq!(ig["metadata"]["labels"]["platc.io/node-pool"], "databases");
    let spec = &ig["spec"];
    assert_eq!(spec["role"], "Node");
    assert_eq!(spec["machineType"], "r5.xlarge");
    assert_eq!(spec["minSize"], 2);
    assert_eq!(spec["maxSize"], 2);
    assert_eq!(spec["nodeLabels"], json!({"workload": "database"}));
    assert_eq!(spec["taints"], json!(["dedicated=database:NoSchedule"]));
    assert_eq!(spec["rootVolumeSize"], 200);
    assert_eq!(spec["rootVolumeType"], "io1");
    assert_eq!(spec["rootVolumeIops"], 3000);
    assert_eq!(
        spec["subnets"],
        json!(["us-west-2a", "us-west-2b", "us-west-2c"])
    );
    assert_eq!(
        spec["instanceMetadata"],
        json!({"httpTokens": "required", "httpPutResponseHopLimit": 1})
    );
    // The shared reference pins the kops cluster's image (a KIB-built AMI).
    assert_eq!(spec["image"], "ami-0fedcba9876543210");
    let ig = &objects(&r, &format!("{DIR}/nodepool-nodes.yaml"))[0];
    assert_eq!(ig["spec"]["minSize"], 3);
    assert_eq!(ig["spec"]["maxSize"], 9);

    // An AMI, a pool in some zones, a monitoring pool and a taint without a value.
    let r = resolved(&reference_with(&[
        ("ami: ami-0fedcba9876543210", "ami: ami-0123456789abcdef1"),
        (
            "        - name: nodes\n          instanceType: m5.xlarge\n",
            "        - name: monitoring\n          instanceType: r5.xlarge\n          replicas: 2\n          availabilityZones: [us-west-2b]\n          taints: [{key: gpu, effect: NoExecute}]\n        - name: nodes\n          instanceType: m5.xlarge\n",
        ),
    ]));
    let ig = &objects(&r, &format!("{DIR}/nodepool-monitoring.yaml"))[0];
    assert_eq!(ig["spec"]["image"], "ami-0123456789abcdef1");
    assert_eq!(ig["spec"]["subnets"], json!(["us-west-2b"]));
    assert_eq!(ig["spec"]["nodeLabels"], json!({"dedicated": "monitoring"}));
    assert_eq!(
        ig["spec"]["taints"],
        json!(["gpu:NoExecute", "dedicated=monitoring:NoSchedule"])
    );
    let cp = &objects(&r, &format!("{DIR}/control-plane.yaml"))[0];
    assert_eq!(cp["spec"]["image"], "ami-0123456789abcdef1");
}

#[test]
fn fixed_pools_need_no_autoscaler() {
    let r = resolved(&reference_with(&[(
        "          autoscaling: {min: 3, max: 9}\n        - name: databases",
        "          replicas: 3\n        - name: databases",
    )]));
    assert!(cluster_spec(&r).get("clusterAutoscaler").is_none());
}

#[test]
fn the_kops_folder_is_kept_away_from_kubectl() {
    let r = resolved(REFERENCE);
    let out = generate::generate(&r).expect("generates");
    let tree = crate::emit::emit(&out, "t.yaml").expect("emits");
    assert!(tree.get(&format!("{DIR}/cluster.yaml")).is_some());
    assert!(tree.get(&format!("{DIR}/kustomization.yaml")).is_none());
    let cluster = std::str::from_utf8(
        tree.get("clusters/legacy-kops/kustomization.yaml")
            .expect("the cluster's add-ons are listed"),
    )
    .unwrap()
    .to_string();
    assert!(!cluster.contains("infrastructure/"), "{cluster}");
    assert!(cluster.contains("addons/"), "{cluster}");
    // The other providers' infrastructure stays listed.
    let eks = std::str::from_utf8(tree.get("clusters/sandbox-eks/kustomization.yaml").unwrap())
        .unwrap()
        .to_string();
    assert!(eks.contains("infrastructure/"), "{eks}");
    let problems: Vec<String> = crate::validate::validate_tree(&tree)
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn nvidia_gpu_pools_get_kops_managed_drivers() {
    let r = resolved(&reference_with(&[(
        "          instanceType: r5.xlarge\n",
        "          instanceType: g5.2xlarge\n",
    )]));
    let ig = &objects(&r, &format!("{DIR}/nodepool-databases.yaml"))[0];
    assert_eq!(
        ig["spec"]["containerd"],
        json!({"nvidiaGPU": {"enabled": true}})
    );
    let ig = &objects(&r, &format!("{DIR}/nodepool-nodes.yaml"))[0];
    assert!(ig["spec"].get("containerd").is_none());
}

#[test]
fn route_reflector_pools_are_labelled_and_tainted() {
    // kOps runs Calico with BGP: the reflector pool carries the label the BGPPeers select
    // and the taint that keeps ordinary pods off it.
    let r = resolved(&reference_with(&[
        (
            "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n      nodePools:\n        - name: nodes",
            "      controlPlane:\n        replicas: 3\n        instanceType: m5.large\n      nodePools:\n        - name: reflectors\n          instanceType: m5.large\n          replicas: 2\n        - name: nodes",
        ),
        (
            "          publicSubnets:\n            us-west-2a: subnet-0ccc3333dddd4444e\n            us-west-2b: subnet-0ccc3333dddd4444f\n            us-west-2c: subnet-0ccc3333dddd44450\n",
            "          publicSubnets:\n            us-west-2a: subnet-0ccc3333dddd4444e\n            us-west-2b: subnet-0ccc3333dddd4444f\n            us-west-2c: subnet-0ccc3333dddd44450\n        calico:\n          routeReflectors: {nodePool: reflectors, clusterID: 244.0.0.2, asNumber: 64513}\n",
        ),
    ]));
    let ig = &objects(&r, &format!("{DIR}/nodepool-reflectors.yaml"))[0];
    assert_eq!(ig["spec"]["nodeLabels"], json!({"route-reflector": "true"}));
    assert_eq!(
        ig["spec"]["taints"],
        json!(["route-reflector=true:NoSchedule"])
    );
}

#[test]
fn kops_service_accounts_get_their_role_from_kops_not_from_an_annotation() {
    // kOps' pod identity webhook maps external-dns and cert-manager to the roles kOps makes
    // (`iam.serviceAccountExternalPermissions`); the Helm values must not name another role.
    let r = resolved(REFERENCE);
    let out = generate::generate(&r).expect("generates");
    for (cluster, annotated, files) in [
        ("legacy-kops", false, &["external-dns-values.yaml"][..]),
        (
            "sandbox-eks",
            true,
            &["external-dns-values.yaml", "cert-manager-values.yaml"][..],
        ),
    ] {
        for file in files {
            let path = format!("clusters/{cluster}/releases/{file}");
            let Content::Document(values) = &out.get(&path).expect(&path).content else {
                panic!("{path} is not a values document");
            };
            let account = &values["serviceAccount"];
            assert_eq!(
                account.get("annotations").is_some(),
                annotated,
                "{path}: {account}"
            );
        }
    }
}

#[test]
fn kops_installs_what_the_nodes_need_itself() {
    let spec = cluster_spec(&resolved(REFERENCE));
    assert_eq!(spec["networking"], json!({"calico": {}}));
    assert_eq!(
        spec["cloudControllerManager"],
        json!({"cloudProvider": "aws"})
    );
    assert_eq!(
        spec["cloudConfig"],
        json!({"awsEBSCSIDriver": {"enabled": true}, "manageStorageClasses": true})
    );
    assert_eq!(spec["certManager"], json!({"enabled": true}));
    assert_eq!(spec["podIdentityWebhook"], json!({"enabled": true}));
    assert_eq!(spec["clusterAutoscaler"], json!({"enabled": true}));
}
