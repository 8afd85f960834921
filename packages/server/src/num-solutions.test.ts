import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '@paretobench/optimizer';
import { makeHarness, twoMetricExperiment, type Harness } from '../test/harness.ts';
import { keepNumSolutions } from './num-solutions.ts';

const clientOf = (token: string) => token.split('.')[0];

/** x, y in [0, 1], one maximised metric f. */
function planeExperiment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'plane',
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
    ],
    metrics: [{ name: 'f', objective: 'maximize' }],
    observation_budget: 30,
    ...extra,
  };
}

/** Two optima sampled densely (A around (0.2, 0.2), B around (0.8, 0.75)), a good point far from both, poor points. */
const CLUSTERED: [number, number, number][] = [
  [0.5, 0.5, 0.2],
  [0.2, 0.2, 1.0], // A's best
  [0.22, 0.2, 0.99],
  [0.8, 0.75, 0.95], // B's best
  [0.2, 0.23, 0.98],
  [1, 0, 0.1],
  [0.82, 0.76, 0.94],
  [0.15, 0.9, 0.8], // the far good point
  [0.18, 0.19, 0.97],
  [0.95, 0.3, 0.15],
  [0.79, 0.73, 0.93],
  [0.6, 0.05, 0.05],
];

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

async function observeAll(expId: string, points: [number, number, number][]): Promise<string[]> {
  const ids: string[] = [];
  for (const [x, y, f] of points) {
    const o = await h.call('POST', `/v1/experiments/${expId}/observations`, { assignments: { x, y }, value: f });
    expect(o.status, o.text).toBe(200);
    ids.push(o.json.id);
  }
  return ids;
}

