#!/usr/bin/env bash
# Times platc's overlay engine (`platc::overlay::build_dir`, what `platc kustomize DIR` runs)
# on generated overlays of 1,000 and 10,000 objects with 50 patches each, and kubectl
# kustomize on the 1,000-object one when kubectl is installed. Checks that both print the
# same bytes there.
#
#   bench/overlay.sh            # from the crate root; needs python3 and ../shared/tools
set -euo pipefail
cd "$(dirname "$0")/.."
gen="${GEN_BIG_OVERLAY:-../shared/tools/gen_big_overlay.py}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --example overlay_bench
bench=target/release/examples/overlay_bench

for n in 1000 10000; do
  python3 "$gen" --objects "$n" --patches 50 --out "$work/big-$n" >/dev/null
  echo "== $n objects, 50 patches: $bench $work/big-$n 3"
  "$bench" "$work/big-$n" 3
done

if command -v kubectl >/dev/null; then
  echo "== kubectl kustomize, 1000 objects"
  start=$(date +%s.%N)
  kubectl kustomize "$work/big-1000" >"$work/kubectl-1000.yaml"
  end=$(date +%s.%N)
  echo "kubectl kustomize: $(echo "$end - $start" | bc) s"
  "$bench" --print "$work/big-1000" >"$work/platc-1000.yaml"
  if cmp -s "$work/kubectl-1000.yaml" "$work/platc-1000.yaml"; then
    echo "outputs are byte-identical"
  else
    echo "outputs DIFFER:"; diff "$work/kubectl-1000.yaml" "$work/platc-1000.yaml" | head -20
  fi
fi
