/**
 * The side length of the trust regions the acquisition is maximised in, from the history of the experiment alone
 * (so that `suggest()` stays stateless and a replayed journal gets the same regions).
 *
 * The rule is TuRBO's (Eriksson et al. 2019, "Scalable Global Optimization via Local Bayesian Optimization"), with
 * the multi-objective notion of progress of MORBO (Daulton et al. 2022): replay the model-based observations in the
 * order they arrived; an observation is a success when it improves on every earlier one (single objective: beats
 * the best by a relative 1e-3; several objectives: no earlier observation dominates it), a failure otherwise
 * (including failed trials; infeasible ones count by how far they miss the thresholds, see `improvements`). After
 * `successTolerance` successes in a row the side doubles (up to `max`), after `failureTolerance(dim)` failures in a
 * row it halves; below `min` it starts again from `initial`.
 *
 * Why at all: a GP fitted on a few dozen points knows little far from them, and its variance grows towards the box
 * edges, so a global search of the acquisition chases that variance to the boundary, away from what was learnt
 * (worst in high dimension, where most coordinates are barely resolved). Confining the candidates near the best
 * points keeps the search where the model knows something; the region grows while that pays and shrinks when it
 * stops paying. The figures with and without: packages/benchmarks/BENCHMARKS.md, "Synthetic suite".
 */
import { dominates } from '../multi-objective/pareto.ts';

export interface TrustRegionPolicy {
  initial: number;
  min: number;
  max: number;
  successTolerance: number;
  failureTolerance: (dim: number) => number;
}

/**
 * Whether each entry improved on all earlier ones. `values[i]` is the i-th observation's objective vector in
 * maximisation orientation, or null when it failed (never an improvement, and not a reference). `violations[i]`, when
 * given, is how far it misses each threshold (multi-objective/feasibility.ts `thresholdViolations`; all zero when
 * feasible).
 *
 * Infeasible observations are ordered as in SCBO (Eriksson & Poloczek 2021, "Scalable Constrained Bayesian
 * Optimization"): while nothing is feasible, an observation improves when it misses the thresholds by less than every
 * earlier one (its violations not weakly dominated by an earlier observation's; for one threshold, a smaller miss);
 * the first feasible observation improves; once something is feasible, infeasible ones never do and feasible ones are
 * compared among themselves as above. Without this, a search whose thresholds nothing has met yet (a reference point
 * beyond every observation so far) counts every step as a failure, and the region shrinks around the first points
 * however fast they approach the thresholds.
 */
export function improvements(
  values: readonly (readonly number[] | null)[],
  violations?: readonly (readonly number[])[],
  relTol = 1e-3,
): boolean[] {
  const seen: (readonly number[])[] = [];
  const seenMiss: (readonly number[])[] = [];
  let anyFeasible = false;
  let best = -Infinity; // single objective: the best feasible value so far
  return values.map((y, i) => {
    if (y === null) return false;
    const miss = violations?.[i];
    if (miss && miss.some((v) => v > 0)) {
      if (anyFeasible) return false;
      const improved = !seenMiss.some((s) => s.every((v, j) => v <= miss[j]));
      seenMiss.push(miss);
      return improved;
    }
    anyFeasible = true;
    let improved: boolean;
    if (y.length === 1) {
      improved = best === -Infinity || y[0] > best + relTol * Math.abs(best);
      best = Math.max(best, y[0]);
    } else {
      improved = !seen.some((s) => dominates(s, y) || s.every((v, j) => v === y[j]));
      seen.push(y);
    }
    return improved;
  });
}

/**
 * The side length after replaying `successes` (the model-based observations, in order) in a space of `dim` encoded
 * coordinates.
 */
export function trustRegionSide(successes: readonly boolean[], dim: number, policy: TrustRegionPolicy): number {
  const failTol = policy.failureTolerance(dim);
  let side = policy.initial;
  let succ = 0;
  let fail = 0;
  for (const s of successes) {
    if (s) {
      succ++;
      fail = 0;
    } else {
      fail++;
      succ = 0;
    }
    if (succ >= policy.successTolerance) {
      side = Math.min(policy.max, 2 * side);
      succ = 0;
    } else if (fail >= failTol) {
      side /= 2;
      fail = 0;
      if (side < policy.min) side = policy.initial;
    }
  }
  return side;
}
