/**
 * A database that cannot be used is reported in one line naming the file (no stack unless --verbose), by the token
 * CLI and by serve; a server killed by SIGBUS (its -shm file truncated under it) is reported by serve's watcher.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, basic } from '../../test/harness.ts';
import { tokenCli } from './token.ts';
import { openDatabase } from '../database.ts';

const execFileP = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'pb-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await tokenCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

async function run(file: string, args: string[]) {
  return execFileP(process.execPath, ['--import', 'tsx', file, ...args], { cwd: PACKAGE_DIR }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('token CLI on an unusable database', () => {
  it('names the file and the reason in one line, exit 1; the stack only with --verbose', async () => {
    const missing = path.join(dir, 'missing', 'x.db');
    const r = await cli(['--db', missing, 'create']);
    expect(r).toEqual({ code: 1, out: '', err: `token: database ${missing}: its directory does not exist\n` });
    const v = await cli(['--db', missing, 'create', '--verbose']);
    expect(v.err.split('\n')[0]).toBe(`token: database ${missing}: its directory does not exist`);
    expect(v.err).toMatch(/\n\s+at /);

    const junk = path.join(dir, 'junk.db');
    writeFileSync(junk, 'not a database '.repeat(100));
    expect((await cli(['--db', junk, 'list'])).err).toBe(
      `token: database ${junk}: is not a SQLite database (file is not a database)\n`,
    );
    expect((await cli(['--db', dir, 'list'])).err).toMatch(
      new RegExp(`^token: database ${dir}: cannot be opened .*\\n$`),
    );
  });

  it('as a process: no stack trace', async () => {
    const missing = path.join(dir, 'nope', 'x.db');
    const r = await run('src/cli/token.ts', ['--db', missing, 'create']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`token: database ${missing}: its directory does not exist\n`);
  });
});

/** Whether this machine lets us make a file immutable (root on a file system with attributes): read-only for SQLite. */
function immutable(file: string): boolean {
  return spawnSync('chattr', ['+i', file]).status === 0;
}

describe('a read-only database file', () => {
  const db = path.join(dir, 'ro.db');
  openDatabase(db).close(); // a database file with the schema
  const canTest = immutable(db);
  afterAll(() => {
    if (canTest) spawnSync('chattr', ['-i', db]);
  });
  it.skipIf(!canTest)(
    'is named as read-only at open by token and serve, not on the first write',
    async () => {
      const reason = 'is read-only (attempt to write a readonly database): the file and its directory must be writable';
      expect((await cli(['--db', db, 'list'])).err).toMatch(
        new RegExp(`^token: database ${db}: ${reason.replace(/[()]/g, '\\$&')}`),
      );
      const r = await run('src/cli/serve.ts', ['--port', '0', '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toContain(`serve: database ${db}: ${reason}`);
    },
    30_000,
  );
});

describe('serve', () => {
  it('refuses a file that is not a database in one line naming it, exit 1', async () => {
    const junk = path.join(dir, 'junk2.db');
    writeFileSync(junk, 'not a database '.repeat(100));
    const r = await run('src/cli/serve.ts', ['--port', '0', '--db', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`serve: database ${junk}: is not a SQLite database (file is not a database)\n`);
    const m = await run('src/cli/serve.ts', ['--port', '0', '--db', path.join(dir, 'no', 'x.db')]);
    expect(m.stderr).toBe(`serve: database ${path.join(dir, 'no', 'x.db')}: its directory does not exist\n`);
  }, 30_000);

  it('reports a server killed by SIGBUS after its -shm file was truncated, naming the file', async () => {
    const db = path.join(dir, 'bus.db');
    const token = (await cli(['--db', db, 'create'])).out.trim();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/serve.ts', '--port', '0', '--db', db], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      proc.once('exit', () => reject(new Error(`server exited: ${err}`)));
    });
    const get = () => fetch(`${url}/v1/experiments`, { headers: { authorization: basic(token) } });
    expect((await get()).status).toBe(200);
    truncateSync(`${db}-shm`, 0);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await get().catch(() => null); // the server dies answering it
    expect(await exited).toBe(1);
    expect(err).toMatch(
      new RegExp(
        `^serve: fatal: the server process \\(pid \\d+\\) was killed by SIGBUS: SQLite's shared-memory file ${db}-shm was truncated`,
      ),
    );
    expect(err.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});
