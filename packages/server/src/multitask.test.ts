/**
 * Multitask experiments (SigOpt's `tasks`) through the REST service: tasks validated by the optimizer and fixed at
 * creation, echoed as Task objects; suggestions carry the task to evaluate them on (the initial design cycles through
 * the tasks from the cheapest, the optimizer chooses later ones), queued and manual suggestions name theirs (the real
 * task by default); observations inherit their suggestion's task or name one; the budget is spent in task costs
 * (progress.observation_budget_consumed) and best_assignments count only the real task's observations. Schema 6: a
 * version-5 file upgrades in place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialDesignSize, parseExperimentConfig, type SuggestInput } from '@paretobench/optimizer';
import { buildServer } from './app.ts';
import { openDatabase } from './database.ts';
import { inlineSuggest, type SuggestRunner } from './suggest-pool.ts';
import { basic, makeHarness, type Harness } from '../test/harness.ts';

const TASKS = [
  { name: 'expensive', cost: 1 },
  { name: 'cheap', cost: 0.1 },
  { name: 'medium', cost: 0.3 },
];
const costOf = (name: string) => TASKS.find((t) => t.name === name)!.cost;

/** x, y in [0, 1], one maximised metric f, three tasks (listed with the real one first, not by cost). */
function multitaskExperiment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'multitask',
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'y', type: 'double', bounds: { min: 0, max: 1 } },
    ],
    metrics: [{ name: 'f', objective: 'maximize' }],
    observation_budget: 20,
    tasks: TASKS,
    ...extra,
  };
}

/** The optimizer's inputs, as the service handed them to it. */
let inputs: SuggestInput[];
const recording: SuggestRunner = {
  run: async (input, count) => {
    inputs.push(structuredClone(input));
    return inlineSuggest.run(input, count);
  },
  close: async () => {},
};

let h: Harness;
beforeEach(async () => {
  inputs = [];
  h = await makeHarness({ suggestRunner: recording });
});
afterEach(async () => {
  await h.close();
});

async function create(extra: Record<string, unknown> = {}): Promise<string> {
  const exp = await h.call('POST', '/v1/experiments', multitaskExperiment(extra));
  expect(exp.status, exp.text).toBe(200);
  return exp.json.id;
}

async function suggest(id: string, body: unknown = {}) {
  const s = await h.call('POST', `/v1/experiments/${id}/suggestions`, body);
  expect(s.status, s.text).toBe(200);
  return s.json;
}

async function observe(id: string, body: unknown) {
  const o = await h.call('POST', `/v1/experiments/${id}/observations`, body);
  expect(o.status, o.text).toBe(200);
  return o.json;
}

/** A 400 whose message starts with `field: `, and nothing stored. */
async function refused(
  method: 'POST' | 'PUT',
  url: string,
  body: unknown,
  field: string,
  pattern: RegExp = /./,
): Promise<void> {
  const before = await h.dump();
  const r = await h.call(method, url, body);
  expect(r.status, r.text).toBe(400);
  expect(r.json.message.startsWith(`${field}: `), r.json.message).toBe(true);
  expect(r.json.message).toMatch(pattern);
  expect(await h.dump()).toBe(before);
}

