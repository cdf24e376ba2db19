//! The default StorageClass of an eks cluster (`addons/storage-class.yaml`): encrypted `gp3`
//! volumes of the EBS CSI driver, expandable, bound when a pod is scheduled. An object inside
//! the cluster, applied with its add-ons: the EKS add-on's own `defaultStorageClass` value
//! makes a class without `encrypted` (aws-ebs-csi-driver chart 2.64.0,
//! `templates/ebs-csi-default-sc.yaml`), and EKS documents no add-on setting for the chart's
//! `storageClasses`. A StorageClass needs no CRD and no running driver to be created; volumes
//! are provisioned once the add-on runs. capa clusters get the same class from the chart
//! ([`crate::generate::capa::bring_up::storage_class`]).

use serde_json::{Map, Value};

use crate::json::json;

use crate::generate::capa::bring_up::{DEFAULT_CLASS_ANNOTATION, STORAGE_CLASS};
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster};

/// The CSI driver name of the EBS CSI driver.
pub const PROVISIONER: &str = "ebs.csi.aws.com";

pub fn object(r: &Resolved, c: &ResolvedCluster) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(STORAGE_CLASS));
    metadata.insert(
        "annotations".into(),
        json!({DEFAULT_CLASS_ANNOTATION: "true"}),
    );
    metadata.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), None)),
    );
    json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": metadata,
        "provisioner": PROVISIONER,
        "parameters": {"type": "gp3", "encrypted": "true"},
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": true,
    })
}
