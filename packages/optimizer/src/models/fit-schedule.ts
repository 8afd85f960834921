/**
 * How much fitting a suggestion call does, by the number of observations: whether the hyperparameters are refitted
 * or a warm state is reused, and the fit's budget (points, iterations, random starts).
 */
import type { Rng } from '../math/rng.ts';
import type { OptimizerOptions } from '../options.ts';
import type { GpHyperparameters } from './gp.ts';

/** Hyperparameters are refitted every call while data are few; above, a warm state is reused until the data grew. */
export function refitDue(n: number, fittedN: number | undefined, options: OptimizerOptions): boolean {
  if (fittedN === undefined || n < options.alwaysRefitBelow) return true;
  return n - fittedN >= Math.max(1, Math.floor(options.refitGrowth * n)) || n < fittedN;
}

export function fitOptions(n: number, warm: GpHyperparameters | undefined, rng: Rng, options: OptimizerOptions) {
  const big = n > 100;
  return {
    warm,
    rng,
    maxFitPoints: big ? 128 : options.maxFitPoints,
    maxIter: warm ? (big ? 20 : 40) : big ? 50 : 80,
    randomStarts: warm ? 0 : big ? 1 : 2,
    singleStart: warm !== undefined && big,
  };
}
