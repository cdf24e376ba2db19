#!/usr/bin/env bash
# Builds and runs platc's fuzz targets on a stable toolchain, the way `cargo fuzz run
# --sanitizer none` does (same instrumentation: SanitizerCoverage through stable `-C`
# flags, libFuzzer from the libfuzzer-sys crate). No nightly, no cargo-fuzz binary needed.
#
#   fuzz/run.sh build                      build every target
#   fuzz/run.sh run TARGET SECONDS [ARGS]  fuzz TARGET; new inputs go to fuzz/work/TARGET
#                                          (ignored by Git), crashes to fuzz/artifacts/TARGET
#   fuzz/run.sh smoke SECONDS              each target for SECONDS, nothing kept (CI)
#   fuzz/run.sh minimize TARGET            merge fuzz/work/TARGET into a minimal
#                                          fuzz/corpus/TARGET (the committed corpus)
#   fuzz/run.sh replay TARGET FILE...      run inputs once (reproduce a crash)
set -euo pipefail
cd "$(dirname "$0")"
TARGETS=(reader checker compile overlay output)
triple=$(rustc -vV | sed -n 's/^host: //p')
# CARGO_TARGET_DIR may point outside the checkout (CI keeps one across fresh clones, so
# the instrumented dependencies are built once per machine).
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
bin_dir=$CARGO_TARGET_DIR/$triple/release
# What cargo-fuzz passes (cargo-fuzz src/project.rs), minus the nightly-only sanitizer.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions \
-Coverflow-checks"
# Limits: a 10 s input is a hang; 2 GiB is unbounded memory; blueprints are small, but
# bundles of overlays and the YAML bombs need room.
LIMITS=(-timeout=10 -rss_limit_mb=2048 -max_len=65536)

build() {
  # --target keeps RUSTFLAGS off build scripts (as cargo-fuzz does).
  cargo build --release --locked --target "$triple" "$@" >&2
}

case "${1:-}" in
  build)
    build --bins
    ;;
  run)
    target=$2 secs=$3
    shift 3
    build --bin "$target"
    mkdir -p "work/$target" "artifacts/$target"
    "$bin_dir/$target" "work/$target" "corpus/$target" "${LIMITS[@]}" \
      -max_total_time="$secs" -print_final_stats=1 \
      -artifact_prefix="artifacts/$target/" "$@"
    ;;
  smoke)
    secs=$2
    build --bins
    for target in "${TARGETS[@]}"; do
      scratch=$(mktemp -d)
      echo "-- $target: ${secs}s" >&2
      "$bin_dir/$target" "$scratch" "corpus/$target" "${LIMITS[@]}" \
        -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$scratch/" 2>"$scratch/log" || {
        tail -n 60 "$scratch/log" >&2
        echo "fuzz target $target failed; the input is in $scratch" >&2
        exit 1
      }
      grep -E '^stat::number_of_executed_units|^Done' "$scratch/log" >&2 || true
      rm -rf "$scratch"
    done
    ;;
  minimize)
    # A set cover over edge coverage (no counter buckets, no comparison features): the
    # smallest corpus that still reaches every edge, so the committed one stays a few MB.
    target=$2
    build --bin "$target"
    fresh=$(mktemp -d)
    "$bin_dir/$target" -set_cover_merge=1 -use_counters=0 -use_cmp=0 "${LIMITS[@]}" \
      "$fresh" "corpus/$target" "work/$target"
    rm -rf "corpus/$target"
    mv "$fresh" "corpus/$target"
    ;;
  replay)
    target=$2
    shift 2
    build --bin "$target"
    "$bin_dir/$target" "${LIMITS[@]}" "$@"
    ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
