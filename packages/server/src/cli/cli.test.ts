import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from '../../test/harness.ts';
import { openDatabase } from '../database.ts';
import { verifyToken } from '../tokens.ts';
import { tokenCli } from './token.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pb-server-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = tokenCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('token CLI', () => {
  it('as a process: prints a token that verifies against the file', () => {
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
    const handle = openDatabase(db);
    expect(verifyToken(handle, token)).toBe(token.split('.')[0]);
    handle.close();
  });

  it('creates, lists (without secrets) and revokes', () => {
    const db = path.join(dir, 'tokens.db');
    const created = cli(['--db', db, 'create', '--name', 'alice']);
    expect(created.code).toBe(0);
    const token = created.out.trim();
    const id = token.split('.')[0];
    const list = cli(['--db', db, 'list']);
    expect(list.out).toContain(`${id}\talice\t`);
    expect(list.out).not.toContain(token.split('.')[1]);
    expect(cli(['--db', db, 'revoke', id]).code).toBe(0);
    const handle = openDatabase(db);
    expect(verifyToken(handle, token)).toBeNull();
    handle.close();
    expect(cli(['--db', db, 'list']).out).toContain('revoked');
  });

  it('exits 2 with a message naming what is wrong', () => {
    const noDb = cli(['create']);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toContain('--db');
    const bad = cli(['--db', path.join(dir, 'x.db'), 'frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('frobnicate');
    const flag = cli(['--db', path.join(dir, 'x.db'), 'create', '--colour', 'red']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('--colour');
    const revoke = cli(['--db', path.join(dir, 'x.db'), 'revoke', 'ffffffffffffffff']);
    expect(revoke.code).toBe(2);
    expect(revoke.err).toContain('ffffffffffffffff');
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
