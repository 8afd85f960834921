/**
 * API token administration.
 *   npx nx run server:token -- --db FILE create [--name NAME]   prints a new token (shown once)
 *   npx nx run server:token -- --db FILE list                   ids, names, creation, revoked
 *   npx nx run server:token -- --db FILE revoke ID              ID = the part before the dot
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StorageError, openDatabase } from '../database.ts';
import { createToken, listTokens, revokeToken } from '../tokens.ts';

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

const USAGE = 'usage: token --db FILE create [--name NAME] | list | revoke ID  [--verbose: stack traces of errors]';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the token command; returns the exit code (0 ok, 1 the database cannot be used or an internal error, 2 usage). */
export function tokenCli(argv: string[], io: CliIo): number {
  try {
    run(argv, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`token: ${err.message}\n`);
      return 2;
    }
    // one line naming the file; the stack only on request
    const verbose = argv.includes('--verbose');
    if (err instanceof StorageError) io.err(`token: ${err.message}\n`);
    else io.err(`token: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (verbose && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return 1;
  }
}

function run(argv: string[], io: CliIo): void {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: { db: { type: 'string' }; name: { type: 'string' }; verbose: { type: 'boolean' } };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      options: { db: { type: 'string' }, name: { type: 'string' }, verbose: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (!values.db) fail(`--db FILE is required\n${USAGE}`);
  if (values.db === ':memory:') fail('--db must be a file: a token in an in-memory database would vanish on exit');
  const [command, arg] = positionals;
  const db = openDatabase(values.db);
  try {
    switch (command) {
      case 'create': {
        const { token } = createToken(db, values.name);
        io.out(`${token}\n`);
        break;
      }
      case 'list':
        for (const t of listTokens(db)) {
          io.out(
            `${t.id}\t${t.name ?? ''}\t${new Date(t.created * 1000).toISOString()}${t.revoked ? '\trevoked' : ''}\n`,
          );
        }
        break;
      case 'revoke':
        if (!arg) fail(`revoke needs a token id\n${USAGE}`);
        if (!revokeToken(db, arg.split('.')[0])) fail(`no active token with id ${JSON.stringify(arg)}`);
        io.out(`revoked ${arg.split('.')[0]}\n`);
        break;
      default:
        fail(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
    }
  } finally {
    db.close();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = tokenCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}
