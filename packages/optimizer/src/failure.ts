/**
 * Probability-of-success model for failed evaluations (SigOpt's "failure regions").
 *
 * A GP regression on labels (+1 success, -1 failure) with the same Matern 5/2 ARD kernel, squashed
 * through a probit link: P(success | x) = Phi(mu(x) / sqrt(var(x) + s0^2)), s0 = 0.1.
 * Where the data say "failure" (mu near -1, small variance) the probability is tiny, so
 * log P(success) added to the log acquisition steers suggestions away; far from data the GP
 * reverts to the overall success rate with large variance, so unexplored regions stay open.
 */
import { GaussianProcess, type GpHyperparameters } from './gp.ts';
import { normalLogCdf } from './normal.ts';
import type { Rng } from './rng.ts';

const S0_SQ = 0.01;

export class SuccessModel {
  private constructor(readonly gp: GaussianProcess) {}

  static fit(X: Float64Array, d: number, success: readonly boolean[], opts: { warm?: GpHyperparameters; rng?: Rng; maxFitPoints?: number; maxIter?: number } = {}): SuccessModel {
    const y = Float64Array.from(success, (s) => (s ? 1 : -1));
    return new SuccessModel(GaussianProcess.fit(X, y, d, { ...opts, randomStarts: opts.warm ? 0 : 1 }));
  }

  get hyper(): GpHyperparameters {
    return this.gp.hyper;
  }

  /** log P(success) at m points (row-major m x d). */
  logProbability(Xs: Float64Array, m: number): Float64Array {
    const { mean, variance } = this.gp.predict(Xs, m);
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = normalLogCdf(mean[i] / Math.sqrt(variance[i] + S0_SQ));
    return out;
  }
}
