/**
 * Acquisition optimisation over a mixed space, on the unit-cube relaxation:
 *  1. score raw candidates: uniform/quasi-random points plus perturbations of anchor points
 *     (the current Pareto set), every candidate projected onto the valid lattice first so
 *     ints/categoricals are scored exactly as they would be suggested;
 *  2. refine the best few by a batched stochastic pattern search (accept improving moves,
 *     shrink the step otherwise);
 *  3. greedy search over integer / category neighbours of the best points;
 *  4. return candidates best first (the caller skips duplicates of observed/pending points).
 * With `trustRegion` (a side length L), every candidate's doubles and integers are confined to the union of the
 * boxes of side L (L-infinity balls, cut to the cube) centred at the anchors, as in the trust regions of TuRBO
 * (Eriksson et al. 2019) and MORBO (Daulton et al. 2022): raw candidates are drawn in those boxes and each candidate
 * is folded into the box of its nearest anchor by reflection. Categorical columns stay free.
 */
import type { Rng } from '../math/rng.ts';
import type { SpaceEncoding } from '../space/space.ts';

export type BatchScore = (X: Float64Array, m: number) => Float64Array;

export interface AcqOptimizeOptions {
  rng: Rng;
  rawSamples: number;
  /** encoded points to perturb around (e.g. the Pareto set) */
  anchors: readonly number[][];
  perturbationsPerAnchor: number;
  refineStarts: number;
  refineIterations: number;
  /** optional quasi-random generator for raw samples in the encoded cube */
  rawPoints?: (n: number, dim: number) => number[][];
  /** side length of the trust regions around the anchors (0 or absent: the whole cube) */
  trustRegion?: number;
}

export interface ScoredPoint {
  x: number[];
  score: number;
}

