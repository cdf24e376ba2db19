//! Trusted images (`addons/policies.yaml`, with `security.policyEngine: kyverno`): a
//! `kyverno.io/v1` ClusterPolicy that refuses, in Enforce mode, every Pod whose containers,
//! init containers or ephemeral containers use an image outside
//! `registries.allowedImageSources`. Kyverno applies a Pod rule to the Pod controllers too
//! (its rule auto-generation), so a Deployment with a refused image is refused as well.
//! `kube-system` and Pod Security's exempt namespaces are excluded.
//!
//! Images are compared as written in the Pod, with Kyverno's pattern semantics: `a | b`
//! admits a value that matches either side, `*` matches any run of characters (`/`
//! included) and `?` exactly one. From the sources:
//! - a source ending in `/` (`registry.k8s.io/`) admits everything under it
//!   (`registry.k8s.io/*`): the `/` is part of the prefix, so `registry.k8s.io.evil.example/x`
//!   is refused;
//! - any other source names a repository (`ghcr.io/org/app`): it admits that repository
//!   as written, with a tag or digest, and repositories below it (`ghcr.io/org/app`,
//!   `ghcr.io/org/app:*`, `…@*`, `…/*`), never `ghcr.io/org/app-evil`.
//!
//! A Docker Hub short name (`nginx`, `bitnami/redis`) is resolved by the container runtime
//! to `docker.io/library/nginx`, but Kyverno sees the name as written, and no prefix can
//! match short names without also matching anything: such images are refused, and must be
//! written in full (`docker.io/library/nginx`) under a `docker.io/` source.

use serde_json::{Map, Value};

use crate::json::json;

use super::super::{GenError, Origin, Output, Source};
use crate::blueprint::model::PolicyEngine;
use crate::naming;
use crate::resolve::{Resolved, ResolvedCluster, SYSTEM_NAMESPACE};

const GENERATOR: &str = "kyverno";

pub const API_VERSION: &str = "kyverno.io/v1";
pub const POLICY_NAME: &str = "platc-allowed-image-sources";
pub const RULE_NAME: &str = "allowed-image-sources";
/// Kyverno's per-rule failure action (the policy-wide `validationFailureAction` is
/// deprecated in the bundled schema).
pub const FAILURE_ACTION: &str = "Enforce";

pub fn generate(r: &Resolved, out: &mut Output) -> Result<(), GenError> {
    if r.policy_engine != PolicyEngine::Kyverno {
        return Ok(());
    }
    for c in &r.clusters {
        // The blueprint's sources, plus the registries the cluster's nodes mirror through an
        // admitted mirror (`releases::images::cluster_sources`).
        let sources = crate::generate::releases::images::cluster_sources(r, c);
        out.origin(
            Origin::cluster(&c.name)
                .with("policyEngine", Source::path("spec.security.policyEngine")),
        )
        .objects(
            format!("{}/addons/policies.yaml", naming::cluster_dir(&c.name)),
            GENERATOR,
            vec![policy(r, c, &sources)],
        )?;
    }
    Ok(())
}

/// The namespaces the policy does not apply to: `kube-system` and Pod Security's exempt
/// namespaces, sorted, each once.
pub fn excluded_namespaces(r: &Resolved) -> Vec<String> {
    match &r.pod_security {
        Some(ps) => ps.exempt_namespaces.clone(),
        None => vec![SYSTEM_NAMESPACE.to_string()],
    }
}

/// The wildcard patterns one source admits.
pub fn source_patterns(source: &str) -> Vec<String> {
    if source.ends_with('/') {
        vec![format!("{source}*")]
    } else {
        vec![
            source.to_string(),
            format!("{source}:*"),
            format!("{source}@*"),
            format!("{source}/*"),
        ]
    }
}

