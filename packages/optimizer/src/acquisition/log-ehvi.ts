/**
 * Expected hypervolume improvement (EHVI) for MAXIMISATION under independent Gaussian predictive distributions.
 *
 * 2 objectives, exact (Emmerich, Giannakoglou & Naujoks 2006; the closed form of Yang, Emmerich, Deutz & Baeck
 * 2019 "Efficient computation of expected hypervolume improvement using box decomposition algorithms"):
 * sort the front (non-dominated, strictly above the reference r) by the first objective, q_0.x < ... < q_{K-1}.x
 * (so q_0.y > ... > q_{K-1}.y). The region above r that the front does not dominate is the disjoint union of
 * K + 1 cells
 *     C_i = [xl_i, xu_i) x [yl_i, inf),  xl_0 = r.x, xl_i = q_{i-1}.x,  xu_i = q_i.x (xu_K = inf),
 *                                        yl_i = q_i.y (yl_K = r.y),
 * and the hypervolume improvement of y is HVI(y) = sum_i (min(y1, xu_i) - xl_i)^+ (y2 - yl_i)^+.
 * With Y1 ~ N(mu1, s1^2), Y2 ~ N(mu2, s2^2) independent, each term factorises:
 *     E[(Y2 - b)^+]            = s2 h((mu2 - b) / s2),
 *     E[(min(Y1, u) - l)^+]    = s1 [ h((mu1 - l) / s1) - h((mu1 - u) / s1) ],
 * where h(z) = phi(z) + z Phi(z) is the expected-improvement function. So
 *     EHVI = s1 s2 sum_i [ h(zl_i) - h(zu_i) ] h(w_i).
 *
 * It is evaluated in LOG space, like BoTorch's LogEI (Ament, Daulton, Eriksson, Balandat & Bakshy 2023,
 * "Unexpected improvements to expected improvement"): log h(z) uses log(phi(z) + z Phi(z)) for z > -1,
 * log phi(z) + log1mexp(log(|z| sqrt(pi/2) erfcx(|z|/sqrt 2))) for -20 < z <= -1, and the asymptotic series
 * h(z)/phi(z) = 1/z^2 - 3/z^4 + 15/z^6 - ... below; log(h(zl) - h(zu)) = log h(zl) + log1mexp(log h(zu) -
 * log h(zl)), or for a narrow strip the midpoint rule of int_{zu}^{zl} Phi; the cells are combined with a
 * log-sum-exp. The result stays finite and strictly increasing in the means far below the frontier
 * (e.g. 1000 standard deviations), where plain EHVI underflows to 0.
 *
 * Three or more objectives use the same closed form over a decomposition into columns (log-ehvi-columns.ts).
 */
import type { Posterior } from '../models/gp.ts';
import type { AcquisitionFunction } from './acquisition-function.ts';
import { logH } from './log-ei.ts';
import { normalCdfOverPdf, normalLogCdf, log1mexp } from '../math/normal.ts';

/**
 * log(h(zl) - h(zu)) = log int_{zu}^{zl} Phi(t) dt for zl > zu, given lhl = log h(zl) and lhu = log h(zu)
 * (h' = Phi). zu may be -Infinity (lhu = -Infinity), for the last, unbounded strip.
 */
export function logHDiff(zl: number, zu: number, lhl: number, lhu: number): number {
  if (lhu === -Infinity) return lhl;
  const w = zl - zu;
  if (!(w > 0)) return -Infinity;
  const m = 0.5 * (zl + zu);
  const am = m < 0 ? -m : m;
  if (w * (am > 1 ? am : 1) < 1e-3) {
    // midpoint rule with its leading correction: w Phi(m) (1 - w^2/24 m phi(m)/Phi(m))
    return Math.log(w) + normalLogCdf(m) + Math.log1p((-(w * w) / 24) * (m / normalCdfOverPdf(m)));
  }
  const d = lhu - lhl;
  if (d < -40) return lhl; // log1mexp(d) = -exp(d) > -5e-18
  if (!(d < 0)) return Math.log(w) + normalLogCdf(m); // rounding; cannot happen for w above the threshold
  return lhl + log1mexp(d);
}

