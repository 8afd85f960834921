/**
 * API token administration.
 *   npx nx run server:token -- --db FILE create [--name NAME]   prints a new token (shown once)
 *   npx nx run server:token -- --db FILE list                   ids, names, creation, revoked
 *   npx nx run server:token -- --db FILE revoke ID              ID = the part before the dot
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../database.ts';
import { createToken, listTokens, revokeToken } from '../tokens.ts';

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

const USAGE = 'usage: token --db FILE create [--name NAME] | list | revoke ID';

function main(): void {
  let parsed: ReturnType<typeof parseArgs<{ options: { db: { type: 'string' }; name: { type: 'string' } }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ options: { db: { type: 'string' }, name: { type: 'string' } }, allowPositionals: true, strict: true });
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
        process.stdout.write(`${token}\n`);
        break;
      }
      case 'list':
        for (const t of listTokens(db)) {
          process.stdout.write(`${t.id}\t${t.name ?? ''}\t${new Date(t.created * 1000).toISOString()}${t.revoked ? '\trevoked' : ''}\n`);
        }
        break;
      case 'revoke':
        if (!arg) fail(`revoke needs a token id\n${USAGE}`);
        if (!revokeToken(db, arg.split('.')[0])) fail(`no active token with id ${JSON.stringify(arg)}`);
        process.stdout.write(`revoked ${arg.split('.')[0]}\n`);
        break;
      default:
        fail(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
    }
  } finally {
    db.close();
  }
}

main();
