import { describe, expect, it } from 'vitest';
import { inferReferencePoint } from './reference-point.ts';

describe('inferReferencePoint', () => {
  const front = [
    [1, 10],
    [3, 6],
    [2, 8],
  ];

  it('without observations: the nadir of the front minus 10% of its range (BoTorch)', () => {
    expect(inferReferencePoint(front)).toEqual([1 - 0.2, 6 - 0.4]);
    expect(inferReferencePoint(front, { scale: 0.5 })).toEqual([1 - 1, 6 - 2]);
  });

  it('with observations: the nadir of the front minus 10% of the range of every observation', () => {
    const observed = [...front, [-9, 0], [0, -30]]; // dominated points widen the spread: [-9, 3] and [-30, 10]
    const ref = inferReferencePoint(front, { observed });
    expect(ref[0]).toBeCloseTo(1 - 1.2, 12);
    expect(ref[1]).toBeCloseTo(6 - 4, 12);
  });

  it('uses |value| (or 1) as the range of a single point', () => {
    expect(inferReferencePoint([[5, 0]])).toEqual([5 - 0.5, 0 - 0.1]);
    expect(inferReferencePoint([[5, 0]], { observed: [[5, 0]] })).toEqual([5 - 0.5, 0 - 0.1]);
  });
});
