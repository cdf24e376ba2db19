//! What a capa cluster's nodes need to become Ready, installed by Cluster API itself from the
//! management cluster (`infrastructure/bring-up.yaml`): one Cluster API add-on provider for
//! Helm (CAAPH) `HelmChartProxy` per component, each selecting exactly its cluster by the
//! `platc.io/cluster` label the Cluster carries:
//!
//! - Calico: its CRDs (`crd.projectcalico.org.v1`, a chart of their own since Calico v3.32)
//!   and the tigera operator with the `Installation` (the cluster's pod range, BGP on);
//! - the AWS cloud-controller-manager, which clears the kubelets' `uninitialized` taint
//!   (kubeadm runs every kubelet and the controller manager with `cloud-provider: external`);
//! - the EBS CSI driver with the default StorageClass: encrypted `gp3`.
//!
//! A kubeadm node stays NotReady until a CNI runs and keeps its `uninitialized` taint until a
//! cloud-controller-manager initialises it, so these are what a cluster created from a
//! temporary bootstrap cluster needs before `clusterctl move`; CAAPH installs them as soon as
//! the workload cluster's API answers (it retries a failed install, so the operator chart
//! installs once the CRD chart has). Everything goes to `kube-system`: the namespace exists
//! before any release, and platc's Pod Security admission configuration exempts it, which
//! the tigera operator (host network) and the CSI node plugin (privileged) need; the operator
//! labels the `calico-system` namespace it creates `privileged` itself (tigera/operator
//! `pkg/render/namespaces.go`). Why CAAPH and not ClusterResourceSets: ARCHITECTURE.md.

use serde_json::{Map, Value, json};

use super::metadata;
use crate::facts::addons::{
    self, Addon, EBS_CSI_DRIVER_IMAGE, EBS_CSI_DRIVER_TAG, EBS_CSI_SIDECARS,
};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};
use crate::yaml::write;

/// CAAPH's API (kubernetes-sigs/cluster-api-addon-provider-helm v0.6.4,
/// `config/crd/bases/addons.cluster.x-k8s.io_helmchartproxies.yaml`).
pub const HCP_API_VERSION: &str = "addons.cluster.x-k8s.io/v1alpha1";
pub const HCP_KIND: &str = "HelmChartProxy";

/// The namespace every bring-up release goes to.
pub const RELEASE_NAMESPACE: &str = "kube-system";

/// The components of `bring-up.yaml`, in file order (their rows in `facts::addons`).
pub const COMPONENTS: [&str; 4] = [
    "calico-crds",
    "tigera-operator",
    "aws-cloud-controller-manager",
    "aws-ebs-csi-driver",
];

/// The default StorageClass the EBS CSI chart creates.
pub const STORAGE_CLASS: &str = "gp3";
/// Kubernetes' annotation for the cluster's default StorageClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// The control-plane role label and taint kubeadm puts on control-plane nodes.
const CONTROL_PLANE_ROLE: &str = "node-role.kubernetes.io/control-plane";

/// The HelmChartProxies of one capa cluster.
pub fn objects(r: &Resolved, c: &ResolvedCluster) -> Vec<Value> {
    COMPONENTS
        .iter()
        .map(|component| {
            let row = addons::addon(component).unwrap_or_else(|| {
                unreachable!("facts::addons has a row for every bring-up component")
            });
            let values = match *component {
                "tigera-operator" => Some(calico_values(c)),
                "aws-cloud-controller-manager" => Some(ccm_values()),
                "aws-ebs-csi-driver" => Some(ebs_csi_values()),
                _ => None,
            };
            proxy(r, c, row, values)
        })
        .collect()
}

/// The name of a cluster's HelmChartProxy of `component`: HelmChartProxies live in the
/// cluster's namespace, which several clusters may share.
pub fn proxy_name(cluster: &str, component: &str) -> String {
    format!("{cluster}-{component}")
}

fn proxy(r: &Resolved, c: &ResolvedCluster, row: &Addon, values: Option<Value>) -> Value {
    let mut meta = metadata(r, c, &proxy_name(&c.name, row.component), None);
    if let Some(Value::Object(labels)) = meta.get_mut("labels") {
        labels.insert(naming::LABEL_COMPONENT.into(), json!(row.component));
    }
    let mut spec = Map::new();
    spec.insert(
        "clusterSelector".into(),
        json!({"matchLabels": {naming::LABEL_CLUSTER: c.name}}),
    );
    spec.insert("repoURL".into(), json!(row.repository));
    spec.insert("chartName".into(), json!(row.chart));
    spec.insert("version".into(), json!(row.version));
    spec.insert("releaseName".into(), json!(row.component));
    spec.insert("namespace".into(), json!(RELEASE_NAMESPACE));
    // Plain values: platc knows every value, so the template has no Go template actions and
    // is exactly the values Helm gets (and what `platc validate` checks).
    if let Some(v) = values {
        spec.insert("valuesTemplate".into(), json!(write::to_yaml(&v)));
    }
    json!({
        "apiVersion": HCP_API_VERSION,
        "kind": HCP_KIND,
        "metadata": meta,
        "spec": spec,
    })
}

