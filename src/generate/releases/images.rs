//! The images of the platform's own components, against the platform's own image policy
//! (`registries.allowedImageSources`, enforced by Kyverno's ClusterPolicy).
//!
//! Decision (the lead's bring-up design): components keep their upstream image names, and a
//! node's containerd pulls them through the declared mirrors. A cluster's policy therefore
//! also admits a mirrored upstream registry (`docker.io/`) when the mirror's host is an
//! allowed source and the cluster's provider applies mirrors to its nodes (capa, kops; not
//! eks, whose managed nodes take no containerd configuration). Where a chart's default
//! registry is not admitted but the same image is published on one that is, the chart's
//! image values select it (Kyverno: ghcr.io; the pod identity webhook: Docker Hub, where
//! kOps pulls it from). On a cluster that does not apply mirrors, an image of a mirrored
//! registry whose chart lets the registry be set is pulled from the mirror's host by name
//! (`<mirror host>/grafana/grafana`: the path containerd itself would ask the mirror for),
//! with the mirror's credentials Secret as its pull secret. A component image that no
//! allowed source admits is reported (`check`; a warning of the pipeline), naming the component
//! and the field, and the chart's own image is kept.

use serde_json::{Map, Value};

use crate::json::json;

use super::plan;
use crate::blueprint::model::{Mirror, PolicyEngine, Provider};
use crate::generate::hardening::kyverno;
use crate::resolve::{Resolved, ResolvedCluster};

/// Whether the cluster's nodes pull through the declared mirrors.
pub fn applies_mirrors(provider: Provider) -> bool {
    provider != Provider::Eks
}

fn mirrors(r: &Resolved) -> &[Mirror] {
    r.spec
        .registries
        .as_ref()
        .map(|reg| reg.mirrors.as_slice())
        .unwrap_or_default()
}

fn allowed(r: &Resolved) -> &[String] {
    r.spec
        .registries
        .as_ref()
        .map(|reg| reg.allowed_image_sources.as_slice())
        .unwrap_or_default()
}

/// Whether an image policy is enforced at all (Kyverno with at least one source).
pub fn policy_enforced(r: &Resolved) -> bool {
    r.policy_engine == PolicyEngine::Kyverno && !allowed(r).is_empty()
}

/// A mirror's host and path, as an image reference prefix: `https://mirror.example/x/` →
/// `mirror.example/x`. With a `path` (the API root `/v2/<project>` of a proxy-cache project),
/// the project follows the host: a registry serves repository `<project>/<name>` at
/// `/v2/<project>/<name>/` (opencontainers/distribution-spec v1.1 `spec.md`, "Pulling
/// manifests": `/v2/<name>/manifests/<reference>`), so an image pulled from the mirror by
/// name is `mirror.example/<project>/<name>`, and that is the prefix the image policy must
/// admit for the mirror.
pub fn mirror_host(m: &Mirror) -> String {
    let rest = m
        .endpoint
        .split_once("://")
        .map_or(m.endpoint.as_str(), |(_, r)| r);
    let host = rest.trim_end_matches('/');
    match m.path.as_deref().and_then(|p| p.strip_prefix("/v2/")) {
        Some(project) => format!("{host}/{}", project.trim_end_matches('/')),
        None => host.to_string(),
    }
}

/// Whether `sources` admit `image` (Kyverno's own pattern semantics, see `hardening::kyverno`).
pub fn admits(sources: &[String], image: &str) -> bool {
    !sources.is_empty()
        && kyverno::eval::string_pattern(&kyverno::image_pattern(sources), image).unwrap_or(false)
}

/// The sources cluster `c`'s policy admits: the blueprint's, then `<upstream>/` for every
/// mirrored upstream whose mirror host is admitted, when the cluster's nodes use the mirrors.
pub fn cluster_sources(r: &Resolved, c: &ResolvedCluster) -> Vec<String> {
    let base = allowed(r).to_vec();
    let mut out = base.clone();
    if applies_mirrors(c.provider) {
        for m in mirrors(r) {
            let source = format!("{}/", m.upstream);
            if admits(&base, &format!("{}/x", mirror_host(m))) && !out.contains(&source) {
                out.push(source);
            }
        }
    }
    out
}

