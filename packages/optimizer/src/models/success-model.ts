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
import type { AcquisitionFunction } from '../acquisition/acquisition-function.ts';
import { normalLogCdf } from '../math/normal.ts';
import type { Rng } from '../math/rng.ts';

const S0_SQ = 0.01;

export class SuccessModel implements AcquisitionFunction {
  private constructor(readonly gp: GaussianProcess) {}

  /** As an acquisition factor: the success penalty (logPenalty). */
  logScore(Xs: Float64Array, m: number): Float64Array {
    return this.logPenalty(Xs, m);
  }

  /**
   * zeroMean: labels modelled around 0 (unexplored regions 50/50) instead of around the observed success
   * rate; used while almost nothing has succeeded, when the empirical mean would rule out everything unseen.
   */
  static fit(
    X: Float64Array,
    d: number,
    success: readonly boolean[],
    opts: { warm?: GpHyperparameters; rng?: Rng; maxFitPoints?: number; maxIter?: number; zeroMean?: boolean } = {},
  ): SuccessModel {
    const y = Float64Array.from(success, (s) => (s ? 1 : -1));
    // Length scales >= 0.25 of the unit cube: GP regression on step-shaped labels otherwise picks tiny length
    // scales that fit the boundary exactly and revert to the mean (i.e. forget the failures) a step away.
    return new SuccessModel(
      GaussianProcess.fit(X, y, d, {
        ...opts,
        randomStarts: opts.warm ? 0 : 1,
        lengthscaleBounds: [0.25, 1e3],
        standardise: opts.zeroMean ? false : undefined,
      }),
    );
  }

  /** The model with given hyperparameters (no fitting). */
  static withHyperparameters(X: Float64Array, success: readonly boolean[], hyper: GpHyperparameters): SuccessModel {
    return new SuccessModel(
      new GaussianProcess(
        X,
        Float64Array.from(success, (s) => (s ? 1 : -1)),
        hyper,
      ),
    );
  }

  get hyper(): GpHyperparameters {
    return this.gp.hyper;
  }

  /**
   * Penalty added to the log acquisition at m points (row-major m x d): log P(success), and where
   * P(success) < 0.2 an extra -1e6 so such points rank below every plausible one (log EHVI can
   * span more orders of magnitude than any probability factor would offset).
   */
  logPenalty(Xs: Float64Array, m: number): Float64Array {
    const lp = this.logProbability(Xs, m);
    const cut = Math.log(0.2);
    for (let i = 0; i < m; i++) if (lp[i] < cut) lp[i] -= 1e6;
    return lp;
  }

  /** log P(success) at m points (row-major m x d). */
  logProbability(Xs: Float64Array, m: number): Float64Array {
    const { mean, variance } = this.gp.predict(Xs, m);
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = normalLogCdf(mean[i] / Math.sqrt(variance[i] + S0_SQ));
    return out;
  }
}
