//! `namespace`: every object of a namespaced kind gets `metadata.namespace` (replacing the
//! one it had); built-in cluster-scoped kinds keep none, but kinds kustomize does not know
//! (every CRD, cluster-scoped or not) are treated as namespaced. A `Namespace` object is
//! renamed to the namespace, RBAC subjects named `default` get it, and so do APIService and
//! CRD conversion webhook services (kustomize's `namespace.go` field specs). Two objects
//! ending with the same id is an error, as in kustomize. References to ServiceAccounts and
//! Services of the build follow them afterwards ([`fix_references`]).

use std::collections::BTreeMap;

use serde_json::Value;

use super::fieldspec::{FieldSpec, Leaf, visit};
use crate::overlay::Resource;
use crate::overlay::merge_keys::is_namespaceable;

const NAMESPACE_SPECS: &[(&str, &str, &str, &str, bool)] = &[
    ("", "", "Namespace", "metadata/name", true),
    (
        "apiregistration.k8s.io",
        "",
        "APIService",
        "spec/service/namespace",
        true,
    ),
    (
        "apiextensions.k8s.io",
        "",
        "CustomResourceDefinition",
        "spec/conversion/webhook/clientConfig/service/namespace",
        false,
    ),
];

/// Sets the namespace on every object. Returns the ids in conflict afterwards, if any.
pub fn apply(resources: &mut [Resource], ns: &str) -> Result<(), String> {
    let specs: Vec<FieldSpec> = NAMESPACE_SPECS.iter().map(FieldSpec::of).collect();
    for r in resources.iter_mut() {
        r.store_previous_id();
        let id = r.id();
        if is_namespaceable(&id.group, &id.version, &id.kind) {
            let meta_ns = FieldSpec::of(&("", "", "", "metadata/namespace", true));
            visit(&mut r.value, &meta_ns, Leaf::Scalar, &mut |n| {
                set_string(n, ns)
            })?;
        }
        if (id.kind == "RoleBinding" || id.kind == "ClusterRoleBinding")
            && let Some(Value::Array(subjects)) = r.value.get_mut("subjects")
        {
            for s in subjects.iter_mut() {
                if let Value::Object(m) = s
                    && m.get("name").and_then(Value::as_str) == Some("default")
                {
                    m.insert("namespace".into(), Value::String(ns.to_string()));
                }
            }
        }
        for spec in specs
            .iter()
            .filter(|s| s.applies_to(&id.group, &id.version, &id.kind))
        {
            visit(&mut r.value, spec, Leaf::Scalar, &mut |n| set_string(n, ns))?;
        }
    }
    // Two objects with one id (two Namespace objects, say) cannot be told apart any more.
    let mut seen: BTreeMap<(String, String, String, String, String), usize> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        let id = r.id();
        let key = (
            id.group.clone(),
            id.version.clone(),
            id.kind.clone(),
            id.name.clone(),
            id.effective_namespace().to_string(),
        );
        if let Some(first) = seen.insert(key, i) {
            let a = resources[first].org_id();
            let b = r.org_id();
            return Err(format!(
                "namespace transformation produces ID conflict: {} and {} both become {}",
                a, b, id
            ));
        }
    }
    Ok(())
}

fn set_string(n: &mut Value, s: &str) -> Result<(), String> {
    match n {
        Value::Object(_) | Value::Array(_) => Err("expected a scalar".into()),
        _ => {
            *n = Value::String(s.to_string());
            Ok(())
        }
    }
}

/// After every transformer: RBAC subjects naming a ServiceAccount of the build, and webhook
/// services naming a Service of the build, follow that object's namespace when it changed
/// (kustomize's name-reference fix-ups, for namespaces).
pub fn fix_references(resources: &mut [Resource]) {
    // (kind, original name, original effective namespace) → current namespace, for objects
    // whose namespace changed.
    let mut moved: BTreeMap<(&'static str, String, String), String> = BTreeMap::new();
    for r in resources.iter() {
        let kind: &'static str = match r.id().kind.as_str() {
            "ServiceAccount" => "ServiceAccount",
            "Service" => "Service",
            _ => continue,
        };
        let cur = r.id();
        let org = r.org_id();
        if org.effective_namespace() != cur.effective_namespace() {
            moved.insert(
                (
                    kind,
                    org.name.clone(),
                    org.effective_namespace().to_string(),
                ),
                cur.namespace.clone(),
            );
        }
    }
    if moved.is_empty() {
        return;
    }
    let effective = |ns: Option<&str>| match ns {
        None | Some("") => "default".to_string(),
        Some(s) => s.to_string(),
    };
    for r in resources.iter_mut() {
        let id = r.id();
        match (id.group.as_str(), id.kind.as_str()) {
            ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
                if let Some(Value::Array(subjects)) = r.value.get_mut("subjects") {
                    for s in subjects.iter_mut() {
                        let Value::Object(m) = s else { continue };
                        if m.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
                            continue;
                        }
                        let Some(name) = m.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        let ns = effective(m.get("namespace").and_then(Value::as_str));
                        if let Some(to) = moved.get(&("ServiceAccount", name.to_string(), ns)) {
                            m.insert("namespace".into(), Value::String(to.clone()));
                        }
                    }
                }
            }
            (
                "admissionregistration.k8s.io",
                "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
            ) => {
                if let Some(Value::Array(hooks)) = r.value.get_mut("webhooks") {
                    for h in hooks.iter_mut() {
                        let Some(Value::Object(svc)) = h.pointer_mut("/clientConfig/service")
                        else {
                            continue;
                        };
                        let Some(name) = svc.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        let ns = effective(svc.get("namespace").and_then(Value::as_str));
                        if let Some(to) = moved.get(&("Service", name.to_string(), ns)) {
                            svc.insert("namespace".into(), Value::String(to.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    #[test]
    fn namespaced_kinds_only_and_namespace_objects_renamed() {
        let mut rs = vec![
            Resource::new(
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "x"}}),
            ),
            Resource::new(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}),
            ),
            Resource::new(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "old"}}),
            ),
            Resource::new(
                json!({"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "i"}}),
            ),
        ];
        apply(&mut rs, "shop").unwrap();
        assert_eq!(rs[0].value["metadata"]["namespace"], "shop");
        assert!(rs[1].value["metadata"].get("namespace").is_none());
        assert_eq!(rs[2].value["metadata"], json!({"name": "shop"}));
        assert_eq!(rs[3].value["metadata"]["namespace"], "shop");
    }

    #[test]
    fn two_namespace_objects_conflict() {
        let mut rs = vec![
            Resource::new(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "one"}}),
            ),
            Resource::new(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "two"}}),
            ),
        ];
        assert!(apply(&mut rs, "shop").unwrap_err().contains("ID conflict"));
    }

    #[test]
    fn subjects_follow_their_service_account() {
        let mut rs = vec![
            Resource::new(
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "other"}}),
            ),
            Resource::new(
                json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb"},
                "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "other"},
                             {"kind": "ServiceAccount", "name": "sa", "namespace": "wrong"},
                             {"kind": "User", "name": "default"}]}),
            ),
        ];
        apply(&mut rs, "shop").unwrap();
        fix_references(&mut rs);
        assert_eq!(rs[1].value["subjects"][0]["namespace"], "shop");
        assert_eq!(rs[1].value["subjects"][1]["namespace"], "wrong");
        assert_eq!(rs[1].value["subjects"][2]["namespace"], "shop");
    }
}
