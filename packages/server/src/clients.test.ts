/**
 * Organizations, clients, users and tokens (tokens.ts, database.ts schema 5): the tokens of one client share its
 * experiments, AI experiments, projects and training runs; another client's token gets 404; tokens/self, clients/{id}
 * and organizations/{id} name them; a version-4 file (before clients) upgrades in place with every token its own
 * client, seeing what it saw.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from './app.ts';
import { openDatabase } from './database.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { authenticate, createClient, createToken } from './tokens.ts';
import { basic, makeHarness, toyValues, twoMetricExperiment, type Harness } from '../test/harness.ts';

const idOf = (token: string) => token.split('.')[0];

describe('clients: tokens of one client share its objects', () => {
  let h: Harness;
  /** a second token of token A's client, as user "carol" (A's user is "alice", named after the token) */
  let mate: string;
  let clientA: string;
  beforeEach(async () => {
    h = await makeHarness();
    clientA = idOf(h.tokenA);
    mate = (await createToken(h.storage, 'carol-laptop', { client: clientA, user: 'carol' })).token;
  });
  afterEach(async () => h.close());

  it('a token of the same client reads, lists and changes an experiment another token created; another client gets 404', async () => {
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment())).json;
    const seen = await h.call('GET', `/v1/experiments/${exp.id}`, undefined, mate);
    expect(seen.status).toBe(200);
    expect(exp).toMatchObject({ client: clientA, user: clientA });
    expect(seen.json).toMatchObject({ id: exp.id, client: clientA, user: clientA });
    expect(
      (await h.call('GET', '/v1/experiments', undefined, mate)).json.data.map((e: { id: string }) => e.id),
    ).toEqual([exp.id]);
    // the mate suggests and observes; the creator sees the observation
    const s = (await h.call('POST', `/v1/experiments/${exp.id}/suggestions`, {}, mate)).json;
    const o = await h.call(
      'POST',
      `/v1/experiments/${exp.id}/observations`,
      { suggestion: s.id, values: toyValues(s.assignments) },
      mate,
    );
    expect(o.status).toBe(200);
    expect((await h.call('PUT', `/v1/experiments/${exp.id}`, { name: 'renamed' }, mate)).json.name).toBe('renamed');
    const mine = (await h.call('GET', `/v1/experiments/${exp.id}`)).json;
    expect(mine).toMatchObject({ name: 'renamed', progress: { observation_count: 1 } });
    // an experiment the mate creates is the client's, recorded as the mate's user
    const mateUser = (await authenticate(h.storage, mate))!.user;
    expect(mateUser).not.toBe(clientA);
    const theirs = (await h.call('POST', '/v1/experiments', twoMetricExperiment(), mate)).json;
    expect(theirs).toMatchObject({ client: clientA, user: mateUser });
    expect((await h.call('GET', `/v1/experiments/${theirs.id}`)).status).toBe(200);
    // token B, another client: 404 as before, and nothing of A's listed
    for (const id of [exp.id, theirs.id]) {
      expect((await h.call('GET', `/v1/experiments/${id}`, undefined, h.tokenB)).status).toBe(404);
      expect((await h.call('POST', `/v1/experiments/${id}/suggestions`, {}, h.tokenB)).status).toBe(404);
    }
    expect((await h.call('GET', '/v1/experiments', undefined, h.tokenB)).json.count).toBe(0);
    // the mate deletes it; the creator sees it deleted
    expect((await h.call('DELETE', `/v1/experiments/${exp.id}`, undefined, mate)).status).toBe(204);
    expect((await h.call('GET', `/v1/experiments/${exp.id}`)).json.state).toBe('deleted');
  });

  it("projects, AI experiments and training runs are the client's: the mate continues what A began", async () => {
    expect((await h.call('POST', `/v1/clients/${clientA}/projects`, { id: 'shared' })).json).toMatchObject({
      client: clientA,
      user: clientA,
    });
    const { observation_budget: _b, ...body } = twoMetricExperiment();
    const ai = (await h.call('POST', `/v1/clients/${clientA}/projects/shared/aiexperiments`, { ...body, budget: 5 }))
      .json;
    const run = (await h.call('POST', `/v1/aiexperiments/${ai.id}/training_runs`, {})).json;
    expect(run).toMatchObject({ client: clientA, user: clientA });
    // the mate reads the project, the AI experiment and the run, and ends the run
    expect((await h.call('GET', `/v1/clients/${clientA}/projects/shared`, undefined, mate)).status).toBe(200);
    expect((await h.call('GET', `/v1/aiexperiments/${ai.id}`, undefined, mate)).json).toMatchObject({
      id: ai.id,
      client: clientA,
      user: clientA,
    });
    const values = Object.fromEntries(toyValues(run.assignments).map((v) => [v.name, { value: v.value }]));
    const ended = await h.call('PUT', `/v1/training_runs/${run.id}`, { state: 'completed', values }, mate);
    expect(ended.status).toBe(200);
    expect(ended.json.observation).toMatch(/^\d+$/);
    const mateRun = (await h.call('POST', `/v1/aiexperiments/${ai.id}/training_runs`, {}, mate)).json;
    expect(mateRun).toMatchObject({ client: clientA, user: (await authenticate(h.storage, mate))!.user });
    const listed = await h.call('GET', `/v1/clients/${clientA}/projects/shared/training_runs`, undefined, mate);
    expect(listed.json.count).toBe(2);
    expect((await h.call('GET', `/v1/aiexperiments/${ai.id}`)).json.progress).toMatchObject({
      finished_run_count: 1,
      active_run_count: 1,
    });
    // B: not its client, nor its objects
    const B = h.tokenB;
    expect((await h.call('GET', `/v1/clients/${clientA}/projects/shared`, undefined, B)).status).toBe(404);
    expect((await h.call('GET', `/v1/aiexperiments/${ai.id}`, undefined, B)).status).toBe(404);
    expect((await h.call('GET', `/v1/training_runs/${run.id}`, undefined, B)).status).toBe(404);
    expect((await h.call('PUT', `/v1/training_runs/${mateRun.id}`, { state: 'failed' }, B)).status).toBe(404);
  });

  it('tokens/self names the client, the user and the organization; clients/{id} and organizations/{id} answer for your own only', async () => {
    const self = (await h.call('GET', '/v1/tokens/self', undefined, mate)).json;
    const mateId = idOf(mate);
    expect(self).toMatchObject({
      object: 'token',
      token: mateId,
      client: clientA,
      user: mateId,
      organization: clientA,
    });
    // the first token of a client made with it: client, organization and user take its id, as before clients existed
    expect((await h.call('GET', '/v1/tokens/self')).json).toMatchObject({
      client: clientA,
      user: clientA,
      organization: clientA,
    });
    const client = await h.call('GET', `/v1/clients/${clientA}`, undefined, mate);
    expect(client.json).toEqual({
      object: 'client',
      id: clientA,
      name: 'alice',
      created: expect.any(Number),
      organization: clientA,
    });
    const org = await h.call('GET', `/v1/organizations/${clientA}`, undefined, mate);
    expect(org.status).toBe(200);
    expect(org.json).toEqual({
      object: 'organization',
      id: clientA,
      name: 'alice',
      created: expect.any(Number),
      deleted: false,
    });
    expect((await h.call('GET', '/v1/organizations', undefined, mate)).json).toMatchObject({
      object: 'pagination',
      count: 1,
      data: [{ object: 'organization', id: clientA }],
    });
    // B's client and organization are not A's to see, nor A's B's
    const clientB = idOf(h.tokenB);
    expect((await h.call('GET', `/v1/clients/${clientB}`, undefined, mate)).status).toBe(404);
    expect((await h.call('GET', `/v1/organizations/${clientB}`, undefined, mate)).status).toBe(404);
    expect((await h.call('GET', `/v1/organizations/${clientA}`, undefined, h.tokenB)).status).toBe(404);
    // a token asking for a user name of the organization gets that user: carol's, or alice's (A's, named after it)
    const again = (await createToken(h.storage, 'carol-cluster', { client: clientA, user: 'carol' })).token;
    expect((await h.call('GET', '/v1/tokens/self', undefined, again)).json.user).toBe(mateId);
    const alice = (await createToken(h.storage, 'alice-cluster', { client: clientA, user: 'alice' })).token;
    expect((await h.call('GET', '/v1/tokens/self', undefined, alice)).json.user).toBe(clientA);
    // a user name of another organization is another user
    const bobHere = (await createToken(h.storage, 'bob?', { client: clientA, user: 'bob' })).token;
    expect((await h.call('GET', '/v1/tokens/self', undefined, bobHere)).json.user).toBe(idOf(bobHere));
  });

  it('a client made without a token (in a new organization, or in an existing one) takes tokens', async () => {
    const team = await createClient(h.storage, { name: 'team' });
    expect(team.organization).toBe(team.id);
    const sibling = await createClient(h.storage, { name: 'team-2', organization: team.organization });
    const t1 = (await createToken(h.storage, 'one', { client: team.id })).token;
    const t2 = (await createToken(h.storage, 'two', { client: team.id, user: 'bob' })).token;
    const t3 = (await createToken(h.storage, 'three', { client: sibling.id })).token;
    const exp = (await h.call('POST', '/v1/experiments', twoMetricExperiment(), t1)).json;
    expect(exp.client).toBe(team.id);
    expect((await h.call('GET', `/v1/experiments/${exp.id}`, undefined, t2)).status).toBe(200);
    // one organization, two clients: a client's experiments stay its own
    expect((await h.call('GET', `/v1/experiments/${exp.id}`, undefined, t3)).status).toBe(404);
    expect((await h.call('GET', `/v1/organizations/${team.organization}`, undefined, t3)).json.name).toBe('team');
    expect((await h.call('GET', `/v1/clients/${sibling.id}`, undefined, t3)).json).toMatchObject({
      name: 'team-2',
      organization: team.organization,
    });
    await expect(createToken(h.storage, 'x', { client: 'nope' })).rejects.toThrow(/no client/);
    await expect(createClient(h.storage, { organization: 'nope' })).rejects.toThrow(/no organization/);
  });
});