/** Front prepared for repeated 2-D EHVI evaluation: the K + 1 cells of the non-dominated region. */
export interface Ehvi2dPrepared {
  readonly ref: readonly [number, number];
  /** Front points used (non-dominated, distinct, strictly above ref), sorted by objective 0 ascending. */
  readonly front: readonly (readonly [number, number])[];
  /** Number of cells, K + 1. */
  readonly nCells: number;
  /** Breakpoints on objective 0: xb[0] = ref.x, xb[i] = front[i-1].x; cell i spans [xb[i], xb[i+1]) with xb[K+1] = inf. */
  readonly xb: Float64Array;
  /** Lower bound of cell i on objective 1: front[i].y, and ref.y for the last cell. */
  readonly yl: Float64Array;
  /** Scratch (per evaluation): z and log h at the x-breakpoints, length K + 1. */
  readonly zx: Float64Array;
  readonly lhx: Float64Array;
}

function checkFront2d(front: number[][], ref: readonly number[], what: string): void {
  if (!Array.isArray(ref) || ref.length !== 2 || !Number.isFinite(ref[0]) || !Number.isFinite(ref[1])) {
    throw new Error(`${what}: ref must be two finite numbers (got ${JSON.stringify(ref)})`);
  }
  if (!Array.isArray(front)) throw new Error(`${what}: front must be an array of [number, number]`);
  for (let i = 0; i < front.length; i++) {
    const p = front[i];
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new Error(`${what}: front[${i}] must be two finite numbers (got ${JSON.stringify(p)})`);
    }
  }
}

/** Non-dominated, distinct points strictly above ref, sorted by x ascending (then y descending). */
function frontAbove(front: number[][], ref: readonly number[]): [number, number][] {
  const pts = front
    .filter((p) => p[0] > ref[0] && p[1] > ref[1])
    .map((p) => [p[0], p[1]] as [number, number])
    .sort((a, b) => b[0] - a[0] || b[1] - a[1]); // x descending
  const kept: [number, number][] = [];
  let bestY = -Infinity;
  for (const p of pts) {
    if (p[1] > bestY) {
      kept.push(p);
      bestY = p[1];
    }
  }
  kept.reverse(); // x ascending, y descending
  return kept;
}

/** Decompose the non-dominated region of `front` above `ref` into cells for logEhvi2dBatch / logEhvi2dPrepared. */
export function prepareEhvi2d(front: number[][], ref: readonly [number, number] | number[]): Ehvi2dPrepared {
  checkFront2d(front, ref, 'prepareEhvi2d');
  const q = frontAbove(front, ref);
  const K = q.length;
  const xb = new Float64Array(K + 1);
  const yl = new Float64Array(K + 1);
  xb[0] = ref[0];
  for (let i = 0; i < K; i++) {
    xb[i + 1] = q[i][0];
    yl[i] = q[i][1];
  }
  yl[K] = ref[1];
  return {
    ref: [ref[0], ref[1]],
    front: q,
    nCells: K + 1,
    xb,
    yl,
    zx: new Float64Array(K + 1),
    lhx: new Float64Array(K + 1),
  };
}

/** log EHVI of one candidate against a prepared front. sigma <= 0 means a noiseless (deterministic) objective. */
export function logEhvi2dPrepared(prep: Ehvi2dPrepared, mu0: number, mu1: number, s0: number, s1: number): number {
  const { xb, yl, zx, lhx, nCells } = prep;
  const K = nCells - 1;
  const det0 = !(s0 > 1e-300);
  const det1 = !(s1 > 1e-300);
  const logS = (det0 ? 0 : Math.log(s0)) + (det1 ? 0 : Math.log(s1));
  // objective 0 at the breakpoints
  if (!det0) {
    for (let j = 0; j <= K; j++) {
      const z = (mu0 - xb[j]) / s0;
      zx[j] = z;
      lhx[j] = logH(z);
    }
  }
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i <= K; i++) {
    let a: number; // log E[(min(Y0, xu) - xl)^+]
    if (det0) {
      const xu = i < K ? xb[i + 1] : Infinity;
      const v = (mu0 < xu ? mu0 : xu) - xb[i];
      a = v > 0 ? Math.log(v) : -Infinity;
    } else {
      a = i < K ? logHDiff(zx[i], zx[i + 1], lhx[i], lhx[i + 1]) : lhx[i];
    }
    if (a === -Infinity) continue;
    let b: number; // log E[(Y1 - yl)^+]
    if (det1) {
      const v = mu1 - yl[i];
      b = v > 0 ? Math.log(v) : -Infinity;
    } else {
      b = logH((mu1 - yl[i]) / s1);
    }
    if (b === -Infinity) continue;
    const t = a + b;
    if (t > max) {
      sum = max - t < -40 ? 1 : sum * Math.exp(max - t) + 1;
      max = t;
    } else if (t - max > -40) {
      sum += Math.exp(t - max); // terms below exp(-40) of the largest change nothing at double precision
    }
  }
  if (max === -Infinity) return -Infinity;
  return logS + max + Math.log(sum);
}

