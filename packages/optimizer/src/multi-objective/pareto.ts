/**
 * Pareto dominance, non-dominated sorting and frontier extraction.
 *
 * Orientation: every objective is MAXIMISED (negate minimised metrics before calling).
 * Ties: equal points do not dominate each other, so duplicates of a frontier point all stay on the frontier.
 */

function checkPoints(points: number[][], what: string): number {
  if (!Array.isArray(points)) throw new Error(`${what}: points must be an array of number arrays`);
  if (points.length === 0) return 0;
  const d = points[0]?.length ?? 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Array.isArray(p) || p.length !== d) {
      throw new Error(
        `${what}: points[${i}] must be an array of ${d} numbers (got ${Array.isArray(p) ? p.length : typeof p})`,
      );
    }
    for (let j = 0; j < d; j++) {
      if (typeof p[j] !== 'number' || Number.isNaN(p[j]))
        throw new Error(`${what}: points[${i}][${j}] is not a number (${p[j]})`);
    }
  }
  return d;
}

/** True when a >= b in every objective and a > b in at least one (maximisation). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) throw new Error(`dominates: points have different lengths (${a.length} vs ${b.length})`);
  let strictly = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) strictly = true;
  }
  return strictly;
}

/**
 * Non-dominated sorting: fronts as arrays of point indices (ascending within each front); front 0 is the
 * Pareto set, front r + 1 is the Pareto set of what remains after removing fronts 0..r.
 * 2 objectives: O(n log n) sweep (Jensen 2003): points in order of x descending (then y descending) join the
 * first front whose last point does not dominate them, found by binary search.
 * More objectives: Deb et al. (2002) fast non-dominated sort, O(M n^2).
 */
export function nonDominatedSort(points: number[][]): number[][] {
  const d = checkPoints(points, 'nonDominatedSort');
  if (points.length === 0) return [];
  return d === 2 ? nonDominatedSort2d(points) : nonDominatedSortGeneric(points);
}

/** Deb et al. (2002) fast non-dominated sort for any number of objectives (no input checks). */
export function nonDominatedSortGeneric(points: number[][]): number[][] {
  const n = points.length;
  if (n === 0) return [];
  const d = points[0].length;
  const dominatedBy = new Int32Array(n); // how many points dominate i
  const dominatesList: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const a = points[i];
    for (let j = i + 1; j < n; j++) {
      const b = points[j];
      let aBetter = false;
      let bBetter = false;
      for (let t = 0; t < d; t++) {
        if (a[t] > b[t]) aBetter = true;
        else if (a[t] < b[t]) bBetter = true;
        if (aBetter && bBetter) break;
      }
      if (aBetter && !bBetter) {
        dominatesList[i].push(j);
        dominatedBy[j]++;
      } else if (bBetter && !aBetter) {
        dominatesList[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominatesList[i]) {
        if (--dominatedBy[j] === 0) next.push(j);
      }
    }
    next.sort((a, b) => a - b);
    current = next;
  }
  return fronts;
}

function nonDominatedSort2d(points: number[][]): number[][] {
  const n = points.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => points[b][0] - points[a][0] || points[b][1] - points[a][1]);
  // Within a front, points arrive with x non-increasing and y strictly increasing (or equal copies), so the
  // front's last point has its largest y; q (earlier) dominates p iff q.y >= p.y and q != p. The last ys
  // decrease strictly from front to front, which makes "first front not dominating p" a binary search.
  const lastX: number[] = [];
  const lastY: number[] = [];
  const fronts: number[][] = [];
  for (const i of order) {
    const [x, y] = points[i];
    let lo = 0;
    let hi = fronts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const dominated = lastY[mid] > y || (lastY[mid] === y && lastX[mid] !== x);
      if (dominated) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts.length) {
      fronts.push([]);
      lastX.push(x);
      lastY.push(y);
    }
    fronts[lo].push(i);
    lastX[lo] = x;
    lastY[lo] = y;
  }
  for (const f of fronts) f.sort((a, b) => a - b);
  return fronts;
}

/** Indices (ascending) of the non-dominated points; all equal copies of a frontier point are kept. */
export function paretoFront(points: number[][]): number[] {
  const d = checkPoints(points, 'paretoFront');
  const n = points.length;
  if (n === 0) return [];
  if (d === 2) return paretoFront2d(points);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let dominated = false;
    for (let j = 0; j < n && !dominated; j++) {
      if (j !== i && dominates(points[j], points[i])) dominated = true;
    }
    if (!dominated) keep.push(i);
  }
  return keep;
}

/** O(n log n) 2-D frontier: sweep by x descending, keep points whose y is >= the best y seen at larger x. */
function paretoFront2d(points: number[][]): number[] {
  const n = points.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => points[b][0] - points[a][0] || points[b][1] - points[a][1]);
  const keep: number[] = [];
  let bestY = -Infinity; // best y among points with strictly larger x
  let seen = false;
  let i = 0;
  while (i < n) {
    // group of equal x; within it sorted by y descending
    const x = points[order[i]][0];
    let j = i;
    while (j < n && points[order[j]][0] === x) j++;
    const groupMaxY = points[order[i]][1];
    // a point in the group is non-dominated iff its y equals the group's max y and that y exceeds bestY
    // (a point with strictly larger x and y >= ours dominates us; so does an equal-x point with larger y).
    if (!seen || groupMaxY > bestY) {
      for (let k = i; k < j && points[order[k]][1] === groupMaxY; k++) keep.push(order[k]);
      bestY = groupMaxY;
      seen = true;
    }
    i = j;
  }
  keep.sort((a, b) => a - b);
  return keep;
}
