/**
 * Gaussian-process regression with a Matern 5/2 ARD kernel, in float64.
 *
 *   k(x, x') = s2 * (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),   r^2 = sum_k (x_k - x'_k)^2 / l_k^2
 *   y ~ N(0, K + noise I)   on standardised outputs (zero mean, unit variance)
 *
 * Inputs are expected in the unit cube. Hyperparameters theta = (log l_1..l_D, log s2, log(noise - 1e-6))
 * are fitted by maximising the log marginal likelihood plus log priors (MAP), with analytic gradients
 * and L-BFGS, from several starts (the previous fit first when warm-starting).
 *
 * Priors (in the spirit of BoTorch's SingleTaskGP defaults, Hvarfner et al. 2024):
 *   log l_k ~ N(sqrt2 + 0.5 log D, sqrt3^2)   (dimension-scaled length scales)
 *   log s2  ~ N(0, 1.5^2)
 *   log noise ~ N(-4, 1)
 * The MAP fit maximises the densities of l_k and the noise themselves (log-normal, as GPyTorch's priors), whose modes
 * sit at exp(mean - sd^2): see logPriorPenalty.
 */
import { cholesky, cholInverse, logDetHalf, solveLower, solveLowerRows, solveUpperT } from '../math/linalg.ts';
import { lbfgs } from '../optim/lbfgs.ts';
import type { Rng } from '../math/rng.ts';

const SQRT5 = Math.sqrt(5);
const NOISE_FLOOR = 1e-6;
const LOG_2PI = Math.log(2 * Math.PI);

export interface GpHyperparameters {
  logLengthscales: number[];
  logSignalVar: number;
  logNoiseVar: number; // noise variance = 1e-6 + exp(logNoiseVar)
}

export interface GpFitOptions {
  warm?: GpHyperparameters;
  rng?: Rng;
  /** extra random starts drawn from the priors (default 2; 0 when warm-starting with fewer starts wanted) */
  randomStarts?: number;
  maxIter?: number;
  /** fit hyperparameters on at most this many points (random subset); the posterior always uses all */
  maxFitPoints?: number;
  /** fixed noise variance (on the standardised scale) instead of fitting it */
  fixedNoise?: number;
  /** only start from `warm` (when given): cheaper refits of a slowly changing model */
  singleStart?: boolean;
  /** false: model y as is (zero prior mean, unit scale) instead of standardising it */
  standardise?: boolean;
  /** box for the length scales (default [1e-3, 1e3]) */
  lengthscaleBounds?: [number, number];
}

export function lengthscalePriorMean(dim: number): number {
  return Math.SQRT2 + 0.5 * Math.log(dim);
}
const LS_PRIOR_SD = Math.sqrt(3);
const SV_PRIOR = { mean: 0, sd: 1.5 };
const NOISE_PRIOR = { mean: -4, sd: 1 };

function packTheta(h: GpHyperparameters): Float64Array {
  return Float64Array.from([...h.logLengthscales, h.logSignalVar, h.logNoiseVar]);
}
function unpackTheta(t: ArrayLike<number>, d: number): GpHyperparameters {
  return { logLengthscales: Array.from(t).slice(0, d), logSignalVar: t[d], logNoiseVar: t[d + 1] };
}

/**
 * Minus the log prior density (up to a constant): the penalty added to the negative log likelihood. `natural`: the
 * log-normal priors are densities of the length scales and the noise themselves, as GPyTorch's LogNormalPrior on
 * BoTorch's SingleTaskGP, so the MAP fit's pull is towards their mode exp(mu - sigma^2) (length scale 0.82 at D = 16,
 * 0.29 at D = 2), not towards their median exp(mu) (16 at D = 16: near-linear models that cannot see a bowl-shaped
 * objective in 8 or more dimensions, and whose variance then drives the search to the box's corners). Else the
 * density of theta = log of them, the right one for sampling theta (sampleHyperparameters).
 */
function logPriorPenalty(theta: ArrayLike<number>, d: number, fixedNoise: boolean, natural: boolean): number {
  const mu = lengthscalePriorMean(d);
  let f = 0;
  for (let k = 0; k < d; k++) f += 0.5 * ((theta[k] - mu) / LS_PRIOR_SD) ** 2 + (natural ? theta[k] : 0);
  f += 0.5 * ((theta[d] - SV_PRIOR.mean) / SV_PRIOR.sd) ** 2;
  if (!fixedNoise) f += 0.5 * ((theta[d + 1] - NOISE_PRIOR.mean) / NOISE_PRIOR.sd) ** 2 + (natural ? theta[d + 1] : 0);
  return f;
}

