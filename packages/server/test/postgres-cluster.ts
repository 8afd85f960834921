/**
 * A throw-away PostgreSQL server for tests: a new cluster (initdb) in a fresh temporary directory, listening on
 * 127.0.0.1 at a free port with trust authentication for local connections, stopped and deleted by stop().
 *
 * initdb and postgres refuse to run as root; as root, the directory is given to the `postgres` user and the binaries run
 * as that user (runuser). fsync stays on: the durability tests kill servers and expect acknowledged writes to be there.
 * Tests isolate themselves in schemas of their own (freshSchemaName, PostgresStorage's `schema` option), so one cluster
 * can serve every test file.
 *
 * Run as a program (`npx tsx packages/server/test/postgres-cluster.ts`), it starts one, prints its URL, and stops and
 * deletes it on Ctrl-C or SIGTERM: a database for the load test's `--postgres` or a hand-run replica set.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** The temporary directory (data directory, socket, log). */
  dir: string;
  /** Stops the server at once (pg_ctl stop -m immediate) and deletes the directory; idempotent. */
  stop(): Promise<void>;
}

/** A schema name nobody else uses, valid unquoted (PostgresStorage.open's `schema`). */
export function freshSchemaName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-postgres-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const owner = process.getuid?.() === 0 ? postgresUser() : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  // as root: runuser -u postgres -- <binary> ...; the working directory is one the postgres user can enter
  const exec = (binary: string, args: string[]) =>
    owner
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, binary), ...args], { cwd: dir })
      : run(path.join(bin, binary), args, { cwd: dir });

  let started = false;
  const stop = async () => {
    process.off('exit', stopAtExit);
    if (started) {
      started = false;
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // a test process exiting without stop() (a crash, a forgotten afterAll) leaves no server running
  const stopAtExit = () => {
    if (!started) return;
    try {
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      if (owner) execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...args], { cwd: dir });
      else execFileSync(path.join(bin, 'pg_ctl'), args, { cwd: dir });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // --no-sync: initdb's own files need not reach the disk (a test cluster never outlives the machine's uptime)
    await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed in ${dir}: ${commandOutput(err)}`, { cause: err });
  }
  process.on('exit', stopAtExit);
  // Appended settings override initdb's. The default pg_hba.conf only lists local connections (the socket,
  // 127.0.0.1, ::1), all trusted by --auth=trust; the server listens on 127.0.0.1 only.
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    [
      '',
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'fsync = on',
      'synchronous_commit = on',
      'shared_buffers = 32MB',
      'max_connections = 200',
      "log_min_messages = 'warning'",
      '',
    ].join('\n'),
  );

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort(); // another process may take it before the server does: then try another
    try {
      await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
      started = true;
      return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop };
    } catch (err) {
      lastError = err;
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
  }
  const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
  await stop();
  throw new Error(`pg_ctl start failed: ${commandOutput(lastError)}\n${serverLog}`, { cause: lastError });
}

/** The directory holding initdb, pg_ctl and postgres: initdb's on PATH (symlinks resolved), else Debian's or RHEL's. */
function postgresBinDir(): string {
  const candidates: string[] = [];
  for (const entry of (process.env.PATH ?? '').split(path.delimiter)) {
    if (entry && existsSync(path.join(entry, 'initdb')))
      candidates.push(path.dirname(realpathSync(path.join(entry, 'initdb'))));
  }
  for (const [root, pattern] of [
    ['/usr/lib/postgresql', /^\d+$/],
    ['/usr', /^pgsql-\d+$/],
  ] as const) {
    const versions = existsSync(root) ? readdirSync(root).filter((v) => pattern.test(v)) : [];
    versions.sort((a, b) => Number(b.replace(/\D/g, '')) - Number(a.replace(/\D/g, '')));
    for (const v of versions) candidates.push(path.join(root, v, 'bin'));
  }
  const found = candidates.find((d) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(path.join(d, b))));
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH nor in /usr/lib/postgresql/*/bin: ' +
        'the PostgreSQL tests need them; install them with `apt-get install postgresql`',
    );
  }
  return found;
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (err) {
    throw new Error(
      'running as root, and there is no `postgres` user to run initdb and postgres as (they refuse root): ' +
        'create one, or install PostgreSQL with `apt-get install postgresql`, which does',
      { cause: err },
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function commandOutput(err: unknown): string {
  const e = err as { message?: string; stderr?: string; stdout?: string };
  return [e.message, e.stderr, e.stdout].filter(Boolean).join('\n').trim();
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(new URL(import.meta.url).pathname)) {
  const cluster = await startPostgresCluster();
  process.stdout.write(`${cluster.url}\n`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}
