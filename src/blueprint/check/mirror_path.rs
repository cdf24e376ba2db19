//! A registry mirror's `path`: the registry API root under the mirror's host where one
//! upstream is served (a Harbor proxy-cache project, `/v2/dockerhub-proxy`), so one host can
//! mirror several upstreams.
//!
//! containerd appends `/v2` to a host URL's path unless it already ends in `/v2` or the host
//! sets `override_path = true` (containerd/containerd v2.3
//! `core/remotes/docker/config/hosts.go`, `parseHostConfig`; `docs/hosts.md`, "override_path
//! field"). A proxy-cache project's API root is `/v2/<project>`, so platc writes it with
//! `override_path` (`generate::hardening::mirrors`), and the path must name the API root
//! itself: it starts with `/v2/`. Each segment after it is a repository path component of the
//! OCI distribution spec (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, opencontainers/distribution-spec
//! v1.1 `spec.md`, "Pulling manifests").
//!
//! kOps cannot express it: kOps v1.36.2's nodeup writes each `containerd.registryMirrors`
//! endpoint as a bare `[host."<endpoint>"]` with capabilities only (kubernetes/kops v1.36.2
//! `nodeup/pkg/model/containerd.go`, `buildRegistryHosts`), so containerd would ask
//! `<endpoint>/v2/<project>/v2/...`. A path mirror in a blueprint with a kops cluster is
//! refused rather than sent to a URL that cannot serve it.

use regex::Regex;
use std::sync::OnceLock;

use super::Cx;
use super::syntax::parse_url;
use crate::blueprint::model::{Mirror, Provider};
use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic};

/// The distribution spec's path component.
fn component() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$").expect("a valid regular expression")
    })
}

/// Why `path` is not a registry API root under a host, if it is not.
pub fn path_problem(path: &str) -> Option<String> {
    let Some(rest) = path.strip_prefix("/v2/") else {
        return Some(
            "must be the registry API root under the endpoint and start with `/v2/` (a Harbor proxy-cache project `p` is served at `/v2/p`)"
                .into(),
        );
    };
    if rest.is_empty() {
        return Some("names no project after `/v2/`; without one, leave `path` out".into());
    }
    if rest.ends_with('/') {
        return Some("ends with `/`; remove it".into());
    }
    rest.split('/')
        .find(|segment| !component().is_match(segment))
        .map(|segment| {
            format!(
                "has the segment `{segment}`, which is not a repository path component (lowercase letters and digits, separated by `.`, `_`, `__` or `-`)"
            )
        })
}

/// The checks of mirror `i`'s `path`; `mirror_path` is its blueprint path.
pub fn check(cx: &Cx<'_>, mirror: &Mirror, mirror_path: &BlueprintPath, out: &mut Vec<Diagnostic>) {
    let Some(path) = &mirror.path else {
        return;
    };
    let field = mirror_path.field("path");
    if let Some(problem) = path_problem(path) {
        out.push(
            cx.error(Code::Registry, &field, format!("path `{path}` {problem}"))
                .help("write the project's API root, e.g. `path: /v2/dockerhub-proxy`"),
        );
    }
    // The path goes under the endpoint's host: an endpoint with a path of its own would make
    // two places for it.
    if let Some(url) = parse_url(&mirror.endpoint)
        && !url.path.is_empty()
        && url.path != "/"
    {
        out.push(
            cx.error(
                Code::Registry,
                &mirror_path.field("endpoint"),
                format!(
                    "endpoint `{}` has the path `{}` and the mirror also sets `path`",
                    mirror.endpoint, url.path
                ),
            )
            .help("give the endpoint as the host only (`https://harbor.example.cloud`) and the whole API root in `path`"),
        );
    }
    if let Some((i, c)) = cx
        .bp
        .spec
        .clusters
        .iter()
        .enumerate()
        .find(|(_, c)| c.provider == Provider::Kops)
    {
        out.push(
            cx.error(
                Code::Registry,
                &field,
                format!(
                    "cluster `{}` (clusters[{i}]) is a kops cluster, and kOps' `containerd.registryMirrors` cannot serve a mirror under a path: kOps writes the endpoint without containerd's `override_path`, so containerd would append `/v2` after `{path}`",
                    c.name
                ),
            )
            .help("serve this upstream from a host of its own for the kops clusters (no `path`), or move them to capa"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::path_problem;

    #[test]
    fn a_path_is_an_api_root_with_a_project() {
        assert_eq!(path_problem("/v2/dockerhub-proxy"), None);
        assert_eq!(path_problem("/v2/proxies/quay.io_cache"), None);
        assert!(path_problem("/dockerhub-proxy").unwrap().contains("`/v2/`"));
        assert!(path_problem("/v2/").unwrap().contains("no project"));
        assert!(path_problem("/v2/p/").unwrap().contains("ends with"));
        assert!(path_problem("/v2/Docker").unwrap().contains("`Docker`"));
        assert!(path_problem("/v2/a//b").unwrap().contains("``"));
        assert!(path_problem("/v2/../x").unwrap().contains("`..`"));
    }
}
