//! The integration test binary (one binary, as `Cargo.toml` declares): every module is one
//! feature, tested through the `platc` binary or the library's stages.

mod support;

/// Every refused blueprint of `tests/data/bad-inputs/` (copied from ../shared/bad-inputs).
mod bad_inputs;
/// Section 6 of the reliability research: all 90 rows of bad input, one case each at least.
mod catalogue;
/// SIGKILL during render never leaves a half-written tree (the long test is ignored).
mod crash;
/// Two renders from different folders and environments give the same bytes.
mod determinism;
/// The fuzz targets' corpus and past crashes, without libFuzzer.
mod fuzz_corpus;
/// Every `blueprints/*.yaml` renders byte-identical to `golden/<name>/`.
mod golden;
/// `platc kustomize` against real kustomize's output on every overlay case.
mod overlay_cases;
/// The README's commands and code table.
mod readme;
/// render → render writes nothing; check; hand edits; pruning; unowned files.
mod render_cycle;
/// `schema/platform.schema.json` is what the types generate.
mod schema_file;
/// Every secret shape refused in the blueprint, an overlay and a rendered file, redacted.
mod secrets_matrix;
/// The YAML writer reproduces kustomize's own bytes.
mod yaml_writer;