/// The `installation` of the tigera-operator chart: the chart renders it as the `default`
/// `operator.tigera.io/v1` Installation (`templates/crs/custom-resources.yaml`, minus
/// `enabled`).
///
/// - One IP pool, the cluster's pod range (the Cluster's `clusterNetwork.pods`).
/// - BGP on, with IP-in-IP encapsulation: what CAPA's default security group rules allow
///   between nodes (BGP on TCP 179 and IP protocol 4; CAPA v2.11.1
///   `api/v1beta2/defaults.go`), and what the route-reflector objects of
///   `addons/calico-bgp.yaml` need (they configure Calico's BGP, which must be enabled).
/// - No `registry`: images keep their upstream names, and nodes pull them through the
///   declared mirrors (containerd's `hosts.toml`, `hardening::mirrors`); rewriting the
///   registry would bypass the mirror's upstream fallback.
pub fn installation(c: &ResolvedCluster) -> Value {
    json!({
        "cni": {"type": "Calico"},
        "calicoNetwork": {
            "bgp": "Enabled",
            "ipPools": [{
                "cidr": c.pod_cidr,
                "encapsulation": "IPIP",
                "natOutgoing": "Enabled",
                "nodeSelector": "all()",
            }],
        },
    })
}

/// The tigera-operator chart's values. calico-node and the CSI node driver tolerate every
/// taint (the operator's `rmeta.TolerateAll`, tigera/operator v1.42.3 `pkg/render/node.go`,
/// `pkg/render/csi.go`), so they run on the monitoring and route-reflector pools too. The
/// Calico API server, Goldmane and Whisker (on by default in the chart) are off: nothing in the
/// platform uses the `projectcalico.org/v3` API (the BGP objects are `crd.projectcalico.org/v1`)
/// or flow logs, and every component is another image to admit.
fn calico_values(c: &ResolvedCluster) -> Value {
    json!({
        "installation": installation(c),
        "apiServer": {"enabled": false},
        "goldmane": {"enabled": false},
        "whisker": {"enabled": false},
    })
}

/// The cloud-controller-manager's values: the chart's DaemonSet on control-plane nodes (its
/// default node selector and tolerations, the `uninitialized` taint included), with host
/// networking, since it must run before the CNI does; the arguments of CAPA's own template
/// (CAPA `templates/cluster-template.yaml`): no cloud routes, Calico routes pods.
fn ccm_values() -> Value {
    json!({
        "hostNetworking": true,
        "args": [
            "--v=2",
            "--cloud-provider=aws",
            "--use-service-account-credentials=true",
            "--configure-cloud-routes=false",
        ],
    })
}

/// The EBS CSI driver's values (checked against the chart's `values.schema.json`):
/// - images from registry.k8s.io (the chart defaults to public.ecr.aws), see `facts::addons`;
/// - the controller on control-plane nodes, whose instance profile (clusterawsadm's
///   control-plane role) may manage volumes, as in CAPA's own template;
/// - the node plugin tolerating every taint (the chart's default, written out);
/// - the default StorageClass: `gp3`, encrypted, expandable, bound when a pod is scheduled.
fn ebs_csi_values() -> Value {
    let mut sidecars = Map::new();
    for (name, repository, tag) in EBS_CSI_SIDECARS {
        sidecars.insert(
            name.into(),
            json!({"image": {"repository": repository, "tag": tag}}),
        );
    }
    json!({
        "image": {"repository": EBS_CSI_DRIVER_IMAGE, "tag": EBS_CSI_DRIVER_TAG},
        "sidecars": sidecars,
        "controller": {
            "nodeSelector": {CONTROL_PLANE_ROLE: ""},
            "tolerations": [
                {"key": "CriticalAddonsOnly", "operator": "Exists"},
                {"key": CONTROL_PLANE_ROLE, "operator": "Exists", "effect": "NoSchedule"},
                {"key": "node.cloudprovider.kubernetes.io/uninitialized", "operator": "Exists", "effect": "NoSchedule"},
            ],
        },
        "node": {"tolerateAllTaints": true},
        "storageClasses": [storage_class()],
    })
}

/// The chart's `storageClasses` entry of the default class (the chart's template adds
/// `provisioner: ebs.csi.aws.com`; `volumeBindingMode` defaults to `WaitForFirstConsumer`).
pub fn storage_class() -> Value {
    json!({
        "name": STORAGE_CLASS,
        "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
        "volumeBindingMode": "WaitForFirstConsumer",
        "reclaimPolicy": "Delete",
        "allowVolumeExpansion": true,
        "parameters": {"type": "gp3", "encrypted": "true"},
    })
}
