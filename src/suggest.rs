//! "Did you mean": the closest known name to an unknown one, for typos in field names, enum
//! values and references. One rule everywhere so suggestions are predictable.

/// The candidate closest to `name` by Jaro-Winkler similarity (case-insensitive), if it is
/// close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        assert_eq!(
            did_you_mean("nodePols", ["nodePools", "name", "network"]),
            Some("nodePools")
        );
        assert_eq!(
            did_you_mean("letsencrpyt", ["letsencrypt", "zerossl"]),
            Some("letsencrypt")
        );
        assert_eq!(did_you_mean("Platfrom", ["Platform"]), Some("Platform"));
        assert_eq!(did_you_mean("xyz", ["nodePools", "name"]), None);
    }
}
