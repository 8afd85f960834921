import { describe, expect, it } from 'vitest';
import { record } from '../../test/fixtures.ts';
import DIATOM from '../studies/diatom/index.ts';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import { activeSeconds, computeReplicates, distribution } from './replicates.ts';

describe('computeReplicates', () => {
  const random = [record('random', 0, { accuracy: 0.5, time: 1 }), record('random', 1, { accuracy: 0.6, time: 2 })];
  // A dominates both random points; B is a third, faster point of the union frontier
  const armA = [record('optimizer', 0, { accuracy: 0.7, time: 1 }), ...random];
  const armB = [record('optimizer', 0, { accuracy: 0.4, time: 0.5 }), record('optimizer', 1, null)];

  it('scores every arm against the shared random arm with one reference point', () => {
    const r = computeReplicates({
      study: DIATOM,
      preset: getPreset(DIATOM, 'default'),
      sharedRandom: random,
      arms: [
        { seed: 3, outDir: '/runs/x', trials: armA },
        { seed: 4, outDir: '/runs/x/replicates/seed-4', trials: armB },
      ],
      outDir: '/runs/x',
      wallSeconds: 12,
    });
    // reference time: 1.1 x the slowest feasible trial of any arm (2 s)
    expect(r.reference_point).toEqual({ accuracy: 0, time: 2.2 });
    expect(r.random.hypervolume).toBeCloseTo(0.5 * 1.2 + 0.1 * 0.2, 12);
    expect(r.random.feasible_fraction).toBe(1);
    expect(r.optimizer.map((o) => o.seed)).toEqual([3, 4]);
    expect(r.optimizer.map((o) => o.dir)).toEqual(['', 'replicates/seed-4']);
    expect(r.optimizer[0].hypervolume).toBeCloseTo(0.7 * 1.2, 12);
    expect(r.optimizer[1].hypervolume).toBeCloseTo(0.4 * 1.7, 12);
    expect(r.optimizer.map((o) => o.union_share)).toEqual([1, 1 / 3]);
    expect(r.optimizer.map((o) => o.completed)).toEqual([1, 2]);
    expect(r.optimizer[1].feasible_fraction).toBe(0.5);
    expect(r.distribution.union_share).toEqual({ min: 1 / 3, median: 2 / 3, max: 1, mean: 2 / 3 });
    expect(r.arms_beating_random_hypervolume).toBe(2);
    expect(r.arms_with_majority_share).toBe(1);
    expect(r.paper).toEqual([
      { figure: "optimizer's share of the union frontier", paper: 0.857, median: 2 / 3, min: 1 / 3, max: 1 },
    ]);
  });

  it('uses the failure rule as reference point and puts the feasible fractions beside the paper for rotten', () => {
    const preset = getPreset(ROTTEN, 'smoke');
    const r = computeReplicates({
      study: ROTTEN,
      preset,
      sharedRandom: [
        record('random', 0, { accuracy: 0.8, time: 10 }, { study: 'rotten' }),
        record('random', 1, { accuracy: 0.7, time: 5 }, { study: 'rotten', failed: true }),
      ],
      arms: [
        { seed: 0, outDir: 'o', trials: [record('optimizer', 0, { accuracy: 0.9, time: 5 }, { study: 'rotten' })] },
      ],
      outDir: 'o',
      wallSeconds: 1,
    });
    expect(r.reference_point).toEqual({ accuracy: preset.minAccuracy, time: preset.timeLimitSeconds });
    expect(r.random.feasible_fraction).toBe(0.5);
    expect(r.paper.map((f) => [f.figure, f.paper, f.median])).toEqual([
      ["optimizer's share of the union frontier (feasible trials)", 1, 1],
      ['feasible fraction, optimizer', 0.48, 1],
      ['feasible fraction, random search', 0.26, 0.5],
    ]);
  });
});

describe('distribution and activeSeconds', () => {
  it('gives min, median, max and mean', () => {
    expect(distribution([3, 1, 2, 10])).toEqual({ min: 1, median: 2.5, max: 10, mean: 4 });
    expect(() => distribution([])).toThrow(/no values/);
  });
  it('sums the span of each invocation', () => {
    const t = [0, 1, 2].map((i) => record('random', i, { accuracy: 0.5, time: 1 }));
    // fixture trials run from second i to i + 1: one invocation spans 0..3 s
    expect(activeSeconds(t)).toBe(3);
    expect(activeSeconds([t[0], { ...t[2], invocation: 1 }])).toBe(2);
  });
});
