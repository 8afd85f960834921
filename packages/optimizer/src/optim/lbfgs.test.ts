import { describe, expect, it } from 'vitest';
import { lbfgs } from './lbfgs.ts';

/** Rosenbrock's banana: minimum 0 at (1, ..., 1). */
function rosenbrock(x: Float64Array): [number, Float64Array] {
  const g = new Float64Array(x.length);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return [f, g];
}

describe('lbfgs', () => {
  it("finds Rosenbrock's minimum from the textbook start (-1.2, 1)", () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { maxIter: 200 });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
    expect(r.f).toBeLessThan(1e-8);
    expect(r.iterations).toBeGreaterThan(10); // a curved valley: not solved by one step
  });

  it('solves a badly scaled quadratic (condition number 1e6) in tens of iterations, not millions', () => {
    // f = sum_i s_i (x_i - c_i)^2 with scales over six orders of magnitude
    const s = [1e-3, 1, 10, 1e3];
    const c = [3, -1, 0.5, 2];
    const fg = (x: Float64Array): [number, Float64Array] => {
      let f = 0;
      const g = new Float64Array(x.length);
      x.forEach((v, i) => {
        f += s[i] * (v - c[i]) ** 2;
        g[i] = 2 * s[i] * (v - c[i]);
      });
      return [f, g];
    };
    const r = lbfgs(fg, [0, 0, 0, 0], { maxIter: 100, gradTol: 1e-10 });
    c.forEach((ci, i) => expect(r.x[i]).toBeCloseTo(ci, 3));
    // steepest descent would need on the order of the condition number of iterations; the curvature pairs rescale it
    // (31 with the Armijo backtracking here)
    expect(r.iterations).toBeLessThan(60);
  });

  it('backs off where the objective is not finite (a box expressed as +Infinity outside it)', () => {
    // minimum of (x - 2)^2 subject to x <= 1, as the GP fit expresses its hyperparameter box
    const fg = (x: Float64Array): [number, Float64Array] =>
      x[0] > 1 ? [Infinity, x] : [(x[0] - 2) ** 2, Float64Array.of(2 * (x[0] - 2))];
    const r = lbfgs(fg, [0], { maxIter: 100 });
    expect(r.x[0]).toBeLessThanOrEqual(1);
    expect(r.x[0]).toBeGreaterThan(0.9);
    expect(Number.isFinite(r.f)).toBe(true);
  });

  it('returns the start unchanged when the objective is not finite there', () => {
    const r = lbfgs(() => [NaN, new Float64Array(2)], [0.3, 0.4]);
    expect(Array.from(r.x)).toEqual([0.3, 0.4]);
    expect(r.iterations).toBe(0);
    expect(r.evaluations).toBe(1);
  });
});
