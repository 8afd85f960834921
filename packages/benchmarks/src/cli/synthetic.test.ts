import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hypervolume } from '@paretobench/optimizer';
import { describe, expect, it } from 'vitest';
import { makeProblem } from '../synthetic/problems.ts';
import { runSynthetic } from '../synthetic/run.ts';
import { SuiteReportSchema } from '../synthetic/suite-report.ts';
import { suiteBudget, suiteProblems } from '../synthetic/suite.ts';
import { runTasks } from '../synthetic/parallel-runs.ts';
import { parseSyntheticArgs, runSyntheticCli } from './synthetic.ts';

const quiet = () => {};

describe('synthetic CLI, one problem', () => {
  it('writes a summary whose hypervolumes match its points, and a suite.json of one problem', async () => {
    const out = mkdtempSync(join(tmpdir(), 'synthetic-'));
    await runSyntheticCli(
      ['--problem', 'branincurrin', '--method', 'mobo', '--budget', '8', '--seed', '1', '--seeds', '2', '--out', out],
      quiet,
    );
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({
      name: 'synthetic-branincurrin-d2-mobo-8',
      problem: 'branincurrin',
      dim: 2,
      method: 'mobo',
      budget: 8,
      seed: 1,
      seeds: [1, 2],
      reference_point: [-18, -6],
      thresholds: false,
    });
    expect(s.suggest_ms.median).toBeGreaterThan(0);
    const p = makeProblem('branincurrin');
    for (const r of s.runs) {
      expect(r.points).toHaveLength(8);
      for (const pt of r.points) expect(pt.y).toEqual((p.evaluate(pt.x) as { values: number[] }).values);
      const ys = r.points.map((q: { y: number[] }) => q.y);
      expect(r.hypervolume).toBeCloseTo(hypervolume(ys, [-18, -6]), 10);
      for (let i = 0; i < 8; i++) expect(r.trace[i]).toBeCloseTo(hypervolume(ys.slice(0, i + 1), [-18, -6]), 10);
      // observation budget 8: the initial design is a quarter of it (2 points), not 2 (p + 1) = 6
      expect(r.phases).toEqual([...Array(2).fill('initial'), ...Array(6).fill('model')]);
    }
    expect(s.hypervolume).toBeCloseTo((s.runs[0].hypervolume + s.runs[1].hypervolume) / 2, 10);
    expect(s.hypervolume_per_seed).toEqual([s.runs[0].hypervolume, s.runs[1].hypervolume]);
    // the regression check's reference: random search with the same budget and seeds
    const random = await Promise.all(
      [1, 2].map((seed) => runSynthetic('branincurrin', 2, 'random', { budget: 8, seed })),
    );
    expect(s.random_hypervolume).toBeCloseTo((random[0].hypervolume! + random[1].hypervolume!) / 2, 10);
    const suite = SuiteReportSchema.parse(JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')));
    expect(suite.problems.map((q) => q.id)).toEqual(['branincurrin-d2']);
    expect(suite.problems[0].methods.mobo.per_seed).toEqual(s.hypervolume_per_seed);
  });

  it('--no-output-warping reaches the optimizer: the same initial design, then other model suggestions', async () => {
    const run = async (extra: string[]) => {
      const out = mkdtempSync(join(tmpdir(), 'synthetic-'));
      await runSyntheticCli(
        ['--suite', 'extra', '--problems', 'sixhumpcamel', '--budget', '14', ...extra, '--out', out],
        quiet,
      );
      const suite = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8'));
      const sum = JSON.parse(readFileSync(join(out, 'sixhumpcamel-d2', 'summary.json'), 'utf8'));
      return {
        ours: suite.ours,
        variant: suite.variant,
        md: readFileSync(join(out, 'suite.md'), 'utf8'),
        xs: sum.runs[0].points.map((q: { x: Record<string, number> }) => q.x.x0) as number[],
      };
    };
    const warped = await run([]);
    const plain = await run(['--no-output-warping']);
    expect([warped.ours, warped.variant]).toEqual(['mobo', undefined]);
    expect([plain.ours, plain.variant]).toEqual(['mobo', 'outputWarping: false']);
    expect(plain.md).toContain('ours = `mobo` (outputWarping: false)');
    // ours has its column in both tables
    for (const r of [warped, plain])
      expect(r.md).toMatch(/\| sixhumpcamel-d2 \| regret \(opt 1\.032\) \| 14 \| [0-9.e-]+ ± /);
    // the initial design (a quarter of the budget: 4 points) is the same Sobol sequence; the model phase is not
    expect(plain.xs.slice(0, 4)).toEqual(warped.xs.slice(0, 4));
    expect(plain.xs.slice(4)).not.toEqual(warped.xs.slice(4));
  });

  it('single objective: best value, optimum and the regret after every evaluation', async () => {
    const out = mkdtempSync(join(tmpdir(), 'synthetic-'));
    await runSyntheticCli(['--problem', 'branin', '--method', 'random', '--budget', '12', '--out', out], quiet);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ name: 'synthetic-branin-d2-random-12', optimum: -0.397887 });
    const ys: number[] = s.runs[0].points.map((q: { y: number[] }) => q.y[0]);
    expect(s.best_value).toBe(Math.max(...ys));
    expect(s.regret).toBeCloseTo(-0.397887 - Math.max(...ys), 12);
    expect(s.regret_mean_trace).toHaveLength(12);
    s.regret_mean_trace.forEach((v: number, i: number) =>
      expect(v).toBeCloseTo(-0.397887 - Math.max(...ys.slice(0, i + 1)), 12),
    );
    expect(s.hypervolume).toBeUndefined();
  });

  it('rejects bad arguments naming the option', () => {
    expect(() => parseSyntheticArgs(['--problem', 'zdt9'])).toThrow(/--problem/);
    expect(() => parseSyntheticArgs(['--problem', 'zdt1', '--budget', '0'])).toThrow(/--budget/);
    expect(() => parseSyntheticArgs([])).toThrow(/--suite: give either --suite or --problem/);
    expect(() => parseSyntheticArgs(['--suite', 'public', '--problem', 'zdt1'])).toThrow(/--suite/);
    expect(() => parseSyntheticArgs(['--suite', 'nightly'])).toThrow(/--suite/);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--dim', '3'])).toThrow(/--dim/);
    expect(() => suiteProblems('ci', ['zdt7'])).toThrow(/--problems: zdt7 not in suite ci/);
  });
});

