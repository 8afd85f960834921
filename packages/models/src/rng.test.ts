import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });
  it('uniform has mean 1/2 and variance 1/12; normal has mean 0 and variance 1 (Monte Carlo, 4 sigma)', () => {
    const r = new Rng(42);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let t = 0;
    let t2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u;
      s2 += u * u;
      const z = r.normal();
      t += z;
      t2 += z * z;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    expect(Math.abs(t / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(t2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });
  it('shuffle is a permutation', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(3).shuffle(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
