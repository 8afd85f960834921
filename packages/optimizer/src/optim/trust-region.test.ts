import { describe, expect, it } from 'vitest';
import { improvements, trustRegionSide, type TrustRegionPolicy } from './trust-region.ts';

const policy: TrustRegionPolicy = {
  initial: 0.8,
  min: 0.5 ** 7,
  max: 1.6,
  successTolerance: 3,
  failureTolerance: (dim) => Math.max(4, dim),
};

describe('improvements', () => {
  it('single objective: beats the best so far by a relative 1e-3; failures never improve', () => {
    expect(improvements([[1], [0.5], [2], [2.001], null, [3], [2.9]])).toEqual([
      true,
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('several objectives: not dominated by (nor equal to) any earlier observation', () => {
    expect(improvements([[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [1, 0], [1.1, -5], null])).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
      false,
    ]);
  });
  it('infeasible observations (SCBO): progress is a smaller miss until something is feasible, then never', () => {
    const y = [[1], [0.5], [0.2], [0.9], [0.1], [2], [0.3], [1.5], [5], null];
    const miss = [[3], [3], [1], [2], [0.5], [0], [0.1], [0], [0.2], []];
    expect(improvements(y, miss)).toEqual([
      true, // the first observation
      false, // misses by as much as the first
      true, // a smaller miss, whatever its value
      false,
      true,
      true, // the first feasible one
      false, // infeasible after a feasible one, though its miss is the smallest
      false, // feasible, below the best feasible value (2)
      false, // the best value, but infeasible
      false, // failed
    ]);
  });

  it('infeasible observations with several thresholds: a miss not weakly dominated by an earlier one', () => {
    const y = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 2],
    ];
    const miss = [
      [1, 1],
      [2, 0.5], // better on the second threshold
      [1, 1], // equal to the first
      [0.5, 3], // better on the first
      [0, 0], // feasible
      [0, 0], // feasible, and not dominated by (1, 1)
    ];
    expect(improvements(y, miss)).toEqual([true, true, false, true, true, true]);
  });

  it('is unchanged by thresholds that every observation meets', () => {
    const y = [[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [1, 0], [1.1, -5], null];
    expect(
      improvements(
        y,
        y.map(() => [0, 0]),
      ),
    ).toEqual(improvements(y));
  });
});

describe('trustRegionSide', () => {
  const run = (pattern: string) => [...pattern].map((c) => c === 's');

  it('starts from the initial side', () => {
    expect(trustRegionSide([], 2, policy)).toBe(0.8);
    expect(trustRegionSide([], 8, policy)).toBe(0.8);
  });

  it('doubles after 3 successes in a row, up to the maximum', () => {
    expect(trustRegionSide(run('ss'), 8, policy)).toBe(0.8);
    expect(trustRegionSide(run('sss'), 8, policy)).toBe(1.6);
    expect(trustRegionSide(run('ssssss'), 8, policy)).toBe(1.6);
    // a failure breaks the run of successes
    expect(trustRegionSide(run('ssfss'), 8, policy)).toBe(0.8);
  });

  it('halves after max(4, dim) failures in a row, and restarts from the initial side below the minimum', () => {
    expect(trustRegionSide(run('f'.repeat(7)), 8, policy)).toBe(0.8);
    expect(trustRegionSide(run('f'.repeat(8)), 8, policy)).toBe(0.4);
    expect(trustRegionSide(run('f'.repeat(16)), 8, policy)).toBe(0.2);
    expect(trustRegionSide(run('f'.repeat(12)), 12, policy)).toBe(0.4);
    expect(trustRegionSide(run('f'.repeat(48)), 8, policy)).toBeCloseTo(0.0125, 12);
    expect(trustRegionSide(run('f'.repeat(56)), 8, policy)).toBe(0.8);
    // a success resets the count of failures
    expect(trustRegionSide(run('fffffffsfffffff'), 8, policy)).toBe(0.8);
  });
});
