import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeSummary, type Summary } from '../report/summary.ts';
import DIATOM from '../studies/diatom/index.ts';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import { syntheticTrials } from '../../test/fixtures.ts';
import { BaselineSchema, compareToBaseline, lookup, type Baseline } from './baseline.ts';
import { STUDY_RULES } from './gate-rules.ts';
import { runCheck } from './run-check.ts';
import { baselineFromRuns, decideGate, spreadOf, writeBaselines } from './write-baseline.ts';

/** Sets the figure at a dotted path of a summary-like object. */
function setPath(obj: unknown, p: string, value: number): void {
  const keys = p.split('.');
  let cur = obj as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
  cur[keys[keys.length - 1]] = value;
}

function studySummary(study: 'diatom' | 'rotten'): Summary {
  const def = study === 'diatom' ? DIATOM : ROTTEN;
  return computeSummary({
    study: def,
    preset: { ...getPreset(def, 'smoke'), budgets: { optimizer: 8, random: 40 }, confidenceRepeats: 20 },
    seed: 0,
    workers: 2,
    backend: 'fake',
    optimizer: 'in-process',
    trials: syntheticTrials(8, 40, study),
  });
}

/**
 * K = 4 "repeated runs" of a diatom study and a synthetic benchmark: the same trials, run-to-run spread in the timing
 * figures (CPU medians within a few %, as measured; wall time, which no rule gates, within ~10 %).
 */
