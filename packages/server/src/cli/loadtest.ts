/**
 * Load, crash and hostile-input benchmark for the REST server (127.0.0.1 only, bounded loops).
 *
 *   tsx packages/server/src/cli/loadtest.ts [--clients 32] [--levels 100,480] [--out FILE.json]
 *                                           [--phases load,kill,hostile] [--method mobo] [--suggest-workers 1]
 *                                           [--max-batch 32]   (the server's; 1 answers requests one at a time)
 *
 * load:    for each level L, an experiment (3 parameters: double, int, categorical; 2 metrics) is
 *          brought to L - clients observations (levels <= 100: by the clients themselves from 0;
 *          higher levels: a batch POST of Sobol points first, since the latency at L depends on
 *          the count, not on how the observations arrived, then one suggestion, deleted, to fit the
 *          model as a running experiment has it; its time is reported apart), then `clients` concurrent workers run
 *          suggest -> observe loops until L observations exist. Suggestion latency (request to
 *          answer, including queueing behind the other clients) is reported as median/p95 for the
 *          last `clients` suggestions before L, plus errors, lost and duplicated observations.
 * kill:    32 workers loop on a server child process; after 48 acknowledged observations the
 *          server gets SIGKILL mid-load; it is restarted on the same file and every acknowledged
 *          observation must be there (and no suggestion observed twice).
 * hostile: >= 200 malformed or hostile requests (wrong types, missing fields, bad JSON, huge
 *          bodies, other tokens' ids, bad auth, junk paths/queries); all must be 4xx, the server
 *          must stay up and the victim's stored state must be unchanged.
 * With --postgres URL (load phase only), the servers run on a fresh database made on that PostgreSQL server (and
 * dropped at the end), --replicas N of them, worker w talking to replica w mod N.
 * Prints one JSON document (also written to --out).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Sobol, linearAlgebraInUse } from '@paretobench/optimizer';
import { spawnServer, type ChildServer } from '../child-server.ts';
import { SigoptClient, type ExperimentCreateBody } from '@paretobench/client';
import { SqliteStorage } from '../storage/sqlite.ts';
import { PostgresStorage, createDatabase, dropDatabase } from '../storage/postgres.ts';
import { isPostgresUrl } from '../storage/open.ts';
import { createToken } from '../tokens.ts';

type Assign = Record<string, number | string>;

const EXPERIMENT = (method: string, name: string): ExperimentCreateBody => ({
  name,
  parameters: [
    { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
    { name: 'n', type: 'int', bounds: { min: 1, max: 5 } },
    { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
  ],
  metrics: [
    { name: 'f1', objective: 'maximize' },
    { name: 'f2', objective: 'minimize' },
  ],
  method: method as 'mobo',
});

function evaluate(a: Assign): { name: string; value: number }[] {
  const x = a.x as number;
  const n = a.n as number;
  return [
    { name: 'f1', value: (x * n) / 5 + (a.c === 'b' ? 0.1 : 0) },
    { name: 'f2', value: (1 - x) ** 2 + n / 10 },
  ];
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    n: s.length,
    median_ms: r(quantile(s, 0.5)),
    p95_ms: r(quantile(s, 0.95)),
    max_ms: r(s[s.length - 1] ?? Number.NaN),
  };
}

async function newToken(file: string): Promise<string> {
  const storage = SqliteStorage.open(file);
  const t = (await createToken(storage, 'loadtest')).token;
  await storage.close();
  return t;
}

let serverArgs: string[] = [];

/**
 * `replicas` servers on a fresh database made on the PostgreSQL server of `url` (dropped afterwards), with a token.
 */
async function onPostgres<T>(
  url: string,
  replicas: number,
  fn: (urls: string[], token: string) => Promise<T>,
): Promise<T> {
  const name = `loadtest_${Date.now().toString(36)}`;
  const db = await createDatabase(url, name);
  const servers: ChildServer[] = [];
  try {
    const storage = await PostgresStorage.open(db);
    const token = (await createToken(storage, 'loadtest')).token;
    await storage.close();
    for (let i = 0; i < replicas; i++) servers.push(await spawnServer(db, serverArgs));
    return await fn(
      servers.map((s) => s.url),
      token,
    );
  } finally {
    for (const s of servers) await s.stop();
    await dropDatabase(url, name);
  }
}

