/**
 * The surrogate tier end to end, with real processes: an archive collected by `collect` (the closed-form trainer
 * stands in for training), a surrogate fitted on it, and a repeated study run on the surrogate, in one process and
 * with repeats side by side in child processes.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { frontierShare } from '../src/analysis/frontier-share.ts';
import { readJournal } from '../src/journal/journal.ts';
import type { TrialRecord } from '../src/journal/records.ts';
import { SummarySchema } from '../src/report/summary.ts';
import { REPEATED_CONFIGURATIONS, collectTrialSeed } from '../src/runner/collect.ts';
import { getPreset } from '../src/studies/presets.ts';
import ROTTEN from '../src/studies/rotten/index.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const execFileP = promisify(execFile);
const env = { ...process.env, PARETOBENCH_FAKE_TRIAL_MS: '1', CI: '1' };
const cli = (name: string, args: string[]) =>
  execFileP(process.execPath, ['--import', 'tsx', path.join(PKG, 'src/cli', name), ...args], { cwd: PKG, env });
/** `collect` on the rotten smoke preset with the given flags. */
const collectSmoke = (args: string[]) => cli('collect.ts', ['--study', 'rotten', '--preset', 'smoke', ...args]);
const trialsOf = (file: string): TrialRecord[] => readJournal(file).trials.sort((a, b) => a.index - b.index);

let root: string;
let archive: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-surrogate-'));
  archive = path.join(root, 'archive');
  const common = ['--study', 'rotten', '--preset', 'smoke', '--trainer', 'fake', '--workers', '2', '--out', archive];
  await cli('collect.ts', [...common, '--trials', '6']);
}, 60_000);

