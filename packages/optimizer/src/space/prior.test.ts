import { describe, expect, it } from 'vitest';
import { logGamma, priorCdf, priorLogDensity, priorQuantile, regularizedIncompleteBeta, type Prior } from './prior.ts';
import { SpaceEncoding, parseExperimentConfig } from './space.ts';
import { SpaceError } from './errors.ts';
import { PriorWeight } from '../acquisition/prior-weight.ts';

describe('special functions', () => {
  it('log Gamma at known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(10.3)).toBeCloseTo(13.48203678613836, 10); // Python's math.lgamma(10.3)
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 10); // math.lgamma(0.3): the reflection branch
  });

  it('the regularised incomplete beta at closed forms', () => {
    expect(regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 13);
    for (const x of [0.1, 0.37, 0.9]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 13);
      expect(regularizedIncompleteBeta(x, 3, 1)).toBeCloseTo(x ** 3, 13);
      expect(regularizedIncompleteBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 13);
      // symmetry
      expect(regularizedIncompleteBeta(x, 2.5, 0.7)).toBeCloseTo(1 - regularizedIncompleteBeta(1 - x, 0.7, 2.5), 12);
    }
  });
});

describe('priors', () => {
  const cases: [string, Prior, number, number][] = [
    ['normal inside', { name: 'normal', mean: 0.3, scale: 0.1 }, 0, 1],
    ['normal truncated hard', { name: 'normal', mean: 2, scale: 3 }, 1, 4],
    ['beta', { name: 'beta', shape_a: 2, shape_b: 5 }, -1, 3],
  ];

  it.each(cases)(
    '%s: the density integrates to 1 and matches the CDF; the quantile inverts it',
    (_, prior, min, max) => {
      const n = 20000;
      let mass = 0;
      const h = (max - min) / n;
      for (let i = 0; i < n; i++) mass += Math.exp(priorLogDensity(prior, min + (i + 0.5) * h, min, max)) * h;
      expect(mass).toBeCloseTo(1, 4);
      // CDF at a point = integral of the density up to it
      const at = min + 0.37 * (max - min);
      let part = 0;
      const k = 8000;
      const hk = (at - min) / k;
      for (let i = 0; i < k; i++) part += Math.exp(priorLogDensity(prior, min + (i + 0.5) * hk, min, max)) * hk;
      expect(priorCdf(prior, at, min, max)).toBeCloseTo(part, 5);
      for (const u of [0.01, 0.25, 0.5, 0.9, 0.999]) {
        expect(priorCdf(prior, priorQuantile(prior, u, min, max), min, max)).toBeCloseTo(u, 9);
      }
      expect(priorLogDensity(prior, max + 0.1, min, max)).toBe(-Infinity);
    },
  );

  it('a beta prior with a shape of 1 is finite at that bound; PriorWeight stays finite where a shape below 1 is not', () => {
    expect(priorLogDensity({ name: 'beta', shape_a: 1, shape_b: 3 }, 0, 0, 1)).toBeCloseTo(Math.log(3), 12);
    expect(priorLogDensity({ name: 'beta', shape_a: 2, shape_b: 1 }, 1, 0, 1)).toBeCloseTo(Math.log(2), 12);
    expect(priorLogDensity({ name: 'beta', shape_a: 0.5, shape_b: 2 }, 0, 0, 1)).toBe(Infinity);
    const config = parseExperimentConfig({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'beta', shape_a: 0.5, shape_b: 2 } },
      ],
      metrics: [{ name: 'f' }],
    });
    const w = new PriorWeight(new SpaceEncoding(config), 5, undefined).logScore(Float64Array.of(0, 0.5), 2);
    expect(Number.isFinite(w[0])).toBe(true);
    expect(w[0]).toBeGreaterThan(w[1]); // still the most likely end
  });

  it('is accepted on double parameters only, with a normal mean inside the bounds', () => {
    const bad = (parameter: Record<string, unknown>) => {
      try {
        parseExperimentConfig({ parameters: [parameter], metrics: [{ name: 'f' }] });
        return null;
      } catch (err) {
        return `${(err as SpaceError).field}: ${(err as Error).message}`;
      }
    };
    expect(
      bad({ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'normal', mean: 0.5, scale: 0.1 } }),
    ).toBeNull();
    expect(bad({ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: null })).toBeNull();
    expect(
      bad({ name: 'x', type: 'int', bounds: { min: 0, max: 9 }, prior: { name: 'beta', shape_a: 2, shape_b: 2 } }),
    ).toMatch(/prior: only for a double/);
    expect(
      bad({ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'normal', mean: 2, scale: 0.1 } }),
    ).toMatch(/prior\.mean: must be within the bounds/);
    expect(
      bad({ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'normal', mean: 0.5, scale: 0 } }),
    ).toMatch(/prior\.scale/);
    expect(bad({ name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'gamma', k: 1 } })).toMatch(
      /prior\.name/,
    );
  });

  it('the initial design follows the prior: its coordinates are the prior quantiles of the uniform ones', () => {
    const config = parseExperimentConfig({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 }, prior: { name: 'normal', mean: 0.8, scale: 0.05 } },
        { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
      ],
      metrics: [{ name: 'f' }],
    });
    const enc = new SpaceEncoding(config);
    const xs = Array.from({ length: 200 }, (_, i) => Number(enc.fromParamUnit([(i + 0.5) / 200, 0.5]).x));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeCloseTo(0.8, 2);
    // 95.45 % within 2 sd: 190.9 of 200 evenly spaced quantiles
    const within = xs.filter((x) => Math.abs(x - 0.8) < 0.1).length;
    expect(within).toBeGreaterThanOrEqual(189);
    expect(within).toBeLessThanOrEqual(192);
    expect(enc.fromParamUnit([0.5, 0.25]).y).toBe(0.25); // parameters without a prior stay uniform
  });
});
