/**
 * Exact hypervolume of a point set (all objectives MAXIMISED) with respect to a reference point:
 * the Lebesgue measure of { z : ref <= z <= p for some p in points }.
 *
 * - 1 objective: max(p) - ref.
 * - 2 objectives: sort by the first objective descending and sweep, O(n log n).
 * - >= 3 objectives: WFG (While, Bradstreet & Barone, "A Fast Way of Calculating Exact Hypervolumes",
 *   IEEE TEVC 16(1), 2012): HV(S) = sum_k [ vol(box(ref, p_k)) - HV(nds(limit(p_k, {p_j : j > k}))) ], where
 *   limit(p, q) = componentwise min(p, q) and nds() keeps the non-dominated, distinct points. Points are sorted
 *   by the first objective descending first (which keeps limit sets small), and the recursion bottoms out in the
 *   2-D sweep.
 *
 * Points that do not strictly dominate the reference point in every objective contribute nothing and are dropped.
 */

/** Throws an Error naming the field unless ref is finite and every point has ref.length numeric objectives. */
export function validatePointsAndRef(points: number[][], ref: number[], what: string): void {
  if (!Array.isArray(ref) || ref.length === 0) throw new Error(`${what}: ref must be a non-empty number array`);
  for (let j = 0; j < ref.length; j++) {
    if (typeof ref[j] !== 'number' || !Number.isFinite(ref[j]))
      throw new Error(`${what}: ref[${j}] must be a finite number (got ${ref[j]})`);
  }
  if (!Array.isArray(points)) throw new Error(`${what}: points must be an array`);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Array.isArray(p) || p.length !== ref.length) {
      throw new Error(
        `${what}: points[${i}] must have ${ref.length} objectives like ref (got ${Array.isArray(p) ? p.length : typeof p})`,
      );
    }
    for (let j = 0; j < p.length; j++) {
      if (typeof p[j] !== 'number' || Number.isNaN(p[j]))
        throw new Error(`${what}: points[${i}][${j}] is not a number (${p[j]})`);
    }
  }
}

/** Exact hypervolume (maximisation). */
export function hypervolume(points: number[][], ref: number[]): number {
  validatePointsAndRef(points, ref, 'hypervolume');
  const d = ref.length;
  // Shift so the reference is the origin; keep points strictly above it.
  const shifted: number[][] = [];
  for (const p of points) {
    let ok = true;
    for (let j = 0; j < d; j++) if (!(p[j] > ref[j])) ok = false;
    if (!ok) continue;
    const q = new Array<number>(d);
    for (let j = 0; j < d; j++) q[j] = p[j] - ref[j];
    shifted.push(q);
  }
  return hvOrigin(shifted, d);
}

/** Hypervolume of points (all coordinates > 0) with respect to the origin. */
export function hvOrigin(points: number[][], d: number): number {
  const n = points.length;
  if (n === 0) return 0;
  if (d === 1) {
    let m = 0;
    for (const p of points) if (p[0] > m) m = p[0];
    return m;
  }
  if (n === 1) return boxVolume(points[0], d);
  if (d === 2) return hv2d(points);
  return hvNds(nonDominatedDistinct(points, d), d);
}

function boxVolume(p: number[], d: number): number {
  let v = 1;
  for (let j = 0; j < d; j++) v *= p[j];
  return v;
}

/** 2-D sweep with respect to the origin; points need not be non-dominated. */
function hv2d(points: number[][]): number {
  const s = points.slice().sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let area = 0;
  let yMax = 0;
  for (const p of s) {
    if (p[1] > yMax) {
      area += p[0] * (p[1] - yMax);
      yMax = p[1];
    }
  }
  return area;
}

/** WFG over points sorted by the first objective descending. */
function wfg(sorted: number[][], d: number): number {
  const n = sorted.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const p = sorted[k];
    const inclusive = boxVolume(p, d);
    if (k === n - 1) {
      total += inclusive;
      continue;
    }
    const limit: number[][] = [];
    for (let j = k + 1; j < n; j++) {
      const q = sorted[j];
      const m = new Array<number>(d);
      for (let t = 0; t < d; t++) m[t] = q[t] < p[t] ? q[t] : p[t];
      limit.push(m);
    }
    total += inclusive - hvNds(nonDominatedDistinct(limit, d), d);
  }
  return total;
}

function hvNds(points: number[][], d: number): number {
  const n = points.length;
  if (n === 0) return 0;
  if (n === 1) return boxVolume(points[0], d);
  if (d === 2) return hv2d(points);
  return wfg(points, d); // already sorted by objective 0 descending
}

/**
 * Non-dominated, pairwise-distinct subset, returned sorted by objective 0 descending (ties: lexicographic
 * descending), so that only earlier points can dominate later ones.
 */
function nonDominatedDistinct(points: number[][], d: number): number[][] {
  const s = points.slice().sort((a, b) => {
    for (let t = 0; t < d; t++) if (a[t] !== b[t]) return b[t] - a[t];
    return 0;
  });
  const out: number[][] = [];
  for (const p of s) {
    let dominated = false;
    for (const q of out) {
      // q comes earlier in the lexicographic-descending order, so p cannot dominate q; check q >= p (weakly).
      let geq = true;
      for (let t = 0; t < d; t++) {
        if (q[t] < p[t]) {
          geq = false;
          break;
        }
      }
      if (geq) {
        dominated = true; // strictly dominated or an exact duplicate
        break;
      }
    }
    if (!dominated) out.push(p);
  }
  return out;
}

/**
 * Hypervolume contributed exclusively by `point` given the set `front`: HV(front + point) - HV(front).
 * Computed as vol(box(ref, point)) - HV({ min(point, q) : q in front }) (the WFG exclusive volume).
 */
export function hypervolumeImprovement(point: number[], front: number[][], ref: number[]): number {
  validatePointsAndRef(front, ref, 'hypervolumeImprovement');
  validatePointsAndRef([point], ref, 'hypervolumeImprovement(point)');
  return hypervolumeImprovementUnchecked(point, front, ref);
}

/** hypervolumeImprovement without input validation (hot loops that validated once, e.g. Monte-Carlo EHVI). */
export function hypervolumeImprovementUnchecked(
  point: readonly number[],
  front: readonly (readonly number[])[],
  ref: readonly number[],
): number {
  const d = ref.length;
  const p = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    p[j] = point[j] - ref[j];
    if (!(p[j] > 0)) return 0;
  }
  const limit: number[][] = [];
  for (const q of front) {
    const m = new Array<number>(d);
    let ok = true;
    for (let t = 0; t < d; t++) {
      const v = q[t] - ref[t];
      m[t] = v < p[t] ? v : p[t];
      if (!(m[t] > 0)) ok = false;
    }
    if (ok) limit.push(m);
  }
  const nd = nonDominatedDistinct(limit, d);
  return boxVolume(p, d) - hvNds(nd, d);
}
