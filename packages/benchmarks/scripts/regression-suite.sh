#!/usr/bin/env bash
# The runs the regression check compares against reports/baselines/: the optimizer on the ci synthetic suite (six
# problems: single objective, ZDT1, three objectives, two mixed spaces, a failure region; two seeds, deterministic for
# them), the three-objective problem again with its reference point given (the exact EHVI path; its summary is named
# ...-mobo-thresholds-60), both studies on their smoke presets (real training), and both studies at their default
# budgets on their surrogates (3 repeats, each against its own random arm; fitted on the committed archives in
# reports/archives/, so a changed archive needs new baselines; --workers 2 pins the simulated parallelism, which the
# optimizer's suggestions depend on), each into OUT/<name>/. The synthetic runs go two at a time (--jobs 2: seeded,
# independent child processes, the same figures to every digit as one at a time; the CPU-time gate is per
# host-speed reference, measured in the same process, so it holds beside a second lane).
#   bash packages/benchmarks/scripts/regression-suite.sh OUT
# Used by .ci/run (then `benchmarks:check --strict`) and by write-baselines.sh (K times).
set -euo pipefail
out=${1:?usage: regression-suite.sh OUT}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: the commands run from the repository root
cd "$(dirname "$0")/../../.."
npx nx run benchmarks:synthetic -- --suite ci --seeds 2 --jobs 2 --out "$out/synthetic-ci"
npx nx run benchmarks:synthetic -- --suite ci --problems dtlz2m3-d8 --thresholds --seeds 2 --jobs 2 --out "$out/synthetic-ci-thresholds"
npx nx run benchmarks:diatom -- --preset smoke --out "$out/diatom-smoke"
npx nx run benchmarks:rotten -- --preset smoke --out "$out/rotten-smoke"
npx nx run benchmarks:diatom -- --preset default --trainer surrogate --repeats 3 --workers 2 --out "$out/diatom-default-surrogate"
npx nx run benchmarks:rotten -- --preset default --trainer surrogate --repeats 3 --workers 2 --out "$out/rotten-default-surrogate"
