import { describe, expect, it } from 'vitest';
import { diverseSolutions, solutionDistance } from './diverse-solutions.ts';
import { SpaceEncoding, parseExperimentConfig, type Observation } from '../space/space.ts';

const plane = parseExperimentConfig({
  parameters: [
    { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
  ],
  metrics: [{ name: 'f', objective: 'maximize' }],
});
const line = parseExperimentConfig({
  parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
  metrics: [{ name: 'f', objective: 'maximize' }],
});

const at = (x: number, y: number, f: number): Observation => ({
  assignments: { x, y },
  values: [{ name: 'f', value: f }],
});
const on = (x: number, f: number): Observation => ({ assignments: { x }, values: [{ name: 'f', value: f }] });

describe('diverseSolutions', () => {
  // two optima, each sampled densely by the optimizer, a good point far from both, and poor initial-design points
  const clustered = [
    at(0.5, 0.5, 0.2), // 0 poor, centre
    at(0.2, 0.2, 1.0), // 1 cluster A's best
    at(0.22, 0.2, 0.99), // 2 A
    at(0.8, 0.75, 0.95), // 3 cluster B's best
    at(0.2, 0.23, 0.98), // 4 A
    at(1, 0, 0.1), // 5 poor, a far corner
    at(0.82, 0.76, 0.94), // 6 B
    at(0.15, 0.9, 0.8), // 7 the far good point
    at(0.18, 0.19, 0.97), // 8 A
    at(0.95, 0.3, 0.15), // 9 poor
    at(0.79, 0.73, 0.93), // 10 B
    at(0.6, 0.05, 0.05), // 11 poor, 0.5 from A and B: the first "different" point at radius 0.5 without the value cut
  ];

  it('picks one point from each cluster and the far good point, not the top 3 (all in cluster A)', () => {
    // radius 0.5: A (1.0), then B (0.58 from A); the far point is 0.496 from A. Radius 0.25: the far point
    expect(diverseSolutions(plane, clustered, 3)).toEqual([1, 3, 7]);
    expect(diverseSolutions(plane, clustered, 2)).toEqual([1, 3]);
    expect(diverseSolutions(plane, clustered, 1)).toEqual([1]);
  });

  it('never picks a poor far point while good ones are left (the value cut)', () => {
    // the good points (values >= (1.0 + 0.05) / 2) are 8; the 9th and later solutions are the best poor ones
    const eight = diverseSolutions(plane, clustered, 8);
    expect(eight).toHaveLength(8);
    expect(eight).not.toContain(0);
    expect(eight).not.toContain(5);
    expect(eight).not.toContain(9);
    expect(eight).not.toContain(11);
    expect(diverseSolutions(plane, clustered, 9)).toContain(0);
  });

  it('halves the radius until enough points qualify, then takes the best far enough from the picks', () => {
    const pts = [on(0.5, 1.0), on(0.52, 0.99), on(0.55, 0.98), on(0.6, 0.97), on(0.7, 0.96), on(0, 0.1)];
    // 0.5 and 0.25: nothing within reach of 0.5 but the poor 0 (cut out); 0.125: 0.7; 0.0625: 0.6 (0.1 from both)
    expect(diverseSolutions(line, pts, 3)).toEqual([0, 3, 4]);
    // then 0.55 (0.05 from 0.5 and 0.6) at 0.03125, then 0.52 at 0.015625
    expect(diverseSolutions(line, pts, 4)).toEqual([0, 2, 3, 4]);
    expect(diverseSolutions(line, pts, 5)).toEqual([0, 1, 2, 3, 4]);
    // a smaller first radius: 0.6 and 0.7 are then both far enough at once
    expect(diverseSolutions(line, pts, 2, { radius: 0.15 })).toEqual([0, 4]);
    expect(diverseSolutions(line, pts, 2, { radius: 0.08 })).toEqual([0, 3]);
  });

  it('orders the result by value, best first, not in the order of selection', () => {
    // picked: x = 0.1 (1.0), then 0.9 (0.9) at radius 0.5, then 0.45 (0.95) at 0.25; the poor 0.7 is cut out
    const pts = [on(0.1, 1.0), on(0.9, 0.9), on(0.45, 0.95), on(0.12, 0.99), on(0.7, 0)];
    expect(diverseSolutions(line, pts, 3)).toEqual([0, 2, 1]);
  });

  it('breaks ties in value by observation order, and counts a point observed twice once', () => {
    const ties = [on(0.7, 0.5), on(0.2, 1.0), on(0.8, 1.0), on(0.21, 1.0)];
    expect(diverseSolutions(line, ties, 1)).toEqual([1]);
    expect(diverseSolutions(line, ties, 2)).toEqual([1, 2]);
    expect(diverseSolutions(line, ties, 3)).toEqual([1, 2, 3]);
    // x = 0.3 twice: its better observation (2) stands for it, the other is no second solution
    const repeated = [on(0.3, 0.4), on(0.9, 0.6), on(0.3, 0.7)];
    expect(diverseSolutions(line, repeated, 3)).toEqual([2, 1]);
  });

  it('never counts failed observations, with or without values, nor points outside a metric threshold', () => {
    const config = parseExperimentConfig({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [
        { name: 'loss', objective: 'minimize' },
        { name: 'mem', objective: 'minimize', strategy: 'constraint', threshold: 4 },
      ],
    });
    const o = (x: number, loss: number, mem: number, failed = false): Observation => ({
      assignments: { x },
      values: [
        { name: 'loss', value: loss },
        { name: 'mem', value: mem },
      ],
      ...(failed ? { failed } : {}),
    });
    const obs = [
      o(0.9, 0.01, 1, true), // 0 the lowest loss, failed
      { assignments: { x: 0.5 }, failed: true }, // 1 a crash
      o(0.1, 0.05, 8), // 2 over the memory threshold
      o(0.2, 0.35, 2), // 3
      o(0.8, 0.25, 4), // 4 at the threshold: feasible
      o(0.22, 0.2, 3), // 5 the best feasible loss
    ];
    expect(diverseSolutions(config, obs, 2)).toEqual([5, 4]);
    expect(diverseSolutions(config, obs, 10)).toEqual([5, 4, 3]);
    expect(diverseSolutions(config, obs.slice(0, 3), 2)).toEqual([]);
  });

  it('counts only the real task in a multitask experiment', () => {
    const config = parseExperimentConfig({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'f' }],
      tasks: [
        { name: 'cheap', cost: 0.1 },
        { name: 'full', cost: 1 },
      ],
      observation_budget: 10,
    });
    const t = (x: number, f: number, task: string): Observation => ({ ...on(x, f), task });
    const obs = [t(0.9, 5, 'cheap'), t(0.1, 1, 'full'), t(0.6, 0.9, 'full'), t(0.3, 4, 'cheap')];
    expect(diverseSolutions(config, obs, 3)).toEqual([1, 2]);
  });

  it('returns every distinct feasible point when k exceeds their number', () => {
    expect(diverseSolutions(plane, clustered, 50).sort((a, b) => a - b)).toEqual(clustered.map((_, i) => i));
    expect(diverseSolutions(plane, [], 3)).toEqual([]);
  });

  it('refuses k < 1, a radius outside (0, 1] and a config without exactly one optimized metric', () => {
    expect(() => diverseSolutions(line, [], 0)).toThrow(/k must be a positive integer/);
    expect(() => diverseSolutions(line, [], 1.5)).toThrow(/k must be a positive integer/);
    expect(() => diverseSolutions(line, [], 1, { radius: 0 })).toThrow(/radius/);
    const two = parseExperimentConfig({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'a' }, { name: 'b' }],
    });
    expect(() => diverseSolutions(two, [], 2)).toThrow(/exactly 1 optimized metric/);
  });
});

