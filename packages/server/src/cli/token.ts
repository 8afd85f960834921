/**
 * API token, client and organization administration.
 *   npx nx run server:token -- --db FILE create [--name NAME]   prints a new token (shown once) of a new client (and
 *                                                               organization and user) of its own
 *     ... create --client ID [--user USER] [--name NAME]        a token of an existing client: it sees and changes that
 *                                                               client's experiments; --user USER: the user of that name
 *                                                               in the client's organization (made if missing), else a
 *                                                               new user
 *   npx nx run server:token -- --db FILE create-client [--name NAME] [--organization ORG]
 *                                                               prints a new client's id (in a new organization, or ORG)
 *   npx nx run server:token -- --db FILE clients                client ids, organizations, names, creation
 *   npx nx run server:token -- --db FILE list                   token ids, names, creation, client, user, revoked
 *   npx nx run server:token -- --db FILE revoke ID              ID = the part before the dot
 * FILE is the server's SQLite file; a postgres:// URL names its PostgreSQL database instead.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StorageError } from '../database.ts';
import { isPostgresUrl, openStorage } from '../storage/open.ts';
import {
  NotFoundError,
  clientRecord,
  createClient,
  createToken,
  listClients,
  listTokens,
  revokeToken,
} from '../tokens.ts';

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

const USAGE =
  'usage: token --db FILE|postgres://URL create [--name NAME] [--client ID] [--user USER] | create-client [--name NAME] ' +
  '[--organization ORG] | clients | list | revoke ID  [--verbose: stack traces of errors]';

const OPTIONS = {
  db: { type: 'string' },
  name: { type: 'string' },
  client: { type: 'string' },
  user: { type: 'string' },
  organization: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** The options each command takes (besides --db and --verbose). */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  create: ['name', 'client', 'user'],
  'create-client': ['name', 'organization'],
  clients: [],
  list: [],
  revoke: [],
};

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the token command; returns the exit code (0 ok, 1 the database cannot be used or an internal error, 2 usage). */
export async function tokenCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`token: ${err.message}\n`);
      return 2;
    }
    // one line naming the file; the stack only on request
    const verbose = argv.includes('--verbose');
    if (err instanceof StorageError || err instanceof DatabaseUnavailable) io.err(`token: ${err.message}\n`);
    else io.err(`token: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (verbose && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return 1;
  }
}

/** A database that cannot be opened (PostgreSQL: unreachable, refused, missing). */
class DatabaseUnavailable extends Error {}

async function run(argv: string[], io: CliIo): Promise<void> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (!values.db) fail(`--db FILE is required\n${USAGE}`);
  if (values.db === ':memory:') fail('--db must be a file: a token in an in-memory database would vanish on exit');
  const [command, arg] = positionals;
  const allowed = COMMAND_OPTIONS[command ?? ''];
  if (allowed === undefined) fail(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
  for (const option of ['name', 'client', 'user', 'organization'] as const) {
    if (values[option] !== undefined && !allowed.includes(option)) fail(`${command} takes no --${option}\n${USAGE}`);
  }
  let db;
  try {
    db = await openStorage(values.db);
  } catch (err) {
    if (isPostgresUrl(values.db)) throw new DatabaseUnavailable((err as Error).message, { cause: err });
    throw err;
  }
  try {
    switch (command) {
      case 'create': {
        const client = values.client;
        if (client !== undefined && !(await db.read((c) => clientRecord(c, client)))) {
          fail(`no client with id ${JSON.stringify(values.client)} (see the clients command)`);
        }
        const { token } = await createToken(db, values.name, { client: values.client, user: values.user });
        io.out(`${token}\n`);
        break;
      }
      case 'create-client': {
        try {
          io.out(`${(await createClient(db, { name: values.name, organization: values.organization })).id}\n`);
        } catch (err) {
          if (err instanceof NotFoundError) fail(err.message);
          throw err;
        }
        break;
      }
      case 'clients':
        for (const c of await listClients(db)) {
          io.out(`${c.id}\t${c.organization}\t${c.name ?? ''}\t${new Date(c.created * 1000).toISOString()}\n`);
        }
        break;
      case 'list':
        for (const t of await listTokens(db)) {
          const user = t.user_name === null ? t.user : `${t.user} (${t.user_name})`;
          io.out(
            `${t.id}\t${t.name ?? ''}\t${new Date(t.created * 1000).toISOString()}\tclient ${t.client}\tuser ${user}` +
              `${t.revoked ? '\trevoked' : ''}\n`,
          );
        }
        break;
      case 'revoke':
        if (!arg) fail(`revoke needs a token id\n${USAGE}`);
        if (!(await revokeToken(db, arg.split('.')[0]))) fail(`no active token with id ${JSON.stringify(arg)}`);
        io.out(`revoked ${arg.split('.')[0]}\n`);
        break;
    }
  } finally {
    await db.close();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await tokenCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}
