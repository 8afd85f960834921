/**
 * Several good and different solutions of a single-objective experiment (SigOpt's `num_solutions`): up to k
 * observations that are good and far apart in the parameter space, instead of the k best by value, which cluster
 * around one optimum because the optimizer samples densely there.
 *
 * The rule (a clearing procedure, as niching methods choose one winner per niche, with a shrinking niche radius):
 *
 * 1. Candidates: the feasible observations (`isFeasible`: not failed, every metric threshold met) that carry the
 *    optimized metric's value, ranked best first (ties: the earlier observation first); in a multitask experiment
 *    only those of the real task (cost 1), as a cheaper task's value is not the objective's. A point observed more
 *    than once counts once, with its best observation: a repeat is not another solution.
 * 2. Only good candidates are eligible: those in the better half of the range of values, v >= (best + worst) / 2
 *    (the k best when fewer are): without this cut, a poor point that lies alone in a far corner (an initial-design
 *    point, say) is as "different" as can be and would be taken before a good point that is merely moderately far
 *    from the optimum. A cut on values, not on ranks: the optimizer samples densely around its optimum, so the best
 *    half by rank can be one cluster. It is affine invariant (the metric's unit and offset do not matter); one
 *    extreme value (a diverged run) widens it, at worst to every candidate.
 * 3. Greedy selection with radius r, starting at `radius` (0.5): take the best eligible candidate whose distance to
 *    every one taken so far is at least r; when none is left, halve r and go on; below 1e-6, r becomes 0, so k
 *    solutions come back whenever k distinct feasible points exist (fewer: all of them). With a large r the picks
 *    are the winners of distinct regions, best region first; halving lets a region give a second solution only once
 *    every region far enough away has given its best.
 *
 * Distance: in the optimizer's unit-cube encoding (`SpaceEncoding.encode`: log scales, grids at their place in the
 * range, one-hot categoricals), the root mean square over parameters of each parameter's separation: |u - u'| for a
 * numeric parameter, 1 for two different categories (their one-hot columns' distance / sqrt 2). It lies in [0, 1],
 * 1 for opposite corners, about 0.41 for two random points, whatever the number of parameters.
 *
 * The result is ordered by value, best first (ties: earlier observation first), not in the order of selection.
 */
import { SpaceEncoding, assignmentsKey, type ExperimentConfig, type Observation } from '../space/space.ts';
import { isFeasible } from '../multi-objective/feasibility.ts';
import { realTask } from '../multitask.ts';

export interface DiverseSolutionsOptions {
  /** the first radius, in the normalised distance (0, 1]; 0.5 by default */
  radius?: number;
}

/** The radius below which the selection stops halving and takes any distinct point. */
const MIN_RADIUS = 1e-6;

/**
 * Distance between two encoded points of `encoding` (root mean square of the per-parameter separations, in [0, 1]).
 */
export function solutionDistance(encoding: SpaceEncoding, a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (const c of encoding.columns) {
    if (c.param.type === 'categorical') {
      let sq = 0;
      for (let j = c.offset; j < c.offset + c.width; j++) sq += (a[j] - b[j]) ** 2;
      sum += sq / 2;
    } else {
      sum += (a[c.offset] - b[c.offset]) ** 2;
    }
  }
  return encoding.nParams === 0 ? 0 : Math.sqrt(sum / encoding.nParams);
}

/**
 * Indices into `observations` of up to `k` good, mutually distant feasible observations of a single-objective
 * experiment, best first (the rule is in this module's header). `config` is a parsed experiment config with exactly
 * one metric of strategy 'optimize'.
 */
export function diverseSolutions(
  config: ExperimentConfig,
  observations: readonly Observation[],
  k: number,
  options: DiverseSolutionsOptions = {},
): number[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`diverseSolutions: k must be a positive integer (got ${k})`);
  const radius = options.radius ?? 0.5;
  if (!(radius > 0 && radius <= 1))
    throw new RangeError(`diverseSolutions: radius must be in (0, 1] (got ${String(radius)})`);
  const optimized = config.metrics.filter((m) => (m.strategy ?? 'optimize') === 'optimize');
  if (optimized.length !== 1)
    throw new Error(`diverseSolutions: needs exactly 1 optimized metric (the config has ${optimized.length})`);
  const metric = optimized[0];
  const sign = (metric.objective ?? 'maximize') === 'maximize' ? 1 : -1;
  const real = config.tasks ? realTask(config).name : undefined;

  // 1. feasible candidates with a value, best first (Array.prototype.sort is stable: ties keep observation order)
  const ranked: { index: number; value: number }[] = [];
  observations.forEach((o, index) => {
    if (!isFeasible(config, o) || (real !== undefined && o.task !== real)) return;
    const v = o.values?.find((x) => x.name === metric.name)?.value;
    if (v === undefined || !Number.isFinite(v)) return;
    ranked.push({ index, value: sign * v });
  });
  ranked.sort((a, b) => b.value - a.value);
  const seen = new Set<string>();
  const distinct = ranked.filter((c) => {
    const key = assignmentsKey(config, observations[c.index].assignments);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  // 2. the eligible good ones: the better half of the range of values, at least the k best
  const cut = distinct.length > 0 ? distinct[0].value / 2 + distinct[distinct.length - 1].value / 2 : 0;
  let good = 0;
  while (good < distinct.length && distinct[good].value >= cut) good++;
  const eligible = distinct.slice(0, Math.max(good, Math.min(k, distinct.length)));

  // 3. greedy selection with a halving radius; picked holds positions in `eligible` (its order is the value order)
  const encoding = new SpaceEncoding(config);
  const points = eligible.map((c) => encoding.encode(observations[c.index].assignments));
  const picked: number[] = [];
  const taken = new Array<boolean>(eligible.length).fill(false);
  let r = radius;
  while (picked.length < Math.min(k, eligible.length)) {
    for (let i = 0; i < eligible.length && picked.length < k; i++) {
      if (taken[i]) continue;
      if (r === 0 || picked.every((j) => solutionDistance(encoding, points[i], points[j]) >= r)) {
        picked.push(i);
        taken[i] = true;
      }
    }
    r = r / 2 < MIN_RADIUS ? 0 : r / 2;
  }
  return picked.sort((a, b) => a - b).map((i) => eligible[i].index);
}