describe('multitask experiments: creation', () => {
  it('accepts tasks and echoes them as Task objects on create, fetch and list; an experiment without tasks has none', async () => {
    const exp = await h.call('POST', '/v1/experiments', multitaskExperiment());
    expect(exp.status, exp.text).toBe(200);
    const echoed = TASKS.map((t) => ({ object: 'task', name: t.name, cost: t.cost }));
    expect(exp.json.tasks).toEqual(echoed);
    expect((await h.call('GET', `/v1/experiments/${exp.json.id}`)).json.tasks).toEqual(echoed);
    expect((await h.call('GET', '/v1/experiments')).json.data[0].tasks).toEqual(echoed);
    expect(exp.json.progress).toMatchObject({
      observation_count: 0,
      observation_budget_consumed: 0,
      remaining_budget: 20,
    });
    const plain = await h.call('POST', '/v1/experiments', multitaskExperiment({ tasks: undefined }));
    expect(plain.status, plain.text).toBe(200);
    expect(plain.json).not.toHaveProperty('tasks');
    const none = await h.call('POST', '/v1/experiments', multitaskExperiment({ tasks: null }));
    expect(none.status, none.text).toBe(200);
    expect(none.json).not.toHaveProperty('tasks');
  });

  it('refuses bad tasks with a 400 naming the field, storing nothing', async () => {
    const url = '/v1/experiments';
    await refused('POST', url, multitaskExperiment({ tasks: [{ name: 'only', cost: 1 }] }), 'tasks', /at least 2/);
    await refused(
      'POST',
      url,
      multitaskExperiment({
        tasks: [
          { name: 'a', cost: 0.5 },
          { name: 'b', cost: 0.2 },
        ],
      }),
      'tasks',
      /cost 1/,
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({
        tasks: [
          { name: 'a', cost: 1 },
          { name: 'a', cost: 0.2 },
        ],
      }),
      'tasks[1].name',
      /duplicate/,
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({
        tasks: [
          { name: 'a', cost: 1 },
          { name: 'b', cost: 1 },
        ],
      }),
      'tasks[1].cost',
      /duplicate/,
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({
        tasks: [
          { name: 'a', cost: 1 },
          { name: 'b', cost: 0 },
        ],
      }),
      'tasks[1].cost',
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({
        tasks: [
          { name: 'a', cost: 1 },
          { name: 'b', cost: 2 },
        ],
      }),
      'tasks[1].cost',
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({ tasks: [{ name: 'a', cost: 1 }, { cost: 0.5 }] }),
      'tasks[1].name',
    );
    await refused('POST', url, multitaskExperiment({ tasks: 'cheap' }), 'tasks');
    // the budget the tasks spend is required; one optimized metric, no constraint metrics, as SigOpt's
    await refused('POST', url, multitaskExperiment({ observation_budget: undefined }), 'observation_budget', /tasks/);
    await refused(
      'POST',
      url,
      multitaskExperiment({
        metrics: [
          { name: 'f', objective: 'maximize' },
          { name: 'g', objective: 'minimize' },
        ],
      }),
      'tasks',
    );
    await refused(
      'POST',
      url,
      multitaskExperiment({
        metrics: [
          { name: 'f', objective: 'maximize' },
          { name: 'g', objective: 'minimize', strategy: 'constraint', threshold: 1 },
        ],
      }),
      'tasks',
    );
    await refused('POST', url, multitaskExperiment({ num_solutions: 2 }), 'num_solutions', /tasks/);
  });

  it('keeps tasks fixed: a PUT naming them is a 400, removing the budget they spend too; other changes keep them', async () => {
    const id = await create();
    const url = `/v1/experiments/${id}`;
    await refused(
      'PUT',
      url,
      {
        tasks: [
          { name: 'x', cost: 1 },
          { name: 'y', cost: 0.5 },
        ],
      },
      'tasks',
      /cannot be changed/,
    );
    await refused('PUT', url, { tasks: TASKS }, 'tasks', /cannot be changed/);
    await refused('PUT', url, { tasks: null }, 'tasks', /cannot be changed/);
    await refused('PUT', url, { observation_budget: null }, 'observation_budget', /tasks/);
    const renamed = await h.call('PUT', url, { name: 'renamed', observation_budget: 30 });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.tasks.map((t: { name: string }) => t.name)).toEqual(TASKS.map((t) => t.name));
    expect(renamed.json.progress.remaining_budget).toBe(30);
  });
});

