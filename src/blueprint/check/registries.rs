//! Registries: mirrors (an upstream registry host, an https endpoint without credentials,
//! each upstream once) and the image sources a policy engine admits (`host/` prefixes, so
//! `registry.k8s.io` cannot also admit `registry.k8s.io.evil.com/...`).

use std::collections::BTreeMap;

use super::Cx;
use super::syntax::{dns_subdomain, host, https_url, parse_url};
use crate::blueprint::model::PolicyEngine;
use crate::diag::{Code, Diagnostic};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let path = cx.spec().field("registries");
    let registries = cx.bp.spec.registries.as_ref();
    let mirrors = registries.map(|r| r.mirrors.as_slice()).unwrap_or_default();
    let mut upstreams: BTreeMap<String, usize> = BTreeMap::new();
    for (i, mirror) in mirrors.iter().enumerate() {
        let mirror_path = path.field("mirrors").index(i);
        let upstream_path = mirror_path.field("upstream");
        match registry_host(&mirror.upstream) {
            Err(problem) => out.push(cx.error(
                Code::Registry,
                &upstream_path,
                format!("upstream `{}` {problem}", mirror.upstream),
            )),
            Ok(()) => {
                let key = mirror.upstream.to_ascii_lowercase();
                if let Some(first) = upstreams.get(&key) {
                    out.push(
                        cx.error(
                            Code::Registry,
                            &upstream_path,
                            format!(
                                "upstream `{}` already has a mirror ({})",
                                mirror.upstream,
                                path.field("mirrors").index(*first)
                            ),
                        )
                        .help("containerd takes one mirror configuration per registry; merge the two entries"),
                    );
                } else {
                    upstreams.insert(key, i);
                }
            }
        }
        let endpoint_path = mirror_path.field("endpoint");
        if let Err(problem) = https_url(&mirror.endpoint, false) {
            let mut d = cx.error(
                Code::Registry,
                &endpoint_path,
                format!("endpoint {}", redact_userinfo(&mirror.endpoint, &problem)),
            );
            if problem.contains("credentials") {
                d = d.help("put the mirror's credentials in a dockerconfigjson Secret and name it in `credentialsRef`");
            }
            out.push(d);
        }
        super::mirror_path::check(cx, mirror, &mirror_path, out);
        if let Some(creds) = &mirror.credentials_ref
            && let Err(problem) = dns_subdomain(&creds.name)
        {
            out.push(cx.error(
                Code::Registry,
                &mirror_path.field("credentialsRef").field("name"),
                format!("Secret name `{}` {problem}", creds.name),
            ));
        }
    }

    // The kubelet reads one node-wide credentials file, which a credentialed mirror's Secret
    // becomes (see generate::hardening::mirrors): two different Secrets cannot both be it.
    let mut first_creds: Option<(usize, &crate::blueprint::model::SecretRef)> = None;
    for (i, mirror) in mirrors.iter().enumerate() {
        let Some(creds) = &mirror.credentials_ref else {
            continue;
        };
        match first_creds {
            None => first_creds = Some((i, creds)),
            Some((first, seen)) if seen != creds => out.push(
                cx.error(
                    Code::Registry,
                    &path.field("mirrors").index(i).field("credentialsRef"),
                    format!(
                        "mirrors name two credential Secrets (`{}`/`{}` here, `{}`/`{}` at {}); nodes take one registry credentials file",
                        creds.name,
                        creds.key,
                        seen.name,
                        seen.key,
                        path.field("mirrors").index(first)
                    ),
                )
                .help("put the credentials of every mirror into one dockerconfigjson Secret and name it in each credentialsRef"),
            ),
            Some(_) => {}
        }
    }

    let sources = registries
        .map(|r| r.allowed_image_sources.as_slice())
        .unwrap_or_default();
    for (i, source) in sources.iter().enumerate() {
        let source_path = path.field("allowedImageSources").index(i);
        if let Err((problem, help)) = image_source(source) {
            out.push(
                cx.error(
                    Code::Registry,
                    &source_path,
                    format!("`{source}` {problem}"),
                )
                .help(help),
            );
        }
    }

    let engine = cx
        .bp
        .spec
        .security
        .as_ref()
        .and_then(|s| s.policy_engine)
        .unwrap_or_default();
    match engine {
        PolicyEngine::Kyverno if sources.is_empty() => out.push(
            cx.key_error(
                Code::Registry,
                &cx.spec().field("security").field("policyEngine"),
                "policyEngine kyverno with no registries.allowedImageSources: the image policy would refuse every pod",
            )
            .help("list the registries images may come from, e.g. `allowedImageSources: [registry.k8s.io/, quay.io/]`"),
        ),
        PolicyEngine::None if !sources.is_empty() => out.push(
            cx.key_warning(
                Code::Registry,
                &path.field("allowedImageSources"),
                "allowedImageSources has no effect without `security.policyEngine: kyverno`",
            )
            .help("set `security.policyEngine: kyverno` to enforce it"),
        ),
        _ => {}
    }
}

/// A registry host as image references name it: `docker.io`, `registry.k8s.io`,
/// `localhost:5000`; no scheme, no path.
fn registry_host(text: &str) -> Result<(), String> {
    if let Some(url) = parse_url(text) {
        return Err(format!(
            "is a URL; write only the registry host: `{}`",
            url.host
        ));
    }
    if text.contains('/') {
        return Err("has a path; write only the registry host, e.g. `docker.io`".into());
    }
    let (name, port) = match text.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (text, None),
    };
    if let Some(port) = port
        && !matches!(port.parse::<u32>(), Ok(1..=65535))
    {
        return Err(format!("has the invalid port `{port}`"));
    }
    host(name)
}

/// Masks the password of a `user:password@` URL in a message (the secret scan refuses such a
/// blueprint before this rule runs, but the message must not depend on that).
fn redact_userinfo(url: &str, problem: &str) -> String {
    match parse_url(url).and_then(|u| u.userinfo) {
        Some(_) => problem.to_string(),
        None => format!("`{url}` {problem}"),
    }
}

/// An image source prefix: `host/` or `host/path...`. A prefix without `/` after the host
/// would also match other hosts that start with it.
fn image_source(text: &str) -> Result<(), (String, String)> {
    if text.is_empty() || text == "*" || text.starts_with('*') {
        return Err((
            "would admit images from anywhere".into(),
            "list each registry you trust, e.g. `registry.k8s.io/`".into(),
        ));
    }
    if parse_url(text).is_some() {
        return Err((
            "has a scheme; image references have none".into(),
            "write the prefix as images name it, e.g. `ghcr.io/org/`".into(),
        ));
    }
    let Some((registry, _)) = text.split_once('/') else {
        return Err((
            format!(
                "has no `/` after the registry host, so it would also admit `{text}.evil.com/...`"
            ),
            format!("write `{text}/`"),
        ));
    };
    let looks_like_host =
        registry.contains('.') || registry.contains(':') || registry == "localhost";
    if !looks_like_host {
        return Err((
            format!("does not start with a registry host (`{registry}` has no dot)"),
            format!(
                "image references name their registry; for Docker Hub write `docker.io/{text}`"
            ),
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':' | '@')))
    {
        return Err((
            format!("contains `{c}`, which no image reference has"),
            "write the prefix as images name it; wildcards and patterns are not supported".into(),
        ));
    }
    if registry.contains('*') {
        return Err((
            "has a wildcard in the registry host".into(),
            "name each registry host exactly".into(),
        ));
    }
    registry_host(registry).map_err(|problem| {
        (
            format!("has the registry `{registry}`, which {problem}"),
            "write `host/`".into(),
        )
    })
}
