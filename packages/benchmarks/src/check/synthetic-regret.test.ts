import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';

describe('runCheck on single-objective synthetic summaries', () => {
  it('writes a regret baseline and fails when the mean final regret grows beyond it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-regret-'));
    const results = path.join(dir, 'results');
    const baselines = path.join(dir, 'baselines');
    const file = path.join(results, 'levy-d8', 'summary.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const summary = {
      name: 'synthetic-levy-d8-mobo-60',
      problem: 'levy',
      best_value: -2,
      optimum: 0,
      regret: 2,
      dim: 8,
    };
    fs.writeFileSync(file, JSON.stringify(summary));

    expect(runCheck({ results, baselines, writeBaselines: true }).ok).toBe(true);
    const baseline = JSON.parse(fs.readFileSync(path.join(baselines, 'synthetic-levy-d8-mobo-60.json'), 'utf8'));
    // tolerance = 5% of the regret (2) + 0.1% of max(1, |optimum|) = 0.1 + 0.001
    expect(baseline.checks).toEqual([
      expect.objectContaining({ path: 'regret', value: 2, better: 'lower', tolerance: 0.101, mode: 'abs' }),
    ]);
    fs.writeFileSync(file, JSON.stringify({ ...summary, regret: 2.1, best_value: -2.1 })); // +0.1 < 0.101
    expect(runCheck({ results, baselines, strict: true }).ok).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...summary, regret: 2.2, best_value: -2.2 })); // +0.2 > 0.101
    const bad = runCheck({ results, baselines, strict: true });
    expect(bad.ok).toBe(false);
    expect(bad.rows).toEqual([
      expect.objectContaining({ summary: 'synthetic-levy-d8-mobo-60', path: 'regret', status: 'regressed' }),
    ]);
    fs.writeFileSync(file, JSON.stringify({ ...summary, regret: 0.5, best_value: -0.5 })); // better
    expect(runCheck({ results, baselines, strict: true }).ok).toBe(true);
  });
});
