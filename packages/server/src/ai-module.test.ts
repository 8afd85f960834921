import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { buildServer } from './app.ts';
import { createToken } from './tokens.ts';
import { inlineSuggest, type SuggestRunner } from './suggest-pool.ts';
import { basic, makeHarness, testStorage, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';

const clientOf = (token: string) => token.split('.')[0];

describe('AI module: tokens, clients, projects', () => {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(async () => h.close());

  it('tokens/self names the token as its own client and user; other clients are not found', async () => {
    const me = clientOf(h.tokenA);
    const t = await h.call('GET', '/v1/tokens/self');
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ object: 'token', client: me, user: me, token: me });
    expect(t.json.token).not.toContain('.'); // the secret is never echoed
    expect((await h.call('GET', `/v1/clients/${me}`)).json).toMatchObject({ object: 'client', id: me, name: 'alice' });
    expect((await h.call('GET', `/v1/clients/${clientOf(h.tokenB)}`)).status).toBe(404);
    expect((await h.call('GET', '/v1/tokens/123')).status).toBe(404);
  });

  it('creates a project once (409 after), validates its id, and keeps it to its client', async () => {
    const me = clientOf(h.tokenA);
    const created = await h.call('POST', `/v1/clients/${me}/projects`, { id: 'mr-cnn', name: 'Kim CNN' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ object: 'project', id: 'mr-cnn', name: 'Kim CNN', client: me });
    expect((await h.call('POST', `/v1/clients/${me}/projects`, { id: 'mr-cnn' })).status).toBe(409);
    const bad = await h.call('POST', `/v1/clients/${me}/projects`, { id: 'Has Spaces' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^id: /);
    expect((await h.call('GET', `/v1/clients/${me}/projects/mr-cnn`)).json.name).toBe('Kim CNN');
    const renamed = await h.call('PUT', `/v1/clients/${me}/projects/mr-cnn`, { name: 'renamed' });
    expect(renamed.json.name).toBe('renamed');
    expect((await h.call('GET', `/v1/clients/${me}/projects`)).json.data.map((p: { id: string }) => p.id)).toEqual([
      'mr-cnn',
    ]);
    // token B is another client: neither the project nor A's client path exists for it
    const other = clientOf(h.tokenB);
    expect((await h.call('GET', `/v1/clients/${other}/projects/mr-cnn`, undefined, h.tokenB)).status).toBe(404);
    expect((await h.call('GET', `/v1/clients/${me}/projects/mr-cnn`, undefined, h.tokenB)).status).toBe(404);
  });
});

