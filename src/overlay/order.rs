//! The order kustomize prints objects in. With no `sortOptions` (or `order: legacy`) kinds
//! are ranked by two lists, `orderFirst` (Namespace, ResourceQuota, ..., PodDisruptionBudget)
//! and `orderLast` (the webhook configurations), other kinds in between; equal ranks are
//! ordered by the string `group_version_kind` (the core group written `~G`, so it sorts
//! after lower-case groups), then by `namespace|name` (no namespace written `~X`), as plain
//! byte strings. `order: fifo` keeps the input order.

use std::collections::BTreeMap;

use super::Resource;
use super::kustomization::SortOrder;

/// Sorts the objects as kustomize would print them.
pub fn sort(resources: &mut [Resource], order: &SortOrder) {
    let SortOrder::Legacy {
        order_first,
        order_last,
    } = order
    else {
        return;
    };
    let mut rank: BTreeMap<&str, i64> = BTreeMap::new();
    let first_len = i64::try_from(order_first.len()).unwrap_or(i64::MAX);
    for (i, k) in order_first.iter().enumerate() {
        rank.insert(k, -first_len + i64::try_from(i).unwrap_or(0));
    }
    for (i, k) in order_last.iter().enumerate() {
        rank.insert(k, 1 + i64::try_from(i).unwrap_or(0));
    }
    resources.sort_by_cached_key(|r| {
        let id = r.id();
        let or = |s: &str, empty: &str| {
            if s.is_empty() {
                empty.to_string()
            } else {
                s.to_string()
            }
        };
        let gvk = format!(
            "{}_{}_{}",
            or(&id.group, "~G"),
            or(&id.version, "~V"),
            or(&id.kind, "~K")
        );
        let nsname = format!("{}|{}", or(&id.namespace, "~X"), or(&id.name, "~N"));
        (
            rank.get(id.kind.as_str()).copied().unwrap_or(0),
            gvk,
            nsname,
        )
    });
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;
    use crate::overlay::kustomization::Kustomization;

    fn r(api: &str, kind: &str, name: &str, ns: Option<&str>) -> Resource {
        let mut v = json!({"apiVersion": api, "kind": kind, "metadata": {"name": name}});
        if let Some(ns) = ns {
            v["metadata"]["namespace"] = json!(ns);
        }
        Resource::new(v)
    }

    fn names(rs: &[Resource]) -> Vec<String> {
        rs.iter()
            .map(|r| format!("{}/{}", r.id().kind, r.id().name))
            .collect()
    }

    #[test]
    fn legacy_order() {
        let mut rs = vec![
            r(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "v",
                None,
            ),
            r("apps/v1", "Deployment", "b", None),
            r("apps/v1", "Deployment", "a", Some("z")),
            r("example.com/v1", "Widget", "w", None),
            r("batch/v1", "Job", "j", None),
            r("v1", "Pod", "p", None),
            r("v1", "Namespace", "n", None),
        ];
        sort(&mut rs, &Kustomization::default().sort);
        assert_eq!(
            names(&rs),
            [
                "Namespace/n",
                "Deployment/a",
                "Deployment/b",
                "Job/j",
                "Widget/w",
                "Pod/p",
                "ValidatingWebhookConfiguration/v"
            ]
        );
    }

    #[test]
    fn fifo_keeps_input_order() {
        let mut rs = vec![
            r("v1", "Service", "s", None),
            r("v1", "Namespace", "n", None),
        ];
        sort(&mut rs, &SortOrder::Fifo);
        assert_eq!(names(&rs), ["Service/s", "Namespace/n"]);
    }
}
