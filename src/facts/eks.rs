//! Facts of Amazon EKS that the eks output depends on: the AMI type of a managed node group
//! for an instance type. Source: the EKS API's `AMITypes` (CreateNodegroup `amiType`), the
//! EKS user guide ("Amazon Linux 2023 accelerated AMIs", "Choose an Amazon EKS optimized
//! AMI"), and EC2's instance type naming ("Amazon EC2 instance type naming conventions": the
//! letter `g` among a type's attributes means an AWS Graviton processor).
//!
//! Amazon Linux 2023 because EKS publishes no Amazon Linux 2 AMIs for Kubernetes 1.33 and
//! later, and CAPA's default `amiType` is still `AL2_x86_64`.

/// The `amiType` of an EKS managed node group of `instance_type`: Amazon Linux 2023, for the
/// instance type's architecture (x86-64 or Graviton) and accelerators (NVIDIA GPUs in the
/// `p`, `g` and `gr` families, AWS Neuron in `inf` and `trn`).
pub fn ami_type(instance_type: &str) -> &'static str {
    let family = instance_type.split('.').next().unwrap_or_default();
    let prefix_len = family
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(family.len());
    let (prefix, rest) = family.split_at(prefix_len);
    let attributes = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let graviton = family == "a1" || attributes.starts_with('g');
    let nvidia = matches!(prefix, "p" | "g" | "gr");
    let neuron = matches!(prefix, "inf" | "trn");
    match (graviton, nvidia, neuron) {
        (true, true, _) => "AL2023_ARM_64_NVIDIA",
        (true, false, _) => "AL2023_ARM_64_STANDARD",
        (false, true, _) => "AL2023_x86_64_NVIDIA",
        (false, false, true) => "AL2023_x86_64_NEURON",
        (false, false, false) => "AL2023_x86_64_STANDARD",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ami_type_follows_architecture_and_accelerators() {
        for (instance, ami) in [
            ("m5.large", "AL2023_x86_64_STANDARD"),
            ("m5a.2xlarge", "AL2023_x86_64_STANDARD"),
            ("m7i-flex.large", "AL2023_x86_64_STANDARD"),
            ("c6in.xlarge", "AL2023_x86_64_STANDARD"),
            ("r5.2xlarge", "AL2023_x86_64_STANDARD"),
            ("m6g.large", "AL2023_ARM_64_STANDARD"),
            ("c7gn.medium", "AL2023_ARM_64_STANDARD"),
            ("t4g.small", "AL2023_ARM_64_STANDARD"),
            ("x2gd.xlarge", "AL2023_ARM_64_STANDARD"),
            ("im4gn.large", "AL2023_ARM_64_STANDARD"),
            ("a1.medium", "AL2023_ARM_64_STANDARD"),
            ("g5.xlarge", "AL2023_x86_64_NVIDIA"),
            ("g4dn.xlarge", "AL2023_x86_64_NVIDIA"),
            ("p4d.24xlarge", "AL2023_x86_64_NVIDIA"),
            ("gr6.4xlarge", "AL2023_x86_64_NVIDIA"),
            ("g5g.xlarge", "AL2023_ARM_64_NVIDIA"),
            ("inf2.xlarge", "AL2023_x86_64_NEURON"),
            ("trn1.2xlarge", "AL2023_x86_64_NEURON"),
        ] {
            assert_eq!(ami_type(instance), ami, "{instance}");
        }
    }
}
