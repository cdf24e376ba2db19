//! `commonAnnotations`: written into `metadata.annotations` of every object and into the
//! pod templates of the built-in workloads (kustomize's `commonannotations.go`), CronJob
//! job templates included; on other kinds (CRDs) only into metadata.

use super::fieldspec::{FieldSpec, Leaf};
use super::labels::apply_pairs;
use crate::overlay::Resource;

/// `(group, version, kind, path, create)`.
pub const COMMON_ANNOTATIONS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "", "", "metadata/annotations", true),
    (
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "",
        "",
        "Deployment",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "",
        "",
        "ReplicaSet",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "",
        "",
        "DaemonSet",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "batch",
        "",
        "Job",
        "spec/template/metadata/annotations",
        true,
    ),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/annotations",
        true,
    ),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ),
];

pub fn apply(r: &mut Resource, pairs: &[(String, String)]) -> Result<(), String> {
    let specs: Vec<FieldSpec> = COMMON_ANNOTATIONS.iter().map(FieldSpec::of).collect();
    apply_pairs(r, pairs, &specs, Leaf::Map)
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn cronjob_templates_get_annotations() {
        let mut cj = Resource::new(
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}}),
        );
        apply(&mut cj, &[("a".into(), "1".into())]).unwrap();
        assert_eq!(cj.value["metadata"]["annotations"], json!({"a": "1"}));
        assert_eq!(
            cj.value["spec"]["jobTemplate"]["metadata"]["annotations"],
            json!({"a": "1"})
        );
        assert_eq!(
            cj.value["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"],
            json!({"a": "1"})
        );
    }
}
