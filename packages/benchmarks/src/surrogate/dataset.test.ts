import { describe, expect, it } from 'vitest';
import type { Parameter } from '@paretobench/optimizer';
import { configurationKey, encodeAssignments, measureNoise, type SurrogateRow } from './dataset.ts';

let nextSeed = 0;
const row = (key: string, accuracy: number | null, time: number | null, seed = nextSeed++): SurrogateRow => ({
  key,
  seed,
  x: [0],
  accuracy,
  logTime: time === null ? null : Math.log(time),
  error: accuracy === null,
  stopped: false,
  source: 'journal.jsonl#random#0',
});

describe('encodeAssignments', () => {
  const params: Parameter[] = [
    { name: 'n', type: 'int', bounds: { min: 1, max: 9 } },
    { name: 'lr', type: 'double', bounds: { min: -5, max: 0 } },
    { name: 'act', type: 'categorical', categorical_values: ['relu', { name: 'tanh' }] },
  ];
  it('keeps numbers and turns a categorical into the index of its value', () => {
    expect(encodeAssignments(params, { n: 3, lr: -2.5, act: 'tanh' })).toEqual([3, -2.5, 1]);
    expect(encodeAssignments(params, { n: 9, lr: 0, act: 'relu' })).toEqual([9, 0, 0]);
  });
  it('names the parameter that is missing or of the wrong kind', () => {
    expect(() => encodeAssignments(params, { n: 3, act: 'relu' })).toThrow(/lack parameter lr/);
    expect(() => encodeAssignments(params, { n: 3, lr: -1, act: 'gelu' })).toThrow(
      /act: "gelu" is not one of relu, tanh/,
    );
    expect(() => encodeAssignments(params, { n: 'x', lr: -1, act: 'relu' })).toThrow(/n: expected a number/);
  });
  it('keys configurations by value, ignoring float noise below 10 significant digits', () => {
    expect(configurationKey([1, 0.1 + 0.2])).toBe(configurationKey([1, 0.3]));
    expect(configurationKey([1, 0.3])).not.toBe(configurationKey([1, 0.31]));
  });
});

describe('measureNoise', () => {
  it('is the pooled within-configuration standard deviation, ignoring single trainings and errors', () => {
    const n = measureNoise([
      row('a', 0.5, 1),
      row('a', 0.7, Math.E ** 2),
      row('b', 0.6, 1),
      row('b', 0.6, 1),
      row('b', 0.9, 1),
      row('b', null, null), // an error: no model, not a measurement
      row('c', 0.1, 5), // trained once: no information on noise
    ]);
    expect(n.groups).toBe(2);
    expect(n.trainings).toBe(5);
    // accuracy: a: (0.1^2 + 0.1^2), b: mean 0.7, (0.1^2 + 0.1^2 + 0.2^2); dof 1 + 2
    expect(n.accuracySd).toBeCloseTo(Math.sqrt((0.02 + 0.06) / 3), 12);
    // log time: a: 0 and 2 (mean 1) -> 2; b: all 0
    expect(n.logTimeSd).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });
  it('averages trainings of one configuration with the same seed into one member', () => {
    const n = measureNoise([
      row('a', 0.5, 1, 1),
      row('a', 0.5, 3, 1), // same seed: same accuracy, another time: one member (0.5, log sqrt 3)
      row('a', 0.7, Math.sqrt(3), 2),
      row('b', 0.6, 1, 1),
      row('b', 0.6, 2, 1), // one seed only: not a repeat
    ]);
    expect(n.groups).toBe(1);
    expect(n.trainings).toBe(2);
    expect(n.accuracySd).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(n.logTimeSd).toBeCloseTo(0, 12);
  });
  it('groups within one journal only: times of two sessions are not training noise', () => {
    const other = { ...row('a', 0.9, 10, 2), source: 'other.jsonl#random#3' };
    expect(measureNoise([row('a', 0.5, 1, 1), other]).groups).toBe(0);
    expect(measureNoise([row('a', 0.5, 1, 1), row('a', 0.7, 1, 2), other]).accuracySd).toBeCloseTo(Math.sqrt(0.02), 12);
  });
  it('is zero with no repeated configuration', () => {
    expect(measureNoise([row('a', 0.5, 1), row('b', 0.6, 2)])).toEqual({
      groups: 0,
      trainings: 0,
      accuracySd: 0,
      logTimeSd: 0,
    });
  });
});
