/**
 * Share of the union frontier: pool the point sets of several methods (e.g. "optimizer" and "random"),
 * take the Pareto frontier of the pool, and report which fraction of its points each method contributed
 * (the figure "the optimizer's frontier is 85.7% of the union frontier" of the SigOpt studies).
 *
 * All objectives MAXIMISED. Equal points from different sets are all on the union frontier (equal points do
 * not dominate each other) and each copy counts for its own set, so the shares sum to 1 whenever the union is
 * non-empty.
 */
import { paretoFront } from '@paretobench/optimizer';

export interface FrontierShareResult {
  /** The union frontier's points (sorted by objective 0 descending, then the others descending). */
  union: number[][];
  /** Name of the set each union point came from (parallel to `union`). */
  from: string[];
  /** Number of union-frontier points contributed by each set. */
  counts: Record<string, number>;
  /** counts / union.length (0 for every set when the union frontier is empty). */
  share: Record<string, number>;
}

export function frontierShare(sets: Record<string, number[][]>): FrontierShareResult {
  if (sets === null || typeof sets !== 'object')
    throw new Error('frontierShare: sets must be an object of name -> points');
  const names = Object.keys(sets);
  const pool: number[][] = [];
  const owner: string[] = [];
  let dim = -1;
  for (const name of names) {
    const pts = sets[name];
    if (!Array.isArray(pts)) throw new Error(`frontierShare: sets.${name} must be an array of points`);
    pts.forEach((p, i) => {
      if (!Array.isArray(p) || p.length === 0 || p.some((v) => typeof v !== 'number' || Number.isNaN(v))) {
        throw new Error(`frontierShare: sets.${name}[${i}] must be a non-empty array of numbers`);
      }
      if (dim === -1) dim = p.length;
      if (p.length !== dim)
        throw new Error(`frontierShare: sets.${name}[${i}] has ${p.length} objectives, expected ${dim}`);
      pool.push(p);
      owner.push(name);
    });
  }
  const idx = paretoFront(pool);
  idx.sort((a, b) => {
    const p = pool[a];
    const q = pool[b];
    for (let t = 0; t < p.length; t++) if (p[t] !== q[t]) return q[t] - p[t];
    return a - b;
  });
  const counts: Record<string, number> = {};
  const share: Record<string, number> = {};
  for (const name of names) counts[name] = 0;
  for (const i of idx) counts[owner[i]]++;
  for (const name of names) share[name] = idx.length > 0 ? counts[name] / idx.length : 0;
  return { union: idx.map((i) => pool[i].slice()), from: idx.map((i) => owner[i]), counts, share };
}
