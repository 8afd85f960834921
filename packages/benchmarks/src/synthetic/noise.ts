/**
 * Observation noise for the synthetic problems (`--noise F`). Hyperparameter tuning is noisy (a network's accuracy
 * moves with its initialisation, a timing with the machine's load), while the closed-form problems are exact; a
 * model that fits them well may still mistake noise for signal. So, as BoTorch's tutorials do with `noise_std`,
 * every method is told values with Gaussian noise added, and every method is scored on the exact values of the
 * points it evaluated (score.ts): noise changes where a method looks, not how a point counts.
 *
 * The noise's standard deviation for objective j is F times that objective's spread over the domain: the
 * interquartile range / 1.349 (the standard deviation of a normal with that range; robust to the heavy tails of
 * Rosenbrock or DTLZ1) of its values at 1,024 scrambled Sobol points of the space (fixed seed, failures left out).
 * F = 0.1 is a noise a tenth of the objective's typical variation across the space.
 *
 * Draws come from one stream per seed, consumed in evaluation order: the same seed gives every method the same
 * noise at its i-th evaluation (common random numbers), and a failed evaluation draws nothing.
 */
import { Rng, Sobol } from '@paretobench/optimizer';
import type { Outcome, SyntheticProblem } from './problems.ts';
import { decodeUnit } from './run.ts';

const SPREAD_POINTS = 1024;
const SPREAD_SEED = 20_261_207;

function quartile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Per objective: the interquartile range / 1.349 of its values at 1,024 Sobol points of the domain. */
export function objectiveSpread(problem: SyntheticProblem): number[] {
  const sobol = new Sobol(problem.parameters.length, { scramble: true, seed: SPREAD_SEED });
  const values: number[][] = Array.from({ length: problem.objectives }, () => []);
  for (let i = 0; i < SPREAD_POINTS; i++) {
    const outcome = problem.evaluate(decodeUnit(problem.parameters, sobol.next()));
    if (!outcome.failed) outcome.values.forEach((v, j) => values[j].push(v));
  }
  return values.map((v, j) => {
    if (v.length < 4) throw new Error(`${problem.id}: too few successes among ${SPREAD_POINTS} points to scale noise`);
    const s = [...v].sort((a, b) => a - b);
    const spread = (quartile(s, 0.75) - quartile(s, 0.25)) / 1.349;
    if (!(spread > 0)) throw new Error(`${problem.id}: objective ${j} does not vary over the domain`);
    return spread;
  });
}

/** Adds noise of `relative` times each objective's spread to the values a method is told. */
export class ObservationNoise {
  private readonly rng: Rng;
  readonly sd: readonly number[];

  constructor(problem: SyntheticProblem, relative: number, seed: number) {
    if (!(relative >= 0) || !Number.isFinite(relative)) throw new Error(`noise: must be >= 0 (got ${relative})`);
    this.sd = relative > 0 ? objectiveSpread(problem).map((s) => relative * s) : [];
    this.rng = new Rng(seed).fork(0x6e6f);
  }

  /** The outcome as the method sees it: values plus noise (a failure as it is). */
  observe(outcome: Outcome): Outcome {
    if (outcome.failed || this.sd.length === 0) return outcome;
    return { ...outcome, values: outcome.values.map((v, j) => v + this.sd[j] * this.rng.normal()) };
  }
}
