/**
 * A replicated study run end to end (real coordinator, journals and worker processes; the closed-form trainer stands
 * in for training): K optimizer arms against one shared random arm, each arm resumable on its own, and the same
 * optimizer trials as a one-seed run with the arm's seed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { frontierShare } from '../src/analysis/frontier-share.ts';
import { readJournal } from '../src/journal/journal.ts';
import type { TrialRecord } from '../src/journal/records.ts';
import { SummarySchema } from '../src/report/summary.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PKG, 'src/cli/study.ts');
const execFileP = promisify(execFile);
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '20', CI: '1' };

const run = (out: string, seed: number, extra: string[] = []) =>
  execFileP(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'rotten',
      '--preset',
      'smoke',
      '--trainer',
      'fake',
      '--workers',
      '2',
      '--seed',
      String(seed),
      '--out',
      out,
      ...extra,
    ],
    { cwd: PKG, env },
  );

const trialsOf = (dir: string): TrialRecord[] => readJournal(path.join(dir, 'trials.jsonl')).trials;
const summaryOf = (dir: string) =>
  SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')));
const assignmentsOf = (trials: TrialRecord[], method: string) =>
  trials
    .filter((t) => t.method === method)
    .sort((a, b) => a.index - b.index)
    .map((t) => t.assignments);
const points = (trials: TrialRecord[]) =>
  trials.filter((t) => !t.failed && t.metrics).map((t) => [t.metrics!.accuracy, -t.metrics!.training_time]);

describe('--seeds K', () => {
  it('runs K optimizer arms against one random arm, each the same as a one-seed run of its seed', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-replicates-'));
    const out = path.join(root, 'k3');
    const { stdout } = await run(out, 5, ['--seeds', '3']);
    expect(stdout).toMatch(/replicate 3\/3: optimizer seed 7 \(optimizer only\)/);

    // replicate 0 is a complete study (4 optimizer + 15 random trials); the others are optimizer-only
    const shared = trialsOf(out);
    expect(assignmentsOf(shared, 'optimizer')).toHaveLength(4);
    expect(assignmentsOf(shared, 'random')).toHaveLength(15);
    for (const s of [6, 7]) {
      const arm = trialsOf(path.join(out, 'replicates', `seed-${s}`));
      expect(arm.filter((t) => t.method === 'optimizer')).toHaveLength(4);
      expect(arm.filter((t) => t.method === 'random')).toHaveLength(0);
    }

    // arm seed 6 suggests exactly what a one-seed run with --seed 6 suggests to its optimizer
    const single = path.join(root, 'single6');
    await run(single, 6);
    expect(assignmentsOf(trialsOf(path.join(out, 'replicates', 'seed-6')), 'optimizer')).toEqual(
      assignmentsOf(trialsOf(single), 'optimizer'),
    );

    // the summary's replicate figures are each arm's frontier share against the shared random arm
    const s = summaryOf(out);
    const r = s.replicates!;
    expect(r.optimizer.map((o) => o.seed)).toEqual([5, 6, 7]);
    expect(r.random.completed).toBe(15);
    const randomPts = points(shared.filter((t) => t.method === 'random'));
    const armTrials = [
      shared.filter((t) => t.method === 'optimizer'),
      trialsOf(path.join(out, 'replicates', 'seed-6')),
      trialsOf(path.join(out, 'replicates', 'seed-7')),
    ];
    expect(r.optimizer.map((o) => o.union_share)).toEqual(
      armTrials.map((t) => frontierShare({ optimizer: points(t), random: randomPts }).share.optimizer),
    );
    // replicate 0's figures are the rest of the summary; each later arm has its own report against the random arm
    expect(r.optimizer[0].union_share).toBe(s.methods.optimizer.union_share);
    const s6 = summaryOf(path.join(out, 'replicates', 'seed-6'));
    expect(s6.seed).toBe(6);
    expect(s6.methods.random.completed).toBe(15);
    expect(s6.methods.optimizer.union_share).toBe(r.optimizer[1].union_share);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Replicates: 3 optimizer runs against one random-search arm');
    expect(html).toContain('What this preset can and cannot show.');
    expect(html).toContain('href="replicates/seed-6/report.html"');

    // fewer seeds later: the arms already run are reused (nothing trained), the summary has two arms
    const again = await run(out, 5, ['--seeds', '2']);
    expect(again.stdout).toMatch(/resuming: 19 trials already in the journal/);
    expect(again.stdout).toMatch(/resuming: 4 trials already in the journal/);
    expect(summaryOf(out).replicates!.optimizer.map((o) => o.seed)).toEqual([5, 6]);
    // and a one-seed run of the same directory reports without replicates
    await run(out, 5, ['--seeds', '1']);
    expect(summaryOf(out).replicates).toBeNull();
  }, 120_000);
});