function repeatedRuns(): { root: string; dirs: string[]; diatom: Summary[]; synthetic: Record<string, unknown>[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-baselines-'));
  const base = studySummary('diatom');
  const wall = [100, 110, 95, 105];
  const cpu = [2.0, 2.1, 1.95, 2.05];
  const suggestCpu = [30, 31, 29, 30.5];
  const dirs: string[] = [];
  const diatom: Summary[] = [];
  const synthetic: Record<string, unknown>[] = [];
  for (let i = 0; i < 4; i++) {
    const dir = path.join(root, `run${i + 1}`);
    const s = structuredClone(base);
    s.wall_seconds = wall[i];
    s.methods.random.trial_cpu_per_reference_median = cpu[i];
    const syn = {
      name: 'synthetic-zdt1-d6-mobo-30',
      problem: 'zdt1',
      dim: 6,
      hypervolume: 120.5,
      max_hv: 120.7,
      random_hypervolume: 118.0,
      suggest_cpu_model_phase_per_reference: suggestCpu[i],
    };
    fs.mkdirSync(path.join(dir, 'diatom-smoke'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'synthetic-zdt1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'diatom-smoke', 'summary.json'), JSON.stringify(s));
    fs.writeFileSync(path.join(dir, 'synthetic-zdt1', 'summary.json'), JSON.stringify(syn));
    dirs.push(dir);
    diatom.push(s);
    synthetic.push(syn);
  }
  return { root, dirs, diatom, synthetic };
}

/** Minimal summary-shaped objects for one rule (decideGate only reads the rule's path). */
const asRuns = (xs: object[]): Summary[] => xs as unknown as Summary[];

const readBaseline = (dir: string, name: string): Baseline =>
  BaselineSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')));

describe('spreadOf', () => {
  it('gives the mean, the sample standard deviation (n - 1) and the range', () => {
    const s = spreadOf([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect([s.runs, s.min, s.max]).toEqual([4, 1, 4]);
    expect(spreadOf([7]).sd).toBe(0);
  });
});

describe('decideGate', () => {
  const cpuRule = STUDY_RULES.find((r) => r.path === 'methods.random.trial_cpu_per_reference_median')!;
  const runs = (xs: number[]) =>
    asRuns(xs.map((x) => ({ methods: { random: { trial_cpu_per_reference_median: x } } })));
  const labels = ['a', 'b', 'c', 'd'];

  it('tolerance = max(3 sd, floor): the floor when runs agree, 3 sd when they spread', () => {
    const tight = decideGate(cpuRule, runs([1.0, 1.01, 0.99, 1.0]), labels, { noLearningAccuracy: null });
    // sd 0.0082, 3 sd = 0.0245 < floor 0.6 (60 % of the mean: the spread between machines of one kind)
    expect('check' in tight && tight.check).toMatchObject({ value: 1, better: 'lower', tolerance: 0.6 });
    const wide = decideGate(cpuRule, runs([1.0, 1.4, 0.7, 1.1]), labels, { noLearningAccuracy: null });
    // mean 1.05, sd 0.289, 3 sd = 0.866 > floor 0.63; bound 1.92 < 2.1 (2x): still gated
    expect('check' in wide && wide.check.tolerance).toBeCloseTo(3 * spreadOf([1.0, 1.4, 0.7, 1.1]).sd, 9);
    expect('check' in wide && wide.check.catches?.regression).toBe(
      "trials that cost 2x the CPU time (median over random search's trials, per host-speed reference)",
    );
    expect('check' in wide && wide.check.catches?.value).toBeCloseTo(2.1, 12);
  });

  it('does not gate a time whose noise hides a 2x slowdown, and says so with the numbers', () => {
    // mean 11.4, sd 5.2 (the spread of the diatom smoke's wall time on the loaded 2-core machine): bound 27 is
    // beyond 2x = 22.9
    const d = decideGate(cpuRule, runs([10.0, 6.0, 11.2, 18.5]), labels, { noLearningAccuracy: null });
    expect('ungated' in d && d.ungated.reason).toMatch(
      /^cannot catch trials that cost 2x the CPU time \(median over random search's trials, per host-speed reference\): 22\.8\d* in that regression is within the run-to-run spread \(bound <= 27\.\d+\); mean 11\.43, sd 5\.2\d* over 4 runs/,
    );
  });

  it('does not gate a feasible fraction that is 0 in every run (rotten smoke: no trial reaches 0.75)', () => {
    const rule = STUDY_RULES.find((r) => r.path === 'methods.random.feasible_fraction')!;
    const zero = asRuns([0, 0, 0].map(() => ({ methods: { random: { feasible_fraction: 0 } } })));
    const d = decideGate(rule, zero, labels, { noLearningAccuracy: null });
    expect('ungated' in d && d.ungated.reason).toMatch(
      /cannot catch every trial failed: it does not move: 0 in every run/,
    );
    const one = asRuns([1, 1, 1].map(() => ({ methods: { random: { feasible_fraction: 1 } } })));
    const g = decideGate(rule, one, labels, { noLearningAccuracy: null });
    expect('check' in g && g.check).toMatchObject({ value: 1, tolerance: 0.1, catches: { value: 0 } });
  });

  it('gates best accuracy only above the no-learning level', () => {
    const rule = STUDY_RULES.find((r) => r.path === 'methods.random.best_accuracy')!;
    const acc = (x: number) => asRuns([{ methods: { random: { best_accuracy: x } } }])[0];
    // the diatom smoke: 0.128 in every run on 39 validation series, where learning nothing reaches 0.29
    const chance = decideGate(rule, [acc(0.128), acc(0.128), acc(0.128)], labels, { noLearningAccuracy: 0.29 });
    expect('ungated' in chance && chance.ungated.reason).toMatch(
      /^cannot catch training that learns nothing \(best accuracy at the no-learning level\): the runs are no better than that regression \(0\.29 there\); mean 0\.128, sd 0 over 3 runs/,
    );
    const learnt = decideGate(rule, [acc(0.6), acc(0.62), acc(0.58)], labels, { noLearningAccuracy: 0.29 });
    // sd 0.02, 3 sd = 0.06 > floor 0.05: bound 0.54
    expect('check' in learnt && learnt.check.tolerance).toBeCloseTo(0.06, 9);
    const unknown = decideGate(rule, [acc(0.6), acc(0.6), acc(0.6)], labels, { noLearningAccuracy: null });
    expect('ungated' in unknown && unknown.ungated.reason).toMatch(/no reference value/);
  });

  it('names the runs where a figure is missing; a count that differs between runs is an error', () => {
    const rule = STUDY_RULES.find((r) => r.path === 'methods.random.completed')!;
    const n = (x: number | null) => asRuns([{ methods: { random: { completed: x } } }])[0];
    const d = decideGate(rule, [n(20), n(null), n(20)], labels, { noLearningAccuracy: null });
    expect('ungated' in d && d.ungated.reason).toBe('not measured in 1 of 3 runs (b)');
    expect(() => decideGate(rule, [n(20), n(19), n(20)], labels, { noLearningAccuracy: null })).toThrow(
      /methods\.random\.completed must be the same in every run but is 20 in a, 19 in b, 20 in c/,
    );
  });
});

describe('writeBaselines from K runs', () => {
  it('writes one baseline per summary, with the spread and the regression each gate catches', async () => {
    const r = repeatedRuns();
    const out = path.join(r.root, 'baselines');
    const { written, text } = await writeBaselines({ from: r.dirs, baselines: out, noLearning: async () => 0.1 });
    expect(written.map((f) => path.basename(f))).toEqual(['diatom-smoke.json', 'synthetic-zdt1-d6-mobo-30.json']);
    const syn = readBaseline(out, 'synthetic-zdt1-d6-mobo-30');
    // hypervolume: deterministic (sd 0), so the floor: 5 % of the gap (0.2) + 0.1 % of 120.5 = 0.1305
    expect(syn.checks[0]).toMatchObject({ path: 'hypervolume', value: 120.5, better: 'higher', mode: 'abs' });
    expect(syn.checks[0].tolerance).toBeCloseTo(0.1305, 12);
    expect(syn.checks[0].catches?.value).toBe(118);
    const cpu = syn.checks.find((c) => c.path === 'suggest_cpu_model_phase_per_reference')!;
    expect(cpu.value).toBeCloseTo(30.125, 12);
    expect(cpu.spread).toMatchObject({ runs: 4, min: 29, max: 31 });
    const diatom = readBaseline(out, 'diatom-smoke');
    expect(diatom.checks.map((c) => c.path)).toEqual([
      'methods.optimizer.completed',
      'methods.optimizer.errors',
      'methods.optimizer.feasible_fraction',
      'methods.optimizer.best_accuracy',
      'methods.random.completed',
      'methods.random.errors',
      'methods.random.feasible_fraction',
      'methods.random.best_accuracy',
      'methods.optimizer.union_share',
      'methods.random.trial_cpu_per_reference_median',
      'worker_utilisation',
    ]);
    const cpuGate = diatom.checks.find((c) => c.path === 'methods.random.trial_cpu_per_reference_median')!;
    // CPU 2.0, 2.1, 1.95, 2.05: mean 2.025, 3 sd = 0.19 < floor 60 % = 1.215
    expect(cpuGate.tolerance).toBeCloseTo(1.215, 12);
    expect(cpuGate.catches?.value).toBeCloseTo(4.05, 12);
    expect(text).toMatch(/wrote 2 baseline\(s\) from 4 runs/);
  });

  it('every gate written trips on the regression it names, and none trips on the runs it was written from', async () => {
    const r = repeatedRuns();
    const out = path.join(r.root, 'baselines');
    await writeBaselines({ from: r.dirs, baselines: out, noLearning: async () => 0.1 });
    for (const [name, runs] of [
      ['diatom-smoke', r.diatom],
      ['synthetic-zdt1-d6-mobo-30', r.synthetic],
    ] as const) {
      const baseline = readBaseline(out, name);
      for (const run of runs) expect(compareToBaseline(run, baseline, name).every((x) => x.status === 'ok')).toBe(true);
      for (const check of baseline.checks) {
        const regressed = structuredClone(runs[0]) as unknown;
        setPath(regressed, check.path, check.catches!.value);
        const rows = compareToBaseline(regressed, baseline, name);
        expect(
          rows.filter((x) => x.status !== 'ok').map((x) => x.path),
          `${name} ${check.path}`,
        ).toEqual([check.path]);
      }
    }
  });

  it('the check fails with a table on a hypervolume drop, an accuracy drop, no frontier share, CPU and wall-clock blow-ups, a lost trial', async () => {
    const r = repeatedRuns();
    const out = path.join(r.root, 'baselines');
    await writeBaselines({ from: r.dirs, baselines: out, noLearning: async () => 0.1 });
    expect(runCheck({ results: r.dirs[2], baselines: out, strict: true }).ok).toBe(true);

    const synFile = path.join(r.dirs[2], 'synthetic-zdt1', 'summary.json');
    const diaFile = path.join(r.dirs[2], 'diatom-smoke', 'summary.json');
    // a drop of 0.12 is within the 0.1305 floor, 0.2 is not
    fs.writeFileSync(synFile, JSON.stringify({ ...r.synthetic[2], hypervolume: 120.38 }));
    expect(runCheck({ results: r.dirs[2], baselines: out, strict: true }).ok).toBe(true);
    fs.writeFileSync(synFile, JSON.stringify({ ...r.synthetic[2], hypervolume: 120.3 }));
    const worse = structuredClone(r.diatom[2]);
    worse.methods.optimizer.best_accuracy = 0.1;
    worse.methods.random.trial_cpu_per_reference_median = 4.1; // 2x the mean 2.025; bound 3.24
    worse.methods.random.completed -= 1;
    worse.methods.optimizer.union_share = 0; // the frontier share regression
    worse.worker_utilisation! /= 2; // the wall-clock regression: trials one at a time on 2 workers
    fs.writeFileSync(diaFile, JSON.stringify(worse));
    const bad = runCheck({ results: r.dirs[2], baselines: out, strict: true });
    expect(bad.ok).toBe(false);
    expect(bad.rows.filter((x) => x.status === 'regressed').map((x) => `${x.summary} ${x.path}`)).toEqual([
      'diatom-smoke methods.optimizer.best_accuracy',
      'diatom-smoke methods.random.completed',
      'diatom-smoke methods.optimizer.union_share',
      'diatom-smoke methods.random.trial_cpu_per_reference_median',
      'diatom-smoke worker_utilisation',
      'synthetic-zdt1-d6-mobo-30 hypervolume',
    ]);
    expect(bad.text).toMatch(/REGRESSED\s+synthetic-zdt1-d6-mobo-30\s+hypervolume\s+120\.5\s+120\.3\s+-0\.200/);
    expect(bad.text).toMatch(/check FAILED: 6 figure\(s\) regressed/);
  });

  it('needs at least 3 runs, each with every summary; names what is missing', async () => {
    const r = repeatedRuns();
    const out = path.join(r.root, 'baselines');
    await expect(writeBaselines({ from: r.dirs.slice(0, 2), baselines: out })).rejects.toThrow(
      /2 results folder\(s\) given; a baseline needs at least 3 repeated runs/,
    );
    fs.rmSync(path.join(r.dirs[1], 'synthetic-zdt1'), { recursive: true });
    await expect(writeBaselines({ from: r.dirs, baselines: out, noLearning: async () => 0.1 })).rejects.toThrow(
      new RegExp(`synthetic-zdt1-d6-mobo-30: no summary.json in ${r.dirs[1]}`),
    );
    await expect(writeBaselines({ from: [...r.dirs, path.join(r.root, 'nope')], baselines: out })).rejects.toThrow(
      /--from: no such folder .*nope/,
    );
  });
});

describe('the gates of a surrogate run (--trainer surrogate --repeats K)', () => {
  /** A deterministic surrogate run: the same figures in every run, the random arms' beside the optimizer's. */
  function surrogateRun(): Summary {
    const s = structuredClone(studySummary('rotten'));
    s.backend = 'surrogate:0123456789ab';
    s.name = 'rotten-default-surrogate';
    const d = (median: number) => ({ min: median, median, max: median, mean: median });
    s.replicates = {
      reference_point: { accuracy: 0.7, time: 100 },
      random: { seed: 0, completed: 45, feasible_fraction: 0.2, best_accuracy: 0.78, hypervolume: 5 },
      optimizer: [],
      distribution: {
        union_share: d(0.5),
        hypervolume: d(5.5),
        feasible_fraction: d(0.58),
        best_accuracy: d(0.8),
        random_hypervolume: d(5.0),
        random_feasible_fraction: d(0.2),
        random_hypervolume_at_optimizer_budget: d(3.2),
      },
      arms_beating_random_hypervolume: 2,
      arms_with_majority_share: 1,
      paper: [],
      wall_seconds: 3,
    };
    return s;
  }

  it('gates the optimizer against its random arms, halfway to the regression, and skips the timing figures', () => {
    const runs = [1, 2, 3].map(() => ({
      kind: 'study' as const,
      name: 'rotten-default-surrogate',
      file: 'x',
      data: surrogateRun(),
    }));
    const b = baselineFromRuns(runs, ['a', 'b', 'c'], { noLearningAccuracy: null });
    const by = new Map(b.checks.map((c) => [c.path, c]));
    expect([...by.keys()].sort()).toEqual([
      'methods.optimizer.completed',
      'methods.optimizer.errors',
      'methods.random.completed',
      'methods.random.errors',
      'replicates.distribution.feasible_fraction.median',
      'replicates.distribution.hypervolume.median',
      'replicates.distribution.union_share.median',
    ]);
    // bound halfway between the optimizer's median (5.5) and random search's at the optimizer's budget (3.2)
    expect(by.get('replicates.distribution.hypervolume.median')!.tolerance).toBeCloseTo(1.15, 12);
    expect(by.get('replicates.distribution.hypervolume.median')!.catches!.value).toBeCloseTo(3.2, 12);
    expect(by.get('replicates.distribution.feasible_fraction.median')!.tolerance).toBeCloseTo(0.19, 12);
    expect(by.get('replicates.distribution.union_share.median')!.catches!.value).toBe(0);
    for (const c of b.checks) {
      const regressed = structuredClone(runs[0].data) as unknown;
      setPath(regressed, c.path, c.catches!.value);
      expect(
        compareToBaseline(regressed, b, b.name)
          .filter((x) => x.status !== 'ok')
          .map((x) => x.path),
      ).toEqual([c.path]);
    }
  });

  it('does not gate a feasible fraction that random search matches (a study without failures)', () => {
    const s = surrogateRun();
    s.replicates!.distribution.feasible_fraction = { min: 1, median: 1, max: 1, mean: 1 };
    s.replicates!.distribution.random_feasible_fraction = { min: 1, median: 1, max: 1, mean: 1 };
    const runs = [1, 2, 3].map(() => ({ kind: 'study' as const, name: s.name, file: 'x', data: structuredClone(s) }));
    const b = baselineFromRuns(runs, ['a', 'b', 'c'], { noLearningAccuracy: null });
    expect(b.checks.map((c) => c.path)).not.toContain('replicates.distribution.feasible_fraction.median');
    expect(b.ungated!.map((u) => u.path)).toContain('replicates.distribution.feasible_fraction.median');
  });
});

describe('the committed baselines (reports/baselines)', () => {
  const dir = path.resolve(import.meta.dirname, '../../../../reports/baselines');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('hold only gates that their regression trips and that the runs they were written from pass', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const baseline = BaselineSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      expect(baseline.name).toBe(f.replace(/\.json$/, ''));
      for (const c of baseline.checks) {
        expect(c.spread?.runs, `${f} ${c.path}`).toBeGreaterThanOrEqual(3);
        const at = (value: number) => {
          const s = {};
          setPath(s, c.path, value);
          expect(lookup(s, c.path)).toBe(value);
          return compareToBaseline(s, { ...baseline, checks: [c] }, baseline.name)[0].status;
        };
        expect(at(c.catches!.value), `${f} ${c.path} at its regression value`).toBe('regressed');
        expect(at(c.spread!.min), `${f} ${c.path} at the lowest run`).toBe('ok');
        expect(at(c.spread!.max), `${f} ${c.path} at the highest run`).toBe('ok');
      }
      for (const u of baseline.ungated ?? []) expect(u.reason.length, `${f} ${u.path}`).toBeGreaterThan(20);
    }
  });
});
