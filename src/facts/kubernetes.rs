//! Kubernetes versions: how a blueprint writes one (`vX.Y.Z`) and which minors each provider
//! supports. Support is a snapshot of the upstream releases platc's output targets (the same
//! releases the bundled schemas come from: Cluster API v1.14, CAPA v2.11, kOps v1.36), taken
//! November 2026; every bound names its source.
//!
//! Two ranges per provider:
//! - `supported`: what the targeted upstream release supports. Inside it, no diagnostic.
//! - `accepted_min ..= supported.max`: platc's own floor. Minors between `accepted_min` and
//!   `supported.min` are past the targeted release's support; platc still renders them but
//!   `validate` warns (naming the supported range and what would still run the version), so an
//!   existing fleet can be described and upgraded minor by minor. This floor is a platc policy:
//!   1.28 is the oldest minor the project's reference blueprint pins (kops `v1.28.13`), and the
//!   oldest that any Cluster API release serving `v1beta2` (v1.11 and later, the API platc
//!   emits) supports for workload clusters. Below the floor, or above `supported.max`, a
//!   version is an error.

use std::fmt;

use crate::blueprint::model::Provider;

/// A `vMAJOR.MINOR.PATCH` Kubernetes version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Why a string is not a `vX.Y.Z` version, with what to write instead where that is clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// `1.29.9`: the `v` is missing.
    MissingV { suggestion: String },
    /// `v1.29`: the patch version is missing.
    MissingPatch,
    /// `v1.29.9-rc.0` or `v1.29.9+build`.
    Prerelease,
    /// Anything else.
    Malformed,
}

impl Version {
    /// Parses `vX.Y.Z` exactly: numbers without leading zeros, no pre-release or build part.
    /// Kubernetes release tags have this form; pre-releases are not for platforms.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let Some(rest) = text.strip_prefix('v') else {
            return match Self::parse(&format!("v{text}")) {
                Ok(v) => Err(VersionError::MissingV {
                    suggestion: v.to_string(),
                }),
                Err(e) => Err(e),
            };
        };
        if rest.contains(['-', '+']) {
            let core = rest.split(['-', '+']).next().unwrap_or_default();
            return match Self::parse(&format!("v{core}")) {
                Ok(_) => Err(VersionError::Prerelease),
                Err(e) => Err(e),
            };
        }
        let parts: Vec<&str> = rest.split('.').collect();
        let number = |s: &str| -> Option<u32> {
            let plain = !s.is_empty()
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0'));
            if plain { s.parse().ok() } else { None }
        };
        match parts.as_slice() {
            [major, minor, patch] => match (number(major), number(minor), number(patch)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Self {
                    major,
                    minor,
                    patch,
                }),
                _ => Err(VersionError::Malformed),
            },
            [major, minor] if number(major).is_some() && number(minor).is_some() => {
                Err(VersionError::MissingPatch)
            }
            _ => Err(VersionError::Malformed),
        }
    }
}

/// A range of Kubernetes 1.x minors, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Minors {
    pub min: u32,
    pub max: u32,
}

impl Minors {
    pub const fn contains(&self, minor: u32) -> bool {
        self.min <= minor && minor <= self.max
    }
}

impl fmt::Display for Minors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{} to v1.{}", self.min, self.max)
    }
}

/// What one provider supports.
#[derive(Clone, Copy, Debug)]
pub struct Support {
    pub provider: Provider,
    /// The upstream release this support comes from, as messages name it.
    pub upstream: &'static str,
    pub supported: Minors,
    /// The oldest minor platc renders at all (see the module comment).
    pub accepted_min: u32,
    /// For clusters that run Cluster API themselves (`management: true`): the Kubernetes
    /// versions the targeted Cluster API release supports for a management cluster.
    pub management: Option<Minors>,
}

/// Cluster API v1.14.1 (release notes, kubernetes-sigs/cluster-api PR #14169, 2026-09-01):
/// management clusters v1.33.x to v1.37.x, workload clusters v1.31.x to v1.37.x. CAPA v2.11
/// supports the Kubernetes versions its Cluster API release supports (CAPA README,
/// "Compatibility with Cluster API and Kubernetes Versions").
const CAPA: Support = Support {
    provider: Provider::Capa,
    upstream: "Cluster API v1.14 with CAPA v2.11",
    supported: Minors { min: 31, max: 37 },
    accepted_min: 28,
    management: Some(Minors { min: 33, max: 37 }),
};

/// Amazon EKS Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/
/// kubernetes-versions.html), as of 2026-11-21: 1.31 is in extended support until
/// 2026-11-26, 1.32 until 2027-03-23, 1.33 until 2027-07-29, 1.34 until 2027-12-02, 1.35
/// (the newest version the calendar listed when this table was taken) until 2028-03-27.
/// EKS does not create clusters of a minor past its extended support and upgrades existing
/// ones automatically: 1.30 ended 2026-07-23, 1.29 ended 2026-03-23, 1.28 ended 2025-11-26.
const EKS: Support = Support {
    provider: Provider::Eks,
    upstream: "Amazon EKS (standard and extended support, November 2026)",
    supported: Minors { min: 31, max: 35 },
    accepted_min: 28,
    management: None,
};

/// kOps 1.36 release notes (kubernetes/kops docs/releases/1.36-NOTES.md): adds Kubernetes
/// 1.36; "Support for Kubernetes 1.30 has been removed"; 1.31 is deprecated and goes in
/// kOps 1.37. kOps never supports a minor newer than its own (docs/welcome/releases.md).
const KOPS: Support = Support {
    provider: Provider::Kops,
    upstream: super::kops::KOPS_RELEASE,
    supported: Minors { min: 31, max: 36 },
    accepted_min: 28,
    management: None,
};

