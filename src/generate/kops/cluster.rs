//! The kops Cluster: state store, version, network (an existing VPC and its subnets, or a VPC
//! kOps creates), private topology with a network load balancer for the API (internal or
//! public, `api`) and no DNS records (kOps' `None` DNS), Calico, etcd with one member per control-plane machine,
//! the API server's SSO, audit and Pod Security settings, registry mirrors, workload
//! identity, tags on every AWS resource, and kOps' add-ons: the cloud-controller-manager, the
//! EBS CSI driver with its default StorageClass, cert-manager and the cluster autoscaler.

use serde_json::{Map, Value};

use crate::json::json;

use super::instance_group::ControlPlaneMember;
use super::{api_server, cluster_name, identity, metadata};
use crate::blueprint::check::syntax::cidr;
use crate::facts::kops as facts;
use crate::generate::GenError;
use crate::naming;
use crate::resolve::network::managed_subnets;
use crate::resolve::{Resolved, ResolvedCluster, Scaling};

/// etcd clusters kOps runs on the control plane (`docs/cluster_spec.md`, "etcdClusters").
const ETCD_CLUSTERS: [&str; 2] = ["main", "events"];

pub fn object(
    r: &Resolved,
    c: &ResolvedCluster,
    placement: &[ControlPlaneMember],
) -> Result<Value, GenError> {
    let name = cluster_name(r, c);
    let mut spec = Map::new();
    // The API's network load balancer: `Internal` for a private endpoint, `Public` for a
    // public one (kOps `pkg/apis/kops/v1alpha2/cluster.go`, LoadBalancerType).
    let lb_type = if c.api.public { "Public" } else { "Internal" };
    spec.insert(
        "api".into(),
        json!({"loadBalancer": {"class": "Network", "type": lb_type}}),
    );
    spec.insert("authorization".into(), json!({"rbac": {}}));
    if !r.tags.is_empty() {
        spec.insert("cloudLabels".into(), json!(r.tags));
    }
    // kOps' own add-ons for what the nodes need (kOps v1.36.2): the EBS CSI driver and, with
    // `manageStorageClasses` (kOps' default on AWS, `pkg/model/components/
    // cloudconfiguration.go`), its `storage-aws` add-on, whose `kops-csi-1-21` class is the
    // cluster's default: encrypted `gp3`, expandable, WaitForFirstConsumer
    // (`upup/models/cloudup/resources/addons/storage-aws.addons.k8s.io/v1.15.0.yaml.template`).
    spec.insert(
        "cloudConfig".into(),
        json!({"awsEBSCSIDriver": {"enabled": true}, "manageStorageClasses": true}),
    );
    // The AWS cloud-controller-manager, which kOps runs on every AWS cluster
    // (`pkg/model/components/awscloudcontrollermanager.go`), written out.
    spec.insert(
        "cloudControllerManager".into(),
        json!({"cloudProvider": "aws"}),
    );
    spec.insert("cloudProvider".into(), json!("aws"));
    // cert-manager is kOps' add-on on kops clusters (release-managed by kOps in
    // `kube-system`, `certmanager.io` add-on), which its pod identity webhook requires; Flux
    // does not install it there.
    spec.insert("certManager".into(), json!({"enabled": true}));
    let state_store = c.kops_state_store.as_deref().unwrap_or_default();
    spec.insert(
        "configBase".into(),
        json!(naming::kops_config_base(state_store, &name)),
    );
    // Encryption at rest of Secrets by the API server: kOps' nodeup points
    // `--encryption-provider-config` at the `encryptionconfig` secret of the state store, and
    // refuses to start the API server without it (`nodeup/pkg/model/kube_apiserver.go`
    // v1.36.0). The operator writes that secret (`kops create secret encryptionconfig`,
    // `docs/cli/kops_create_secret_encryptionconfig.md` v1.36.0): its key never enters the tree.
    if r.encryption_key().is_some() {
        spec.insert("encryptionConfig".into(), json!(true));
    }
    // kOps' cluster autoscaler scales the InstanceGroups of autoscaled pools between their
    // bounds.
    if c.node_pools
        .iter()
        .any(|p| matches!(p.scaling, Scaling::Auto { .. }))
    {
        spec.insert("clusterAutoscaler".into(), json!({"enabled": true}));
    }
    if let Some(mirrors) = registry_mirrors(r) {
        spec.insert("containerd".into(), json!({"registryMirrors": mirrors}));
    }
    spec.insert("etcdClusters".into(), etcd(placement, r.encryption_key()));
    spec.extend(identity::fields(r, c));
    spec.insert("kubelet".into(), json!({"anonymousAuth": false}));
    // Who reaches the API's load balancer (kOps opens port 443 of its security group to each
    // entry, `pkg/model/awsmodel/api_loadbalancer.go` v1.36.2; the nodes get their own rule):
    // a public endpoint's `allowedCIDRs`, or the VPC and the management cluster's VPC behind
    // an internal one. Never `0.0.0.0/0` unless the blueprint writes it.
    let access = if c.api.public {
        c.api.allowed_cidrs.clone()
    } else {
        r.private_api_sources(c)
    };
    spec.insert("kubernetesApiAccess".into(), json!(access));
    // kOps writes versions without the `v`.
    spec.insert(
        "kubernetesVersion".into(),
        json!(c.kubernetes_version.trim_start_matches('v')),
    );
    match &c.existing_vpc {
        Some(vpc) => {
            spec.insert("networkCIDR".into(), json!(vpc.cidr));
            spec.insert("networkID".into(), json!(vpc.id));
        }
        None => {
            spec.insert("networkCIDR".into(), json!(c.vpc_cidr));
        }
    }
    spec.insert("networking".into(), json!({"calico": {}}));
    // Pod addresses are not masqueraded inside the cluster; kOps wants the pod range inside
    // this range and the range apart from the VPC, both of which the checker guarantees.
    spec.insert("nonMasqueradeCIDR".into(), json!(c.pod_cidr));
    spec.insert("podCIDR".into(), json!(c.pod_cidr));
    spec.insert("serviceClusterIPRange".into(), json!(c.service_cidr));
    // No SSH key on any machine: access goes through SSM, as on capa.
    spec.insert("sshKeyName".into(), json!(""));
    spec.insert("subnets".into(), subnets(c));
    // Private topology: machines in private subnets, the API load balancer in the utility
    // ones; no DNS records (the API is reached at its load balancer's name).
    spec.insert("topology".into(), json!({"dns": {"type": "None"}}));
    // An error means a user audit policy was not read before generation: a platc bug.
    let (flags, assets) = api_server::api_server(r).map_err(|message| GenError { message })?;
    if !flags.is_empty() {
        spec.insert("kubeAPIServer".into(), Value::Object(flags));
    }
    if !assets.is_empty() {
        spec.insert("fileAssets".into(), Value::Array(assets));
    }
    Ok(json!({
        "apiVersion": facts::API_VERSION,
        "kind": "Cluster",
        "metadata": metadata(r, c, &name, None, false),
        "spec": spec,
    }))
}

