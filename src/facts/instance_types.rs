//! What an EC2 instance type's name says about the machine: its processor architecture and
//! accelerators. Source: "Amazon EC2 instance type naming conventions" (family, generation,
//! attributes: the attribute `g` means an AWS Graviton processor) and the accelerated
//! computing families (NVIDIA GPUs: `p`, `g`, `gr`; AWS Neuron: `inf`, `trn`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Architecture {
    X86_64,
    Arm64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accelerator {
    None,
    NvidiaGpu,
    Neuron,
}

/// The family (`m6gd` of `m6gd.large`) split into its letters, generation and attributes.
fn parts(instance_type: &str) -> (&str, &str) {
    let family = instance_type.split('.').next().unwrap_or_default();
    let letters = family
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(family.len());
    let (prefix, rest) = family.split_at(letters);
    (
        prefix,
        rest.trim_start_matches(|c: char| c.is_ascii_digit()),
    )
}

pub fn architecture(instance_type: &str) -> Architecture {
    let (prefix, attributes) = parts(instance_type);
    // `a1` is the first Graviton generation and has no `g` attribute.
    if (prefix == "a" && instance_type.starts_with("a1.")) || attributes.starts_with('g') {
        Architecture::Arm64
    } else {
        Architecture::X86_64
    }
}

pub fn accelerator(instance_type: &str) -> Accelerator {
    match parts(instance_type).0 {
        "p" | "g" | "gr" => Accelerator::NvidiaGpu,
        "inf" | "trn" => Accelerator::Neuron,
        _ => Accelerator::None,
    }
}
