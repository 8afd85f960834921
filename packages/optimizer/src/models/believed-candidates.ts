/**
 * A GP with kriging-believer fantasies added one at a time, scored on one fixed candidate set.
 *
 * A batch of suggestions (suggest.ts) picks its members greedily: each later pick re-scores the same candidates
 * under the model with the earlier picks believed at their predicted means. Believing a point at its mean leaves the
 * posterior mean unchanged and lowers the variance by a rank-one term:
 *
 *   k_j(a, b) = k_{j-1}(a, b) - u_j(a) u_j(b) / s_j,   u_j(.) = k_{j-1}(., p_j),   s_j = k_{j-1}(p_j, p_j) + noise,
 *
 * with k_0 the base model's posterior covariance, k_0(a, b) = k(a, b) - v_a . v_b and v = L^-1 k(X, .) (the rows the
 * base model's predict() computes anyway). So a pick costs O(m n) for m candidates and n training points, where
 * conditioning the model again and predicting costs O(m n^2): the same posterior, as the sequential-greedy q-batch
 * of BoTorch's optimize_acqf computes it with its fantasy models. Other inputs fall back to a conditioned model.
 */
import type { GaussianProcess, Posterior, Prediction } from './gp.ts';

interface Believed {
  x: Float64Array;
  /** L^-1 k(X, x) under the base model */
  v: Float64Array;
  /** the mean the point is believed at (original scale) */
  mean: number;
  /** u_r(x) for every earlier pick r */
  earlier: Float64Array;
  s: number;
}

export class BelievedCandidates implements Posterior {
  private readonly d: number;
  private readonly mean: Float64Array;
  /** latent variance at the candidates, standardised scale, before the floor */
  private readonly variance: Float64Array;
  private readonly factors: Float64Array;
  private readonly picks: Believed[] = [];
  /** u_r(candidate) of every pick r, row r */
  private readonly updates: Float64Array[] = [];
  private fallback: GaussianProcess | undefined;

  constructor(
    readonly base: GaussianProcess,
    readonly candidates: Float64Array,
    readonly m: number,
  ) {
    this.d = base.d;
    const p = base.predictWithFactors(candidates, m, true);
    this.mean = p.mean;
    this.factors = p.factors;
    const n = base.n;
    const s2 = base.covariance(candidates, 0, candidates, 0);
    this.variance = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      let q = 0;
      for (let i = 0; i < n; i++) q += this.factors[c * n + i] * this.factors[c * n + i];
      this.variance[c] = s2 - q;
    }
  }

  /** How many points have been believed. */
  get count(): number {
    return this.picks.length;
  }

  /** Believes the point x (length d, encoded) at the base model's mean there. */
  believe(x: ArrayLike<number>): void {
    const { base, d } = this;
    const n = base.n;
    const xs = Float64Array.from(x);
    const own = base.predictWithFactors(xs, 1, true);
    const v = own.factors;
    const earlier = this.covariancesWithPicks(xs, v);
    let k = base.covariance(xs, 0, xs, 0);
    for (let i = 0; i < n; i++) k -= v[i] * v[i];
    for (let r = 0; r < this.picks.length; r++) k -= (earlier[r] * earlier[r]) / this.picks[r].s;
    const s = Math.max(k, 0) + base.noise;
    const u = new Float64Array(this.m);
    for (let c = 0; c < this.m; c++) {
      let w = base.covariance(this.candidates, c * d, xs, 0);
      for (let i = 0; i < n; i++) w -= this.factors[c * n + i] * v[i];
      for (let r = 0; r < this.picks.length; r++) w -= (this.updates[r][c] * earlier[r]) / this.picks[r].s;
      u[c] = w;
      this.variance[c] -= (w * w) / s;
    }
    this.picks.push({ x: xs, v, mean: own.mean[0], earlier, s });
    this.updates.push(u);
    this.fallback = undefined;
  }

  /** u_r(x) for every pick r so far: the covariance of x and pick r under the model with picks 0..r-1 believed. */
  private covariancesWithPicks(x: Float64Array, v: Float64Array): Float64Array {
    const n = this.base.n;
    const out = new Float64Array(this.picks.length);
    for (let r = 0; r < this.picks.length; r++) {
      const p = this.picks[r];
      let w = this.base.covariance(p.x, 0, x, 0);
      for (let i = 0; i < n; i++) w -= p.v[i] * v[i];
      for (let t = 0; t < r; t++) w -= (p.earlier[t] * out[t]) / this.picks[t].s;
      out[r] = w;
    }
    return out;
  }

  predict(Xs: Float64Array, m: number): Prediction {
    if (Xs === this.candidates && m === this.m) {
      const ystd2 = this.base.yStd * this.base.yStd;
      return {
        mean: this.mean.slice(),
        variance: Float64Array.from(this.variance, (v) => Math.max(v, 1e-12) * ystd2),
      };
    }
    return this.conditioned().predict(Xs, m);
  }

  predictMean(Xs: Float64Array, m: number): Float64Array {
    return Xs === this.candidates && m === this.m ? this.mean.slice() : this.base.predictMean(Xs, m);
  }

  /** The base model conditioned on the believed points (for inputs other than the candidates). */
  private conditioned(): GaussianProcess {
    if (!this.fallback) {
      const X = new Float64Array(this.picks.length * this.d);
      this.picks.forEach((p, i) => X.set(p.x, i * this.d));
      this.fallback = this.base.condition(
        X,
        this.picks.map((p) => p.mean),
      );
    }
    return this.fallback;
  }
}
