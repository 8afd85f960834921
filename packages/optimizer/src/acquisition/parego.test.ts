import { describe, expect, it } from 'vitest';
import { chebyshevScalarise, simplexWeights } from './parego.ts';
import { Rng } from '../math/rng.ts';

describe('ParEGO scalarisation', () => {
  it('chebyshevScalarise: min_j w_j u_j + rho sum_j w_j u_j on the normalised objectives', () => {
    // u = (0.5, 0.25), w = (0.4, 0.6): min(0.2, 0.15) + 0.05 * 0.35
    expect(chebyshevScalarise([1, 2], [0.4, 0.6], [0, 1], [2, 5])).toBeCloseTo(0.15 + 0.05 * 0.35, 12);
  });
  it('simplexWeights are uniform on the simplex: positive, sum 1, each coordinate with mean 1/k', () => {
    const rng = new Rng(3);
    const k = 3;
    const mean = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const w = simplexWeights(k, rng);
      expect(w.every((v) => v > 0)).toBe(true);
      expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
      w.forEach((v, j) => (mean[j] += v / n));
    }
    // Dirichlet(1,1,1): each weight has mean 1/3 and variance 1/18; 4 standard errors
    for (const m of mean) expect(Math.abs(m - 1 / 3)).toBeLessThan(4 * Math.sqrt(1 / 18 / n));
  });
});