/** The schema of version 4 (database.ts before clients), as that version created it. */
const V4_SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  salt     TEXT NOT NULL,
  hash     TEXT NOT NULL,
  created  INTEGER NOT NULL,
  revoked  INTEGER NOT NULL DEFAULT 0
);
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
  suggestion_lease INTEGER
);
CREATE INDEX IF NOT EXISTS experiments_token ON experiments(token_id, id);
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

function tokenRow(name: string): { token: string; row: unknown[] } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = createHash('sha256').update(salt).update(secret, 'utf8').digest('hex');
  return { token: `${id}.${secret}`, row: [id, name, salt.toString('hex'), hash, 1_700_000_000] };
}

describe('database schema 5: a version-4 file upgrades in place', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pb-clients-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('each old token becomes its own client (its id), still authenticates and owns what it owned; a new token of that client shares it', async () => {
    const file = path.join(dir, 'v4.db');
    const raw = new Database(file);
    raw.exec(V4_SCHEMA);
    const old = tokenRow('olduser');
    const other = tokenRow('other');
    const insertToken = raw.prepare('INSERT INTO tokens (id, name, salt, hash, created) VALUES (?, ?, ?, ?, ?)');
    insertToken.run(...old.row);
    insertToken.run(...other.row);
    const oldId = idOf(old.token);
    const otherId = idOf(other.token);
    const config = JSON.stringify({
      name: 'old',
      parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
      metrics: [{ name: 'v', objective: 'maximize', strategy: 'optimize' }],
      seed: 0,
      observation_budget: 10,
      method: 'mobo',
    });
    const insertExp = raw.prepare(
      'INSERT INTO experiments (token_id, config, created, updated) VALUES (?, ?, 1700000000, 1700000000)',
    );
    insertExp.run(oldId, config); // 1
    insertExp.run(otherId, config); // 2
    raw.exec(`
      INSERT INTO suggestions (experiment_id, assignments, state, seq, created) VALUES (1, '{"x":0.5}', 'closed', 0, 1);
      INSERT INTO observations (experiment_id, suggestion_id, assignments, metric_values, failed, created)
        VALUES (1, 1, '{"x":0.5}', '[{"name":"v","value":0.25}]', 0, 1);
      INSERT INTO projects (client_id, id, name, created, updated) VALUES ('${oldId}', 'proj', 'Proj', 1, 1);
      INSERT INTO training_runs (client_id, project, state, assignments, metric_values, fields, created, updated)
        VALUES ('${oldId}', 'proj', 'active', '{}', '{}', '{}', 1, 1);
    `);
    raw.pragma('user_version = 4');
    raw.close();

    const db = openDatabase(file);
    const app = buildServer({ db });
    await app.ready();
    const call = async (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: basic(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
    };
    try {
      // the old tokens still authenticate and own what they owned (as before the upgrade), and only that
      const exp = await call('GET', '/v1/experiments/1', old.token);
      expect(exp.status).toBe(200);
      expect(exp.json).toMatchObject({ name: 'old', progress: { observation_count: 1 } });
      expect((await call('GET', '/v1/experiments', old.token)).json.data.map((e: { id: string }) => e.id)).toEqual([
        '1',
      ]);
      expect((await call('GET', '/v1/experiments/2', old.token)).status).toBe(404);
      expect((await call('GET', '/v1/experiments/1', other.token)).status).toBe(404);
      expect((await call('GET', '/v1/experiments/2', other.token)).status).toBe(200);
      expect((await call('GET', `/v1/clients/${oldId}/projects/proj`, old.token)).status).toBe(200);
      expect((await call('GET', '/v1/training_runs/1', old.token)).status).toBe(200);
      expect((await call('GET', '/v1/training_runs/1', other.token)).status).toBe(404);
      // a new token of the old token's client (its id), as the old token's user (found by name): it shares them
      const mate = (await createToken(new SqliteStorage(db), 'laptop', { client: oldId, user: 'olduser' })).token;
      expect((await call('GET', '/v1/experiments/1', mate)).status).toBe(200);
      expect((await call('POST', '/v1/experiments/1/suggestions', mate, {})).status).toBe(200);
      expect((await call('GET', `/v1/clients/${oldId}/projects/proj`, mate)).status).toBe(200);
      expect((await call('GET', '/v1/training_runs/1', mate)).status).toBe(200);
      expect((await call('GET', '/v1/experiments/2', mate)).status).toBe(404);
      expect((await call('GET', '/v1/tokens/self', mate)).json).toMatchObject({ client: oldId, user: oldId });
      // the old token is its own client, organization and user, named after it
      expect((await call('GET', '/v1/tokens/self', old.token)).json).toMatchObject({
        client: oldId,
        user: oldId,
        organization: oldId,
      });
      expect((await call('GET', `/v1/clients/${oldId}`, old.token)).json).toMatchObject({
        id: oldId,
        name: 'olduser',
        organization: oldId,
      });
      expect((await call('GET', `/v1/organizations/${oldId}`, old.token)).json).toMatchObject({ name: 'olduser' });
      expect(exp.json).toMatchObject({ client: oldId, user: oldId });
      expect((await call('GET', `/v1/clients/${oldId}/projects/proj`, old.token)).json).toMatchObject({
        client: oldId,
        user: oldId,
      });
      expect((await call('GET', '/v1/training_runs/1', old.token)).json).toMatchObject({ client: oldId, user: oldId });
    } finally {
      await app.close();
    }
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT id, token_id, client_id, user_id FROM experiments ORDER BY id').all()).toEqual([
      { id: 1, token_id: oldId, client_id: oldId, user_id: oldId },
      { id: 2, token_id: otherId, client_id: otherId, user_id: otherId },
    ]);
    db.close();
    // a second open changes nothing
    const again = openDatabase(file);
    expect(again.prepare('SELECT COUNT(*) AS n FROM clients').get()).toEqual({ n: 2 });
    expect(again.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 2 }); // the mate joined olduser
    again.close();
  });
});
