import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { suggestBatch } from '@paretobench/optimizer';
import { basic, testStorage, toyValues, twoMetricExperiment, untilRequestsWaiting } from '../test/harness.ts';
import { buildServer } from './app.ts';
import { SigoptClient, type ExperimentCreateBody } from '@paretobench/client';
import { createToken } from './tokens.ts';

let app: FastifyInstance;
let url: string;
let token: string;

beforeAll(async () => {
  const db = await testStorage();
  token = (await createToken(db)).token;
  app = buildServer({ db, suggestWorkers: 1 }); // suggest() in a worker thread, as `serve` runs it
  app.addHook('onClose', () => db.close());
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

async function runClients(expId: string, clients: number, loops: number) {
  const client = new SigoptClient({ url, token, retries: 0 });
  const acks: { observation: string; suggestion: string }[] = [];
  const suggestions: string[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < loops; i++) {
        const s = await client.suggest(expId);
        suggestions.push(s.id);
        const o = await client.observe(expId, { suggestion: s.id, values: toyValues(s.assignments) });
        acks.push({ observation: o.id, suggestion: s.id });
      }
    }),
  );
  return { client, acks, suggestions };
}

describe('concurrent clients over 127.0.0.1', () => {
  it('32 clients x 2 suggest/observe loops: no errors, nothing lost or duplicated', async () => {
    const admin = new SigoptClient({ url, token, retries: 0 });
    const exp = await admin.createExperiment(twoMetricExperiment({ method: 'sobol' }) as ExperimentCreateBody);
    const { client, acks, suggestions } = await runClients(exp.id, 32, 2);
    expect(acks).toHaveLength(64);
    expect(new Set(suggestions).size).toBe(64);
    const stored = await client.allObservations(exp.id);
    expect(stored).toHaveLength(64);
    expect(new Set(stored.map((o) => o.id))).toEqual(new Set(acks.map((a) => a.observation)));
    expect(new Set(stored.map((o) => o.suggestion))).toEqual(new Set(suggestions));
    // Sobol points are distinct, so concurrent suggestion creation never handed out the same index twice
    expect(new Set(stored.map((o) => JSON.stringify(o.assignments))).size).toBe(64);
    const e = await client.getExperiment(exp.id);
    expect(e.progress).toMatchObject({ observation_count: 64, open_suggestion_count: 0 });
  });

  it('8 clients on a model-based experiment: pending suggestions are distinct', async () => {
    const admin = new SigoptClient({ url, token, retries: 0 });
    const exp = await admin.createExperiment(twoMetricExperiment({ initial_design_size: 4 }) as ExperimentCreateBody);
    const { client, acks } = await runClients(exp.id, 8, 2);
    expect(acks).toHaveLength(16);
    const stored = await client.allObservations(exp.id);
    expect(stored).toHaveLength(16);
    expect(new Set(stored.map((o) => JSON.stringify(o.assignments))).size).toBe(16);
  });
});

describe('suggestion requests that arrive together', () => {
  /** 12 simultaneous suggestion requests on a model-phase experiment, the first optimizer call held until all wait. */
  async function together(maxBatch?: number) {
    const db = await testStorage();
    const tok = (await createToken(db)).token;
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const local = buildServer({
      db,
      maxBatch,
      suggestRunner: {
        run: async (input, count = 1) => {
          calls.push(count);
          await gate; // the first call holds the queue while the others arrive
          return suggestBatch(input, count);
        },
        close: async () => {},
      },
    });
    const call = async (method: 'GET' | 'POST', u: string, body?: unknown) => {
      const res = await local.inject({
        method,
        url: u,
        headers: { authorization: basic(tok), 'content-type': 'application/json' },
        payload: JSON.stringify(body ?? {}),
      });
      return JSON.parse(res.body);
    };
    const exp = await call('POST', '/v1/experiments', twoMetricExperiment({ initial_design_size: 3 }));
    const seeds = [
      { x: 0.1, n: 1, c: 'a' },
      { x: 0.5, n: 3, c: 'b' },
      { x: 0.9, n: 5, c: 'a' },
    ];
    for (const a of seeds)
      await call('POST', `/v1/experiments/${exp.id}/observations`, { assignments: a, values: toyValues(a) });
    const requests = Array.from({ length: 12 }, (_, i) =>
      call('POST', `/v1/experiments/${exp.id}/suggestions`, { metadata: { worker: i } }),
    );
    // every request recorded (the first one's row stays until its batch is stored), then a moment to join its batch
    await untilRequestsWaiting(db, exp.id, 12);
    await new Promise((r) => setTimeout(r, 100));
    release();
    const got = await Promise.all(requests);
    const open = await call('GET', `/v1/experiments/${exp.id}/suggestions?state=open&limit=100`);
    await local.close();
    await db.close();
    return { calls, got, open: open.data as { id: string }[] };
  }

  const onPostgres = process.env.PARETOBENCH_TEST_POSTGRES_URL !== undefined;

  it('are answered by one batch: 12 concurrent requests, 2 optimizer calls, 12 distinct stored suggestions', async () => {
    const { calls, got, open } = await together();
    // the first request starts a batch at once; on SQLite it starts before any other request has arrived, on
    // PostgreSQL (whose lock and reads take a few ms) others may join it first: two calls either way
    expect(calls).toHaveLength(2);
    expect(calls[0] + calls[1]).toBe(12);
    if (!onPostgres) expect(calls).toEqual([1, 11]);
    expect(new Set(got.map((s) => s.id)).size).toBe(12);
    expect(new Set(got.map((s) => JSON.stringify(s.assignments))).size).toBe(12);
    // each request got its own metadata back, and the stored open suggestions are exactly these
    expect(got.map((s) => s.metadata.worker).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(new Set(open.map((s) => s.id))).toEqual(new Set(got.map((s) => s.id)));
  });

  it('at most maxBatch per batch (maxBatch 1: one optimizer call per request, as before batching)', async () => {
    const four = await together(4);
    expect(four.calls.every((n) => n <= 4)).toBe(true);
    expect(four.calls.reduce((a, b) => a + b, 0)).toBe(12);
    expect(four.calls.length).toBeLessThanOrEqual(4);
    if (!onPostgres) expect(four.calls).toEqual([1, 4, 4, 3]);
    expect(new Set(four.got.map((s) => JSON.stringify(s.assignments))).size).toBe(12);
    const one = await together(1);
    expect(one.calls).toEqual(Array(12).fill(1));
    expect(new Set(one.open.map((s) => s.id)).size).toBe(12);
    expect(() => buildServer({ db: ':memory:', maxBatch: 0 })).toThrow(/maxBatch must be a positive integer, got 0/);
  });
});