/** Per-dimension squared differences for the upper triangle (i < j), layout [k][pair]. */
function pairwiseSq(X: Float64Array, n: number, d: number): Float64Array[] {
  const nPairs = (n * (n - 1)) / 2;
  const out: Float64Array[] = [];
  for (let k = 0; k < d; k++) {
    const a = new Float64Array(nPairs);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const xi = X[i * d + k];
      for (let j = i + 1; j < n; j++) {
        const diff = xi - X[j * d + k];
        a[p++] = diff * diff;
      }
    }
    out.push(a);
  }
  return out;
}

/**
 * Negative log marginal likelihood minus log priors, and its gradient in theta.
 * y must already be standardised. Exported for gradient tests.
 */
export function negLogPosterior(
  theta: ArrayLike<number>,
  X: Float64Array,
  n: number,
  d: number,
  y: ArrayLike<number>,
  opts: {
    withPriors?: boolean;
    natural?: boolean;
    fixedNoise?: number;
    D2?: Float64Array[];
    valueOnly?: boolean;
  } = {},
): [number, Float64Array] {
  const D2 = opts.D2 ?? pairwiseSq(X, n, d);
  const withPriors = opts.withPriors ?? true;
  const natural = opts.natural ?? true;
  const invL2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invL2[k] = Math.exp(-2 * theta[k]);
  const s2 = Math.exp(theta[d]);
  const noise = opts.fixedNoise ?? NOISE_FLOOR + Math.exp(theta[d + 1]);
  const nPairs = (n * (n - 1)) / 2;
  const K = new Float64Array(n * n);
  const G = new Float64Array(nPairs); // s2 * 5/3 (1 + sqrt5 r) exp(-sqrt5 r)
  const Kf = new Float64Array(nPairs);
  let p = 0;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = s2 + noise;
    for (let j = i + 1; j < n; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += D2[k][p] * invL2[k];
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const kv = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      K[i * n + j] = kv;
      K[j * n + i] = kv;
      Kf[p] = kv;
      G[p] = s2 * (5 / 3) * (1 + SQRT5 * r) * e;
      p++;
    }
  }
  const grad = new Float64Array(d + 2);
  let L: Float64Array;
  try {
    L = cholesky(K, n).L;
  } catch {
    return [Infinity, grad];
  }
  const alpha = solveUpperT(L, n, solveLower(L, n, y));
  let yAlpha = 0;
  for (let i = 0; i < n; i++) yAlpha += y[i] * alpha[i];
  let f = 0.5 * yAlpha + logDetHalf(L, n) + 0.5 * n * LOG_2PI;
  if (opts.valueOnly)
    return [f + (withPriors ? logPriorPenalty(theta, d, opts.fixedNoise !== undefined, natural) : 0), grad];
  const Kinv = cholInverse(L, n);
  // W = Kinv - alpha alpha^T ; d nll = 0.5 sum_ij W_ij dK_ij
  p = 0;
  let gSignal = 0;
  let trW = 0;
  const gLs = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    trW += Kinv[i * n + i] - alpha[i] * alpha[i];
    gSignal += (Kinv[i * n + i] - alpha[i] * alpha[i]) * s2 * 0.5;
    for (let j = i + 1; j < n; j++) {
      const w = Kinv[i * n + j] - alpha[i] * alpha[j]; // symmetric: counted twice -> factor 2 * 0.5
      gSignal += w * Kf[p];
      const wg = w * G[p];
      for (let k = 0; k < d; k++) gLs[k] += wg * D2[k][p];
      p++;
    }
  }
  for (let k = 0; k < d; k++) grad[k] = gLs[k] * invL2[k];
  grad[d] = gSignal;
  grad[d + 1] = opts.fixedNoise !== undefined ? 0 : 0.5 * trW * Math.exp(theta[d + 1]);
  if (withPriors) {
    f += logPriorPenalty(theta, d, opts.fixedNoise !== undefined, natural);
    const mu = lengthscalePriorMean(d);
    const jacobian = natural ? 1 : 0;
    for (let k = 0; k < d; k++) grad[k] += (theta[k] - mu) / LS_PRIOR_SD ** 2 + jacobian;
    grad[d] += (theta[d] - SV_PRIOR.mean) / SV_PRIOR.sd ** 2;
    if (opts.fixedNoise === undefined)
      grad[d + 1] += (theta[d + 1] - NOISE_PRIOR.mean) / NOISE_PRIOR.sd ** 2 + jacobian;
  }
  return [f, grad];
}

