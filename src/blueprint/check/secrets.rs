//! The secrets gate: a blueprint never holds a credential (`blueprint.md`, "Secrets are never
//! values"). [`scan`] walks every key and string of the raw YAML tree (block scalars
//! included) and the raw text (comments), and refuses:
//! - AWS access key IDs (gitleaks rule `aws-access-token`:
//!   `\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`, widened to the tree judge's
//!   `[A-Z0-9]{16}` and without gitleaks' entropy floor and `...EXAMPLE` allowlist: the
//!   judge, `tools/validate_tree.py`, refuses AWS's documented `AKIAIOSFODNN7EXAMPLE`, so
//!   platc does too, before anything is written);
//! - 40-character AWS secret-key shapes next to a word like `aws`, `secret` or `password`,
//!   and under any name when the token is as random as a generated key (entropy >= 4.5);
//! - private keys: PEM (`-----BEGIN ... PRIVATE KEY-----`, gitleaks `private-key`, also
//!   without its body, as the judge does), OpenSSH, SSH2, PGP, PuTTY and OpenVPN static keys
//!   (pre-commit `detect-private-key`'s list);
//! - tokens with a known prefix (GitHub, GitLab, Google, Stripe, Slack, npm, PyPI, age), Slack
//!   webhooks and JSON Web Tokens, after gitleaks' rules ([`tokens`]);
//! - any of these base64-encoded ([`encoded`]);
//! - passwords in URLs (`scheme://user:password@host`, at least what the judge's
//!   `[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@` matches);
//! - literal values under keys named like a secret (`secret`, `password`, `passwd`, `token`,
//!   `hmac`, `apikey`, `privatekey`), unless the key is a reference (`...Ref`, or inside a
//!   `...Ref` mapping) or names a Secret (`...Name`).
//!
//! Messages never contain the value: they show a redacted form (`AKIA****************`,
//! `<40 characters>`), and [`redact`] masks the secret's characters in the quoted source
//! line of every diagnostic about the same file (other passes' too), keeping columns intact.
//! [`scan_text`] runs the context-free detectors on any text (rendered files, overlays).

use crate::blueprint::path::BlueprintPath;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use crate::yaml::node::{Key, Node, NodeKind, Scalar, ScalarStyle};

mod encoded;
mod tokens;

/// What kind of secret a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    AwsAccessKeyId,
    AwsSecretKey,
    PrivateKey,
    UrlPassword,
    SecretLiteral,
    /// A token of a known service (GitHub, Slack, a JWT, ...), named.
    Token(&'static str),
    /// A base64 blob that decodes to a secret (the `shown` form describes that secret).
    Encoded,
}

/// One secret found in a piece of text: where (byte offsets into that text) and how it may be
/// shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// A form safe to print (`AKIA****************`, `<40 characters>`, a PEM header).
    pub shown: String,
}

/// A finding of [`scan_text`]: a line, a column and what was found, never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFinding {
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
    pub shown: String,
}

impl TextFinding {
    /// What was found, redacted (`an AWS access key ID (`AKIA****...`)`).
    pub fn what(&self) -> String {
        describe(self.kind, &self.shown)
    }

    /// `name:line:column: what was found`.
    pub fn describe(&self, name: &str) -> String {
        format!(
            "{name}:{}:{}: {}",
            self.line,
            self.column,
            describe(self.kind, &self.shown)
        )
    }
}

fn describe(kind: Kind, shown: &str) -> String {
    match kind {
        Kind::AwsAccessKeyId => format!("an AWS access key ID (`{shown}`)"),
        Kind::AwsSecretKey => format!("a value shaped like an AWS secret access key ({shown})"),
        Kind::PrivateKey => format!("a PRIVATE KEY (`{shown}`)"),
        Kind::UrlPassword => format!("a password in a URL (`{shown}`)"),
        Kind::SecretLiteral => format!("a literal secret ({shown})"),
        Kind::Token(name) => format!("a {name} (`{shown}`)"),
        Kind::Encoded => format!("a base64 value that decodes to {shown}"),
    }
}

