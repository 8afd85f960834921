import { describe, expect, it } from 'vitest';
import { ObservationError } from './space/errors.ts';
import { Experiment, bestObservationIndices, bestObservations } from './experiment.ts';
import { ExperimentChangedError } from './experiment-store.ts';
import { suggestBatch } from './suggest.ts';
import { parseExperimentConfig, type Observation } from './space/space.ts';

const config = {
  name: 'toy',
  parameters: [
    { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'k', type: 'int', bounds: { min: 1, max: 8 } },
    { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
  ],
  metrics: [{ name: 'acc' }, { name: 'time', objective: 'minimize' }],
  seed: 3,
};
const evaluate = (a: Record<string, number | string>) => ({
  acc: Number(a.x) + (a.c === 'b' ? 0.2 : 0),
  time: Number(a.k) + Number(a.x) * 2,
});

describe('Experiment.suggestMany: the store loop over the in-memory experiment', () => {
  const observed = () => {
    const e = Experiment.create(config);
    for (let i = 0; i < 8; i++) {
      const s = e.suggest();
      e.observe({ suggestion: s.id, values: evaluate(s.assignments) });
    }
    return e;
  };

  it("makes suggestBatch()'s batch on the current history and state, each pending under the next id", async () => {
    const e = observed();
    const { state } = e.toJSON() as { state: Record<string, unknown> };
    const expected = suggestBatch({ config: e.config, observations: [...e.observations], pending: [], state }, 3);
    const got = await e.suggestMany(3);
    expect(got.map((s) => s.id)).toEqual(['9', '10', '11']);
    expect(got.map((s) => s.assignments)).toEqual(expected.suggestions);
    expect(e.pending.map((p) => p.id)).toEqual(['9', '10', '11']);
    expect(new Set(got.map((s) => JSON.stringify(s.assignments))).size).toBe(3);
    // one through the loop is suggest()'s suggestion
    expect((await observed().suggestMany(1))[0].assignments).toEqual(observed().suggest().assignments);
  });

  it('computes again when the history changes while the batch computes, and gives up after 3 changes', async () => {
    const e = observed();
    let calls = 0;
    const got = await e.suggestMany(2, async (input, count) => {
      calls++;
      if (calls === 1) e.observe({ assignments: { x: 0.5, k: 2, c: 'a' }, values: { acc: 0.5, time: 3 } });
      return suggestBatch(input, count);
    });
    expect(calls).toBe(2);
    expect(got).toHaveLength(2);
    expect(e.observations).toHaveLength(9); // the batch recorded was made with the 9th observation
    const restless = observed();
    let n = 0;
    await expect(
      restless.suggestMany(1, async (input, count) => {
        restless.observe({ assignments: { x: (n++ + 1) / 10, k: 1, c: 'b' }, values: { acc: 0.1, time: 1 } });
        return suggestBatch(input, count);
      }),
    ).rejects.toThrow(ExperimentChangedError);
    expect(n).toBe(3);
    expect(restless.pending).toHaveLength(0);
    await expect(e.suggestMany(0)).rejects.toThrow(/count must be a positive integer/);
  });
});

describe('Experiment', () => {
  it('suggests, tracks pending, observes and closes suggestions', () => {
    const e = Experiment.create(config);
    const s1 = e.suggest();
    const s2 = e.suggest();
    expect(s1.id).toBe('1');
    expect(s2.id).toBe('2');
    expect(e.pending.map((p) => p.id)).toEqual(['1', '2']);
    expect(s2.assignments).not.toEqual(s1.assignments);
    e.observe({ suggestion: '1', values: evaluate(s1.assignments) });
    expect(e.pending.map((p) => p.id)).toEqual(['2']);
    expect(e.observations[0].assignments).toEqual(s1.assignments);
    const s3 = e.suggest();
    e.observe({ assignments: s3.assignments, values: evaluate(s3.assignments) }); // closes suggestion 3 by its assignments
    expect(e.pending.map((p) => p.id)).toEqual(['2']);
    e.deleteSuggestion('2');
    expect(e.pending).toHaveLength(0);
    expect(() => e.observe({ suggestion: '2', values: { acc: 1, time: 1 } })).toThrow(ObservationError);
    expect(() => e.observe({ suggestion: '7', values: { acc: 1, time: 1 } })).toThrow(/suggestion.*"7"/);
    expect(() => e.observe({ assignments: { x: 0.5, k: 2, c: 'a' }, values: { acc: 1 } })).toThrow(/"time"/);
  });

  it('round-trips through JSON losslessly and continues identically', () => {
    const e = Experiment.create(config);
    for (let i = 0; i < 9; i++) {
      const s = e.suggest();
      if (i === 4) e.observe({ suggestion: s.id, failed: true, metadata: { reason: 'oom' } });
      else if (i < 8) e.observe({ suggestion: s.id, values: evaluate(s.assignments) });
    }
    const json = JSON.parse(JSON.stringify(e.toJSON()));
    const f = Experiment.fromJSON(json);
    expect(f.toJSON()).toEqual(e.toJSON());
    expect(f.pending).toHaveLength(1);
    expect(f.suggest()).toEqual(e.suggest());
  });

  it('bestAssignments returns the feasible Pareto frontier', () => {
    const e = Experiment.create({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [
        { name: 'acc', threshold: 0.5 },
        { name: 'time', objective: 'minimize' },
      ],
    });
    const rows = [
      [0.1, 0.9, 1], // acc 0.9, time 1: frontier
      [0.2, 0.95, 2], // frontier
      [0.3, 0.8, 3], // dominated
      [0.4, 0.3, 0.5], // below the acc threshold
    ];
    for (const [x, acc, time] of rows) e.observe({ assignments: { x }, values: { acc, time } });
    e.observe({ assignments: { x: 0.9 }, failed: true });
    expect(e.bestAssignments().map((o) => o.assignments.x)).toEqual([0.1, 0.2]);
  });

  it('multitask: suggestions carry their task, observations inherit it, and only real-task ones are best', () => {
    const e = Experiment.create({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'acc' }],
      observation_budget: 10,
      tasks: [
        { name: 'short', cost: 0.25 },
        { name: 'full', cost: 1 },
      ],
    });
    const s1 = e.suggest();
    const s2 = e.suggest();
    expect([s1.task, s2.task]).toEqual(['short', 'full']); // the initial design cycles from the cheapest
    e.observe({ suggestion: s1.id, values: { acc: 0.99 } });
    e.observe({ suggestion: s2.id, values: { acc: 0.5 } });
    expect(e.observations.map((o) => o.task)).toEqual(['short', 'full']);
    e.observe({ assignments: { x: 0.3 }, values: { acc: 0.7 }, task: 'full' });
    expect(() => e.observe({ assignments: { x: 0.4 }, values: { acc: 0.7 } })).toThrow(/task.*required/);
    // the short task's 0.99 is not a result of the real evaluation
    expect(e.bestAssignments().map((o) => o.values![0].value)).toEqual([0.7]);
    const s3 = e.suggest();
    const f = Experiment.fromJSON(JSON.parse(JSON.stringify(e.toJSON())));
    expect(f.pending).toEqual([{ id: s3.id, assignments: s3.assignments, task: s3.task }]);
  });

  it('rejects a bad config with a SpaceError naming the field', () => {
    expect(() =>
      Experiment.create({ ...config, parameters: [{ name: 'x', type: 'int', bounds: { min: 3, max: 1 } }] }),
    ).toThrow(/parameters\[0\]\.bounds\.min/);
  });
});

