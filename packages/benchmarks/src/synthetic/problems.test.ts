import { hypervolume } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import { branin, currin, makeProblem } from './problems.ts';

describe('BraninCurrin (negated, BoTorch bounds)', () => {
  const p = makeProblem('branincurrin');
  it('Branin has its known minimum 0.397887 at (pi, 2.275)', () => {
    expect(branin(Math.PI, 2.275)).toBeCloseTo(0.397887, 5);
    const y = p.evaluate([(Math.PI + 5) / 15, 2.275 / 15]);
    expect(y[0]).toBeCloseTo(-0.397887, 5);
  });
  it('matches hand-computed values at (0.5, 0.5)', () => {
    // Currin: (1 - e^-1) * (287.5 + 475 + 1046 + 60) / (12.5 + 125 + 2 + 20)
    expect(currin(0.5, 0.5)).toBeCloseTo(((1 - Math.exp(-1)) * 1868.5) / 159.5, 12);
    // Branin at x0' = 2.5, x1' = 7.5
    const b =
      (7.5 - (5.1 / (4 * Math.PI ** 2)) * 6.25 + (5 / Math.PI) * 2.5 - 6) ** 2 +
      10 * (1 - 1 / (8 * Math.PI)) * Math.cos(2.5) +
      10;
    expect(b).toBeCloseTo(24.1296, 3); // 1.4187^2 + 9.6021 * cos 2.5 + 10
    expect(p.evaluate([0.5, 0.5])).toEqual([-b, -currin(0.5, 0.5)]);
    expect(p.refPoint).toEqual([-18, -6]);
  });
});

describe('ZDT and DTLZ2', () => {
  it('ZDT1/2/3 at known points', () => {
    const z1 = makeProblem('zdt1', 6);
    expect(z1.evaluate([0.25, 0, 0, 0, 0, 0])).toEqual([-0.25, -0.5]);
    const y = z1.evaluate([0.25, 1, 1, 1, 1, 1]); // g = 10
    expect(y[1]).toBeCloseTo(-(10 * (1 - Math.sqrt(0.025))), 12);
    expect(makeProblem('zdt2', 6).evaluate([0.5, 0, 0, 0, 0, 0])).toEqual([-0.5, -0.75]);
    // ZDT3 at x0 = 0.05 on g = 1: 1 - sqrt(0.05) - 0.05 sin(pi/2)
    expect(makeProblem('zdt3', 6).evaluate([0.05, 0, 0, 0, 0, 0])[1]).toBeCloseTo(-(1 - Math.sqrt(0.05) - 0.05), 12);
    expect(z1.refPoint).toEqual([-11, -11]);
  });
  it('DTLZ2 lies on the unit circle when x_i = 0.5 (i >= 1)', () => {
    const p = makeProblem('dtlz2', 6);
    const y = p.evaluate([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(y[0]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(y[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    const off = p.evaluate([0, 1, 0.5, 0.5, 0.5, 0.5]); // g = 0.25
    expect(off).toEqual([-1.25, expect.closeTo(0, 12)]);
  });
  it("dense Pareto-optimal samples reach BoTorch's max hypervolume", () => {
    for (const [name, tol] of [
      ['zdt1', 0.01],
      ['zdt2', 0.01],
      ['dtlz2', 0.001],
    ] as const) {
      const p = makeProblem(name, 6);
      const pts: number[][] = [];
      const rest = name === 'dtlz2' ? 0.5 : 0;
      for (let i = 0; i <= 2000; i++) pts.push(p.evaluate([i / 2000, rest, rest, rest, rest, rest]));
      expect(Math.abs(hypervolume(pts, p.refPoint) - p.maxHv)).toBeLessThan(tol);
    }
  });
  it('rejects bad dimensions', () => {
    expect(() => makeProblem('branincurrin', 3)).toThrow(/--dim/);
    expect(() => makeProblem('dtlz2', 2)).toThrow(/--dim/);
  });
});
