import { describe, expect, it } from 'vitest';
import { inferReferencePoint } from './reference-point.ts';

describe('inferReferencePoint', () => {
  it('is the nadir minus 10% of the range', () => {
    expect(
      inferReferencePoint([
        [1, 10],
        [3, 6],
        [2, 8],
      ]),
    ).toEqual([1 - 0.2, 6 - 0.4]);
  });
  it('uses |value| (or 1) as the range of a single point', () => {
    expect(inferReferencePoint([[5, 0]])).toEqual([5 - 0.5, 0 - 0.1]);
  });
});