describe('bestObservations', () => {
  const config = parseExperimentConfig({
    parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
    metrics: [
      { name: 'acc', objective: 'maximize' },
      { name: 'time', objective: 'minimize', threshold: 10 },
    ],
  });
  const at = (acc: number, time: number, extra: Partial<Observation> = {}): Observation => ({
    assignments: { x: 0.5 },
    values: [
      { name: 'acc', value: acc },
      { name: 'time', value: time },
    ],
    ...extra,
  });

  it('is the feasible Pareto front in observation order: failures, threshold misses and missing values do not count', () => {
    const obs: Observation[] = [
      at(0.9, 8), // front
      at(0.5, 2), // front
      at(0.95, 12), // over the time threshold
      at(0.8, 9), // dominated by 0
      at(0.99, 1, { failed: true }), // a failure with values
      { assignments: { x: 0.1 }, values: [{ name: 'acc', value: 1 }] }, // no time
      at(0.6, 1), // front, dominates 1
    ];
    expect(bestObservationIndices(config, obs)).toEqual([0, 6]);
    expect(bestObservations(config, obs)).toEqual([obs[0], obs[6]]);
    expect(bestObservationIndices(config, [])).toEqual([]);
  });

  it('counts only the real task in a multitask experiment', () => {
    const tasks = parseExperimentConfig({
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'acc' }],
      observation_budget: 10,
      tasks: [
        { name: 'full', cost: 1 },
        { name: 'quick', cost: 0.2 },
      ],
    });
    const obs: Observation[] = [
      { assignments: { x: 0.1 }, values: [{ name: 'acc', value: 0.9 }], task: 'quick' },
      { assignments: { x: 0.2 }, values: [{ name: 'acc', value: 0.7 }], task: 'full' },
      { assignments: { x: 0.3 }, values: [{ name: 'acc', value: 0.8 }], task: 'full' },
    ];
    expect(bestObservationIndices(tasks, obs)).toEqual([2]);
  });
});
