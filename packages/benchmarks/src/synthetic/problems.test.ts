import { hypervolume, type Assignments } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import {
  branin,
  currin,
  isFeasibleOutcome,
  makeProblem,
  vectorAssignments,
  type SyntheticProblem,
} from './problems.ts';
import { ObservationNoise } from './noise.ts';
import { problemConfig, runMethod } from './run.ts';

/** Objective values at a vector of doubles x0..x{d-1} (throws on a failure). */
function ev(p: SyntheticProblem, x: number[] | Assignments): number[] {
  const o = p.evaluate(Array.isArray(x) ? vectorAssignments(x) : x);
  if (o.failed) throw new Error('failed');
  return o.values;
}

describe('single-objective problems (negated BoTorch functions): known minima and minimisers', () => {
  it('Branin: 0.397887 at its three minimisers, bounds [-5, 10] x [0, 15]', () => {
    const p = makeProblem('branin');
    for (const x of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [9.42478, 2.475],
    ])
      expect(ev(p, x)[0]).toBeCloseTo(-0.397887, 5);
    expect(p.optimum).toBe(-0.397887);
    expect(p.parameters.map((q) => q.bounds)).toEqual([
      { min: -5, max: 10 },
      { min: 0, max: 15 },
    ]);
  });
  it('Levy d=8: 0 at 1s, positive elsewhere', () => {
    const p = makeProblem('levy');
    expect(p.dim).toBe(8);
    expect(ev(p, Array(8).fill(1))[0]).toBeCloseTo(0, 12);
    expect(ev(p, Array(8).fill(0))[0]).toBeLessThan(-0.1);
    // w = 1.25 in every coordinate at x = 2: sin^2(1.25 pi) + 7 (0.0625 (1 + 10 sin^2(1.25 pi + 1))) + 0.0625 (1 + sin^2(2.5 pi))
    const w = 1.25;
    const want =
      Math.sin(Math.PI * w) ** 2 +
      7 * (w - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w + 1) ** 2) +
      (w - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w) ** 2);
    expect(ev(p, Array(8).fill(2))[0]).toBeCloseTo(-want, 12);
    expect(p.parameters[0].bounds).toEqual({ min: -10, max: 10 });
  });
  it('Rosenbrock d=6: 0 at 1s; 100 + 1 per link at (0, 1, 0, 1, ...)', () => {
    const p = makeProblem('rosenbrock');
    expect(ev(p, Array(6).fill(1))[0]).toBe(-0);
    expect(ev(p, [0, 0, 0, 0, 0, 0])[0]).toBe(-5);
    expect(ev(p, [1, 2, 1, 1, 1, 1])[0]).toBe(-(100 + 100 * 9 + 1));
  });
  it('Styblinski-Tang d=10: -39.166166 d at -2.903534', () => {
    const p = makeProblem('styblinskitang');
    expect(p.dim).toBe(10);
    expect(ev(p, Array(10).fill(-2.903534))[0]).toBeCloseTo(391.66166, 4);
    expect(p.optimum).toBeCloseTo(391.66166, 8);
    expect(ev(p, Array(10).fill(0))[0]).toBe(-0);
  });
  it('Michalewicz: -1.80130341 (d=2) at (2.20290552, pi/2), -4.687658 (d=5)', () => {
    expect(ev(makeProblem('michalewicz', 2), [2.20290552, 1.57079633])[0]).toBeCloseTo(1.80130341, 7);
    const p = makeProblem('michalewicz');
    expect(p.dim).toBe(5);
    expect(p.optimum).toBe(4.687658);
    // the d=5 minimiser from the literature (Surjanovic & Bingham's library)
    expect(ev(p, [2.202906, 1.570796, 1.284992, 1.923058, 1.72047])[0]).toBeCloseTo(4.687658, 5);
    expect(() => makeProblem('michalewicz', 4)).toThrow(/--dim/);
  });
});

