import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    const xb = Array.from({ length: 5 }, () => b.next());
    const xc = Array.from({ length: 5 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('draws uniforms in [0,1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      s += x;
      s2 += x * x;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(s2 / n - mean * mean).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const r = new Rng(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(s2 / n).toBeGreaterThan(0.98);
    expect(s2 / n).toBeLessThan(1.02);
  });

  it('int(n) covers 0..n-1 evenly and rejects n < 1', () => {
    const r = new Rng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => r.int(0)).toThrow(/n must be >= 1/);
  });

  it('shuffle is a permutation', () => {
    const r = new Rng(5);
    const xs = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
