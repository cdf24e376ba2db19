//! `labels` and `commonLabels`: label pairs written into `metadata.labels` and, depending on
//! the entry, into pod templates and selectors, at the places kustomize's built-in field
//! spec tables name (`commonlabels.go`, `metadatalabels.go`). On kinds those tables do not
//! name (CRDs) only `metadata.labels` changes. `labels` entries run first, in order, then
//! `commonLabels` (which is `labels` with `includeSelectors: true`).

use super::fieldspec::{FieldSpec, Leaf, set_entry, visit};
use crate::overlay::Resource;

/// `(group, version, kind, path, create)`: `metadata/labels` and the pod templates of the
/// built-in workloads (kustomize's `templateLabels`).
pub const TEMPLATE_LABELS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "", "", "metadata/labels", true),
    (
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/labels",
        true,
    ),
    ("", "", "Deployment", "spec/template/metadata/labels", true),
    ("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    ("", "", "DaemonSet", "spec/template/metadata/labels", true),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/metadata/labels",
        true,
    ),
    ("batch", "", "Job", "spec/template/metadata/labels", true),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
];

/// StatefulSet volume claim templates (kustomize's `volumeClaimTemplateLabels`).
pub const VOLUME_CLAIM_TEMPLATE_LABELS: &[(&str, &str, &str, &str, bool)] = &[(
    "apps",
    "",
    "StatefulSet",
    "spec/volumeClaimTemplates[]/metadata/labels",
    true,
)];

/// Selectors and affinity terms that `commonLabels` also writes (kustomize's
/// `commonLabels`, without the template part above).
pub const SELECTOR_LABELS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "Service", "spec/selector", true),
    ("", "v1", "ReplicationController", "spec/selector", true),
    ("", "", "Deployment", "spec/selector/matchLabels", true),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "Deployment",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    ("", "", "ReplicaSet", "spec/selector/matchLabels", true),
    ("", "", "DaemonSet", "spec/selector/matchLabels", true),
    ("apps", "", "StatefulSet", "spec/selector/matchLabels", true),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    (
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    ("batch", "", "Job", "spec/selector/matchLabels", false),
    (
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/selector/matchLabels",
        false,
    ),
    (
        "policy",
        "",
        "PodDisruptionBudget",
        "spec/selector/matchLabels",
        false,
    ),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/podSelector/matchLabels",
        false,
    ),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/ingress/from/podSelector/matchLabels",
        false,
    ),
    (
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/egress/to/podSelector/matchLabels",
        false,
    ),
];

/// The field specs `commonLabels` (and `labels` with `includeSelectors`) writes.
pub fn common_label_specs() -> Vec<FieldSpec> {
    SELECTOR_LABELS
        .iter()
        .chain(TEMPLATE_LABELS)
        .map(FieldSpec::of)
        .collect()
}

/// The field specs of a `labels` entry.
pub fn entry_specs(
    include_selectors: bool,
    include_templates: bool,
    extra: &[FieldSpec],
) -> Vec<FieldSpec> {
    let mut specs: Vec<FieldSpec> = extra.to_vec();
    if include_selectors {
        specs.extend(common_label_specs());
    } else {
        specs.push(FieldSpec::of(&("", "", "", "metadata/labels", true)));
        if include_templates {
            specs.extend(
                TEMPLATE_LABELS
                    .iter()
                    .chain(VOLUME_CLAIM_TEMPLATE_LABELS)
                    .map(FieldSpec::of),
            );
        }
    }
    specs
}

/// Writes `pairs` at every place `specs` reaches in `r`.
pub fn apply(
    r: &mut Resource,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<(), String> {
    apply_pairs(r, pairs, specs, Leaf::Map)
}

/// Shared with annotations: for each pair (sorted by key, as kustomize does), each spec.
pub(super) fn apply_pairs(
    r: &mut Resource,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
    leaf: Leaf,
) -> Result<(), String> {
    let (group, version, kind) = {
        let id = r.id();
        (id.group, id.version, id.kind)
    };
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for spec in specs
        .iter()
        .filter(|s| s.applies_to(&group, &version, &kind))
    {
        for (k, v) in &sorted {
            visit(&mut r.value, spec, leaf, &mut |n| set_entry(n, k, v))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn common_labels_reach_selectors_but_not_crd_selectors() {
        let mut svc = Resource::new(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}),
        );
        apply(
            &mut svc,
            &[("env".into(), "prod".into())],
            &common_label_specs(),
        )
        .unwrap();
        assert_eq!(svc.value["spec"]["selector"], json!({"env": "prod"}));
        let mut md = Resource::new(
            json!({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "MachineDeployment",
            "metadata": {"name": "m"}, "spec": {"selector": {"matchLabels": {}}}}),
        );
        apply(
            &mut md,
            &[("env".into(), "prod".into())],
            &common_label_specs(),
        )
        .unwrap();
        assert_eq!(md.value["spec"]["selector"]["matchLabels"], json!({}));
        assert_eq!(md.value["metadata"]["labels"], json!({"env": "prod"}));
    }
}