/// The images a component runs that platc does not choose (the chart's own: its facts row
/// less every alternative), and the groups of images where platc picks one alternative
/// through the values.
struct Images {
    fixed: Vec<&'static str>,
    /// Alternatives, in order of preference; the first whose images are all admitted wins.
    choices: &'static [&'static [&'static str]],
    /// Whether the chart lets the registry of the chosen images be set, so that a mirror's
    /// host can stand in for a mirrored registry.
    registry_settable: bool,
}

fn images_of(component: &str) -> Images {
    let (choices, registry_settable): (&'static [&'static [&'static str]], bool) = match component {
        plan::KUBE_PROMETHEUS_STACK => (&[&["docker.io/grafana/grafana"]], true),
        plan::KYVERNO => (
            &[
                &[
                    "reg.kyverno.io/kyverno/background-controller",
                    "reg.kyverno.io/kyverno/cleanup-controller",
                    "reg.kyverno.io/kyverno/kyverno",
                    "reg.kyverno.io/kyverno/kyverno-cli",
                    "reg.kyverno.io/kyverno/kyvernopre",
                    "reg.kyverno.io/kyverno/reports-controller",
                ],
                &[
                    "ghcr.io/kyverno/background-controller",
                    "ghcr.io/kyverno/cleanup-controller",
                    "ghcr.io/kyverno/kyverno",
                    "ghcr.io/kyverno/kyverno-cli",
                    "ghcr.io/kyverno/kyvernopre",
                    "ghcr.io/kyverno/reports-controller",
                ],
            ],
            false,
        ),
        plan::POD_IDENTITY_WEBHOOK => (
            &[
                &["public.ecr.aws/eks/amazon-eks-pod-identity-webhook"],
                &["docker.io/amazon/amazon-eks-pod-identity-webhook"],
            ],
            true,
        ),
        _ => (&[], false),
    };
    let row = crate::facts::addons::addon(component).map_or(&[][..], |a| a.images);
    let fixed = row
        .iter()
        .copied()
        .filter(|image| !choices.iter().any(|c| c.contains(image)))
        .collect();
    Images {
        fixed,
        choices,
        registry_settable,
    }
}

/// The images a component runs on a cluster and the values that select them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selected {
    pub images: Vec<String>,
    /// Chart values that select the images (merged into the release's inline values).
    pub values: Option<Value>,
}

/// An image of a component that the running cluster's policy does not admit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAdmitted {
    pub component: &'static str,
    pub image: String,
}

/// Picks the images of `component` for a release that runs on cluster `running`.
pub fn select(
    r: &Resolved,
    running: &ResolvedCluster,
    component: &'static str,
) -> Result<Selected, NotAdmitted> {
    let spec = images_of(component);
    // Kyverno's own namespace is outside its webhooks (kyverno v1.19.0 charts/kyverno/
    // values.yaml: `config.excludeKyvernoNamespace: true`), so its images are never refused;
    // an admitted alternative is still preferred.
    let exempt = component == plan::KYVERNO;
    let enforced = policy_enforced(r);
    let sources = cluster_sources(r, running);
    let ok = |image: &str| !enforced || admits(&sources, image);
    let mut images: Vec<String> = Vec::new();
    for image in &spec.fixed {
        if !ok(image) && !exempt {
            return Err(NotAdmitted {
                component,
                image: image.to_string(),
            });
        }
        images.push(image.to_string());
    }
    if spec.choices.is_empty() {
        return Ok(Selected {
            images,
            values: None,
        });
    }
    // The chart's default first, then the published alternatives, then (where the chart
    // takes a registry) each through a mirror's host.
    let mut candidates: Vec<(Vec<String>, Option<&Mirror>)> = spec
        .choices
        .iter()
        .map(|c| (c.iter().map(|s| s.to_string()).collect(), None))
        .collect();
    if spec.registry_settable && !applies_mirrors(running.provider) {
        for choice in spec.choices {
            for m in mirrors(r) {
                let prefix = format!("{}/", m.upstream);
                if choice.iter().all(|i| i.starts_with(&prefix)) {
                    let moved = choice
                        .iter()
                        .map(|i| format!("{}/{}", mirror_host(m), &i[prefix.len()..]))
                        .collect();
                    candidates.push((moved, Some(m)));
                }
            }
        }
    }
    let found = candidates
        .iter()
        .enumerate()
        .find(|(_, (imgs, _))| imgs.iter().all(|i| ok(i)))
        .or_else(|| candidates.first().filter(|_| exempt).map(|c| (0, c)));
    let Some((index, (chosen, mirror))) = found else {
        return Err(NotAdmitted {
            component,
            image: spec.choices[0][0].to_string(),
        });
    };
    let values = (index > 0).then(|| values_for(component, &chosen[0], *mirror));
    images.extend(chosen.iter().cloned());
    images.sort();
    Ok(Selected { images, values })
}

