//! Facts of Amazon EKS that the eks output depends on: the AMI type of a managed node group
//! for an instance type. Source: the EKS API's `AMITypes` (CreateNodegroup `amiType`) and the
//! EKS user guide ("Amazon Linux 2023 accelerated AMIs", "Choose an Amazon EKS optimized
//! AMI").
//!
//! Amazon Linux 2023 because EKS publishes no Amazon Linux 2 AMIs for Kubernetes 1.33 and
//! later, and CAPA's default `amiType` is still `AL2_x86_64`.

use super::instance_types::{Accelerator, Architecture, accelerator, architecture};

/// The `amiType` of an EKS managed node group of `instance_type`: Amazon Linux 2023, for the
/// instance type's architecture and accelerators.
pub fn ami_type(instance_type: &str) -> &'static str {
    match (architecture(instance_type), accelerator(instance_type)) {
        (Architecture::Arm64, Accelerator::NvidiaGpu) => "AL2023_ARM_64_NVIDIA",
        (Architecture::Arm64, _) => "AL2023_ARM_64_STANDARD",
        (Architecture::X86_64, Accelerator::NvidiaGpu) => "AL2023_x86_64_NVIDIA",
        (Architecture::X86_64, Accelerator::Neuron) => "AL2023_x86_64_NEURON",
        (Architecture::X86_64, Accelerator::None) => "AL2023_x86_64_STANDARD",
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
