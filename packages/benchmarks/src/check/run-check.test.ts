import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';
import { compareToBaseline, type Baseline } from './baseline.ts';
import { baselineFromRuns } from './write-baseline.ts';
import { computeSummary, type Summary } from '../report/summary.ts';
import DIATOM from '../studies/diatom/index.ts';
import { getPreset } from '../studies/presets.ts';
import { syntheticTrials } from '../../test/fixtures.ts';

const run = promisify(execFile);
const PKG = path.resolve(import.meta.dirname, '../..');

function fixture(): { dir: string; results: string; baselines: string; summary: Summary; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-'));
  const results = path.join(dir, 'reports');
  const baselines = path.join(results, 'baselines');
  const preset = { ...getPreset(DIATOM, 'smoke'), budgets: { optimizer: 8, random: 80 }, confidenceRepeats: 50 };
  const summary = computeSummary({
    study: DIATOM,
    preset,
    seed: 0,
    workers: 2,
    backend: 'fake',
    optimizer: 'in-process',
    trials: syntheticTrials(8, 80),
  });
  const file = path.join(results, 'diatom-smoke', 'summary.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(summary));
  return { dir, results, baselines, summary, file };
}

/** A baseline for the fixture as if written from three identical runs (no learning below accuracy 0.1). */
function writeFixtureBaseline(f: ReturnType<typeof fixture>): Baseline {
  const run = { kind: 'study' as const, name: f.summary.name, file: f.file, data: f.summary };
  const baseline = baselineFromRuns([run, run, run], ['a', 'b', 'c'], { noLearningAccuracy: 0.1 });
  fs.mkdirSync(f.baselines, { recursive: true });
  fs.writeFileSync(path.join(f.baselines, `${f.summary.name}.json`), JSON.stringify(baseline));
  return baseline;
}

describe('compareToBaseline', () => {
  const baseline: Baseline = {
    name: 'x',
    checks: [
      { path: 'a.acc', value: 0.8, better: 'higher', tolerance: 0.05, mode: 'abs' },
      { path: 'a.time', value: 100, better: 'lower', tolerance: 0.5, mode: 'rel' },
      { path: 'a.n', value: 44, better: 'equal', tolerance: 0, mode: 'abs' },
    ],
  };
  it('flags figures worse than baseline beyond tolerance, by how much', () => {
    const ok = compareToBaseline({ a: { acc: 0.75, time: 150, n: 44 } }, baseline, 's');
    expect(ok.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const bad = compareToBaseline({ a: { acc: 0.74, time: 151, n: 43 } }, baseline, 's');
    expect(bad.map((r) => r.status)).toEqual(['regressed', 'regressed', 'regressed']);
    expect(bad[0].delta).toBeCloseTo(-0.06, 12);
    expect(bad[1].delta).toBeCloseTo(51, 12);
    // better than baseline is never a regression
    expect(compareToBaseline({ a: { acc: 0.99, time: 1, n: 44 } }, baseline, 's').every((r) => r.status === 'ok')).toBe(
      true,
    );
    expect(compareToBaseline({ a: { acc: null } }, baseline, 's').map((r) => r.status)).toEqual([
      'missing',
      'missing',
      'missing',
    ]);
  });
});

describe('runCheck', () => {
  it('passes against baselines written from the same summaries, fails with a table when a figure regresses', () => {
    const f = fixture();
    writeFixtureBaseline(f);
    const pass = runCheck({ results: f.results, baselines: f.baselines });
    expect(pass.ok).toBe(true);
    expect(pass.rows.length).toBeGreaterThan(5);

    const worse = structuredClone(f.summary);
    worse.methods.optimizer.best_accuracy! -= 0.2;
    worse.methods.random.completed -= 1;
    fs.writeFileSync(f.file, JSON.stringify(worse));
    const fail = runCheck({ results: f.results, baselines: f.baselines });
    expect(fail.ok).toBe(false);
    const bad = fail.rows.filter((r) => r.status === 'regressed').map((r) => r.path);
    expect(bad.sort()).toEqual(['methods.optimizer.best_accuracy', 'methods.random.completed']);
    expect(fail.text).toMatch(/REGRESSED\s+diatom-smoke\s+methods\.optimizer\.best_accuracy/);
    expect(fail.text).toMatch(/check FAILED: 2 figure/);
  });

  it('names the file and field of a malformed baseline; strict mode wants a summary for every baseline', () => {
    const f = fixture();
    fs.mkdirSync(f.baselines, { recursive: true });
    fs.writeFileSync(
      path.join(f.baselines, 'diatom-smoke.json'),
      JSON.stringify({
        name: 'diatom-smoke',
        checks: [{ path: 'wall_seconds', value: 'fast', better: 'lower', tolerance: 1 }],
      }),
    );
    expect(() => runCheck({ results: f.results, baselines: f.baselines })).toThrow(
      /diatom-smoke\.json: bad baseline: checks\.0\.value/,
    );
    fs.writeFileSync(
      path.join(f.baselines, 'diatom-smoke.json'),
      JSON.stringify({ name: 'diatom-smoke', checks: [{ path: 'seed', value: 0, better: 'equal', tolerance: 0 }] }),
    );
    fs.writeFileSync(
      path.join(f.baselines, 'rotten-smoke.json'),
      JSON.stringify({ name: 'rotten-smoke', checks: [{ path: 'seed', value: 0, better: 'equal', tolerance: 0 }] }),
    );
    expect(runCheck({ results: f.results, baselines: f.baselines }).ok).toBe(true);
    const strict = runCheck({ results: f.results, baselines: f.baselines, strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.text).toMatch(/rotten-smoke\.json has no summary/);
  });

  it('the CLI exits 1 with the table on a regression and 0 otherwise', async () => {
    const f = fixture();
    writeFixtureBaseline(f);
    const args = [
      '--import',
      'tsx',
      path.join(PKG, 'src/cli/check.ts'),
      '--results',
      f.results,
      '--baselines',
      f.baselines,
    ];
    const ok = await run(process.execPath, args, { cwd: PKG });
    expect(ok.stdout).toMatch(/check passed/);
    const worse = structuredClone(f.summary);
    worse.methods.random.errors += 1;
    fs.writeFileSync(f.file, JSON.stringify(worse));
    const err = await run(process.execPath, args, { cwd: PKG }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(
      /REGRESSED\s+diatom-smoke\s+methods\.random\.errors\s+11\.00\s+12\.00\s+\+1\.00 \(9\.1%\)\s+<= 11\.00/,
    );
  });
});
