//! Monitoring: the dedicated monitoring pool exists (a name no cluster has is surely a typo),
//! Prometheus storage is a Kubernetes quantity, retention a Prometheus duration, and resource
//! requests do not exceed limits.

use std::collections::BTreeSet;

use super::Cx;
use crate::blueprint::model::Quantity;
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};
use crate::suggest::did_you_mean;

/// Resource names a Prometheus container can request (core/v1 `ResourceName`s that apply).
const RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(monitoring) = &cx.bp.spec.monitoring else {
        return;
    };
    let path = cx.spec().field("monitoring");
    if let Some(pool) = &monitoring.node_pool {
        node_pool(cx, out, pool, &path.field("nodePool"));
    }
    let Some(prom) = &monitoring.prometheus else {
        return;
    };
    let prom_path = path.field("prometheus");
    if let Some(storage) = &prom.storage {
        match parse_quantity(storage) {
            Err(problem) => out.push(
                cx.error(
                    Code::Monitoring,
                    &prom_path.field("storage"),
                    format!("`{storage}` {problem}"),
                )
                .help(quantity_help(storage)),
            ),
            Ok(bytes) if bytes <= 0.0 => out.push(cx.error(
                Code::Monitoring,
                &prom_path.field("storage"),
                format!("`{storage}` is no storage at all"),
            )),
            Ok(_) => {}
        }
    }
    if let Some(retention) = &prom.retention
        && let Err(problem) = prometheus_duration(retention)
    {
        out.push(
            cx.error(Code::Monitoring, &prom_path.field("retention"), format!("`{retention}` {problem}"))
                .help("a Prometheus duration is a number with a unit ms, s, m, h, d, w or y, e.g. `15d` or `1w3d`"),
        );
    }
    if let Some(resources) = &prom.resources {
        let res_path = prom_path.field("resources");
        let mut parsed: Vec<(&str, &str, f64)> = Vec::new();
        for (kind, map) in [
            ("requests", &resources.requests),
            ("limits", &resources.limits),
        ] {
            for (name, quantity) in map {
                let q_path = res_path.field(kind).field(name);
                if !RESOURCES.contains(&name.as_str()) {
                    let mut d = cx.key_error(
                        Code::Monitoring,
                        &q_path,
                        format!("unknown resource `{name}`"),
                    );
                    if let Some(best) = did_you_mean(name, RESOURCES.iter().copied()) {
                        d = d.help(format!("did you mean `{best}`?"));
                    }
                    out.push(d);
                    continue;
                }
                let text = match quantity {
                    Quantity::Text(t) => t.clone(),
                    Quantity::Whole(n) => n.to_string(),
                };
                match parse_quantity(&text) {
                    Ok(v) => parsed.push((kind, name, v)),
                    Err(problem) => out.push(
                        cx.error(Code::Monitoring, &q_path, format!("`{text}` {problem}"))
                            .help(quantity_help(&text)),
                    ),
                }
            }
        }
        for (kind, name, request) in parsed.iter().filter(|(k, ..)| *k == "requests") {
            let _ = kind;
            if let Some((_, _, limit)) = parsed.iter().find(|(k, n, _)| *k == "limits" && n == name)
                && request > limit
            {
                out.push(
                    cx.error(
                        Code::Monitoring,
                        &res_path.field("requests").field(name),
                        format!(
                            "the {name} request is more than the {name} limit ({})",
                            res_path.field("limits").field(name)
                        ),
                    )
                    .help("Kubernetes refuses a container whose request exceeds its limit"),
                );
            }
        }
    }
}

