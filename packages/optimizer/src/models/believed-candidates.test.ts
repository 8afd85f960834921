import { describe, expect, it } from 'vitest';
import { BelievedCandidates } from './believed-candidates.ts';
import { GaussianProcess } from './gp.ts';
import { Rng } from '../math/rng.ts';

function randomMatrix(rng: Rng, rows: number, d: number): Float64Array {
  return Float64Array.from({ length: rows * d }, () => rng.next());
}

describe('BelievedCandidates', () => {
  const d = 3;
  const rng = new Rng(7);
  const n = 40;
  const X = randomMatrix(rng, n, d);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * X[i * d]) + X[i * d + 1] ** 2 - X[i * d + 2]);
  const hyper = { logLengthscales: [Math.log(0.3), Math.log(0.5), Math.log(0.8)], logSignalVar: 0.2, logNoiseVar: -6 };
  const base = new GaussianProcess(X, y, hyper).denoised();
  const m = 60;
  const C = randomMatrix(rng, m, d);

  it('matches the model conditioned on the believed points, pick after pick', () => {
    const believed = new BelievedCandidates(base, C, m);
    const picks: number[][] = [];
    // candidates themselves, then a point that is not a candidate, then a candidate again
    const order = [3, 17, -1, 42, 17];
    for (const c of order) {
      const x = c >= 0 ? Array.from(C.subarray(c * d, (c + 1) * d)) : [0.5, 0.5, 0.5];
      believed.believe(x);
      picks.push(x);
      const Xp = Float64Array.from(picks.flat());
      const full = base.condition(Xp, base.predictMean(Xp, picks.length)).predict(C, m);
      const fast = believed.predict(C, m);
      for (let i = 0; i < m; i++) {
        expect(fast.mean[i]).toBeCloseTo(full.mean[i], 10);
        expect(fast.variance[i]).toBeCloseTo(full.variance[i], 8);
      }
    }
    expect(believed.count).toBe(order.length);
    // a believed candidate keeps only the noise floor's worth of variance; a far one keeps most of its own
    const v = believed.predict(C, m).variance;
    expect(v[3]).toBeLessThan(1e-4);
    expect(Math.max(...v)).toBeGreaterThan(0.01);
  });

  it('falls back to the conditioned model for other inputs', () => {
    const believed = new BelievedCandidates(base, C, m);
    believed.believe([0.2, 0.4, 0.6]);
    const other = randomMatrix(rng, 5, d);
    const full = base.condition(
      Float64Array.from([0.2, 0.4, 0.6]),
      base.predictMean(Float64Array.from([0.2, 0.4, 0.6]), 1),
    );
    const a = believed.predict(other, 5);
    const b = full.predict(other, 5);
    for (let i = 0; i < 5; i++) {
      expect(a.variance[i]).toBeCloseTo(b.variance[i], 10);
      expect(believed.predictMean(other, 5)[i]).toBeCloseTo(b.mean[i], 10);
    }
  });
});
