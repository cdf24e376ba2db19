//! Small syntax checkers shared by the rule families: DNS-1123 labels and subdomains, DNS
//! names, Kubernetes label keys and values, e-mail addresses, URLs, IPv4 addresses and CIDRs,
//! relative paths. Each returns `Err(problem)` with a sentence that says what is wrong and,
//! where one character is to blame, which and where; rules add the blueprint path and the
//! "what to do". No allocation-heavy regexes: these run on every name of a large fleet.

use std::fmt::Write as _;

/// How a character is shown in a message: printable ASCII as is, anything else with its code
/// point, so a homoglyph (`о`, U+043E) or an invisible character is visible.
pub fn show_char(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("`{c}`")
    } else if c == ' ' {
        "a space".to_string()
    } else if c.is_control() || !c.is_ascii() && (c.is_whitespace() || is_invisible(c)) {
        format!("the invisible character U+{:04X}", c as u32)
    } else {
        format!("`{c}` (U+{:04X}, not ASCII)", c as u32)
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A DNS-1123 label (RFC 1123, as Kubernetes validates object names): 1 to `max` characters,
/// lowercase ASCII letters, digits and `-`, starting and ending with a letter or digit.
pub fn dns_label(name: &str, max: usize) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    for (i, c) in name.chars().enumerate() {
        let position = i + 1;
        if c.is_ascii_uppercase() {
            return Err(format!(
                "has the uppercase letter `{c}` at position {position}; names are lowercase (`{}`)",
                name.to_ascii_lowercase()
            ));
        }
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(format!(
                "has {} at position {position}; only lowercase letters, digits and `-` are allowed",
                show_char(c)
            ));
        }
    }
    if name.starts_with('-') {
        return Err("starts with `-`; it must start with a letter or digit".into());
    }
    if name.ends_with('-') {
        return Err("ends with `-`; it must end with a letter or digit".into());
    }
    let len = name.chars().count();
    if len > max {
        return Err(format!(
            "is {len} characters long; at most {max} are allowed"
        ));
    }
    Ok(())
}

/// A DNS-1123 subdomain (Kubernetes names of Secrets, label-key prefixes): at most 253
/// characters, dot-separated DNS-1123 labels.
pub fn dns_subdomain(name: &str) -> Result<(), String> {
    if name.len() > 253 {
        return Err(format!(
            "is {} characters long; at most 253 are allowed",
            name.len()
        ));
    }
    for part in name.split('.') {
        dns_label(part, 63).map_err(|e| {
            if part.is_empty() {
                "has an empty part (two dots in a row, or a dot at an end)".to_string()
            } else {
                format!("part `{part}` {e}")
            }
        })?;
    }
    Ok(())
}

/// A fully qualified DNS name as a blueprint writes one: lowercase, at least two labels, at
/// most 253 characters, no trailing dot.
pub fn dns_name(name: &str) -> Result<(), String> {
    if name.ends_with('.') && name.len() > 1 {
        return Err(format!(
            "ends with a dot; write `{}`",
            name.trim_end_matches('.')
        ));
    }
    if let Some(c) = name.chars().find(char::is_ascii_uppercase) {
        return Err(format!(
            "has the uppercase letter `{c}`; DNS names are written in lowercase (`{}`)",
            name.to_ascii_lowercase()
        ));
    }
    dns_subdomain(name)?;
    if !name.contains('.') {
        return Err("has a single label; a domain has at least two (`example.com`)".into());
    }
    Ok(())
}

/// A Kubernetes qualified name (label and taint keys): an optional DNS-subdomain prefix and
/// `/`, then a name of 1–63 characters: alphanumerics, `-`, `_`, `.`, alphanumeric at both
/// ends (apimachinery `IsQualifiedName`).
pub fn qualified_name(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err("has an empty prefix before `/`".into());
        }
        dns_subdomain(prefix).map_err(|e| format!("prefix `{prefix}` {e}"))?;
    }
    if name.contains('/') {
        return Err("has more than one `/`".into());
    }
    label_value_chars(name, "name").and_then(|()| {
        if name.is_empty() {
            Err("has an empty name part".into())
        } else {
            Ok(())
        }
    })
}

/// A Kubernetes label value: empty, or 1–63 characters of alphanumerics, `-`, `_`, `.`,
/// alphanumeric at both ends.
pub fn label_value(value: &str) -> Result<(), String> {
    label_value_chars(value, "value")
}