export function optimizeAcquisition(enc: SpaceEncoding, score: BatchScore, opts: AcqOptimizeOptions): ScoredPoint[] {
  const D = enc.dim;
  const rng = opts.rng;
  const pool = new Map<string, ScoredPoint>();
  const keyOf = (x: readonly number[]) => x.map((v) => v.toFixed(10)).join(',');
  const discrete = enc.hasDiscrete;
  const half = (opts.trustRegion ?? 0) / 2;
  const local = half > 0 && opts.anchors.length > 0;
  /**
   * Columns the trust regions confine: doubles and integers. A categorical's one-hot columns stay free (a box around
   * a one-hot anchor would fix its category for good, as CASMOPOLITAN notes for mixed spaces).
   */
  const confined = new Array<boolean>(D).fill(true);
  for (const c of enc.columns)
    if (c.param.type === 'categorical') for (let k = 0; k < c.width; k++) confined[c.offset + k] = false;
  /**
   * The trust region of an anchor: its box of side 2 half, cut to the unit cube. The columns of a parameter the
   * anchor's conditionals leave inactive stay free too: the anchor holds them at a fixed place, not at a good value.
   */
  const regionOf = (a: readonly number[]) => {
    const active = enc.activeColumns(a);
    const box = (k: number) => confined[k] && active[k];
    return {
      lo: a.map((v, k) => (box(k) ? Math.max(0, v - half) : 0)),
      hi: a.map((v, k) => (box(k) ? Math.min(1, v + half) : 1)),
      box: a.map((_, k) => box(k)),
    };
  };
  const regions = local ? opts.anchors.map(regionOf) : [];
  /**
   * x folded into the trust region of its nearest anchor (L-infinity distance) by reflection at the region's faces:
   * clamping would put every overshooting step exactly on a face (and on the cube's bound where the two meet).
   */
  const toRegion = (x: number[]): number[] => {
    let r = 0;
    let nearest = Infinity;
    opts.anchors.forEach((a, i) => {
      let dist = 0;
      for (let k = 0; k < D && dist < nearest; k++) if (regions[i].box[k]) dist = Math.max(dist, Math.abs(x[k] - a[k]));
      if (dist < nearest) [nearest, r] = [dist, i];
    });
    if (nearest <= half) return x;
    const { lo, hi } = regions[r];
    return x.map((v, k) => (hi[k] > lo[k] ? lo[k] + (hi[k] - lo[k]) * reflect((v - lo[k]) / (hi[k] - lo[k])) : lo[k]));
  };
  const prep = (x0: number[]) => {
    const x = local ? toRegion(x0) : x0;
    return discrete ? enc.project(x) : x.map((v) => Math.min(1, Math.max(0, v)));
  };

  const evaluate = (points: number[][]): ScoredPoint[] => {
    const fresh: number[][] = [];
    const out: ScoredPoint[] = [];
    const seenLocal = new Set<string>();
    for (const p of points) {
      const k = keyOf(p);
      const known = pool.get(k);
      if (known) out.push(known);
      else if (!seenLocal.has(k)) {
        seenLocal.add(k);
        fresh.push(p);
      }
    }
    if (fresh.length > 0) {
      const X = new Float64Array(fresh.length * D);
      fresh.forEach((p, i) => X.set(p, i * D));
      const s = score(X, fresh.length);
      fresh.forEach((p, i) => {
        const sp = { x: p, score: Number.isNaN(s[i]) ? -Infinity : s[i] };
        pool.set(keyOf(p), sp);
        out.push(sp);
      });
    }
    return out;
  };

  // 1. raw candidates
  const unit: number[][] = opts.rawPoints
    ? opts.rawPoints(opts.rawSamples, D)
    : Array.from({ length: opts.rawSamples }, () => Array.from({ length: D }, () => rng.next()));
  // in trust regions: the raw points spread over the anchors' boxes (cycling through the anchors)
  const raw = unit.map((u, i) => {
    if (!local) return prep(u);
    const { lo, hi } = regions[i % regions.length];
    return prep(u.map((v, k) => lo[k] + (hi[k] - lo[k]) * v));
  });
  const pDim = Math.min(1, Math.max(2 / D, 0.2));
  for (const a of opts.anchors) {
    for (let k = 0; k < opts.perturbationsPerAnchor; k++) {
      const sd = [0.005, 0.02, 0.06, 0.15][k % 4];
      raw.push(prep(perturb(a, sd, pDim, rng)));
    }
  }
  evaluate(raw);

  // 2. refinement of the best distinct starts
  const best = () => [...pool.values()].sort((a, b) => b.score - a.score);
  let starts = best()
    .slice(0, opts.refineStarts)
    .map((p) => ({ ...p, step: 0.05 }));
  const perStart = 8;
  for (let it = 0; it < opts.refineIterations && starts.length > 0; it++) {
    const proposals: number[][] = [];
    for (const s of starts) for (let k = 0; k < perStart; k++) proposals.push(prep(perturb(s.x, s.step, 0.5, rng)));
    const scored = evaluate(proposals);
    starts = starts.map((s, i) => {
      let top = s;
      for (let k = 0; k < perStart; k++) {
        const c = scored[i * perStart + k];
        if (c && c.score > top.score) top = { ...c, step: s.step };
      }
      if (top === s) return { ...s, step: s.step * 0.5 };
      return { ...top, step: Math.min(top.step * 1.5, 0.2) };
    });
    starts = starts.filter((s) => s.step > 1e-4);
  }

  // 3. integer / category neighbours of the best points (greedy, a few rounds)
  if (discrete) {
    let frontier = best().slice(0, 3);
    for (let round = 0; round < 4 && frontier.length > 0; round++) {
      const next: ScoredPoint[] = [];
      for (const p of frontier) {
        const nb = evaluate(enc.neighbours(p.x));
        let top = p;
        for (const c of nb) if (c.score > top.score) top = c;
        if (top !== p) next.push(top);
      }
      frontier = next;
    }
  }
  return best();
}

function perturb(x: readonly number[], sd: number, pDim: number, rng: Rng): number[] {
  const D = x.length;
  const out = x.slice();
  const forced = rng.int(D);
  for (let j = 0; j < D; j++) {
    if (j === forced || rng.next() < pDim) out[j] = reflect(out[j] + sd * rng.normal());
  }
  return out;
}

/**
 * Folds a coordinate back into [0, 1] by reflection at the bounds. Clamping would put every step that overshoots
 * exactly on the bound, so that a perturbation search proposes box edges far more often than interior points.
 */
export function reflect(v: number): number {
  let u = Math.abs(v) % 2;
  if (u > 1) u = 2 - u;
  return u;
}