describe('num_solutions: validation and echo', () => {
  it('echoes num_solutions on experiments and AI experiments (1 by default, null as not given)', async () => {
    const exp = await h.call('POST', '/v1/experiments', planeExperiment({ num_solutions: 3 }));
    expect(exp.status, exp.text).toBe(200);
    expect(exp.json.num_solutions).toBe(3);
    expect((await h.call('GET', `/v1/experiments/${exp.json.id}`)).json.num_solutions).toBe(3);
    expect((await h.call('GET', '/v1/experiments')).json.data[0].num_solutions).toBe(3);
    expect((await h.call('POST', '/v1/experiments', planeExperiment())).json.num_solutions).toBe(1);
    expect((await h.call('POST', '/v1/experiments', planeExperiment({ num_solutions: null }))).json.num_solutions).toBe(
      1,
    );
    // 1 is every experiment's value, so a multimetric experiment may say it (SigOpt checked only more than 1)
    const multi = await h.call('POST', '/v1/experiments', twoMetricExperiment({ num_solutions: 1 }));
    expect(multi.status, multi.text).toBe(200);
    expect(multi.json.num_solutions).toBe(1);
    // a constraint metric beside the one optimized metric is fine
    const constrained = await h.call(
      'POST',
      '/v1/experiments',
      planeExperiment({
        num_solutions: 2,
        metrics: [
          { name: 'f', objective: 'maximize' },
          { name: 'mem', objective: 'minimize', strategy: 'constraint', threshold: 4 },
        ],
      }),
    );
    expect(constrained.status, constrained.text).toBe(200);
    expect(constrained.json.num_solutions).toBe(2);

    const me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'p' });
    const { observation_budget: _b, ...body } = planeExperiment();
    const ai = await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, {
      ...body,
      budget: 10,
      num_solutions: 4,
    });
    expect(ai.status, ai.text).toBe(200);
    expect(ai.json.num_solutions).toBe(4);
    expect((await h.call('GET', `/v1/aiexperiments/${ai.json.id}`)).json.num_solutions).toBe(4);
    expect((await h.call('GET', `/v1/experiments/${ai.json.id}`)).json.num_solutions).toBe(4);
    const plain = await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, { ...body, budget: 10 });
    expect(plain.json.num_solutions).toBe(1);
  });

  it('refuses a num_solutions that is not an integer >= 1, or more than 1 without one optimized metric or a budget', async () => {
    const before = await h.dump();
    const cases: [Record<string, unknown>, RegExp][] = [
      [planeExperiment({ num_solutions: 0 }), /^num_solutions: must be an integer >= 1/],
      [planeExperiment({ num_solutions: 2.5 }), /^num_solutions: must be an integer >= 1/],
      [planeExperiment({ num_solutions: '3' }), /^num_solutions: /],
      [twoMetricExperiment({ num_solutions: 2 }), /^num_solutions: more than 1 solution needs exactly 1 metric/],
      [planeExperiment({ num_solutions: 3, observation_budget: undefined }), /^num_solutions: .*budget.*got none/],
      [planeExperiment({ num_solutions: 3, observation_budget: 2 }), /^num_solutions: .*at least 3 \(got 2\)/],
    ];
    for (const [body, message] of cases) {
      const r = await h.call('POST', '/v1/experiments', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    expect(await h.dump()).toBe(before);
    const me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'p' });
    const afterProject = await h.dump();
    const { observation_budget: _b, ...body } = planeExperiment();
    const noBudget = await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, { ...body, num_solutions: 2 });
    expect(noBudget.status).toBe(400);
    expect(noBudget.json.message).toMatch(/^num_solutions: /);
    const zero = await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, {
      ...body,
      budget: 5,
      num_solutions: 0,
    });
    expect(zero.status).toBe(400);
    expect(zero.json.message).toMatch(/^num_solutions: /);
    expect(await h.dump()).toBe(afterProject);
    // `budget`, the AI module's name for it, counts as the observation budget; num_solutions may equal it
    const equal = await h.call('POST', '/v1/experiments', planeExperiment({ num_solutions: 3, budget: 3 }));
    expect(equal.status).toBe(400); // differs from observation_budget 30
    const viaBudget = planeExperiment({ num_solutions: 3, budget: 3, observation_budget: undefined });
    expect((await h.call('POST', '/v1/experiments', viaBudget)).json).toMatchObject({
      num_solutions: 3,
      observation_budget: 3,
    });
  });

  it('keeps num_solutions fixed: PUT may not change it, nor take the budget it needs away', async () => {
    const exp = (await h.call('POST', '/v1/experiments', planeExperiment({ num_solutions: 3 }))).json;
    const before = await h.dump();
    for (const body of [{ num_solutions: 1 }, { num_solutions: 3 }, { name: 'x', num_solutions: 5 }]) {
      const r = await h.call('PUT', `/v1/experiments/${exp.id}`, body);
      expect(r.status).toBe(400);
      expect(r.json.message).toBe('num_solutions: cannot be changed after the experiment is created');
    }
    const dropped = await h.call('PUT', `/v1/experiments/${exp.id}`, { observation_budget: null });
    expect(dropped.status).toBe(400);
    expect(dropped.json.message).toMatch(/^observation_budget: num_solutions 3 needs .* at least 3 \(got none\)/);
    const lowered = await h.call('PUT', `/v1/experiments/${exp.id}`, { observation_budget: 2 });
    expect(lowered.status).toBe(400);
    expect(lowered.json.message).toMatch(/^observation_budget: /);
    expect(await h.dump()).toBe(before);
    // other changes keep it
    const renamed = await h.call('PUT', `/v1/experiments/${exp.id}`, { name: 'renamed', observation_budget: 12 });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'renamed', observation_budget: 12, num_solutions: 3 });

    const me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'p' });
    const { observation_budget: _b, ...body } = planeExperiment();
    const ai = (
      await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, { ...body, budget: 10, num_solutions: 2 })
    ).json;
    const changed = await h.call('PUT', `/v1/aiexperiments/${ai.id}`, { num_solutions: 1 });
    expect(changed.status).toBe(400);
    expect(changed.json.message).toBe('num_solutions: cannot be changed after the experiment is created');
    const noBudget = await h.call('PUT', `/v1/aiexperiments/${ai.id}`, { budget: null });
    expect(noBudget.status).toBe(400);
    expect(noBudget.json.message).toMatch(/^budget: num_solutions 2 needs /);
    const bounds = await h.call('PUT', `/v1/aiexperiments/${ai.id}`, {
      budget: 8,
      parameters: [{ name: 'x', bounds: { min: 0, max: 2 } }, { name: 'y' }],
    });
    expect(bounds.status, bounds.text).toBe(200);
    expect(bounds.json).toMatchObject({ budget: 8, num_solutions: 2 });
  });
});

describe('keepNumSolutions', () => {
  it('keeps num_solutions beside the parsed config, and refuses more than 1 with tasks (multitask), as SigOpt', () => {
    const config = parseExperimentConfig(planeExperiment());
    expect(keepNumSolutions({ num_solutions: 3 }, config, 'num_solutions')).toEqual({ ...config, num_solutions: 3 });
    expect(keepNumSolutions({ num_solutions: 1 }, config, 'num_solutions')).toBe(config);
    expect(keepNumSolutions({}, config, 'num_solutions')).toBe(config);
    const multitask = parseExperimentConfig(
      planeExperiment({
        tasks: [
          { name: 'cheap', cost: 0.1 },
          { name: 'full', cost: 1 },
        ],
      }),
    );
    expect(() => keepNumSolutions({ num_solutions: 2 }, multitask, 'num_solutions')).toThrow(
      /^num_solutions: more than 1 solution cannot be combined with tasks/,
    );
    expect(keepNumSolutions({ num_solutions: 1 }, multitask, 'num_solutions')).toBe(multitask);
  });
});