fn label_value_chars(value: &str, what: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    let len = value.chars().count();
    if len > 63 {
        return Err(format!(
            "{what} is {len} characters long; at most 63 are allowed"
        ));
    }
    for (i, c) in value.chars().enumerate() {
        if !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(format!(
                "{what} has {} at position {}; only letters, digits, `-`, `_` and `.` are allowed",
                show_char(c),
                i + 1
            ));
        }
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(value.chars().next()) || !alnum(value.chars().last()) {
        return Err(format!("{what} must start and end with a letter or digit"));
    }
    Ok(())
}

/// Words that mark a value as a placeholder left from a template (`YOUR_DOMAIN`,
/// `ZONE_ID`, `CHANGEME`): the demo repository this project replaces shipped exactly these,
/// and no linter caught them (research/anchors-reliability.md §1).
pub fn looks_like_placeholder(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    const WORDS: &[&str] = &[
        "YOUR_",
        "YOUR-",
        "<",
        ">",
        "${",
        "{{",
        "CHANGEME",
        "CHANGE_ME",
        "PLACEHOLDER",
        "TODO",
        "FIXME",
        "XXXX",
        "REPLACE",
        "ACCOUNT_ID",
        "ZONE_ID",
    ];
    WORDS.iter().any(|w| upper.contains(w))
        || (value.chars().any(|c| c.is_ascii_alphabetic())
            && value.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && value.contains('_'))
}

/// An EC2 instance type as EC2 names them: `<family>.<size>`, lowercase (`m5.xlarge`,
/// `m7i-flex.large`, `u-6tb1.metal`).
pub fn instance_type(text: &str) -> Result<(), String> {
    let Some((family, size)) = text.split_once('.') else {
        return Err("is not an EC2 instance type (`<family>.<size>`, e.g. `m5.large`)".into());
    };
    let ok = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !ok(family) || !ok(size) || !family.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(if text.chars().any(|c| c.is_ascii_uppercase()) {
            format!(
                "is not an EC2 instance type; they are lowercase (`{}`)",
                text.to_ascii_lowercase()
            )
        } else {
            "is not an EC2 instance type (`<family>.<size>`, e.g. `m5.large`)".into()
        });
    }
    Ok(())
}

/// An e-mail address as ACME servers and OIDC providers accept it: one `@`, a non-empty
/// local part of printable ASCII without spaces, a DNS domain with a dot.
pub fn email(value: &str) -> Result<(), String> {
    let Some((local, domain)) = value.split_once('@') else {
        return Err("has no `@`".into());
    };
    if local.is_empty() {
        return Err("has nothing before the `@`".into());
    }
    if domain.contains('@') {
        return Err("has more than one `@`".into());
    }
    if let Some(c) = local.chars().find(|c| {
        !c.is_ascii_graphic()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
            )
    }) {
        return Err(format!("has {} before the `@`", show_char(c)));
    }
    dns_name(&domain.to_ascii_lowercase()).map_err(|e| format!("domain `{domain}` {e}"))
}

/// Domains reserved for documentation (RFC 2606, RFC 6761): never a real mailbox; Let's
/// Encrypt refuses them as ACME contacts ("contact email has forbidden domain").
pub fn is_reserved_domain(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|r| d == *r || d.ends_with(&format!(".{r}")))
        || ["test", "example", "invalid", "localhost", "local"]
            .iter()
            .any(|tld| d == *tld || d.ends_with(&format!(".{tld}")))
}

/// A URL split into the parts the rules look at. Only what platc needs: no percent-decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: &'a str,
    /// The `user[:password]` part before `@`, if any.
    pub userinfo: Option<&'a str>,
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// From the first `/` after the authority (may be empty).
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

