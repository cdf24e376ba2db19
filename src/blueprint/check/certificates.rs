//! ACME certificates: a real contact e-mail, the external account binding exactly where the
//! CA requires it, a custom directory URL only (and always) for `provider: custom`, and the
//! hosted zone the Route 53 DNS-01 solver needs.

use super::Cx;
use super::syntax::{email, https_url, is_reserved_domain, looks_like_placeholder};
use crate::blueprint::model::{AcmeProvider, AcmeSolver};
use crate::diag::{Code, Diagnostic};

fn provider_name(p: AcmeProvider) -> &'static str {
    match p {
        AcmeProvider::Letsencrypt => "letsencrypt",
        AcmeProvider::LetsencryptStaging => "letsencrypt-staging",
        AcmeProvider::Zerossl => "zerossl",
        AcmeProvider::SslcomRsa => "sslcom-rsa",
        AcmeProvider::SslcomEcc => "sslcom-ecc",
        AcmeProvider::Custom => "custom",
    }
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(acme) = cx
        .bp
        .spec
        .certificates
        .as_ref()
        .and_then(|c| c.acme.as_ref())
    else {
        return;
    };
    let path = cx.spec().field("certificates").field("acme");
    let provider = provider_name(acme.provider);

    let email_path = path.field("email");
    if looks_like_placeholder(&acme.email) {
        out.push(
            cx.error(
                Code::Acme,
                &email_path,
                format!("`{}` is a placeholder, not an e-mail address", acme.email),
            )
            .help("the CA sends expiry and account notices to this address: use a team mailbox"),
        );
    } else if let Err(problem) = email(&acme.email) {
        out.push(cx.error(
            Code::Acme,
            &email_path,
            format!("`{}` {problem}", acme.email),
        ));
    } else if let Some((_, domain)) = acme.email.rsplit_once('@')
        && is_reserved_domain(domain)
    {
        out.push(
            cx.error(
                Code::Acme,
                &email_path,
                format!(
                    "`{domain}` is reserved for examples; no mail reaches `{}`",
                    acme.email
                ),
            )
            .note("Let's Encrypt refuses such contacts (\"contact email has forbidden domain\")")
            .help("use a mailbox your team reads"),
        );
    }

    // External account binding (RFC 8555 §7.3.4): ZeroSSL and SSL.com refuse new accounts
    // without one (`urn:ietf:params:acme:error:externalAccountRequired`); Let's Encrypt does
    // not support it.
    let eab_path = path.field("externalAccountBinding");
    match (acme.provider, &acme.external_account_binding) {
        (AcmeProvider::Zerossl | AcmeProvider::SslcomRsa | AcmeProvider::SslcomEcc, None) => out.push(
            cx.key_error(
                Code::Acme,
                &eab_path,
                format!("provider {provider} needs `externalAccountBinding`: its server refuses accounts without one"),
            )
            .help("add `externalAccountBinding: {keyID: ..., keySecretRef: {name: ..., key: ...}}` with the EAB credentials from the CA's dashboard (the HMAC key goes into a Kubernetes Secret)"),
        ),
        (AcmeProvider::Letsencrypt | AcmeProvider::LetsencryptStaging, Some(_)) => out.push(
            cx.key_error(
                Code::Acme,
                &eab_path,
                format!("provider {provider} does not use `externalAccountBinding`"),
            )
            .help("remove `externalAccountBinding`; Let's Encrypt registers accounts without one"),
        ),
        (_, Some(eab)) => {
            if eab.key_id.trim().is_empty() {
                out.push(cx.error(Code::Acme, &eab_path.field("keyID"), "keyID is empty"));
            } else if let Some(c) = eab.key_id.chars().find(|c| c.is_whitespace() || c.is_control()) {
                out.push(cx.error(
                    Code::Acme,
                    &eab_path.field("keyID"),
                    format!("keyID has {}", super::syntax::show_char(c)),
                ));
            }
        }
        _ => {}
    }

    let server_path = path.field("server");
    match (acme.provider, &acme.server) {
        (AcmeProvider::Custom, None) => out.push(
            cx.key_error(
                Code::Acme,
                &server_path,
                "provider custom needs `server`: the https URL of the ACME directory",
            )
            .help("add `server: https://acme.example.com/directory`"),
        ),
        (AcmeProvider::Custom, Some(server)) => {
            if let Err(problem) = https_url(server, true) {
                out.push(
                    cx.error(Code::Acme, &server_path, format!("`{server}` {problem}"))
                        .help("ACME directories are served over https (RFC 8555 §6.1)"),
                );
            }
        }
        (_, Some(_)) => out.push(
            cx.key_error(
                Code::Acme,
                &server_path,
                format!(
                    "`server` is only for provider custom; the directory of {provider} is built in"
                ),
            )
            .help("remove `server`, or use `provider: custom`"),
        ),
        (_, None) => {}
    }

    if acme.solver == Some(AcmeSolver::Dns01Route53)
        && cx
            .bp
            .spec
            .aws
            .as_ref()
            .and_then(|a| a.hosted_zone_id.as_ref())
            .is_none()
    {
        out.push(
            cx.error(
                Code::Acme,
                &path.field("solver"),
                "solver dns01-route53 needs spec.aws.hostedZoneID: the challenge records go into that zone",
            )
            .help("add `hostedZoneID: Z...` under spec.aws, or use `solver: http01`"),
        );
    }
}
