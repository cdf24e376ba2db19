//! Token-shaped secrets that announce themselves with a literal prefix: GitHub, GitLab,
//! Google, Stripe, Slack, npm, PyPI and age keys, Slack webhooks and JSON Web Tokens.
//!
//! The reference is gitleaks' default rule set, `config/gitleaks.toml` at tag v8.30.1
//! (commit 83d9cd684c87d95d656c1458ef04895a7f1cbd8e; the file is unchanged on master at
//! b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b). Each row of [`RULES`] names the gitleaks rule
//! it follows. The rows keep the rule's prefix, alphabet, minimum length, word boundary
//! and entropy floor. A rule's upper bound, its closing delimiter and its allowlist of
//! published sample keys are dropped on purpose. A blueprint has no reason to hold any
//! such token, and a longer token or a published one is no less a leak in a Git tree.
//!
//! One Aho-Corasick pass over the text finds every prefix. Most strings platc scans (every
//! key and value of every rendered file) are shorter than any token and are skipped
//! before that pass.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::{Hit, Kind, entropy, is_word};

/// One prefixed token rule.
struct Rule {
    /// The gitleaks rule it follows.
    #[allow(dead_code)]
    gitleaks: &'static str,
    /// What a finding is called in messages.
    name: &'static str,
    prefix: &'static str,
    /// The characters of the body after the prefix.
    body: fn(u8) -> bool,
    /// The fewest body characters (gitleaks' `{n}` or `{n,m}` lower bound).
    min: usize,
    /// gitleaks' entropy floor over the whole token (0 when the rule has none).
    entropy: f64,
    /// The prefix must start a word (gitleaks' `\b`).
    word_start: bool,
    /// The body must hold a digit (every Slack token's shape has one).
    digit: bool,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `\w` (ASCII, as Go's RE2 reads it).
fn word(b: u8) -> bool {
    is_word(b)
}

/// `[\w-]`.
fn word_dash(b: u8) -> bool {
    is_word(b) || b == b'-'
}

/// `[a-zA-Z0-9-]` (Slack token bodies).
fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Bech32's alphabet, upper-case (age secret keys).
fn bech32_upper(b: u8) -> bool {
    b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".contains(&b)
}

const fn rule(
    gitleaks: &'static str,
    name: &'static str,
    prefix: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    entropy: f64,
) -> Rule {
    Rule {
        gitleaks,
        name,
        prefix,
        body,
        min,
        entropy,
        word_start: false,
        digit: false,
    }
}

const fn at_word(mut r: Rule) -> Rule {
    r.word_start = true;
    r
}

const fn with_digit(mut r: Rule) -> Rule {
    r.digit = true;
    r
}

const GITHUB: &str = "GitHub token";
const GITLAB: &str = "GitLab token";
const STRIPE: &str = "Stripe API key";
const SLACK: &str = "Slack token";

/// The rules, each with its gitleaks regex in the comment.
static RULES: &[Rule] = &[
    // github-pat `ghp_[0-9a-zA-Z]{36}`, entropy 3; github-oauth `gho_`; github-app-token
    // `(?:ghu|ghs)_`; github-refresh-token `ghr_`: the same shape.
    rule("github-pat", GITHUB, "ghp_", alnum, 36, 3.0),
    rule("github-oauth", GITHUB, "gho_", alnum, 36, 3.0),
    rule("github-app-token", GITHUB, "ghu_", alnum, 36, 3.0),
    rule("github-app-token", GITHUB, "ghs_", alnum, 36, 3.0),
    rule("github-refresh-token", GITHUB, "ghr_", alnum, 36, 3.0),
    // github-fine-grained-pat `github_pat_\w{82}`, entropy 3.
    rule(
        "github-fine-grained-pat",
        GITHUB,
        "github_pat_",
        word,
        82,
        3.0,
    ),
    // gitlab-pat `glpat-[\w-]{20}`, entropy 3 (gitlab-pat-routable is longer, same start).
    rule("gitlab-pat", GITLAB, "glpat-", word_dash, 20, 3.0),
    // gitlab-deploy-token `gldt-[0-9a-zA-Z_\-]{20}`, gitlab-runner-authentication-token
    // `glrt-`, gitlab-feed-token `glft-`, gitlab-scim-token `glsoat-`,
    // gitlab-feature-flag-client-token `glffct-`: the same body; entropy 3.
    rule("gitlab-deploy-token", GITLAB, "gldt-", word_dash, 20, 3.0),
    rule(
        "gitlab-runner-authentication-token",
        GITLAB,
        "glrt-",
        word_dash,
        20,
        3.0,
    ),
    rule("gitlab-feed-token", GITLAB, "glft-", word_dash, 20, 3.0),
    rule("gitlab-scim-token", GITLAB, "glsoat-", word_dash, 20, 3.0),
    rule(
        "gitlab-feature-flag-client-token",
        GITLAB,
        "glffct-",
        word_dash,
        20,
        3.0,
    ),
    // gitlab-incoming-mail-token `glimt-[0-9a-zA-Z_\-]{25}`; gitlab-kubernetes-agent-token
    // `glagent-…{50}`; gitlab-oauth-app-secret `gloas-…{64}`; gitlab-ptt `glptt-[0-9a-f]{40}`;
    // gitlab-rrt `GR1348941[\w-]{20}`: entropy 3.
    rule(
        "gitlab-incoming-mail-token",
        GITLAB,
        "glimt-",
        word_dash,
        25,
        3.0,
    ),
    rule(
        "gitlab-kubernetes-agent-token",
        GITLAB,
        "glagent-",
        word_dash,
        50,
        3.0,
    ),
    rule(
        "gitlab-oauth-app-secret",
        GITLAB,
        "gloas-",
        word_dash,
        64,
        3.0,
    ),
    rule("gitlab-ptt", GITLAB, "glptt-", hex, 40, 3.0),
    rule("gitlab-rrt", GITLAB, "GR1348941", word_dash, 20, 3.0),
    // gcp-api-key `\b(AIza[\w-]{35})`, entropy 4.
    at_word(rule(
        "gcp-api-key",
        "Google API key",
        "AIza",
        word_dash,
        35,
        4.0,
    )),
    // stripe-access-token `\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})`, entropy 2.
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "sk_live_",
        alnum,
        10,
        2.0,
    )),
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "sk_test_",
        alnum,
        10,
        2.0,
    )),
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "sk_prod_",
        alnum,
        10,
        2.0,
    )),
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "rk_live_",
        alnum,
        10,
        2.0,
    )),
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "rk_test_",
        alnum,
        10,
        2.0,
    )),
    at_word(rule(
        "stripe-access-token",
        STRIPE,
        "rk_prod_",
        alnum,
        10,
        2.0,
    )),
    // slack-bot-token `xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*` (entropy 3) and
    // slack-legacy-bot-token `xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}` (entropy 2);
    // slack-user-token `xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}`;
    // slack-legacy-workspace-token `xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}`;
    // slack-legacy-token `xox[os]-\d+-\d+-\d+-[a-fA-F\d]+`;
    // slack-config-refresh-token `xoxe-\d-[A-Z0-9]{146}` (slack-config-access-token
    // `xoxe.xox[bp]-…` holds `xoxb-`/`xoxp-`); slack-app-token
    // `(?i)xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+`: all a prefix, then digits, letters and dashes
    // (at least 8, one of them a digit), entropy 2.
    with_digit(rule("slack-bot-token", SLACK, "xoxb-", alnum_dash, 8, 2.0)),
    with_digit(rule("slack-user-token", SLACK, "xoxp-", alnum_dash, 8, 2.0)),
    with_digit(rule("slack-user-token", SLACK, "xoxe-", alnum_dash, 8, 2.0)),
    with_digit(rule(
        "slack-legacy-workspace-token",
        SLACK,
        "xoxa-",
        alnum_dash,
        8,
        2.0,
    )),
    with_digit(rule(
        "slack-legacy-workspace-token",
        SLACK,
        "xoxr-",
        alnum_dash,
        8,
        2.0,
    )),
    with_digit(rule(
        "slack-legacy-token",
        SLACK,
        "xoxo-",
        alnum_dash,
        8,
        2.0,
    )),
    with_digit(rule(
        "slack-legacy-token",
        SLACK,
        "xoxs-",
        alnum_dash,
        8,
        2.0,
    )),
    with_digit(rule("slack-app-token", SLACK, "xapp-", alnum_dash, 8, 2.0)),
    // npm-access-token `(?i)\b(npm_[a-z0-9]{36})`, entropy 2.
    at_word(rule(
        "npm-access-token",
        "npm access token",
        "npm_",
        lower_alnum,
        36,
        2.0,
    )),
    // pypi-upload-token `pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}`.
    rule(
        "pypi-upload-token",
        "PyPI upload token",
        "pypi-AgEIcHlwaS5vcmc",
        word_dash,
        50,
        0.0,
    ),
    // age-secret-key `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`.
    rule(
        "age-secret-key",
        "age secret key",
        "AGE-SECRET-KEY-1",
        bech32_upper,
        58,
        0.0,
    ),
];

