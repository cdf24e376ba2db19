//! A cluster's VPC range and API exposure, resolved once for the checker and the generators.
//!
//! - **VPC CIDR**: an existing VPC's `cidr`; else `network.vpcCIDR` as written; else a /16
//!   derived from the platform's and the cluster's names ([`derived_vpc_cidr`]), so that the
//!   VPCs of one platform can be peered without the user numbering them, and so that adding,
//!   removing or reordering clusters never renumbers another cluster's VPC (a VPC's range
//!   cannot change in place: CAPA and kOps would have to replace it).
//! - **Subnets** of a VPC the provider creates ([`managed_subnets`]): one private block of
//!   an eighth and one public block of a thirty-second of the VPC per zone, the public ones in
//!   the last quarter: for a /16, a private /19 and a public /21 per zone, CAPA's own layout.
//! - **API exposure** ([`ApiAccess`]): private unless `api.endpoint: public`, which needs
//!   `allowedCIDRs` (the checker refuses it without them).

use crate::blueprint::check::syntax::{Cidr, cidr};
use crate::blueprint::model::{ApiEndpoint, Cluster, Provider};

/// The block derived VPC ranges are taken from: 10.0.0.0/8, one /16 per cluster.
const DERIVED_FIRST_OCTET: u32 = 10;
pub const DERIVED_VPC_PREFIX: u8 = 16;
/// Second octets never derived: 10.96.0.0/12 is the default service range
/// ([`super::DEFAULT_SERVICE_CIDR`]), which a VPC must not overlap.
const SKIPPED_SECOND_OCTETS: std::ops::RangeInclusive<u32> = 96..=111;
/// How many /16 blocks derivation chooses from (256 less the 16 skipped).
const CANDIDATES: u32 = 256 - 16;

/// The largest VPC prefix whose layout still has AWS-sized subnets: the public blocks are
/// five bits longer than the VPC's prefix and an AWS subnet is at most a /28 (Amazon VPC
/// User Guide, "Subnet CIDR blocks"), so a VPC of /23 or larger.
pub const MAX_MANAGED_VPC_PREFIX: u8 = 23;
/// Zones a managed layout holds: six private eighths and six public thirty-seconds.
pub const MAX_MANAGED_ZONES: usize = 6;

/// Where a cluster's VPC range comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VpcSource {
    /// `network.existingVPC.cidr`.
    Existing,
    /// `network.vpcCIDR`.
    Declared,
    /// [`derived_vpc_cidr`].
    Derived,
}

/// FNV-1a, 32 bits (Fowler–Noll–Vo; offset basis 2166136261, prime 16777619): a fixed,
/// documented hash, so a derived range never changes between platc versions or machines.
fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 2_166_136_261;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(16_777_619);
    }
    hash
}

fn candidate(index: u32) -> Cidr {
    // Indexes 0..96 are second octets 0..96, the rest skip 96..=111.
    let second = if index < *SKIPPED_SECOND_OCTETS.start() {
        index
    } else {
        index + 16
    };
    Cidr {
        addr: (DERIVED_FIRST_OCTET << 24) | (second << 16),
        prefix: DERIVED_VPC_PREFIX,
    }
}

/// The /16 a VPC gets when the blueprint names none: `10.X.0.0/16`, `X` chosen by FNV-1a of
/// `<platform>/<cluster>` among the 240 second octets outside the default service range,
/// moving on to the next while the block overlaps one of `avoid` (the cluster's own pod and
/// service ranges). It depends on nothing but these, so other clusters never move it; two
/// clusters landing on the same block are refused by the checker, which asks for a
/// `network.vpcCIDR` on one of them.
pub fn derived_vpc_cidr(platform: &str, cluster: &str, avoid: &[Cidr]) -> Cidr {
    let start = fnv1a(&format!("{platform}/{cluster}")) % CANDIDATES;
    (0..CANDIDATES)
        .map(|k| candidate((start + k) % CANDIDATES))
        .find(|c| !avoid.iter().any(|a| a.overlaps(*c)))
        .unwrap_or_else(|| candidate(start))
}

/// The ranges of a cluster that its VPC must stay apart from (pods on capa and kops, whose
/// Calico pods are not VPC addresses; services everywhere), when written validly or left to
/// their defaults.
fn own_ranges(c: &Cluster) -> Vec<Cidr> {
    let network = c.network.as_ref();
    let mut out = Vec::new();
    if c.provider != Provider::Eks {
        let pods = network.and_then(|n| n.pod_cidr.as_deref());
        if let Ok(block) = cidr(pods.unwrap_or(super::DEFAULT_POD_CIDR)) {
            out.push(block);
        }
    }
    let services = network.and_then(|n| n.service_cidr.as_deref());
    if let Ok(block) = cidr(services.unwrap_or(super::DEFAULT_SERVICE_CIDR)) {
        out.push(block);
    }
    out
}