describe('num_solutions: best_assignments', () => {
  it('returns num_solutions good and distant observations, best first, not the top values of one cluster', async () => {
    const exp = (await h.call('POST', '/v1/experiments', planeExperiment({ num_solutions: 3 }))).json;
    const ids = await observeAll(exp.id, CLUSTERED);
    // a failed observation that reports the best value of all, far from everything: never a solution
    const failed = await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
      assignments: { x: 0.9, y: 0.1 },
      values: [{ name: 'f', value: 5 }],
      failed: true,
    });
    expect(failed.status, failed.text).toBe(200);
    const best = await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`);
    expect(best.status).toBe(200);
    expect(best.json).toMatchObject({ object: 'pagination', count: 3 });
    // A's best, B's best, the far good point (the 3 best values are all in A: 1.0, 0.99, 0.98)
    expect(best.json.data.map((b: { id: string }) => b.id)).toEqual([ids[1], ids[3], ids[7]]);
    expect(best.json.data.map((b: { value: number }) => b.value)).toEqual([1.0, 0.95, 0.8]);
    expect(best.json.data[0]).toMatchObject({ object: 'best_assignments', assignments: { x: 0.2, y: 0.2 } });

    // the same observations under num_solutions 1 (the default): the best one only, as before
    const single = (await h.call('POST', '/v1/experiments', planeExperiment())).json;
    const singleIds = await observeAll(single.id, CLUSTERED);
    const one = await h.call('GET', `/v1/experiments/${single.id}/best_assignments`);
    expect(one.json.data.map((b: { id: string }) => b.id)).toEqual([singleIds[1]]);
  });

  it('respects metric thresholds and returns fewer when fewer distinct feasible points exist', async () => {
    const exp = (
      await h.call(
        'POST',
        '/v1/experiments',
        planeExperiment({
          num_solutions: 5,
          metrics: [
            { name: 'f', objective: 'maximize' },
            { name: 'mem', objective: 'minimize', strategy: 'constraint', threshold: 4 },
          ],
        }),
      )
    ).json;
    const obs = async (x: number, y: number, f: number, mem: number) =>
      (
        await h.call('POST', `/v1/experiments/${exp.id}/observations`, {
          assignments: { x, y },
          values: [
            { name: 'f', value: f },
            { name: 'mem', value: mem },
          ],
        })
      ).json.id as string;
    const over = await obs(0.9, 0.9, 10, 5); // the best f, over the memory threshold
    const a = await obs(0.1, 0.1, 1, 3);
    const b = await obs(0.6, 0.6, 2, 4);
    const again = await obs(0.6, 0.6, 1.5, 1); // b's point observed again: not a second solution
    const best = (await h.call('GET', `/v1/experiments/${exp.id}/best_assignments`)).json;
    expect(best.data.map((x: { id: string }) => x.id)).toEqual([b, a]);
    expect(best.data.map((x: { id: string }) => x.id)).not.toContain(over);
    expect(best.data.map((x: { id: string }) => x.id)).not.toContain(again);
  });

  it("an AI experiment's best_training_runs are the runs of its diverse best assignments", async () => {
    const me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'p' });
    const { observation_budget: _b, ...body } = planeExperiment();
    const ai = (
      await h.call('POST', `/v1/clients/${me}/projects/p/aiexperiments`, {
        ...body,
        budget: 8,
        num_solutions: 2,
        method: 'random',
      })
    ).json;
    // f peaks at (0.2, 0.2) and (0.8, 0.8)
    const f = (x: number, y: number) => Math.max(1 - Math.hypot(x - 0.2, y - 0.2), 0.9 - Math.hypot(x - 0.8, y - 0.8));
    for (let i = 0; i < 8; i++) {
      const run = (await h.call('POST', `/v1/aiexperiments/${ai.id}/training_runs`, {})).json;
      const ended = await h.call('MERGE', `/v1/training_runs/${run.id}`, {
        values: { f: { value: f(run.assignments.x, run.assignments.y) } },
        state: 'completed',
      });
      expect(ended.status, ended.text).toBe(200);
    }
    const assignments = (await h.call('GET', `/v1/experiments/${ai.id}/best_assignments`)).json;
    expect(assignments.count).toBe(2);
    const runs = (await h.call('GET', `/v1/aiexperiments/${ai.id}/best_training_runs`)).json;
    expect(runs.count).toBe(2);
    expect(runs.data.map((r: { observation: string }) => r.observation)).toEqual(
      assignments.data.map((b: { id: string }) => b.id),
    );
    expect(runs.data[0].values.f.value).toBeGreaterThanOrEqual(runs.data[1].values.f.value);
  });
});
