import { describe, expect, it } from 'vitest';
import { parseSyntheticArgs } from '../cli/synthetic.ts';
import { ObservationNoise, objectiveSpread } from './noise.ts';
import { makeProblem } from './problems.ts';
import { runMethod } from './run.ts';
import { scoreAt, scoreReported } from './score.ts';
import { renderSuiteMarkdown, suiteProblemEntry, type SuiteReport } from './suite-report.ts';
import { hypervolume } from '@paretobench/optimizer';

describe('observation noise (--noise)', () => {
  it("an objective's spread is its interquartile range / 1.349 over the domain", () => {
    // ZDT1's first objective is -x0, uniform on [-1, 0] under uniform x: interquartile range 0.5
    const [f0] = objectiveSpread(makeProblem('zdt1', 6));
    expect(f0).toBeCloseTo(0.5 / 1.349, 2);
    // Branin-Currin's objectives: two spreads of their own, the same on every call (a fixed Sobol sample)
    const bc = objectiveSpread(makeProblem('branincurrin'));
    expect(bc).toHaveLength(2);
    expect(objectiveSpread(makeProblem('branincurrin'))).toEqual(bc);
    expect(bc[0]).not.toBeCloseTo(bc[1], 0);
  });

  it('adds Gaussian noise of F times the spread; the same seed gives the same draws; a failure draws nothing', () => {
    const problem = makeProblem('zdt1', 6);
    const spread = objectiveSpread(problem);
    const a = new ObservationNoise(problem, 0.2, 3);
    const b = new ObservationNoise(problem, 0.2, 3);
    const c = new ObservationNoise(problem, 0.2, 4);
    expect(a.sd).toEqual(spread.map((s) => 0.2 * s));
    const exact = { values: [-0.5, -2] };
    const residuals: number[][] = [[], []];
    for (let i = 0; i < 4000; i++) {
      const ya = a.observe(exact);
      if (i === 10) expect(b.observe({ failed: true })).toEqual({ failed: true });
      const yb = b.observe(exact);
      const yc = c.observe(exact);
      if (ya.failed || yb.failed || yc.failed) throw new Error('unexpected failure');
      expect(yb.values).toEqual(ya.values);
      if (i === 0) expect(yc.values).not.toEqual(ya.values);
      ya.values.forEach((v, j) => residuals[j].push(v - exact.values[j]));
    }
    for (let j = 0; j < 2; j++) {
      const r = residuals[j];
      const mean = r.reduce((s, x) => s + x, 0) / r.length;
      const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
      expect(Math.abs(mean)).toBeLessThan((4 * a.sd[j]) / Math.sqrt(r.length));
      expect(sd / a.sd[j]).toBeGreaterThan(0.95);
      expect(sd / a.sd[j]).toBeLessThan(1.05);
    }
    expect(new ObservationNoise(problem, 0, 3).observe(exact)).toBe(exact);
    expect(() => new ObservationNoise(problem, -0.1, 3)).toThrow(/noise: must be >= 0/);
  });

  it('a run is told noisy values and scored on the exact values of its points', async () => {
    const problem = makeProblem('branincurrin');
    const exact = await runMethod(problem, 'mobo', { budget: 12, seed: 1 });
    const noisy = await runMethod(problem, 'mobo', { budget: 12, seed: 1, noise: 0.3 });
    // every recorded value is the problem's exact value at the point
    for (const p of noisy.points) expect(p.y).toEqual((problem.evaluate(p.x) as { values: number[] }).values);
    expect(noisy.hypervolume).toBe(
      scoreAt(
        problem,
        noisy.points.map((p) => p.y),
        12,
      ).hypervolume,
    );
    // the initial design does not look at values; the model's suggestions do, and the noise changed them
    const initial = noisy.phases.filter((ph) => ph !== 'model').length;
    expect(initial).toBeGreaterThan(0);
    expect(initial).toBeLessThan(12);
    expect(noisy.points.slice(0, initial).map((p) => p.x)).toEqual(exact.points.slice(0, initial).map((p) => p.x));
    expect(noisy.points.slice(initial).map((p) => p.x)).not.toEqual(exact.points.slice(initial).map((p) => p.x));
  });

  it('the reported points: the best told value, or the front of the told values, scored on their exact values', () => {
    const branin = makeProblem('branin');
    const ys = [[-5], null, [-1], [-3]];
    const told = [[-4], null, [-2], [0]];
    // the method believes the last point best (told 0); its exact value is -3
    expect(scoreReported(branin, ys, told)).toEqual({ hypervolume: null, best_value: -3, regret: -0.397887 + 3 });
    // told the exact values: the same as scoring every point
    expect(scoreReported(branin, ys, ys)).toEqual(scoreAt(branin, ys, 4));

    const bc = makeProblem('branincurrin'); // reference point (-18, -6)
    const exact = [
      [-10, -4],
      [-5, -5],
      [-2, -5.5],
      [-1, -1],
    ];
    // told: the last point looks dominated by the first, so it is not reported, though it is the best in truth
    const toldBc = [
      [-3, -2],
      [-5, -5],
      [-2, -5.5],
      [-4, -3],
    ];
    const reported = scoreReported(bc, exact, toldBc).hypervolume!;
    expect(reported).toBeCloseTo(hypervolume([exact[0], exact[2]], bc.refPoint!), 12);
    // boxes [-18, -10] x [-6, -4] and [-18, -2] x [-6, -5.5], which overlap on 8 x 0.5
    expect(reported).toBeCloseTo(8 * 2 + 16 * 0.5 - 8 * 0.5, 12);
    expect(scoreAt(bc, exact, 4).hypervolume!).toBeGreaterThan(reported);
    expect(scoreReported(bc, exact, exact).hypervolume).toBeCloseTo(scoreAt(bc, exact, 4).hypervolume!, 12);
  });

  it('a noisy run records what it was told, and the suite compares the reported figures too', async () => {
    const problem = makeProblem('branincurrin');
    const runs = await Promise.all(
      [0, 1, 2].map((seed) => runMethod(problem, 'sobol', { budget: 10, seed, noise: 0.3 })),
    );
    const exactRuns = await Promise.all([0, 1, 2].map((seed) => runMethod(problem, 'sobol', { budget: 10, seed })));
    expect(exactRuns.every((r) => r.reported === null && r.points.every((p) => !('observed' in p)))).toBe(true);
    for (const r of runs) {
      const ys = r.points.map((p) => p.y);
      const told = r.points.map((p) => p.observed!);
      expect(told.some((t, i) => t !== null && t[0] !== ys[i]![0])).toBe(true);
      expect(r.reported).toEqual(scoreReported(problem, ys, told));
    }
    const entry = suiteProblemEntry(
      problem,
      10,
      'sobol',
      new Map([
        ['sobol', runs],
        ['random-10x', exactRuns],
      ]),
    );
    // only methods with reported figures are compared on them
    expect(entry.methods.sobol.reported!.per_seed).toEqual(runs.map((r) => r.reported!.hypervolume));
    expect(entry.vs_reported).toEqual({});
    const report: SuiteReport = {
      kind: 'synthetic-suite',
      suite: 'test',
      ours: 'sobol',
      methods: ['sobol', 'random-10x'],
      seeds: [0, 1, 2],
      thresholds: false,
      noise: 0.3,
      optuna: null,
      generated_at: 'now',
      wall_seconds: 1,
      load_average_1m: 0,
      problems: [entry],
    };
    const md = renderSuiteMarkdown(report);
    expect(md).toContain('noise of 0.3 times');
    expect(md).toContain('The points each method would report');
    expect(md.split('\n').filter((l) => l.startsWith('| branincurrin-d2')).length).toBe(2);
    expect(renderSuiteMarkdown({ ...report, problems: [{ ...entry, vs_reported: undefined }] })).not.toContain(
      'would report',
    );
  });

  it('--noise must be a number >= 0', () => {
    expect(parseSyntheticArgs(['--suite', 'ci', '--noise', '0.1']).noise).toBe(0.1);
    expect(parseSyntheticArgs(['--suite', 'ci']).noise).toBe(0);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--noise=-1'])).toThrow(/^--noise/);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--noise', 'much'])).toThrow(/^--noise/);
  });
});
