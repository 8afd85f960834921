/**
 * Kill -9 a real study run (real coordinator, journal and worker processes; the fast closed-form trainer stands in
 * for training) at several points, resume it with the same command, and compare with an uninterrupted run:
 * same trials, same assignments, same results, nothing lost, nothing repeated.
 */
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../src/journal/journal.ts';
import { SummarySchema } from '../src/report/summary.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const execFileP = promisify(execFile);
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '150', CI: '1' };

const args = (out: string, seed = 3) => [
  '--import',
  'tsx',
  CLI,
  'rotten',
  '--preset',
  'smoke', // 4 optimizer (2 of them model-based) + 15 random trials
  '--trainer',
  'fake',
  '--workers',
  '2',
  '--seed',
  String(seed),
  '--out',
  out,
];

function lines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').split('\n').length - 1;
}

/** Start the run and SIGKILL it once the journal holds at least `minLines` lines. */
async function runAndKill(out: string, minLines: number): Promise<void> {
  const child = spawn(process.execPath, args(out), { cwd: PKG, env, stdio: 'ignore' });
  const journal = path.join(out, 'trials.jsonl');
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines(journal) >= minLines) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`run finished before reaching ${minLines} journal lines; kill point too late`));
    });
  });
}

const canonical = (out: string) =>
  readJournal(path.join(out, 'trials.jsonl'))
    .trials.map((t) => ({ m: t.method, i: t.index, a: t.assignments, v: t.metrics, f: t.failed }))
    .sort((a, b) => a.m.localeCompare(b.m) || a.i - b.i);

describe('resume after kill -9', () => {
  it('reproduces the uninterrupted run exactly, with no trial lost or repeated', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-resume-'));
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    await execFileP(process.execPath, args(a), { cwd: PKG, env });

    await runAndKill(b, 4); // header + a few trials
    const afterFirst = readJournal(path.join(b, 'trials.jsonl')).trials.length;
    await runAndKill(b, afterFirst + 1 + 6);
    const afterSecond = readJournal(path.join(b, 'trials.jsonl')).trials.length;
    expect(afterSecond).toBeGreaterThan(afterFirst);
    expect(afterSecond).toBeLessThan(19);
    const { stdout } = await execFileP(process.execPath, args(b), { cwd: PKG, env });
    expect(stdout).toMatch(new RegExp(`resuming: ${afterSecond} trials already in the journal`));

    const ca = canonical(a);
    const cb = canonical(b);
    expect(ca).toHaveLength(19); // budgets 4 + 15
    expect(cb).toEqual(ca);
    // every trial exactly once (readJournal rejects duplicates), none beyond the budget
    expect(new Set(cb.map((t) => `${t.m}#${t.i}`)).size).toBe(19);
    // the fake rotten landscape has both feasible and failed trials, so the failure model is exercised too
    expect(cb.some((t) => t.f) && cb.some((t) => !t.f)).toBe(true);
    // each trial carries the CPU seconds its worker spent on it (the regression check's load-independent cost)
    const cpu = readJournal(path.join(a, 'trials.jsonl')).trials.map((t) => t.timing.cpu_seconds);
    expect(cpu.every((x) => typeof x === 'number' && x >= 0 && x < 10)).toBe(true);

    const sa = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(a, 'summary.json'), 'utf8')));
    const sb = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(b, 'summary.json'), 'utf8')));
    for (const m of ['optimizer', 'random'] as const) {
      expect(sb.methods[m].hypervolume).toBe(sa.methods[m].hypervolume);
      expect(sb.methods[m].union_share).toBe(sa.methods[m].union_share);
      expect(sb.methods[m].frontier).toEqual(sa.methods[m].frontier);
    }
    expect(fs.statSync(path.join(b, 'report.html')).size).toBeGreaterThan(1_000_000);
    // the three invocations are recorded, and the wall time is the sum of their active spans
    expect(sb.invocations.map((i) => i.invocation)).toEqual([0, 1, 2]);
    expect(sb.invocations.map((i) => i.trials)).toEqual([afterFirst, afterSecond - afterFirst, 19 - afterSecond]);
    expect(sb.wall_seconds).toBeCloseTo(
      sb.invocations.reduce((s, i) => s + i.active_seconds, 0),
      9,
    );

    // --report-only rebuilds the same figures from the journal and keeps the wall time of the run that trained
    await execFileP(process.execPath, [...args(b), '--report-only'], { cwd: PKG, env });
    const sr = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(b, 'summary.json'), 'utf8')));
    expect(sr.methods).toEqual(sb.methods);
    expect(sr.session_wall_seconds).toBe(sb.session_wall_seconds);
    expect(sr.session_wall_seconds).toBeGreaterThan(0);

    // a different configuration against the same journal is refused, naming the difference
    const err = await execFileP(process.execPath, args(b, 4), { cwd: PKG, env }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/seed: journal has 3, command asks for 4/);
  }, 180_000);
});
