import { describe, expect, it } from 'vitest';
import { Rng } from '@paretobench/optimizer';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import { configurationKey, type SurrogateRow } from './dataset.ts';
import { rottenPoint } from '../../test/fixtures.ts';
import { crossValidate, ranks, rSquared, spearman } from './validate.ts';

describe('rank statistics', () => {
  it('averages tied ranks', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
  it('Spearman is 1 for any increasing relation, -1 for a decreasing one, and matches a hand-computed value', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks [1,2,3,4] vs [2,1,4,3]: 1 - 6 * sum d^2 / (n (n^2 - 1)) = 1 - 6 * 4 / 60 = 0.6
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
  });
  it('R^2 is 1 for exact predictions, 0 for the mean, and negative for worse', () => {
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(rSquared([1, 2, 3], [3, 2, 1])).toBeCloseTo(-3, 12);
  });
});

/** Rows of the rotten space from a known landscape: accuracy rises with log_learning_rate, time with epochs. */
function syntheticRows(n: number, seed: number): SurrogateRow[] {
  const rng = new Rng(seed);
  const rows: SurrogateRow[] = [];
  for (let i = 0; i < n; i++) {
    const x = rottenPoint(rng);
    const accuracy = 0.5 + 0.3 / (1 + Math.exp(-(x[1] + 9))) + 0.005 * rng.normal();
    const logTime = Math.log(10 + x[3]) + 0.05 * rng.normal();
    rows.push({
      key: configurationKey(x),
      x,
      accuracy,
      logTime,
      error: false,
      stopped: false,
      seed: i,
      source: `synthetic#${i}`,
    });
  }
  return rows;
}

describe('crossValidate', () => {
  it('ranks held-out configurations of a smooth landscape almost perfectly, and calibrates the failure rule', () => {
    const preset = getPreset(ROTTEN, 'default'); // failed below 0.70 or above 100 s
    const v = crossValidate(ROTTEN, preset, syntheticRows(200, 3), { folds: 5 });
    expect(v.trials).toBe(200);
    expect(v.metrics.map((m) => m.metric)).toEqual(['accuracy', 'training_time']);
    for (const m of v.metrics) {
      expect(m.spearman).toBeGreaterThan(0.9);
      expect(m.r2).toBeGreaterThan(0.8);
    }
    const f = v.failure!;
    expect(f.rule).toBe('accuracy < 0.7 or training > 100 s or no model');
    // a sharp, learnable rule: far better than predicting the base rate everywhere
    expect(f.brier).toBeLessThan(0.25 * f.brier_constant);
    expect(f.bins.reduce((s, b) => s + b.n, 0)).toBe(200);
    // calibrated: in every well-filled bin the observed failure rate is near the predicted probability
    for (const b of f.bins.filter((x) => x.n >= 20))
      expect(Math.abs(b.observed_rate - b.mean_predicted)).toBeLessThan(0.15);
  }, 60_000);

  it('has no predictive power on pure noise (held-out Spearman near 0)', () => {
    const rng = new Rng(9);
    const rows = syntheticRows(150, 4).map((r) => ({ ...r, accuracy: rng.next(), logTime: rng.next() }));
    const v = crossValidate(ROTTEN, getPreset(ROTTEN, 'default'), rows, { folds: 5 });
    for (const m of v.metrics) expect(Math.abs(m.spearman)).toBeLessThan(0.2);
  }, 60_000);
});