/// The Kyverno value pattern of an `image` field: every source's patterns, joined by `|`.
pub fn image_pattern(sources: &[String]) -> String {
    sources
        .iter()
        .flat_map(|s| source_patterns(s))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The Pod pattern: every container, init container and ephemeral container (the last two
/// only when present: Kyverno's `=(...)` equality anchor).
pub fn pod_pattern(sources: &[String]) -> Value {
    let image = image_pattern(sources);
    json!({"spec": {
        "containers": [{"image": image}],
        "=(initContainers)": [{"image": image}],
        "=(ephemeralContainers)": [{"image": image}],
    }})
}

pub fn policy(r: &Resolved, c: &ResolvedCluster, sources: &[String]) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(POLICY_NAME));
    metadata.insert(
        "labels".into(),
        Value::Object(naming::labels(&r.platform, Some(&c.name), None)),
    );
    metadata.insert(
        "annotations".into(),
        json!({
            "policies.kyverno.io/title": "Allowed image sources",
            "policies.kyverno.io/subject": "Pod",
            "policies.kyverno.io/description": "Refuses Pods whose images do not come from the platform's allowed image sources (registries.allowedImageSources of the blueprint).",
        }),
    );
    json!({
        "apiVersion": API_VERSION,
        "kind": "ClusterPolicy",
        "metadata": metadata,
        "spec": {
            "background": true,
            "rules": [{
                "name": RULE_NAME,
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "exclude": {"any": [{"resources": {"namespaces": excluded_namespaces(r)}}]},
                "validate": {
                    "failureAction": FAILURE_ACTION,
                    "message": format!(
                        "every image must come from an allowed source: {}. Write Docker Hub images in full (docker.io/library/nginx).",
                        sources.join(", ")
                    ),
                    "pattern": pod_pattern(sources),
                },
            }],
        },
    })
}

/// A faithful evaluator of the subset of Kyverno's validation patterns platc writes, for
/// tests and for `platc`'s own checks: maps (plain keys must exist; `=(key)` applies only when
/// the key exists), arrays of one map (every element must match it), and string value
/// patterns (`|` and `&` alternatives, wildcards). Operators (`!`, `<`, `>`, ranges) are
/// not part of that subset and are reported, not guessed.
pub mod eval {
    use serde_json::Value;

    /// Kyverno's `ext/wildcard.Match`: `*` any run of characters, `?` exactly one.
    pub fn wildcard(pattern: &str, name: &str) -> bool {
        fn deep(s: &[char], p: &[char]) -> bool {
            match p.first() {
                None => s.is_empty(),
                Some('*') => {
                    p.len() == 1 || deep(s, &p[1..]) || (!s.is_empty() && deep(&s[1..], p))
                }
                Some('?') => !s.is_empty() && deep(&s[1..], &p[1..]),
                Some(c) => s.first() == Some(c) && deep(&s[1..], &p[1..]),
            }
        }
        if pattern.is_empty() {
            return name.is_empty();
        }
        if pattern == "*" {
            return true;
        }
        let s: Vec<char> = name.chars().collect();
        let p: Vec<char> = pattern.chars().collect();
        deep(&s, &p)
    }

    /// Kyverno's string value pattern: alternatives split on `|`, each a conjunction split
    /// on `&`, each part trimmed of spaces and matched as a wildcard.
    pub fn string_pattern(pattern: &str, value: &str) -> Result<bool, String> {
        if pattern == value {
            return Ok(true);
        }
        let mut any = false;
        for alternative in pattern.split('|') {
            let mut all = true;
            for part in alternative.trim_matches(' ').split('&') {
                let part = part.trim_matches(' ');
                if part.starts_with(['!', '<', '>']) || is_range(part) {
                    return Err(format!(
                        "operator pattern `{part}` is outside the evaluated subset"
                    ));
                }
                all &= wildcard(part, value);
            }
            any |= all;
        }
        Ok(any)
    }