export interface Prediction {
  mean: Float64Array;
  variance: Float64Array;
}

/** What an acquisition needs of a model: its posterior mean and latent variance at m points (row-major m x d). */
export interface Posterior {
  predict(Xs: Float64Array, m: number): Prediction;
  /** the posterior mean alone (no variances: no triangular solves) */
  predictMean(Xs: Float64Array, m: number): Float64Array;
}

/** A GP posterior with fixed hyperparameters. Outputs are reported on the original scale. */
export class GaussianProcess {
  readonly n: number;
  readonly d: number;
  readonly yMean: number;
  readonly yStd: number;
  private readonly L: Float64Array;
  private readonly alpha: Float64Array;
  private readonly invL2: Float64Array;
  private readonly s2: number;
  readonly noise: number;

  constructor(
    readonly X: Float64Array,
    readonly y: Float64Array, // original scale
    readonly hyper: GpHyperparameters,
    standardisation?: { mean: number; std: number },
    fixedNoise?: number,
    /** the Cholesky factor of this model's kernel matrix when the caller has it (condition() extends its own) */
    factor?: Float64Array,
  ) {
    this.d = hyper.logLengthscales.length;
    this.n = y.length;
    const st = standardisation ?? standardise(y);
    this.yMean = st.mean;
    this.yStd = st.std;
    const n = this.n;
    const d = this.d;
    this.invL2 = Float64Array.from(hyper.logLengthscales, (t) => Math.exp(-2 * t));
    this.s2 = Math.exp(hyper.logSignalVar);
    this.noise = fixedNoise ?? NOISE_FLOOR + Math.exp(hyper.logNoiseVar);
    if (factor) this.L = factor;
    else {
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        K[i * n + i] = this.s2 + this.noise;
        for (let j = i + 1; j < n; j++) {
          const v = this.kernel(X, i * d, X, j * d);
          K[i * n + j] = v;
          K[j * n + i] = v;
        }
      }
      this.L = cholesky(K, n).L;
    }
    const ys = Float64Array.from(y, (v) => (v - this.yMean) / this.yStd);
    this.alpha = solveUpperT(this.L, n, solveLower(this.L, n, ys));
  }

  /** The prior covariance of rows ia of A and ib of B (offsets into the row-major arrays), standardised scale. */
  covariance(A: ArrayLike<number>, ia: number, B: ArrayLike<number>, ib: number): number {
    return this.kernel(A, ia, B, ib);
  }

  private kernel(A: ArrayLike<number>, ia: number, B: ArrayLike<number>, ib: number): number {
    let r2 = 0;
    for (let k = 0; k < this.d; k++) {
      const diff = A[ia + k] - B[ib + k];
      r2 += diff * diff * this.invL2[k];
    }
    const r = Math.sqrt(r2);
    return this.s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
  }

  /**
   * Posterior mean and latent variance at m points (row-major m x d), original scale: var = s2 - |L^{-1} k*|^2, the
   * forward substitutions for a chunk of candidates at once (solveLowerRows: blocked JavaScript, or the native BLAS
   * when one is installed), which is most of a suggestion's time at a few hundred observations.
   */
  predict(Xs: Float64Array, m: number): Prediction {
    return this.predictWithFactors(Xs, m, false);
  }

  /** The posterior mean at m points: k*^T alpha, O(m n). */
  predictMean(Xs: Float64Array, m: number): Float64Array {
    const mean = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      let mu = 0;
      for (let i = 0; i < this.n; i++) mu += this.kernel(Xs, c * this.d, this.X, i * this.d) * this.alpha[i];
      mean[c] = this.yMean + this.yStd * mu;
    }
    return mean;
  }

  /**
   * predict(), and with `keep` also the rows L^{-1} k* (m x n, row-major) it computed, for rank-one updates of the
   * same candidates' variances (models/believed-candidates.ts).
   */
  predictWithFactors(Xs: Float64Array, m: number, keep: true): Prediction & { factors: Float64Array };
  predictWithFactors(Xs: Float64Array, m: number, keep: false): Prediction;
  predictWithFactors(Xs: Float64Array, m: number, keep: boolean): Prediction & { factors?: Float64Array } {
    const n = this.n;
    const d = this.d;
    const mean = new Float64Array(m);
    const variance = new Float64Array(m);
    const chunk = Math.max(8, Math.min(m, 128));
    const K = new Float64Array(chunk * n); // kernel rows k*, then L^{-1} k*
    const factors = keep ? new Float64Array(m * n) : undefined;
    const invL2 = this.invL2;
    const s2 = this.s2;
    const X = this.X;
    const alpha = this.alpha;
    const ystd2 = this.yStd * this.yStd;
    for (let c0 = 0; c0 < m; c0 += chunk) {
      const nb = Math.min(chunk, m - c0);
      for (let b = 0; b < nb; b++) {
        const off = (c0 + b) * d;
        const row = b * n;
        let mu = 0;
        for (let i = 0; i < n; i++) {
          let r2 = 0;
          const io = i * d;
          for (let k = 0; k < d; k++) {
            const diff = Xs[off + k] - X[io + k];
            r2 += diff * diff * invL2[k];
          }
          const r = Math.sqrt(r2);
          const kv = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
          K[row + i] = kv;
          mu += kv * alpha[i];
        }
        mean[c0 + b] = this.yMean + this.yStd * mu;
      }
      solveLowerRows(this.L, n, nb, K);
      for (let b = 0; b < nb; b++) {
        const row = b * n;
        let q = 0;
        for (let i = 0; i < n; i++) q += K[row + i] * K[row + i];
        variance[c0 + b] = Math.max(s2 - q, 1e-12) * ystd2;
      }
      factors?.set(K.subarray(0, nb * n), c0 * n);
    }
    return factors ? { mean, variance, factors } : { mean, variance };
  }

  /**
   * The same model (hyperparameters, standardisation) conditioned on q extra points, e.g. kriging-believer fantasies.
   * The Cholesky factor is extended instead of recomputed: with B = L^-1 K(X, Xe) and C C^T = K(Xe, Xe) + noise I -
   * B^T B, the new factor is [[L, 0], [B^T, C]], O(n^2 q) instead of O((n + q)^3) (a study or a server asks with
   * pending points on every suggestion). Falls back to a full factorisation when C needs jitter (an extra point on
   * top of an observed one).
   */
  condition(Xextra: Float64Array, yExtra: ArrayLike<number>): GaussianProcess {
    const q = yExtra.length;
    if (q === 0) return this;
    const n = this.n;
    const d = this.d;
    const N = n + q;
    const X = new Float64Array(this.X.length + Xextra.length);
    X.set(this.X);
    X.set(Xextra, this.X.length);
    const y = new Float64Array(N);
    y.set(this.y);
    y.set(Array.from(yExtra), n);
    const st = { mean: this.yMean, std: this.yStd };
    const B = new Float64Array(q * n); // row j: k(X, xe_j), then L^-1 k(X, xe_j)
    for (let j = 0; j < q; j++) for (let i = 0; i < n; i++) B[j * n + i] = this.kernel(Xextra, j * d, X, i * d);
    solveLowerRows(this.L, n, q, B);
    const S = new Float64Array(q * q); // K(Xe, Xe) + noise I - B^T B
    for (let a = 0; a < q; a++)
      for (let b = 0; b <= a; b++) {
        let v = a === b ? this.s2 + this.noise : this.kernel(Xextra, a * d, Xextra, b * d);
        for (let i = 0; i < n; i++) v -= B[a * n + i] * B[b * n + i];
        S[a * q + b] = v;
        S[b * q + a] = v;
      }
    const C = cholesky(S, q);
    if (C.jitter > 0) return new GaussianProcess(X, y, this.hyper, st, this.noise);
    const L = new Float64Array(N * N);
    for (let i = 0; i < n; i++) L.set(this.L.subarray(i * n, i * n + i + 1), i * N);
    for (let a = 0; a < q; a++) {
      const row = (n + a) * N;
      L.set(B.subarray(a * n, (a + 1) * n), row);
      for (let b = 0; b <= a; b++) L[row + n + b] = C.L[a * q + b];
    }
    return new GaussianProcess(X, y, this.hyper, st, this.noise, L);
  }

  /**
   * The noiseless model of the latent function: the same hyperparameters and standardisation, conditioned on the
   * posterior means at the training inputs with only a numerical jitter as noise. Scoring an acquisition on it is
   * the single-sample (posterior-mean) form of noisy expected improvement (Letham et al. 2019, "Constrained Bayesian
   * optimization with noisy experiments"): the value at an observed input is known, so re-evaluating it, or a point
   * next to it, earns no improvement, where a noisy posterior keeps rewarding the incumbent's own noise forever.
   */
  denoised(): GaussianProcess {
    const mean = this.meanAtTrainingInputs();
    return new GaussianProcess(this.X, mean, this.hyper, { mean: this.yMean, std: this.yStd }, NOISE_FLOOR);
  }

  /**
   * The posterior mean at the n training inputs, original scale: k(X, X) alpha = (K + noise I - noise I) alpha =
   * ys - noise alpha (standardised), O(n) where predict() would cost O(n^3).
   */
  meanAtTrainingInputs(): Float64Array {
    const mean = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const ys = (this.y[i] - this.yMean) / this.yStd;
      mean[i] = this.yMean + this.yStd * (ys - this.noise * this.alpha[i]);
    }
    return mean;
  }

  /** Fits hyperparameters by MAP (multi-start L-BFGS) and returns the posterior. */
  static fit(X: Float64Array, y: Float64Array, d: number, opts: GpFitOptions = {}): GaussianProcess {
    const hyper = fitHyperparameters(X, y, d, opts);
    return new GaussianProcess(
      X,
      y,
      hyper,
      opts.standardise === false ? { mean: 0, std: 1 } : undefined,
      opts.fixedNoise,
    );
  }
}