/// A cluster's VPC range and where it comes from; `None` when the blueprint writes one that
/// does not parse (the checker reports it).
pub fn vpc_cidr(platform: &str, c: &Cluster) -> Option<(Cidr, VpcSource)> {
    let network = c.network.as_ref();
    if let Some(vpc) = network.and_then(|n| n.existing_vpc.as_ref()) {
        return cidr(&vpc.cidr).ok().map(|b| (b, VpcSource::Existing));
    }
    if let Some(text) = network.and_then(|n| n.vpc_cidr.as_deref()) {
        return cidr(text).ok().map(|b| (b, VpcSource::Declared));
    }
    Some((
        derived_vpc_cidr(platform, &c.name, &own_ranges(c)),
        VpcSource::Derived,
    ))
}

/// The private and the public subnet of each of `zones` zones in a VPC the provider creates:
/// private `i` is the `i`-th eighth of the VPC, public `i` the `(24 + i)`-th thirty-second
/// (the last quarter). The checker keeps `vpc` at /[`MAX_MANAGED_VPC_PREFIX`] or larger and
/// the zones at [`MAX_MANAGED_ZONES`] or fewer.
pub fn managed_subnets(vpc: Cidr, zones: usize) -> Vec<(Cidr, Cidr)> {
    let block = |shift: u8, index: u32| {
        let prefix = (vpc.prefix + shift).min(32);
        let size = 1u64 << (32 - u32::from(prefix));
        let offset = u64::from(index) * size;
        Cidr {
            addr: vpc.first().wrapping_add(u32::try_from(offset).unwrap_or(0)),
            prefix,
        }
    };
    (0..u32::try_from(zones.min(MAX_MANAGED_ZONES)).unwrap_or(0))
        .map(|i| (block(3, i), block(5, 24 + i)))
        .collect()
}

/// Who reaches a cluster's API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiAccess {
    /// `api.endpoint: public`; otherwise the endpoint is private.
    pub public: bool,
    /// The sources allowed to reach a public endpoint, as written (the checker requires at
    /// least one); empty for a private endpoint.
    pub allowed_cidrs: Vec<String>,
}

impl ApiAccess {
    pub fn of(c: &Cluster) -> ApiAccess {
        let api = c.api.as_ref();
        let public = api.and_then(|a| a.endpoint) == Some(ApiEndpoint::Public);
        ApiAccess {
            public,
            allowed_cidrs: if public {
                api.map(|a| a.allowed_cidrs.clone()).unwrap_or_default()
            } else {
                Vec::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> Cidr {
        cidr(text).unwrap()
    }

    #[test]
    fn a_slash_16_is_laid_out_as_capa_lays_it_out() {
        let got: Vec<(String, String)> = managed_subnets(block("10.7.0.0/16"), 3)
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("10.7.0.0/19".to_string(), "10.7.192.0/21".to_string()),
                ("10.7.32.0/19".into(), "10.7.200.0/21".into()),
                ("10.7.64.0/19".into(), "10.7.208.0/21".into()),
            ]
        );
    }

    #[test]
    fn subnets_stay_inside_the_vpc_and_apart() {
        for vpc in ["10.0.0.0/16", "172.20.0.0/20", "192.168.4.0/23"] {
            let vpc = block(vpc);
            let subnets: Vec<Cidr> = managed_subnets(vpc, MAX_MANAGED_ZONES)
                .into_iter()
                .flat_map(|(a, b)| [a, b])
                .collect();
            for (i, s) in subnets.iter().enumerate() {
                assert!(
                    s.first() >= vpc.first() && s.last() <= vpc.last(),
                    "{s} in {vpc}"
                );
                assert!(s.prefix <= 28, "{s}: AWS subnets are /28 or larger");
                for t in &subnets[i + 1..] {
                    assert!(!s.overlaps(*t), "{s} overlaps {t}");
                }
            }
        }
    }

    #[test]
    fn derived_ranges_are_stable_distinct_and_outside_the_service_default() {
        let service = block(super::super::DEFAULT_SERVICE_CIDR);
        let a = derived_vpc_cidr("demo", "management", &[service]);
        assert_eq!(a, derived_vpc_cidr("demo", "management", &[service]));
        assert_ne!(a, derived_vpc_cidr("demo", "sandbox", &[service]));
        for i in 0..CANDIDATES {
            assert!(!candidate(i).overlaps(service), "{}", candidate(i));
            assert_eq!(candidate(i).prefix, 16);
        }
        // The block moves on past the cluster's own ranges.
        let own = derived_vpc_cidr("demo", "management", &[service, a]);
        assert_ne!(own, a);
        assert!(!own.overlaps(a));
        // FNV-1a test vector ("a" → 0xe40c292c).
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }
}
