/**
 * Starts the SigOpt-compatible REST server.
 *   npx nx run server:serve -- --port 8080 --db FILE [--host 127.0.0.1] [--body-limit BYTES]
 *                                 [--suggest-workers N]   (threads running suggest(); default 1, 0 = inline)
 * Prints one line "listening on http://HOST:PORT" once ready (port 0 picks a free port).
 */
import { parseArgs } from 'node:util';
import { buildServer, DEFAULT_BODY_LIMIT } from '../app.ts';

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
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(
      'usage: serve --db FILE|:memory: [--port 8080] [--host 127.0.0.1] [--body-limit BYTES] [--suggest-workers N (default 1; 0 = inline)] [--log]\n',
    );
    return;
  }
  const db = values.db as string | undefined;
  if (!db) fail('--db FILE is required (a SQLite file, created if missing; ":memory:" for a throwaway one)');
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
  const app = buildServer({ db, bodyLimit, logger: values.log === true, suggestWorkers });
  const address = await app.listen({ port, host });
  process.stdout.write(`listening on ${address} (db ${db})\n`);
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
