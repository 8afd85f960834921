/**
 * Runs serve.ts as a child process on a database file: used by the durability test and the load
 * benchmark to kill -9 a real server. The child is a single node process (`node --import tsx`, no
 * tsx wrapper process, and no watcher process: PARETOBENCH_SERVE_UNSUPERVISED=1), so SIGKILL hits the server itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'cli', 'serve.ts');

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function spawnServer(dbFile: string, extraArgs: string[] = []): Promise<ChildServer> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', SERVE, '--port', '0', '--host', '127.0.0.1', '--db', dbFile, ...extraArgs],
    {
      cwd: path.dirname(SERVE),
      // the server itself, not the watcher that reports its fatal signals (serve.ts), so SIGKILL hits the server
      env: { ...process.env, PARETOBENCH_SERVE_UNSUPERVISED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start within 30 s: ${out}${err}`));
    }, 30_000);
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        proc,
        url: m[1],
        async kill9() {
          proc.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
        },
      });
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}
