//! Helm values that platc writes, against their charts' own `values.schema.json` (bundled in
//! `schema/upstream/helm/`, verbatim from the charts' release tags) or, for a chart that
//! publishes none, platc's own (`schema/helm-platc/`): the values files of a cluster's
//! `addons/` by file name, the values blocks of the Installation's apps by the chart each app
//! installs, and the `valuesTemplate` of a HelmChartProxy by its chart.
//! Charts without any schema (kube-prometheus-stack) are not listed.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// (chart, values.schema.json text).
pub const CHARTS: &[(&str, &str)] = &[
    (
        "aws-ebs-csi-driver",
        include_str!("../../schema/upstream/helm/aws-ebs-csi-driver/values.schema.json"),
    ),
    (
        "cert-manager",
        include_str!("../../schema/upstream/helm/cert-manager/values.schema.json"),
    ),
    (
        "external-dns",
        include_str!("../../schema/upstream/helm/external-dns/values.schema.json"),
    ),
    (
        BITNAMI_EXTERNAL_DNS,
        include_str!("../../schema/helm-platc/bitnami-external-dns/values.schema.json"),
    ),
];

/// Bitnami's external-dns chart, which Kommander's external-dns app installs
/// (`facts::kommander::EXTERNAL_DNS_CHART`); its schema is platc's.
pub const BITNAMI_EXTERNAL_DNS: &str = "bitnami/external-dns";

/// The chart a Kommander app of the Installation installs, where platc has its schema: the
/// app's own chart, except external-dns, which is Bitnami's chart in Kommander and not the
/// kubernetes-sigs chart of the same name.
pub fn chart_of_installation_app(app: &str) -> Option<&'static str> {
    match app {
        "external-dns" => Some(BITNAMI_EXTERNAL_DNS),
        _ => chart_of_app(app),
    }
}

/// The chart of a values file, by its file name (`addons/<chart>-values.yaml`).
pub fn chart_of_file(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next()?;
    let chart = name.strip_suffix("-values.yaml")?;
    CHARTS.iter().map(|(c, _)| *c).find(|c| *c == chart)
}

/// The chart of a Kommander app, where the app installs a chart platc has a schema for.
pub fn chart_of_app(app: &str) -> Option<&'static str> {
    CHARTS.iter().map(|(c, _)| *c).find(|c| *c == app)
}

fn validators() -> &'static BTreeMap<&'static str, Result<jsonschema::Validator, String>> {
    static CACHE: OnceLock<BTreeMap<&'static str, Result<jsonschema::Validator, String>>> =
        OnceLock::new();
    CACHE.get_or_init(|| {
        CHARTS
            .iter()
            .map(|(chart, text)| {
                let v = serde_json::from_str::<Value>(text)
                    .map_err(|e| e.to_string())
                    .and_then(|s| jsonschema::validator_for(&s).map_err(|e| e.to_string()));
                (*chart, v)
            })
            .collect()
    })
}

/// The violations of `values` against `chart`'s schema: (JSON pointer, message). An `Err` when
/// the bundled schema does not compile (a platc bug).
pub fn check(chart: &str, values: &Value) -> Result<Vec<(String, String)>, String> {
    match validators().get(chart) {
        Some(Ok(v)) => Ok(v
            .iter_errors(values)
            .map(|e| (e.instance_path().to_string(), e.to_string()))
            .collect()),
        Some(Err(e)) => Err(format!(
            "the values schema of chart {chart} does not compile: {e}"
        )),
        None => Err(format!("no values schema for chart {chart}")),
    }
}