describe('AI module: AI experiments and training runs', () => {
  let h: Harness;
  let me: string;
  let expId: string;
  beforeEach(async () => {
    h = await makeHarness();
    me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'toy' });
    const { observation_budget: _b, ...body } = twoMetricExperiment();
    const e = await h.call('POST', `/v1/clients/${me}/projects/toy/aiexperiments`, { ...body, budget: 3 });
    expect(e.status, e.text).toBe(200);
    expId = e.json.id;
  });
  afterEach(async () => h.close());

  it('an AI experiment lives in its project, not in /v1/experiments, and counts runs against its budget', async () => {
    const e = await h.call('GET', `/v1/aiexperiments/${expId}`);
    expect(e.json).toMatchObject({
      object: 'aiexperiment',
      project: 'toy',
      client: me,
      budget: 3,
      progress: { active_run_count: 0, finished_run_count: 0, total_run_count: 0, remaining_budget: 3 },
    });
    expect((await h.call('GET', '/v1/experiments')).json.count).toBe(0);
    expect((await h.call('GET', `/v1/clients/${me}/projects/toy/aiexperiments`)).json.data[0].id).toBe(expId);
    const { observation_budget: _b, ...body } = twoMetricExperiment();
    const missing = await h.call('POST', `/v1/clients/${me}/projects/nope/aiexperiments`, { ...body, budget: 3 });
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('project nope not found');
    expect((await h.call('GET', `/v1/aiexperiments/${expId}`, undefined, h.tokenB)).status).toBe(404);
  });

  it("a run takes a suggestion; ending it records that suggestion's observation with the logged values", async () => {
    const run = await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, { name: 'r1' });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ object: 'training_run', state: 'active', experiment: expId, observation: null });
    const a = run.json.assignments as Record<string, number | string>;
    expect(Object.keys(a).sort()).toEqual(['c', 'n', 'x']);
    const [f1, f2] = toyValues(a);
    // values arrive one MERGE at a time (log_metric), answered 204 when the client asks to skip the body
    const skip = await h.call(
      'MERGE',
      `/v1/training_runs/${run.json.id}`,
      { values: { f1: { value: f1.value } } },
      undefined,
      {
        'x-response-content': 'skip',
      },
    );
    expect(skip.status).toBe(204);
    expect(skip.text).toBe('');
    // a suggested assignment cannot be changed
    const moved = await h.call('MERGE', `/v1/training_runs/${run.json.id}`, { assignments: { n: 99 } });
    expect(moved.status).toBe(400);
    expect(moved.json.message).toMatch(/^assignments\.n: fixed by the run's suggestion/);
    const done = await h.call('MERGE', `/v1/training_runs/${run.json.id}`, {
      values: { f2: { value: f2.value, value_stddev: 0.01 } },
      state: 'completed',
      metadata: { host: 'w1' },
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ state: 'completed', finished: true, metadata: { host: 'w1' } });
    expect(done.json.values.f2).toEqual({
      object: 'metric_evaluation',
      name: 'f2',
      value: f2.value,
      value_stddev: 0.01,
    });
    const obs = await h.call('GET', `/v1/experiments/${expId}/observations/${done.json.observation}`);
    expect(obs.json.suggestion).toBe(run.json.suggestion);
    expect(obs.json.values.map((v: { name: string; value: number }) => [v.name, v.value])).toEqual([
      ['f1', f1.value],
      ['f2', f2.value],
    ]);
    const e = await h.call('GET', `/v1/aiexperiments/${expId}`);
    expect(e.json.progress).toMatchObject({ finished_run_count: 1, total_run_count: 1, remaining_budget: 2 });
    const best = await h.call('GET', `/v1/aiexperiments/${expId}/best_training_runs`);
    expect(best.json.data.map((r: { id: string }) => r.id)).toEqual([run.json.id]);
    // an ended run cannot start again
    expect((await h.call('MERGE', `/v1/training_runs/${run.json.id}`, { state: 'active' })).status).toBe(400);
  });

  it('a run that ends completed without a value the optimizer needs failed: its observation is a failure, and it says why', async () => {
    const run = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    await h.call('MERGE', `/v1/training_runs/${run.id}`, { values: { f1: { value: 0.5 } } });
    const ended = await h.call('MERGE', `/v1/training_runs/${run.id}`, { state: 'completed' });
    expect(ended.status).toBe(200);
    expect(ended.json.state).toBe('failed');
    expect(ended.json.sys_metadata.failure).toBe('ended without a value for metric "f2"');
    const obs = await h.call('GET', `/v1/experiments/${expId}/observations/${ended.json.observation}`);
    expect(obs.json.failed).toBe(true);
    expect(obs.json.suggestion).toBe(run.suggestion);
  });

  it('a failed run answers its suggestion as a failure; a completed run marked failed later turns its observation into one', async () => {
    const r1 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const failed = await h.call('MERGE', `/v1/training_runs/${r1.id}`, { state: 'failed' });
    expect(failed.json.state).toBe('failed');
    expect((await h.call('GET', `/v1/experiments/${expId}/observations/${failed.json.observation}`)).json.failed).toBe(
      true,
    );
    const r2 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const values = Object.fromEntries(toyValues(r2.assignments).map((v) => [v.name, { value: v.value }]));
    const ok = await h.call('MERGE', `/v1/training_runs/${r2.id}`, { values, state: 'completed' });
    expect((await h.call('GET', `/v1/experiments/${expId}/observations/${ok.json.observation}`)).json.failed).toBe(
      false,
    );
    await h.call('MERGE', `/v1/training_runs/${r2.id}`, { state: 'failed' });
    expect((await h.call('GET', `/v1/experiments/${expId}/observations/${ok.json.observation}`)).json.failed).toBe(
      true,
    );
  });

  it("the core API's observation deletes leave the runs (their link cleared); a narrowing update past a run in progress, or failed -> completed, is refused", async () => {
    const r1 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const values = Object.fromEntries(toyValues(r1.assignments).map((v) => [v.name, { value: v.value }]));
    const done = (await h.call('MERGE', `/v1/training_runs/${r1.id}`, { values, state: 'completed' })).json;
    expect((await h.call('DELETE', `/v1/experiments/${expId}/observations/${done.observation}`)).status).toBe(204);
    const after = (await h.call('GET', `/v1/training_runs/${r1.id}`)).json;
    expect(after).toMatchObject({ state: 'completed', observation: null });
    expect(after.values.f1.value).toBe(values.f1.value);
    // a run in progress holds x; bounds that would exclude it are refused, naming its open suggestion
    const r2 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const x = r2.assignments.x as number;
    const e = (await h.call('GET', `/v1/aiexperiments/${expId}`)).json;
    const narrow = e.parameters.map((p: Record<string, unknown>) =>
      p.name === 'x' ? { ...p, bounds: x > 0.5 ? { min: 0, max: x / 2 } : { min: (x + 1) / 2, max: 1 } } : p,
    );
    const refused = await h.call('PUT', `/v1/aiexperiments/${expId}`, { parameters: narrow });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(
      new RegExp(`^parameters\\[0\\]\\.bounds: open suggestion ${r2.suggestion} has x = `),
    );
    // failed cannot become completed
    await h.call('MERGE', `/v1/training_runs/${r2.id}`, { state: 'failed' });
    const back = await h.call('MERGE', `/v1/training_runs/${r2.id}`, { state: 'completed' });
    expect(back.status).toBe(400);
    expect(back.json.message).toMatch(/^state: run \d+ has failed/);
  });

  it('a run still ends after its suggestion was deleted or observed through the core API, or its experiment archived', async () => {
    const r1 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const r2 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const r3 = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    // r1's suggestion deleted, r2's answered directly
    expect((await h.call('DELETE', `/v1/experiments/${expId}/suggestions/${r1.suggestion}`)).status).toBe(204);
    const direct = await h.call('POST', `/v1/experiments/${expId}/observations`, {
      suggestion: r2.suggestion,
      values: toyValues(r2.assignments),
    });
    const e1 = await h.call('MERGE', `/v1/training_runs/${r1.id}`, { state: 'failed' });
    expect(e1.status).toBe(200);
    expect(e1.json).toMatchObject({ state: 'failed', observation: null });
    const values = Object.fromEntries(toyValues(r2.assignments).map((v) => [v.name, { value: v.value }]));
    const e2 = await h.call('MERGE', `/v1/training_runs/${r2.id}`, { values, state: 'completed' });
    expect(e2.json).toMatchObject({ state: 'completed', observation: direct.json.id });
    // archived experiment: the run ends, no observation
    expect((await h.call('DELETE', `/v1/aiexperiments/${expId}`)).status).toBe(204);
    const e3 = await h.call('MERGE', `/v1/training_runs/${r3.id}`, { state: 'failed' });
    expect(e3.json).toMatchObject({ state: 'failed', observation: null });
  });

  it('a run field nested too deep or too large is a 400 naming it, not a crash', async () => {
    const r = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    // as text: JSON.stringify of a 5,000-level object would itself recurse
    const deep = '{"a":'.repeat(4999) + '{}' + '}'.repeat(4999);
    const nested = await h.call('MERGE', `/v1/training_runs/${r.id}`, `{"sys_metadata": {"x": ${deep}}}`);
    expect(nested.status).toBe(400);
    expect(nested.json.message).toMatch(/^sys_metadata: nests deeper than 32 levels/);
    const big = await h.call('MERGE', `/v1/training_runs/${r.id}`, { dev_metadata: { x: 'y'.repeat(70_000) } });
    expect(big.status).toBe(400);
    expect(big.json.message).toMatch(/^dev_metadata: must serialise to at most 65536 bytes/);
  });

  it('deleting an unfinished run gives its suggestion back: no longer pending', async () => {
    const r = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    expect((await h.call('GET', `/v1/experiments/${expId}`)).json.progress.open_suggestion_count).toBe(1);
    expect((await h.call('DELETE', `/v1/training_runs/${r.id}`)).status).toBe(204);
    expect((await h.call('GET', `/v1/experiments/${expId}`)).json.progress.open_suggestion_count).toBe(0);
    expect((await h.call('GET', `/v1/training_runs/${r.id}`)).status).toBe(404);
  });

  it('checkpoints, the experiment filter on project runs, plain runs and batches', async () => {
    const r = (await h.call('POST', `/v1/aiexperiments/${expId}/training_runs`, {})).json;
    const cp = await h.call('POST', `/v1/training_runs/${r.id}/checkpoints`, { values: [{ name: 'f1', value: 0.5 }] });
    expect(cp.json).toMatchObject({ object: 'checkpoint', training_run: r.id, should_stop: false });
    expect((await h.call('GET', `/v1/training_runs/${r.id}`)).json.checkpoint_count).toBe(1);
    expect((await h.call('GET', `/v1/training_runs/${r.id}/checkpoints`)).json.count).toBe(1);
    const plain = await h.call('POST', `/v1/clients/${me}/projects/toy/training_runs`, {
      name: 'plain',
      assignments: { lr: 0.1 },
      values: { acc: { value: 0.8 } },
      state: 'completed',
    });
    expect(plain.json).toMatchObject({ experiment: null, suggestion: null, state: 'completed' });
    const batch = await h.call('POST', `/v1/clients/${me}/projects/toy/training_runs/batch`, {
      runs: [{ name: 'a' }, { name: 'b', state: 'failed' }],
    });
    expect(batch.json.count).toBe(2);
    // a bad run in a batch: 400 naming it, and none of the batch is stored
    const before = await h.dump();
    const bad = await h.call('POST', `/v1/clients/${me}/projects/toy/training_runs/batch`, {
      runs: [{ name: 'ok' }, { state: 'finished' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^runs\[1\]\.state: /);
    expect(await h.dump()).toBe(before);
    const filter = encodeURIComponent(JSON.stringify([{ field: 'experiment', operator: '==', value: expId }]));
    const mine = await h.call('GET', `/v1/clients/${me}/projects/toy/training_runs?filters=${filter}`);
    expect(mine.json.data.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect((await h.call('GET', `/v1/clients/${me}/projects/toy/training_runs`)).json.count).toBe(4);
    const unsupported = encodeURIComponent(JSON.stringify([{ field: 'name', operator: '==', value: 'a' }]));
    const u = await h.call('GET', `/v1/clients/${me}/projects/toy/training_runs?filters=${unsupported}`);
    expect(u.status).toBe(400);
    expect(u.json.message).toMatch(/^filters: /);
  });

  it('an update may widen bounds and change the budget, not rename or retype parameters', async () => {
    const e = (await h.call('GET', `/v1/aiexperiments/${expId}`)).json;
    const params = e.parameters.map((p: Record<string, unknown>) =>
      p.name === 'x' ? { ...p, bounds: { min: 0, max: 2 } } : p,
    );
    const up = await h.call('PUT', `/v1/aiexperiments/${expId}`, { name: 'wider', parameters: params, budget: 5 });
    expect(up.status, up.text).toBe(200);
    expect(up.json.parameters.find((p: { name: string }) => p.name === 'x').bounds).toMatchObject({ min: 0, max: 2 });
    expect(up.json.budget).toBe(5);
    const renamed = params.map((p: Record<string, unknown>) => (p.name === 'x' ? { ...p, name: 'z' } : p));
    const bad = await h.call('PUT', `/v1/aiexperiments/${expId}`, { parameters: renamed });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^parameters\[0\]\.name: no parameter "z"/);
  });
});

describe('database schema upgrade', () => {
  it('opens a version-1 file: adds the new columns and tables, keeps every row', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-schema-'));
    try {
      const file = path.join(dir, 'v1.db');
      // the version-1 schema's tables as that version created them
      const raw = new Database(file);
      raw.exec(`
        CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT, salt TEXT NOT NULL, hash TEXT NOT NULL,
          created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE experiments (id INTEGER PRIMARY KEY AUTOINCREMENT, token_id TEXT NOT NULL REFERENCES tokens(id),
          config TEXT NOT NULL, metadata TEXT, state TEXT NOT NULL DEFAULT 'active', optimizer_state TEXT,
          next_index INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, updated INTEGER NOT NULL);
        CREATE TABLE suggestions (id INTEGER PRIMARY KEY AUTOINCREMENT,
          experiment_id INTEGER NOT NULL REFERENCES experiments(id), assignments TEXT NOT NULL, metadata TEXT,
          state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'deleted')), seq INTEGER NOT NULL,
          created INTEGER NOT NULL);
        INSERT INTO tokens (id, name, salt, hash, created) VALUES ('0123456789abcdef', 'old', 'aa', 'bb', 1);
        INSERT INTO experiments (token_id, config, created, updated) VALUES ('0123456789abcdef', '{}', 1, 1);
        INSERT INTO suggestions (experiment_id, assignments, state, seq, created) VALUES (1, '{"x":1}', 'open', 0, 1);
      `);
      raw.pragma('user_version = 1');
      raw.close();
      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBe(7);
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'queued_suggestions',
          'projects',
          'aiexperiments',
          'training_runs',
          'checkpoints',
          'suggestion_requests',
        ]),
      );
      expect(db.prepare('SELECT id, token_id, project, suggestion_lease, client_id FROM experiments').all()).toEqual([
        { id: 1, token_id: '0123456789abcdef', project: null, suggestion_lease: null, client_id: '0123456789abcdef' },
      ]);
      expect(db.prepare('SELECT id, assignments, state, lease_expires FROM suggestions').all()).toEqual([
        { id: 1, assignments: '{"x":1}', state: 'open', lease_expires: null },
      ]);
      db.close();
      // and a second open changes nothing
      const again = openDatabase(file);
      expect(again.prepare('SELECT COUNT(*) AS n FROM experiments').get()).toEqual({ n: 1 });
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('core experiments in projects', () => {
  let h: Harness;
  beforeEach(async () => (h = await makeHarness()));
  afterEach(async () => h.close());

  it('an experiment may name a project of its client; the project lists it; an unknown project is 404', async () => {
    const me = clientOf(h.tokenA);
    await h.call('POST', `/v1/clients/${me}/projects`, { id: 'cnn' });
    const inside = await h.call('POST', '/v1/experiments', twoMetricExperiment({ project: 'cnn' }));
    expect(inside.json.project).toBe('cnn');
    const outside = await h.call('POST', `/v1/clients/${me}/experiments`, twoMetricExperiment());
    expect(outside.json.project).toBeNull();
    const listed = await h.call('GET', `/v1/clients/${me}/projects/cnn/experiments`);
    expect(listed.json.data.map((e: { id: string }) => e.id)).toEqual([inside.json.id]);
    expect((await h.call('GET', `/v1/clients/${me}/experiments`)).json.count).toBe(2);
    const unknown = await h.call('POST', '/v1/experiments', twoMetricExperiment({ project: 'nope' }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe('project: project nope not found');
    // another token's client cannot use the path or the project
    expect((await h.call('GET', `/v1/clients/${me}/experiments`, undefined, h.tokenB)).status).toBe(404);
    expect((await h.call('POST', '/v1/experiments', twoMetricExperiment({ project: 'cnn' }), h.tokenB)).status).toBe(
      404,
    );
  });
});

describe('an AI experiment updated while its suggestions are computed', () => {
  it('computes them again for the new bounds: no stored suggestion outside what the client was told', async () => {
    const db = await testStorage();
    const token = (await createToken(db, 'alice')).token;
    // the first optimizer call waits until the update below has been stored; the later ones run at once
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: number[] = [];
    const runner: SuggestRunner = {
      async run(input, count) {
        calls.push((input.config as { parameters: { bounds?: { max: number } }[] }).parameters[0].bounds!.max);
        if (calls.length === 1) await gate;
        return inlineSuggest.run(input, count);
      },
      close: async () => {},
    };
    const app = buildServer({ db, suggestRunner: runner });
    await app.ready();
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: basic(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: JSON.parse(res.body || 'null') };
    };
    try {
      const me = clientOf(token);
      await call('POST', `/v1/clients/${me}/projects`, { id: 'toy' });
      const { observation_budget: _b, ...body } = twoMetricExperiment();
      const e = (await call('POST', `/v1/clients/${me}/projects/toy/aiexperiments`, { ...body, budget: 8 })).json;
      // a run asks for a suggestion (x in [0, 1]); while it is computed, x's bounds become [2, 3]
      const run = call('POST', `/v1/aiexperiments/${e.id}/training_runs`, {});
      for (let waited = 0; calls.length === 0 && waited < 10_000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      expect(calls).toEqual([1]);
      const params = e.parameters.map((p: Record<string, unknown>) =>
        p.name === 'x' ? { ...p, bounds: { min: 2, max: 3 } } : p,
      );
      const up = await call('PUT', `/v1/aiexperiments/${e.id}`, { parameters: params });
      expect(up.status).toBe(200);
      release();
      const r = await run;
      expect(r.status).toBe(200);
      expect(calls).toEqual([1, 3]); // computed again, for the new bounds
      expect(r.json.assignments.x).toBeGreaterThanOrEqual(2);
      expect(r.json.assignments.x).toBeLessThanOrEqual(3);
      const open = (await call('GET', `/v1/experiments/${e.id}/suggestions?state=all`)).json;
      expect(open.count).toBe(1);
      expect(open.data[0].assignments.x).toBeGreaterThanOrEqual(2);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
