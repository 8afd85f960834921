import { describe, expect, it } from 'vitest';
import { frontierShare } from './frontier-share.ts';

describe('frontierShare', () => {
  it('hand example: 6 of 7 union-frontier points from the optimizer (85.7%)', () => {
    // maximise accuracy, maximise -inference time
    const optimizer = [
      [0.8, -0.2],
      [0.78, -0.15],
      [0.75, -0.1],
      [0.7, -0.05],
      [0.6, -0.03],
      [0.5, -0.02],
      [0.4, -0.5], // dominated
    ];
    const random = [
      [0.85, -0.4], // on the union frontier (best accuracy)
      [0.7, -0.2], // dominated by optimizer (0.8, -0.2)
      [0.3, -0.9],
    ];
    const r = frontierShare({ optimizer, random });
    expect(r.union.length).toBe(7);
    expect(r.counts).toEqual({ optimizer: 6, random: 1 });
    expect(r.share.optimizer).toBeCloseTo(6 / 7, 15);
    expect(r.share.random).toBeCloseTo(1 / 7, 15);
    expect(r.union[0]).toEqual([0.85, -0.4]);
    expect(r.from[0]).toBe('random');
  });
  it('equal points in two sets both count, shares still sum to 1', () => {
    const r = frontierShare({
      a: [
        [1, 1],
        [0, 2],
      ],
      b: [[1, 1]],
      c: [[0, 0]],
    });
    expect(r.counts).toEqual({ a: 2, b: 1, c: 0 });
    expect(r.share.a + r.share.b + r.share.c).toBeCloseTo(1, 15);
    expect(r.share.c).toBe(0);
  });
  it('empty sets give zero shares', () => {
    expect(frontierShare({ a: [], b: [] })).toEqual({
      union: [],
      from: [],
      counts: { a: 0, b: 0 },
      share: { a: 0, b: 0 },
    });
  });
  it('works in 3-D', () => {
    const r = frontierShare({
      a: [
        [1, 0, 0],
        [0, 1, 0],
      ],
      b: [
        [0, 0, 1],
        [0, 0, 0.5],
      ],
    });
    expect(r.counts).toEqual({ a: 2, b: 1 });
  });
  it('names the bad point', () => {
    expect(() => frontierShare({ a: [[1, 2]], b: [[1, 2, 3]] })).toThrow(/sets\.b\[0\] has 3 objectives, expected 2/);
    expect(() => frontierShare({ a: [[1, NaN]] })).toThrow(/sets\.a\[0\]/);
  });
});
