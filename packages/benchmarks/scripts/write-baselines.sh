#!/usr/bin/env bash
# Regenerate reports/baselines/ from K repeated runs of the regression suite (default K = 4, at least 3):
#   npx nx run benchmarks:baselines [-- K]        (needs PARETOBENCH_DATA_DIR, like the studies)
# Each run goes to its own folder under a temporary directory (kept, and printed, for inspection); then
# `benchmarks:check --write-baselines --from RUN1,...,RUNK` derives every tolerance from the measured spread.
set -euo pipefail
k=${1:-4}
cd "$(dirname "$0")/../../.."
runs=$(mktemp -d -t paretobench-baselines-XXXXXX)
from=()
for i in $(seq 1 "$k"); do
  echo "baselines: run $i of $k -> $runs/run$i"
  bash packages/benchmarks/scripts/regression-suite.sh "$runs/run$i" >"$runs/run$i.log" 2>&1 || {
    echo "baselines: run $i failed, see $runs/run$i.log" >&2
    exit 1
  }
  from+=("$runs/run$i")
done
npx nx run benchmarks:check -- --write-baselines --from "$(IFS=,; echo "${from[*]}")" --baselines reports/baselines
echo "baselines: runs kept in $runs"