export function standardise(y: ArrayLike<number>): { mean: number; std: number } {
  const n = y.length;
  if (n === 0) return { mean: 0, std: 1 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - mean) ** 2;
  const std = n > 1 ? Math.sqrt(v / (n - 1)) : 0;
  return { mean, std: std > 1e-12 ? std : 1 };
}

export function fitHyperparameters(
  X: Float64Array,
  y: Float64Array,
  d: number,
  opts: GpFitOptions = {},
): GpHyperparameters {
  const { Xf, n, ys, D2 } = fitData(X, y, d, opts);
  const fg = (t: Float64Array) => negLogPosterior(t, Xf, n, d, ys, { D2, fixedNoise: opts.fixedNoise });
  const starts: Float64Array[] = [];
  if (opts.warm && opts.warm.logLengthscales.length === d) starts.push(packTheta(opts.warm));
  const mu = lengthscalePriorMean(d);
  if (!(opts.singleStart && starts.length > 0)) {
    starts.push(
      packTheta({ logLengthscales: new Array<number>(d).fill(Math.log(0.5)), logSignalVar: 0, logNoiseVar: -6 }),
    );
  }
  if (!opts.warm)
    starts.push(packTheta({ logLengthscales: new Array<number>(d).fill(mu - 1), logSignalVar: 0, logNoiseVar: -4 }));
  const nRandom = opts.randomStarts ?? (opts.warm ? 0 : 2);
  for (let s = 0; s < nRandom && opts.rng; s++) {
    const r = opts.rng;
    starts.push(
      packTheta({
        logLengthscales: Array.from({ length: d }, () => Math.log(0.05) + r.next() * (Math.log(4) - Math.log(0.05))),
        logSignalVar: r.normal() * 0.5,
        logNoiseVar: -4 + r.normal(),
      }),
    );
  }
  let best: { x: Float64Array; f: number } | null = null;
  const lsLo = Math.log(opts.lengthscaleBounds?.[0] ?? 1e-3);
  const lsHi = Math.log(opts.lengthscaleBounds?.[1] ?? 1e3);
  for (const s0 of starts) {
    // clamp starts into the box
    for (let k = 0; k < d; k++) s0[k] = Math.min(Math.max(s0[k], lsLo + 1e-6), lsHi - 1e-6);
    const res = lbfgs(
      (t) => {
        // keep hyperparameters in a box by returning +Inf outside it (line search backs off)
        for (let k = 0; k < d; k++) if (t[k] < lsLo || t[k] > lsHi) return [Infinity, t];
        if (t[d] < -12 || t[d] > 8 || t[d + 1] < -25 || t[d + 1] > 3) return [Infinity, t];
        return fg(t);
      },
      s0,
      { maxIter: opts.maxIter ?? 60, fTol: 1e-7 },
    );
    if (Number.isFinite(res.f) && (!best || res.f < best.f)) best = { x: res.x, f: res.f };
  }
  if (!best) return unpackTheta(starts[starts.length - 1], d);
  return unpackTheta(best.x, d);
}

