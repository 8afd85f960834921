import { describe, expect, it } from 'vitest';
import { parseSyntheticArgs } from '../cli/synthetic.ts';
import { ObservationNoise, objectiveSpread } from './noise.ts';
import { makeProblem } from './problems.ts';
import { runMethod } from './run.ts';
import { scoreAt } from './score.ts';

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

  it('--noise must be a number >= 0', () => {
    expect(parseSyntheticArgs(['--suite', 'ci', '--noise', '0.1']).noise).toBe(0.1);
    expect(parseSyntheticArgs(['--suite', 'ci']).noise).toBe(0);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--noise=-1'])).toThrow(/^--noise/);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--noise', 'much'])).toThrow(/^--noise/);
  });
});
