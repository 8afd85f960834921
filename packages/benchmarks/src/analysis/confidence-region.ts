/**
 * Bootstrap "confidence region" of a random-search frontier (as in the SigOpt studies): random search was run
 * with a larger budget than the optimizer, so draw `k` of its `n` trials WITHOUT replacement (a budget-sized
 * random search), take the 2-D Pareto frontier of the draw, and histogram the frontier points on a grid.
 * Repeating this R times (default 800), density[iy][ix] = (number of draws whose frontier has a point in cell
 * (ix, iy)) / R, i.e. the probability that a budget-k random search puts a frontier point in that cell.
 * A cell is counted at most once per draw, so densities lie in [0, 1]; with k = n every draw is the full set and
 * the density is exactly 1 on the cells of the frontier points and 0 elsewhere.
 *
 * Coordinates are the raw metric values; `maximize` says which direction is better for each objective
 * (default both maximised). Points outside the grid are not counted; a point on the upper edge counts in the
 * last cell. density rows are indexed by y (as plotly heatmap z[y][x]).
 */
import { z } from 'zod';
import { Rng } from '@paretobench/optimizer';
import { describeZodIssues } from '../zod-issues.ts';

export const ConfidenceGridSchema = z
  .object({
    x: z.tuple([z.number(), z.number()]),
    y: z.tuple([z.number(), z.number()]),
    nx: z.number().int().min(1).max(10000),
    ny: z.number().int().min(1).max(10000),
  })
  .superRefine((g, ctx) => {
    if (!(g.x[0] < g.x[1])) ctx.addIssue({ code: 'custom', path: ['x'], message: 'needs x[0] < x[1]' });
    if (!(g.y[0] < g.y[1])) ctx.addIssue({ code: 'custom', path: ['y'], message: 'needs y[0] < y[1]' });
  });
export type ConfidenceGrid = z.infer<typeof ConfidenceGridSchema>;

export const ConfidenceRegionOptionsSchema = z.object({
  repeats: z.number().int().min(1).max(1_000_000).optional(),
  grid: ConfidenceGridSchema,
  seed: z.number().int().optional(),
  maximize: z.tuple([z.boolean(), z.boolean()]).optional(),
});
export type ConfidenceRegionOptions = z.infer<typeof ConfidenceRegionOptionsSchema>;

export interface ConfidenceRegion {
  /** density[iy][ix] in [0, 1]. */
  density: number[][];
  /** nx + 1 cell edges on x. */
  xEdges: number[];
  /** ny + 1 cell edges on y. */
  yEdges: number[];
}

export function confidenceRegion(points: number[][], k: number, opts: ConfidenceRegionOptions): ConfidenceRegion {
  const parsed = ConfidenceRegionOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    throw new Error(`confidenceRegion: ${describeZodIssues(parsed.error, 'opts.')}`);
  }
  const { grid } = parsed.data;
  const repeats = parsed.data.repeats ?? 800;
  const seed = parsed.data.seed ?? 0;
  const [maxX, maxY] = parsed.data.maximize ?? [true, true];
  if (!Array.isArray(points)) throw new Error('confidenceRegion: points must be an array of [x, y]');
  const n = points.length;
  points.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new Error(`confidenceRegion: points[${i}] must be two finite numbers (got ${JSON.stringify(p)})`);
    }
  });
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`confidenceRegion: k must be an integer in [1, ${n}] (got ${k})`);

  const { nx, ny } = grid;
  const [x0, x1] = grid.x;
  const [y0, y1] = grid.y;
  const xEdges = Array.from({ length: nx + 1 }, (_, i) => (i === nx ? x1 : x0 + ((x1 - x0) * i) / nx));
  const yEdges = Array.from({ length: ny + 1 }, (_, i) => (i === ny ? y1 : y0 + ((y1 - y0) * i) / ny));

  // Oriented copies (both maximised) and each point's cell (-1 when outside the grid).
  const ox = new Float64Array(n);
  const oy = new Float64Array(n);
  const cell = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = points[i];
    ox[i] = maxX ? x : -x;
    oy[i] = maxY ? y : -y;
    if (x < x0 || x > x1 || y < y0 || y > y1) {
      cell[i] = -1;
      continue;
    }
    const ix = Math.min(nx - 1, Math.floor(((x - x0) / (x1 - x0)) * nx));
    const iy = Math.min(ny - 1, Math.floor(((y - y0) / (y1 - y0)) * ny));
    cell[i] = iy * nx + ix;
  }
  // Points ordered once by oriented x descending, then y descending: a draw's frontier is then one linear scan.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => ox[b] - ox[a] || oy[b] - oy[a]);

  const counts = new Float64Array(nx * ny);
  const stamp = new Int32Array(nx * ny).fill(-1);
  const selected = new Uint8Array(n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);

  for (let r = 0; r < repeats; r++) {
    // partial Fisher-Yates: perm[0..k) is a uniform k-subset (any starting permutation works)
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      selected[perm[i]] = 1;
    }
    // frontier scan (same tie rules as paretoFront: equal copies all stay)
    let bestY = -Infinity;
    let seen = false;
    let i = 0;
    while (i < n) {
      // next x-group among selected points
      while (i < n && !selected[order[i]]) i++;
      if (i >= n) break;
      const gx = ox[order[i]];
      const gy = oy[order[i]]; // max y of the group (y descending within equal x)
      const keep = !seen || gy > bestY;
      for (; i < n && ox[order[i]] === gx; i++) {
        const p = order[i];
        if (!selected[p]) continue;
        if (keep && oy[p] === gy) {
          const c = cell[p];
          if (c >= 0 && stamp[c] !== r) {
            stamp[c] = r;
            counts[c]++;
          }
        }
      }
      if (keep) {
        bestY = gy;
        seen = true;
      }
    }
    for (let t = 0; t < k; t++) selected[perm[t]] = 0;
  }

  const density: number[][] = [];
  for (let iy = 0; iy < ny; iy++) {
    const row = new Array<number>(nx);
    for (let ix = 0; ix < nx; ix++) row[ix] = counts[iy * nx + ix] / repeats;
    density.push(row);
  }
  return { density, xEdges, yEdges };
}