async function withServer<T>(file: string, fn: (server: ChildServer) => Promise<T>): Promise<T> {
  const server = await spawnServer(file, serverArgs);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

function preload(count: number, seed: number) {
  const sobol = new Sobol(3, { scramble: true, seed });
  return sobol.draw(count).map(([u, v, w]) => {
    const a: Assign = { x: u, n: 1 + Math.min(4, Math.floor(v * 5)), c: w < 0.5 ? 'a' : 'b' };
    return { assignments: a, values: evaluate(a) };
  });
}

async function loadLevel(urls: string[], token: string, level: number, clients: number, method: string) {
  const client = new SigoptClient({ url: urls[0], token, retries: 0 });
  // worker w talks to replica w mod R (one replica: every worker to the one server)
  const clientOf = urls.map((url) => new SigoptClient({ url, token, retries: 0 }));
  const exp = await client.createExperiment(EXPERIMENT(method, `load-${level}`));
  const start = level > 100 ? level - clients : 0;
  // After a bulk import the optimizer has no fitted hyperparameters yet: the first suggestion pays a cold fit
  // (reported on its own), which a running experiment paid long ago. One suggestion, deleted, warms it up so the
  // window below measures the steady state the level stands for.
  let firstAfterImportMs: number | null = null;
  if (start > 0) {
    const pre = preload(start, level);
    for (let i = 0; i < pre.length; i += 500) await client.observeBatch(exp.id, pre.slice(i, i + 500));
    const t = performance.now();
    const warm = await client.suggest(exp.id);
    firstAfterImportMs = Math.round(performance.now() - t);
    await client.deleteSuggestion(exp.id, warm.id);
  }
  let issued = start; // suggestions handed to workers (each becomes one observation)
  const latencies: { atObservations: number; ms: number }[] = [];
  const observeMs: number[] = [];
  const acked: string[] = [];
  const suggestionIds: string[] = [];
  const errors: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      const mine = clientOf[w % clientOf.length];
      while (issued < level) {
        const at = issued++;
        try {
          const t = performance.now();
          const s = await mine.suggest(exp.id);
          latencies.push({ atObservations: at, ms: performance.now() - t });
          suggestionIds.push(s.id);
          const t2 = performance.now();
          const o = await mine.observe(exp.id, { suggestion: s.id, values: evaluate(s.assignments) });
          observeMs.push(performance.now() - t2);
          acked.push(o.id);
        } catch (err) {
          errors.push(String(err));
        }
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const stored = await client.allObservations(exp.id);
  const storedIds = new Set(stored.map((o) => o.id));
  const lost = acked.filter((id) => !storedIds.has(id)).length;
  const perSuggestion = new Map<string, number>();
  for (const o of stored) if (o.suggestion) perSuggestion.set(o.suggestion, (perSuggestion.get(o.suggestion) ?? 0) + 1);
  const duplicated = [...perSuggestion.values()].filter((n) => n > 1).length;
  const window = latencies.filter((l) => l.atObservations >= level - clients).map((l) => l.ms);
  // service time without queueing: one client, suggest then delete (the count stays at `level`)
  const single: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const s = await client.suggest(exp.id);
    single.push(performance.now() - t);
    await client.deleteSuggestion(exp.id, s.id);
  }
  return {
    level,
    clients,
    replicas: urls.length,
    method,
    preloaded: start,
    observations_stored: stored.length,
    acknowledged: acked.length,
    errors: errors.length,
    error_samples: errors.slice(0, 3),
    lost,
    duplicated,
    suggestion_latency_last_window: stats(window),
    suggestion_latency_all: stats(latencies.map((l) => l.ms)),
    suggestion_latency_single_client: stats(single),
    first_suggestion_after_import_ms: firstAfterImportMs,
    observation_latency: stats(observeMs),
    wall_s: Math.round(wall * 10) / 10,
  };
}

async function killPhase(dir: string, clients: number, method: string) {
  const file = path.join(dir, 'kill.db');
  const token = await newToken(file);
  let server = await spawnServer(file, serverArgs);
  const client = new SigoptClient({ url: server.url, token, retries: 0 });
  const exp = await client.createExperiment(EXPERIMENT(method, 'kill'));
  await client.observeBatch(exp.id, preload(40, 7));
  const acked = new Map<string, string>();
  let killed = false;
  let failedAfterKill = 0;
  const errorsBeforeKill: string[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < 20 && !killed; i++) {
        try {
          const s = await client.suggest(exp.id);
          const o = await client.observe(exp.id, { suggestion: s.id, values: evaluate(s.assignments) });
          acked.set(o.id, s.id);
          if (acked.size >= 48 && !killed) {
            killed = true;
            await server.kill9();
          }
        } catch (err) {
          if (killed) failedAfterKill++;
          else errorsBeforeKill.push(String(err));
          return;
        }
      }
    }),
  );
  const signal = server.proc.signalCode;
  server = await spawnServer(file, serverArgs);
  try {
    const c2 = new SigoptClient({ url: server.url, token, retries: 0 });
    const stored = await c2.allObservations(exp.id);
    const byId = new Map(stored.map((o) => [o.id, o]));
    const missing = [...acked].filter(([id, sid]) => byId.get(id)?.suggestion !== sid).length;
    const suggestions = stored.filter((o) => o.suggestion !== null).map((o) => o.suggestion);
    // the restarted server keeps working on the same experiment
    const s = await c2.suggest(exp.id);
    await c2.observe(exp.id, { suggestion: s.id, values: evaluate(s.assignments) });
    return {
      killed_with: signal,
      acknowledged_before_kill: acked.size,
      requests_failed_by_kill: failedAfterKill,
      errors_before_kill: errorsBeforeKill.length,
      stored_after_restart: stored.length - 40,
      missing_acknowledged: missing,
      duplicated_suggestions: suggestions.length - new Set(suggestions).size,
      restart_serves: true,
    };
  } finally {
    await server.stop();
  }
}