describe('multitask experiments: suggestions', () => {
  it('carry their task as a Task object: the initial design cycles through the tasks from the cheapest, later ones come from the model', async () => {
    const id = await create();
    const byCost = [...TASKS].sort((a, b) => a.cost - b.cost).map((t) => t.name);
    const f = (a: { x: number; y: number }) => -((a.x - 0.3) ** 2) - (a.y - 0.6) ** 2;
    const tasks: string[] = [];
    for (let i = 0; i < 12; i++) {
      const s = await suggest(id);
      expect(s.task).toEqual({ object: 'task', name: s.task.name, cost: costOf(s.task.name) });
      tasks.push(s.task.name);
      // the service passes the open suggestions' tasks to the optimizer, parallel to the pending points
      const last = inputs[inputs.length - 1];
      expect(last.pendingTasks).toEqual([]);
      expect(last.config.tasks).toEqual(TASKS);
      const o = await observe(id, { suggestion: s.id, value: f(s.assignments) });
      expect(o.task).toEqual(s.task);
      expect((await h.call('GET', `/v1/experiments/${id}/suggestions/${s.id}`)).json.task).toEqual(s.task);
    }
    const initial = initialDesignSize(parseExperimentConfig(multitaskExperiment()));
    expect(initial).toBeGreaterThan(byCost.length);
    expect(tasks.slice(0, initial)).toEqual(Array.from({ length: initial }, (_, i) => byCost[i % byCost.length]));
    // every later suggestion was made with every earlier observation, each with its task
    const lastInput = inputs[inputs.length - 1];
    expect(lastInput.observations.map((o) => o.task)).toEqual(tasks.slice(0, 11));
    const listed = (await h.call('GET', `/v1/experiments/${id}/suggestions`)).json.data;
    expect(listed.map((s: { task: { name: string } }) => s.task.name).reverse()).toEqual(tasks);
  });

  it('pass the open suggestions\u2019 tasks to the optimizer as pendingTasks', async () => {
    const id = await create();
    const first = await suggest(id);
    const second = await suggest(id);
    expect(inputs).toHaveLength(2);
    expect(inputs[1].pending).toEqual([first.assignments]);
    expect(inputs[1].pendingTasks).toEqual([first.task.name]);
    const manual = await suggest(id, { assignments: { x: 0.5, y: 0.5 }, task: 'medium' });
    await suggest(id);
    expect(inputs[2].pendingTasks).toEqual([first.task.name, second.task.name, manual.task.name]);
    expect(manual.task.name).toBe('medium');
  });

  it('manual and queued suggestions take a task by name or as a Task object (the real task by default); a bad one is a 400 naming task', async () => {
    const id = await create();
    const url = `/v1/experiments/${id}/suggestions`;
    expect((await suggest(id, { assignments: { x: 0.1, y: 0.1 }, task: 'cheap' })).task).toEqual({
      object: 'task',
      name: 'cheap',
      cost: 0.1,
    });
    expect((await suggest(id, { assignments: { x: 0.2, y: 0.1 }, task: { name: 'medium' } })).task.name).toBe('medium');
    expect(
      (await suggest(id, { assignments: { x: 0.3, y: 0.1 }, task: { object: 'task', name: 'cheap', cost: 0.1 } })).task
        .name,
    ).toBe('cheap');
    expect((await suggest(id, { assignments: { x: 0.4, y: 0.1 } })).task).toEqual({
      object: 'task',
      name: 'expensive',
      cost: 1,
    });
    await refused('POST', url, { assignments: { x: 0.5, y: 0.1 }, task: 'free' }, 'task', /unknown task "free"/);
    await refused('POST', url, { assignments: { x: 0.5, y: 0.1 }, task: { name: 'cheap', cost: 0.5 } }, 'task.cost');
    await refused('POST', url, { assignments: { x: 0.5, y: 0.1 }, task: 7 }, 'task');
    await refused('POST', url, { task: 'cheap' }, 'task', /only with assignments/);

    const qurl = `/v1/experiments/${id}/queued_suggestions`;
    const queued = await h.call('POST', qurl, { assignments: { x: 0.9, y: 0.9 }, task: { name: 'cheap' } });
    expect(queued.status, queued.text).toBe(200);
    expect(queued.json.task).toEqual({ object: 'task', name: 'cheap', cost: 0.1 });
    const plainQueued = await h.call('POST', qurl, { assignments: { x: 0.8, y: 0.9 } });
    expect(plainQueued.json.task.name).toBe('expensive');
    expect((await h.call('GET', `${qurl}/${queued.json.id}`)).json.task.name).toBe('cheap');
    expect((await h.call('GET', qurl)).json.data.map((q: { task: { name: string } }) => q.task.name)).toEqual([
      'expensive',
      'cheap',
    ]);
    await refused('POST', qurl, { assignments: { x: 0.7, y: 0.9 }, task: 'free' }, 'task', /unknown task/);
    // the queued points become suggestions with their tasks, oldest first
    const fromQueue = await suggest(id);
    expect(fromQueue.assignments).toEqual({ x: 0.9, y: 0.9 });
    expect(fromQueue.task.name).toBe('cheap');
    expect((await suggest(id)).task.name).toBe('expensive');
  });

  it('an experiment without tasks refuses a task and answers without one', async () => {
    const id = await create({ tasks: undefined });
    const s = await suggest(id);
    expect(s).not.toHaveProperty('task');
    await refused(
      'POST',
      `/v1/experiments/${id}/suggestions`,
      { assignments: { x: 0.5, y: 0.5 }, task: 'cheap' },
      'task',
      /no tasks/,
    );
    await refused(
      'POST',
      `/v1/experiments/${id}/queued_suggestions`,
      { assignments: { x: 0.5, y: 0.5 }, task: 'cheap' },
      'task',
      /no tasks/,
    );
    await refused(
      'POST',
      `/v1/experiments/${id}/observations`,
      { suggestion: s.id, value: 1, task: 'cheap' },
      'task',
      /no tasks/,
    );
    const o = await observe(id, { suggestion: s.id, value: 1 });
    expect(o).not.toHaveProperty('task');
    await refused('PUT', `/v1/experiments/${id}/observations/${o.id}`, { task: 'cheap' }, 'task', /no tasks/);
    expect(inputs[0].pendingTasks).toBeUndefined();
  });
});