describe('BraninCurrin (negated, BoTorch bounds)', () => {
  const p = makeProblem('branincurrin');
  it('Branin has its known minimum 0.397887 at (pi, 2.275)', () => {
    expect(branin(Math.PI, 2.275)).toBeCloseTo(0.397887, 5);
    expect(ev(p, [(Math.PI + 5) / 15, 2.275 / 15])[0]).toBeCloseTo(-0.397887, 5);
  });
  it('matches hand-computed values at (0.5, 0.5)', () => {
    // Currin: (1 - e^-1) * (287.5 + 475 + 1046 + 60) / (12.5 + 125 + 2 + 20)
    expect(currin(0.5, 0.5)).toBeCloseTo(((1 - Math.exp(-1)) * 1868.5) / 159.5, 12);
    const b =
      (7.5 - (5.1 / (4 * Math.PI ** 2)) * 6.25 + (5 / Math.PI) * 2.5 - 6) ** 2 +
      10 * (1 - 1 / (8 * Math.PI)) * Math.cos(2.5) +
      10;
    expect(b).toBeCloseTo(24.1296, 3);
    expect(ev(p, [0.5, 0.5])).toEqual([-b, -currin(0.5, 0.5)]);
    expect(p.refPoint).toEqual([-18, -6]);
  });
});

