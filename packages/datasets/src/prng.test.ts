import { describe, expect, it } from 'vitest';
import { Sfc32, seededPermutation } from './prng.ts';

describe('Sfc32', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Sfc32(42);
    const b = new Sfc32(42);
    const c = new Sfc32(43);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xa);
  });

  it('produces uniform floats: mean 1/2 and variance 1/12 within Monte-Carlo error', () => {
    const rng = new Sfc32(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // standard error of the mean is sqrt(1/12/n) ≈ 0.00065; allow 5 sigma
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('nextInt(n) is uniform on 0..n-1 (chi-square, 9 degrees of freedom)', () => {
    const rng = new Sfc32(1);
    const counts = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[rng.nextInt(10)]++;
    const e = draws / 10;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(27.88); // 99.9th percentile of chi-square(9)
  });
});

describe('seededPermutation', () => {
  it('is a permutation of 0..n-1, reproducible by seed', () => {
    const p = seededPermutation(1000, 3);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seededPermutation(1000, 3)).toEqual(p);
    expect(seededPermutation(1000, 4)).not.toEqual(p);
  });

  it('places each element in each position with probability 1/n (Monte-Carlo over seeds)', () => {
    const n = 5;
    const seeds = 20_000;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    for (let seed = 0; seed < seeds; seed++) {
      const p = seededPermutation(n, seed);
      for (let pos = 0; pos < n; pos++) counts[p[pos]][pos]++;
    }
    const e = seeds / n;
    let chi2 = 0;
    for (const row of counts) for (const c of row) chi2 += (c - e) ** 2 / e;
    // 25 cells with row/column sums fixed: 16 degrees of freedom; 99.9th percentile ≈ 39.25
    expect(chi2).toBeLessThan(39.25);
  });
});
