import { describe, expect, it } from 'vitest';
import { confidenceRegion } from './confidence-region.ts';
import { paretoFront } from '@paretobench/optimizer';
import { Rng } from '@paretobench/optimizer';

const GRID = { x: [0, 4] as [number, number], y: [0, 4] as [number, number], nx: 4, ny: 4 };

function cellOf(p: number[]): [number, number] {
  return [Math.min(3, Math.floor(p[0])), Math.min(3, Math.floor(p[1]))];
}

describe('confidenceRegion', () => {
  it("k = n: density is exactly 1 on the frontier points' cells and 0 elsewhere", () => {
    const pts = [
      [0.5, 3.5], // frontier
      [1.5, 2.5], // dominated by (1.6, 2.6)
      [3.5, 0.5], // frontier
      [1.2, 2.2], // dominated
      [0.2, 0.2], // dominated
      [1.6, 2.6], // frontier
    ];
    const r = confidenceRegion(pts, pts.length, { grid: GRID, repeats: 50, seed: 1 });
    const front = paretoFront(pts);
    const expected = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (const i of front) {
      const [ix, iy] = cellOf(pts[i]);
      expected[iy][ix] = 1;
    }
    expect(r.density).toEqual(expected);
    expect(r.xEdges).toEqual([0, 1, 2, 3, 4]);
    expect(r.yEdges).toEqual([0, 1, 2, 3, 4]);
    // two frontier points in one cell still count once per draw
    const two = confidenceRegion(
      [
        [1.2, 1.8],
        [1.8, 1.2],
      ],
      2,
      { grid: GRID, repeats: 10 },
    );
    expect(two.density[1][1]).toBe(1);
  });

  it('k of n frequencies match the exact subset probabilities', () => {
    // A, B, C mutually non-dominated in different cells; D dominated only by A.
    const A = [2.5, 2.5];
    const B = [0.5, 3.5];
    const C = [3.5, 0.5];
    const D = [1.5, 1.5];
    const R = 20000;
    const r = confidenceRegion([A, B, C, D], 2, { grid: GRID, repeats: R, seed: 3 });
    // P(X in the draw) = 1/2 for A, B, C (on the frontier whenever drawn); P(D drawn and A not) = 2/6
    const checks: [number[], number][] = [
      [A, 1 / 2],
      [B, 1 / 2],
      [C, 1 / 2],
      [D, 1 / 3],
    ];
    for (const [p, prob] of checks) {
      const [ix, iy] = cellOf(p);
      const se = Math.sqrt((prob * (1 - prob)) / R);
      expect(Math.abs(r.density[iy][ix] - prob)).toBeLessThan(4 * se);
    }
    // all other cells empty; total mass = expected number of frontier cells per draw = 3/2 + 1/3
    const total = r.density.flat().reduce((a, b) => a + b, 0);
    expect(Math.abs(total - (1.5 + 1 / 3))).toBeLessThan(0.03);
  });

  it('a minimised objective equals the maximised mirror image; densities are probabilities; deterministic per seed', () => {
    const rng = new Rng(6);
    const pts = Array.from({ length: 60 }, () => [rng.next(), rng.next()]);
    const grid = { x: [0, 1] as [number, number], y: [0, 1] as [number, number], nx: 5, ny: 5 };
    // minimising y is the same as maximising -y on the mirrored grid
    const a = confidenceRegion(pts, 10, { grid, repeats: 300, seed: 9, maximize: [true, false] });
    const mirrored = pts.map(([x, y]) => [x, 1 - y]);
    const b = confidenceRegion(mirrored, 10, { grid, repeats: 300, seed: 9 });
    for (let iy = 0; iy < 5; iy++) {
      for (let ix = 0; ix < 5; ix++) expect(a.density[iy][ix]).toBeCloseTo(b.density[4 - iy][ix], 12);
    }
    // densities are probabilities
    for (const row of a.density) for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
    // deterministic per seed
    expect(confidenceRegion(pts, 10, { grid, repeats: 300, seed: 9, maximize: [true, false] })).toEqual(a);
  });

  it('default R = 800 gives densities in multiples of 1/800', () => {
    const rng = new Rng(2);
    const pts = Array.from({ length: 30 }, () => [rng.uniform(0, 4), rng.uniform(0, 4)]);
    const r = confidenceRegion(pts, 5, { grid: GRID });
    for (const row of r.density)
      for (const v of row) expect(Math.abs(v * 800 - Math.round(v * 800))).toBeLessThan(1e-9);
  });

  it('validates its inputs with the field name', () => {
    expect(() => confidenceRegion([[1, 1]], 2, { grid: GRID })).toThrow(/k must be an integer in \[1, 1\]/);
    expect(() => confidenceRegion([[1, 1]], 1, { grid: { ...GRID, nx: 0 } })).toThrow(/opts\.grid\.nx/);
    expect(() => confidenceRegion([[1, 1]], 1, { grid: { ...GRID, x: [2, 1] } })).toThrow(/opts\.grid\.x/);
    expect(() => confidenceRegion([[1, NaN]], 1, { grid: GRID })).toThrow(/points\[0\]/);
  });
});
