/**
 * Exact expected hypervolume improvement for any number of objectives m >= 2 (MAXIMISATION) under independent
 * Gaussian predictive distributions, in log space: the closed form of log-ehvi.ts over a decomposition of the
 * non-dominated region into columns.
 *
 * Decomposition. Take the front P (non-dominated points strictly above the reference point r). On each of the first
 * m - 1 objectives, the breakpoints r_j < p_j (p in P, distinct, sorted) cut the axis into intervals
 * [l, u) (the last one unbounded). A column is a product of one interval per objective j < m. For a point z inside a
 * column, p in P dominates z on the first m - 1 objectives exactly when p_j >= u_j for every j < m (breakpoints are
 * the front's own coordinates, so p_j is either >= u_j or <= l_j), hence the part of the column that the front does
 * not dominate is the half-line [L, inf) on the last objective, with
 *
 *     L = max(r_m, max { p_m : p in P, p_j >= u_j for all j < m }).
 *
 * The columns are disjoint and cover the non-dominated region above r, so the hypervolume improvement of y is
 *
 *     HVI(y) = sum_columns prod_{j < m} (min(y_j, u_j) - l_j)^+ * (y_m - L)^+,
 *
 * and with independent Y_j ~ N(mu_j, s_j^2) each term's expectation factorises into the one-dimensional terms of
 * log-ehvi.ts: E[(min(Y, u) - l)^+] = s [h((mu - l)/s) - h((mu - u)/s)], E[(Y - L)^+] = s h((mu - L)/s). This is
 * the grid form of the box decompositions of Yang, Emmerich, Deutz & Baeck (2019), merged along the last objective.
 * The number of columns is prod_{j<m} (number of breakpoints on j) <= (|P| + 1)^(m - 1): cheap for 3 objectives,
 * and `maxColumns` lets the caller fall back to a scalarisation when a 4+-objective front makes it large. For
 * m = 2 it is exactly the K + 1 cells of prepareEhvi2d.
 *
 * Per candidate the cost is O(sum_j |breakpoints_j|) log-h evaluations plus one addition per column and objective.
 */
import type { Posterior } from '../models/gp.ts';
import type { AcquisitionFunction } from './acquisition-function.ts';
import { logH } from './log-ei.ts';
import { logHDiff } from './log-ehvi.ts';
import { paretoFront } from '../multi-objective/pareto.ts';

/** Front prepared for repeated EHVI evaluation against it. */
export interface EhviColumnsPrepared {
  /** number of objectives */
  readonly m: number;
  readonly ref: readonly number[];
  /** front points used: non-dominated, strictly above ref */
  readonly front: readonly (readonly number[])[];
  /** breakpoints of objective j < m - 1 (ref_j first, ascending); interval k is [b[k], b[k+1]) with b[len] = inf */
  readonly breaks: readonly Float64Array[];
  /** offset of objective j's intervals in the flat per-candidate table of interval terms */
  readonly offsets: Int32Array;
  readonly nColumns: number;
  /** nColumns x (m - 1): flat index (offsets[j] + k) of each column's interval on objective j */
  readonly columnIntervals: Int32Array;
  /** distinct lower bounds L on the last objective, and each column's index into them */
  readonly levels: Float64Array;
  readonly columnLevel: Int32Array;
}

function checkFront(front: readonly (readonly number[])[], ref: readonly number[], what: string): void {
  if (!Array.isArray(ref) || ref.length < 2 || !ref.every((v) => Number.isFinite(v))) {
    throw new Error(`${what}: ref must be at least two finite numbers (got ${JSON.stringify(ref)})`);
  }
  if (!Array.isArray(front)) throw new Error(`${what}: front must be an array of points`);
  for (let i = 0; i < front.length; i++) {
    const p = front[i] as readonly number[] | null | undefined;
    if (typeof p !== 'object' || p === null || p.length !== ref.length || !p.every((v) => Number.isFinite(v))) {
      throw new Error(`${what}: front[${i}] must be ${ref.length} finite numbers like ref (got ${JSON.stringify(p)})`);
    }
  }
}

/**
 * The non-dominated points of `front` strictly above `ref` on every objective. Equal copies may stay: they add no
 * breakpoint (breakpoints are distinct values) and no other lower bound.
 */
