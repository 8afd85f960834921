/**
 * @paretobench/client against a real `serve` child process: every method of the client once, each answer parsed by
 * the client's response schemas (so this is also the contract test of the server's JSON), with requests sent as the
 * official Python client sends them (`Content-Type: application/json` on bodyless GET and DELETE too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationObject, SigoptApiError, SigoptClient, type ExperimentCreateBody } from '@paretobench/client';
import { serverWithToken, toyValues, twoMetricExperiment } from './harness.ts';

let ctx: Awaited<ReturnType<typeof serverWithToken>>;
let client: SigoptClient;
beforeAll(async () => {
  ctx = await serverWithToken('pb-ts-client-');
  client = new SigoptClient({ url: ctx.server.url, token: ctx.token, retries: 0 });
});
afterAll(async () => {
  await ctx?.close();
});

// the harness's two-metric toy (x double, n int, c categorical; maximise f1, minimise f2) with our extensions
const BODY: ExperimentCreateBody = {
  ...(twoMetricExperiment() as ExperimentCreateBody),
  name: 'ts-client',
  observation_budget: 12,
  seed: 3,
  method: 'sobol',
  suggestion_lease_seconds: 60,
  metadata: { purpose: 'test' },
};

describe('@paretobench/client against the service', () => {
  it('creates, reads, lists and updates an experiment', async () => {
    const token = await client.tokenSelf();
    expect(token.client).toMatch(/^[0-9a-z-]+$/);
    expect(token).toMatchObject({ experiment: null, all_experiments: true, expires: null });
    // a token made without a client is a client of its own, in an organisation of its own of the same id
    expect(token.organization).toBe(token.client);
    // the token's id (the part before the dot), never the secret
    expect(ctx.token.startsWith(`${token.token}.`)).toBe(true);
    const e = await client.createExperiment(BODY);
    expect([e.name, e.state, e.observation_budget, e.seed, e.method, e.suggestion_lease_seconds]).toEqual([
      'ts-client',
      'active',
      12,
      3,
      'sobol',
      60,
    ]);
    expect(e.parameters.map((p) => p.name)).toEqual(['x', 'n', 'c']);
    expect((await client.getExperiment(e.id)).id).toBe(e.id);
    expect((await client.listExperiments({ limit: 1 })).data[0].id).toBe(e.id);
    expect((await client.allExperiments()).map((x) => x.id)).toContain(e.id);
    const updated = await client.updateExperiment(e.id, { name: 'renamed', observation_budget: 20 });
    expect([updated.name, updated.observation_budget]).toEqual(['renamed', 20]);
  });

  it('suggests, leases, queues, deletes, observes (with an idempotency key), corrects and ranks', async () => {
    const e = await client.createExperiment(BODY);
    const s1 = await client.suggest(e.id, { metadata: { worker: 'w1' } });
    expect(s1.state).toBe('open');
    expect(s1.sequence).toBe(0);
    expect(s1.lease_expires).toBeGreaterThan(Date.now() / 1000);
    expect((await client.getSuggestion(e.id, s1.id)).metadata).toEqual({ worker: 'w1' });
    expect((await client.updateSuggestion(e.id, s1.id, { metadata: { worker: 'w2' } })).metadata).toEqual({
      worker: 'w2',
    });
    const s2 = await client.suggest(e.id);
    expect((await client.listSuggestions(e.id, { state: 'open' })).count).toBe(2);
    await client.deleteSuggestion(e.id, s2.id);
    expect((await client.listSuggestions(e.id, { state: 'open' })).data.map((s) => s.id)).toEqual([s1.id]);

    // an observation posted twice under one key (a retry after a lost answer) is stored once
    const body = { suggestion: s1.id, values: toyValues(s1.assignments) };
    const o1 = await client.observe(e.id, body, { idempotencyKey: 'obs-1' });
    const again = await client.observe(e.id, body, { idempotencyKey: 'obs-1' });
    expect(again.id).toBe(o1.id);
    expect((await client.getExperiment(e.id)).progress?.observation_count).toBe(1);

    // the Python client's first call in examples/other_languages.py: a bodyless DELETE with a JSON content type
    await client.suggest(e.id);
    await client.suggest(e.id);
    await client.deleteOpenSuggestions(e.id);
    expect((await client.listSuggestions(e.id, { state: 'open' })).count).toBe(0);

    const queued = await client.queueSuggestion(e.id, { x: 0.25, n: 2, c: 'b' });
    expect(queued.assignments).toEqual({ x: 0.25, n: 2, c: 'b' });
    const s3 = await client.suggest(e.id);
    expect(s3.assignments).toEqual({ x: 0.25, n: 2, c: 'b' });

    const batch = await client.observeBatch(e.id, [
      { suggestion: s3.id, values: toyValues(s3.assignments) },
      { assignments: { x: 1, n: 5, c: 'a' }, failed: true },
    ]);
    expect(batch.data.map((o) => o.failed)).toEqual([false, true]);
    const fixed = await client.updateObservation(e.id, batch.data[1].id, {
      failed: false,
      values: toyValues({ x: 1, n: 5, c: 'a' }),
    });
    expect(fixed.failed).toBe(false);
    expect(fixed.values.map((v) => v.name)).toEqual(['f1', 'f2']);
    const all = await client.allObservations(e.id);
    expect(all.map((o) => o.id)).toEqual([o1.id, ...batch.data.map((o) => o.id)]);
    expect((await client.listObservations(e.id, { limit: 2 })).data).toHaveLength(2);

    // x = 1, n = 5, c = a: f1 = 1 (the largest possible), f2 = 0.5; it is on the front
    const front = await client.bestAssignments(e.id);
    expect(front.data.map((b) => b.id)).toContain(fixed.id);

    // a list walked in pages of 2 (3 observations: two pages), oldest first, as allObservations' pages of 1000
    const paged = await client.all(`/experiments/${e.id}/observations`, ObservationObject, { limit: 2 });
    expect(paged.map((o) => o.id)).toEqual(all.map((o) => o.id));

    await client.deleteObservation(e.id, o1.id);
    expect((await client.allObservations(e.id)).map((o) => o.id)).not.toContain(o1.id);
    await client.deleteExperiment(e.id);
    expect((await client.getExperiment(e.id)).state).toBe('deleted');
  });

  it("turns the service's errors into SigoptApiError with its status and message", async () => {
    const err = (await client.getExperiment('999999').catch((e: unknown) => e)) as SigoptApiError;
    expect(err).toBeInstanceOf(SigoptApiError);
    expect(err.status).toBe(404);
    expect(err.detail).toMatch(/999999/);
    const bad = (await client
      .createExperiment({ ...BODY, parameters: [{ name: 'x', type: 'double', bounds: { min: 1, max: 0 } }] })
      .catch((e: unknown) => e)) as SigoptApiError;
    expect(bad.status).toBe(400);
    expect(bad.detail).toMatch(/bounds/);
    const stranger = new SigoptClient({ url: ctx.server.url, token: 'not-a-token', retries: 0 });
    await expect(stranger.listExperiments()).rejects.toMatchObject({ status: 401 });
  });
});