/// `main` and `events`, each with one member per control-plane machine, on its volume
/// encrypted at rest.
/// With encryption at rest, the volumes use the blueprint's KMS key (`kmsKeyId`, "a AWS KMS
/// ID used to encrypt the volume", `pkg/apis/kops/v1alpha2/cluster.go` v1.36.0; the full key
/// ARN, `docs/operations/etcd_backup_restore_encryption.md` v1.36.0); otherwise the account's
/// default EBS key.
fn etcd(placement: &[ControlPlaneMember], key: Option<&str>) -> Value {
    let clusters: Vec<Value> = ETCD_CLUSTERS
        .iter()
        .map(|name| {
            let members: Vec<Value> = placement
                .iter()
                .map(|m| {
                    let mut member = json!({
                        "name": m.etcd_member,
                        "instanceGroup": m.group,
                        "encryptedVolume": true,
                    });
                    if let (Some(key), Value::Object(member)) = (key, &mut member) {
                        member.insert("kmsKeyId".into(), json!(key));
                    }
                    member
                })
                .collect();
            json!({"name": name, "etcdMembers": members})
        })
        .collect();
    Value::Array(clusters)
}

/// A private subnet per zone for the machines and a utility (public) subnet per zone for
/// the load balancer: an existing VPC's by ID (kOps reads their ranges from AWS), otherwise
/// laid out in the VPC kOps creates as CAPA's are (`resolve::network::managed_subnets`: a
/// private /19 and a public /21 per zone of a /16), inside `networkCIDR` and apart from the
/// pod and service ranges, as kOps requires (`validateSubnet`, "is not a subnet of the
/// networkCIDR", `pkg/apis/kops/validation/validation.go` v1.36.2).
fn subnets(c: &ResolvedCluster) -> Value {
    let layout = cidr(&c.vpc_cidr)
        .map(|vpc| managed_subnets(vpc, c.zones.len()))
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, zone) in c.zones.iter().enumerate() {
        let mut private = Map::new();
        private.insert("name".into(), json!(naming::kops_subnet_name(zone, false)));
        private.insert("type".into(), json!(facts::SUBNET_PRIVATE));
        private.insert("zone".into(), json!(zone));
        let mut utility = Map::new();
        utility.insert("name".into(), json!(naming::kops_subnet_name(zone, true)));
        utility.insert("type".into(), json!(facts::SUBNET_UTILITY));
        utility.insert("zone".into(), json!(zone));
        match &c.existing_vpc {
            Some(vpc) => {
                if let Some(id) = vpc.private_subnets.get(zone) {
                    private.insert("id".into(), json!(id));
                }
                if let Some(id) = vpc.public_subnets.get(zone) {
                    utility.insert("id".into(), json!(id));
                }
            }
            None => {
                if let Some((p, u)) = layout.get(i) {
                    private.insert("cidr".into(), json!(p.to_string()));
                    utility.insert("cidr".into(), json!(u.to_string()));
                }
            }
        }
        out.push(Value::Object(private));
        out.push(Value::Object(utility));
    }
    Value::Array(out)
}

/// containerd's mirrors: each mirrored registry and its mirror's endpoint (kOps' containerd
/// falls back to the registry itself when the mirror lacks an image). The mirror's
/// credentials cannot be given to kOps without putting them in its files; the checker warns.
/// A mirror with a `path` never reaches here: kOps writes no `override_path`, so the checker
/// refuses it with a kops cluster (`blueprint/check/mirror_path.rs`).
fn registry_mirrors(r: &Resolved) -> Option<Value> {
    let mirrors = &r.spec.registries.as_ref()?.mirrors;
    if mirrors.is_empty() {
        return None;
    }
    let map: Map<String, Value> = mirrors
        .iter()
        .map(|m| (m.upstream.clone(), json!([m.endpoint])))
        .collect();
    Some(Value::Object(map))
}