/** The points a fit sees (a seeded subset above maxFitPoints), standardised outputs and pairwise distances. */
function fitData(
  X: Float64Array,
  y: Float64Array,
  d: number,
  opts: Pick<GpFitOptions, 'maxFitPoints' | 'rng' | 'standardise'>,
): { Xf: Float64Array; n: number; ys: Float64Array; D2: Float64Array[] } {
  let n = y.length;
  let Xf = X;
  let yf: Float64Array = y;
  const maxFit = opts.maxFitPoints ?? Infinity;
  if (n > maxFit) {
    // deterministic subset: a seeded shuffle when an rng is given, else evenly strided
    const idx = Array.from({ length: n }, (_, i) => i);
    if (opts.rng) opts.rng.shuffle(idx);
    else idx.sort((a, b) => ((a * 7919) % n) - ((b * 7919) % n));
    const keep = idx.slice(0, maxFit).sort((a, b) => a - b);
    Xf = new Float64Array(keep.length * d);
    yf = new Float64Array(keep.length);
    keep.forEach((src, i) => {
      Xf.set(X.subarray(src * d, src * d + d), i * d);
      yf[i] = y[src];
    });
    n = keep.length;
  }
  const st = opts.standardise === false ? { mean: 0, std: 1 } : standardise(yf);
  const ys = Float64Array.from(yf, (v) => (v - st.mean) / st.std);
  const D2 = pairwiseSq(Xf, n, d);
  return { Xf, n, ys, D2 };
}

