//! AWS regions: every region platc can target, the partition it belongs to (which goes into
//! every ARN) and the letters of its availability zones (`<region><letter>`).
//!
//! Sources: the region list of "AWS Regions" (docs.aws.amazon.com/global-infrastructure/latest/
//! regions/aws-regions.html, as mirrored in public region tables) for the commercial
//! partition `aws`, plus the China (`aws-cn`) and GovCloud (`aws-us-gov`) regions. Zone
//! letters follow the zone lists of jsonmaur/aws-regions (`js/regions.json`) where it has the
//! region, and `a`–`c` for regions opened since (each opened with three zones). Zone names are
//! mapped per account, so a letter here may not exist in every account (AWS then refuses it);
//! the table errs on the generous side so platc never refuses a zone AWS accepts: legacy
//! letters (Tokyo `b`, Canada Central `c`) are kept. Snapshot: November 2026 (34 commercial
//! regions). Partitions that need separate accounts and endpoints (ISO, European Sovereign
//! Cloud) are not listed: platc does not target them.

use crate::blueprint::model::Partition;

/// One AWS region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub partition: Partition,
    /// The zone letters, in order: `"abc"` means `<name>a`, `<name>b`, `<name>c`.
    pub zone_letters: &'static str,
}

impl Region {
    /// Whether `zone` is a zone name of this region (`us-west-2a`).
    pub fn has_zone(&self, zone: &str) -> bool {
        zone.strip_prefix(self.name).is_some_and(|letter| {
            let mut chars = letter.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if self.zone_letters.contains(c))
        })
    }

    /// The zone names of this region, in order.
    pub fn zones(&self) -> Vec<String> {
        self.zone_letters
            .chars()
            .map(|c| format!("{}{c}", self.name))
            .collect()
    }
}

const fn commercial(name: &'static str, zone_letters: &'static str) -> Region {
    Region {
        name,
        partition: Partition::Aws,
        zone_letters,
    }
}

/// Every region, sorted by name.
pub const REGIONS: &[Region] = &[
    commercial("af-south-1", "abc"),
    commercial("ap-east-1", "abc"),
    commercial("ap-east-2", "abc"),
    // Tokyo: zone `b` exists only for older accounts; new accounts see a, c, d.
    commercial("ap-northeast-1", "abcd"),
    commercial("ap-northeast-2", "abcd"),
    commercial("ap-northeast-3", "abc"),
    commercial("ap-south-1", "abc"),
    commercial("ap-south-2", "abc"),
    commercial("ap-southeast-1", "abc"),
    commercial("ap-southeast-2", "abc"),
    commercial("ap-southeast-3", "abc"),
    commercial("ap-southeast-4", "abc"),
    commercial("ap-southeast-5", "abc"),
    commercial("ap-southeast-6", "abc"),
    commercial("ap-southeast-7", "abc"),
    // Canada Central: `c` only for older accounts, `d` since 2023.
    commercial("ca-central-1", "abcd"),
    commercial("ca-west-1", "abc"),
    Region {
        name: "cn-north-1",
        partition: Partition::AwsCn,
        zone_letters: "abcd",
    },
    Region {
        name: "cn-northwest-1",
        partition: Partition::AwsCn,
        zone_letters: "abc",
    },
    commercial("eu-central-1", "abc"),
    commercial("eu-central-2", "abc"),
    commercial("eu-north-1", "abc"),
    commercial("eu-south-1", "abc"),
    commercial("eu-south-2", "abc"),
    commercial("eu-west-1", "abc"),
    commercial("eu-west-2", "abc"),
    commercial("eu-west-3", "abc"),
    commercial("il-central-1", "abc"),
    commercial("me-central-1", "abc"),
    commercial("me-south-1", "abc"),
    commercial("mx-central-1", "abc"),
    commercial("sa-east-1", "abc"),
    commercial("us-east-1", "abcdef"),
    commercial("us-east-2", "abc"),
    Region {
        name: "us-gov-east-1",
        partition: Partition::AwsUsGov,
        zone_letters: "abc",
    },
    Region {
        name: "us-gov-west-1",
        partition: Partition::AwsUsGov,
        zone_letters: "abc",
    },
    // N. California: an account sees two of these three.
    commercial("us-west-1", "abc"),
    commercial("us-west-2", "abcd"),
];

/// The region called `name` (exact, lowercase), if AWS has one.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// The partition of a region, if the region is known.
pub fn partition_of(region_name: &str) -> Option<Partition> {
    region(region_name).map(|r| r.partition)
}

/// Every region name, in table order (for "did you mean").
pub fn region_names() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|r| r.name)
}

/// The region a zone name belongs to (`us-east-1b` → `us-east-1`), if any.
pub fn region_of_zone(zone: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.has_zone(zone))
}

/// The DNS suffix of a partition's service endpoints (`s3.<region>.<suffix>`), from the AWS
/// partition table (`partitions.json` of the AWS SDKs): `amazonaws.com`, in China
/// `amazonaws.com.cn`.
pub fn dns_suffix(p: Partition) -> &'static str {
    match p {
        Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
        Partition::AwsCn => "amazonaws.com.cn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        for pair in REGIONS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        for r in REGIONS {
            assert!(
                !r.zone_letters.is_empty() && r.zone_letters.len() <= 6,
                "{}",
                r.name
            );
            assert!(
                r.zone_letters.chars().all(|c| ('a'..='f').contains(&c)),
                "{}",
                r.name
            );
        }
        assert_eq!(
            REGIONS
                .iter()
                .filter(|r| r.partition == Partition::Aws)
                .count(),
            34
        );
    }

    #[test]
    fn lookups() {
        assert_eq!(partition_of("cn-north-1"), Some(Partition::AwsCn));
        assert_eq!(partition_of("us-gov-west-1"), Some(Partition::AwsUsGov));
        assert_eq!(partition_of("eu-central-1"), Some(Partition::Aws));
        assert_eq!(partition_of("eu-central-9"), None);
        let usw2 = region("us-west-2").map(|r| r.zones());
        assert_eq!(usw2.as_deref().map(<[String]>::len), Some(4));
        assert!(region("ca-central-1").is_some_and(|r| r.has_zone("ca-central-1d")));
        assert!(region("eu-central-1").is_some_and(|r| !r.has_zone("eu-central-1d")));
        assert_eq!(
            region_of_zone("us-east-1b").map(|r| r.name),
            Some("us-east-1")
        );
        assert!(region_of_zone("us-east-1").is_none());
        assert!(region_of_zone("usw2-az1").is_none());
    }
}
