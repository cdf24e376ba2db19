//! SSO through dex (`identity.oidc`): an https issuer without query or fragment (OIDC
//! Discovery appends `/.well-known/openid-configuration` to it), a client ID, a connector ID
//! dex accepts, non-empty claims and scopes, and a warning for skipping e-mail verification.

use super::Cx;
use super::syntax::{dns_subdomain, https_url, looks_like_placeholder, show_char};
use crate::diag::{Code, Diagnostic};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(oidc) = cx.bp.spec.identity.as_ref().and_then(|i| i.oidc.as_ref()) else {
        return;
    };
    let path = cx.spec().field("identity").field("oidc");

    let issuer = &oidc.issuer_url;
    if looks_like_placeholder(issuer) {
        out.push(cx.error(
            Code::Identity,
            &path.field("issuerURL"),
            format!("`{issuer}` is a placeholder, not an issuer URL"),
        ));
    } else if let Err(problem) = https_url(issuer, false) {
        out.push(
            cx.error(Code::Identity, &path.field("issuerURL"), format!("`{issuer}` {problem}"))
                .help("the issuer is the provider's https URL exactly as its tokens name it (`iss`), e.g. `https://example.okta.com`"),
        );
    }

    if oidc.client_id.trim().is_empty() {
        out.push(cx.error(Code::Identity, &path.field("clientID"), "clientID is empty"));
    } else if looks_like_placeholder(&oidc.client_id) {
        out.push(cx.error(
            Code::Identity,
            &path.field("clientID"),
            format!("`{}` is a placeholder, not a client ID", oidc.client_id),
        ));
    }

    // dex uses the connector ID in its callback state and URLs: keep it to a DNS label.
    let id = &oidc.connector.id;
    if let Err(problem) = super::syntax::dns_label(id, 63) {
        out.push(cx.error(
            Code::Identity,
            &path.field("connector").field("id"),
            format!("connector id `{id}` {problem}"),
        ));
    }
    if oidc.connector.name.trim().is_empty() {
        out.push(cx.error(
            Code::Identity,
            &path.field("connector").field("name"),
            "connector name is empty",
        ));
    }

    for (field, value) in [
        ("usernameClaim", &oidc.username_claim),
        ("groupsClaim", &oidc.groups_claim),
    ] {
        if let Some(claim) = value {
            if claim.trim().is_empty() {
                out.push(cx.error(
                    Code::Identity,
                    &path.field(field),
                    format!("{field} is empty"),
                ));
            } else if let Some(c) = claim.chars().find(|c| c.is_whitespace() || c.is_control()) {
                out.push(cx.error(
                    Code::Identity,
                    &path.field(field),
                    format!("{field} has {}", show_char(c)),
                ));
            }
        }
    }
    for (i, scope) in oidc.scopes.iter().enumerate() {
        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
            out.push(
                cx.error(
                    Code::Identity,
                    &path.field("scopes").index(i),
                    format!("scope `{scope}` is empty or has spaces"),
                )
                .help("list one scope per entry: `scopes: [openid, profile, email, groups]`"),
            );
        }
    }
    if !oidc.scopes.is_empty() && !oidc.scopes.iter().any(|s| s == "openid") {
        out.push(
            cx.error(
                Code::Identity,
                &path.field("scopes"),
                "scopes lack `openid`; without it the provider issues no ID token",
            )
            .help("add `openid` to scopes"),
        );
    }

    if let Err(problem) = dns_subdomain(&oidc.client_secret_ref.name) {
        out.push(cx.error(
            Code::Identity,
            &path.field("clientSecretRef").field("name"),
            format!("Secret name `{}` {problem}", oidc.client_secret_ref.name),
        ));
    }

    if oidc.insecure_skip_email_verified {
        out.push(
            cx.warning(Code::Warning, &path.field("insecureSkipEmailVerified"), "insecureSkipEmailVerified is true: dex trusts e-mail addresses the provider has not verified")
                .note("anyone who can register an unverified address at the provider can then sign in as that address")
                .help("remove it unless the provider cannot mark addresses as verified"),
        );
    }
}
