import { describe, expect, it } from 'vitest';
import { logProbabilityAbove } from './constraint.ts';
import { normalCdf } from '../math/normal.ts';

describe('logProbabilityAbove', () => {
  it('is log Phi((mu - t) / sigma)', () => {
    expect(logProbabilityAbove(1, 2, 0)).toBeCloseTo(Math.log(normalCdf(0.5)), 12);
    expect(logProbabilityAbove(0, 1, 0)).toBeCloseTo(Math.log(0.5), 12);
  });
  it('stays finite far below the threshold', () => {
    const v = logProbabilityAbove(-50, 1, 0);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeLessThan(logProbabilityAbove(-40, 1, 0));
  });
});