const LS_LOG_BOUNDS: [number, number] = [Math.log(1e-3), Math.log(1e3)];
const SIGNAL_LOG_BOUNDS: [number, number] = [-12, 8];
const NOISE_LOG_BOUNDS: [number, number] = [-25, 3];

/**
 * Draws `count` hyperparameter vectors from their posterior (marginal likelihood times the priors above) by
 * coordinate-wise slice sampling with stepping out (Neal 2003), started at `start` (the MAP fit) and kept one sweep
 * apart. Averaging the acquisition over such samples instead of trusting one MAP fit is the integrated acquisition of
 * Snoek, Larochelle & Adams 2012 ("Practical Bayesian Optimization of Machine Learning Algorithms"): with few
 * observations the length scales are poorly determined, and a single fit that is too smooth makes the posterior
 * over-confident (the search then settles on a box edge or one slope and stops exploring).
 */
export function sampleHyperparameters(
  X: Float64Array,
  y: Float64Array,
  d: number,
  start: GpHyperparameters,
  opts: { rng: Rng; count: number; maxFitPoints?: number; fixedNoise?: number; standardise?: boolean },
): GpHyperparameters[] {
  const { Xf, n, ys, D2 } = fitData(X, y, d, opts);
  const lo = new Float64Array(d + 2);
  const hi = new Float64Array(d + 2);
  for (let k = 0; k < d; k++) [lo[k], hi[k]] = LS_LOG_BOUNDS;
  [lo[d], hi[d]] = SIGNAL_LOG_BOUNDS;
  [lo[d + 1], hi[d + 1]] = NOISE_LOG_BOUNDS;
  const logp = (t: Float64Array): number => {
    for (let k = 0; k < t.length; k++) if (!(t[k] >= lo[k] && t[k] <= hi[k])) return -Infinity;
    const f = negLogPosterior(t, Xf, n, d, ys, { D2, fixedNoise: opts.fixedNoise, valueOnly: true, natural: false })[0];
    return Number.isFinite(f) ? -f : -Infinity;
  };
  const rng = opts.rng;
  const theta = packTheta(start);
  for (let k = 0; k < theta.length; k++) theta[k] = Math.min(hi[k], Math.max(lo[k], theta[k]));
  let cur = logp(theta);
  const out: GpHyperparameters[] = [];
  const coords = opts.fixedNoise !== undefined ? d + 1 : d + 2;
  const width = 1.5;
  for (let s = 0; s < opts.count && Number.isFinite(cur); s++) {
    for (let k = 0; k < coords; k++) {
      const x0 = theta[k];
      const level = cur + Math.log(Math.max(rng.next(), 1e-300));
      let left = x0 - width * rng.next();
      let right = left + width;
      const at = (v: number) => {
        theta[k] = v;
        return logp(theta);
      };
      for (let step = 0; step < 4 && at(left) > level; step++) left -= width;
      for (let step = 0; step < 4 && at(right) > level; step++) right += width;
      for (let tries = 0; ; tries++) {
        const v = left + (right - left) * rng.next();
        const lv = at(v);
        if (lv > level) {
          cur = lv;
          break;
        }
        if (v < x0) left = v;
        else right = v;
        if (tries > 30) {
          theta[k] = x0;
          cur = logp(theta);
          break;
        }
      }
    }
    out.push(unpackTheta(theta, d));
  }
  return out;
}