/// The support table of a provider.
pub const fn support(provider: Provider) -> &'static Support {
    match provider {
        Provider::Capa => &CAPA,
        Provider::Eks => &EKS,
        Provider::Kops => &KOPS,
    }
}

/// Workload-cluster support of the Cluster API releases that serve `v1beta2` (the API platc
/// emits), from their release notes (kubernetes-sigs/cluster-api PRs #12725 v1.11.1,
/// #14056 v1.12.11, #13602 v1.13.0, #14169 v1.14.1). Used to say which release would still
/// run an old minor.
pub const CLUSTER_API_RELEASES: &[(&str, Minors)] = &[
    ("v1.11", Minors { min: 28, max: 34 }),
    ("v1.12", Minors { min: 29, max: 36 }),
    ("v1.13", Minors { min: 30, max: 35 }),
    ("v1.14", Minors { min: 31, max: 37 }),
];

/// EKS end of extended support per minor (the calendar above), for messages about minors
/// EKS no longer runs.
pub const EKS_END_OF_SUPPORT: &[(u32, &str)] = &[
    (28, "2025-11-26"),
    (29, "2026-03-23"),
    (30, "2026-07-23"),
    (31, "2026-11-26"),
];

/// The verdict on one version for one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Supported,
    /// Between platc's floor and the supported range: rendered, with a warning.
    PastSupport {
        reason: String,
    },
    /// Outside what platc renders.
    Unsupported {
        reason: String,
    },
}

/// Judges `version` for `provider`.
pub fn judge(provider: Provider, version: Version) -> Verdict {
    let s = support(provider);
    let range = format!("{} supports Kubernetes {}", s.upstream, s.supported);
    if version.major != 1 {
        return Verdict::Unsupported {
            reason: format!("Kubernetes {version} does not exist; {range}"),
        };
    }
    let minor = version.minor;
    if minor > s.supported.max {
        return Verdict::Unsupported {
            reason: format!("v1.{minor} is newer than any version {range}"),
        };
    }
    if minor < s.accepted_min {
        return Verdict::Unsupported {
            reason: format!(
                "v1.{minor} is older than platc renders (v1.{} and newer); {range}",
                s.accepted_min
            ),
        };
    }
    if s.supported.contains(minor) {
        return Verdict::Supported;
    }
    let still = match provider {
        Provider::Capa => {
            let releases: Vec<&str> = CLUSTER_API_RELEASES
                .iter()
                .filter(|(_, m)| m.contains(minor))
                .map(|(name, _)| *name)
                .collect();
            match releases.as_slice() {
                [] => String::new(),
                [one] => format!("; Cluster API {one} still supports v1.{minor}"),
                [first, .., last] => {
                    format!("; Cluster API {first} to {last} still support v1.{minor}")
                }
            }
        }
        Provider::Eks => EKS_END_OF_SUPPORT
            .iter()
            .find(|(m, _)| *m == minor)
            .map(|(_, date)| {
                format!(
                    "; EKS support for v1.{minor} ended on {date}: EKS no longer creates such \
                     clusters and upgrades existing ones"
                )
            })
            .unwrap_or_default(),
        Provider::Kops => format!(
            "; kOps removed support for v1.{minor} before {}",
            super::kops::KOPS_RELEASE
        ),
    };
    Verdict::PastSupport {
        reason: format!("{range}{still}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or(Version {
            major: 0,
            minor: 0,
            patch: 0,
        })
    }

    #[test]
    fn parses_exactly_vxyz() {
        assert_eq!(
            Version::parse("v1.29.9"),
            Ok(Version {
                major: 1,
                minor: 29,
                patch: 9
            })
        );
        assert_eq!(
            Version::parse("1.29.9"),
            Err(VersionError::MissingV {
                suggestion: "v1.29.9".into()
            })
        );
        assert_eq!(Version::parse("v1.29"), Err(VersionError::MissingPatch));
        assert_eq!(
            Version::parse("v1.29.9-rc.0"),
            Err(VersionError::Prerelease)
        );
        assert_eq!(
            Version::parse("v1.29.9+k3s1"),
            Err(VersionError::Prerelease)
        );
        for bad in [
            "",
            "v",
            "v1",
            "v1.029.1",
            "v1.29.x",
            "v1.29.9.1",
            "latest",
            "V1.29.9",
            "v1..9",
        ] {
            assert_eq!(Version::parse(bad), Err(VersionError::Malformed), "{bad}");
        }
    }

    #[test]
    fn the_reference_blueprint_versions_are_rendered() {
        for (provider, version) in [
            (Provider::Capa, "v1.29.9"),
            (Provider::Eks, "v1.30.4"),
            (Provider::Kops, "v1.28.13"),
        ] {
            assert!(
                !matches!(judge(provider, v(version)), Verdict::Unsupported { .. }),
                "{provider:?} {version}"
            );
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(judge(Provider::Capa, v("v1.33.2")), Verdict::Supported);
        assert_eq!(judge(Provider::Eks, v("v1.35.0")), Verdict::Supported);
        assert_eq!(judge(Provider::Kops, v("v1.36.2")), Verdict::Supported);
        assert!(matches!(
            judge(Provider::Eks, v("v1.36.0")),
            Verdict::Unsupported { .. }
        ));
        assert!(matches!(
            judge(Provider::Kops, v("v1.27.0")),
            Verdict::Unsupported { .. }
        ));
        assert!(matches!(
            judge(Provider::Capa, v("v2.0.0")),
            Verdict::Unsupported { .. }
        ));
        match judge(Provider::Capa, v("v1.29.9")) {
            Verdict::PastSupport { reason } => {
                assert!(reason.contains("Cluster API v1.11 to v1.12"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}