/// slack-webhook-url: `(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`.
const SLACK_HOOKS: &str = "hooks.slack.com/";
const SLACK_HOOK_KINDS: &[&str] = &["services/", "workflows/", "triggers/"];

/// jwt: `\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)`,
/// entropy 3. The literal looked for is the `.ey` that starts the payload: a bare `ey` is
/// in every `key`.
const JWT_PAYLOAD: &str = ".ey";

/// The shortest text any pattern here can match (a Slack legacy workspace token).
pub(super) const SHORTEST: usize = 13;

static PATTERNS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let literals = RULES
        .iter()
        .map(|r| r.prefix)
        .chain([SLACK_HOOKS, JWT_PAYLOAD]);
    AhoCorasick::new(literals).expect("literal patterns build")
});

/// Every prefixed token, Slack webhook and JWT in `text`.
pub fn prefixed_tokens(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    if text.len() < SHORTEST {
        return hits;
    }
    let bytes = text.as_bytes();
    // Leftmost, non-overlapping: the search runs on the automaton's prefilter. No prefix
    // holds another, so a match never hides one that starts inside it (`xoxe.` then `xoxb-`
    // is found after it).
    for m in PATTERNS.find_iter(text) {
        let id = m.pattern().as_usize();
        let hit = if let Some(rule) = RULES.get(id) {
            prefixed(rule, text, m.start())
        } else if id == RULES.len() {
            slack_webhook(text, m.start())
        } else {
            jwt(bytes, m.start())
        };
        // Matches come in order of their start: one that starts inside the last hit is
        // part of it. (The caller sorts: a webhook's hit starts at its scheme.)
        if let Some(hit) = hit
            && hits.last().is_none_or(|h: &Hit| hit.start >= h.end)
        {
            hits.push(hit);
        }
    }
    hits
}