    /// Kyverno's range operators (`1-10`, `1Gi!-2Gi`).
    fn is_range(part: &str) -> bool {
        let Some((a, b)) = part.split_once('-') else {
            return false;
        };
        let a = a.strip_suffix('!').unwrap_or(a);
        let numeric = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_digit());
        numeric(a) && numeric(b)
    }

    /// Whether `resource` satisfies `pattern`.
    pub fn matches(pattern: &Value, resource: &Value) -> Result<bool, String> {
        match (pattern, resource) {
            (Value::Object(p), Value::Object(r)) => {
                for (key, sub) in p {
                    if let Some(inner) = key.strip_prefix("=(").and_then(|k| k.strip_suffix(')')) {
                        if let Some(value) = r.get(inner)
                            && !matches(sub, value)?
                        {
                            return Ok(false);
                        }
                    } else if key.contains('(') {
                        return Err(format!("anchor `{key}` is outside the evaluated subset"));
                    } else {
                        match r.get(key) {
                            Some(value) if matches(sub, value)? => {}
                            _ => return Ok(false),
                        }
                    }
                }
                Ok(true)
            }
            (Value::Array(p), Value::Array(r)) => match p.as_slice() {
                [element @ Value::Object(_)] => {
                    for item in r {
                        if !matches(element, item)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                }
                _ => Err("only arrays of one map pattern are evaluated".into()),
            },
            (Value::String(p), Value::String(v)) => string_pattern(p, v),
            (Value::String(_), _) | (Value::Object(_), _) | (Value::Array(_), _) => Ok(false),
            _ => Err(format!(
                "pattern `{pattern}` is outside the evaluated subset"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::eval::{matches, string_pattern, wildcard};
    use super::*;

    fn sources() -> Vec<String> {
        [
            "registry-mirror.example.cloud/",
            "registry.k8s.io/",
            "quay.io/",
            "ghcr.io/org/app",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn admitted(image: &str) -> bool {
        string_pattern(&image_pattern(&sources()), image).unwrap()
    }

    #[test]
    fn wildcard_is_kyvernos() {
        assert!(wildcard("a/*", "a/b/c"));
        assert!(wildcard("a/*", "a/"));
        assert!(!wildcard("a/*", "a"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "ac"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("", "x"));
    }

    #[test]
    fn images_from_allowed_sources_are_admitted() {
        for image in [
            "registry.k8s.io/pause:3.10",
            "registry.k8s.io/sig-storage/csi-provisioner:v5.0.1",
            "quay.io/jetstack/cert-manager-controller:v1.16.1",
            "registry-mirror.example.cloud/library/nginx:1.27",
            "registry.k8s.io/coredns/coredns@sha256:0123456789abcdef",
            "ghcr.io/org/app",
            "ghcr.io/org/app:1.0",
            "ghcr.io/org/app@sha256:00ff",
            "ghcr.io/org/app/worker:2",
        ] {
            assert!(admitted(image), "{image} should be admitted");
        }
    }

    #[test]
    fn images_from_elsewhere_are_refused() {
        for image in [
            "registry.k8s.io.evil.example/x",
            "registry.k8s.io.evil.example/pause:3.10",
            "evil.example/registry.k8s.io/pause",
            "quay.io.evil.example/x",
            "ghcr.io/org/app-evil:1",
            "ghcr.io/org/application",
            "ghcr.io/other/app:1",
            "docker.io/library/nginx",
            "nginx",
            "nginx:1.27",
            "bitnami/redis",
            "registry.k8s.io",
            "",
        ] {
            assert!(!admitted(image), "{image} should be refused");
        }
    }

    #[test]
    fn the_pod_pattern_covers_every_kind_of_container() {
        let pattern = pod_pattern(&sources());
        let pod = |containers: Value, init: Option<Value>, ephemeral: Option<Value>| {
            let mut spec = serde_json::Map::new();
            spec.insert("containers".into(), containers);
            if let Some(i) = init {
                spec.insert("initContainers".into(), i);
            }
            if let Some(e) = ephemeral {
                spec.insert("ephemeralContainers".into(), e);
            }
            json!({"spec": spec})
        };
        let good = json!([{"name": "a", "image": "quay.io/a/b:1"}]);
        let bad = json!([{"name": "b", "image": "registry.k8s.io.evil.example/x"}]);
        assert!(matches(&pattern, &pod(good.clone(), None, None)).unwrap());
        assert!(
            matches(
                &pattern,
                &pod(good.clone(), Some(good.clone()), Some(good.clone()))
            )
            .unwrap()
        );
        assert!(!matches(&pattern, &pod(bad.clone(), None, None)).unwrap());
        assert!(!matches(&pattern, &pod(good.clone(), Some(bad.clone()), None)).unwrap());
        assert!(!matches(&pattern, &pod(good.clone(), None, Some(bad.clone()))).unwrap());
        let mixed = json!([{"image": "quay.io/a:1"}, {"image": "nginx"}]);
        assert!(!matches(&pattern, &pod(mixed, None, None)).unwrap());
    }

    #[test]
    fn operators_are_not_guessed() {
        assert!(string_pattern("!*:latest", "x:latest").is_err());
        assert!(string_pattern("1-10", "5").is_err());
        assert!(string_pattern(&image_pattern(&sources()), "x").is_ok());
    }
}
