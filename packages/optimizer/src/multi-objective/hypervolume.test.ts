import { describe, expect, it } from 'vitest';
import { hypervolume, hypervolumeImprovement } from './hypervolume.ts';
import { Rng } from '../math/rng.ts';

/** Inclusion-exclusion over all non-empty subsets: sum (-1)^{|S|+1} vol(box(ref, min(S))). Exact, O(2^n). */
function hvInclusionExclusion(points: number[][], ref: number[]): number {
  const n = points.length;
  const d = ref.length;
  let total = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    const m = new Array<number>(d).fill(Infinity);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        bits++;
        for (let t = 0; t < d; t++) m[t] = Math.min(m[t], points[i][t]);
      }
    }
    let v = 1;
    for (let t = 0; t < d; t++) v *= Math.max(0, m[t] - ref[t]);
    total += bits % 2 === 1 ? v : -v;
  }
  return total;
}

function hvMonteCarlo(
  points: number[][],
  ref: number[],
  upper: number[],
  n: number,
  rng: Rng,
): { est: number; se: number } {
  const d = ref.length;
  let boxVol = 1;
  for (let t = 0; t < d; t++) boxVol *= upper[t] - ref[t];
  let hits = 0;
  const z = new Array<number>(d);
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < d; t++) z[t] = rng.uniform(ref[t], upper[t]);
    if (points.some((p) => p.every((v, t) => v >= z[t]))) hits++;
  }
  const p = hits / n;
  return { est: boxVol * p, se: boxVol * Math.sqrt((p * (1 - p)) / n) };
}

describe('hypervolume, 2-D', () => {
  it('hand example: staircase (1,3),(2,2),(3,1) over the origin = 6', () => {
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [0, 0],
      ),
    ).toBe(6);
    expect(
      hypervolume(
        [
          [3, 1],
          [1, 3],
          [2, 2],
        ],
        [0, 0],
      ),
    ).toBe(6);
  });
  it('points on a line: p_i = (i/n, 1 - (i-1)/n) gives (n+1)/(2n)', () => {
    for (const n of [1, 2, 5, 100, 1000]) {
      const pts = Array.from({ length: n }, (_, k) => [(k + 1) / n, 1 - k / n]);
      expect(hypervolume(pts, [0, 0])).toBeCloseTo((n + 1) / (2 * n), 12);
    }
  });
  it('points on the quarter circle approach pi/4 from below', () => {
    const n = 20000;
    const pts = Array.from({ length: n }, (_, k) => {
      const a = ((k + 0.5) / n) * (Math.PI / 2);
      return [Math.cos(a), Math.sin(a)];
    });
    const hv = hypervolume(pts, [0, 0]);
    expect(hv).toBeLessThan(Math.PI / 4);
    expect(Math.PI / 4 - hv).toBeLessThan(2 / n); // staircase error ~ 1/n
  });
  it('ignores dominated points, duplicates and points not strictly dominating the reference', () => {
    const base = hypervolume(
      [
        [1, 3],
        [2, 2],
        [3, 1],
      ],
      [0, 0],
    );
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
          [1, 1],
          [2, 2],
          [0.5, 0.5],
          [5, 0],
          [-1, 10],
        ],
        [0, 0],
      ),
    ).toBe(base);
    expect(hypervolume([], [0, 0])).toBe(0);
    expect(hypervolume([[-1, -1]], [0, 0])).toBe(0);
  });
  it('shifts with the reference point', () => {
    expect(
      hypervolume(
        [
          [11, 13],
          [12, 12],
          [13, 11],
        ],
        [10, 10],
      ),
    ).toBe(6);
    // (1,3) and (3,1) only touch the reference box; (2,2) leaves a 1 x 1 square
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [1, 1],
      ),
    ).toBe(1);
  });
  it('1-D is max - ref', () => {
    expect(hypervolume([[3], [5], [-1]], [1])).toBe(4);
  });
  it('names the bad field', () => {
    expect(() => hypervolume([[1, 2]], [0, 0, 0])).toThrow(/points\[0\] must have 3 objectives/);
    expect(() => hypervolume([[1, 2]], [0, NaN])).toThrow(/ref\[1\]/);
  });
});

describe('hypervolume reproduces the published maximum hypervolumes of BoTorch test problems (anchors)', () => {
  it('ZDT1 (front f2 = 1 - sqrt(f1), minimisation ref [11, 11]) -> 120.667', () => {
    const n = 20000;
    const pts = Array.from({ length: n }, (_, i) => {
      const f1 = i / (n - 1);
      return [-f1, -(1 - Math.sqrt(f1))]; // negated: maximisation
    });
    const hv = hypervolume(pts, [-11, -11]);
    expect(hv).toBeLessThan(120 + 2 / 3);
    expect(hv).toBeCloseTo(120.667, 2);
  });
  it('DTLZ2 with 2 objectives (quarter circle, ref [1.1, 1.1]) -> 1.21 - pi/4 = 0.424602', () => {
    const n = 20000;
    const pts = Array.from({ length: n }, (_, i) => {
      const a = (i / (n - 1)) * (Math.PI / 2);
      return [-Math.cos(a), -Math.sin(a)];
    });
    const hv = hypervolume(pts, [-1.1, -1.1]);
    expect(hv).toBeLessThan(0.424602);
    expect(hv).toBeCloseTo(0.424602, 3);
  });
});