describe('synthetic CLI, suites', () => {
  it('public suite: the problems and budgets of the issue', () => {
    const ids = suiteProblems('public').map((p) => `${p.id}@${suiteBudget(p.dim)}`);
    expect(ids).toEqual([
      'branin-d2@30',
      'levy-d8@60',
      'rosenbrock-d6@60',
      'styblinskitang-d10@100',
      'michalewicz-d5@60',
      'branincurrin-d2@30',
      'zdt1-d6@60',
      'zdt1-d20@100',
      'zdt2-d6@60',
      'dtlz2-d6@60',
      'dtlz2-d8@60',
      'dtlz2-d16@100',
      'dtlz1-d6@60',
      'dtlz2m3-d8@60',
      'vehiclesafety-d5@60',
      'rosenbrock-int-d6@60',
      'fn-switch-d5@60',
      'constrained-branincurrin-d2@30',
    ]);
    expect(suiteProblems('public', ['dtlz2']).map((p) => p.id)).toEqual(['dtlz2-d6', 'dtlz2-d8', 'dtlz2-d16']);
  });

  it('a filtered suite writes per-problem summaries and a suite.json / suite.md of the right shape', async () => {
    const out = mkdtempSync(join(tmpdir(), 'synthetic-suite-'));
    const { report } = await runSyntheticCli(
      [
        '--suite',
        'ci',
        '--problems',
        'constrained-branincurrin,fn-switch-d5',
        '--budget',
        '10',
        '--seeds',
        '2',
        '--out',
        out,
      ],
      quiet,
    );
    expect(readdirSync(out).sort()).toEqual(['constrained-branincurrin-d2', 'fn-switch-d5', 'suite.json', 'suite.md']);
    const parsed = SuiteReportSchema.parse(JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
    expect(parsed).toMatchObject({
      kind: 'synthetic-suite',
      suite: 'ci',
      ours: 'mobo',
      methods: ['mobo'],
      seeds: [0, 1],
    });
    const [fn, cbc] = parsed.problems;
    expect(fn).toMatchObject({ id: 'fn-switch-d5', figure: 'regret', better: 'lower', optimum: 1, budget: 10 });
    expect(cbc).toMatchObject({ id: 'constrained-branincurrin-d2', figure: 'hypervolume', better: 'higher' });
    const sum = JSON.parse(readFileSync(join(out, 'constrained-branincurrin-d2', 'summary.json'), 'utf8'));
    expect(cbc.methods.mobo.per_seed).toEqual(sum.hypervolume_per_seed);
    expect(cbc.methods.mobo.mean).toBeCloseTo(sum.hypervolume, 12);
    // failed points count for nothing: the hypervolume is that of the non-failed points
    for (const r of sum.runs) {
      const ok = r.points.filter((q: { y: number[] | null }) => q.y !== null).map((q: { y: number[] }) => q.y);
      expect(r.failed).toBe(r.points.length - ok.length);
      expect(r.hypervolume).toBeCloseTo(hypervolume(ok, [-80, -12]), 10);
    }
    const md = readFileSync(join(out, 'suite.md'), 'utf8');
    expect(md).toMatch(/\| fn-switch-d5 \| regret \(opt 1\.000\) \| 10 \|/);
    expect(md).toMatch(/\| constrained-branincurrin-d2 \| HV \(max 608\.4\) \| 10 \|/);
  });

  it('--jobs 2 runs in child processes and writes the same figures, points and files as --jobs 1', async () => {
    const run = async (jobs: string) => {
      const out = mkdtempSync(join(tmpdir(), 'synthetic-jobs-'));
      const lines: string[] = [];
      await runSyntheticCli(
        [
          '--suite',
          'ci',
          '--problems',
          'zdt1,fn-switch,constrained-branincurrin',
          '--budget',
          '9',
          '--seeds',
          '2',
          '--jobs',
          jobs,
          '--out',
          out,
        ],
        (l) => lines.push(l),
      );
      const suite = SuiteReportSchema.parse(JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')));
      const points = (id: string) =>
        JSON.parse(readFileSync(join(out, id, 'summary.json'), 'utf8')).runs.map((r: { points: unknown }) => r.points);
      return { out, lines, suite, points };
    };
    const one = await run('1');
    const two = await run('2');
    expect(two.lines[0]).toBe('6 runs, 2 at a time in child processes, the longest first');
    // every run is logged once, in whatever order the children finish
    expect(two.lines.filter((l) => / seed=\d /.test(l)).length).toBe(6);
    // suite.json lists the problems in the suite's order, with the same per-seed figures
    expect(two.suite.problems.map((p) => p.id)).toEqual(['zdt1-d6', 'fn-switch-d5', 'constrained-branincurrin-d2']);
    expect(two.suite.problems.map((p) => p.methods.mobo.per_seed)).toEqual(
      one.suite.problems.map((p) => p.methods.mobo.per_seed),
    );
    for (const id of ['zdt1-d6', 'fn-switch-d5', 'constrained-branincurrin-d2'])
      expect(two.points(id)).toEqual(one.points(id));
    expect(readdirSync(two.out).sort()).toEqual(readdirSync(one.out).sort());
  });

  it('--jobs: a run that fails in a child process is named, and the others stop', async () => {
    const task = (id: number, method: string, budget = 9) => ({
      id,
      problem: 'zdt1' as const,
      dim: 6,
      method: method as 'mobo',
      budget,
      seed: id,
      thresholds: false,
      batch: { size: 1, mode: 'greedy' as const },
      outputWarping: true,
      noise: 0,
    });
    const finished: number[] = [];
    await expect(
      runTasks([task(0, 'mobo'), task(1, 'annealing', 500), task(2, 'mobo'), task(3, 'mobo')], 2, (t) =>
        finished.push(t.id),
      ),
    ).rejects.toThrow(/^zdt1-d6 annealing seed=1: malformed task: .*method/s);
    // the failing task is the costliest, so it starts first: the lane that failed took no further task, and the
    // other lane's run was stopped (or had just finished): not the 3 runs that would finish without stopping
    expect(finished.length).toBeLessThanOrEqual(1);
    expect(() => parseSyntheticArgs(['--suite', 'ci', '--jobs', '0'])).toThrow(/^--jobs/);
  });
});