fn prefixed(rule: &Rule, text: &str, start: usize) -> Option<Hit> {
    let bytes = text.as_bytes();
    if rule.word_start && start > 0 && is_word(bytes[start - 1]) {
        return None;
    }
    let body_start = start + rule.prefix.len();
    let body_len = bytes[body_start..]
        .iter()
        .take_while(|b| (rule.body)(**b))
        .count();
    if body_len < rule.min {
        return None;
    }
    let end = body_start + body_len;
    // Safe: the prefix and the body are ASCII.
    let token = &text[start..end];
    if rule.digit && !bytes[body_start..end].iter().any(u8::is_ascii_digit) {
        return None;
    }
    if entropy(token) < rule.entropy {
        return None;
    }
    Some(Hit {
        kind: Kind::Token(rule.name),
        start,
        end,
        shown: format!("{}****", rule.prefix),
    })
}

fn slack_webhook(text: &str, start: usize) -> Option<Hit> {
    let rest = &text[start + SLACK_HOOKS.len()..];
    let kind = SLACK_HOOK_KINDS.iter().find(|k| rest.starts_with(*k))?;
    let body_start = start + SLACK_HOOKS.len() + kind.len();
    let body_len = text.as_bytes()[body_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'+' || **b == b'/')
        .count();
    if body_len < 43 {
        return None;
    }
    // The scheme goes with it when it is there (it is part of the match in gitleaks).
    let scheme_start = ["https://", "http://"]
        .iter()
        .find(|s| text[..start].ends_with(*s))
        .map_or(start, |s| start - s.len());
    Some(Hit {
        kind: Kind::Token("Slack webhook URL"),
        start: scheme_start,
        end: body_start + body_len,
        shown: format!("{SLACK_HOOKS}{kind}****"),
    })
}