describe('hypervolume, >= 3-D (WFG)', () => {
  it('hand-computed 3-D cases', () => {
    expect(hypervolume([[1, 1, 1]], [0, 0, 0])).toBe(1);
    expect(
      hypervolume(
        [
          [2, 1, 1],
          [1, 2, 1],
        ],
        [0, 0, 0],
      ),
    ).toBe(3);
    // 3 boxes of 6, pairwise intersections 2 each, triple 1: 18 - 6 + 1
    expect(
      hypervolume(
        [
          [1, 2, 3],
          [2, 3, 1],
          [3, 1, 2],
        ],
        [0, 0, 0],
      ),
    ).toBe(13);
  });
  it('equals the 2-D sweep when the third objective is constant', () => {
    const rng = new Rng(5);
    const pts2 = Array.from({ length: 40 }, () => [rng.next(), rng.next()]);
    const pts3 = pts2.map(([a, b]) => [a, b, 2]);
    expect(hypervolume(pts3, [0, 0, 0.5])).toBeCloseTo(1.5 * hypervolume(pts2, [0, 0]), 12);
    const pts4 = pts2.map(([a, b]) => [3, a, 1, b]);
    expect(hypervolume(pts4, [0, 0, 0, 0])).toBeCloseTo(3 * hypervolume(pts2, [0, 0]), 12);
  });
  it('matches exact inclusion-exclusion on random 3-D and 4-D sets', () => {
    const rng = new Rng(9);
    for (const d of [3, 4, 5]) {
      for (let trial = 0; trial < 8; trial++) {
        const n = 3 + rng.int(8);
        const pts = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next()));
        const ref = new Array<number>(d).fill(0);
        expect(hypervolume(pts, ref)).toBeCloseTo(hvInclusionExclusion(pts, ref), 12);
      }
    }
  });
  it('matches inclusion-exclusion with ties and duplicates', () => {
    const rng = new Rng(10);
    for (let trial = 0; trial < 10; trial++) {
      const pts = Array.from({ length: 9 }, () => [rng.int(4) + 1, rng.int(4) + 1, rng.int(4) + 1]);
      expect(hypervolume(pts, [0, 0, 0])).toBeCloseTo(hvInclusionExclusion(pts, [0, 0, 0]), 10);
    }
  });
  it('agrees with a Monte-Carlo estimate on a 3-D spherical front (~pi/6) and a 4-D front', () => {
    const rng = new Rng(21);
    const sphere: number[][] = [];
    for (let i = 0; i < 60; i++) {
      const g = [Math.abs(rng.normal()), Math.abs(rng.normal()), Math.abs(rng.normal())];
      const r = Math.hypot(g[0], g[1], g[2]);
      sphere.push(g.map((v) => v / r));
    }
    const hv3 = hypervolume(sphere, [0, 0, 0]);
    expect(hv3).toBeLessThan(Math.PI / 6);
    const mc3 = hvMonteCarlo(sphere, [0, 0, 0], [1, 1, 1], 200000, rng);
    expect(Math.abs(hv3 - mc3.est)).toBeLessThan(4 * mc3.se);

    const pts4: number[][] = [];
    for (let i = 0; i < 40; i++) {
      const g = [rng.next(), rng.next(), rng.next(), rng.next()];
      const s = g[0] + g[1] + g[2] + g[3];
      pts4.push(g.map((v) => v / s)); // on the simplex: mutually non-dominated
    }
    const hv4 = hypervolume(pts4, [0, 0, 0, 0]);
    const mc4 = hvMonteCarlo(pts4, [0, 0, 0, 0], [1, 1, 1, 1], 200000, rng);
    expect(Math.abs(hv4 - mc4.est)).toBeLessThan(4 * mc4.se);
  });
});

describe('hypervolumeImprovement', () => {
  it('equals HV(front + p) - HV(front) in 2-D, 3-D and 4-D', () => {
    const rng = new Rng(33);
    for (const d of [2, 3, 4]) {
      for (let trial = 0; trial < 10; trial++) {
        const front = Array.from({ length: 8 }, () => Array.from({ length: d }, () => rng.next()));
        const p = Array.from({ length: d }, () => rng.uniform(0.2, 1.1));
        const ref = new Array<number>(d).fill(0.05);
        const expected = hypervolume([...front, p], ref) - hypervolume(front, ref);
        expect(hypervolumeImprovement(p, front, ref)).toBeCloseTo(expected, 12);
      }
    }
  });
  it('is 0 for a dominated point and the box volume for an empty front', () => {
    expect(hypervolumeImprovement([1, 1], [[2, 2]], [0, 0])).toBe(0);
    expect(hypervolumeImprovement([2, 3, 4], [], [1, 1, 1])).toBe(6);
    expect(hypervolumeImprovement([0.5, 3], [], [1, 1])).toBe(0);
  });
});