function nonDominatedAbove(front: readonly (readonly number[])[], ref: readonly number[]): number[][] {
  const above = front.filter((p) => p.every((v, j) => v > ref[j])).map((p) => [...p]);
  return paretoFront(above).map((i) => above[i]);
}

/** Number of columns the decomposition of `front` above `ref` would have (to decide before preparing it). */
export function ehviColumnCount(front: readonly (readonly number[])[], ref: readonly number[]): number {
  checkFront(front, ref, 'ehviColumnCount');
  const q = nonDominatedAbove(front, ref);
  let count = 1;
  for (let j = 0; j < ref.length - 1; j++) count *= new Set(q.map((p) => p[j])).size + 1;
  return count;
}

/** Decompose the non-dominated region of `front` above `ref` into columns (see the file comment). */
export function prepareEhviColumns(front: readonly (readonly number[])[], ref: readonly number[]): EhviColumnsPrepared {
  checkFront(front, ref, 'prepareEhviColumns');
  const m = ref.length;
  const q = nonDominatedAbove(front, ref);
  const breaks: Float64Array[] = [];
  const offsets = new Int32Array(m - 1);
  let width = 0;
  for (let j = 0; j < m - 1; j++) {
    const vals = [...new Set(q.map((p) => p[j]))].sort((a, b) => a - b);
    breaks.push(Float64Array.from([ref[j], ...vals]));
    offsets[j] = width;
    width += vals.length + 1;
  }
  let nColumns = 1;
  for (const b of breaks) nColumns *= b.length;
  const columnIntervals = new Int32Array(nColumns * (m - 1));
  const lower = new Float64Array(nColumns);
  const idx = new Int32Array(m - 1);
  for (let c = 0; c < nColumns; c++) {
    let L = ref[m - 1];
    for (const p of q) {
      let dominatesColumn = true;
      for (let j = 0; j < m - 1; j++) {
        const b = breaks[j];
        const u = idx[j] + 1 < b.length ? b[idx[j] + 1] : Infinity;
        if (p[j] < u) {
          dominatesColumn = false;
          break;
        }
      }
      if (dominatesColumn && p[m - 1] > L) L = p[m - 1];
    }
    lower[c] = L;
    for (let j = 0; j < m - 1; j++) columnIntervals[c * (m - 1) + j] = offsets[j] + idx[j];
    // next multi-index (objective 0 fastest)
    for (let j = 0; j < m - 1; j++) {
      if (++idx[j] < breaks[j].length) break;
      idx[j] = 0;
    }
  }
  const levels = Float64Array.from([...new Set(lower)].sort((a, b) => a - b));
  const levelOf = new Map<number, number>();
  levels.forEach((v, i) => levelOf.set(v, i));
  const columnLevel = Int32Array.from(lower, (v) => levelOf.get(v)!);
  return { m, ref: [...ref], front: q, breaks, offsets, nColumns, columnIntervals, levels, columnLevel };
}

/** Scratch tables reused across candidates of one batch. */
class Scratch {
  readonly interval: Float64Array;
  readonly level: Float64Array;
  readonly z: Float64Array;
  readonly lh: Float64Array;
  constructor(prep: EhviColumnsPrepared) {
    let width = 0;
    let maxBreaks = 0;
    for (const b of prep.breaks) {
      width += b.length;
      maxBreaks = Math.max(maxBreaks, b.length);
    }
    this.interval = new Float64Array(width);
    this.level = new Float64Array(prep.levels.length);
    this.z = new Float64Array(maxBreaks);
    this.lh = new Float64Array(maxBreaks);
  }
}