describe('multitask experiments: observations', () => {
  it('inherit their suggestion\u2019s task; one naming another task is a 400, naming the same one is fine', async () => {
    const id = await create();
    const url = `/v1/experiments/${id}/observations`;
    const s = await suggest(id); // the cheapest task first
    expect(s.task.name).toBe('cheap');
    await refused('POST', url, { suggestion: s.id, value: 1, task: 'expensive' }, 'task', /differs from suggestion/);
    await refused(
      'POST',
      `${url}/batch`,
      { observations: [{ suggestion: s.id, value: 1, task: { name: 'medium' } }] },
      'observations[0].task',
      /differs/,
    );
    const o = await observe(id, { suggestion: s.id, value: 1, task: { name: 'cheap' } });
    expect(o.task).toEqual({ object: 'task', name: 'cheap', cost: 0.1 });
    expect((await h.call('GET', `${url}/${o.id}`)).json.task).toEqual(o.task);
    expect((await h.call('GET', url)).json.data[0].task).toEqual(o.task);
    const s2 = await suggest(id);
    expect((await observe(id, { suggestion: s2.id, value: 2 })).task).toEqual(s2.task);
  });

  it('without a suggestion need a task (name or Task object); an unknown one or a wrong cost is a 400 naming task', async () => {
    const id = await create();
    const url = `/v1/experiments/${id}/observations`;
    const a = { x: 0.5, y: 0.5 };
    await refused('POST', url, { assignments: a, value: 1 }, 'task', /required/);
    await refused('POST', url, { assignments: a, value: 1, task: 'free' }, 'task', /unknown task "free"/);
    await refused('POST', url, { assignments: a, value: 1, task: { name: 'free' } }, 'task', /unknown task/);
    await refused('POST', url, { assignments: a, value: 1, task: { name: 'cheap', cost: 1 } }, 'task.cost');
    await refused('POST', url, { assignments: a, value: 1, task: { name: 'cheap', colour: 'red' } }, 'task.colour');
    await refused(
      'POST',
      `${url}/batch`,
      {
        observations: [
          { assignments: a, value: 1, task: 'cheap' },
          { assignments: a, value: 2 },
        ],
      },
      'observations[1].task',
      /required/,
    );
    expect((await observe(id, { assignments: a, value: 1, task: 'medium' })).task.name).toBe('medium');
    expect((await observe(id, { assignments: a, value: 1, task: { name: 'cheap', cost: 0.1 } })).task.name).toBe(
      'cheap',
    );
    const batch = await h.call('POST', `${url}/batch`, {
      observations: [
        { assignments: a, value: 3, task: 'expensive' },
        { assignments: { x: 0.1, y: 0.1 }, failed: true, task: 'cheap' },
      ],
    });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.json.data.map((o: { task: { name: string } }) => o.task.name)).toEqual(['expensive', 'cheap']);
    // the optimizer sees each observation's task
    await suggest(id);
    expect(inputs[0].observations.map((o) => o.task)).toEqual(['medium', 'cheap', 'expensive', 'cheap']);
  });

  it('keep their task through a correction (PUT) unless it names one; one made for a suggestion keeps the suggestion\u2019s', async () => {
    const id = await create();
    const url = `/v1/experiments/${id}`;
    const o = await observe(id, { assignments: { x: 0.5, y: 0.5 }, value: 1, task: 'cheap' });
    const fixed = await h.call('PUT', `${url}/observations/${o.id}`, { value: 4 });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.json).toMatchObject({ value: 4, task: { name: 'cheap', cost: 0.1 } });
    expect((await h.call('GET', url)).json.progress.observation_budget_consumed).toBe(0.1);
    // task: null, as a client echoing a field it does not set sends it, leaves the task as it was
    const echoed = await h.call('PUT', `${url}/observations/${o.id}`, { value: 4, task: null });
    expect(echoed.status, echoed.text).toBe(200);
    expect(echoed.json.task.name).toBe('cheap');
    // the task it was in fact run on: the budget spent follows
    const moved = await h.call('PUT', `${url}/observations/${o.id}`, { task: { name: 'expensive', cost: 1 } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ value: 4, task: { object: 'task', name: 'expensive', cost: 1 } });
    expect((await h.call('GET', `${url}/observations/${o.id}`)).json.task.name).toBe('expensive');
    expect((await h.call('GET', url)).json.progress.observation_budget_consumed).toBe(1);
    await refused('PUT', `${url}/observations/${o.id}`, { task: 'free' }, 'task', /unknown task "free"/);
    await refused('PUT', `${url}/observations/${o.id}`, { task: { name: 'cheap', cost: 1 } }, 'task.cost');
    // an observation of a suggestion: its task is the suggestion's
    const s = await suggest(id);
    const so = await observe(id, { suggestion: s.id, value: 2 });
    const other = TASKS.find((t) => t.name !== s.task.name)!.name;
    await refused('PUT', `${url}/observations/${so.id}`, { task: other }, 'task', /differs from suggestion/);
    const same = await h.call('PUT', `${url}/observations/${so.id}`, { task: s.task.name, value: 3 });
    expect(same.status, same.text).toBe(200);
    expect(same.json).toMatchObject({ value: 3, task: s.task });
  });
});

