//! The integration test binary (one binary, as `Cargo.toml` declares): every module is one
//! feature, tested through the `platc` binary or the library's stages.

mod support;

/// `gitops.argocd`: sync waves in Flux's order, the bring-up check on Argo CD, refusals.
mod argocd;

/// Every refused blueprint of `tests/data/bad-inputs/` (copied from ../shared/bad-inputs).
mod bad_inputs;
/// The rendered README's manual steps: at most three per kind, well-formed shell, the VPC
/// connection idempotent.
mod bring_up_steps;
/// Every golden tree passes the bring-up check (ordering, values, twice, versions).
mod bringup;
/// Section 6 of the reliability research: all 90 rows of bad input, one case each at least.
mod catalogue;
/// SIGKILL during render never leaves a half-written tree (the long test is ignored).
mod crash;
/// Two renders from different folders and environments give the same bytes.
mod determinism;
/// `--message-format json|github`: diagnostics for machines.
mod diagnostics_format;
/// Completions, manual pages, the editor modeline, init then render.
mod ecosystem;
/// `security.encryptionAtRest`: the key where each provider reads it, and no key material in
/// any golden tree.
mod encryption_at_rest;
/// `platc explain`: where files and fields come from in the blueprint.
mod explain;
/// The fuzz targets' corpus and past crashes, without libFuzzer.
mod fuzz_corpus;
/// Every `blueprints/*.yaml` renders byte-identical to `golden/<name>/`.
mod golden;
/// Registry credentials, Calico peers, audit and admission files in the golden trees.
mod hardening;
/// The IAM of every golden tree: least privilege, one service account per role, partitions,
/// CloudFormation and Terraform alike.
mod iam;
/// Issue 21: check compares with the compiled tree; manifests and output folders cannot
/// reach outside the generated layout; inputs are read safely; exit codes as documented.
mod integrity;
/// Issue 20: Kommander's external-dns chart, its app list, its issuer, the licence, the demo.
mod kommander;
/// `platc kustomize` on every golden kustomization (against kubectl), nested
/// kustomizations, inputs past 16 MiB.
mod kustomize_folders;
/// Issue 24 item 3: every golden README opens with a Mermaid picture that parses (a strict
/// checker of the subset, and Mermaid's own parser when installed).
mod mermaid;
/// Issue 20 item 8: no unwritten 0.0.0.0/0, no public endpoint without opt-in, no overlapping
/// VPCs in any golden tree; the network refusals.
mod network_defaults;
/// What every golden cluster's nodes need to become Ready, by its provider's installer.
mod nodes_ready;
/// Issue 24 item 2: `render --cluster` (scope, pruning, manifest), `build` and `render -o -`.
mod one_cluster;
/// `platc kustomize` against real kustomize's output on every overlay case.
mod overlay_cases;
/// The platform layer, add-on values and their schemas.
mod platform;
/// The pre-commit hook blocks a stale tree (with the real pre-commit tool).
mod pre_commit;
/// What eks and kops cannot express: refusals and warnings, each naming field and provider.
mod provider_refusals;
/// The README's commands and code table.
mod readme;
/// render → render writes nothing; check; hand edits; pruning; unowned files.
mod render_cycle;
/// `platc diff --format markdown|json`: the pull-request report.
mod review_diff;
/// `schema/platform.schema.json` is what the types generate.
mod schema_file;
/// Every secret shape refused in the blueprint, an overlay and a rendered file, redacted.
mod secrets_matrix;
/// `platc validate`: upstream schemas, overlays that break them, CEL rules.
mod validate_rules;
/// The YAML writer reproduces kustomize's own bytes.
mod yaml_writer;