/// Splits `scheme://authority/path?query#fragment`. Returns `None` when there is no
/// `scheme://`.
pub fn parse_url(text: &str) -> Option<Url<'_>> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if hostport.starts_with('[') {
        match hostport.split_once(']') {
            Some((h, p)) => (&hostport[..=h.len()], p.strip_prefix(':')),
            None => (hostport, None),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    Some(Url {
        scheme,
        userinfo,
        host,
        port,
        path,
        query,
        fragment,
    })
}

/// Checks a URL that must be `https://host[:port][/path]` and say what is wrong otherwise.
/// `allow_query` is false where the spec forbids query and fragment (OIDC issuers).
pub fn https_url(text: &str, allow_query: bool) -> Result<Url<'_>, String> {
    let Some(url) = parse_url(text) else {
        return Err("is not a URL; write `https://host/path`".into());
    };
    if !url.scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "uses `{}://`; only https:// is allowed",
            url.scheme
        ));
    }
    if url.userinfo.is_some() {
        return Err(
            "carries a user name or password before `@`; credentials never go into URLs".into(),
        );
    }
    host(url.host)?;
    if let Some(port) = url.port
        && (!matches!(port.parse::<u32>(), Ok(1..=65535)) || port.starts_with('0'))
    {
        return Err(format!("has the invalid port `{port}`"));
    }
    if !allow_query && (url.query.is_some() || url.fragment.is_some()) {
        return Err("has a query (`?`) or fragment (`#`); remove them".into());
    }
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("contains {}", show_char(c)));
    }
    Ok(url)
}

/// A host: a lowercase DNS name (one label allowed, for `localhost`), an IPv4 address or a
/// bracketed IPv6 address.
pub fn host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if host.starts_with('[') && host.ends_with(']') {
        return Ok(());
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return ipv4(host)
            .map(|_| ())
            .map_err(|e| format!("host `{host}` {e}"));
    }
    dns_subdomain(&host.to_ascii_lowercase()).map_err(|e| format!("host `{host}` {e}"))
}

/// A dotted-quad IPv4 address without leading zeros (some parsers read `010` as octal).
pub fn ipv4(text: &str) -> Result<u32, String> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err(format!(
            "has {} parts; an IPv4 address has four numbers separated by dots",
            parts.len()
        ));
    }
    let mut value: u32 = 0;
    for part in parts {
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        let n = if ok {
            part.parse::<u32>().ok().filter(|n| *n <= 255)
        } else {
            None
        };
        let Some(n) = n else {
            return Err(format!(
                "has `{part}`, which is not a number from 0 to 255 (without leading zeros)"
            ));
        };
        value = (value << 8) | n;
    }
    Ok(value)
}