interface Hostile {
  label: string;
  method: string;
  path: string;
  body?: string;
  token?: string | null;
  contentType?: string;
}

function hostileRequests(victimExp: string, victimSuggestion: string, attackerExp: string): Hostile[] {
  const out: Hostile[] = [];
  const junk: unknown[] = [null, true, 3.5, -1, 'str', '', [], [1, 2], {}, { a: 1 }, 1e308];
  const valid = EXPERIMENT('mobo', 'h') as unknown as Record<string, unknown>;
  // wrong types for every experiment field
  for (const field of [
    'name',
    'parameters',
    'metrics',
    'observation_budget',
    'parallel_bandwidth',
    'seed',
    'method',
    'initial_design_size',
    'metadata',
  ]) {
    for (const v of junk) {
      // valid values of the field are not hostile: a name, a seed, no budget (SigOpt's default), metadata
      if (
        (field === 'name' && v === 'str') ||
        (field === 'seed' && v === -1) ||
        (field === 'observation_budget' && v === null) ||
        (field === 'metadata' && (v === null || (typeof v === 'object' && !Array.isArray(v))))
      )
        continue;
      out.push({
        label: `experiment.${field}=${JSON.stringify(v)}`,
        method: 'POST',
        path: '/v1/experiments',
        body: JSON.stringify({ ...valid, [field]: v }),
      });
    }
  }
  // broken parameters and metrics
  const p0 = { name: 'x', type: 'double', bounds: { min: 0, max: 1 } };
  for (const bad of [
    { ...p0, type: 'float' },
    { ...p0, bounds: { min: 1, max: 0 } },
    { ...p0, bounds: { min: 'a', max: 1 } },
    { ...p0, bounds: null },
    { ...p0, name: '' },
    { ...p0, name: 'a b ' }, // inner spaces are valid ("Validation Accuracy"), trailing ones are not
    { ...p0, name: '1x' },
    { ...p0, transformation: 'log' },
    { ...p0, transformation: 'sqrt' },
    { name: 'c', type: 'categorical', categorical_values: [] },
    { name: 'c', type: 'categorical', categorical_values: ['a', 'a'] },
    { name: 'i', type: 'int', bounds: { min: 0.5, max: 2 } },
  ]) {
    out.push({
      label: `parameter ${JSON.stringify(bad)}`,
      method: 'POST',
      path: '/v1/experiments',
      body: JSON.stringify({ ...valid, parameters: [bad] }),
    });
  }
  out.push({
    label: 'bounds.max 1e400',
    method: 'POST',
    path: '/v1/experiments',
    body: JSON.stringify({ ...valid, parameters: [p0] }).replace('"max":1', '"max":1e400'),
  });
  out.push({
    label: '101 parameters',
    method: 'POST',
    path: '/v1/experiments',
    body: JSON.stringify({ ...valid, parameters: Array.from({ length: 101 }, (_, i) => ({ ...p0, name: `p${i}` })) }),
  });
  for (const bad of [
    [],
    [{ name: 'a' }, { name: 'a' }],
    [{ name: 'a', objective: 'up' }],
    [{ name: 'a', strategy: 'constraint' }],
    [{ name: 'a', threshold: 'x' }],
    ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })),
  ]) {
    out.push({
      label: `metrics ${JSON.stringify(bad)}`,
      method: 'POST',
      path: '/v1/experiments',
      body: JSON.stringify({ ...valid, metrics: bad }),
    });
  }
  // without metrics an experiment has SigOpt's default one ("value"): only missing parameters are hostile
  for (const field of ['parameters']) {
    const { [field]: _drop, ...rest } = valid;
    out.push({ label: `missing ${field}`, method: 'POST', path: '/v1/experiments', body: JSON.stringify(rest) });
  }
  // observations on the attacker's own experiment: wrong types and missing fields
  const obsPath = `/v1/experiments/${attackerExp}/observations`;
  const goodObs = { assignments: { x: 0.5, n: 2, c: 'a' }, values: evaluate({ x: 0.5, n: 2, c: 'a' }) };
  for (const field of ['assignments', 'values', 'failed', 'metadata', 'suggestion', 'value']) {
    for (const v of junk) {
      if (field === 'metadata' && (v === null || (typeof v === 'object' && !Array.isArray(v)))) continue;
      if (field === 'failed' && v === true) continue; // a failure that carries its values: valid
      out.push({
        label: `observation.${field}=${JSON.stringify(v)}`,
        method: 'POST',
        path: obsPath,
        body: JSON.stringify({ ...goodObs, [field]: v }),
      });
    }
  }
  out.push({
    label: 'observation without values',
    method: 'POST',
    path: obsPath,
    body: JSON.stringify({ assignments: goodObs.assignments }),
  });
  out.push({
    label: 'observation without assignments',
    method: 'POST',
    path: obsPath,
    body: JSON.stringify({ values: goodObs.values }),
  });
  out.push({
    label: 'observation value Infinity',
    method: 'POST',
    path: obsPath,
    body: JSON.stringify(goodObs).replace(/"value":[0-9.e-]+/, '"value":1e999'),
  });
  out.push({
    label: 'batch of 1001',
    method: 'POST',
    path: `${obsPath}/batch`,
    body: JSON.stringify({ observations: Array.from({ length: 1001 }, () => goodObs) }),
  });
  out.push({
    label: 'batch with one bad item',
    method: 'POST',
    path: `${obsPath}/batch`,
    body: JSON.stringify({ observations: [goodObs, { ...goodObs, values: [] }] }),
  });
  // bad JSON
  for (const text of [
    '{',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    'NaN',
    '{"a":NaN}',
    '[1,2',
    '\u0000\u0001\u0002',
    '{"a":1}{"b":2}',
    'undefined',
    '"\\x"',
    '{"a":"\\ud800"',
  ]) {
    out.push({ label: `bad JSON ${JSON.stringify(text)}`, method: 'POST', path: '/v1/experiments', body: text });
    out.push({ label: `bad JSON obs ${JSON.stringify(text)}`, method: 'POST', path: obsPath, body: text });
  }
  out.push({
    label: 'deep nesting',
    method: 'POST',
    path: '/v1/experiments',
    body: '['.repeat(200_000) + ']'.repeat(200_000),
  });
  out.push({
    label: '__proto__',
    method: 'POST',
    path: '/v1/experiments',
    body: '{"__proto__":{"admin":true},"parameters":[],"metrics":[]}',
  });
  out.push({
    label: 'constructor.prototype',
    method: 'POST',
    path: obsPath,
    body: '{"constructor":{"prototype":{"x":1}}}',
  });
  // huge bodies
  out.push({
    label: 'body 2 MiB',
    method: 'POST',
    path: '/v1/experiments',
    body: JSON.stringify({ ...valid, name: 'x'.repeat(2 << 20) }),
  });
  out.push({
    label: 'body 16 MiB',
    method: 'POST',
    path: obsPath,
    body: JSON.stringify({ ...goodObs, metadata: { blob: 'y'.repeat(16 << 20) } }),
  });
  out.push({
    label: 'metadata 900 KiB',
    method: 'POST',
    path: obsPath,
    body: JSON.stringify({ ...goodObs, metadata: { blob: 'z'.repeat(900 << 10) } }),
  });
  out.push({
    label: 'name 600 chars',
    method: 'POST',
    path: '/v1/experiments',
    body: JSON.stringify({ ...valid, name: 'n'.repeat(600) }),
  });
  // content types
  for (const ct of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ]) {
    out.push({ label: `content-type ${ct}`, method: 'POST', path: '/v1/experiments', body: 'a=1', contentType: ct });
  }
  // the victim's resources, with the attacker's token
  const v = `/v1/experiments/${victimExp}`;
  for (const [method, p, body] of [
    ['GET', v],
    ['PUT', v, '{"name":"pwned"}'],
    ['DELETE', v],
    ['POST', `${v}/suggestions`, '{}'],
    ['GET', `${v}/suggestions`],
    ['GET', `${v}/suggestions/${victimSuggestion}`],
    ['DELETE', `${v}/suggestions/${victimSuggestion}`],
    ['DELETE', `${v}/suggestions`],
    ['POST', `${v}/observations`, JSON.stringify({ suggestion: victimSuggestion, failed: true })],
    [
      'POST',
      `${v}/observations/batch`,
      JSON.stringify({ observations: [{ suggestion: victimSuggestion, failed: true }] }),
    ],
    ['GET', `${v}/observations`],
    ['GET', `${v}/observations/1`],
    ['GET', `${v}/best_assignments`],
    ['POST', obsPath, JSON.stringify({ suggestion: victimSuggestion, failed: true })],
  ] as [string, string, string?][]) {
    out.push({ label: `other token ${method} ${p}`, method, path: p, body });
  }
  // bad authentication
  for (const token of [null, '', 'x', `${'0'.repeat(16)}.${'A'.repeat(43)}`, 'a'.repeat(5000)]) {
    out.push({ label: `auth ${String(token).slice(0, 20)}`, method: 'GET', path: '/v1/experiments', token });
    out.push({
      label: `auth post ${String(token).slice(0, 20)}`,
      method: 'POST',
      path: `${v}/observations`,
      body: '{}',
      token,
    });
  }
  // junk paths and queries
  for (const p of [
    '/v1/experiments/abc',
    '/v1/experiments/-1',
    '/v1/experiments/0',
    '/v1/experiments/1e3',
    '/v1/experiments/99999999999999999999',
    '/v1/experiments/%00',
    '/v1/experiments/..%2F..%2Fetc',
    `/v1/experiments/${attackerExp}/suggestions/abc`,
    `/v1/experiments/${attackerExp}/observations/0`,
    '/v1/projects',
    '/v1/experiments?limit=-1',
    '/v1/experiments?limit=1e9',
    '/v1/experiments?limit=0',
    '/v1/experiments?before=abc',
    '/v1/experiments?limit[]=1',
    '/v1/experiments?state=paused',
    `/v1/experiments/${attackerExp}/observations?after=x`,
    `/v1/experiments/${attackerExp}/suggestions?state=bogus`,
    '/v2/experiments',
  ]) {
    out.push({ label: `path ${p}`, method: 'GET', path: p });
  }
  out.push({ label: 'PATCH experiments', method: 'PATCH', path: '/v1/experiments', body: '{}' });
  out.push({
    label: 'PUT parameters',
    method: 'PUT',
    path: `/v1/experiments/${attackerExp}`,
    body: JSON.stringify({ parameters: [] }),
  });
  out.push({
    label: 'DELETE closed/unknown suggestion',
    method: 'DELETE',
    path: `/v1/experiments/${attackerExp}/suggestions/424242`,
  });
  return out;
}