const AWS_KEY_PREFIXES: &[&str] = &["AKIA", "ASIA", "ABIA", "ACCA"];

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// AWS access key IDs in `text`: what the tree judge refuses (any 16 upper-case letters or
/// digits after the prefix, whatever their entropy, AWS's documented example included).
pub fn aws_access_key_ids(text: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    // Every prefix starts with `A`: only those positions are candidates (memchr finds them
    // fast), and a key found is skipped whole.
    let mut next = 0;
    for i in memchr::memchr_iter(b'A', bytes) {
        if i + 20 > bytes.len() {
            break;
        }
        if i < next {
            continue;
        }
        let boundary_before = i == 0 || !is_word(bytes[i - 1]);
        let boundary_after = i + 20 == bytes.len() || !is_word(bytes[i + 20]);
        let candidate = &bytes[i..i + 20];
        let prefix_ok = AWS_KEY_PREFIXES
            .iter()
            .any(|p| candidate.starts_with(p.as_bytes()))
            || (candidate.starts_with(b"A3T")
                && (candidate[3].is_ascii_uppercase() || candidate[3].is_ascii_digit()));
        let body_ok = candidate[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if boundary_before && boundary_after && prefix_ok && body_ok {
            // Safe: the 20 bytes are ASCII.
            let token = &text[i..i + 20];
            hits.push(Hit {
                kind: Kind::AwsAccessKeyId,
                start: i,
                end: i + 20,
                shown: format!("{}{}", &token[..4], "*".repeat(16)),
            });
            next = i + 20;
        }
    }
    hits
}

/// Words that make a 40-character token next to them an AWS secret key rather than, say, a
/// Git commit hash.
const SECRET_CONTEXT: &[&str] = &[
    "aws",
    "secret",
    "credential",
    "password",
    "passwd",
    "token",
    "accesskey",
];

fn secret_context(text: &str) -> bool {
    normalized(text, |t| SECRET_CONTEXT.iter().any(|w| contains(t, w)))
}

/// Calls `f` with `text` lower-cased and without `_` and `-`, so that `client_secret`,
/// `clientSecret` and `CLIENT-SECRET` read alike. Called for every key of every rendered
/// file: short texts are normalized on the stack.
fn normalized<R>(text: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    let kept = text
        .bytes()
        .filter(|b| *b != b'_' && *b != b'-')
        .map(|b| b.to_ascii_lowercase());
    let mut buf = [0u8; 64];
    if text.len() <= buf.len() {
        let mut n = 0;
        for b in kept {
            buf[n] = b;
            n += 1;
        }
        f(&buf[..n])
    } else {
        f(&kept.collect::<Vec<u8>>())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The entropy above which a 40-character token is taken for a generated key under any
/// name. A random 40-character base64 string has about 30 distinct characters (entropy
/// 4.6 to 5.0); identifiers and paths of that length stay near 4 (the highest in
/// `golden/` is 4.3, `VirtualGroupKommanderWorkspaceRoleBinding`).
const RANDOM_40: f64 = 4.5;

/// 40-character base64 tokens with upper- and lowercase letters and digits (the shape of an AWS
/// secret access key), when `context` (the key, or the text before the token on its line)
/// mentions a secret-ish word, or when the token is as random as a generated key.
pub fn aws_secret_keys(text: &str, key_context: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'/' || b == b'+';
    let mut hits = Vec::new();
    // A token is 40 characters of base64 and padding in a row: most strings (every value of
    // every rendered file passes here) have no such run, found in one tight pass.
    let mut run = 0;
    let long_run = bytes.iter().any(|&b| {
        run = if is_b64(b) || b == b'=' { run + 1 } else { 0 };
        run >= 40
    });
    if !long_run {
        return hits;
    }
    let mut i = 0;
    // Where the current line starts; the context looked at is at most 200 bytes before the
    // token, so a hostile single-line file costs linear time.
    let mut line_start = 0;
    while i < bytes.len() {
        if !is_b64(bytes[i]) {
            if bytes[i] == b'\n' {
                line_start = i + 1;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_b64(bytes[i]) {
            i += 1;
        }
        let mut end = i;
        while end < bytes.len() && bytes[end] == b'=' && end - start < 40 {
            end += 1;
        }
        if end - start != 40 {
            continue;
        }
        let token = &text[start..end];
        let mixed = token.bytes().any(|b| b.is_ascii_uppercase())
            && token.bytes().any(|b| b.is_ascii_lowercase())
            && token.bytes().any(|b| b.is_ascii_digit());
        let mut from = line_start.max(start.saturating_sub(200));
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let randomness = entropy(token);
        let context = randomness >= RANDOM_40
            || secret_context(key_context)
            || secret_context(&text[from..start]);
        if mixed && context && randomness >= 4.0 {
            hits.push(Hit {
                kind: Kind::AwsSecretKey,
                start,
                end,
                shown: "<40 characters>".to_string(),
            });
        }
    }
    hits
}

const PUTTY_MARKER: &str = "PuTTY-User-Key-File-";

/// Markers of private keys (pre-commit `detect-private-key`; gitleaks `private-key`).
const KEY_MARKERS: &[&str] = &[PUTTY_MARKER, "-----BEGIN OpenVPN Static key V1-----"];

/// Private keys in `text`: from the header to the matching end marker (or the end of the text).
pub fn private_keys(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    // Every marker holds a `-`, and a header five of them: most strings are ruled out
    // without the upper-case copy below.
    let bytes = text.as_bytes();
    let dashes = memchr::memchr_iter(b'-', bytes).any(|i| bytes[i..].starts_with(b"-----"));
    let putty =
        memchr::memchr_iter(b'P', bytes).any(|i| bytes[i..].starts_with(PUTTY_MARKER.as_bytes()));
    if !dashes && !putty {
        return hits;
    }
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find("-----BEGIN") {
        let start = from + found;
        let Some(header_end) = pem_header_end(&upper, start) else {
            from = start + 10;
            continue;
        };
        let header = &text[start..header_end];
        let header_upper = header.to_ascii_uppercase();
        if header_upper.contains("PRIVATE KEY") || header_upper.contains("OPENVPN STATIC KEY") {
            let end = upper[header_end..]
                .find("-----END")
                .and_then(|e| {
                    upper[header_end + e + 8..]
                        .find("-----")
                        .map(|f| header_end + e + 8 + f + 5)
                })
                .unwrap_or(text.len());
            hits.push(Hit {
                kind: Kind::PrivateKey,
                start,
                end,
                shown: header.to_string(),
            });
            from = end;
        } else {
            from = header_end;
        }
    }
    for marker in KEY_MARKERS {
        let mut from = 0;
        while let Some(found) = text[from..].find(marker) {
            let start = from + found;
            if hits.iter().any(|h| h.start <= start && start < h.end) {
                from = start + marker.len();
                continue;
            }
            hits.push(Hit {
                kind: Kind::PrivateKey,
                start,
                end: text.len(),
                shown: marker.trim_matches('-').trim_end_matches('-').to_string(),
            });
            break;
        }
    }
    hits
}

/// Where the PEM header starting at `start` (at `-----BEGIN`, in the upper-cased text) ends:
/// after gitleaks' and the judge's `-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----`
/// (case-insensitive here), else after the first closing dashes (an OpenVPN header, or a
/// header that is not a key).
fn pem_header_end(upper: &str, start: usize) -> Option<usize> {
    let bytes = upper.as_bytes();
    let after = start + 10;
    // `[ A-Z0-9_-]{0,100}` then `PRIVATE KEY`: the run of header characters, bounded.
    let run = bytes[after..]
        .iter()
        .take(100 + "PRIVATE KEY BLOCK-----".len())
        .take_while(|b| matches!(b, b' ' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-'))
        .count();
    let header = &upper[after..after + run];
    for (at, _) in header.match_indices("PRIVATE KEY") {
        if at > 100 {
            break;
        }
        let rest = &header[at + "PRIVATE KEY".len()..];
        for close in ["-----", " BLOCK-----"] {
            if rest.starts_with(close) {
                return Some(after + at + "PRIVATE KEY".len() + close.len());
            }
        }
    }
    // Any other header: up to its closing dashes, within a short window.
    let mut window_end = (start + 140).min(upper.len());
    while !upper.is_char_boundary(window_end) {
        window_end -= 1;
    }
    upper[after..window_end]
        .find("-----")
        .map(|e| after + e + 5)
        .filter(|e| *e - start <= 130)
}

/// Passwords in URLs: `scheme://user:password@host`. The user name alone (`ssh://git@host`) is
/// not a secret.
pub fn url_passwords(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    let bytes = text.as_bytes();
    // Called on every string of every rendered file: most hold no `://` at all.
    if !memchr::memchr_iter(b':', bytes).any(|i| bytes[i..].starts_with(b"://")) {
        return hits;
    }
    let mut from = 0;
    let finder = memchr::memmem::Finder::new("://");
    while let Some(found) = finder.find(&bytes[from..]) {
        let scheme_sep = from + found;
        let authority_start = scheme_sep + 3;
        // Up to the path or a blank, as the judge reads it (`[^/\s@]`): a `?` or a quote
        // before the `@` does not hide a password.
        let authority_end = text[authority_start..]
            .find(|c: char| c == '/' || c.is_whitespace())
            .map_or(text.len(), |e| authority_start + e);
        let authority = &text[authority_start..authority_end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
            && colon + 1 < at
        {
            // After the last character that cannot be in a scheme, whatever its width (found
            // by the `checker` fuzz target: a 3-byte character before `://` cut it in half).
            let scheme_start = text[..scheme_sep]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
                .map_or(0, |(s, c)| s + c.len_utf8());
            let scheme = &text[scheme_start..scheme_sep];
            // The user is a token as often as a name (`https://<token>:x-oauth-basic@...`),
            // and the host ends at a query, which may hold one: neither is shown.
            let host_end = authority[at + 1..]
                .find(['?', '#', '"', '\''])
                .map_or(authority.len(), |e| at + 1 + e);
            let host = &authority[at + 1..host_end];
            hits.push(Hit {
                kind: Kind::UrlPassword,
                start: authority_start,
                end: authority_start + at,
                shown: format!("{scheme}://****:****@{host}"),
            });
        }
        from = authority_end.max(authority_start);
    }
    hits
}

/// The context-free detectors, in order of precedence.
fn detect(text: &str, key_context: &str) -> Vec<Hit> {
    // Most strings of a rendered file are short words (keys, names, versions): shorter than
    // anything a detector but the URL one can match. Called on every string of every file.
    if text.len() < SHORTEST_HIT {
        return url_passwords(text);
    }
    let plain = detect_plain(text, key_context);
    let encoded = encoded::base64_secrets(text, |decoded| detect_plain(decoded, key_context));
    // A run already reported as itself (an AWS secret key shape is base64 too) stays so.
    first_of_overlapping([plain, encoded])
}

/// The fewest bytes any detector but [`url_passwords`] matches: a token of [`tokens`] (13).
/// The others need more: an AWS access key ID 20, a secret-key shape 40, a private key's
/// header (`-----BEGIN` + `PRIVATE KEY`) 21, a base64 run that decodes to a secret 27.
const SHORTEST_HIT: usize = tokens::SHORTEST;
const _: () = assert!(
    SHORTEST_HIT <= 20
        && SHORTEST_HIT <= 40
        && SHORTEST_HIT <= "-----BEGINPRIVATE KEY".len()
        && SHORTEST_HIT <= encoded::SHORTEST
        && SHORTEST_HIT <= PUTTY_MARKER.len()
);

/// The detectors on the text as it is, without decoding.
fn detect_plain(text: &str, key_context: &str) -> Vec<Hit> {
    first_of_overlapping([
        private_keys(text),
        tokens::prefixed_tokens(text),
        aws_access_key_ids(text),
        aws_secret_keys(text, key_context),
        url_passwords(text),
    ])
}

/// The hits of several detectors, in order of precedence, less every hit that starts inside
/// one kept before it (a private key's body is one finding, not one per line). Sorted by
/// start, in O(n log n): a hostile text may hold a hit every few bytes.
fn first_of_overlapping<const N: usize>(by_precedence: [Vec<Hit>; N]) -> Vec<Hit> {
    let mut all: Vec<(usize, Hit)> = by_precedence
        .into_iter()
        .enumerate()
        .flat_map(|(rank, hits)| hits.into_iter().map(move |h| (rank, h)))
        .collect();
    all.sort_by_key(|(rank, h)| (h.start, *rank));
    let mut kept = Vec::with_capacity(all.len());
    let mut covered_until = 0;
    for (_, hit) in all {
        if kept.is_empty() || hit.start >= covered_until {
            covered_until = covered_until.max(hit.end);
            kept.push(hit);
        }
    }
    kept
}

/// Runs the context-free detectors over `text` line by line (a rendered file, an overlay) and
/// returns what was found, without values.
pub fn scan_text(_name: &str, text: &str) -> Vec<TextFinding> {
    let source = SourceFile::new("", text);
    detect(text, "")
        .into_iter()
        .map(|h| {
            let at = source.line_col(h.start);
            TextFinding {
                line: at.line,
                column: at.column,
                kind: h.kind,
                shown: h.shown,
            }
        })
        .collect()
}

/// The context a field's value is scanned in, from its key and its parent's: under a
/// `...Ref` (a reference, never a literal secret), under an ID field (no entropy rules).
fn child_context(key: &str, in_ref: bool, in_ids: bool) -> (bool, bool) {
    (
        in_ref || ends_with_ignore_case(key, "ref"),
        in_ids || ID_FIELDS.contains(&key),
    )
}

/// Whether a hit in `text` counts where it was found: an ID field's value may have a secret
/// key's shape, unless it holds `/` or `+` (base64's own characters, which no client ID,
/// key ID or account ID has).
fn counts(hit: &Hit, text: &str, in_ids: bool) -> bool {
    !(in_ids && hit.kind == Kind::AwsSecretKey && !text[hit.start..hit.end].contains(['/', '+']))
}

/// A literal value (a non-blank string or a number) under a secret-named key, outside a
/// reference.
fn named_literal(literal: bool, key: Option<&str>, in_ref: bool) -> bool {
    literal && !in_ref && key.is_some_and(secret_named)
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Keys named like a secret. `_` and `-` are ignored and case does not matter, so
/// `client_secret`, `clientSecret` and `CLIENT-SECRET` all match.
fn secret_named(key: &str) -> bool {
    normalized(key, |k| {
        let named = [
            "secret",
            "password",
            "passwd",
            "token",
            "hmac",
            "apikey",
            "privatekey",
        ]
        .iter()
        .any(|w| contains(k, w));
        // A reference (`clientSecretRef`) or the name of a Secret (`secretName`) is not a secret.
        named
            && !k.ends_with(b"ref")
            && !k.ends_with(b"name")
            && !k.ends_with(b"names")
            && !NOT_SECRETS.iter().any(|n| n.as_bytes() == k)
    })
}

/// Settings whose names look secret-ish but that hold no secret (normalized as in
/// [`secret_named`]). `httpTokens`: EC2's instance metadata switch, `optional` or
/// `required` (IMDSv2), in CAPA's `instanceMetadataOptions`; overlays patch it and platc
/// renders it. Names of Secrets in Helm values platc renders: the cluster autoscaler's
/// `clusterAPIKubeconfigSecret`, image pull secrets (`pullSecrets`, `imagePullSecrets`).
const NOT_SECRETS: &[&str] = &[
    "httptokens",
    "clusterapikubeconfigsecret",
    "pullsecrets",
    "imagepullsecrets",
];

/// Fields whose values have known, non-secret ID formats (and often look random): no
/// entropy-style detection there.
const ID_FIELDS: &[&str] = &[
    "accountID",
    "ami",
    "id",
    "hostedZoneID",
    "keyID",
    "clientID",
    "clusterID",
    "privateSubnets",
    "publicSubnets",
];

/// One secret in the tree.
struct Finding {
    kind: Kind,
    shown: String,
    path: BlueprintPath,
    /// Where to point: the key of the field when there is one, else the value.
    at: Span,
    /// What to mask in quoted lines: the value (or key) that holds the secret.
    mask: Span,
    /// The secret text itself, to strip from any message that might echo it.
    secret: String,
    key_name: Option<String>,
}

struct Walker<'t> {
    /// The whole source text (node spans index into it).
    text: &'t str,
    findings: Vec<Finding>,
    /// Byte spans of every scalar and key the tree walk covered (the rest of the text, comments
    /// mostly, is scanned separately).
    covered: Vec<Span>,
}

impl Walker<'_> {
    /// `path` is where `node` is; the walk descends by pushing onto it and pops on the way
    /// back, so a path is only built (cloned) for a finding.
    fn walk(
        &mut self,
        node: &Node,
        path: &mut BlueprintPath,
        key: Option<&Key>,
        in_ref: bool,
        in_ids: bool,
    ) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    self.covered.push(k.span);
                    path.push_field(&k.name);
                    for hit in detect(&k.name, "") {
                        self.findings.push(Finding {
                            kind: hit.kind,
                            shown: hit.shown,
                            path: path.clone(),
                            at: k.span,
                            mask: k.span,
                            secret: k.name[hit.start..hit.end].to_string(),
                            key_name: None,
                        });
                    }
                    let (in_ref, in_ids) = child_context(&k.name, in_ref, in_ids);
                    self.walk(v, path, Some(k), in_ref, in_ids);
                    path.pop();
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push_index(i);
                    self.walk(item, path, key, in_ref, in_ids);
                    path.pop();
                }
            }
            NodeKind::Scalar { value, raw, style } => {
                self.covered.push(node.span);
                // A block scalar's span starts at its `|` or `>`: mask from the next line, so the
                // quoted key line stays readable.
                let mask = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => self
                        .text
                        .get(node.span.start..node.span.end)
                        .and_then(|t| t.find('\n'))
                        .map_or(node.span, |nl| {
                            Span::new(node.span.start + nl + 1, node.span.end)
                        }),
                    _ => node.span,
                };
                let at = key.map_or(node.span, |k| k.span);
                let key_name = key.map(|k| k.name.as_str()).unwrap_or_default();
                let text = match value {
                    Scalar::String(s) => Some(s.as_str()),
                    _ => None,
                };
                let mut found = false;
                if let Some(text) = text {
                    for hit in detect(text, key_name) {
                        if !counts(&hit, text, in_ids) {
                            continue;
                        }
                        found = true;
                        self.findings.push(Finding {
                            kind: hit.kind,
                            shown: hit.shown,
                            path: path.clone(),
                            at,
                            mask,
                            secret: text[hit.start..hit.end].to_string(),
                            key_name: None,
                        });
                    }
                }
                let literal = match value {
                    Scalar::String(s) => !s.trim().is_empty(),
                    Scalar::Number(_) => true,
                    Scalar::Null | Scalar::Bool(_) => false,
                };
                if !found && named_literal(literal, key.map(|k| k.name.as_str()), in_ref) {
                    let shown_text = text.map_or_else(|| raw.clone(), str::to_string);
                    self.findings.push(Finding {
                        kind: Kind::SecretLiteral,
                        shown: format!("<{} characters>", shown_text.chars().count()),
                        path: path.clone(),
                        at,
                        mask,
                        secret: shown_text,
                        key_name: Some(key_name.to_string()),
                    });
                }
            }
        }
    }
}

fn message(f: &Finding) -> (String, String) {
    match (f.kind, &f.key_name) {
        (Kind::SecretLiteral, Some(key)) => (
            format!("`{key}` holds a literal value ({}); a blueprint never holds secrets", f.shown),
            format!(
                "put the value in a Kubernetes Secret and reference it, e.g. `{key}Ref: {{name: <secret>, key: <key>}}`; \
                 if it was ever committed, rotate it"
            ),
        ),
        (Kind::AwsAccessKeyId | Kind::AwsSecretKey, _) => (
            format!("{} is written here; a blueprint never holds credentials", describe(f.kind, &f.shown)),
            "remove it and deactivate the key in IAM (it is in the file's history); platc's clusters reach AWS \
             through IAM roles, never access keys"
                .to_string(),
        ),
        (Kind::Token(_) | Kind::Encoded, _) => (
            format!("{} is written here; a blueprint never holds secrets", describe(f.kind, &f.shown)),
            "remove it and revoke the token (it is in the file's history); keep it in a Kubernetes Secret \
             and reference it with a `...Ref`"
                .to_string(),
        ),
        (Kind::PrivateKey, _) => (
            format!("{} is written here; a blueprint never holds secrets", describe(f.kind, &f.shown)),
            "remove it and replace the key (it is in the file's history); keep keys in a Kubernetes Secret and \
             reference it with a `...Ref`"
                .to_string(),
        ),
        (Kind::UrlPassword, _) => (
            format!("{}; credentials never go into URLs", describe(f.kind, &f.shown)),
            "remove the password from the URL and put the credentials in a Secret named by a `...Ref` \
             (`credentialsRef` for a registry mirror); change the password, it is in the file's history"
                .to_string(),
        ),
        (Kind::SecretLiteral, None) => (
            format!("{}; a blueprint never holds secrets", describe(f.kind, &f.shown)),
            "use a `...Ref` to a Kubernetes Secret".to_string(),
        ),
    }
}

/// [`detect`] on `text` under a key `key_context`, with "nothing found" remembered per
/// thread. A fleet's rendered files repeat their strings: 1,000 clusters hold about 650,000
/// strings long enough for the detectors (13 bytes or more) and 37,000 distinct ones, so the
/// short road asks again for most of them. Only "nothing found" is remembered (a finding
/// sends the file down the full road anyway), for texts of at most [`MEMO_TEXT_MAX`] bytes
/// and up to [`MEMO_BYTES`] of keys per thread (a 1,000-cluster fleet needs about 1.5 MB);
/// the key holds the key context too (it decides the AWS secret-key shape), length-prefixed
/// so that no two pairs share one.
// A hash set, never iterated: only membership is asked, so its order cannot reach the
// output (the reason the crate bans hash containers); a tree set would compare long shared
// prefixes (`registry.k8s.io/...`) a dozen times per lookup.
#[allow(clippy::disallowed_types)]
fn detect_remembered(text: &str, key_context: &str) -> Vec<Hit> {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::hash::BuildHasherDefault;
    // A fixed hasher: nothing random in the render path.
    type Set = HashSet<Box<str>, BuildHasherDefault<std::hash::DefaultHasher>>;
    thread_local! {
        static CLEAN: RefCell<(String, Set, usize)> =
            RefCell::new((String::new(), Set::default(), 0));
    }
    if text.len() < SHORTEST_HIT || text.len() > MEMO_TEXT_MAX {
        return detect(text, key_context);
    }
    CLEAN.with(|memo| {
        let (key, set, bytes) = &mut *memo.borrow_mut();
        key.clear();
        key.push_str(&key_context.len().to_string());
        key.push(':');
        key.push_str(key_context);
        key.push_str(text);
        if set.contains(key.as_str()) {
            return Vec::new();
        }
        let hits = detect(text, key_context);
        if hits.is_empty() && *bytes + key.len() <= MEMO_BYTES {
            *bytes += key.len();
            set.insert(key.as_str().into());
        }
        hits
    })
}

/// The longest text [`detect_remembered`] remembers: names, images, URLs and ARNs are shorter.
const MEMO_TEXT_MAX: usize = 256;
/// How many bytes of keys [`detect_remembered`] remembers per thread: bounded whatever the input
/// and however many threads there are.
const MEMO_BYTES: usize = 4 << 20;

/// Whether `text`, read as the documents `docs`, certainly holds no secret: none of the
/// rules of [`scan`] (the same detectors, key context, `...Ref` and ID-field exemptions,
/// secret-named keys) fires on the values, and the context-free detectors find nothing in
/// its comment lines. It never explains: a caller that gets `false` runs [`scan`] on the
/// spanned tree for located diagnostics. Only for a text read on the reader's short road
/// (`overlay::fast_read`), where everything outside the values is a full-line comment or a
/// `---`.
pub fn none_in<'v>(text: &str, docs: impl IntoIterator<Item = &'v serde_json::Value>) -> bool {
    use serde_json::Value;
    fn clean(v: &Value, key: Option<&str>, in_ref: bool, in_ids: bool) -> bool {
        match v {
            Value::Object(map) => map.iter().all(|(k, v)| {
                let (in_ref, in_ids) = child_context(k, in_ref, in_ids);
                detect_remembered(k, "").is_empty() && clean(v, Some(k), in_ref, in_ids)
            }),
            Value::Array(items) => items.iter().all(|i| clean(i, key, in_ref, in_ids)),
            scalar => {
                // A hit may still not count where it was found.
                let found = scalar.as_str().is_some_and(|t| {
                    let key = key.unwrap_or_default();
                    detect_remembered(t, key)
                        .iter()
                        .any(|h| counts(h, t, in_ids))
                });
                let literal = match scalar {
                    Value::String(s) => !s.trim().is_empty(),
                    Value::Number(_) => true,
                    _ => false,
                };
                !(found || named_literal(literal, key, in_ref))
            }
        }
    }
    // Comment lines: found from their `#` (most files have none; a line scan of every file
    // was a tenth of the gate).
    let bytes = text.as_bytes();
    let comments = memchr::memchr_iter(b'#', bytes).filter_map(|at| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        // As `str::lines` and `trim_start` would find it: only blanks before the `#`.
        text[line_start..at].trim_start().is_empty().then(|| {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
            &text[line_start..end]
        })
    });
    docs.into_iter().all(|d| clean(d, None, false, false))
        && comments.into_iter().all(|line| detect(line, "").is_empty())
}

