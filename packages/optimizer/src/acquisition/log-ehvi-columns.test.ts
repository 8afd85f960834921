import { describe, expect, it } from 'vitest';
import { ehviColumnCount, hviColumns, logEhviColumns, prepareEhviColumns } from './log-ehvi-columns.ts';
import { logEhvi2d } from './log-ehvi.ts';
import { hypervolume, hypervolumeImprovement } from '../multi-objective/hypervolume.ts';
import { paretoFront } from '../multi-objective/pareto.ts';
import { Rng } from '../math/rng.ts';

/** A random non-dominated front on the positive part of the unit sphere (DTLZ2-like), m objectives. */
function sphereFront(rng: Rng, n: number, m: number): number[][] {
  const pts = Array.from({ length: n }, () => {
    const v = Array.from({ length: m }, () => Math.abs(rng.normal()) + 1e-3);
    const r = Math.hypot(...v);
    // maximisation: points on the sphere of radius 1 (a concave front), shifted to [0.1, 1.1]
    return v.map((x) => x / r + 0.1);
  });
  return paretoFront(pts).map((i) => pts[i]);
}

describe('log EHVI over columns', () => {
  it('counts (|P| + 1)^(m - 1) columns for a front in general position, fewer when coordinates repeat', () => {
    const rng = new Rng(3);
    const f = sphereFront(rng, 7, 3);
    expect(ehviColumnCount(f, [0, 0, 0])).toBe((f.length + 1) ** 2);
    expect(prepareEhviColumns(f, [0, 0, 0]).nColumns).toBe((f.length + 1) ** 2);
    // two points sharing their first coordinate: one breakpoint fewer on that objective
    expect(
      ehviColumnCount(
        [
          [1, 2, 3],
          [1, 3, 2],
        ],
        [0, 0, 0],
      ),
    ).toBe(2 * 3);
    // points below the reference point and dominated points do not count
    expect(
      ehviColumnCount(
        [
          [1, 1, 1],
          [0.5, 0.5, 0.5],
          [-1, 5, 5],
        ],
        [0, 0, 0],
      ),
    ).toBe(4);
  });

  it('with deterministic objectives, equals the exact hypervolume improvement (3 and 4 objectives)', () => {
    const rng = new Rng(11);
    for (const m of [3, 4]) {
      for (let t = 0; t < 20; t++) {
        const front = sphereFront(rng, 3 + Math.floor(rng.next() * 8), m);
        const ref = new Array<number>(m).fill(0);
        const prep = prepareEhviColumns(front, ref);
        const y = Array.from({ length: m }, () => 0.05 + rng.next() * 1.1);
        const expected = hypervolume([...front, y], ref) - hypervolume(front, ref);
        expect(hviColumns(prep, y)).toBeCloseTo(expected, 10);
        expect(hypervolumeImprovement(y, front, ref)).toBeCloseTo(expected, 10);
      }
    }
    // a known value: front {(2,1,1), (1,2,1), (1,1,2)} above 0; y = (2,2,2) adds 8 - 4 = 4
    const prep = prepareEhviColumns(
      [
        [2, 1, 1],
        [1, 2, 1],
        [1, 1, 2],
      ],
      [0, 0, 0],
    );
    expect(hviColumns(prep, [2, 2, 2])).toBeCloseTo(4, 12);
    expect(hviColumns(prep, [1, 1, 1])).toBe(0);
  });

  it('reduces to the exact 2-D log EHVI for two objectives', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 50; t++) {
      const front = sphereFront(rng, 2 + Math.floor(rng.next() * 6), 2);
      const ref = [rng.next() * 0.1, rng.next() * 0.1];
      const mu = [rng.next() * 1.4 - 0.2, rng.next() * 1.4 - 0.2];
      const sigma = [0.01 + rng.next() * 0.3, 0.01 + rng.next() * 0.3];
      expect(logEhviColumns(prepareEhviColumns(front, ref), mu, sigma)).toBeCloseTo(
        logEhvi2d(mu, sigma, front, ref),
        9,
      );
    }
  });

  it('agrees with a Monte-Carlo estimate of E[HVI] with three objectives', () => {
    const rng = new Rng(7);
    const front = sphereFront(rng, 6, 3);
    const ref = [0, 0, 0];
    const prep = prepareEhviColumns(front, ref);
    for (const [mu, sigma] of [
      [
        [0.7, 0.7, 0.7],
        [0.2, 0.1, 0.3],
      ],
      [
        [1.0, 0.2, 0.5],
        [0.05, 0.4, 0.2],
      ],
    ]) {
      const n = 20000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const y = mu.map((v, j) => v + sigma[j] * rng.normal());
        const v = hypervolumeImprovement(y, front, ref);
        s += v;
        s2 += v * v;
      }
      const mean = s / n;
      const se = Math.sqrt((s2 / n - mean * mean) / n);
      const exact = Math.exp(logEhviColumns(prep, mu, sigma));
      expect(mean).toBeGreaterThan(0.01);
      expect(Math.abs(exact - mean)).toBeLessThan(4 * se);
    }
  });

  it('stays finite and increasing in the means far below the front, where EHVI underflows', () => {
    const front = [
      [2, 1, 1],
      [1, 2, 1],
      [1, 1, 2],
    ];
    const prep = prepareEhviColumns(front, [0, 0, 0]);
    const a = logEhviColumns(prep, [-50, -50, -50], [0.1, 0.1, 0.1]);
    const b = logEhviColumns(prep, [-49, -50, -50], [0.1, 0.1, 0.1]);
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.exp(a)).toBe(0);
    expect(b).toBeGreaterThan(a);
  });

  it('rejects malformed fronts and reference points, naming the argument', () => {
    expect(() => prepareEhviColumns([[1, 2]], [0, 0, 0])).toThrow(/front\[0\] must be 3 finite numbers/);
    expect(() => prepareEhviColumns([[1, 2, 3]], [0, Number.NaN, 0])).toThrow(/ref must be/);
    expect(() => logEhviColumns(prepareEhviColumns([], [0, 0, 0]), [1, 1], [1, 1, 1])).toThrow(/3 entries/);
    // an empty front: the improvement is the volume above the reference point
    expect(hviColumns(prepareEhviColumns([], [0, 0, 0]), [1, 2, 3])).toBeCloseTo(6, 12);
  });
});
