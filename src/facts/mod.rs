//! Tables of upstream facts that platc checks blueprints against: AWS regions with their
//! partitions and zones ([`aws`]), and the Kubernetes versions each provider supports
//! ([`kubernetes`]); the kOps release the kops output targets ([`kops`]), what an instance
//! type's name says ([`instance_types`]), EKS's node AMI types ([`eks`]) and CAPA's image
//! lookup by name pattern ([`image_lookup`]); the Kommander release of the platform layer, its apps and its
//! external-dns chart ([`kommander`]); all of them at once for `platc version` ([`targets`]). Plain data with the source of every row in a comment, so updating a fact
//! is one reviewed edit here and never a change of rule code. Nothing here reads a clock or the
//! network: a table is a snapshot, dated where the fact changes with time.

pub mod addons;
pub mod aws;
pub mod eks;
pub mod image_lookup;
pub mod immutable;
pub mod instance_types;
pub mod kommander;
pub mod kops;
pub mod kubernetes;
pub mod targets;
