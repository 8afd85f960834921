import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng.ts';
import { SuccessModel } from './success-model.ts';

/** n points of the unit square, row-major, and whether each succeeds (x0 <= 0.5: the half-plane x0 > 0.5 fails). */
function halfPlane(n: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float64Array(2 * n);
  const success: boolean[] = [];
  for (let i = 0; i < n; i++) {
    X[2 * i] = rng.next();
    X[2 * i + 1] = rng.next();
    success.push(X[2 * i] <= 0.5);
  }
  return { X, success };
}

const at = (...pts: [number, number][]) => Float64Array.from(pts.flat());
const probabilities = (m: SuccessModel, X: Float64Array) => Array.from(m.logProbability(X, X.length / 2), Math.exp);

describe('SuccessModel', () => {
  const { X, success } = halfPlane(40, 3);
  const model = SuccessModel.fit(X, 2, success, { rng: new Rng(1) });

  it('learns a half-plane failure region: sure on both sides, and sharp between the nearest success and failure', () => {
    // the observations nearest the boundary: a success at x0 = 0.496, a failure at 0.524
    const xs = [0.15, 0.3, 0.4, 0.47, 0.55, 0.6, 0.7, 0.85];
    const p = probabilities(model, at(...xs.map((x): [number, number] => [x, 0.5])));
    expect(p[0]).toBeGreaterThan(0.99);
    expect(p[3]).toBeGreaterThan(0.9); // x0 = 0.47
    expect(p[4]).toBeLessThan(0.1); // x0 = 0.55
    expect(p[7]).toBeLessThan(0.01);
    // falling across the boundary (deep inside the failed half it reverts towards the mean by ~1e-12)
    for (let i = 1; i <= 5; i++) expect(p[i]).toBeLessThanOrEqual(p[i - 1]);
  });

  it('learns that the other coordinate does not matter (a longer length scale along it)', () => {
    const [lx, ly] = model.hyper.logLengthscales;
    expect(ly).toBeGreaterThan(lx);
    const [low, high] = probabilities(model, at([0.2, 0.05], [0.2, 0.95]));
    expect(Math.abs(low - high)).toBeLessThan(0.1);
  });

  it('penalises points with P(success) < 0.2 below every plausible one, and leaves the rest at log P', () => {
    const pts = at([0.15, 0.5], [0.85, 0.5]);
    const lp = model.logProbability(pts, 2);
    const pen = model.logPenalty(pts, 2);
    expect(pen[0]).toBe(lp[0]);
    expect(pen[1]).toBeLessThan(-1e5);
    expect(model.logScore(pts, 2)).toEqual(pen);
  });

  it('with given hyperparameters, reproduces the fitted model exactly', () => {
    const again = SuccessModel.withHyperparameters(X, success, model.hyper);
    const pts = at([0.3, 0.3], [0.55, 0.9], [0.7, 0.1]);
    expect(Array.from(again.logProbability(pts, 3))).toEqual(Array.from(model.logProbability(pts, 3)));
  });

  it('with a zero mean, P(success) recovers with the distance from the only (failed) observations', () => {
    // three failures in one corner, nothing else: with the empirical mean (-1) the whole square would be a failure
    const Xf = at([0.05, 0.05], [0.1, 0.05], [0.05, 0.1]);
    const fails = [false, false, false];
    const zero = SuccessModel.fit(Xf, 2, fails, { rng: new Rng(2), zeroMean: true });
    const [near, middle, far] = probabilities(zero, at([0.07, 0.07], [0.5, 0.5], [0.95, 0.95]));
    expect(near).toBeLessThan(0.01);
    expect(middle).toBeGreaterThan(near);
    expect(far).toBeGreaterThan(middle);
    expect(far).toBeGreaterThan(0.25); // 0.34 with these points (prior mean 0: 0.5 infinitely far away)
    expect(far).toBeLessThan(0.5);
  });
});
