/**
 * Writing baselines from K repeated runs: every summary.json found under each of K results folders (same names in
 * each), one baseline per name. Tolerances come from the measured run-to-run spread and each figure is gated only if
 * the regression it is there to catch crosses its bound (gate-rules.ts); the rest are listed as `ungated` with the
 * reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Summary } from '../report/summary.ts';
import { getStudy } from '../studies/registry.ts';
import { lookup, type Baseline, type BaselineCheck } from './baseline.ts';
import { SD_MULTIPLIER, studyRules, syntheticRules, type GateContext, type GateRule } from './gate-rules.ts';
import { noLearningAccuracy } from './no-learning.ts';
import { findSummaries, loadSummary, type CheckedSummary } from './summary-files.ts';
import writeFileAtomic from 'write-file-atomic';

/** Fewer runs than this give no usable estimate of the spread. */
export const MIN_RUNS = 3;

export interface Spread {
  runs: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for one run. */
  sd: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf: no values');
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { runs: values.length, mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

export type GateDecision = { check: BaselineCheck } | { ungated: { path: string; reason: string } };

const fmt = (x: number): string => Number(x.toPrecision(4)).toString();

/** One figure: a gate with a tolerance from the spread, or the reason it is not gated. */
export function decideGate<S>(
  rule: GateRule<S>,
  runs: readonly S[],
  labels: readonly string[],
  ctx: GateContext,
): GateDecision {
  const values = runs.map((r) => lookup(r, rule.path));
  const missing = values.flatMap((v, i) => (v === null ? [labels[i]] : []));
  if (missing.length > 0) {
    return {
      ungated: {
        path: rule.path,
        reason:
          missing.length === runs.length
            ? 'not measured (null or absent) in any run'
            : `not measured in ${missing.length} of ${runs.length} runs (${missing.join(', ')})`,
      },
    };
  }
  const xs = values as number[];
  const s = spreadOf(xs);
  if (rule.better === 'equal' && s.min !== s.max) {
    throw new Error(
      `${rule.path} must be the same in every run but is ${xs.map((x, i) => `${x} in ${labels[i]}`).join(', ')}`,
    );
  }
  const tolerance = rule.better === 'equal' ? 0 : Math.max(SD_MULTIPLIER * s.sd, rule.floor(s.mean, runs));
  const bound = rule.better === 'higher' ? s.mean - tolerance : s.mean + tolerance;
  const regressed = rule.regression(s.mean, runs, ctx);
  const stats = `mean ${fmt(s.mean)}, sd ${fmt(s.sd)} over ${s.runs} runs (${fmt(s.min)}..${fmt(s.max)})`;
  if (regressed === null) {
    return { ungated: { path: rule.path, reason: `no reference value for ${rule.catches}; ${stats}` } };
  }
  const trips =
    rule.better === 'higher'
      ? regressed < bound
      : rule.better === 'lower'
        ? regressed > bound
        : Math.abs(regressed - s.mean) > tolerance;
  if (!trips) {
    const atOrPast = rule.better === 'higher' ? regressed >= s.mean : regressed <= s.mean;
    const why =
      s.sd === 0 && regressed === s.mean
        ? `it does not move: ${fmt(s.mean)} in every run, the value that regression gives`
        : atOrPast
          ? `the runs are no better than that regression (${fmt(regressed)} there)`
          : `${fmt(regressed)} in that regression is within the run-to-run spread ` +
            `(bound ${rule.better === 'higher' ? '>=' : '<='} ${fmt(bound)})`;
    return { ungated: { path: rule.path, reason: `cannot catch ${rule.catches}: ${why}; ${stats}` } };
  }
  return {
    check: {
      path: rule.path,
      value: s.mean,
      better: rule.better,
      tolerance,
      mode: 'abs',
      note:
        rule.better === 'equal'
          ? 'the same in every run'
          : `mean ${rule.better === 'higher' ? '-' : '+'} max(${SD_MULTIPLIER} sd, floor ${fmt(rule.floor(s.mean, runs))})`,
      spread: { runs: s.runs, sd: s.sd, min: s.min, max: s.max },
      catches: { regression: rule.catches, value: regressed },
    },
  };
}

/** The baseline of one summary name from its K runs (all of one kind). */
export function baselineFromRuns(
  runs: readonly CheckedSummary[],
  labels: readonly string[],
  ctx: GateContext,
): Baseline {
  if (runs.length === 0) throw new Error('baselineFromRuns: no runs');
  const name = runs[0].name;
  const decisions =
    runs[0].kind === 'study'
      ? studyRules(runs[0].data).map((r) =>
          decideGate(
            r,
            runs.map((x) => x.data as Summary),
            labels,
            ctx,
          ),
        )
      : syntheticRules(runs[0].data).map((r) =>
          decideGate(
            r,
            runs.map((x) => x.data as Extract<CheckedSummary, { kind: 'synthetic' }>['data']),
            labels,
            ctx,
          ),
        );
  const checks = decisions.flatMap((d) => ('check' in d ? [d.check] : []));
  const ungated = decisions.flatMap((d) => ('ungated' in d ? [d.ungated] : []));
  if (checks.length === 0)
    throw new Error(`${name}: no figure can be gated (${ungated.map((u) => u.path).join(', ')})`);
  const first = runs[0];
  const about =
    first.kind === 'study'
      ? `seed ${first.data.seed}, backend ${first.data.backend}, ${first.data.workers} workers`
      : `problem ${first.data.problem}`;
  return {
    name,
    description:
      `written from ${runs.length} runs of ${name} (${about}); tolerance = max(${SD_MULTIPLIER} x run-to-run sd, ` +
      `floor); a figure is gated only if the regression it catches crosses its bound`,
    checks,
    ...(ungated.length ? { ungated } : {}),
  };
}

/** The no-learning accuracy of a study run's validation subset (the dataset is read from dataDir). */
export async function noLearningFromData(summary: Summary, dataDir: string | undefined): Promise<number> {
  try {
    const study = await getStudy(summary.study);
    const data = await study.loadData({ preset: summary.preset, seed: summary.seed, dataDir });
    return noLearningAccuracy(data.yVal, data.numClasses);
  } catch (err) {
    throw new Error(
      `${summary.name}: the no-learning accuracy needs the ${summary.study} dataset ` +
        `(--data-dir or PARETOBENCH_DATA_DIR): ${(err as Error).message}`,
    );
  }
}

export interface WriteOptions {
  /** K results folders of repeated runs (the same summaries in each). */
  from: readonly string[];
  /** Folder the baselines are written to. */
  baselines: string;
  dataDir?: string;
  /** The no-learning accuracy of a study run (default: from its validation labels, noLearningFromData). */
  noLearning?: (summary: Summary) => Promise<number | null>;
}

export async function writeBaselines(opts: WriteOptions): Promise<{ written: string[]; text: string }> {
  if (opts.from.length < MIN_RUNS) {
    throw new Error(
      `--from: ${opts.from.length} results folder(s) given; a baseline needs at least ${MIN_RUNS} repeated runs`,
    );
  }
  const byDir = opts.from.map((dir) => {
    if (!fs.existsSync(dir)) throw new Error(`--from: no such folder ${dir}`);
    const summaries = findSummaries(dir, opts.baselines).map(loadSummary);
    if (summaries.length === 0) throw new Error(`--from: no summary.json under ${dir}`);
    return new Map(summaries.map((s) => [s.name, s]));
  });
  const names = [...new Set(byDir.flatMap((m) => [...m.keys()]))].sort();
  const noLearning = opts.noLearning ?? ((s: Summary) => noLearningFromData(s, opts.dataDir));
  const written: string[] = [];
  const lines: string[] = [];
  fs.mkdirSync(opts.baselines, { recursive: true });
  for (const name of names) {
    const absent = opts.from.filter((_, i) => !byDir[i].has(name));
    if (absent.length)
      throw new Error(`${name}: no summary.json in ${absent.join(', ')} (every run needs every summary)`);
    const runs = byDir.map((m) => m.get(name)!);
    const first = runs[0];
    let ctx: GateContext = { noLearningAccuracy: null };
    if (first.kind === 'study') {
      const studies = runs.map((r) =>
        r.kind === 'study' ? `${r.data.study}/${r.data.preset.name}/${r.data.seed}` : r.kind,
      );
      if (new Set(studies).size > 1)
        throw new Error(`${name}: the runs differ in study/preset/seed (${studies.join(', ')})`);
      // a surrogate run's gates compare it with its random arms, not with a model that learned nothing
      if (!first.data.backend?.startsWith('surrogate:')) ctx = { noLearningAccuracy: await noLearning(first.data) };
    }
    const baseline = baselineFromRuns(runs, opts.from, ctx);
    const file = path.join(opts.baselines, `${name}.json`);
    writeFileAtomic.sync(file, JSON.stringify(baseline, null, 2) + '\n');
    written.push(file);
    lines.push(`${file}: ${baseline.checks.length} gate(s): ${baseline.checks.map((c) => c.path).join(', ')}`);
    for (const u of baseline.ungated ?? []) lines.push(`  not gated ${u.path}: ${u.reason}`);
  }
  lines.push(`wrote ${written.length} baseline(s) from ${opts.from.length} runs`);
  return { written, text: lines.join('\n') };
}
