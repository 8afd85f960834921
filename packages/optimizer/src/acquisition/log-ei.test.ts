import { describe, expect, it } from 'vitest';
import { logExpectedImprovement, logH } from './log-ei.ts';
import { normalCdf, normalLogPdf, normalPdf } from '../math/normal.ts';
import { Rng } from '../math/rng.ts';

describe('logExpectedImprovement', () => {
  it('matches the closed form sigma phi(z) + (mu - best) Phi(z) where that is accurate', () => {
    for (const [mu, sigma, best] of [
      [0, 1, 0],
      [1.3, 0.4, 1],
      [-2, 0.5, 0],
      [5, 2, 1],
    ]) {
      const z = (mu - best) / sigma;
      const ei = sigma * normalPdf(z) + (mu - best) * normalCdf(z);
      expect(logExpectedImprovement(mu, sigma, best)).toBeCloseTo(Math.log(ei), 10);
    }
  });

  it('agrees with a Monte-Carlo estimate', () => {
    const rng = new Rng(1);
    const [mu, sigma, best] = [0.2, 0.7, 0.6];
    let s = 0;
    let s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const v = Math.max(mu + sigma * rng.normal() - best, 0);
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const se = Math.sqrt((s2 / n - mean * mean) / n);
    expect(Math.abs(Math.exp(logExpectedImprovement(mu, sigma, best)) - mean)).toBeLessThan(4 * se);
  });

  it('stays finite and increasing far below the incumbent, where EI underflows', () => {
    const a = logExpectedImprovement(-40, 1, 0);
    const b = logExpectedImprovement(-39, 1, 0);
    expect(Number.isFinite(a)).toBe(true);
    expect(b).toBeGreaterThan(a);
    // asymptotically h(z) = phi(z) / z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6 + ...)
    expect(logH(-40)).toBeCloseTo(
      normalLogPdf(-40) - Math.log(1600) + Math.log(1 - 3 / 1600 + 15 / 40 ** 4 - 105 / 40 ** 6),
      6,
    );
  });
});
