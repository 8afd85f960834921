import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from './run-check.ts';
import { writeBaselines } from './write-baseline.ts';

describe('the check on single-objective synthetic summaries', () => {
  it('writes a regret baseline from repeated runs and fails when the mean final regret grows beyond it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-regret-'));
    const baselines = path.join(dir, 'baselines');
    const summary = {
      name: 'synthetic-levy-d8-mobo-60',
      problem: 'levy',
      best_value: -2,
      optimum: 0,
      regret: 2,
      random_regret: 6,
      dim: 8,
      suggest_cpu_model_phase_per_reference: 6.5,
    };
    // three runs, deterministic for their seeds: the same regret; the suggestion CPU time varies a little
    const dirs = [6.4, 6.5, 6.6].map((cpu, k) => {
      const d = path.join(dir, `run${k}`);
      fs.mkdirSync(path.join(d, 'levy-d8'), { recursive: true });
      const s = { ...summary, suggest_cpu_model_phase_per_reference: cpu };
      fs.writeFileSync(path.join(d, 'levy-d8', 'summary.json'), JSON.stringify(s));
      return d;
    });
    await writeBaselines({ from: dirs, baselines, noLearning: async () => null });
    const baseline = JSON.parse(fs.readFileSync(path.join(baselines, 'synthetic-levy-d8-mobo-60.json'), 'utf8'));
    // regret: sd 0, so the floor: 5% of the regret (2) + 0.1% of max(1, |optimum|) = 0.1 + 0.001
    expect(baseline.checks[0]).toMatchObject({ path: 'regret', value: 2, better: 'lower', mode: 'abs' });
    expect(baseline.checks[0].tolerance).toBeCloseTo(0.101, 12);
    expect(baseline.checks[1]).toMatchObject({ path: 'suggest_cpu_model_phase_per_reference', better: 'lower' });
    expect(baseline.checks[1].value).toBeCloseTo(6.5, 12);

    const results = path.join(dir, 'results');
    const file = path.join(results, 'levy-d8', 'summary.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const check = (regret: number) => {
      fs.writeFileSync(file, JSON.stringify({ ...summary, regret, best_value: -regret }));
      return runCheck({ results, baselines, strict: true });
    };
    expect(check(2.1).ok).toBe(true); // +0.1 < 0.101
    const bad = check(2.2); // +0.2 > 0.101
    expect(bad.ok).toBe(false);
    expect(bad.rows.filter((r) => r.status === 'regressed')).toEqual([
      expect.objectContaining({ summary: 'synthetic-levy-d8-mobo-60', path: 'regret' }),
    ]);
    expect(check(6).ok).toBe(false); // random search's regret: the regression this gate is there for
    expect(check(0.5).ok).toBe(true); // better
  });

  it('leaves the regret ungated when random search does no worse than the runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-check-regret-'));
    const dirs = [0, 1, 2].map((k) => {
      const d = path.join(dir, `run${k}`);
      fs.mkdirSync(d, { recursive: true });
      const s = { name: 'synthetic-branin-d2-mobo-30', problem: 'branin', best_value: -0.4, optimum: -0.397887 };
      fs.writeFileSync(
        path.join(d, 'summary.json'),
        JSON.stringify({ ...s, regret: 0.002, random_regret: 0.002, suggest_cpu_model_phase_per_reference: 3.2 }),
      );
      return d;
    });
    await writeBaselines({ from: dirs, baselines: path.join(dir, 'b'), noLearning: async () => null });
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'b', 'synthetic-branin-d2-mobo-30.json'), 'utf8'));
    expect(baseline.checks.map((c: { path: string }) => c.path)).toEqual(['suggest_cpu_model_phase_per_reference']);
    expect(baseline.ungated).toEqual([expect.objectContaining({ path: 'regret' })]);
  });
});
