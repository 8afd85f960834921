import { describe, expect, it } from 'vitest';
import { dominates, nonDominatedSort, nonDominatedSortGeneric, paretoFront } from './pareto.ts';
import { Rng } from '../math/rng.ts';

describe('dominates (maximisation)', () => {
  it('needs >= everywhere and > somewhere', () => {
    expect(dominates([2, 2], [1, 1])).toBe(true);
    expect(dominates([2, 1], [1, 1])).toBe(true);
    expect(dominates([1, 1], [2, 1])).toBe(false);
    expect(dominates([2, 0], [1, 1])).toBe(false);
    expect(dominates([1, 2, 3], [1, 2, 2])).toBe(true);
  });
  it('equal points do not dominate each other', () => {
    expect(dominates([1, 1], [1, 1])).toBe(false);
    expect(dominates([0.5, -3, 2], [0.5, -3, 2])).toBe(false);
  });
  it('rejects mismatched lengths', () => {
    expect(() => dominates([1, 2], [1, 2, 3])).toThrow(/different lengths/);
  });
});

describe('nonDominatedSort', () => {
  it('layers a hand example', () => {
    const pts = [
      [5, 1], // 0 front 0
      [4, 4], // 1 front 0
      [1, 5], // 2 front 0
      [3, 3], // 3 front 1 (dominated by 1)
      [4, 4], // 4 front 0 (duplicate of 1)
      [2, 2], // 5 front 2 (dominated by 3)
      [1, 1], // 6 front 4 (dominated by 8)
      [0, 4], // 7 front 1 (dominated by 1, 2)
      [2, 1], // 8 front 3 (dominated by 5)
    ];
    expect(nonDominatedSort(pts)).toEqual([[0, 1, 2, 4], [3, 7], [5], [8], [6]]);
  });
  it('every point lands in exactly one front and no point is dominated by a point of its own or a later front', () => {
    const rng = new Rng(3);
    const pts = Array.from({ length: 150 }, () => [rng.int(10), rng.int(10), rng.int(10)]);
    const fronts = nonDominatedSort(pts);
    const rank = new Array<number>(pts.length).fill(-1);
    fronts.forEach((f, r) =>
      f.forEach((i) => {
        expect(rank[i]).toBe(-1);
        rank[i] = r;
      }),
    );
    expect(rank.every((r) => r >= 0)).toBe(true);
    let violations = 0;
    for (let i = 0; i < pts.length; i++) {
      for (let j = 0; j < pts.length; j++) {
        if (dominates(pts[i], pts[j]) && !(rank[i] < rank[j])) violations++;
      }
      // a point in front r > 0 is dominated by some point of front r - 1
      if (rank[i] > 0 && !fronts[rank[i] - 1].some((k) => dominates(pts[k], pts[i]))) violations++;
    }
    expect(violations).toBe(0);
    expect(fronts.length).toBeGreaterThan(3);
  });
  it('empty input gives no fronts; bad input names the point', () => {
    expect(nonDominatedSort([])).toEqual([]);
    expect(() => nonDominatedSort([[1, 2], [1]])).toThrow(/points\[1\]/);
    expect(() =>
      nonDominatedSort([
        [1, 2],
        [1, NaN],
      ]),
    ).toThrow(/points\[1\]\[1\]/);
  });
});

describe('paretoFront', () => {
  it('keeps all equal copies of a frontier point (2-D and 3-D paths)', () => {
    expect(
      paretoFront([
        [1, 2],
        [2, 1],
        [1, 2],
        [0, 0],
        [1, 1],
      ]),
    ).toEqual([0, 1, 2]);
    expect(
      paretoFront([
        [1, 2, 0],
        [2, 1, 0],
        [1, 2, 0],
        [0, 0, 0],
        [1, 1, 0],
      ]),
    ).toEqual([0, 1, 2]);
  });
  it('handles equal x / equal y ties in 2-D', () => {
    // (3,1) is dominated by (3,2); (1,3) by (2,3)
    expect(
      paretoFront([
        [3, 1],
        [3, 2],
        [2, 3],
        [1, 3],
        [3, 2],
      ]),
    ).toEqual([1, 2, 4]);
    expect(paretoFront([[0, -Infinity]])).toEqual([0]);
  });
  it('agrees with front 0 of the non-dominated sort on random integer clouds (many ties)', () => {
    const rng = new Rng(17);
    for (let trial = 0; trial < 20; trial++) {
      const d = 2 + (trial % 3);
      const pts = Array.from({ length: 60 }, () => Array.from({ length: d }, () => rng.int(6)));
      expect(paretoFront(pts)).toEqual(nonDominatedSort(pts)[0]);
    }
  });
});

describe('nonDominatedSort, 2-D sweep vs the generic O(n^2) sort', () => {
  it('identical fronts on random clouds with many ties and duplicates', () => {
    const rng = new Rng(23);
    for (let trial = 0; trial < 40; trial++) {
      const levels = 2 + (trial % 6);
      const pts = Array.from({ length: 5 + rng.int(120) }, () => [rng.int(levels), rng.int(levels)]);
      expect(nonDominatedSort(pts)).toEqual(nonDominatedSortGeneric(pts));
    }
    const cont = Array.from({ length: 500 }, () => [rng.next(), rng.next()]);
    expect(nonDominatedSort(cont)).toEqual(nonDominatedSortGeneric(cont));
  });
});
