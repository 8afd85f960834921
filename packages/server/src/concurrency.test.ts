import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { toyValues, twoMetricExperiment } from '../test/harness.ts';
import { buildServer } from './app.ts';
import { SigoptClient } from './client.ts';
import { openDatabase } from './database.ts';
import { createToken } from './tokens.ts';

let app: FastifyInstance;
let url: string;
let token: string;

beforeAll(async () => {
  const db = openDatabase(':memory:');
  token = createToken(db).token;
  app = buildServer({ db, suggestWorkers: 1 }); // suggest() in a worker thread, as `serve` runs it
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

async function runClients(expId: string, clients: number, loops: number) {
  const client = new SigoptClient({ url, token });
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
    const admin = new SigoptClient({ url, token });
    const exp = await admin.createExperiment(twoMetricExperiment({ method: 'sobol' }) as never);
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
    const admin = new SigoptClient({ url, token });
    const exp = await admin.createExperiment(twoMetricExperiment({ initial_design_size: 4 }) as never);
    const { client, acks } = await runClients(exp.id, 8, 2);
    expect(acks).toHaveLength(16);
    const stored = await client.allObservations(exp.id);
    expect(stored).toHaveLength(16);
    expect(new Set(stored.map((o) => JSON.stringify(o.assignments))).size).toBe(16);
  });
});
