import { describe, expect, it } from 'vitest';
import { compare, type MethodStats } from './suite-report.ts';

const stats = (per_seed: number[]): MethodStats => {
  const mean = per_seed.reduce((s, v) => s + v, 0) / per_seed.length;
  const sd = Math.sqrt(per_seed.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(per_seed.length - 1, 1));
  return { evaluations: 10, mean, sd, per_seed, failed_mean: 0, seconds: 1, seconds_per_run: 0.5 };
};

describe('ours against a peer', () => {
  const a = stats([1, 1, 3, 3]); // mean 2, sd 1.1547
  const b = stats([-1, -1, 1, 1]); // sd = 1.1547, se = sqrt(2 * 1.3333 / 4) = 0.8165, 2 se = 1.633
  it('wins or loses by more than two standard errors of the difference, in the direction of the figure', () => {
    expect(compare(a, b, 'higher')).toBe('win'); // 2 > 1.633
    expect(compare(a, b, 'lower')).toBe('loss');
    expect(compare(b, a, 'higher')).toBe('loss');
  });
  it('ties within two standard errors, and always with a single seed', () => {
    expect(compare(stats([0.5, 0.5, 2.1, 2.1]), b, 'higher')).toBe('tie'); // mean 1.3 < 2 se = 1.48
    expect(compare(stats([5]), stats([0]), 'higher')).toBe('tie');
  });
});