describe('collect', () => {
  it('grows a design journal without changing the trials it holds, and records the fidelity', async () => {
    const file = path.join(archive, 'sobol-seed-0.jsonl');
    const first = trialsOf(file);
    expect(first.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const { stdout } = await collectSmoke(['--trainer', 'fake', '--workers', '2', '--out', archive, '--trials', '40']);
    expect(stdout).toMatch(/6 -> 40 trials/);
    const grown = trialsOf(file);
    expect(grown).toHaveLength(40);
    expect(grown.slice(0, 6)).toEqual(first);
    expect(new Set(grown.map((t) => JSON.stringify(t.assignments))).size).toBe(40);
    const h = readJournal(file).header!;
    expect(h.optimizer).toBe('collect-sobol');
    expect(h.preset.trainFraction).toBe(getPreset(ROTTEN, 'smoke').trainFraction);
  }, 60_000);

  it('trains the first Sobol points again under new seeds for the repeats design', async () => {
    await collectSmoke(['--trainer', 'fake', '--out', archive, '--design', 'repeats', '--trials', '16']);
    const sobol = trialsOf(path.join(archive, 'sobol-seed-0.jsonl'));
    const reps = trialsOf(path.join(archive, 'repeats-seed-0.jsonl'));
    expect(reps).toHaveLength(16);
    reps.forEach((t, j) => expect(t.assignments).toEqual(sobol[j % REPEATED_CONFIGURATIONS].assignments));
    const sobolSeeds = new Set(sobol.map((t) => collectTrialSeed('sobol', 0, t.index)));
    for (const t of reps) expect(sobolSeeds.has(collectTrialSeed('repeats', 0, t.index))).toBe(false);
  }, 60_000);

  it('imports study journals of the same fidelity and refuses others, naming the field', async () => {
    const study = path.join(root, 'study');
    await cli('study.ts', ['rotten', '--preset', 'smoke', '--trainer', 'fake', '--workers', '2', '--out', study]);
    const { stdout } = await collectSmoke([
      '--out',
      archive,
      '--from',
      path.join(study, 'trials.jsonl'),
      '--trainer',
      'fake',
    ]);
    expect(stdout).toMatch(/imported 19 trials/);
    expect(stdout).toMatch(/archive .*: 75 trials in 3 journal\(s\)/);
    const other = path.join(root, 'other-archive');
    const err = await cli('collect.ts', [
      '--study',
      'rotten',
      '--preset',
      'default',
      '--out',
      other,
      '--from',
      path.join(study, 'trials.jsonl'),
      '--trainer',
      'fake',
    ]).catch((e: { stderr: string }) => e);
    expect(err.stderr).toMatch(/fidelity differs from the archive's \(.*trainFraction: 1 vs 0\.015/);
    // a fake trainer's trials join only a fake archive
    const fake = await collectSmoke(['--out', other, '--from', path.join(study, 'trials.jsonl')]).catch(
      (e: { stderr: string }) => e,
    );
    expect(fake.stderr).toMatch(/its trials were not trained \(backend fake, trial/);
    // growing an archive with another preset's fidelity is refused before anything is trained
    const grow = await cli('collect.ts', [
      '--study',
      'rotten',
      '--preset',
      'default',
      '--trainer',
      'fake',
      '--out',
      archive,
      '--trials',
      '50',
    ]).catch((e: { stderr: string }) => e);
    expect(grow.stderr).toMatch(/--preset default: the archive .* holds another fidelity \(.*trainFraction/);
    expect(trialsOf(path.join(archive, 'sobol-seed-0.jsonl'))).toHaveLength(40);
    const wrongStudy = await cli('collect.ts', [
      '--study',
      'diatom',
      '--preset',
      'smoke',
      '--out',
      other,
      '--from',
      path.join(study, 'trials.jsonl'),
    ]).catch((e: { stderr: string }) => e);
    expect(wrongStudy.stderr).toMatch(/a rotten journal, not diatom/);
  }, 120_000);
});

describe('a study on the surrogate', () => {
  const run = (out: string, extra: string[]) =>
    cli('study.ts', [
      'rotten',
      '--preset',
      'smoke',
      '--trainer',
      'surrogate',
      '--archive',
      archive,
      '--workers',
      '2',
      '--repeats',
      '3',
      '--seed',
      '4',
      '--out',
      out,
      ...extra,
    ]);

  it('runs complete comparisons, each against its own random arm, the same with repeats side by side', async () => {
    const one = path.join(root, 'jobs1');
    const two = path.join(root, 'jobs2');
    await run(one, ['--jobs', '1']);
    const { stdout } = await run(two, ['--jobs', '2']);
    expect(stdout).toMatch(/3 repeats, 2 at a time/);
    const dirs = (out: string) => [out, path.join(out, 'replicates', 'seed-5'), path.join(out, 'replicates', 'seed-6')];
    const strip = (t: TrialRecord) => [t.method, t.index, t.assignments, t.failed, t.metrics];
    for (const [a, b] of dirs(one).map((d, i) => [d, dirs(two)[i]])) {
      const ta = trialsOf(path.join(a, 'trials.jsonl'));
      expect(ta.filter((t) => t.method === 'optimizer')).toHaveLength(4);
      expect(ta.filter((t) => t.method === 'random')).toHaveLength(15);
      expect(trialsOf(path.join(b, 'trials.jsonl')).map(strip)).toEqual(ta.map(strip));
    }
    const s = SummarySchema.parse(JSON.parse(fs.readFileSync(path.join(one, 'summary.json'), 'utf8')));
    expect(s.backend).toMatch(/^surrogate:[0-9a-f]{12}$/);
    expect(s.preset.scope).toMatch(/Every trial here is a surrogate evaluation, not a training/);
    const r = s.replicates!;
    expect(r.optimizer.map((o) => o.seed)).toEqual([4, 5, 6]);
    dirs(one).forEach((d, i) => {
      const trials = trialsOf(path.join(d, 'trials.jsonl'));
      const pts = (m: string) =>
        trials.filter((t) => t.method === m && !t.failed).map((t) => [t.metrics!.accuracy, -t.metrics!.training_time]);
      expect(r.optimizer[i].random!.completed).toBe(15);
      expect(r.optimizer[i].union_share).toBeCloseTo(
        frontierShare({ optimizer: pts('optimizer'), random: pts('random') }).share.optimizer ?? 0,
        12,
      );
      expect(r.optimizer[i].random!.feasible_fraction).toBeCloseTo(pts('random').length / 15, 12);
    });
    expect(r.distribution.random_feasible_fraction).toBeDefined();
    expect(r.hypervolume_bands!.random.evaluations).toEqual([1, 2, 5, 10, 15]);
    expect(r.hypervolume_bands!.optimizer.median.at(-1)).toBeCloseTo(r.distribution.hypervolume.median, 12);
  }, 180_000);

  it('refuses its own journals as archive trials', async () => {
    const e = await collectSmoke([
      '--trainer',
      'fake',
      '--out',
      archive,
      '--from',
      path.join(root, 'jobs1', 'trials.jsonl'),
    ]).catch((x: { stderr: string }) => x);
    expect(e.stderr).toMatch(/its trials were not trained \(backend surrogate:[0-9a-f]{12}/);
  }, 60_000);

  it('refuses --archive without the surrogate trainer, and an archive of another study', async () => {
    const e1 = await cli('study.ts', [
      'rotten',
      '--preset',
      'smoke',
      '--archive',
      archive,
      '--out',
      path.join(root, 'x'),
    ]).catch((e: { stderr: string }) => e);
    expect(e1.stderr).toMatch(/--archive: only with --trainer surrogate/);
    const e2 = await cli('study.ts', [
      'diatom',
      '--preset',
      'smoke',
      '--trainer',
      'surrogate',
      '--archive',
      archive,
      '--out',
      path.join(root, 'y'),
    ]).catch((e: { stderr: string }) => e);
    expect(e2.stderr).toMatch(/a rotten journal in an archive of diatom/);
  }, 60_000);
});