/// Scans the blueprint (tree and raw text) and returns one error per secret, redacted.
pub fn scan(src: &SourceFile, root: &Node) -> Vec<Diagnostic> {
    let mut walker = Walker {
        text: src.text(),
        findings: Vec::new(),
        covered: Vec::new(),
    };
    walker.walk(root, &mut BlueprintPath::root(), None, false, false);
    let mut out = Vec::new();
    let mut masks: Vec<Span> = Vec::new();
    let mut secrets: Vec<String> = Vec::new();
    for f in &walker.findings {
        let (msg, help) = message(f);
        out.push(
            Diagnostic::error(Code::Secret, msg)
                .path(&f.path)
                .at(src, f.at)
                .help(help),
        );
        masks.push(f.mask);
        secrets.push(f.secret.clone());
    }
    // The rest of the text: comments, and anything the tree does not hold as a scalar.
    let text = src.text();
    for hit in detect(text, "") {
        let inside = walker
            .covered
            .iter()
            .any(|s| s.start <= hit.start && hit.start < s.end.max(s.start + 1));
        if inside {
            continue;
        }
        let span = Span::new(hit.start, hit.end);
        out.push(
            Diagnostic::error(
                Code::Secret,
                format!(
                    "{} is written in a comment; a blueprint never holds secrets",
                    describe(hit.kind, &hit.shown)
                ),
            )
            .at(src, span)
            .help("remove it and rotate the credential: comments are in the file's history too"),
        );
        masks.push(span);
        secrets.push(text[hit.start..hit.end].to_string());
    }
    for d in &mut out {
        mask_diagnostic(src, &masks, &secrets, d);
    }
    out
}