/// A JWT around the `.ey` at `dot`: the header is the run of letters and digits before it.
fn jwt(bytes: &[u8], dot: usize) -> Option<Hit> {
    let header_len = bytes[..dot]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let start = dot - header_len;
    if header_len < 19 || !bytes[start..].starts_with(b"ey") {
        return None;
    }
    if start > 0 && is_word(bytes[start - 1]) {
        return None;
    }
    let segment = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'\\' | b'_' | b'-');
    let payload_len = bytes[dot + 1..].iter().take_while(|b| segment(b)).count();
    if payload_len < 19 {
        return None;
    }
    let mut end = dot + 1 + payload_len;
    if bytes.get(end) != Some(&b'.') {
        return None;
    }
    end += 1;
    let signature = bytes[end..].iter().take_while(|b| segment(b)).count();
    if signature >= 10 {
        end += signature;
        end += bytes[end..]
            .iter()
            .take(2)
            .take_while(|b| **b == b'=')
            .count();
    }
    // Safe: the JWT's bytes are ASCII.
    let token = std::str::from_utf8(&bytes[start..end]).ok()?;
    if entropy(token) < 3.0 {
        return None;
    }
    Some(Hit {
        kind: Kind::Token("JSON Web Token"),
        start,
        end,
        shown: "eyJ****".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&'static str> {
        prefixed_tokens(text)
            .into_iter()
            .map(|h| match h.kind {
                Kind::Token(name) => name,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn each_rule_fires_on_its_shape() {
        let cases = [
            ("ghp_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe", GITHUB),
            ("gho_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe", GITHUB),
            ("ghu_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe", GITHUB),
            ("ghs_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe", GITHUB),
            ("ghr_R8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe", GITHUB),
            (
                "github_pat_11ABCDEFG0R8x2Kq7Lm4Np9_Vt3Wz6Yb1Cd5Fg0Hj8Ks2QeR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Ks2Qe1a2b3",
                GITHUB,
            ),
            ("glpat-Xq7Lm4Np9Vt3Wz6Yb1Cd", GITLAB),
            ("AIzaSyR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Kw", "Google API key"),
            ("sk_live_51Hx8Kq7Lm4Np9Vt3Wz", STRIPE),
            ("rk_live_51Hx8Kq7Lm4Np9Vt3Wz", STRIPE),
            (
                "xoxb-1234567890-1234567890123-Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
                SLACK,
            ),
            (
                "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0",
                "Slack webhook URL",
            ),
            (
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "JSON Web Token",
            ),
        ];
        for (token, name) in cases {
            assert_eq!(names(&format!("value: {token}\n")), [name], "{token}");
            let hits = prefixed_tokens(token);
            assert_eq!((hits[0].start, hits[0].end), (0, token.len()), "{token}");
            assert!(
                !hits[0].shown.contains(&token[token.len() - 8..]),
                "{token}"
            );
        }
    }

    #[test]
    fn near_misses_do_not_fire() {
        for text in [
            "ghp_short",
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "xAIzaSyR8x2Kq7Lm4Np9Vt3Wz6Yb1Cd5Fg0Hj8Kw",
            "desk_live_51Hx8Kq7Lm4Np9Vt3Wz",
            "xoxb-abcdefghijkl",
            "hooks.slack.com/services/short",
            "the key.eyes and the monkey.eyebrows",
            "apiVersion: kustomize.config.k8s.io/v1beta1",
        ] {
            assert!(names(text).is_empty(), "{text}");
        }
    }
}
