/**
 * The real SigOpt-compatible service for benchmark tests, started through its CLI as a separate process (no import
 * of the server package): a fresh database in `dir`, one token, the URL it listens on.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const SERVER_CLI = path.join(ROOT, 'packages/server/src/cli');
const run = promisify(execFile);

export interface Service {
  url: string;
  token: string;
  process: ChildProcess;
  stop(): void;
}

export async function startService(dir: string): Promise<Service> {
  const db = path.join(dir, 'srv.db');
  const token = (
    await run(process.execPath, ['--import', 'tsx', path.join(SERVER_CLI, 'token.ts'), '--db', db, 'create'], {
      cwd: ROOT,
    })
  ).stdout.trim();
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(SERVER_CLI, 'serve.ts'), '--db', db, '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
  return { url, token, process: server, stop: () => server.kill() };
}