/**
 * One request over node:http. The status is taken from the response even when the server answers
 * before the upload is complete and resets the connection (413 on a huge body), which fetch hides.
 */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number | string> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: number | string) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 'no status'));
      res.on('error', () => done(res.statusCode ?? 'no status'));
    });
    req.on('error', (err) => setTimeout(() => done(`network error: ${err.message}`), 200));
    if (body === undefined) {
      req.end();
    } else if (body.length > 1 << 20) {
      // like curl's Expect: 100-continue: headers first, so an early 413 is seen before uploading
      req.setHeader('content-length', Buffer.byteLength(body));
      req.flushHeaders();
      setTimeout(() => {
        if (!settled) req.end(body);
      }, 300);
    } else {
      req.end(body);
    }
  });
}

async function hostilePhase(dir: string) {
  const file = path.join(dir, 'hostile.db');
  const victimToken = await newToken(file);
  const attackerToken = await newToken(file);
  return withServer(file, async (server) => {
    const victim = new SigoptClient({ url: server.url, token: victimToken, retries: 0 });
    const attacker = new SigoptClient({ url: server.url, token: attackerToken, retries: 0 });
    const vexp = await victim.createExperiment(EXPERIMENT('sobol', 'victim'));
    for (let i = 0; i < 3; i++) {
      const s = await victim.suggest(vexp.id);
      await victim.observe(vexp.id, { suggestion: s.id, values: evaluate(s.assignments) });
    }
    const vopen = await victim.suggest(vexp.id);
    const aexp = await attacker.createExperiment(EXPERIMENT('sobol', 'attacker'));
    const snapshot = async () =>
      JSON.stringify([
        await victim.getExperiment(vexp.id),
        await victim.allObservations(vexp.id),
        await victim.listSuggestions(vexp.id),
        await attacker.getExperiment(aexp.id),
        await attacker.allObservations(aexp.id),
        (await victim.listExperiments()).count,
        (await attacker.listExperiments()).count,
      ]);
    const before = await snapshot();
    const requests = hostileRequests(vexp.id, vopen.id, aexp.id);
    const byStatus: Record<string, number> = {};
    const non4xx: { label: string; status: number | string }[] = [];
    for (const r of requests) {
      const token = r.token === undefined ? attackerToken : r.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
      if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/json';
      const status = await rawRequest(server.url + r.path, r.method, headers, r.body);
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
      if (typeof status !== 'number' || status < 400 || status > 499) non4xx.push({ label: r.label, status });
    }
    const health = await fetch(`${server.url}/health`).then((r) => r.status);
    const after = await snapshot();
    return {
      requests: requests.length,
      by_status: byStatus,
      non_4xx: non4xx,
      server_alive: health === 200 && server.proc.exitCode === null,
      state_unchanged: before === after,
    };
  });
}