describe('ZDT and DTLZ', () => {
  it('ZDT1/2/3 at known points', () => {
    const z1 = makeProblem('zdt1', 6);
    expect(ev(z1, [0.25, 0, 0, 0, 0, 0])).toEqual([-0.25, -0.5]);
    expect(ev(z1, [0.25, 1, 1, 1, 1, 1])[1]).toBeCloseTo(-(10 * (1 - Math.sqrt(0.025))), 12); // g = 10
    expect(ev(makeProblem('zdt2', 6), [0.5, 0, 0, 0, 0, 0])).toEqual([-0.5, -0.75]);
    expect(ev(makeProblem('zdt3', 6), [0.05, 0, 0, 0, 0, 0])[1]).toBeCloseTo(-(1 - Math.sqrt(0.05) - 0.05), 12);
    expect(z1.refPoint).toEqual([-11, -11]);
  });
  it('DTLZ2 lies on the unit circle when x_i = 0.5 (i >= 1)', () => {
    const p = makeProblem('dtlz2', 6);
    const y = ev(p, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(y[0]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(y[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(ev(p, [0, 1, 0.5, 0.5, 0.5, 0.5])).toEqual([-1.25, expect.closeTo(0, 12)]); // g = 0.25
  });
  it('DTLZ1: the front is the line f0 + f1 = 0.5 when x_i = 0.5 (i >= 1); g = 100 (k + sum ...) off it', () => {
    const p = makeProblem('dtlz1', 6);
    for (const x0 of [0, 0.3, 1]) {
      const y = ev(p, [x0, 0.5, 0.5, 0.5, 0.5, 0.5]);
      expect(y[0] + y[1]).toBeCloseTo(-0.5, 12);
      expect(y[0]).toBeCloseTo(-0.5 * x0, 12);
    }
    // x_i = 0 for i >= 1: each term (0.25 - cos(-10 pi)) = -0.75, k = 5: g = 100 (5 - 3.75) = 125
    expect(ev(p, [1, 0, 0, 0, 0, 0])).toEqual([expect.closeTo(-0.5 * 126, 9), -0]);
    expect(p.refPoint).toEqual([-400, -400]);
  });
  it('DTLZ2 with 3 objectives: the front is the unit sphere, g over the last d - 2 inputs', () => {
    const p = makeProblem('dtlz2m3');
    expect(p.dim).toBe(8);
    expect(p.objectives).toBe(3);
    for (const [a, b] of [
      [0.2, 0.7],
      [0.9, 0.1],
    ]) {
      const y = ev(p, [a, b, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
      expect(y[0] ** 2 + y[1] ** 2 + y[2] ** 2).toBeCloseTo(1, 12);
      expect(y[2]).toBeCloseTo(-Math.sin((a * Math.PI) / 2), 12);
    }
    expect(ev(p, [0, 0, 1, 0.5, 0.5, 0.5, 0.5, 0.5])[0]).toBeCloseTo(-1.25, 12);
    expect(p.refPoint).toEqual([-1.1, -1.1, -1.1]);
  });
  it("dense Pareto-optimal samples reach BoTorch's max hypervolume", () => {
    for (const [name, dim, rest, tol] of [
      ['zdt1', 6, 0, 0.01],
      ['zdt2', 6, 0, 0.01],
      ['zdt1', 20, 0, 0.01],
      ['dtlz2', 6, 0.5, 0.001],
      ['dtlz1', 6, 0.5, 0.001],
    ] as const) {
      const p = makeProblem(name, dim);
      const pts: number[][] = [];
      for (let i = 0; i <= 2000; i++) pts.push(ev(p, [i / 2000, ...Array(dim - 1).fill(rest)]));
      expect(Math.abs(hypervolume(pts, p.refPoint!) - p.maxHv!)).toBeLessThan(tol);
    }
    const p3 = makeProblem('dtlz2m3');
    const pts: number[][] = [];
    for (let i = 0; i <= 40; i++)
      for (let j = 0; j <= 40; j++) pts.push(ev(p3, [i / 40, j / 40, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));
    const hv = hypervolume(pts, p3.refPoint!);
    expect(hv).toBeLessThan(p3.maxHv!);
    expect(p3.maxHv! - hv).toBeLessThan(0.02);
  });
  it('rejects bad dimensions', () => {
    expect(() => makeProblem('branincurrin', 3)).toThrow(/--dim/);
    expect(() => makeProblem('dtlz2', 2)).toThrow(/--dim/);
    expect(() => makeProblem('dtlz2m3', 3)).toThrow(/--dim/);
  });
});

describe('VehicleSafety (BoTorch)', () => {
  const p = makeProblem('vehiclesafety');
  it('at x = 1s the objectives are the sums of their coefficients', () => {
    // mass 1640.2823 + 2.3573285 + 2.3220035 + 4.5688768 + 7.7213633 + 4.4559504, acceleration and intrusion likewise
    const y = ev(p, [1, 1, 1, 1, 1]);
    expect(y[0]).toBeCloseTo(-1661.7078225, 9);
    expect(y[1]).toBeCloseTo(-8.3046, 12);
    expect(y[2]).toBeCloseTo(-0.0708, 12);
  });
  it('uses its 3-objective reference point and stays below its max hypervolume over the box', () => {
    expect(p.refPoint).toEqual([-1864.72022, -11.81993945, -0.2903999384]);
    expect(p.parameters.every((q) => q.bounds!.min === 1 && q.bounds!.max === 3)).toBe(true);
    const pts: number[][] = [];
    const g = [1, 1.5, 2, 2.5, 3];
    for (const a of g)
      for (const b of g) for (const c of g) for (const d of g) for (const e of g) pts.push(ev(p, [a, b, c, d, e]));
    const hv = hypervolume(pts, p.refPoint!);
    expect(hv).toBeGreaterThan(0.8 * p.maxHv!);
    expect(hv).toBeLessThan(p.maxHv!);
  });
});

describe('mixed spaces and the failure region', () => {
  it('rosenbrock-int: the first half are ints in [-5, 10], optimum 0 at 1s', () => {
    const p = makeProblem('rosenbrock-int');
    expect(p.parameters.map((q) => q.type)).toEqual(['int', 'int', 'int', 'double', 'double', 'double']);
    expect(ev(p, Array(6).fill(1))[0]).toBe(-0);
    expect(p.optimum).toBe(0);
  });
  it('fn-switch: b holds the optimum 1 at x = 0.7, k = 3; a tops out at 0.8', () => {
    const p = makeProblem('fn-switch');
    expect(p.parameters.map((q) => `${q.name}:${q.type}`)).toEqual([
      'fn:categorical',
      'x0:double',
      'x1:double',
      'x2:double',
      'k:int',
    ]);
    expect(ev(p, { fn: 'b', x0: 0.7, x1: 0.7, x2: 0.7, k: 3 })[0]).toBeCloseTo(1, 12);
    expect(ev(p, { fn: 'a', x0: 0.25, x1: 0.25, x2: 0.25, k: 1 })[0]).toBeCloseTo(0.8, 12);
    expect(ev(p, { fn: 'a', x0: 0.7, x1: 0.7, x2: 0.7, k: 3 })[0]).toBeCloseTo(0.8 - 3 * 0.45 ** 2 - 0.2, 12);
    expect(p.optimum).toBe(1);
  });
  it('zdt-mixed: 12 parameters (a categorical, 6 doubles, 5 ints read as tenths); ZDT1 or ZDT2 by the categorical', () => {
    const p = makeProblem('zdt-mixed');
    expect(p.parameters.map((q) => `${q.name}:${q.type}`)).toEqual([
      'front:categorical',
      'x0:double',
      ...[1, 2, 3, 4, 5].map((i) => `x${i}:int`),
      ...[6, 7, 8, 9, 10].map((i) => `x${i}:double`),
    ]);
    expect(p.parameters[2]).toMatchObject({ bounds: { min: 0, max: 10 } });
    const at = (front: string, x0: number, rest: number[]) =>
      ev(p, { front, x0, ...Object.fromEntries(rest.map((v, i) => [`x${i + 1}`, v])) });
    // on the front (every distance coordinate 0): ZDT1 (0.25, 1 - 0.5), ZDT2 (0.5, 1 - 0.25), maximised
    expect(at('convex', 0.25, Array(10).fill(0))).toEqual([-0.25, -0.5]);
    expect(at('concave', 0.5, Array(10).fill(0))).toEqual([-0.5, -0.75]);
    // an int of 10 counts as 1.0, as much as a double of 1: g = 1 + 9 / 10 either way
    const g = 1 + 9 / 10;
    const f2 = g * (1 - Math.sqrt(0.25 / g));
    expect(at('convex', 0.25, [10, 0, 0, 0, 0, 0, 0, 0, 0, 0])[1]).toBeCloseTo(-f2, 12);
    expect(at('convex', 0.25, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])[1]).toBeCloseTo(-f2, 12);
    // the convex front's hypervolume above (11, 11) tends to the stated maximum; the concave front's stays below it
    const front = (kind: string) => Array.from({ length: 2001 }, (_, i) => at(kind, i / 2000, Array(10).fill(0)));
    expect(hypervolume(front('convex'), p.refPoint!)).toBeCloseTo(p.maxHv!, 3);
    expect(hypervolume(front('concave'), p.refPoint!)).toBeCloseTo(120 + 1 / 3, 3);
    expect(() => at('flat', 0.5, Array(10).fill(0))).toThrow(/front must be convex or concave \(got flat\)/);
    expect(() => makeProblem('zdt-mixed', 3)).toThrow(/needs dim >= 4/);
  });
  it("constrained-branincurrin: BraninCurrin inside BoTorch's disk, failed outside", () => {
    const p = makeProblem('constrained-branincurrin');
    const bc = makeProblem('branincurrin');
    expect(ev(p, [0.5, 0.5])).toEqual(ev(bc, [0.5, 0.5])); // the disk centre (2.5, 7.5)
    expect(p.evaluate(vectorAssignments([0, 0]))).toEqual({ failed: true }); // (-5, 0): 50 - 56.25 - 56.25 < 0
    // on the disk's edge: (2.5 + sqrt(50), 7.5) is feasible, a bit further is not
    const edge = (2.5 + Math.sqrt(50) + 5) / 15;
    expect(p.evaluate(vectorAssignments([edge - 1e-9, 0.5])).failed).toBeFalsy();
    expect(p.evaluate(vectorAssignments([edge + 1e-6, 0.5])).failed).toBe(true);
    expect(p.refPoint).toEqual([-80, -12]);
    expect(p.maxHv).toBe(608.4004237022673);
  });
});

describe('observed constraints: the slacks come with the values, feasible when >= 0', () => {
  it("branincurrin-slack: BraninCurrin's values with BoTorch's disk slack", () => {
    const p = makeProblem('branincurrin-slack');
    const bc = makeProblem('branincurrin');
    expect(p.constraints).toBe(1);
    expect(bc.constraints).toBe(0);
    for (const x of [
      [0.5, 0.5],
      [0, 0],
      [0.9, 0.2],
    ]) {
      const o = p.evaluate(vectorAssignments(x));
      expect(o.failed).toBeFalsy();
      expect(ev(p, x)).toEqual(ev(bc, x));
    }
    expect(p.evaluate(vectorAssignments([0.5, 0.5]))).toMatchObject({ constraints: [50] }); // the centre (2.5, 7.5)
    const corner = p.evaluate(vectorAssignments([0, 0])) as { values: number[]; constraints: number[] }; // (-5, 0)
    expect(corner.constraints[0]).toBeCloseTo(50 - 56.25 - 56.25, 12);
    expect(isFeasibleOutcome(corner)).toBe(false);
    expect(isFeasibleOutcome(p.evaluate(vectorAssignments([0.5, 0.5])))).toBe(true);
    expect(p.refPoint).toEqual([-80, -12]);
  });
  it('c2dtlz2: the DTLZ2 front is feasible near its ends and its middle only; max HV that of the feasible arcs', () => {
    const p = makeProblem('c2dtlz2');
    expect(p.dim).toBe(6);
    const slack = (x0: number) =>
      (p.evaluate(vectorAssignments([x0, 0.5, 0.5, 0.5, 0.5, 0.5])) as { constraints: number[] }).constraints[0];
    // on the front (g = 0): f = (cos, sin) of x0 pi / 2
    expect(slack(0.5)).toBeCloseTo(0.08, 12); // the middle: r^2 m - 0 = 0.04 * 2
    expect(slack(0)).toBeCloseTo(0.04, 12); // an end: -(0 + 0 - r^2)
    expect(slack(0.25)).toBeCloseTo(-0.0722409, 6); // between them
    expect(ev(p, [0.25, 0.5, 0.5, 0.5, 0.5, 0.5])).toEqual(
      ev(makeProblem('dtlz2', 6), [0.25, 0.5, 0.5, 0.5, 0.5, 0.5]),
    );
    // away from the front the middle piece closes: g = 5 * 0.25, f = 2.25 (cos, sin) misses it
    expect(
      (p.evaluate(vectorAssignments([0.5, 1, 1, 1, 1, 1])) as { constraints: number[] }).constraints[0],
    ).toBeLessThan(0);
    // the hypervolume of 200,001 points of the front, the feasible ones: the problem's max HV (BoTorch's NSGA-II
    // estimate, 0.39964, is below it)
    const front: number[][] = [];
    for (let i = 0; i <= 200000; i++) {
      const x0 = i / 200000;
      const o = p.evaluate(vectorAssignments([x0, 0.5, 0.5, 0.5, 0.5, 0.5]));
      if (isFeasibleOutcome(o) && !o.failed) front.push(o.values);
    }
    expect(hypervolume(front, p.refPoint!)).toBeCloseTo(p.maxHv!, 5);
    expect(p.maxHv!).toBeGreaterThan(0.3996406303723544);
  });
  it('ours and Sobol 10x: the optimizer is told the slack as a constraint metric; infeasible points count for nothing', async () => {
    const p = makeProblem('branincurrin-slack');
    const config = problemConfig(p, 'mobo', 0, { thresholds: true });
    expect(config.metrics.map((m) => [m.name, m.strategy, m.threshold])).toEqual([
      ['f0', 'optimize', -80],
      ['f1', 'optimize', -12],
      ['c0', 'constraint', 0],
    ]);
    for (const method of ['mobo', 'sobol-10x'] as const) {
      const r = await runMethod(p, method, { budget: method === 'mobo' ? 20 : 12, seed: 2 });
      const feasible: number[][] = [];
      for (const pt of r.points) {
        const o = p.evaluate(pt.x) as { values: number[]; constraints: number[] };
        expect(pt).toMatchObject({ y: o.values, c: o.constraints });
        if (o.constraints[0] >= 0) feasible.push(o.values);
      }
      expect(r.failed).toBe(0);
      expect(r.infeasible).toBe(r.points.length - feasible.length);
      expect(r.infeasible).toBeGreaterThan(0);
      expect(r.hypervolume).toBeCloseTo(hypervolume(feasible, p.refPoint!), 12);
      expect(r.trace.at(-1)).toBeCloseTo(r.hypervolume!, 12);
      if (method === 'mobo') {
        // told the slack, the model's suggestions work along the disk's edge (where the front is) from inside: at most
        // 5 of its 15 miss the constraint (told a slack that is always met: 10 of 15, hypervolume 285), and 20
        // evaluations beat Sobol's 300 (mean 526 over 8 seeds with the disk as a failure region)
        const model = r.points.filter((_, i) => r.phases[i] === 'model');
        expect(model).toHaveLength(15);
        expect(model.filter((q) => q.c![0] < 0).length).toBeLessThanOrEqual(5);
        expect(r.hypervolume).toBeGreaterThan(550);
      }
    }
    // with noise, the objectives are told noisy and the slacks exact
    const noise = new ObservationNoise(p, 0.1, 0);
    const o = p.evaluate(vectorAssignments([0.2, 0.3])) as { values: number[]; constraints: number[] };
    const seen = noise.observe(o) as { values: number[]; constraints: number[] };
    expect(seen.constraints).toEqual(o.constraints);
    expect(seen.values).not.toEqual(o.values);
  });
});

describe('the extra suite: classic single-objective problems at their known minima', () => {
  it('Hartmann-6: -3.32237 at its minimiser, and embedded in 20 dimensions on coordinates 3, 7, 11, 13, 16, 19', () => {
    const xStar = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
    expect(ev(makeProblem('hartmann6'), xStar)[0]).toBeCloseTo(3.32237, 4);
    const emb = makeProblem('hartmann6-embedded');
    expect(emb.dim).toBe(20);
    const x = Array(20).fill(0.9);
    [3, 7, 11, 13, 16, 19].forEach((i, j) => (x[i] = xStar[j]));
    expect(ev(emb, x)[0]).toBeCloseTo(3.32237, 4);
    x[0] = 0.1; // a coordinate without effect
    expect(ev(emb, x)[0]).toBeCloseTo(3.32237, 4);
    expect(() => makeProblem('hartmann6-embedded', 12)).toThrow(/dim >= 20/);
  });
  it('Ackley, Griewank and Powell: 0 at 0, positive away from it', () => {
    for (const [name, dim] of [
      ['ackley', 10],
      ['griewank', 8],
      ['powell', 8],
    ] as const) {
      const p = makeProblem(name, dim);
      expect(p.optimum).toBe(-0);
      expect(ev(p, Array(dim).fill(0))[0]).toBeCloseTo(0, 12);
      expect(ev(p, Array(dim).fill(0.5))[0]).toBeLessThan(-1e-3);
    }
    // Ackley at 1s: -20 exp(-0.2) - exp(1) + 20 + e = 20 (1 - exp(-0.2))
    expect(ev(makeProblem('ackley', 10), Array(10).fill(1))[0]).toBeCloseTo(-20 * (1 - Math.exp(-0.2)), 10);
    // Powell at (1, 0, 0, 1) x 2: (1)^2 + 5 (0 - 1)^2 + 0 + 10 (0)^2 = 6 per block
    expect(ev(makeProblem('powell', 8), [1, 0, 0, 1, 1, 0, 0, 1])[0]).toBeCloseTo(-12, 12);
    expect(() => makeProblem('powell', 6)).toThrow(/multiple of 4/);
  });
  it('Shekel (m = 10): -10.53641 at (4.00075, 4.00059, 3.99966, 3.99951), the best of a local search; six-hump camel: -1.0316 at both of its minimisers', () => {
    expect(ev(makeProblem('shekel'), [4.00075, 4.00059, 3.99966, 3.99951])[0]).toBeCloseTo(10.53641, 5);
    for (const dx of [0.001, -0.001])
      expect(ev(makeProblem('shekel'), [4.00075 + dx, 4.00059, 3.99966, 3.99951])[0]).toBeLessThan(10.53641);
    const camel = makeProblem('sixhumpcamel');
    expect(ev(camel, [0.0898, -0.7126])[0]).toBeCloseTo(1.0316, 4);
    expect(ev(camel, [-0.0898, 0.7126])[0]).toBeCloseTo(1.0316, 4);
    expect(camel.parameters.map((q) => q.bounds)).toEqual([
      { min: -3, max: 3 },
      { min: -2, max: 2 },
    ]);
  });
});

describe('the extra suite: multi-objective problems (negated BoTorch definitions)', () => {
  /** hypervolume of n points along a front, as the problem scores it */
  const frontHv = (p: SyntheticProblem, n: number, at: (t: number) => number[]) =>
    hypervolume(
      Array.from({ length: n }, (_, i) => ev(p, at(i / (n - 1)))),
      p.refPoint!,
    );

  it('DH1: the front f1 = 1 - f0^2 at x_i = 0, whose hypervolume is the stated maximum; the ripple costs g S away from it', () => {
    const p = makeProblem('dh1');
    expect(p.dim).toBe(5);
    expect(p.parameters.map((q) => q.bounds)).toEqual([{ min: 0, max: 1 }, ...Array(4).fill({ min: -1, max: 1 })]);
    expect(ev(p, [0.3, 0, 0, 0, 0])).toEqual([-0.3, -(1 - 0.09)]);
    // x1 = 0.25: 10 + 0.0625 - 10 cos(pi) = 20.0625, S(0.3) = 1 / 0.5 + 0.09
    expect(ev(p, [0.3, 0.25, 0, 0, 0])[1]).toBeCloseTo(-(0.91 + 20.0625 * 2.09), 10);
    // x1 = 0.5 is a local minimum of the ripple: 10 + 0.25 - 10 cos(2 pi) = 0.25
    expect(ev(p, [0.3, 0.5, 0, 0, 0])[1]).toBeCloseTo(-(0.91 + 0.25 * 2.09), 10);
    expect(p.refPoint).toEqual([-1.1, -1.1]);
    expect(frontHv(p, 2001, (t) => [t, 0, 0, 0, 0])).toBeCloseTo(p.maxHv!, 3);
  });

  it('DH3: the global front in the narrow valley x1 = 0.85 beats the broad local one at x1 = 0.35; its hypervolume is the stated maximum', () => {
    const p = makeProblem('dh3');
    expect(p.parameters.map((q) => q.bounds)).toEqual([
      { min: 0, max: 1 },
      { min: 0, max: 1 },
      ...Array(3).fill({ min: -1, max: 1 }),
    ]);
    const hGlobal = 2 - 0.8 * Math.exp(-4) - 1; // h(0.85)
    const hLocal = 2 - 0.8 - Math.exp(-((0.5 / 0.03) ** 2)); // h(0.35)
    expect(ev(p, [0.25, 0.85, 0, 0, 0])[1]).toBeCloseTo(-hGlobal * 0.5, 12);
    expect(ev(p, [0.25, 0.35, 0, 0, 0])[1]).toBeCloseTo(-hLocal * 0.5, 12);
    expect(ev(p, [0.25, 0.85, 0.1, 0, 0])[1]).toBeCloseTo(-hGlobal * (0.5 + 0.5), 12); // g = 50 (0.1)^2
    expect(frontHv(p, 4001, (t) => [t, 0.85, 0, 0, 0])).toBeCloseTo(p.maxHv!, 3);
    expect(frontHv(p, 4001, (t) => [t, 0.35, 0, 0, 0])).toBeLessThan(p.maxHv! - 0.05);
  });

  it('car side impact: 4 objectives at the corners and the centre of its box (values from the formulas, in Python)', () => {
    const p = makeProblem('carsideimpact');
    expect(p.objectives).toBe(4);
    expect(p.refPoint).toEqual([-45.4872, -4.5114, -13.3394, -10.3942]);
    const cases: [number[], number[]][] = [
      [
        [0.5, 0.45, 0.5, 0.5, 0.875, 0.4, 0.4],
        [15.576004000000003, 4.42725, 13.091381250000001, 9.494019300000001],
      ],
      [
        [1.5, 1.35, 1.5, 1.5, 2.625, 1.2, 1.2],
        [42.768012, 3.58525, 10.61064375, 0], // every constraint met: no violation
      ],
      [
        [1, 0.9, 1, 1, 1.75, 0.8, 0.8],
        [29.172008, 4.0489999999999995, 12.1232625, 1.0484999999999989],
      ],
    ];
    for (const [x, f] of cases) ev(p, x).forEach((v, j) => expect(v).toBeCloseTo(-f[j], 10));
    expect(() => makeProblem('carsideimpact', 6)).toThrow(/dim 7/);
  });
});