describe('solutionDistance', () => {
  it('is the root mean square of per-parameter separations in the unit encoding (log scale, categories as 1)', () => {
    const config = parseExperimentConfig({
      parameters: [
        { name: 'lr', type: 'double', bounds: { min: 1e-4, max: 1 }, transformation: 'log' },
        { name: 'act', type: 'categorical', categorical_values: ['relu', 'tanh', 'gelu'] },
      ],
      metrics: [{ name: 'f' }],
    });
    const e = new SpaceEncoding(config);
    const d = (a: Observation['assignments'], b: Observation['assignments']) =>
      solutionDistance(e, e.encode(a), e.encode(b));
    expect(d({ lr: 1e-4, act: 'relu' }, { lr: 1e-2, act: 'relu' })).toBeCloseTo(Math.sqrt(0.25 / 2), 12);
    expect(d({ lr: 1e-4, act: 'relu' }, { lr: 1e-4, act: 'gelu' })).toBeCloseTo(Math.sqrt(1 / 2), 12);
    expect(d({ lr: 1e-4, act: 'relu' }, { lr: 1, act: 'tanh' })).toBeCloseTo(1, 12);
    expect(d({ lr: 0.1, act: 'tanh' }, { lr: 0.1, act: 'tanh' })).toBe(0);
  });
});
