/**
 * PostgresStorage against a real server: a throw-away cluster started here (PostgreSQL must be installed; without it
 * these tests fail with how to install it). Each test works in a schema of its own. "Replicas" are several
 * PostgresStorage instances, each with its own pools, as several server processes would have.
 */
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../database.ts';
import { freshSchemaName, startPostgresCluster, type PostgresCluster } from '../../test/postgres-cluster.ts';
import { DEFAULT_POOL_SIZE, numberPlaceholders, PostgresStorage, redactUrl } from './postgres.ts';
import { isUniqueViolation } from './storage.ts';

let cluster: PostgresCluster;
/** A plain connection pool to the cluster, for looking at it from outside the storage. */
let admin: pg.Pool;
const opened: PostgresStorage[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  admin = new pg.Pool({ connectionString: cluster.url, max: 4 });
  admin.on('error', () => undefined);
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  await admin?.end();
  await cluster?.stop();
});

async function open(schema: string, poolSize?: number): Promise<PostgresStorage> {
  const s = await PostgresStorage.open(cluster.url, { schema, poolSize });
  opened.push(s);
  return s;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('schema and migrations', () => {
  it('creates every table, column, index, key and foreign key of the SQLite schema', async () => {
    const schema = freshSchemaName();
    await open(schema);
    const lite = openDatabase(':memory:');
    type Shape = {
      columns: string[];
      indexes: string[];
      keys: string[];
      foreign: string[];
    };
    const sqlite: Shape = { columns: [], indexes: [], keys: [], foreign: [] };
    const tables = (
      lite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    for (const t of tables) {
      const info = lite.prepare(`PRAGMA table_info(${t})`).all() as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      for (const c of info) {
        const type = c.type === 'INTEGER' ? 'integer' : c.type.toLowerCase(); // bigint or integer in PostgreSQL
        sqlite.columns.push(`${t}.${c.name} ${type}${c.notnull || c.pk ? ' not null' : ''}`);
      }
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      sqlite.keys.push(`${t} primary (${pk.map((c) => c.name).join(', ')})`);
      for (const index of lite.prepare(`PRAGMA index_list(${t})`).all() as { name: string; origin: string }[]) {
        const cols = (lite.prepare(`PRAGMA index_info(${index.name})`).all() as { name: string }[]).map((c) => c.name);
        if (index.origin === 'u') sqlite.keys.push(`${t} unique (${cols.join(', ')})`);
        if (index.origin === 'c') sqlite.indexes.push(`${index.name} on ${t} (${cols.join(', ')})`);
      }
      const fks = lite.prepare(`PRAGMA foreign_key_list(${t})`).all() as {
        id: number;
        seq: number;
        table: string;
        from: string;
        to: string;
      }[];
      for (const id of new Set(fks.map((f) => f.id))) {
        const parts = fks.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
        sqlite.foreign.push(
          `${t} (${parts.map((f) => f.from).join(', ')}) -> ${parts[0].table} (${parts.map((f) => f.to).join(', ')})`,
        );
      }
    }
    lite.close();

    const q = async <R extends pg.QueryResultRow>(sql: string) => (await admin.query<R>(sql, [schema])).rows;
    const postgres: Shape = {
      columns: (
        await q<{ t: string; c: string; type: string; nullable: string }>(
          `SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable
           FROM information_schema.columns WHERE table_schema = $1 AND table_name <> 'schema_migrations'`,
        )
      ).map(
        (r) => `${r.t}.${r.c} ${r.type === 'bigint' ? 'integer' : r.type}${r.nullable === 'NO' ? ' not null' : ''}`,
      ),
      indexes: (
        await q<{ name: string; t: string; cols: string }>(
          `SELECT i.relname AS name, t.relname AS t,
                  string_agg(a.attname, ', ' ORDER BY k.n) AS cols
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_namespace ns ON ns.oid = t.relnamespace
           CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
           WHERE ns.nspname = $1 AND t.relname <> 'schema_migrations'
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
           GROUP BY i.relname, t.relname`,
        )
      ).map((r) => `${r.name} on ${r.t} (${r.cols})`),
      keys: (
        await q<{ t: string; kind: string; cols: string }>(
          `SELECT t.relname AS t, CASE c.contype WHEN 'p' THEN 'primary' ELSE 'unique' END AS kind,
                  string_agg(a.attname, ', ' ORDER BY k.n) AS cols
           FROM pg_constraint c
           JOIN pg_class t ON t.oid = c.conrelid
           JOIN pg_namespace ns ON ns.oid = t.relnamespace
           CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
           WHERE ns.nspname = $1 AND c.contype IN ('p', 'u') AND t.relname <> 'schema_migrations'
           GROUP BY c.oid, t.relname, c.contype`,
        )
      ).map((r) => `${r.t} ${r.kind} (${r.cols})`),
      foreign: (
        await q<{ t: string; cols: string; ref: string; refcols: string }>(
          `SELECT t.relname AS t, r.relname AS ref,
                  string_agg(a.attname, ', ' ORDER BY k.n) AS cols,
                  string_agg(ra.attname, ', ' ORDER BY k.n) AS refcols
           FROM pg_constraint c
           JOIN pg_class t ON t.oid = c.conrelid
           JOIN pg_class r ON r.oid = c.confrelid
           JOIN pg_namespace ns ON ns.oid = t.relnamespace
           CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refattnum, n)
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
           JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = k.refattnum
           WHERE ns.nspname = $1 AND c.contype = 'f'
           GROUP BY c.oid, t.relname, r.relname`,
        )
      ).map((r) => `${r.t} (${r.cols}) -> ${r.ref} (${r.refcols})`),
    };
    for (const k of ['columns', 'indexes', 'keys', 'foreign'] as const) {
      expect(postgres[k].sort(), k).toEqual(sqlite[k].sort());
    }
    expect(tables.length).toBe(14);
    expect(sqlite.indexes.length).toBe(13);

    // AUTOINCREMENT ids are identity columns; the two CHECK constraints are there
    const identity = await q<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.columns
       WHERE table_schema = $1 AND column_name = 'id' AND is_identity = 'YES' ORDER BY 1`,
    );
    expect(identity.map((r) => r.t)).toEqual([
      'checkpoints',
      'experiments',
      'observations',
      'queued_suggestions',
      'suggestion_requests',
      'suggestions',
      'training_runs',
    ]);
    const checks = await q<{ t: string; def: string }>(
      `SELECT t.relname AS t, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
       WHERE ns.nspname = $1 AND c.contype = 'c' ORDER BY 1`,
    );
    expect(checks.map((r) => r.t)).toEqual(['suggestions', 'training_runs']);
    expect(checks[0].def).toContain("'open'");
    expect(checks[1].def).toContain("'completed'");
  });

  it('applies each version once (6, 7), opened twice in a row and three times at once', async () => {
    const versions = async (schema: string) =>
      (await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows;

    const sequential = freshSchemaName();
    await open(sequential);
    await open(sequential);
    expect(await versions(sequential)).toEqual([{ version: 6 }, { version: 7 }]);

    const concurrent = freshSchemaName();
    await Promise.all([open(concurrent), open(concurrent), open(concurrent)]);
    expect(await versions(concurrent)).toEqual([{ version: 6 }, { version: 7 }]);
  });

  it('refuses a database with a newer schema version, naming it', async () => {
    const schema = freshSchemaName();
    await open(schema);
    await admin.query(`INSERT INTO ${schema}.schema_migrations (version, applied) VALUES (99, 0)`);
    await expect(PostgresStorage.open(cluster.url, { schema })).rejects.toThrow(
      `database ${cluster.url}: has schema version 99 (schema ${schema}); this server understands up to 7`,
    );
  });

  it('says why it cannot open: no server, no database, no role, a bad schema name; without the password', async () => {
    const port = Number(new URL(cluster.url).port);
    // a port nobody listens on: one the OS just gave and took back
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const refused = `postgres://postgres:secret@127.0.0.1:${closed}/postgres`;
    const err1 = await PostgresStorage.open(refused).catch((e: Error) => e);
    expect(err1).toBeInstanceOf(Error);
    expect((err1 as Error).message).toMatch(
      new RegExp(
        `^database postgres://postgres@127\\.0\\.0\\.1:${closed}/postgres: cannot connect: connection refused`,
      ),
    );
    expect((err1 as Error).message).not.toContain('secret');

    await expect(PostgresStorage.open(`postgres://postgres:secret@127.0.0.1:${port}/nowhere`)).rejects.toThrow(
      `database postgres://postgres@127.0.0.1:${port}/nowhere: the database does not exist (database "nowhere" does not exist)`,
    );
    await expect(PostgresStorage.open(`postgres://nobody@127.0.0.1:${port}/postgres`)).rejects.toThrow(
      /^database postgres:\/\/nobody@127\.0\.0\.1:\d+\/postgres: the server refuses the connection: no such role.*role "nobody" does not exist/,
    );
    await expect(PostgresStorage.open(cluster.url, { schema: 'x; DROP TABLE y' })).rejects.toThrow(
      'invalid schema name',
    );
    expect(redactUrl('postgres://u:p%40ss@h:5432/db?sslmode=require&password=x')).toBe(
      'postgres://u@h:5432/db?sslmode=require&password=***',
    );
  });
});

describe('statements', () => {
  let s: PostgresStorage;
  beforeAll(async () => {
    s = await open(freshSchemaName());
    await s.write(async (c) => {
      await c.run(
        'CREATE TABLE things (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT UNIQUE, n BIGINT)',
      );
    });
  });

  it('numbers ? placeholders, but not in literals, quoted identifiers or comments', () => {
    expect(numberPlaceholders('SELECT ? , ?, x FROM t WHERE a = ? AND b IN (?, ?)')).toBe(
      'SELECT $1 , $2, x FROM t WHERE a = $3 AND b IN ($4, $5)',
    );
    expect(numberPlaceholders(`SELECT 'a?''?', "q?""?", E'\\'?', ? -- ?\n, /* ? */ ?`)).toBe(
      `SELECT 'a?''?', "q?""?", E'\\'?', $1 -- ?\n, /* ? */ $2`,
    );
    expect(numberPlaceholders('SELECT 1')).toBe('SELECT 1');
  });

  it('gives ids, counts and sums as numbers, NULL as null, and changed row counts', async () => {
    const ids = await s.write(async (c) => {
      const a = await c.get<{ id: unknown }>('INSERT INTO things (name, n) VALUES (?, ?) RETURNING id', [
        'a',
        1_700_000_000_123,
      ]);
      const b = await c.get<{ id: unknown }>('INSERT INTO things (name, n) VALUES (?, ?) RETURNING id', ['b?', null]);
      const d = await c.get<{ id: unknown }>('INSERT INTO things (name, n) VALUES (?, ?) RETURNING id', [null, 5]);
      return [a!.id, b!.id, d!.id];
    });
    expect(ids).toEqual([1, 2, 3]);
    const rows = await s.read((c) =>
      c.all<{ id: number; name: string | null; n: number | null }>(
        "SELECT id, name, n FROM things WHERE name <> '?' OR name IS NULL ORDER BY id",
      ),
    );
    expect(rows).toEqual([
      { id: 1, name: 'a', n: 1_700_000_000_123 },
      { id: 2, name: 'b?', n: null },
      { id: 3, name: null, n: 5 },
    ]);
    const agg = await s.read((c) =>
      c.get<{ count: unknown; total: unknown; avg: unknown }>(
        'SELECT COUNT(*) AS count, SUM(n) AS total, AVG(n) AS avg FROM things WHERE id >= ?',
        [1],
      ),
    );
    expect(agg).toEqual({ count: 3, total: 1_700_000_000_128, avg: 850_000_000_064 });
    expect(await s.read((c) => c.get('SELECT id FROM things WHERE name = ?', ['none']))).toBeUndefined();
    expect(await s.read((c) => c.get('SELECT id FROM things WHERE name IS NULL'))).toEqual({ id: 3 });
    expect(await s.write((c) => c.run('UPDATE things SET n = COALESCE(n, 0) + ? WHERE id <= ?', [1, 2]))).toBe(2);
    expect(await s.write((c) => c.run('DELETE FROM things WHERE id = ?', [999]))).toBe(0);
  });

  it('rolls back everything a failing transaction wrote, and rethrows its error', async () => {
    const boom = new Error('boom');
    const before = await s.read((c) => c.get<{ n: number }>('SELECT COUNT(*) AS n FROM things'));
    await expect(
      s.write(async (c) => {
        await c.run('INSERT INTO things (name) VALUES (?)', ['rolled back 1']);
        await c.run('UPDATE things SET n = ?', [-1]);
        await c.run('INSERT INTO things (name) VALUES (?)', ['rolled back 2']);
        throw boom;
      }, 3),
    ).rejects.toBe(boom);
    expect(await s.read((c) => c.get<{ n: number }>('SELECT COUNT(*) AS n FROM things'))).toEqual(before);
    expect(await s.read((c) => c.get('SELECT 1 AS x FROM things WHERE n = -1'))).toBeUndefined();
  });

  it('reports unique violations, and refuses to commit a transaction whose failed statement was caught', async () => {
    await s.write((c) => c.run('INSERT INTO things (name) VALUES (?)', ['unique']));
    const err = await s
      .write((c) => c.run('INSERT INTO things (name) VALUES (?)', ['unique']))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
    expect(s.describeError(err)).toBeNull(); // the caller's business, not the database's

    const swallowed = s.write(async (c) => {
      await c.run('INSERT INTO things (name) VALUES (?)', ['kept?']);
      await c.run('INSERT INTO things (name) VALUES (?)', ['unique']).catch(() => 0);
      return 'done';
    });
    await expect(swallowed).rejects.toThrow(/rolled back, not committed: one of its statements failed/);
    expect(await s.read((c) => c.get("SELECT 1 AS x FROM things WHERE name = 'kept?'"))).toBeUndefined();
  });

  it('readRow: one statement in one round trip, outside a transaction; errors released with their connection', async () => {
    // every statement the storage's connections send, in order (the spy calls through)
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    const sent = () => spy.mock.calls.map((c) => (typeof c[0] === 'string' ? c[0] : String(c[0])));
    try {
      await s.write((c) => c.run('INSERT INTO things (name, n) VALUES (?, ?)', ['row', 1_700_000_000_123]));
      spy.mockClear();
      expect(await s.readRow('SELECT id, name, n FROM things WHERE name = ?', ['row'])).toEqual({
        id: expect.any(Number),
        name: 'row',
        n: 1_700_000_000_123,
      });
      expect(sent()).toEqual(['SELECT id, name, n FROM things WHERE name = $1']);
      spy.mockClear();
      await s.read((c) => c.get('SELECT id FROM things WHERE name = ?', ['row']));
      expect(sent()).toEqual([
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        'SELECT id FROM things WHERE name = $1',
        'COMMIT',
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(await s.readRow('SELECT id FROM things WHERE name = ?', ['none'])).toBeUndefined();
    // more failures than the pool has connections: each one's connection went back (or was dropped), none leaked
    for (let i = 0; i < DEFAULT_POOL_SIZE + 2; i++) {
      await expect(s.readRow('SELECT nope FROM things')).rejects.toThrow(/column "nope" does not exist/);
    }
    expect(await s.readRow<{ n: number }>('SELECT COUNT(*) AS n FROM things WHERE name = ?', ['row'])).toEqual({
      n: 1,
    });
  });

  it('refuses a statement on a connection whose transaction has ended', async () => {
    let leaked: import('./storage.ts').SqlConnection | undefined;
    await s.write(async (c) => {
      leaked = c;
    });
    await expect(leaked!.get('SELECT 1')).rejects.toThrow(/after its transaction ended/);
  });

  it('reads one snapshot across statements while another replica commits', async () => {
    const other = await PostgresStorage.open(cluster.url, {
      schema: (await s.read((c) => c.get<{ s: string }>('SELECT current_schema() AS s')))!.s,
    });
    opened.push(other);
    const counts = await s.read(async (c) => {
      const first = (await c.get<{ n: number }>('SELECT COUNT(*) AS n FROM things'))!.n;
      await other.write((w) => w.run('INSERT INTO things (name) VALUES (?)', ['concurrent']));
      const second = (await c.get<{ n: number }>('SELECT COUNT(*) AS n FROM things'))!.n;
      return [first, second];
    });
    expect(counts[1]).toBe(counts[0]);
    const now = (await s.read((c) => c.get<{ n: number }>('SELECT COUNT(*) AS n FROM things')))!.n;
    expect(now).toBe(counts[0] + 1);
    await expect(s.read((c) => c.run('INSERT INTO things (name) VALUES (?)', ['read only']))).rejects.toThrow(
      /read-only transaction/,
    );
  });
});

describe('locks across replicas', () => {
  async function counterReplicas(): Promise<[PostgresStorage, PostgresStorage]> {
    const schema = freshSchemaName();
    const a = await open(schema);
    const b = await open(schema);
    await a.write(async (c) => {
      await c.run('CREATE TABLE counter (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)');
      await c.run('INSERT INTO counter VALUES (1, 0)');
    });
    return [a, b];
  }

  /** Read, wait a little (so that unserialised transactions would interleave), write back plus one. */
  const increment = async (c: import('./storage.ts').SqlConnection) => {
    const { value } = (await c.get<{ value: number }>('SELECT value FROM counter WHERE id = 1'))!;
    await sleep(2);
    await c.run('UPDATE counter SET value = ? WHERE id = 1', [value + 1]);
  };
  const value = async (s: PostgresStorage) =>
    (await s.read((c) => c.get<{ value: number }>('SELECT value FROM counter WHERE id = 1')))!.value;

  it('loses updates without a lock (the test would see it)', async () => {
    const [a] = await counterReplicas();
    const schema = (await a.read((c) => c.get<{ s: string }>('SELECT current_schema() AS s')))!.s;
    const raw = new pg.Pool({ connectionString: cluster.url, options: `-c search_path=${schema}`, max: 10 });
    try {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const client = await raw.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query<{ value: string }>('SELECT value FROM counter WHERE id = 1');
            await sleep(50);
            await client.query('UPDATE counter SET value = $1 WHERE id = 1', [Number(rows[0].value) + 1]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
    } finally {
      await raw.end();
    }
    expect(await value(a)).toBeLessThan(10);
  });

  it('serialises 50 increments of one experiment from two replicas', async () => {
    const [a, b] = await counterReplicas();
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).write(increment, 7)));
    expect(await value(a)).toBe(50);
  });

  it('serialises 50 increments without an experiment (the global lock) from two replicas', async () => {
    const [a, b] = await counterReplicas();
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).write(increment)));
    expect(await value(a)).toBe(50);
  });

  it('runs another experiment beside a long transaction, and the same experiment after it', async () => {
    const [a, b] = await counterReplicas();
    const finished: string[] = [];
    const inside = deferred();
    const long = a
      .write(async (c) => {
        await c.get('SELECT 1');
        inside.resolve();
        await sleep(700);
      }, 7)
      .then(() => finished.push('7 long'));
    await inside.promise;
    const started = Date.now();
    const same = b.write((c) => c.get('SELECT 1'), 7).then(() => finished.push('7 short'));
    const other = b.write((c) => c.get('SELECT 1'), 8).then(() => finished.push('8'));
    const global = b.write((c) => c.get('SELECT 1')).then(() => finished.push('global'));
    await other;
    expect(Date.now() - started).toBeLessThan(400);
    await Promise.all([long, same, global]);
    expect(finished.indexOf('8')).toBeLessThan(finished.indexOf('7 long'));
    expect(finished.indexOf('global')).toBeLessThan(finished.indexOf('7 long'));
    expect(finished.indexOf('7 long')).toBeLessThan(finished.indexOf('7 short'));
  });

  it('runs a transaction again when PostgreSQL aborts it for a deadlock', async () => {
    const [a, b] = await counterReplicas();
    await a.write((c) => c.run('INSERT INTO counter VALUES (2, 0)'));
    let attempts = 0;
    const bothHoldOne = { count: 0, ready: deferred() };
    // experiment 1 locks row 1 then row 2, experiment 2 row 2 then row 1: on the first attempts, a deadlock
    const crossed = (first: number, second: number) => async (c: import('./storage.ts').SqlConnection) => {
      const attempt = ++attempts;
      await c.run('UPDATE counter SET value = value + 1 WHERE id = ?', [first]);
      if (attempt <= 2) {
        if (++bothHoldOne.count === 2) bothHoldOne.ready.resolve();
        await bothHoldOne.ready.promise;
      }
      await c.run('UPDATE counter SET value = value + 1 WHERE id = ?', [second]);
    };
    await Promise.all([a.write(crossed(1, 2), 1), b.write(crossed(2, 1), 2)]);
    expect(attempts).toBe(3);
    const rows = await a.read((c) => c.all<{ id: number; value: number }>('SELECT id, value FROM counter ORDER BY id'));
    expect(rows).toEqual([
      { id: 1, value: 2 },
      { id: 2, value: 2 },
    ]);
  });

  it('never lets two replicas compute the same experiment at once', async () => {
    const schema = freshSchemaName();
    const replicas = [await open(schema), await open(schema)];
    const spans: { who: number; enter: number; leave: number }[] = [];
    let inside = 0;
    let overlapped = false;
    await Promise.all(
      replicas.flatMap((s, who) =>
        Array.from({ length: 6 }, () =>
          s.exclusive(7, async () => {
            if (++inside > 1) overlapped = true;
            const enter = performance.now();
            await sleep(15);
            spans.push({ who, enter, leave: performance.now() });
            inside--;
          }),
        ),
      ),
    );
    expect(overlapped).toBe(false);
    spans.sort((x, y) => x.enter - y.enter);
    expect(spans).toHaveLength(12);
    expect(new Set(spans.map((x) => x.who)).size).toBe(2);
    for (let i = 1; i < spans.length; i++) expect(spans[i].enter).toBeGreaterThanOrEqual(spans[i - 1].leave);

    // another experiment is computed meanwhile, and a transaction of experiment 7 is not held up
    const release = deferred();
    const held = replicas[0].exclusive(7, () => release.promise);
    await sleep(50);
    const t0 = Date.now();
    expect(await replicas[1].exclusive(8, async () => 'eight')).toBe('eight');
    expect(await replicas[1].write(async () => 'write 7', 7)).toBe('write 7');
    expect(Date.now() - t0).toBeLessThan(500);
    release.resolve();
    await held;
  });

  it("frees a replica's lock when its session is killed", async () => {
    const schema = freshSchemaName();
    const [a, b] = [await open(schema), await open(schema)];
    const aInside = deferred();
    const aRelease = deferred();
    const aDone = a.exclusive(7, async () => {
      aInside.resolve();
      await aRelease.promise;
      return 'a finished';
    });
    await aInside.promise;
    let bEntered = false;
    const bDone = b.exclusive(7, async () => {
      bEntered = true;
      return 'b finished';
    });
    await sleep(200);
    expect(bEntered).toBe(false);

    const holders = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()`,
    );
    expect(holders.rows).toHaveLength(1);
    const waiting = await admin.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
    expect(waiting.rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [holders.rows[0].pid]);

    expect(await bDone).toBe('b finished'); // while a's fn still runs
    expect(bEntered).toBe(true);
    aRelease.resolve();
    expect(await aDone).toBe('a finished'); // its unlock fails quietly: the lock went with the session

    // both replicas go on working: a's broken connection was dropped, not reused
    expect(await a.exclusive(7, async () => 'again')).toBe('again');
    expect(await a.write(async (c) => c.get<{ x: number }>('SELECT 1 AS x'), 7)).toEqual({ x: 1 });
  });

  it("describes the database's failures, not the caller's", async () => {
    const s = await open(freshSchemaName(), 1);
    const killed = await s
      .write(async (c) => {
        const { pid } = (await c.get<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!;
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await sleep(100);
        await c.get('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(s.describeError(killed)).toMatch(
      new RegExp(`^database ${cluster.url.replace(/[.]/g, '\\.')}: the server ended the connection .*57P01`),
    );
    expect(s.describeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toMatch(/cannot reach the server/);
    expect(s.describeError(Object.assign(new Error('no space'), { code: '53100' }))).toMatch(/disk is full/);
    expect(s.describeError(Object.assign(new Error('bad'), { code: '42601' }))).toBeNull();
    expect(s.describeError(new Error('plain'))).toBeNull();
    // the pool of one replaced the killed connection
    expect(await s.read((c) => c.get<{ x: number }>('SELECT 1 AS x'))).toEqual({ x: 1 });
  });
});
