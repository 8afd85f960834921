/**
 * suggest() on the space's SigOpt features: grid parameters, parameter priors (πBO) and linear constraints. Apart
 * from suggest.test.ts so that neither file runs long on a loaded machine.
 */
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig, type Assignments, type Observation } from './space/space.ts';
import { suggest, type OptimizerState } from './suggest.ts';

describe('grid parameters', () => {
  it('suggests only grid values and finds the best grid point with the best double in 25 evaluations', () => {
    const config = parseExperimentConfig({
      parameters: [
        { name: 'batch', type: 'int', grid: [16, 32, 64, 128, 256] },
        { name: 'lr', type: 'double', grid: [1e-4, 1e-3, 1e-2, 1e-1], transformation: 'log' },
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      ],
      metrics: [{ name: 'f' }],
      seed: 0,
    });
    const f = (a: Assignments) =>
      -((Math.log2(Number(a.batch)) - 6) ** 2) - (Math.log10(Number(a.lr)) + 2) ** 2 - 4 * (Number(a.x) - 0.3) ** 2;
    const obs: Observation[] = [];
    let state: OptimizerState | undefined;
    for (let i = 0; i < 25; i++) {
      const s = suggest({ config, observations: obs, state });
      state = s.state;
      expect([16, 32, 64, 128, 256]).toContain(s.assignments.batch);
      expect([1e-4, 1e-3, 1e-2, 1e-1]).toContain(s.assignments.lr);
      obs.push({ assignments: s.assignments, values: [{ name: 'f', value: f(s.assignments) }] });
    }
    const best = obs.reduce((a, b) => (b.values![0].value > a.values![0].value ? b : a));
    expect(best.assignments.batch).toBe(64);
    expect(best.assignments.lr).toBe(1e-2);
    expect(Math.abs(Number(best.assignments.x) - 0.3)).toBeLessThan(0.05);
  });
});

describe('priors on parameters (πBO)', () => {
  // f = -sum (x_i - 0.8)^2 over [0, 1]^4; measured over seeds 0-5 (regret after 12 / 30 evaluations): no prior
  // 0.042-0.161 / <= 0.0003; a prior at the optimum, normal(0.8, 0.1), 0.0003-0.0087 / <= 0.0001; a misleading
  // one, normal(0.2, 0.1), 0.52-0.73 / 0.0004-0.0044 (slower, still converging as the prior fades)
  const regret = (prior: Record<string, unknown> | null, seed: number, n: number) => {
    const config = parseExperimentConfig({
      parameters: [0, 1, 2, 3].map((i) => ({
        name: `x${i}`,
        type: 'double',
        bounds: { min: 0, max: 1 },
        ...(prior ? { prior } : {}),
      })),
      metrics: [{ name: 'f' }],
      seed,
      observation_budget: 30,
    });
    const f = (a: Assignments) => -[0, 1, 2, 3].reduce((s, i) => s + (Number(a[`x${i}`]) - 0.8) ** 2, 0);
    const obs: Observation[] = [];
    let state: OptimizerState | undefined;
    for (let i = 0; i < n; i++) {
      const s = suggest({ config, observations: obs, state });
      state = s.state;
      obs.push({ assignments: s.assignments, values: [{ name: 'f', value: f(s.assignments) }] });
    }
    return -Math.max(...obs.map((o) => o.values![0].value));
  };

  it.each([0, 1])('seed %i: a prior at the optimum gets there sooner; a misleading one still converges', (seed) => {
    const good = regret({ name: 'normal', mean: 0.8, scale: 0.1 }, seed, 12);
    expect(good).toBeLessThan(0.02);
    expect(good).toBeLessThan(regret(null, seed, 12) / 4);
    expect(regret({ name: 'normal', mean: 0.2, scale: 0.1 }, seed, 30)).toBeLessThan(0.02);
  });
});

describe('linear constraints', () => {
  it.each([0, 1])('seed %i: every suggestion satisfies x + y <= 1, and the best reaches the constraint', (seed) => {
    const config = parseExperimentConfig({
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
      ],
      // maximise x + 2y - (x - 0.3)^2 under x + y <= 1: the optimum sits on the constraint at x = 0, y = 1
      metrics: [{ name: 'f' }],
      linear_constraints: [
        {
          type: 'less_than',
          threshold: 1,
          terms: [
            { name: 'x', weight: 1 },
            { name: 'y', weight: 1 },
          ],
        },
      ],
      seed,
    });
    const f = (a: Assignments) => Number(a.x) + 2 * Number(a.y) - (Number(a.x) - 0.3) ** 2;
    const obs: Observation[] = [];
    let state: OptimizerState | undefined;
    for (let i = 0; i < 20; i++) {
      const s = suggest({ config, observations: obs, state });
      state = s.state;
      expect(Number(s.assignments.x) + Number(s.assignments.y)).toBeLessThanOrEqual(1 + 1e-9);
      obs.push({ assignments: s.assignments, values: [{ name: 'f', value: f(s.assignments) }] });
    }
    const best = Math.max(...obs.map((o) => o.values![0].value));
    expect(best).toBeGreaterThan(2 - 0.09 - 0.02); // f(0, 1) = 2 - 0.09
  });
});

describe('conditionals', () => {
  // a conditional picks the model; each model has a parameter of its own and shares x. The rbf branch holds the
  // optimum, 0.5 at x = 0.6, width = 0.2; the linear branch's best is 0.3 (x = 0.3, slope = 0.7).
  const config = (seed: number) =>
    parseExperimentConfig({
      conditionals: [{ name: 'model', values: ['linear', 'rbf'] }],
      parameters: [
        { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
        { name: 'slope', type: 'double', bounds: { min: 0, max: 1 }, conditions: { model: 'linear' } },
        { name: 'width', type: 'double', bounds: { min: 0, max: 1 }, conditions: { model: 'rbf' }, precision: 3 },
      ],
      metrics: [{ name: 'f' }],
      seed,
    });
  const f = (a: Assignments) =>
    a.model === 'linear'
      ? 0.3 - (Number(a.x) - 0.3) ** 2 - (Number(a.slope) - 0.7) ** 2
      : 0.5 - 2 * (Number(a.x) - 0.6) ** 2 - 2 * (Number(a.width) - 0.2) ** 2;

  it.each([0, 1])('seed %i: suggests only active parameters and finds the better branch in 25 evaluations', (seed) => {
    const c = config(seed);
    const obs: Observation[] = [];
    let state: OptimizerState | undefined;
    for (let i = 0; i < 25; i++) {
      const s = suggest({ config: c, observations: obs, state });
      state = s.state;
      const a = s.assignments;
      expect(Object.keys(a).sort()).toEqual(['model', 'x', a.model === 'linear' ? 'slope' : 'width'].sort());
      if (a.width !== undefined) expect(Number(a.width)).toBe(Number(Number(a.width).toPrecision(3)));
      obs.push({ assignments: a, values: [{ name: 'f', value: f(a) }] });
    }
    const best = obs.reduce((a, b) => (b.values![0].value > a.values![0].value ? b : a));
    expect(best.assignments.model).toBe('rbf');
    expect(best.values![0].value).toBeGreaterThan(0.49);
  });
});
