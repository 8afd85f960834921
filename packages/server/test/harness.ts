/**
 * Test harness: an in-memory server with tokens, an authenticated inject() helper, a dump of every
 * stored row (to prove rejected requests change nothing), and a child-process server on a real file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../src/app.ts';
import { SqliteStorage } from '../src/storage/sqlite.ts';
import { PostgresStorage, createDatabase } from '../src/storage/postgres.ts';
import type { SqlValue, Storage } from '../src/storage/storage.ts';
import { createToken } from '../src/tokens.ts';
import { freshSchemaName } from './postgres-cluster.ts';
import { spawnServer, type ChildServer } from '../src/child-server.ts';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function basic(token: string): string {
  return `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
}

/**
 * The storage a test runs on: SQLite in memory, or, when PARETOBENCH_TEST_POSTGRES_URL names a PostgreSQL server
 * (the server suite's postgres run: `npm run test:postgres -w packages/server`), a fresh schema there.
 */
export async function testStorage(): Promise<Storage> {
  const url = process.env.PARETOBENCH_TEST_POSTGRES_URL;
  if (url) return PostgresStorage.open(url, { schema: freshSchemaName() });
  return SqliteStorage.open(':memory:');
}

export interface Harness {
  app: FastifyInstance;
  storage: Storage;
  /** Rows of a statement on the test's database (`?` placeholders). */
  sql<T = Record<string, unknown>>(text: string, params?: SqlValue[]): Promise<T[]>;
  tokenA: string;
  tokenB: string;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'MERGE',
    url: string,
    body?: unknown,
    token?: string | null,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; json: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  dump(): Promise<string>;
  close(): Promise<void>;
}

export async function makeHarness(
  opts: { bodyLimit?: number; suggestRunner?: ServerOptions['suggestRunner'] } = {},
): Promise<Harness> {
  const storage = await testStorage();
  const tokenA = (await createToken(storage, 'alice')).token;
  const tokenB = (await createToken(storage, 'bob')).token;
  const app = buildServer({ db: storage, bodyLimit: opts.bodyLimit, suggestRunner: opts.suggestRunner });
  await app.ready();
  const sql = <T>(text: string, params: SqlValue[] = []) => storage.read((c) => c.all<T>(text, params));
  return {
    app,
    storage,
    sql,
    tokenA,
    tokenB,
    async call(method, url, body, token = tokenA, extraHeaders = {}) {
      const headers: Record<string, string> = { ...extraHeaders };
      if (token !== null) headers.authorization = basic(token);
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await app.inject({ method, url, headers, payload });
      let json: unknown;
      try {
        json = res.body.length > 0 ? JSON.parse(res.body) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, json, text: res.body };
    },
    async dump() {
      const tables = [
        'tokens',
        'experiments',
        'suggestions',
        'observations',
        'queued_suggestions',
        'projects',
        'aiexperiments',
        'training_runs',
        'checkpoints',
      ];
      const rows = [];
      for (const t of tables) rows.push(await sql(`SELECT * FROM ${t} ORDER BY 1, 2`));
      return JSON.stringify(rows);
    },
    async close() {
      await app.close();
      await storage.close();
    },
  };
}

/** A two-metric experiment body (maximize f1, minimize f2) over x in [0,1], n in [1,5], c in {a,b}. */
export function twoMetricExperiment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'toy',
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'n', type: 'int', bounds: { min: 1, max: 5 } },
      { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
    ],
    metrics: [
      { name: 'f1', objective: 'maximize' },
      { name: 'f2', objective: 'minimize' },
    ],
    observation_budget: 40,
    ...extra,
  };
}

/** Known test objective: f1 = x * n / 5 (+0.1 for c = b), f2 = (1 - x)^2 + n / 10. */
export function toyValues(a: Record<string, number | string>): { name: string; value: number }[] {
  const x = a.x as number;
  const n = a.n as number;
  return [
    { name: 'f1', value: (x * n) / 5 + (a.c === 'b' ? 0.1 : 0) },
    { name: 'f2', value: (1 - x) ** 2 + n / 10 },
  ];
}

export { spawnServer, type ChildServer };

/**
 * A `serve` child process on a fresh database with one token, and a temporary folder; close() removes both. The
 * database is a SQLite file in the folder, or, in the PostgreSQL suite (PARETOBENCH_TEST_POSTGRES_URL), a database of
 * its own on that server.
 */
export async function serverWithToken(
  prefix: string,
): Promise<{ dir: string; server: ChildServer; token: string; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const postgres = process.env.PARETOBENCH_TEST_POSTGRES_URL;
  const db = postgres ? await createDatabase(postgres, freshSchemaName('db')) : path.join(dir, 'server.db');
  const storage = postgres ? await PostgresStorage.open(db) : SqliteStorage.open(db);
  const token = (await createToken(storage, 'sigopt-python')).token;
  await storage.close();
  const server = await spawnServer(db);
  return {
    dir,
    server,
    token,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Until `n` suggestion requests of the experiment are recorded and unanswered (at most 20 s): requests that arrived
 * together are all waiting for a batch.
 */
export async function untilRequestsWaiting(storage: Storage, experimentId: string, n: number): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 10) {
    const rows = await storage.read((c) =>
      c.all('SELECT id FROM suggestion_requests WHERE experiment_id = ? AND suggestion_id IS NULL', [
        Number(experimentId),
      ]),
    );
    if (rows.length >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${n} suggestion requests were not recorded within 20 s`);
}
