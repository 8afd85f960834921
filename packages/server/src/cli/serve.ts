/**
 * Starts the SigOpt-compatible REST server.
 *   npx nx run server:serve -- --port 8080 --db FILE [--host 127.0.0.1] [--body-limit BYTES]
 *                                 [--suggest-workers N]   (threads running suggest(); default 1, 0 = inline)
 *                                 [--max-batch N]   (waiting suggestion requests answered together; default 32)
 *                                 [--log] [--verbose]
 * Prints one line "listening on http://HOST:PORT" once ready (port 0 picks a free port).
 *
 * The server runs in a child process watched by this one. SQLite maps the database's `-shm` file into memory: if that
 * file is truncated, removed or cannot be extended (disk full) under a running server, the next access kills the
 * process with SIGBUS, which no JavaScript handler can catch. The watcher reports it (naming the file) and exits 1.
 * Signals are passed on to the server, and the server exits if the watcher disappears.
 * PARETOBENCH_SERVE_UNSUPERVISED=1 runs the server in this process (test harnesses that kill -9 the server itself).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServer, DEFAULT_BODY_LIMIT } from '../app.ts';
import { StorageError } from '../database.ts';
import { isPostgresUrl, openStorage } from '../storage/open.ts';
import { DEFAULT_MAX_BATCH } from '../service.ts';

const SERVER_ENV = 'PARETOBENCH_SERVE_CHILD';

function fail(message: string): never {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(2);
}

function intFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    fail(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        'body-limit': { type: 'string' },
        'suggest-workers': { type: 'string' },
        'max-batch': { type: 'string' },
        log: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(
      'usage: serve --db FILE|:memory:|postgres://URL [--port 8080] [--host 127.0.0.1] [--body-limit BYTES] [--suggest-workers N (default 1; 0 = inline)] [--max-batch N (default 32; 1 = one at a time)] [--log] [--verbose]\n',
    );
    return;
  }
  const db = values.db as string | undefined;
  if (!db)
    fail(
      '--db is required: a SQLite file (created if missing; ":memory:" for a throwaway one) or a postgres://user@host:port/database URL (replicas share it)',
    );
  const port = intFlag('port', values.port as string | undefined, 8080, 0, 65535);
  const bodyLimit = intFlag(
    'body-limit',
    values['body-limit'] as string | undefined,
    DEFAULT_BODY_LIMIT,
    1024,
    1 << 30,
  );
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const suggestWorkers = intFlag('suggest-workers', values['suggest-workers'] as string | undefined, 1, 0, 64);
  const maxBatch = intFlag('max-batch', values['max-batch'] as string | undefined, DEFAULT_MAX_BATCH, 1, 1024);
  let app;
  let storageName = db;
  try {
    const storage = await openStorage(db);
    storageName = storage.name; // a postgres URL without its password
    app = buildServer({ db: storage, bodyLimit, logger: values.log === true, suggestWorkers, maxBatch });
    app.addHook('onClose', () => storage.close());
  } catch (err) {
    if (err instanceof StorageError || isPostgresUrl(db)) {
      process.stderr.write(`serve: ${(err as Error).message}\n`);
      if (values.verbose) process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    }
    throw err;
  }
  const address = await app.listen({ port, host });
  process.stdout.write(`listening on ${address} (db ${storageName})\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return; // a terminal's Ctrl-C reaches both this process and its watcher, which passes it on
    stopping = true;
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  process.on('disconnect', () => process.exit(1)); // the watcher was killed
}

/** The value of `--db` in argv (for the watcher's messages), or null. */
function dbArg(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db') return argv[i + 1] ?? null;
    if (argv[i].startsWith('--db=')) return argv[i].slice(5);
  }
  return null;
}

function supervise(): void {
  const argv = process.argv.slice(2);
  const child = fork(fileURLToPath(import.meta.url), argv, {
    env: { ...process.env, [SERVER_ENV]: '1' },
    stdio: 'inherit',
  });
  let passedOn: NodeJS.Signals | null = null;
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(s, () => {
      passedOn = s;
      child.kill(s);
    });
  }
  child.on('exit', (code, signal) => {
    if (signal === null || signal === passedOn) process.exit(code ?? 0);
    const db = dbArg(argv) ?? '(the database)';
    const why =
      signal === 'SIGBUS'
        ? `: SQLite's shared-memory file ${db}-shm was truncated, removed or could not be extended (disk full?) ` +
          `while the server used it. Committed transactions are in ${db} and ${db}-wal; restart the server`
        : '';
    process.stderr.write(`serve: fatal: the server process (pid ${child.pid}) was killed by ${signal}${why}\n`);
    process.exit(1);
  });
}

const run = (): void => {
  main().catch((err: unknown) => {
    const verbose = process.argv.includes('--verbose');
    process.stderr.write(`serve: ${err instanceof Error ? err.message : String(err)}\n`);
    if (verbose && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
};

if (process.env[SERVER_ENV] === '1' || process.env.PARETOBENCH_SERVE_UNSUPERVISED === '1') run();
else supervise();
