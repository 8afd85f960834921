import { describe, expect, it } from 'vitest';
import { isFeasible, thresholdViolations } from './feasibility.ts';
import { parseExperimentConfig } from '../space/space.ts';

const config = parseExperimentConfig({
  parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
  metrics: [
    { name: 'acc', objective: 'maximize', threshold: 0.75 },
    { name: 'time', objective: 'minimize' },
    { name: 'mem', objective: 'minimize', strategy: 'constraint', threshold: 4 },
    { name: 'note', strategy: 'store', threshold: 100 },
  ],
});
const obs = (acc: number, time: number, mem: number, note = 0) => ({
  assignments: { x: 0.5 },
  values: [
    { name: 'acc', value: acc },
    { name: 'time', value: time },
    { name: 'mem', value: mem },
    { name: 'note', value: note },
  ],
});

describe('isFeasible', () => {
  it('needs every threshold met on its side, ignoring store metrics and objectives without one', () => {
    expect(isFeasible(config, obs(0.8, 1000, 4))).toBe(true);
    expect(isFeasible(config, obs(0.75, 1, 3.9, -5))).toBe(true);
    expect(isFeasible(config, obs(0.7, 1, 3))).toBe(false);
    expect(isFeasible(config, obs(0.9, 1, 4.1))).toBe(false);
  });
  it('is false for failed observations and for a missing thresholded value', () => {
    expect(isFeasible(config, { assignments: { x: 0.5 }, failed: true })).toBe(false);
    expect(isFeasible(config, { assignments: { x: 0.5 }, values: [{ name: 'acc', value: 0.9 }] })).toBe(false);
  });
});

describe('thresholdViolations', () => {
  it('gives the miss per thresholded metric (acc, then mem), 0 when met, Infinity when missing', () => {
    expect(thresholdViolations(config, obs(0.8, 1000, 4, 1e9))).toEqual([0, 0]);
    const v = thresholdViolations(config, obs(0.7, 1, 5.5));
    expect(v[0]).toBeCloseTo(0.05, 12);
    expect(v[1]).toBe(1.5);
    expect(thresholdViolations(config, { assignments: { x: 0.5 }, values: [{ name: 'acc', value: 0.9 }] })).toEqual([
      0,
      Infinity,
    ]);
  });
  it('is all zero exactly when the observation is feasible', () => {
    for (const o of [obs(0.8, 1000, 4), obs(0.75, 1, 3.9), obs(0.7, 1, 3), obs(0.9, 1, 4.1)])
      expect(thresholdViolations(config, o).every((v) => v === 0)).toBe(isFeasible(config, o));
  });
});