const USAGE = `usage: tsx packages/server/src/cli/loadtest.ts [--clients 32] [--levels 100,480] [--out FILE.json]
         [--phases load,kill,hostile] [--method mobo|random|sobol] [--suggest-workers 1] [--max-batch 32]
         [--postgres postgres://USER@HOST:PORT/DB --replicas N --phases load]
Load (32 clients at each level of observations), kill -9 and hostile-input phases against a serve child process on
127.0.0.1; prints one JSON document (also written to --out). See the header of this file for each phase.
`;

/** A wrong command line: reported in one line. */
class UsageError extends Error {}

async function main() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '32' },
      levels: { type: 'string', default: '100,480' },
      method: { type: 'string', default: 'mobo' },
      phases: { type: 'string', default: 'load,kill,hostile' },
      out: { type: 'string' },
      'suggest-workers': { type: 'string', default: '1' },
      'max-batch': { type: 'string', default: '32' },
      postgres: { type: 'string' },
      replicas: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const clients = Number(values.clients);
  if (!Number.isInteger(clients) || clients < 1 || clients > 256)
    throw new UsageError('--clients must be an integer in [1, 256]');
  const levels = values.levels.split(',').map(Number);
  if (levels.some((l) => !Number.isInteger(l) || l < clients || l > 5000))
    throw new UsageError(`--levels must be integers in [clients, 5000]`);
  const phases = new Set(values.phases.split(','));
  const unknown = [...phases].filter((p) => !['load', 'kill', 'hostile'].includes(p));
  if (unknown.length > 0 || phases.size === 0)
    throw new UsageError(
      `--phases: a comma-separated subset of load,kill,hostile (got ${JSON.stringify(values.phases)})`,
    );
  if (!['mobo', 'random', 'sobol'].includes(values.method))
    throw new UsageError(`--method must be mobo, random or sobol (got ${JSON.stringify(values.method)})`);
  // the server's own ranges (serve.ts), checked here so that a bad value is this line, not a server that never starts
  for (const [flag, lo, hi] of [
    ['suggest-workers', 0, 64],
    ['max-batch', 1, 1024],
  ] as const) {
    const v = Number(values[flag]);
    if (!/^\d+$/.test(values[flag]) || v < lo || v > hi)
      throw new UsageError(`--${flag} must be an integer in [${lo}, ${hi}] (got ${JSON.stringify(values[flag])})`);
  }
  const replicas = Number(values.replicas);
  if (!/^\d+$/.test(values.replicas) || replicas < 1 || replicas > 8)
    throw new UsageError(`--replicas must be an integer in [1, 8] (got ${JSON.stringify(values.replicas)})`);
  if (values.postgres !== undefined && !isPostgresUrl(values.postgres))
    throw new UsageError(
      `--postgres must be a postgres://user@host:port/database URL (got ${JSON.stringify(values.postgres)})`,
    );
  if (replicas > 1 && values.postgres === undefined)
    throw new UsageError(
      '--replicas needs --postgres: replicas share one PostgreSQL database (a SQLite file has one server)',
    );
  if (values.postgres !== undefined && [...phases].some((p) => p !== 'load'))
    throw new UsageError('--postgres runs the load phase only: give --phases load (kill and hostile run on SQLite)');
  serverArgs = ['--suggest-workers', values['suggest-workers'], '--max-batch', values['max-batch']];
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-loadtest-'));
  const result: Record<string, unknown> = {
    started: new Date().toISOString(),
    node: process.version,
    suggest_workers: Number(values['suggest-workers']),
    max_batch: Number(values['max-batch']),
    linalg: linearAlgebraInUse(),
    load_average_at_start: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
  };
  try {
    if (phases.has('load') && values.postgres !== undefined) {
      result.storage = 'postgres';
      result.load = await onPostgres(values.postgres, replicas, async (urls, token) => {
        const out = [];
        for (const level of levels) {
          const r = await loadLevel(urls, token, level, clients, values.method);
          process.stderr.write(`load level ${level}: ${JSON.stringify(r.suggestion_latency_last_window)}\n`);
          out.push(r);
        }
        return out;
      });
    } else if (phases.has('load')) {
      result.storage = 'sqlite';
      const file = path.join(dir, 'load.db');
      const token = await newToken(file);
      result.load = await withServer(file, async (server) => {
        const out = [];
        for (const level of levels) {
          const r = await loadLevel([server.url], token, level, clients, values.method);
          process.stderr.write(`load level ${level}: ${JSON.stringify(r.suggestion_latency_last_window)}\n`);
          out.push(r);
        }
        return out;
      });
    }
    if (phases.has('kill')) {
      result.kill = await killPhase(dir, clients, values.method);
      process.stderr.write(`kill: ${JSON.stringify(result.kill)}\n`);
    }
    if (phases.has('hostile')) {
      result.hostile = await hostilePhase(dir);
      process.stderr.write(`hostile: ${JSON.stringify(result.hostile)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.finished = new Date().toISOString();
  const text = JSON.stringify(result, null, 2);
  if (values.out) writeFileSync(values.out, `${text}\n`);
  process.stdout.write(`${text}\n`);
}

main().catch((err: unknown) => {
  // a wrong option is one line; a failure during the run keeps its stack
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const text = err instanceof Error ? (usage ? err.message : (err.stack ?? err.message)) : String(err);
  process.stderr.write(`loadtest: ${text}\n`);
  process.exit(usage ? 2 : 1);
});