describe('multitask experiments: budget, best assignments, stopping', () => {
  it('spend the budget in task costs: observation_budget_consumed is the sum of the observations\u2019 costs, failed ones too', async () => {
    const id = await create({ observation_budget: 3 });
    const url = `/v1/experiments/${id}/observations`;
    const plan = ['cheap', 'cheap', 'medium', 'expensive', 'cheap'];
    let spent = 0;
    for (const [i, task] of plan.entries()) {
      const failed = i === 1;
      await observe(id, { assignments: { x: i / 10, y: 0.5 }, task, ...(failed ? { failed: true } : { value: i }) });
      spent += costOf(task);
      const e = (await h.call('GET', `/v1/experiments/${id}`)).json;
      expect(e.progress.observation_count).toBe(i + 1);
      expect(e.progress.observation_budget_consumed).toBeCloseTo(spent, 9);
      expect(e.progress.remaining_budget).toBeCloseTo(Math.max(0, 3 - spent), 9);
      const stop = (await h.call('GET', `/v1/experiments/${id}/stopping_criteria`)).json;
      expect(stop.reasons.includes('observation_budget_reached')).toBe(spent >= 3);
    }
    // 0.1 + 0.1 + 0.3 + 1 + 0.1 adds up to 1.6 exactly on the wire (not 1.6000000000000003)
    expect((await h.call('GET', `/v1/experiments/${id}`)).json.progress.observation_budget_consumed).toBe(
      Math.round(spent * 1e9) / 1e9,
    );
    await observe(id, { assignments: { x: 0.9, y: 0.5 }, task: 'expensive', value: 1 });
    await observe(id, { assignments: { x: 0.8, y: 0.5 }, task: 'expensive', value: 1 });
    const e = (await h.call('GET', `/v1/experiments/${id}`)).json;
    expect(e.progress.remaining_budget).toBe(0);
    expect((await h.call('GET', `/v1/experiments/${id}/stopping_criteria`)).json).toMatchObject({
      should_stop: true,
      reasons: ['observation_budget_reached'],
    });
    await h.call('DELETE', `${url}/${e.progress.last_observation.id}`);
    expect((await h.call('GET', `/v1/experiments/${id}`)).json.progress.observation_budget_consumed).toBeCloseTo(
      spent + 1,
      9,
    );
  });

  it('an experiment without tasks spends one per observation', async () => {
    const id = await create({ tasks: undefined, observation_budget: 5 });
    for (let i = 0; i < 3; i++) await observe(id, { assignments: { x: i / 10, y: 0.5 }, value: i });
    const e = (await h.call('GET', `/v1/experiments/${id}`)).json;
    expect(e.progress).toMatchObject({ observation_count: 3, observation_budget_consumed: 3, remaining_budget: 2 });
  });

  it('best_assignments count only the real task: a cheaper task\u2019s better value is not the best', async () => {
    const id = await create();
    const cheapBest = await observe(id, { assignments: { x: 0.3, y: 0.6 }, value: 100, task: 'cheap' });
    const mediumBest = await observe(id, { assignments: { x: 0.31, y: 0.6 }, value: 50, task: 'medium' });
    const real = [
      await observe(id, { assignments: { x: 0.1, y: 0.1 }, value: 1, task: 'expensive' }),
      await observe(id, { assignments: { x: 0.9, y: 0.9 }, value: 2, task: 'expensive' }),
    ];
    const s = await suggest(id);
    const viaSuggestion = await observe(id, { suggestion: s.id, value: s.task.name === 'expensive' ? 1.5 : 200 });
    const best = (await h.call('GET', `/v1/experiments/${id}/best_assignments`)).json;
    const ids = best.data.map((b: { id: string }) => b.id);
    expect(ids).not.toContain(cheapBest.id);
    expect(ids).not.toContain(mediumBest.id);
    if (viaSuggestion.task.name !== 'expensive') expect(ids).not.toContain(viaSuggestion.id);
    expect(ids).toEqual([real[1].id]);
    expect(best.data[0].value).toBe(2);
  });

  it('best_assignments are empty while only cheaper tasks were observed', async () => {
    const id = await create();
    await observe(id, { assignments: { x: 0.3, y: 0.6 }, value: 100, task: 'cheap' });
    const best = (await h.call('GET', `/v1/experiments/${id}/best_assignments`)).json;
    expect(best).toMatchObject({ count: 0, data: [] });
  });
});