fn node_pool(cx: &Cx<'_>, out: &mut Vec<Diagnostic>, pool: &str, path: &BlueprintPath) {
    let all: BTreeSet<&str> = cx
        .bp
        .spec
        .clusters
        .iter()
        .flat_map(|c| c.node_pools.iter().map(|p| p.name.as_str()))
        .collect();
    let having: Vec<&str> = cx
        .bp
        .spec
        .clusters
        .iter()
        .filter(|c| c.node_pools.iter().any(|p| p.name == pool))
        .map(|c| c.name.as_str())
        .collect();
    if having.is_empty() {
        let mut d = cx.error(
            Code::Monitoring,
            path,
            format!("no cluster has a node pool named `{pool}`, so no cluster would get a monitoring pool"),
        );
        d = match did_you_mean(pool, all.iter().copied()) {
            Some(best) => d.help(format!("did you mean `{best}`?")),
            None => d.help(format!(
                "name a pool that exists (pools: {}), or remove monitoring.nodePool",
                all.iter().copied().collect::<Vec<_>>().join(", ")
            )),
        };
        out.push(d);
        return;
    }
    let lacking: Vec<&str> = cx
        .bp
        .spec
        .clusters
        .iter()
        .filter(|c| !c.node_pools.iter().any(|p| p.name == pool))
        .map(|c| c.name.as_str())
        .collect();
    if !lacking.is_empty() {
        out.push(
            cx.warning(
                Code::Monitoring,
                path,
                format!(
                    "cluster(s) {} have no pool `{pool}`: their monitoring runs on ordinary nodes",
                    lacking.join(", ")
                ),
            )
            .help(format!(
                "add a pool named `{pool}` to them if they should have dedicated monitoring nodes"
            )),
        );
    }
    for (_, cluster, cluster_path) in cx.clusters() {
        for (j, p) in cluster.node_pools.iter().enumerate() {
            if p.name == pool && p.replicas == Some(0) {
                out.push(cx.warning(
                    Code::Monitoring,
                    &cluster_path.field("nodePools").index(j).field("replicas"),
                    format!("the monitoring pool `{pool}` has 0 replicas: Prometheus and Grafana would never be scheduled"),
                ));
            }
        }
    }
}

/// Parses a Kubernetes quantity (apimachinery `resource.ParseQuantity`): a decimal number
/// with an optional binary (`Ki`…`Ei`), decimal (`n u m k M G T P E`) or exponent (`e3`)
/// suffix. Returns the value as a float for comparisons.
pub fn parse_quantity(text: &str) -> Result<f64, String> {
    let number_end = text
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '+' || *c == '-'))))
        .map_or(text.len(), |(i, _)| i);
    let (number, suffix) = text.split_at(number_end);
    let digits = number.trim_start_matches(['+', '-']);
    if digits.is_empty() || digits == "." || digits.matches('.').count() > 1 {
        return Err("is not a Kubernetes quantity".into());
    }
    let value: f64 = number
        .parse()
        .map_err(|_| "is not a Kubernetes quantity".to_string())?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) && s[1..].parse::<i32>().is_ok() => {
            10f64.powi(s[1..].parse::<i32>().unwrap_or(0))
        }
        _ => {
            return Err(format!(
                "has the unit `{suffix}`, which Kubernetes does not know"
            ));
        }
    };
    if value < 0.0 {
        return Err("is negative".into());
    }
    Ok(value * factor)
}

fn quantity_help(text: &str) -> String {
    let upper = text.to_ascii_uppercase();
    for (wrong, binary, decimal) in [
        ("GB", "Gi", "G"),
        ("MB", "Mi", "M"),
        ("TB", "Ti", "T"),
        ("KB", "Ki", "k"),
    ] {
        if let Some(n) = upper.strip_suffix(wrong) {
            return format!("did you mean `{n}{binary}` (binary) or `{n}{decimal}` (decimal)?");
        }
    }
    "a quantity is a number with an optional unit, e.g. `100Gi`, `500m`, `4`".to_string()
}

/// A Prometheus duration (`model.ParseDuration`): one or more `<number><unit>` with units in
/// decreasing order, each at most once: y, w, d, h, m, s, ms. `0` alone is allowed.
pub fn prometheus_duration(text: &str) -> Result<(), String> {
    if text == "0" {
        return Ok(());
    }
    const UNITS: &[&str] = &["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut last: Option<usize> = None;
    if rest.is_empty() {
        return Err("is empty".into());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err("is not a Prometheus duration".into());
        }
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        let Some(position) = UNITS.iter().position(|u| *u == unit) else {
            return Err(if unit.is_empty() {
                "has a number without a unit".into()
            } else {
                format!("has the unit `{unit}`, which Prometheus does not know")
            });
        };
        if last.is_some_and(|l| position <= l) {
            return Err("repeats a unit or lists them out of order (largest first)".into());
        }
        last = Some(position);
        rest = &rest[unit_len..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_durations() {
        assert_eq!(parse_quantity("100Gi"), Ok(100.0 * 1024f64.powi(3)));
        assert_eq!(parse_quantity("1000m"), Ok(1.0));
        assert!(parse_quantity("100GB").is_err());
        assert!(parse_quantity("Gi").is_err());
        assert!(quantity_help("100GB").contains("`100Gi`"));
        assert!(prometheus_duration("15d").is_ok());
        assert!(prometheus_duration("1w3d12h").is_ok());
        assert!(prometheus_duration("15days").is_err());
        assert!(prometheus_duration("3d1w").is_err());
        assert!(prometheus_duration("15").is_err());
    }
}
