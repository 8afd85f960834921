/**
 * Two runs on one --out, and a killed launcher: the journal is written by one coordinator at a time, and a
 * coordinator whose launcher dies stops (with its workers) instead of appending beside a restarted run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../src/journal/journal.ts';
import { processAlive } from '../src/journal/out-lock.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const TSX = path.resolve(PKG, '../../node_modules/.bin/tsx');
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '150', CI: '1' };
const studyArgs = (out: string) => [
  CLI,
  'rotten',
  '--preset',
  'smoke',
  '--trainer',
  'fake',
  '--workers',
  '2',
  '--out',
  out,
];

function finished(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one run per output directory', () => {
  it('a second run started at the same time exits 2 naming the holder; the journal has every trial once', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-twice-'));
    const start = () =>
      spawn(process.execPath, ['--import', 'tsx', ...studyArgs(out)], {
        cwd: PKG,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    const [a, b] = await Promise.all([finished(start()), finished(start())]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(/is in use by pid \d+ on .* since .*; wait for it, stop it, or use another --out/);
    expect(loser.stderr.trim().split('\n')).toHaveLength(1);
    const j = readJournal(path.join(out, 'trials.jsonl')); // throws on a duplicate trial
    expect(j.trials).toHaveLength(19);
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(false);
  }, 120_000);

  it('killing the tsx launcher with SIGKILL stops the coordinator and its workers; a restart completes the study', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-orphan-'));
    const launcher = spawn(TSX, studyArgs(out), { cwd: PKG, env, stdio: 'ignore' });
    const journal = path.join(out, 'trials.jsonl');
    const lockFile = path.join(out, 'run.lock');
    while (!(fs.existsSync(journal) && readJournal(journal).trials.length >= 2)) await sleep(20);
    const coordinator = JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid as number;
    expect(coordinator).not.toBe(launcher.pid); // tsx runs the coordinator in a child process
    launcher.kill('SIGKILL');
    const t0 = Date.now();
    while (processAlive(coordinator) && Date.now() - t0 < 10_000) await sleep(50);
    expect(processAlive(coordinator)).toBe(false);
    const frozen = fs.readFileSync(journal, 'utf8');
    await sleep(1000); // workers of a live coordinator would have finished more 150 ms trials by now
    expect(fs.readFileSync(journal, 'utf8')).toBe(frozen);
    expect(readJournal(journal).trials.length).toBeLessThan(19);

    const rerun = await finished(
      spawn(process.execPath, ['--import', 'tsx', ...studyArgs(out)], {
        cwd: PKG,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    expect(rerun).toEqual({ code: 0, stderr: '' });
    expect(readJournal(journal).trials).toHaveLength(19);
  }, 120_000);
});
