//! Secrets hidden in base64: a Kubernetes Secret's `data`, a `--from-literal` pasted into a
//! ConfigMap, a kubeconfig's `client-key-data`. Each run of the base64 alphabet long enough
//! to hold the shortest detected secret (an AWS access key ID: 20 bytes, 27 characters) is
//! decoded from its start, as a whole blob is, and the context-free detectors run on what
//! it decodes to. gitleaks has one such rule (`jwt-base64`, a base64 JWT); this covers it
//! and every other detector alike, PEM blocks and AWS keys included.

use super::{Hit, Kind, describe};

/// The fewest characters decoded (27 encode an AWS access key ID, without padding).
pub(super) const SHORTEST: usize = 27;

fn value(b: u8) -> Option<u32> {
    Some(u32::from(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    }))
}

/// Decodes groups of four (standard or URL-safe alphabet); a trailing group of two or
/// three characters is the one or two bytes before the padding. `None` as soon as a byte
/// is not printable ASCII: a secret's text is, and what a path or an identifier decodes
/// to almost never is (20 random bytes all printable: about one chance in 10^8), so
/// most runs stop within a few groups, before any detector runs.
fn decode_text(run: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(run.len() / 4 * 3 + 2);
    for group in run.chunks(4) {
        let mut n = 0u32;
        for i in 0..4 {
            n = (n << 6) | group.get(i).and_then(|b| value(*b)).unwrap_or(0);
        }
        let whole = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        for &b in &whole[..group.len().saturating_sub(1)] {
            if !(b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                return None;
            }
            out.push(b);
        }
    }
    // Safe: printable ASCII only.
    String::from_utf8(out).ok()
}

/// The base64 runs of `text` that decode to something a detector fires on. `detect` is the
/// set of detectors to run on the decoded text (never this one again).
pub fn base64_secrets(text: &str, detect: impl Fn(&str) -> Vec<Hit>) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    if bytes.len() < SHORTEST {
        return hits;
    }
    // Most strings have no run long enough: one tight pass over both alphabets says so.
    let mut run = 0;
    let long_run = bytes.iter().any(|&b| {
        run = if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_') {
            run + 1
        } else {
            0
        };
        run >= SHORTEST
    });
    if !long_run {
        return hits;
    }
    // The standard alphabet (`+`, `/`) and the URL-safe one (`-`, `_`) are told apart per
    // run: a run is the longest stretch of one of them.
    for urlsafe in [false, true] {
        let in_alphabet = |b: u8| {
            b.is_ascii_alphanumeric()
                || if urlsafe {
                    b == b'-' || b == b'_'
                } else {
                    b == b'+' || b == b'/'
                }
        };
        let mut i = 0;
        while i < bytes.len() {
            if !in_alphabet(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && in_alphabet(bytes[i]) {
                i += 1;
            }
            if i - start < SHORTEST {
                continue;
            }
            // URL-safe runs only where they differ from standard ones: a run of letters and
            // digits alone is decoded once.
            if urlsafe && !bytes[start..i].iter().any(|b| *b == b'-' || *b == b'_') {
                continue;
            }
            let mut end = i;
            while end < bytes.len() && bytes[end] == b'=' && end - i < 2 {
                end += 1;
            }
            let Some(decoded) = decode_text(&bytes[start..i]) else {
                continue;
            };
            // A run of letters and digits only is decoded once (the URL-safe pass skips
            // it), so no run is reported twice.
            if let Some(inner) = detect(&decoded).into_iter().next() {
                hits.push(Hit {
                    kind: Kind::Encoded,
                    start,
                    end,
                    shown: describe(inner.kind, &inner.shown),
                });
            }
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(data: &[u8]) -> String {
        crate::overlay::generator::base64(data)
    }

    #[test]
    fn decodes_what_it_encodes() {
        for data in [
            &b"AKIAQ3EGRVJ7MZNXP4WL"[..],
            b"-----BEGIN RSA PRIVATE KEY-----\n",
            b"ab",
        ] {
            let text = encode(data);
            let trimmed = text.trim_end_matches('=');
            let decoded = decode_text(trimmed.as_bytes()).unwrap();
            assert_eq!(decoded.as_bytes(), data, "{text}");
        }
    }

    #[test]
    fn finds_encoded_secrets_and_nothing_else() {
        let detect = |t: &str| super::super::aws_access_key_ids(t);
        let key = encode(b"AKIAQ3EGRVJ7MZNXP4WL");
        let text = format!("data:\n  AWS_ACCESS_KEY_ID: {key}\n");
        let hits = base64_secrets(&text, detect);
        assert_eq!(hits.len(), 1, "{key}");
        assert_eq!(&text[hits[0].start..hits[0].end], key);
        assert!(hits[0].shown.contains("AKIA****"), "{}", hits[0].shown);
        assert!(
            base64_secrets("clusters/management/infrastructure/kustomization", detect).is_empty()
        );
    }
}
