import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.ts';
import { OutputWarping, yeoJohnson, yeoJohnsonLogLikelihood } from './output-warping.ts';

describe('yeoJohnson', () => {
  it('matches the closed forms: lambda = 1 is the identity, 0 and 2 the logarithmic branches', () => {
    for (const x of [-3, -0.5, 0, 0.7, 4]) expect(yeoJohnson(x, 1)).toBeCloseTo(x, 12);
    expect(yeoJohnson(Math.E - 1, 0)).toBeCloseTo(1, 12); // log(1 + x)
    expect(yeoJohnson(-(Math.E - 1), 2)).toBeCloseTo(-1, 12); // -log(1 - x)
    // lambda = 0.5, x = 3: ((3 + 1)^0.5 - 1) / 0.5 = 2; x = -3: -((1 + 3)^1.5 - 1) / 1.5 = -14/3
    expect(yeoJohnson(3, 0.5)).toBeCloseTo(2, 12);
    expect(yeoJohnson(-3, 0.5)).toBeCloseTo(-14 / 3, 12);
  });

  it('is continuous in lambda at its logarithmic branches and strictly increasing in x', () => {
    expect(yeoJohnson(2.5, 1e-7)).toBeCloseTo(yeoJohnson(2.5, 0), 5);
    expect(yeoJohnson(-2.5, 2 - 1e-7)).toBeCloseTo(yeoJohnson(-2.5, 2), 5);
    for (const lambda of [-2, -0.5, 0, 0.5, 1, 2, 3.5]) {
      let prev = -Infinity;
      for (let x = -6; x <= 6; x += 0.25) {
        const t = yeoJohnson(x, lambda);
        expect(t).toBeGreaterThan(prev);
        prev = t;
      }
    }
  });
});

describe('OutputWarping.fit', () => {
  it('leaves Gaussian data nearly alone (lambda near 1)', () => {
    const rng = new Rng(5);
    const y = Array.from({ length: 400 }, () => 3 + 2 * rng.normal());
    expect(Math.abs(OutputWarping.fit(y).lambda - 1)).toBeLessThan(0.25);
  });

  it('undoes most of a log-normal skew: lambda well below 1, the skewness down from over 2 to under half of that', () => {
    const rng = new Rng(6);
    const y = Array.from({ length: 400 }, () => Math.exp(1.2 * rng.normal()));
    const w = OutputWarping.fit(y);
    expect(w.lambda).toBeLessThan(0.5);
    const skew = (v: ArrayLike<number>) => {
      const n = v.length;
      let m = 0;
      for (let i = 0; i < n; i++) m += v[i] / n;
      let m2 = 0;
      let m3 = 0;
      for (let i = 0; i < n; i++) {
        m2 += (v[i] - m) ** 2 / n;
        m3 += (v[i] - m) ** 3 / n;
      }
      return m3 / m2 ** 1.5;
    };
    const raw = skew(y);
    expect(raw).toBeGreaterThan(2);
    expect(Math.abs(skew(w.applyAll(y)))).toBeLessThan(raw / 2);
  });

  it('a long tail of bad values (minimisation negated) gets lambda above 1: the good end is spread out', () => {
    const rng = new Rng(7);
    const y = Array.from({ length: 200 }, () => -Math.exp(1.5 * rng.normal()));
    const w = OutputWarping.fit(y);
    expect(w.lambda).toBeGreaterThan(1.5);
    // the best tenth of the values covers more of the warped range than of the raw one
    const sorted = [...y].sort((a, b) => a - b);
    const top = sorted[Math.floor(0.9 * y.length)];
    const share = (f: (v: number) => number) => (f(sorted.at(-1)!) - f(top)) / (f(sorted.at(-1)!) - f(sorted[0]));
    expect(share((v) => w.apply(v))).toBeGreaterThan(2 * share((v) => v));
  });

  it('searches lambda on [0, 2] only, where the transform is onto the real line (no tail squashed to an interval)', () => {
    const rng = new Rng(9);
    const lognormal = Array.from({ length: 300 }, () => Math.exp(2 * rng.normal()));
    expect(OutputWarping.fit(lognormal).lambda).toBeGreaterThanOrEqual(0);
    expect(OutputWarping.fit(lognormal, [-2, 4]).lambda).toBeLessThan(0); // unbounded, it would go below 0
    const w = OutputWarping.fit(lognormal);
    expect(w.apply(1e12) - w.apply(1e6)).toBeGreaterThan(1); // the top tail still spreads out (log growth)
  });

  it('its lambda maximises the profile likelihood (checked against a fine grid)', () => {
    const rng = new Rng(8);
    const y = Array.from({ length: 60 }, () => rng.normal() ** 2);
    const w = OutputWarping.fit(y);
    const z = y.map((v) => (v - w.mean) / w.std);
    const at = yeoJohnsonLogLikelihood(z, w.lambda);
    for (let l = 0; l <= 2; l += 0.005) expect(yeoJohnsonLogLikelihood(z, l)).toBeLessThanOrEqual(at + 1e-9);
  });

  it('keeps order and maps values outside the data (thresholds) monotonically', () => {
    const w = OutputWarping.fit([0.1, 0.3, 0.2, 5, 0.4, 0.15, 12]);
    const xs = [-100, -1, 0, 0.1, 0.2, 1, 12, 1e3];
    const t = xs.map((x) => w.apply(x));
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    expect(t.every(Number.isFinite)).toBe(true);
  });

  it('is the identity for fewer than 3 values or constant values', () => {
    expect(OutputWarping.fit([1, 2]).apply(7)).toBe(7);
    expect(OutputWarping.fit([4, 4, 4, 4]).apply(-3)).toBe(-3);
  });
});
