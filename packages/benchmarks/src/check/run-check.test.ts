import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';
import { compareToBaseline, type Baseline } from './baseline.ts';
import { computeSummary, type Summary } from '../report/summary.ts';
import { DIATOM } from '../studies/definitions.ts';
import { getPreset } from '../studies/presets.ts';
import { syntheticTrials } from '../../test/fixtures.ts';

const run = promisify(execFile);
const PKG = path.resolve(import.meta.dirname, '../..');

function fixture(): { dir: string; results: string; baselines: string; summary: Summary; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-'));
  const results = path.join(dir, 'reports');
  const baselines = path.join(results, 'baselines');
  const preset = { ...getPreset('diatom', 'smoke'), budgets: { optimizer: 8, random: 80 }, confidenceRepeats: 50 };
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
    const written = runCheck({ results: f.results, baselines: f.baselines, writeBaselines: true });
    expect(written.ok).toBe(true);
    expect(fs.existsSync(path.join(f.baselines, 'diatom-smoke.json'))).toBe(true);
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
    runCheck({ results: f.results, baselines: f.baselines, writeBaselines: true });
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
    worse.wall_seconds *= 10;
    fs.writeFileSync(f.file, JSON.stringify(worse));
    const err = await run(process.execPath, args, { cwd: PKG }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/REGRESSED\s+diatom-smoke\s+wall_seconds/);
  });
});

describe('runCheck on synthetic optimizer benchmarks', () => {
  it('writes a hypervolume baseline from a synthetic summary and fails when the mean hypervolume drops beyond it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-syn-'));
    const results = path.join(dir, 'results');
    const baselines = path.join(dir, 'baselines');
    const file = path.join(results, 'zdt1', 'summary.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const summary = { name: 'synthetic-zdt1-d6-mobo-30', problem: 'zdt1', hypervolume: 120.5, max_hv: 120.7, dim: 6 };
    fs.writeFileSync(file, JSON.stringify(summary));

    const wrote = runCheck({ results, baselines, writeBaselines: true });
    expect(wrote.ok).toBe(true);
    const baseline = JSON.parse(fs.readFileSync(path.join(baselines, 'synthetic-zdt1-d6-mobo-30.json'), 'utf8'));
    // tolerance = 5% of the gap to the maximum (0.2) + 0.1% of the baseline (120.5) = 0.01 + 0.1205
    expect(baseline.checks).toEqual([
      expect.objectContaining({ path: 'hypervolume', value: 120.5, better: 'higher', tolerance: 0.1305, mode: 'abs' }),
    ]);

    expect(runCheck({ results, baselines, strict: true }).ok).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...summary, hypervolume: 120.38 })); // drop 0.12 < 0.1305
    expect(runCheck({ results, baselines, strict: true }).ok).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...summary, hypervolume: 120.3 })); // drop 0.2 > 0.1305
    const bad = runCheck({ results, baselines, strict: true });
    expect(bad.ok).toBe(false);
    expect(bad.rows).toEqual([
      expect.objectContaining({ summary: 'synthetic-zdt1-d6-mobo-30', path: 'hypervolume', status: 'regressed' }),
    ]);
  });
});
