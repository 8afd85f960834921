#!/usr/bin/env bash
# The runs the regression check compares against reports/baselines/: the optimizer on three of BoTorch's test problems
# (deterministic for their seeds) and both studies on their smoke presets (real training), each into OUT/<name>/.
#   bash packages/benchmarks/scripts/regression-suite.sh OUT
# Used by .ci/run (then `benchmarks:check --strict`) and by write-baselines.sh (K times).
set -euo pipefail
out=${1:?usage: regression-suite.sh OUT}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: the commands run from the repository root
cd "$(dirname "$0")/../../.."
npx nx run benchmarks:synthetic -- --problem branincurrin --budget 30 --seeds 2 --out "$out/synthetic-branincurrin"
npx nx run benchmarks:synthetic -- --problem zdt1 --dim 6 --budget 30 --seeds 2 --out "$out/synthetic-zdt1"
npx nx run benchmarks:synthetic -- --problem dtlz2 --dim 6 --budget 30 --seeds 2 --out "$out/synthetic-dtlz2"
npx nx run benchmarks:diatom -- --preset smoke --out "$out/diatom-smoke"
npx nx run benchmarks:rotten -- --preset smoke --out "$out/rotten-smoke"