function logEhviWith(prep: EhviColumnsPrepared, scratch: Scratch, mu: ArrayLike<number>, s: ArrayLike<number>): number {
  const { m, breaks, offsets, nColumns, columnIntervals, levels, columnLevel } = prep;
  const { interval, level, z, lh } = scratch;
  let logS = 0;
  // log E[(min(Y_j, u) - l)^+] for every interval of every objective j < m - 1
  for (let j = 0; j < m - 1; j++) {
    const b = breaks[j];
    const K = b.length;
    const o = offsets[j];
    const sj = s[j];
    if (!(sj > 1e-300)) {
      for (let k = 0; k < K; k++) {
        const u = k + 1 < K ? b[k + 1] : Infinity;
        const v = (mu[j] < u ? mu[j] : u) - b[k];
        interval[o + k] = v > 0 ? Math.log(v) : -Infinity;
      }
      continue;
    }
    logS += Math.log(sj);
    for (let k = 0; k < K; k++) {
      z[k] = (mu[j] - b[k]) / sj;
      lh[k] = logH(z[k]);
    }
    for (let k = 0; k < K; k++) interval[o + k] = k + 1 < K ? logHDiff(z[k], z[k + 1], lh[k], lh[k + 1]) : lh[k];
  }
  // log E[(Y_m - L)^+] for every level
  const sl = s[m - 1];
  const ml = mu[m - 1];
  if (sl > 1e-300) {
    logS += Math.log(sl);
    for (let i = 0; i < levels.length; i++) level[i] = logH((ml - levels[i]) / sl);
  } else {
    for (let i = 0; i < levels.length; i++) {
      const v = ml - levels[i];
      level[i] = v > 0 ? Math.log(v) : -Infinity;
    }
  }
  let max = -Infinity;
  let sum = 0;
  const w = m - 1;
  for (let c = 0; c < nColumns; c++) {
    let t = level[columnLevel[c]];
    for (let j = 0; j < w && t !== -Infinity; j++) t += interval[columnIntervals[c * w + j]];
    if (t === -Infinity) continue;
    if (t > max) {
      sum = max - t < -40 ? 1 : sum * Math.exp(max - t) + 1;
      max = t;
    } else if (t - max > -40) {
      sum += Math.exp(t - max);
    }
  }
  if (max === -Infinity) return -Infinity;
  return logS + max + Math.log(sum);
}

/** log EHVI of one candidate with means `mu` and standard deviations `sigma` (0: deterministic objective). */
export function logEhviColumns(prep: EhviColumnsPrepared, mu: readonly number[], sigma: readonly number[]): number {
  if (mu.length !== prep.m || sigma.length !== prep.m) {
    throw new Error(`logEhviColumns: mu and sigma must have ${prep.m} entries (got ${mu.length}, ${sigma.length})`);
  }
  if (!mu.every((v) => Number.isFinite(v)))
    throw new Error(`logEhviColumns: mu must be finite (got ${JSON.stringify(mu)})`);
  if (!sigma.every((v) => v >= 0)) throw new Error(`logEhviColumns: sigma must be >= 0 (got ${JSON.stringify(sigma)})`);
  return logEhviWith(prep, new Scratch(prep), mu, sigma);
}

/** Hypervolume improvement of `y` over the prepared front: the same sum over columns, deterministic. */
export function hviColumns(prep: EhviColumnsPrepared, y: readonly number[]): number {
  if (y.length !== prep.m) throw new Error(`hviColumns: y must have ${prep.m} entries (got ${y.length})`);
  return Math.exp(logEhviWith(prep, new Scratch(prep), y, new Array<number>(prep.m).fill(0)));
}

/**
 * log EHVI under m independent GP posteriors (one per objective, maximisation orientation) against a prepared front
 * (observed front, denoised, plus believed pending points) and reference point.
 */
export class LogExpectedHypervolumeImprovement implements AcquisitionFunction {
  constructor(
    readonly models: readonly Posterior[],
    readonly prepared: EhviColumnsPrepared,
  ) {
    if (models.length !== prepared.m) {
      throw new Error(`LogExpectedHypervolumeImprovement: ${models.length} models for ${prepared.m} objectives`);
    }
  }

  logScore(X: Float64Array, n: number): Float64Array {
    const m = this.prepared.m;
    const post = this.models.map((g) => g.predict(X, n));
    const scratch = new Scratch(this.prepared);
    const mu = new Float64Array(m);
    const s = new Float64Array(m);
    const out = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      for (let j = 0; j < m; j++) {
        mu[j] = post[j].mean[c];
        s[j] = Math.sqrt(post[j].variance[c]);
      }
      out[c] = logEhviWith(this.prepared, scratch, mu, s);
    }
    return out;
  }
}
