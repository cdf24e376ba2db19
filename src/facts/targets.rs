//! Everything upstream that this build of platc targets, gathered from the facts tables for
//! `platc version`: the Kubernetes versions each provider supports and the release that says
//! so, Cluster API's releases, kOps, Kommander, Calico, every chart and EKS managed add-on at
//! its pinned version. Read from the tables themselves, so the command can never disagree
//! with what a render writes.

use serde_json::{Map, Value};

use super::{addons, kommander, kops, kubernetes};
use crate::blueprint::model::Provider;
use crate::json::json;

/// The targets as one JSON document (`platc version --format json`); keys are stable.
pub fn targets() -> Value {
    let providers: Map<String, Value> = [
        ("capa", Provider::Capa),
        ("eks", Provider::Eks),
        ("kops", Provider::Kops),
    ]
    .into_iter()
    .map(|(name, p)| {
        let s = kubernetes::support(p);
        let mut v = json!({
            "upstream": s.upstream,
            "supported": {"min": format!("v1.{}", s.supported.min), "max": format!("v1.{}", s.supported.max)},
            "renderedFrom": format!("v1.{}", s.accepted_min),
        });
        if let Some(m) = s.management {
            v["managementCluster"] =
                json!({"min": format!("v1.{}", m.min), "max": format!("v1.{}", m.max)});
        }
        (name.to_owned(), v)
    })
    .collect();
    let cluster_api: Vec<Value> = kubernetes::CLUSTER_API_RELEASES
        .iter()
        .map(|(release, m)| {
            json!({"release": release, "workloadClusters": {"min": format!("v1.{}", m.min), "max": format!("v1.{}", m.max)}})
        })
        .collect();
    let charts: Vec<Value> = addons::ADDONS
        .iter()
        .map(|a| {
            json!({
                "component": a.component,
                "chart": a.chart,
                "repository": a.repository,
                "version": a.version,
                "source": a.source,
            })
        })
        .collect();
    let eks_addons: Vec<Value> = addons::EKS_ADDONS
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "kubernetes": a.minor.map_or_else(|| "every".to_owned(), |m| format!("v1.{m}")),
                "version": a.version,
            })
        })
        .collect();
    json!({
        "platc": env!("CARGO_PKG_VERSION"),
        "kubernetes": providers,
        "clusterAPI": {
            "apiVersions": ["v1beta2", "v1beta1"],
            "releases": cluster_api,
        },
        "kops": {"version": kops::KOPS_VERSION, "apiVersion": kops::API_VERSION},
        "kommander": {
            "kommanderApplications": kommander::KOMMANDER_APPLICATIONS_TAG,
            "commit": kommander::KOMMANDER_APPLICATIONS_COMMIT,
            "externalDNSChart": {
                "chart": kommander::EXTERNAL_DNS_CHART,
                "version": kommander::EXTERNAL_DNS_CHART_VERSION,
            },
        },
        "calico": addons::CALICO_VERSION,
        "charts": charts,
        "eksAddons": eks_addons,
    })
}

/// The same for people: one line per target.
pub fn text() -> String {
    let t = targets();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut out = format!("platc {}\n", s(&t["platc"]));
    if let Some(providers) = t["kubernetes"].as_object() {
        for (name, p) in providers {
            let range = |r: &Value| format!("{} to {}", s(&r["min"]), s(&r["max"]));
            out.push_str(&format!(
                "kubernetes on {name}: {} ({}; rendered from {}{})\n",
                range(&p["supported"]),
                s(&p["upstream"]),
                s(&p["renderedFrom"]),
                p.get("managementCluster")
                    .map_or(String::new(), |m| format!(
                        "; a management cluster {}",
                        range(m)
                    )),
            ));
        }
    }
    out.push_str(&format!(
        "cluster-api: {} objects; releases {}\n",
        t["clusterAPI"]["apiVersions"]
            .as_array()
            .map(|a| a.iter().map(s).collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        t["clusterAPI"]["releases"]
            .as_array()
            .map(|a| a
                .iter()
                .map(|r| s(&r["release"]))
                .collect::<Vec<_>>()
                .join(", "))
            .unwrap_or_default(),
    ));
    out.push_str(&format!(
        "kops: {} ({})\n",
        s(&t["kops"]["version"]),
        s(&t["kops"]["apiVersion"])
    ));
    out.push_str(&format!(
        "kommander: kommander-applications {} (external-dns chart {} {})\n",
        s(&t["kommander"]["kommanderApplications"]),
        s(&t["kommander"]["externalDNSChart"]["chart"]),
        s(&t["kommander"]["externalDNSChart"]["version"]),
    ));
    out.push_str(&format!("calico: {}\n", s(&t["calico"])));
    for c in t["charts"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "chart {}: {} {}{}\n",
            s(&c["component"]),
            s(&c["chart"]),
            s(&c["version"]),
            match c["repository"].as_str() {
                Some(r) if !r.is_empty() => format!(" ({r})"),
                _ => String::new(),
            }
        ));
    }
    for a in t["eksAddons"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "eks add-on {} on kubernetes {}: {}\n",
            s(&a["name"]),
            s(&a["kubernetes"]),
            s(&a["version"])
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_listed_as_the_tables_say() {
        let t = targets();
        assert_eq!(t["kops"]["version"], kops::KOPS_VERSION);
        assert_eq!(
            t["kommander"]["kommanderApplications"],
            kommander::KOMMANDER_APPLICATIONS_TAG
        );
        assert_eq!(t["charts"].as_array().unwrap().len(), addons::ADDONS.len());
        assert_eq!(
            t["eksAddons"].as_array().unwrap().len(),
            addons::EKS_ADDONS.len()
        );
        let capa = kubernetes::support(Provider::Capa);
        assert_eq!(
            t["kubernetes"]["capa"]["supported"]["max"],
            format!("v1.{}", capa.supported.max)
        );
        assert!(t["kubernetes"]["capa"]["managementCluster"].is_object());
        assert!(t["kubernetes"]["eks"].get("managementCluster").is_none());
        let text = text();
        assert!(
            text.contains(&format!("kops: {}", kops::KOPS_VERSION)),
            "{text}"
        );
        for a in addons::ADDONS {
            assert!(text.contains(&format!("chart {}: ", a.component)), "{text}");
        }
    }
}