/**
 * Batched log EHVI: out[n] = log EHVI of candidate n with means (mu0[n], mu1[n]) and standard deviations
 * (s0[n], s1[n]) against the prepared front. No allocation per candidate.
 */
export function logEhvi2dBatch(
  prep: Ehvi2dPrepared,
  mu0: Float64Array,
  mu1: Float64Array,
  s0: Float64Array,
  s1: Float64Array,
  out: Float64Array,
): Float64Array {
  const n = mu0.length;
  if (mu1.length !== n || s0.length !== n || s1.length !== n || out.length < n) {
    throw new Error(
      `logEhvi2dBatch: mu0, mu1, s0, s1 must have equal lengths and out at least that (got ${n}, ${mu1.length}, ${s0.length}, ${s1.length}, out ${out.length})`,
    );
  }
  for (let c = 0; c < n; c++) out[c] = logEhvi2dPrepared(prep, mu0[c], mu1[c], s0[c], s1[c]);
  return out;
}

/** log EHVI (maximisation, exact box decomposition) of one candidate. Returns -Infinity when EHVI is exactly 0. */
export function logEhvi2d(
  mu: readonly [number, number] | number[],
  sigma: readonly [number, number] | number[],
  front: number[][],
  ref: readonly [number, number] | number[],
): number {
  if (mu.length !== 2 || sigma.length !== 2)
    throw new Error(`logEhvi2d: mu and sigma must have 2 entries (got ${mu.length}, ${sigma.length})`);
  if (!Number.isFinite(mu[0]) || !Number.isFinite(mu[1]))
    throw new Error(`logEhvi2d: mu must be finite (got ${JSON.stringify(mu)})`);
  if (!(sigma[0] >= 0) || !(sigma[1] >= 0))
    throw new Error(`logEhvi2d: sigma must be >= 0 (got ${JSON.stringify(sigma)})`);
  return logEhvi2dPrepared(prepareEhvi2d(front, ref), mu[0], mu[1], sigma[0], sigma[1]);
}

/** EHVI itself (may underflow to 0 far from the frontier; prefer logEhvi2d for optimisation). */
export function ehvi2d(
  mu: readonly [number, number] | number[],
  sigma: readonly [number, number] | number[],
  front: number[][],
  ref: readonly [number, number] | number[],
): number {
  return Math.exp(logEhvi2d(mu, sigma, front, ref));
}

/** Hypervolume improvement of `point` over `front` in 2-D (maximisation), via the same cell decomposition. */
export function hvi2d(point: readonly number[], front: number[][], ref: readonly [number, number] | number[]): number {
  checkFront2d(front, ref, 'hvi2d');
  if (point.length !== 2) throw new Error(`hvi2d: point must have 2 entries (got ${point.length})`);
  return hvi2dPrepared(prepareEhvi2d(front, ref), point[0], point[1]);
}

/** 2-D hypervolume improvement against a prepared front: sum_i (min(y0, xu_i) - xl_i)^+ (y1 - yl_i)^+. */
export function hvi2dPrepared(prep: Ehvi2dPrepared, y0: number, y1: number): number {
  const { xb, yl, nCells } = prep;
  const K = nCells - 1;
  let total = 0;
  for (let i = 0; i <= K; i++) {
    const xl = xb[i];
    if (y0 <= xl) break; // breakpoints increase
    const xu = i < K ? xb[i + 1] : Infinity;
    const dy = y1 - yl[i];
    if (dy <= 0) continue;
    total += ((y0 < xu ? y0 : xu) - xl) * dy;
  }
  return total;
}

/**
 * Exact 2-D log EHVI under two independent GP posteriors (one per objective, maximisation orientation) against a
 * prepared front (observed front, denoised, plus believed pending points) and reference point.
 */
export class LogExpectedHypervolumeImprovement2d implements AcquisitionFunction {
  constructor(
    readonly models: readonly [Posterior, Posterior],
    readonly prepared: Ehvi2dPrepared,
  ) {}

  logScore(X: Float64Array, m: number): Float64Array {
    const a = this.models[0].predict(X, m);
    const b = this.models[1].predict(X, m);
    return logEhvi2dBatch(
      this.prepared,
      a.mean,
      b.mean,
      a.variance.map(Math.sqrt),
      b.variance.map(Math.sqrt),
      new Float64Array(m),
    );
  }
}
