import { describe, expect, it } from 'vitest';
import { measureReference, referenceWorkload } from './reference-workload.ts';

describe('the host-speed reference workload', () => {
  it('does the same work every time (its checksum is fixed: changing the workload changes the unit)', () => {
    // sum over c of the c-th component of L^-1 a[:, c], for the fixed kernel matrix a and b = a a^T = L L^T
    expect(referenceWorkload()).toBeCloseTo(26.667051943579445, 9);
    expect(referenceWorkload()).toBe(referenceWorkload());
  });

  it('returns the median of its samples, each a positive CPU time', () => {
    const r = measureReference(5);
    expect(r.samples).toHaveLength(5);
    for (const x of r.samples) expect(x).toBeGreaterThan(0);
    const sorted = [...r.samples].sort((a, b) => a - b);
    // samples are rounded to microseconds, the median is not
    expect(r.cpu_ms).toBeCloseTo(sorted[2], 2);
    expect(measureReference(2).samples).toHaveLength(2);
  });

  it('refuses a sample count that is not a positive integer', () => {
    expect(() => measureReference(0)).toThrow(/samples must be an integer >= 1, got 0/);
    expect(() => measureReference(1.5)).toThrow(/samples must be an integer >= 1, got 1.5/);
  });
});
