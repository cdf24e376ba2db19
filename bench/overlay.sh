#!/usr/bin/env bash
# Whole-process timings of `platc kustomize DIR` (the release binary) on generated overlays
# of 1,000, 10,000 and 30,000 objects with 50 patches each, and of `kubectl kustomize` on the
# 1,000-object one in the same run: the ratio, peak memory, and whether platc prints
# kubectl's bytes. hyperfine when installed (`apt-get install hyperfine`), else the best of
# RUNS runs timed by /usr/bin/time (also with NO_HYPERFINE=1).
#
#   bench/overlay.sh                    # needs python3 and ../shared/tools/gen_big_overlay.py
#   RUNS=10 KUBECTL_RUNS=3 bench/overlay.sh
#
# Goal (issue "Overlays that behave exactly like kustomize"): 1,000 objects at least 100x
# faster than kubectl, 10,000 objects under 1 s; issue 25: 30,000 objects (a 24 MB file, past
# the blueprint's 16 MiB cap) are built.
set -euo pipefail
cd "$(dirname "$0")/.."
gen="${GEN_BIG_OVERLAY:-../shared/tools/gen_big_overlay.py}"
runs="${RUNS:-5}"
kubectl_runs="${KUBECTL_RUNS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin platc
platc="$PWD/target/release/platc"
for n in 1000 10000 30000; do
  python3 "$gen" --objects "$n" --patches 50 --out "$work/big-$n" >/dev/null
done

# best LABEL RUNS CMD...: prints the fastest and the mean wall time of RUNS runs; sets $best.
best() {
  local label=$1 n=$2
  shift 2
  if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup 1 --runs "$n" --output null \
      --export-json "$work/h.json" "$*" >/dev/null 2>"$work/h.err" || { cat "$work/h.err"; exit 1; }
    local stats
    stats=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f" % (r["min"], r["mean"], r["stddev"] or 0))' "$work/h.json")
    set -- $stats
    best=$1
    printf '%-34s best %s s, mean %s ± %s s (%s runs, hyperfine)\n' "$label" "$1" "$2" "$3" "$n"
  else
    best=
    for _ in $(seq "$n"); do
      local t
      /usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>&1
      t=$(tail -1 "$work/t")
      if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $t < $best)"; then best=$t; fi
    done
    printf '%-34s best %s s (%s runs, /usr/bin/time)\n' "$label" "$best" "$n"
  fi
}

# Peak memory (KB) of one run.
peak() {
  /usr/bin/time -f '%M' -o "$work/m" "$@" >/dev/null 2>&1
  tail -1 "$work/m"
}

echo "== platc kustomize (whole process: $platc)"
best "platc kustomize, 1,000 objects" "$runs" "$platc" kustomize "$work/big-1000"
platc_1000=$best
echo "   peak memory $(peak "$platc" kustomize "$work/big-1000") KB"
best "platc kustomize, 10,000 objects" "$runs" "$platc" kustomize "$work/big-10000"
platc_10000=$best
echo "   peak memory $(peak "$platc" kustomize "$work/big-10000") KB"
best "platc kustomize, 30,000 objects" "$runs" "$platc" kustomize "$work/big-30000"
echo "   peak memory $(peak "$platc" kustomize "$work/big-30000") KB"

"$platc" kustomize "$work/big-1000" >"$work/platc-1000.yaml"
if command -v kubectl >/dev/null; then
  echo "== kubectl kustomize ($(kubectl version --client 2>/dev/null | tr '\n' ' '))"
  best "kubectl kustomize, 1,000 objects" "$kubectl_runs" kubectl kustomize "$work/big-1000"
  kubectl_1000=$best
  kubectl kustomize "$work/big-1000" >"$work/kubectl-1000.yaml"
  python3 -c "import sys; k, p = map(float, sys.argv[1:]); print(f'ratio at 1,000 objects: {k / p:.0f}x faster than kubectl ({k:.3f} s / {p:.3f} s)')" \
    "$kubectl_1000" "$platc_1000"
  if cmp -s "$work/kubectl-1000.yaml" "$work/platc-1000.yaml"; then
    echo "outputs at 1,000 objects are byte-identical ($(wc -c <"$work/platc-1000.yaml") bytes)"
  else
    echo "outputs at 1,000 objects DIFFER:"
    diff "$work/kubectl-1000.yaml" "$work/platc-1000.yaml" | head -20
    exit 1
  fi
else
  echo "kubectl not installed: no ratio, no byte check"
fi
python3 -c "import sys; t = float(sys.argv[1]); print('10,000 objects: %.3f s (%s the 1 s goal)' % (t, 'under' if t < 1 else 'OVER'))" "$platc_10000"
