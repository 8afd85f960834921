/**
 * Probability that a constraint metric meets its threshold, log P(f(x) >= t) = log Phi((mu - t) / sigma) under the
 * metric's GP posterior (maximisation orientation), the factor of constrained EI (Gardner et al. 2014, "Bayesian
 * optimization with inequality constraints").
 */
import { normalLogCdf } from '../math/normal.ts';
import type { Posterior } from '../models/gp.ts';
import { scorePosterior, type AcquisitionFunction } from './acquisition-function.ts';

/** log P(f >= threshold) for f ~ N(mu, sigma^2). */
export function logProbabilityAbove(mu: number, sigma: number, threshold: number): number {
  return normalLogCdf((mu - threshold) / Math.max(sigma, 1e-12));
}

export class LogProbabilityOfFeasibility implements AcquisitionFunction {
  constructor(
    readonly model: Posterior,
    readonly threshold: number,
  ) {}

  logScore(X: Float64Array, m: number): Float64Array {
    return scorePosterior(this.model, X, m, (mu, sigma) => logProbabilityAbove(mu, sigma, this.threshold));
  }
}
