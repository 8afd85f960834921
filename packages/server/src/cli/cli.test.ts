import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, basic } from '../../test/harness.ts';
import { buildServer } from '../app.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { authenticate, verifyToken } from '../tokens.ts';
import { tokenCli } from './token.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pb-server-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await tokenCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('token CLI', () => {
  it('as a process: prints a token that verifies against the file', async () => {
    const db = path.join(dir, 'process.db');
    const token = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/token.ts', '--db', db, 'create', '--name', 'ci'],
      {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
      },
    ).trim();
    expect(token).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const handle = SqliteStorage.open(db);
    expect(await verifyToken(handle, token)).toBe(token.split('.')[0]);
    await handle.close();
  });

  it('creates, lists (without secrets) and revokes', async () => {
    const db = path.join(dir, 'tokens.db');
    const created = await cli(['--db', db, 'create', '--name', 'alice']);
    expect(created.code).toBe(0);
    const token = created.out.trim();
    const id = token.split('.')[0];
    const list = await cli(['--db', db, 'list']);
    expect(list.out).toContain(`${id}\talice\t`);
    expect(list.out).not.toContain(token.split('.')[1]);
    expect((await cli(['--db', db, 'revoke', id])).code).toBe(0);
    const handle = SqliteStorage.open(db);
    expect(await verifyToken(handle, token)).toBeNull();
    await handle.close();
    expect((await cli(['--db', db, 'list'])).out).toContain('revoked');
  });

  it('exits 2 with a message naming what is wrong', async () => {
    const noDb = await cli(['create']);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toContain('--db');
    const bad = await cli(['--db', path.join(dir, 'x.db'), 'frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('frobnicate');
    const flag = await cli(['--db', path.join(dir, 'x.db'), 'create', '--colour', 'red']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--colour');
    const revoke = await cli(['--db', path.join(dir, 'x.db'), 'revoke', 'ffffffffffffffff']);
    expect(revoke.code).toBe(2);
    expect(revoke.err).toContain('ffffffffffffffff');
  });

  it('creates a client (and organization), tokens of it with named users, and lists them; the tokens share experiments', async () => {
    const db = path.join(dir, 'clients.db');
    const made = await cli(['--db', db, 'create-client', '--name', 'vision-team']);
    expect(made.code, made.err).toBe(0);
    const client = made.out.trim();
    expect(client).toMatch(/^[0-9a-f]{16}$/);
    const alice = (
      await cli(['--db', db, 'create', '--client', client, '--user', 'alice', '--name', 'alice-laptop'])
    ).out.trim();
    const bob = (await cli(['--db', db, 'create', '--client', client, '--user', 'bob'])).out.trim();
    const aliceAgain = (await cli(['--db', db, 'create', '--client', client, '--user', 'alice'])).out.trim();
    const loner = (await cli(['--db', db, 'create', '--name', 'loner'])).out.trim(); // no options: a client of its own
    const handle = SqliteStorage.open(db);
    const [a, b, a2, l] = (await Promise.all([alice, bob, aliceAgain, loner].map((t) => authenticate(handle, t)))).map(
      (c) => c!,
    );
    expect([a.client, b.client, a2.client]).toEqual([client, client, client]);
    expect(a2.user).toBe(a.user);
    expect(b.user).not.toBe(a.user);
    expect(l).toEqual({ token: l.token, client: l.token, user: l.token });
    // a second client in the same organization
    const org = (await cli(['--db', db, 'clients'])).out
      .split('\n')
      .find((line) => line.startsWith(client))!
      .split('\t')[1];
    const sibling = await cli(['--db', db, 'create-client', '--name', 'nlp-team', '--organization', org]);
    expect(sibling.code, sibling.err).toBe(0);
    const clients = (await cli(['--db', db, 'clients'])).out;
    expect(clients).toContain(`${client}\t${org}\tvision-team\t`);
    expect(clients).toContain(`${sibling.out.trim()}\t${org}\tnlp-team\t`);
    expect(clients).toContain(`${l.client}\t${l.client}\tloner\t`);
    const list = (await cli(['--db', db, 'list'])).out;
    expect(list).toContain(`${a.token}\talice-laptop\t`);
    expect(list).toMatch(new RegExp(`${a.token}\\t.*\\tclient ${client}\\tuser ${a.user} \\(alice\\)`));
    // alice's experiment is bob's to see, not the loner's
    const app = buildServer({ db: handle });
    const get = (url: string, token: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: basic(token) } }).then((r) => r.statusCode);
    const exp = await app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: { authorization: basic(alice), 'content-type': 'application/json' },
      payload: JSON.stringify({ parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }] }),
    });
    const id = (JSON.parse(exp.body) as { id: string }).id;
    expect(await get(`/v1/experiments/${id}`, bob)).toBe(200);
    expect(await get(`/v1/experiments/${id}`, loner)).toBe(404);
    await app.close();
    await handle.close();
    // errors: an unknown client or organization, options a command does not take
    const unknown = await cli(['--db', db, 'create', '--client', 'ffffffffffffffff']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no client with id "ffffffffffffffff"');
    const noOrg = await cli(['--db', db, 'create-client', '--organization', 'nope']);
    expect(noOrg.code).toBe(2);
    expect(noOrg.err).toContain('no organization with id "nope"');
    const misplaced = await cli(['--db', db, 'list', '--client', client]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toContain('list takes no --client');
  });
});

describe('serve CLI flags', () => {
  it('--max-batch outside [1, 1024] exits 2 naming the flag; a valid one starts the server', async () => {
    let failed: { status: number | null; stderr: string } | null = null;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/serve.ts', '--db', ':memory:', '--max-batch', '0'], {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PARETOBENCH_SERVE_UNSUPERVISED: '1' },
      });
    } catch (e) {
      failed = e as { status: number | null; stderr: string };
    }
    expect(failed?.status).toBe(2);
    expect(failed?.stderr).toContain('--max-batch must be an integer in [1, 1024], got "0"');
    const { spawnServer } = await import('../child-server.ts');
    const server = await spawnServer(':memory:', ['--max-batch', '4']);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    await server.stop();
  });
});

describe('loadtest CLI flags', () => {
  it('a wrong flag exits 2 with one line naming it, before any server starts', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/loadtest.ts', ...args], {
          cwd: PACKAGE_DIR,
          encoding: 'utf8',
          stdio: 'pipe',
        });
        return { code: 0, err: '' };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, err: err.stderr };
      }
    };
    for (const [args, message] of [
      [['--hepl'], /^loadtest: Unknown option '--hepl'\n$/],
      [['--phases', 'load,nothing'], /^loadtest: --phases: a comma-separated subset of load,kill,hostile/],
      [['--method', 'cma'], /^loadtest: --method must be mobo, random or sobol/],
      [['--max-batch', '0'], /^loadtest: --max-batch must be an integer in \[1, 1024\]/],
      [['--suggest-workers', '2x'], /^loadtest: --suggest-workers must be an integer in \[0, 64\]/],
      [['--clients', '0'], /^loadtest: --clients must be an integer in \[1, 256\]/],
      [['--replicas', '3'], /^loadtest: --replicas needs --postgres/],
      [['--postgres', 'file.db', '--phases', 'load'], /^loadtest: --postgres must be a postgres:\/\/user@host/],
      [['--postgres', 'postgres://u@h:1/d'], /^loadtest: --postgres runs the load phase only/],
    ] as const) {
      const r = run([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const help = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/loadtest.ts', '--help'], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
    });
    expect(help).toMatch(/^usage: tsx packages\/server\/src\/cli\/loadtest.ts \[--clients 32\]/);
  }, 60_000);
});