pub fn ipv4_to_string(value: u32) -> String {
    let b = value.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// An IPv4 CIDR block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

impl Cidr {
    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    pub fn first(self) -> u32 {
        self.addr & self.mask()
    }

    pub fn last(self) -> u32 {
        self.first() | !self.mask()
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// The overlapping block, as a CIDR (the smaller of two overlapping blocks lies inside
    /// the larger one, so the overlap is always the smaller block).
    pub fn overlap(self, other: Cidr) -> Option<Cidr> {
        self.overlaps(other)
            .then_some(if self.prefix >= other.prefix {
                self
            } else {
                other
            })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", ipv4_to_string(self.addr), self.prefix)
    }
}

/// Parses an IPv4 CIDR and refuses host bits, saying which block was meant.
pub fn cidr(text: &str) -> Result<Cidr, String> {
    if text.contains(':') {
        return Err("is an IPv6 block; platc supports IPv4 clusters only".into());
    }
    let Some((addr, prefix)) = text.split_once('/') else {
        return Err("has no prefix length; write it as `a.b.c.d/n`, e.g. `10.96.0.0/12`".into());
    };
    let addr = ipv4(addr)?;
    let prefix = match prefix.parse::<u8>() {
        Ok(p) if p <= 32 && (prefix == "0" || !prefix.starts_with('0')) => p,
        _ => {
            return Err(format!(
                "has the prefix length `/{prefix}`; it must be a number from 0 to 32"
            ));
        }
    };
    let block = Cidr { addr, prefix };
    if block.first() != addr {
        let fixed = Cidr {
            addr: block.first(),
            prefix,
        };
        return Err(format!(
            "has host bits set after the /{prefix} prefix; did you mean {fixed}?"
        ));
    }
    Ok(block)
}

/// A path relative to the blueprint's folder that stays inside it: not absolute, no `..`
/// step, no backslash or drive letter, no empty or `.` steps. Returns the clean form in the
/// error when one exists.
pub fn relative_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("is empty".into());
    }
    if path.starts_with('/') || path.starts_with('~') {
        return Err("is absolute; write it relative to the blueprint's folder".into());
    }
    let bytes = path.as_bytes();
    if path.contains('\\')
        || (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic())
    {
        return Err(
            "uses `\\` or a drive letter; write it with `/`, relative to the blueprint's folder"
                .into(),
        );
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(format!("contains {}", show_char(c)));
    }
    let steps: Vec<&str> = path.split('/').collect();
    if steps.contains(&"..") {
        // Where does it go? Count how far up it climbs at its highest point.
        let mut depth: i64 = 0;
        let mut lowest: i64 = 0;
        for step in &steps {
            match *step {
                ".." => depth -= 1,
                "" | "." => {}
                _ => depth += 1,
            }
            lowest = lowest.min(depth);
        }
        return Err(if lowest < 0 {
            "leaves the blueprint's folder (`..`); paths may not go above it".into()
        } else {
            "contains `..`; write the path without it".into()
        });
    }
    let clean: Vec<&str> = steps
        .iter()
        .copied()
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if clean.len() != steps.len() && !(path == "." || clean.is_empty()) {
        let mut suggestion = String::new();
        let _ = write!(suggestion, "{}", clean.join("/"));
        return Err(format!("is not written plainly; write `{suggestion}`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns_label("alpha-1", 63).is_ok());
        let e = dns_label("Minimal_Platform", 63).unwrap_err();
        assert!(e.contains("`M`") && e.contains("position 1"), "{e}");
        let e = dns_label("minimal_platform", 63).unwrap_err();
        assert!(e.contains("`_` at position 8"), "{e}");
        let e = dns_label("pr\u{43e}d", 63).unwrap_err();
        assert!(e.contains("U+043E"), "{e}");
        assert!(
            dns_label("../../etc", 40)
                .unwrap_err()
                .contains("`.` at position 1")
        );
        assert!(dns_label("a-", 40).unwrap_err().contains("ends with"));
        assert!(
            dns_label(&"a".repeat(41), 40)
                .unwrap_err()
                .contains("41 characters")
        );
    }

    #[test]
    fn names_and_keys() {
        assert!(dns_name("demo.example.cloud").is_ok());
        assert!(dns_name("Demo.Example").is_err());
        assert!(dns_name("demo_example").is_err());
        assert!(dns_name("localhost").is_err());
        assert!(
            dns_name("example.cloud.")
                .unwrap_err()
                .contains("`example.cloud`")
        );
        assert!(qualified_name("node-role.kubernetes.io/worker").is_ok());
        assert!(qualified_name("team").is_ok());
        assert!(qualified_name("a/b/c").is_err());
        assert!(qualified_name("Example.com/x").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("-x").is_err());
        assert!(looks_like_placeholder("YOUR_DOMAIN"));
        assert!(looks_like_placeholder("ZONE_ID"));
        assert!(!looks_like_placeholder("Z0ABCDEF123456"));
    }

    #[test]
    fn urls() {
        let u = parse_url("https://bob:pw@mirror.example.cloud:5000/v2?x=1#f");
        assert_eq!(
            u,
            Some(Url {
                scheme: "https",
                userinfo: Some("bob:pw"),
                host: "mirror.example.cloud",
                port: Some("5000"),
                path: "/v2",
                query: Some("x=1"),
                fragment: Some("f"),
            })
        );
        assert!(https_url("https://example.okta.com", false).is_ok());
        assert!(https_url("http://example.okta.com", false).is_err());
        assert!(https_url("https://example.okta.com/?a=b", false).is_err());
        assert!(https_url("https://example.okta.com/?a=b", true).is_ok());
        assert!(parse_url("git@github.com:org/repo.git").is_none());
    }

    #[test]
    fn cidrs() {
        assert_eq!(
            cidr("10.96.0.0/12").map(|c| c.to_string()),
            Ok("10.96.0.0/12".to_string())
        );
        assert!(
            cidr("10.96.0.1/12")
                .unwrap_err()
                .contains("did you mean 10.96.0.0/12?")
        );
        assert!(cidr("300.1.0.0/16").is_err());
        assert!(cidr("fd00::/8").unwrap_err().contains("IPv6"));
        assert!(cidr("010.0.0.0/8").is_err());
        let (a, b) = (cidr("10.96.0.0/16"), cidr("10.96.0.0/12"));
        assert_eq!(a.and_then(|a| b.map(|b| a.overlaps(b))), Ok(true));
    }

    #[test]
    fn paths() {
        assert!(relative_path("overlays/all-clusters").is_ok());
        assert!(relative_path(".").is_ok());
        assert!(relative_path("../../etc").unwrap_err().contains("leaves"));
        assert!(relative_path("a/../b").unwrap_err().contains("without"));
        assert!(relative_path("/etc").unwrap_err().contains("absolute"));
        assert!(relative_path("./a//b/").unwrap_err().contains("`a/b`"));
    }
}
