import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, toyValues, twoMetricExperiment, type ChildServer } from '../test/harness.ts';
import { SigoptClient, type ExperimentCreateBody } from '@paretobench/client';
import { openDatabase } from './database.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import { createToken } from './tokens.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pb-server-durability-'));
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('durability', () => {
  it('opens files in WAL mode with synchronous=FULL', () => {
    const db = openDatabase(path.join(dir, 'pragmas.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('keeps every acknowledged observation across kill -9 during concurrent load', async () => {
    const file = path.join(dir, 'kill9.db');
    const db = SqliteStorage.open(file);
    const token = (await createToken(db, 'durability')).token;
    await db.close();

    server = await spawnServer(file);
    const client = new SigoptClient({ url: server.url, token, retries: 0, timeoutMs: 10_000 });
    const exp = await client.createExperiment(twoMetricExperiment({ method: 'sobol' }) as ExperimentCreateBody);
    const acknowledged = new Map<string, { suggestion: string; values: { name: string; value: number }[] }>();
    let stop = false;
    let killed = false;
    const worker = async () => {
      while (!stop) {
        try {
          const s = await client.suggest(exp.id);
          const values = toyValues(s.assignments);
          const o = await client.observe(exp.id, { suggestion: s.id, values });
          acknowledged.set(o.id, { suggestion: s.id, values });
          if (acknowledged.size >= 60 && !killed) {
            killed = true;
            stop = true;
            await server!.kill9(); // other workers still have requests in flight
          }
        } catch {
          if (killed) return; // connection refused/reset after the kill: expected
          throw new Error('request failed before the kill');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(server.proc.signalCode).toBe('SIGKILL');

    server = await spawnServer(file);
    const client2 = new SigoptClient({ url: server.url, token, retries: 0 });
    const stored = await client2.allObservations(exp.id);
    const byId = new Map(stored.map((o) => [o.id, o]));
    for (const [id, ack] of acknowledged) {
      const o = byId.get(id);
      expect(o, `acknowledged observation ${id}`).toBeDefined();
      expect(o!.suggestion).toBe(ack.suggestion);
      expect(o!.values.map((v) => v.value)).toEqual(ack.values.map((v) => v.value));
    }
    // no suggestion observed twice; at most the in-flight requests were committed without an answer
    expect(new Set(stored.map((o) => o.suggestion)).size).toBe(stored.length);
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.size);
    expect(stored.length).toBeLessThanOrEqual(acknowledged.size + 8);
    const e = await client2.getExperiment(exp.id);
    expect(e.progress?.observation_count).toBe(stored.length);
    // the restarted server keeps serving the experiment
    const s = await client2.suggest(exp.id);
    expect((await client2.observe(exp.id, { suggestion: s.id, values: toyValues(s.assignments) })).suggestion).toBe(
      s.id,
    );
    await server.stop();
    server = undefined;
    const check = openDatabase(file);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 60_000); // a child server, 4 concurrent clients and a restart: 4-5 s on an idle 2-core machine, more under load
});
