import { describe, expect, it } from 'vitest';
import { reflect } from './acquisition-optimizer.ts';

describe('reflect', () => {
  it('folds a coordinate back into [0, 1] at the bounds instead of clamping onto them', () => {
    expect(reflect(0.3)).toBeCloseTo(0.3, 15);
    expect(reflect(1.2)).toBeCloseTo(0.8, 15);
    expect(reflect(-0.25)).toBeCloseTo(0.25, 15);
    expect(reflect(2.3)).toBeCloseTo(0.3, 15);
    expect(reflect(-1.1)).toBeCloseTo(0.9, 15);
    expect([reflect(0), reflect(1)]).toEqual([0, 1]);
  });

  it('keeps uniformly spread overshoots spread: almost none land on a bound', () => {
    // steps of up to +-0.5 from points near the upper bound
    let onBound = 0;
    for (let i = 0; i < 1000; i++) {
      const v = reflect(0.9 + (i / 1000 - 0.5));
      if (v === 0 || v === 1) onBound++;
      expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(onBound).toBeLessThanOrEqual(1);
  });
});