/** The schema of version 5 (database.ts before tasks), as that version created it. */
const V5_SCHEMA = `
CREATE TABLE IF NOT EXISTS organizations (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  created  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
  id            TEXT PRIMARY KEY,
  organization  TEXT NOT NULL REFERENCES organizations(id),
  name          TEXT,
  created       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id            TEXT PRIMARY KEY,
  organization  TEXT NOT NULL REFERENCES organizations(id),
  name          TEXT,
  created       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_name ON users(organization, name);
CREATE TABLE IF NOT EXISTS tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT,
  salt       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  created    INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0,
  client_id  TEXT REFERENCES clients(id),
  user_id    TEXT REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id);
CREATE TABLE IF NOT EXISTS experiments (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  token_id         TEXT NOT NULL REFERENCES tokens(id),
  config           TEXT NOT NULL,
  metadata         TEXT,
  state            TEXT NOT NULL DEFAULT 'active',
  optimizer_state  TEXT,
  next_index       INTEGER NOT NULL DEFAULT 0,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  project          TEXT,
  suggestion_lease INTEGER,
  client_id        TEXT REFERENCES clients(id),
  user_id          TEXT REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS experiments_token ON experiments(token_id, id);
CREATE INDEX IF NOT EXISTS experiments_client ON experiments(client_id, id);
CREATE TABLE IF NOT EXISTS suggestions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  assignments    TEXT NOT NULL,
  metadata       TEXT,
  state          TEXT NOT NULL CHECK (state IN ('open', 'closed', 'deleted')),
  seq            INTEGER NOT NULL,
  created        INTEGER NOT NULL,
  lease_expires  INTEGER
);
CREATE INDEX IF NOT EXISTS suggestions_experiment ON suggestions(experiment_id, state, id);
CREATE TABLE IF NOT EXISTS observations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  suggestion_id  INTEGER UNIQUE REFERENCES suggestions(id),
  assignments    TEXT NOT NULL,
  metric_values  TEXT,
  failed         INTEGER NOT NULL,
  metadata       TEXT,
  created        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS observations_experiment ON observations(experiment_id, id);
CREATE TABLE IF NOT EXISTS queued_suggestions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id),
  assignments    TEXT NOT NULL,
  created        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queued_suggestions_experiment ON queued_suggestions(experiment_id, id);
CREATE TABLE IF NOT EXISTS projects (
  client_id  TEXT NOT NULL,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  metadata   TEXT,
  created    INTEGER NOT NULL,
  updated    INTEGER NOT NULL,
  user_id    TEXT,
  PRIMARY KEY (client_id, id)
);
CREATE TABLE IF NOT EXISTS aiexperiments (
  id          INTEGER PRIMARY KEY REFERENCES experiments(id),
  client_id   TEXT NOT NULL,
  project     TEXT NOT NULL,
  created     INTEGER NOT NULL,
  FOREIGN KEY (client_id, project) REFERENCES projects(client_id, id)
);
CREATE INDEX IF NOT EXISTS aiexperiments_project ON aiexperiments(client_id, project, id);
CREATE TABLE IF NOT EXISTS training_runs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id        TEXT NOT NULL,
  project          TEXT NOT NULL,
  aiexperiment_id  INTEGER REFERENCES aiexperiments(id),
  suggestion_id    INTEGER UNIQUE REFERENCES suggestions(id),
  observation_id   INTEGER UNIQUE REFERENCES observations(id),
  name             TEXT,
  state            TEXT NOT NULL CHECK (state IN ('active', 'completed', 'failed')),
  deleted          INTEGER NOT NULL DEFAULT 0,
  assignments      TEXT NOT NULL,
  metric_values    TEXT NOT NULL,
  fields           TEXT NOT NULL,
  checkpoint_count INTEGER NOT NULL DEFAULT 0,
  created          INTEGER NOT NULL,
  updated          INTEGER NOT NULL,
  completed        INTEGER,
  user_id          TEXT,
  FOREIGN KEY (client_id, project) REFERENCES projects(client_id, id)
);
CREATE INDEX IF NOT EXISTS training_runs_project ON training_runs(client_id, project, id);
CREATE INDEX IF NOT EXISTS training_runs_aiexperiment ON training_runs(aiexperiment_id, id);
CREATE TABLE IF NOT EXISTS checkpoints (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  training_run_id  INTEGER NOT NULL REFERENCES training_runs(id),
  seq              INTEGER NOT NULL,
  metric_values    TEXT NOT NULL,
  metadata         TEXT,
  created          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoints_run ON checkpoints(training_run_id, id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  token_id  TEXT NOT NULL REFERENCES tokens(id),
  key       TEXT NOT NULL,
  request   TEXT NOT NULL,
  response  TEXT NOT NULL,
  created   INTEGER NOT NULL,
  PRIMARY KEY (token_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys(created);
`;

