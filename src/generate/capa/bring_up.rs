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

use serde_json::{Map, Value};

use crate::json::json;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_support::{REFERENCE, objects, reference_with, resolved};
    use crate::source::SourceFile;
    use crate::validate::{self, Outcome, check_value};
    use crate::yaml::read::{ReadOptions, read_stream};

    const FILE: &str = "clusters/management/infrastructure/bring-up.yaml";

    fn values(hcp: &Value) -> Value {
        let text = hcp["spec"]["valuesTemplate"].as_str().unwrap();
        let src = SourceFile::new("values", text);
        read_stream(&src, &ReadOptions::kustomize()).unwrap()[0].to_json()
    }

    /// `platc validate`'s diagnostics of one object, as written to a file (what
    /// `validate_tree` runs on each document).
    fn check(object: &Value) -> Vec<crate::diag::Diagnostic> {
        let src = SourceFile::new("bring-up.yaml", write::to_yaml(object));
        let docs = read_stream(&src, &ReadOptions::kustomize()).unwrap();
        docs.iter()
            .flat_map(|d| {
                let value = d.to_json();
                let mut out = validate::validate_object(&src, d, &value);
                out.extend(validate::validate_values(&src, d, &value));
                out
            })
            .collect()
    }

    fn by_component<'a>(objs: &'a [Value], component: &str) -> &'a Value {
        objs.iter()
            .find(|o| o["metadata"]["labels"][naming::LABEL_COMPONENT] == component)
            .unwrap_or_else(|| panic!("no {component}"))
    }

    #[test]
    fn one_proxy_per_component_selecting_exactly_its_cluster() {
        let r = resolved(REFERENCE);
        let objs = objects(&r, FILE);
        assert_eq!(objs.len(), COMPONENTS.len());
        for (hcp, component) in objs.iter().zip(COMPONENTS) {
            let row = addons::addon(component).unwrap();
            assert_eq!(hcp["apiVersion"], HCP_API_VERSION);
            assert_eq!(hcp["kind"], HCP_KIND);
            assert_eq!(hcp["metadata"]["name"], format!("management-{component}"));
            // The reference's management cluster is in workspace `production`.
            assert_eq!(hcp["metadata"]["namespace"], "production");
            assert_eq!(
                hcp["metadata"]["labels"][naming::LABEL_CLUSTER],
                "management"
            );
            assert_eq!(
                hcp["spec"]["clusterSelector"],
                json!({"matchLabels": {"platc.io/cluster": "management"}})
            );
            assert_eq!(hcp["spec"]["chartName"], row.chart);
            assert_eq!(hcp["spec"]["version"], row.version);
            assert_eq!(hcp["spec"]["repoURL"], row.repository);
            assert_eq!(hcp["spec"]["namespace"], "kube-system");
            match check_value(hcp) {
                Outcome::Checked(v) => assert!(v.is_empty(), "{component}: {v:?}"),
                other => panic!("{component}: {other:?}"),
            }
        }
        // The Cluster carries the label the proxies select.
        let cluster = &objects(&r, "clusters/management/infrastructure/cluster.yaml")[0];
        assert_eq!(
            cluster["metadata"]["labels"][naming::LABEL_CLUSTER],
            "management"
        );
    }

    #[test]
    fn calico_gets_the_pod_range_and_bgp_and_validates_as_an_installation() {
        let r = resolved(&reference_with(&[(
            "podCIDR: 192.168.0.0/16",
            "podCIDR: 172.20.0.0/16",
        )]));
        let objs = objects(&r, FILE);
        let v = values(by_component(&objs, "tigera-operator"));
        let installation = &v["installation"];
        assert_eq!(installation["calicoNetwork"]["bgp"], "Enabled");
        assert_eq!(
            installation["calicoNetwork"]["ipPools"][0]["cidr"],
            "172.20.0.0/16"
        );
        assert_eq!(
            installation["calicoNetwork"]["ipPools"][0]["encapsulation"],
            "IPIP"
        );
        assert!(
            installation.get("registry").is_none(),
            "images keep their upstream names"
        );
        let object = |spec: &Value| {
            json!({"apiVersion": "operator.tigera.io/v1", "kind": "Installation",
                   "metadata": {"name": "default"}, "spec": spec})
        };
        assert!(matches!(check_value(&object(installation)), Outcome::Checked(v) if v.is_empty()));
        // The check can fail: a BGP setting Calico does not know.
        let mut wrong = installation.clone();
        wrong["calicoNetwork"]["bgp"] = json!("On");
        assert!(matches!(check_value(&object(&wrong)), Outcome::Checked(v) if !v.is_empty()));
    }

    #[test]
    fn ebs_csi_values_pass_the_charts_schema_and_make_the_default_class() {
        let r = resolved(REFERENCE);
        let objs = objects(&r, FILE);
        let v = values(by_component(&objs, "aws-ebs-csi-driver"));
        assert_eq!(
            validate::values::check("aws-ebs-csi-driver", &v).unwrap(),
            Vec::new()
        );
        assert_eq!(v["storageClasses"], json!([storage_class()]));
        assert_eq!(
            v["storageClasses"][0]["parameters"],
            json!({"type": "gp3", "encrypted": "true"})
        );
        assert_eq!(v["node"]["tolerateAllTaints"], true);
        assert_eq!(
            v["image"]["repository"],
            "registry.k8s.io/provider-aws/aws-ebs-csi-driver"
        );
        // Every image is one the facts row lists.
        let row = addons::addon("aws-ebs-csi-driver").unwrap();
        for (_, sidecar) in v["sidecars"].as_object().unwrap() {
            let repo = sidecar["image"]["repository"].as_str().unwrap();
            assert!(row.images.contains(&repo), "{repo}");
        }
        // The chart's schema catches a wrong value.
        let mut wrong = v.clone();
        wrong["node"]["tolerateAllTaints"] = json!("yes");
        assert!(
            !validate::values::check("aws-ebs-csi-driver", &wrong)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_cloud_controller_manager_runs_on_the_host_network() {
        let r = resolved(REFERENCE);
        let objs = objects(&r, FILE);
        let v = values(by_component(&objs, "aws-cloud-controller-manager"));
        assert_eq!(v["hostNetworking"], true);
        assert!(
            v["args"]
                .as_array()
                .unwrap()
                .contains(&json!("--cloud-provider=aws"))
        );
    }

    #[test]
    fn validate_reports_wrong_proxy_values() {
        // A valuesTemplate that breaks the chart's schema is an error of `platc validate`.
        let r = resolved(REFERENCE);
        let mut hcp = by_component(&objects(&r, FILE), "aws-ebs-csi-driver").clone();
        hcp["spec"]["valuesTemplate"] = json!("node:\n  tolerateAllTaints: maybe\n");
        let diags = check(&hcp);
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("aws-ebs-csi-driver values")),
            "{diags:?}"
        );
        let mut hcp = by_component(&objects(&r, FILE), "tigera-operator").clone();
        hcp["spec"]["valuesTemplate"] = json!("installation:\n  calicoNetwork:\n    bgp: On\n");
        let diags = check(&hcp);
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("tigera-operator values")),
            "{diags:?}"
        );
    }
}