/// [`select`], falling back to the chart's own images when none is admitted (reported as a
/// warning by the pipeline, `pipeline::refused_images`).
pub fn choose(r: &Resolved, running: &ResolvedCluster, component: &'static str) -> Selected {
    select(r, running, component).unwrap_or_else(|_| {
        let spec = images_of(component);
        let mut images: Vec<String> = spec.fixed.iter().map(|s| s.to_string()).collect();
        if let Some(first) = spec.choices.first() {
            images.extend(first.iter().map(|s| s.to_string()));
        }
        images.sort();
        Selected {
            images,
            values: None,
        }
    })
}

/// `registry/repository` of an image reference without a tag.
fn split(image: &str) -> (&str, &str) {
    image.split_once('/').unwrap_or(("", image))
}

/// The chart values that make `component` pull `image` (the chosen alternative).
fn values_for(component: &str, image: &str, mirror: Option<&Mirror>) -> Value {
    // Through a mirror the registry is the mirror's prefix, its proxy-cache project included.
    let prefix = mirror.map(mirror_host);
    let (registry, repository) = match prefix.as_deref().and_then(|p| {
        image
            .strip_prefix(p)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|rest| (p, rest))
    }) {
        Some(split) => split,
        None => split(image),
    };
    match component {
        // grafana-community/helm-charts charts/grafana/values.yaml: `image.registry`,
        // `image.pullSecrets` (under kube-prometheus-stack's `grafana`).
        plan::KUBE_PROMETHEUS_STACK => {
            let mut image = Map::new();
            image.insert("registry".into(), json!(registry));
            if let Some(secret) = mirror.and_then(|m| m.credentials_ref.as_ref()) {
                image.insert("pullSecrets".into(), json!([secret.name]));
            }
            json!({"grafana": {"image": image}})
        }
        // kyverno v1.19.0 charts/kyverno/values.yaml: `global.image.registry` overrides every
        // component's registry.
        plan::KYVERNO => json!({"global": {"image": {"registry": registry}}}),
        // jkroepke/helm-charts amazon-eks-pod-identity-webhook-2.6.5 values.yaml:
        // `image.registry`, `image.repository`, `imagePullSecrets`.
        _ => {
            let mut v = Map::new();
            v.insert(
                "image".into(),
                json!({"registry": registry, "repository": repository}),
            );
            if let Some(secret) = mirror.and_then(|m| m.credentials_ref.as_ref()) {
                v.insert("imagePullSecrets".into(), json!([secret.name]));
            }
            Value::Object(v)
        }
    }
}

/// The cluster a component's Pods run on: the cluster autoscaler of a workload cluster runs
/// on the management cluster (beside the Cluster API objects it scales); everything else
/// runs in the cluster it serves.
pub fn running_cluster<'a>(
    r: &'a Resolved,
    c: &'a ResolvedCluster,
    component: &str,
) -> &'a ResolvedCluster {
    match r.management_cluster() {
        Some(m) if component == plan::CLUSTER_AUTOSCALER && plan::remote(r, c) => m,
        _ => c,
    }
}

/// Every component image that no allowed source admits, per cluster (by index) and component.
pub fn check(r: &Resolved) -> Vec<(usize, NotAdmitted)> {
    let mut out = Vec::new();
    if !policy_enforced(r) {
        return out;
    }
    for (i, c) in r.clusters.iter().enumerate() {
        for component in plan::components(r, c) {
            if let Err(e) = select(r, running_cluster(r, c, component), component) {
                out.push((i, e));
            }
        }
    }
    out
}