describe('database schema 6: a version-5 file upgrades in place', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pb-multitask-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gains the task columns, keeps every row (tasks null, answers without task fields) and serves multitask experiments', async () => {
    const file = path.join(dir, 'v5.db');
    const raw = new Database(file);
    raw.exec(V5_SCHEMA);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const hash = createHash('sha256').update(salt).update(secret, 'utf8').digest('hex');
    const token = `${id}.${secret}`;
    raw.exec(`
      INSERT INTO organizations (id, name, created) VALUES ('${id}', 'old', 1700000000);
      INSERT INTO clients (id, organization, name, created) VALUES ('${id}', '${id}', 'old', 1700000000);
      INSERT INTO users (id, organization, name, created) VALUES ('${id}', '${id}', 'old', 1700000000);
    `);
    raw
      .prepare(
        'INSERT INTO tokens (id, name, salt, hash, created, client_id, user_id) VALUES (?, ?, ?, ?, 1700000000, ?, ?)',
      )
      .run(id, 'old', salt.toString('hex'), hash, id, id);
    const config = JSON.stringify({
      name: 'old',
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'v', objective: 'maximize', strategy: 'optimize' }],
      seed: 0,
      observation_budget: 10,
      method: 'mobo',
    });
    raw
      .prepare(
        'INSERT INTO experiments (token_id, config, created, updated, client_id, user_id) VALUES (?, ?, 1700000000, 1700000000, ?, ?)',
      )
      .run(id, config, id, id);
    raw.exec(`
      INSERT INTO suggestions (experiment_id, assignments, state, seq, created) VALUES (1, '{"x":0.5}', 'closed', 0, 1);
      INSERT INTO suggestions (experiment_id, assignments, state, seq, created) VALUES (1, '{"x":0.25}', 'open', 1, 1);
      INSERT INTO observations (experiment_id, suggestion_id, assignments, metric_values, failed, created)
        VALUES (1, 1, '{"x":0.5}', '[{"name":"v","value":0.25}]', 0, 1);
      INSERT INTO queued_suggestions (experiment_id, assignments, created) VALUES (1, '{"x":0.75}', 1);
    `);
    raw.pragma('user_version = 5');
    const before = ['suggestions', 'observations', 'queued_suggestions'].map((t) =>
      raw.prepare(`SELECT * FROM ${t} ORDER BY id`).all(),
    );
    raw.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    for (const [i, t] of ['suggestions', 'observations', 'queued_suggestions'].entries()) {
      const rows = db.prepare(`SELECT * FROM ${t} ORDER BY id`).all() as Record<string, unknown>[];
      expect(rows).toEqual((before[i] as Record<string, unknown>[]).map((r) => ({ ...r, task: null })));
    }
    const app = buildServer({ db });
    await app.ready();
    const call = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: basic(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
    };
    try {
      const exp = await call('GET', '/v1/experiments/1');
      expect(exp.status).toBe(200);
      expect(exp.json).not.toHaveProperty('tasks');
      expect(exp.json.progress).toMatchObject({
        observation_count: 1,
        observation_budget_consumed: 1,
        remaining_budget: 9,
      });
      const suggestions = (await call('GET', '/v1/experiments/1/suggestions')).json.data;
      expect(suggestions.map((s: { id: string }) => s.id)).toEqual(['2', '1']);
      for (const s of suggestions) expect(s).not.toHaveProperty('task');
      expect((await call('GET', '/v1/experiments/1/observations')).json.data[0]).not.toHaveProperty('task');
      // the queued point is handed out next, then the optimizer suggests as before
      const next = await call('POST', '/v1/experiments/1/suggestions', {});
      expect(next.json.assignments).toEqual({ x: 0.75 });
      expect(next.json).not.toHaveProperty('task');
      const observed = await call('POST', '/v1/experiments/1/observations', { suggestion: '2', value: 0.5 });
      expect(observed.status).toBe(200);
      expect((await call('GET', '/v1/experiments/1/best_assignments')).json.data[0].value).toBe(0.5);
      // and the upgraded file serves multitask experiments
      const mt = await call('POST', '/v1/experiments', multitaskExperiment());
      expect(mt.status).toBe(200);
      const s = await call('POST', `/v1/experiments/${mt.json.id}/suggestions`, {});
      expect(s.json.task.name).toBe('cheap');
      const o = await call('POST', `/v1/experiments/${mt.json.id}/observations`, { suggestion: s.json.id, value: 1 });
      expect(o.json.task).toEqual({ object: 'task', name: 'cheap', cost: 0.1 });
    } finally {
      await app.close();
    }
    db.close();
    // a second open changes nothing
    const again = openDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(7);
    expect(again.prepare('SELECT task FROM observations WHERE experiment_id = 2').all()).toEqual([{ task: 'cheap' }]);
    again.close();
  });
});
