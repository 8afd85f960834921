/**
 * Reliability: kill -9 a fake-trainer study at random moments, again and again, resuming each time with the same
 * command, and check after every kill and at the end of every study:
 *   - the journal parses (a torn last line is the only damage allowed) and holds no trial twice (readJournal refuses
 *     duplicates) and none beyond the budget;
 *   - summary.json, when present, parses (it is replaced atomically, so a kill mid-write leaves the old copy);
 *   - the completed study has exactly the trials of an uninterrupted run with the same seed: same assignments, same
 *     metrics, none lost, none repeated.
 * Every other kill hits the tsx launcher instead of the coordinator: the coordinator and its workers must then stop
 * on their own (no orphan appending beside the resumed run), which the run lock would otherwise report (exit 2).
 * `--report-only` is killed at random moments too. Counts are printed.
 *
 *   cd packages/benchmarks && RELIABILITY_KILLS=24 npx vitest run --config vitest.reliability.config.ts
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../src/journal/journal.ts';
import { processAlive } from '../src/journal/out-lock.ts';
import { SummarySchema } from '../src/report/summary.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const TSX = path.resolve(PKG, '../../node_modules/.bin/tsx');
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '80', CI: '1' };
const KILLS = Number(process.env.RELIABILITY_KILLS ?? '24');
const BUDGET = 19; // rotten smoke: 4 optimizer + 15 random
const execFileP = promisify(execFile);
const studyArgs = (out: string) => [
  CLI,
  'rotten',
  '--preset',
  'smoke',
  '--trainer',
  'fake',
  '--workers',
  '2',
  '--seed',
  '7',
  '--out',
  out,
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    for (const [c, pp] of parentOf)
      if (pp === p) {
        out.push(c);
        todo.push(c);
      }
  }
  return out;
}

/** A deterministic stream of kill delays (ms), one per lane. */
function delays(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 150 + (state % 2600);
  };
}

const canonical = (out: string) =>
  readJournal(path.join(out, 'trials.jsonl'))
    .trials.map((t) => ({ m: t.method, i: t.index, a: t.assignments, v: t.metrics, f: t.failed }))
    .sort((a, b) => a.m.localeCompare(b.m) || a.i - b.i);

/** The journal and summary are sound: returns the number of trials recorded. */
function check(out: string): number {
  const journal = path.join(out, 'trials.jsonl');
  const j = readJournal(journal); // throws on a bad line or a duplicate trial
  expect(j.trials.length).toBeLessThanOrEqual(BUDGET);
  const summary = path.join(out, 'summary.json');
  if (fs.existsSync(summary)) SummarySchema.parse(JSON.parse(fs.readFileSync(summary, 'utf8')));
  return j.trials.length;
}

/** Runs the study (through tsx when `viaLauncher`), SIGKILLs it after `delayMs`; true when it finished first. */
async function runKilled(
  out: string,
  delayMs: number,
  viaLauncher: boolean,
  extra: string[] = [],
): Promise<{ finished: boolean; code: number | null }> {
  const child = viaLauncher
    ? spawn(TSX, [...studyArgs(out), ...extra], { cwd: PKG, env, stdio: 'ignore' })
    : spawn(process.execPath, ['--import', 'tsx', ...studyArgs(out), ...extra], { cwd: PKG, env, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = await Promise.race([exited.then(() => 'exit' as const), sleep(delayMs).then(() => 'timer' as const)]);
  if (first === 'exit') return { finished: true, code: await exited };
  const tree = descendants(child.pid!); // the coordinator (under tsx), its workers, esbuild
  child.kill('SIGKILL');
  await exited;
  // a coordinator whose launcher was killed stops by itself, and its workers with it, within about a second
  const t0 = Date.now();
  while (tree.some(processAlive) && Date.now() - t0 < 15_000) await sleep(50); // generous: CI machines are shared
  const left = tree.filter(processAlive);
  if (left.length > 0) {
    const what = left.map((p) => {
      try {
        return `${p} (${fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120)})`;
      } catch {
        return String(p);
      }
    });
    throw new Error(
      `${what.join(', ')} outlived the kill of ${viaLauncher ? 'the launcher' : 'the coordinator'} ${child.pid}`,
    );
  }
  return { finished: false, code: null };
}

interface LaneCounts {
  kills: number;
  launcherKills: number;
  reportKills: number;
  studies: number;
}

/**
 * One lane: studies in its own folders under `root`, each killed at random moments until the lane has dealt `kills`
 * kills, then resumed to the end; every study must end identical to `expected`.
 */
async function lane(root: string, seed: number, kills: number, expected: unknown): Promise<LaneCounts> {
  const nextDelay = delays(seed);
  const n: LaneCounts = { kills: 0, launcherKills: 0, reportKills: 0, studies: 0 };
  let out = path.join(root, `study-${n.studies}`);
  while (n.kills < kills) {
    const viaLauncher = n.kills % 2 === 1;
    const r = await runKilled(out, nextDelay(), viaLauncher);
    if (!r.finished) {
      n.kills++;
      if (viaLauncher) n.launcherKills++;
      check(out);
      continue;
    }
    expect(r.code).toBe(0); // never 2: no orphan of a previous run holds the directory
    expect(check(out)).toBe(BUDGET);
    expect(canonical(out)).toEqual(expected);
    // kill a --report-only rebuild at a random moment: the summary must still parse and match
    const before = fs.readFileSync(path.join(out, 'summary.json'), 'utf8');
    const rr = await runKilled(out, nextDelay() / 2, false, ['--report-only']);
    if (!rr.finished) n.reportKills++;
    check(out);
    const after = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(after.methods).toEqual(SummarySchema.parse(JSON.parse(before)).methods);
    n.studies++;
    out = path.join(root, `study-${n.studies}`);
  }
  // finish the last study
  const last = await execFileP(process.execPath, ['--import', 'tsx', ...studyArgs(out)], { cwd: PKG, env }).then(
    () => 0,
    (e: { code: number }) => e.code,
  );
  expect(last).toBe(0);
  expect(canonical(out)).toEqual(expected);
  n.studies++;
  return n;
}

describe('kill -9 at random moments', () => {
  it(`survives ${KILLS} kills with no trial lost or repeated and no derived file damaged`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-kills-'));
    const reference = path.join(root, 'reference');
    await execFileP(process.execPath, ['--import', 'tsx', ...studyArgs(reference)], { cwd: PKG, env });
    const expected = canonical(reference);
    expect(expected).toHaveLength(BUDGET);

    // Two lanes side by side, each with its own folders and stream of delays: a kill waits on the study most of the
    // time, so one lane left a core idle; two take about half the wall time for the same number of kills.
    const lanes = await Promise.all([
      lane(path.join(root, 'lane-0'), 12345, Math.ceil(KILLS / 2), expected),
      lane(path.join(root, 'lane-1'), 67890, Math.floor(KILLS / 2), expected),
    ]);
    const sum = (k: keyof LaneCounts) => lanes.reduce((a, l) => a + l[k], 0);
    const kills = sum('kills');
    expect(kills).toBe(KILLS);
    process.stdout.write(
      `reliability kill-study: ${kills} kills of the study (${sum('launcherKills')} through its tsx launcher) and ` +
        `${sum('reportKills')} of --report-only over ${sum('studies')} studies of ${BUDGET} trials in two lanes: ` +
        `every study complete and identical to the uninterrupted run (0 trials lost, 0 duplicated), every journal ` +
        `and summary.json readable after every kill\n`,
    );
  }, 600_000);
});
