/**
 * Three server replicas on one PostgreSQL database, 32 clients spread over them, one replica killed with -9 in the
 * middle of the load and started again. Run by the PostgreSQL suite (vitest.postgres.config.ts), which provides the
 * server in PARETOBENCH_TEST_POSTGRES_URL; the test makes a database of its own there.
 *
 * What must hold: every acknowledged observation is stored, once, with its values; no suggestion is handed out twice
 * (ids, and, the experiment being Sobol, points: two replicas computing from one snapshot would hand out the same
 * Sobol point twice); no suggestion has two observations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SigoptClient, type ExperimentCreateBody } from '@paretobench/client';
import { spawnServer, type ChildServer } from './child-server.ts';
import { PostgresStorage, createDatabase } from './storage/postgres.ts';
import { suggestBatch } from '@paretobench/optimizer';
import { buildServer } from './app.ts';
import type { SuggestRunner } from './suggest-pool.ts';
import { createToken } from './tokens.ts';
import { basic, toyValues, twoMetricExperiment, untilRequestsWaiting } from '../test/harness.ts';

const CLIENTS = 32;
const REPLICAS = 3;
/** observations acknowledged before the kill, and in all */
const KILL_AFTER = 60;
const TOTAL = 160;

describe('three replicas on one PostgreSQL', () => {
  const server = process.env.PARETOBENCH_TEST_POSTGRES_URL;
  const name = `replicas_${randomBytes(4).toString('hex')}`;
  let url = '';
  const replicas: ChildServer[] = [];

  beforeAll(async () => {
    if (!server) {
      throw new Error(
        'PARETOBENCH_TEST_POSTGRES_URL is not set: run this file with the PostgreSQL suite (npx nx run server:test, or vitest run --config vitest.postgres.config.ts), which starts a cluster',
      );
    }
    url = await createDatabase(server, name);
  });

  afterAll(async () => {
    for (const r of replicas) await r.stop().catch(() => undefined);
  });

  it('keeps every acknowledged observation and hands out no suggestion twice when a replica is killed with -9 mid-load', async () => {
    const storage = await PostgresStorage.open(url);
    const token = (await createToken(storage, 'replicas')).token;
    await storage.close();
    for (let i = 0; i < REPLICAS; i++) replicas.push(await spawnServer(url));
    const clientOf = (i: number) => new SigoptClient({ url: replicas[i].url, token, retries: 0, timeoutMs: 20_000 });
    const exp = await clientOf(0).createExperiment(
      twoMetricExperiment({ method: 'sobol', observation_budget: TOTAL }) as ExperimentCreateBody,
    );

    const handedOut: string[] = [];
    const acknowledged = new Map<string, { suggestion: string; values: { name: string; value: number }[] }>();
    let killed = false;
    let restarted: Promise<void> = Promise.resolve();
    let errorsBeforeKill = 0;
    let failovers = 0;

    /** `call` on the client's replica; on a lost connection, on the next replica (the same request, retried). */
    const attempt = async <T>(home: number, call: (c: SigoptClient) => Promise<T>): Promise<T> => {
      for (let k = 0; ; k++) {
        const i = (home + k) % REPLICAS;
        try {
          return await call(clientOf(i));
        } catch (err) {
          const status = (err as { status?: number }).status;
          if (status !== undefined && status > 0 && status < 500) throw err; // the service answered: not a lost replica
          if (!killed) errorsBeforeKill++;
          failovers++;
          if (k > 3 * REPLICAS) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };

    const worker = async (w: number) => {
      const home = w % REPLICAS;
      while (acknowledged.size < TOTAL) {
        const s = await attempt(home, (c) => c.suggest(exp.id, { metadata: { worker: w } }));
        handedOut.push(s.id);
        const values = toyValues(s.assignments);
        // a retry after a lost answer repeats the request with its key: stored once, answered with the first answer
        const o = await attempt(home, (c) =>
          c.observe(exp.id, { suggestion: s.id, values }, { idempotencyKey: `obs-${s.id}` }),
        );
        acknowledged.set(o.id, { suggestion: s.id, values });
        if (acknowledged.size >= KILL_AFTER && !killed) {
          killed = true;
          const victim = replicas[0];
          await victim.kill9(); // the other workers' requests to it are in flight
          expect(victim.proc.signalCode).toBe('SIGKILL');
          restarted = spawnServer(url).then((r) => {
            replicas[0] = r;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
    await restarted;
    expect(killed).toBe(true);
    expect(errorsBeforeKill).toBe(0);

    const check = clientOf(0); // the restarted replica
    const stored = await check.allObservations(exp.id);
    const byId = new Map(stored.map((o) => [o.id, o]));
    for (const [id, ack] of acknowledged) {
      const o = byId.get(id);
      expect(o, `acknowledged observation ${id}`).toBeDefined();
      expect(o!.suggestion).toBe(ack.suggestion);
      expect(o!.values.map((v) => v.value)).toEqual(ack.values.map((v) => v.value));
    }
    // no suggestion handed out twice, none observed twice, no Sobol point computed twice
    expect(new Set(handedOut).size).toBe(handedOut.length);
    expect(new Set(stored.map((o) => o.suggestion)).size).toBe(stored.length);
    const suggestions = await check.listSuggestions(exp.id, { state: 'all', limit: 1000 });
    const points = suggestions.data.map((s) => JSON.stringify(s.assignments));
    expect(new Set(points).size).toBe(points.length);
    // every observation acknowledged; at most the requests in flight at the kill were stored without an answer
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.size);
    expect(stored.length).toBeLessThanOrEqual(acknowledged.size + CLIENTS);
    expect((await check.getExperiment(exp.id)).progress?.observation_count).toBe(stored.length);
    process.stdout.write(
      `replicas: ${acknowledged.size} acknowledged, ${stored.length} stored, ${handedOut.length} suggestions handed out ` +
        `(${suggestions.count} stored), ${failovers} requests failed over after the kill\n`,
    );
  }, 180_000);

  it("answers every server's waiting requests in one batch: two replicas, 10 requests while a batch computes, 1 optimizer call", async () => {
    // two servers in this process, each on its own pool (sessions, locks) of the database: two replicas
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const runner: SuggestRunner = {
      run: async (input, count = 1) => {
        calls.push(count);
        if (calls.length === 1) await gate;
        return suggestBatch(input, count);
      },
      close: async () => {},
    };
    const storages = [await PostgresStorage.open(url), await PostgresStorage.open(url)];
    const token = (await createToken(storages[0], 'batch')).token;
    const apps = storages.map((db) => buildServer({ db, suggestRunner: runner }));
    const call = (i: number, method: 'POST' | 'GET', path: string, body?: unknown) =>
      apps[i]
        .inject({
          method,
          url: path,
          headers: { authorization: basic(token), 'content-type': 'application/json' },
          payload: JSON.stringify(body ?? {}),
        })
        .then((r) => ({ status: r.statusCode, json: JSON.parse(r.body) }));
    try {
      const exp = (await call(0, 'POST', '/v1/experiments', twoMetricExperiment({ method: 'sobol' }))).json;
      const first = call(0, 'POST', `/v1/experiments/${exp.id}/suggestions`);
      while (calls.length === 0) await new Promise((r) => setTimeout(r, 10)); // its batch computes (held)
      const more = Array.from({ length: 10 }, (_, i) =>
        call(i % 2, 'POST', `/v1/experiments/${exp.id}/suggestions`, { metadata: { i } }),
      );
      // every request recorded (the held batch's own stays until it is stored), then a moment to join a batch
      await untilRequestsWaiting(storages[0], exp.id, 11);
      await new Promise((r) => setTimeout(r, 200));
      release();
      const got = [await first, ...(await Promise.all(more))];
      expect(got.map((g) => g.status)).toEqual(Array(11).fill(200));
      // the held batch, then one batch for both servers' ten (the other server finds its requests answered)
      expect(calls).toEqual([1, 10]);
      expect(new Set(got.map((g) => g.json.id)).size).toBe(11);
      expect(got.slice(1).map((g) => g.json.metadata.i)).toEqual([...Array(10).keys()]);
      const left = await storages[0].read((c) =>
        c.all('SELECT id FROM suggestion_requests WHERE experiment_id = ?', [Number(exp.id)]),
      );
      expect(left).toEqual([]); // every answered request was read by its server and forgotten
    } finally {
      for (const app of apps) await app.close();
      for (const db of storages) await db.close();
    }
  }, 60_000);

  it('hands each queued suggestion out once when 32 clients on 3 replicas ask at the same moment', async () => {
    const storage = await PostgresStorage.open(url);
    const token = (await createToken(storage, 'queue')).token;
    await storage.close();
    while (replicas.length < REPLICAS) replicas.push(await spawnServer(url));
    const clients = replicas.map((r) => new SigoptClient({ url: r.url, token, retries: 0, timeoutMs: 20_000 }));
    const exp = await clients[0].createExperiment(twoMetricExperiment() as ExperimentCreateBody);
    const queued = Array.from({ length: 3 * CLIENTS }, (_, i) => ({ x: (i + 0.5) / (3 * CLIENTS), n: 1, c: 'a' }));
    for (const a of queued) await clients[0].queueSuggestion(exp.id, a);
    // each client asks three times, all at once: every request finds the queue non-empty
    const got = await Promise.all(Array.from({ length: 3 * CLIENTS }, (_, i) => clients[i % REPLICAS].suggest(exp.id)));
    const xs = got.map((s) => s.assignments.x as number).sort((a, b) => a - b);
    expect(xs).toEqual(queued.map((a) => a.x)); // each queued point once: none twice, none lost
    expect(new Set(got.map((s) => s.id)).size).toBe(got.length);
    const left = await fetch(`${replicas[1].url}/v1/experiments/${exp.id}/queued_suggestions`, {
      headers: { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` },
    });
    expect(((await left.json()) as { count: number }).count).toBe(0);
  }, 120_000);
});