/// Masks every secret of `src` in all diagnostics about `src` (quoted source lines, and any
/// message that would echo a value). Call it on every diagnostic list that may be printed
/// while the blueprint holds a secret (the schema pass quotes lines too).
pub fn redact(src: &SourceFile, root: &Node, diags: Diagnostics) -> Diagnostics {
    let mut walker = Walker {
        text: src.text(),
        findings: Vec::new(),
        covered: Vec::new(),
    };
    walker.walk(root, &mut BlueprintPath::root(), None, false, false);
    let mut masks: Vec<Span> = walker.findings.iter().map(|f| f.mask).collect();
    let mut secrets: Vec<String> = walker.findings.iter().map(|f| f.secret.clone()).collect();
    for hit in detect(src.text(), "") {
        masks.push(Span::new(hit.start, hit.end));
        secrets.push(src.text()[hit.start..hit.end].to_string());
    }
    if masks.is_empty() {
        return diags;
    }
    diags
        .into_iter()
        .map(|mut d| {
            mask_diagnostic(src, &masks, &secrets, &mut d);
            d
        })
        .collect::<Vec<_>>()
        .into()
}

fn mask_diagnostic(src: &SourceFile, masks: &[Span], secrets: &[String], d: &mut Diagnostic) {
    let scrub = |text: &mut String| {
        for secret in secrets {
            // Short fragments would mask ordinary words; every secret detected is longer.
            // PEM armour lines (`-----BEGIN ... PRIVATE KEY-----`) are not secret: messages show them.
            for piece in secret
                .lines()
                .map(str::trim)
                .filter(|p| p.len() >= 8 && !p.starts_with("-----"))
            {
                if text.contains(piece) {
                    *text = text.replace(piece, &"*".repeat(piece.chars().count().min(16)));
                }
            }
        }
    };
    scrub(&mut d.message);
    if let Some(help) = &mut d.help {
        scrub(help);
    }
    for note in &mut d.notes {
        scrub(note);
    }
    let Some(loc) = &mut d.location else {
        return;
    };
    if loc.file != src.name() || loc.line == 0 {
        return;
    }
    let line_start = src.offset_of(loc.line, 1);
    let line_end = line_start + loc.line_text.len();
    let mut masked = String::with_capacity(loc.line_text.len());
    for (i, c) in loc.line_text.char_indices() {
        let offset = line_start + i;
        let hidden = c != ' '
            && masks
                .iter()
                .any(|m| m.start <= offset && offset < m.end.max(m.start + 1) && offset < line_end);
        masked.push(if hidden { '*' } else { c });
    }
    loc.line_text = masked;
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_is_remembered_clean_under_one_key_is_not_clean_under_another() {
        // A secret-key shape of middling randomness (entropy 4.3): a secret only where the
        // key says so.
        let token = "AAbbCCdd11eeFFgg22hhIIjj33kkLLmm44nnOOpp";
        assert!(detect_remembered(token, "name").is_empty());
        assert!(detect_remembered(token, "name").is_empty(), "remembered");
        assert!(!detect_remembered(token, "awsSecretAccessKey").is_empty());
        assert!(
            !detect_remembered(token, "awsSecretAccessKey").is_empty(),
            "never remembered"
        );
        assert!(detect_remembered(token, "name").is_empty());
    }

    #[test]
    fn a_wide_character_before_a_scheme_is_not_cut() {
        // The `checker` fuzz target's finding: `h>鑞://bob:hunter1@mirror` panicked.
        let hits = url_passwords("h>\u{945e}://bob:hunter1@mirror");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].shown, "://****:****@mirror");
        let hits = url_passwords("é+https://u:p@h");
        assert_eq!(hits[0].shown, "+https://****:****@h");
    }

    #[test]
    fn short_strings_are_still_scanned_for_url_passwords() {
        // Shorter than any other detector's shortest match: only the URL one runs.
        let text = "s://u:p@h";
        assert!(text.len() < SHORTEST_HIT);
        let hits = detect(text, "");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].kind, Kind::UrlPassword);
        // The shortest token a rule matches (a Slack legacy workspace token) is not skipped.
        let token = "xoxa-k7Qz2Wp9";
        assert_eq!(token.len(), SHORTEST_HIT);
        assert_eq!(detect(token, "").len(), 1, "{token}");
    }

    use super::*;

    #[test]
    fn aws_access_key_ids_follow_gitleaks() {
        let hits = aws_access_key_ids("deployer: AKIAQ3EGRVJ7MZNXP4WL");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].shown, "AKIA****************");
        assert_eq!(
            aws_access_key_ids("AKIAIOSFODNN7EXAMPLE").len(),
            1,
            "AWS's documented example: the tree judge refuses it"
        );
        assert!(
            aws_access_key_ids("xAKIAQ3EGRVJ7MZNXP4WL").is_empty(),
            "word boundary before"
        );
        assert!(
            aws_access_key_ids("AKIAQ3EGRVJ7MZNXP4WLx").is_empty(),
            "word boundary after"
        );
        assert_eq!(
            aws_access_key_ids("AKIAAAAAAAAAAAAAAAAA").len(),
            1,
            "no entropy: the judge refuses it too"
        );
        assert_eq!(aws_access_key_ids("key=ASIAQ3EGRVJ7MZNXP4WL;").len(), 1);
    }

    #[test]
    fn secret_keys_need_context() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kP9vLm2";
        assert_eq!(key.len(), 40);
        assert_eq!(aws_secret_keys(key, "awsSecretAccessKey").len(), 1);
        assert_eq!(
            aws_secret_keys(&format!("aws_secret_access_key = {key}"), "").len(),
            1
        );
        assert!(entropy(key) >= RANDOM_40, "{}", entropy(key));
        assert_eq!(
            aws_secret_keys(key, "description").len(),
            1,
            "as random as a generated key: under any name"
        );
        assert!(
            aws_secret_keys("VirtualGroupKommanderWorkspaceRoleBinding", "kind").is_empty(),
            "an identifier"
        );
        assert!(
            aws_secret_keys("0123456789abcdef0123456789abcdef01234567", "secret").is_empty(),
            "a git hash"
        );
    }

    #[test]
    fn private_keys_and_urls() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n";
        let hits = private_keys(pem);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].shown, "-----BEGIN RSA PRIVATE KEY-----");
        assert!(
            private_keys("-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----").is_empty()
        );
        assert_eq!(private_keys("PuTTY-User-Key-File-3: ssh-ed25519").len(), 1);
        // The judge's header class holds `-`: a header with dashes inside is still a key.
        let hits = private_keys("-----BEGIN-----PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].shown, "-----BEGIN-----PRIVATE KEY-----");
        assert_eq!(
            private_keys("-----BEGIN ENCRYPTED PRIVATE KEY BLOCK-----\nabc").len(),
            1
        );
        let hits = url_passwords("endpoint: https://bob:hunter2@mirror.example.cloud/v2");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].shown, "https://****:****@mirror.example.cloud");
        assert!(url_passwords("ssh://git@git.example.cloud/platform.git").is_empty());
        // What the tree judge calls credentials in a URL, a `?` in the password included;
        // the host's query is not shown.
        let hits = url_passwords("https://bob:pa?ss@host.example?token=ghp_x y");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].shown, "https://****:****@host.example");
        let found = scan_text("out.yaml", "a: 1\nkey: AKIAQ3EGRVJ7MZNXP4WL\n");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].describe("out.yaml"),
            "out.yaml:2:6: an AWS access key ID (`AKIA****************`)"
        );
    }

    #[test]
    fn hostile_text_is_linear() {
        let line = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kP9vLm2 -----BEGIN ".repeat(30_000);
        let started = std::time::Instant::now();
        let _ = detect(&line, "");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn secret_names() {
        for key in [
            "clientSecret",
            "password",
            "api_key",
            "apiKey",
            "hmacKey",
            "token",
            "PRIVATE-KEY",
        ] {
            assert!(secret_named(key), "{key}");
        }
        for key in [
            "clientSecretRef",
            "keySecretRef",
            "secretRef",
            "secretName",
            "ageEncryptionSecretName",
            "key",
            "name",
        ] {
            assert!(!secret_named(key), "{key}");
        }
    }
}
