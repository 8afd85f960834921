/**
 * The regression check: every summary.json under a results folder against reports/baselines/<name>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SummarySchema, type Summary } from '../report/summary.ts';
import {
  BaselineSchema,
  baselineFromSummary,
  compareToBaseline,
  formatTable,
  type Baseline,
  type CheckRow,
} from './baseline.ts';

export interface CheckOptions {
  results: string;
  baselines: string;
  /** Write (or overwrite) baselines from the summaries found instead of comparing. */
  writeBaselines?: boolean;
  /** Fail when a baseline has no summary, or a summary no baseline. */
  strict?: boolean;
}

export interface CheckReport {
  rows: CheckRow[];
  problems: string[];
  text: string;
  ok: boolean;
}

export function findSummaries(dir: string, skip: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (path.resolve(p) !== path.resolve(skip) && e.name !== 'node_modules') walk(p);
      } else if (e.name === 'summary.json') out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/**
 * The figures of a synthetic optimizer benchmark (`benchmarks:synthetic`) that the check reads: the mean hypervolume
 * of a multi-objective problem, or the mean final regret (optimum - best value) of a single-objective one.
 */
const SyntheticRegretSummarySchema = z
  .object({
    name: z.string().regex(/^synthetic-/),
    problem: z.string(),
    regret: z.number(),
    best_value: z.number(),
    optimum: z.number(),
  })
  .passthrough();
const SyntheticSummarySchema = z.union([
  z
    .object({
      name: z.string().regex(/^synthetic-/),
      problem: z.string(),
      hypervolume: z.number(),
      max_hv: z.number(),
    })
    .passthrough(),
  SyntheticRegretSummarySchema,
]);
export type SyntheticSummary = z.infer<typeof SyntheticSummarySchema>;

/** A summary.json found under the results folder: a study run, or a synthetic optimizer benchmark. */
export type CheckedSummary =
  { kind: 'study'; name: string; data: Summary } | { kind: 'synthetic'; name: string; data: SyntheticSummary };

export function loadSummary(file: string): CheckedSummary {
  const json = readJson(file);
  const synthetic = SyntheticSummarySchema.safeParse(json);
  if (synthetic.success) return { kind: 'synthetic', name: synthetic.data.name, data: synthetic.data };
  const parsed = SummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: not a study summary: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { kind: 'study', name: parsed.data.name, data: parsed.data };
}

/**
 * A baseline for a synthetic benchmark: its mean hypervolume may not drop by more than 5% of the gap between the
 * baseline and the problem's maximum hypervolume plus 0.1% of the baseline; a single-objective mean final regret may
 * not grow by more than 5% of itself plus 0.1% of the optimum's magnitude (at least 0.001). The runs are
 * deterministic for a seed, so any real change is a change in the optimizer.
 */
export function baselineFromSynthetic(summary: SyntheticSummary): Baseline {
  const description = `generated from ${summary.name} (problem ${summary.problem}); deterministic for its seeds`;
  const single = SyntheticRegretSummarySchema.safeParse(summary);
  if (single.success) {
    const { regret, optimum } = single.data;
    return {
      name: summary.name,
      description,
      checks: [
        {
          path: 'regret',
          value: regret,
          better: 'lower',
          tolerance: Number((0.05 * Math.max(regret, 0) + 0.001 * Math.max(1, Math.abs(optimum))).toPrecision(4)),
          mode: 'abs',
          note: 'mean final regret (optimum - best value) over the seeds; the optimizer got worse if this grows',
        },
      ],
    };
  }
  const multi = summary as Extract<SyntheticSummary, { hypervolume: number }>;
  const gap = Math.max(multi.max_hv - multi.hypervolume, 0);
  return {
    name: summary.name,
    description,
    checks: [
      {
        path: 'hypervolume',
        value: multi.hypervolume,
        better: 'higher',
        tolerance: Number((0.05 * gap + 0.001 * Math.abs(multi.hypervolume)).toPrecision(4)),
        mode: 'abs',
        note: 'mean hypervolume over the seeds; the optimizer got worse if this drops',
      },
    ],
  };
}

export function runCheck(opts: CheckOptions): CheckReport {
  const files = findSummaries(opts.results, opts.baselines);
  const problems: string[] = [];
  const rows: CheckRow[] = [];
  if (files.length === 0) problems.push(`no summary.json found under ${opts.results}`);
  const seen = new Set<string>();
  for (const file of files) {
    const summary = loadSummary(file);
    seen.add(summary.name);
    const baseFile = path.join(opts.baselines, `${summary.name}.json`);
    if (opts.writeBaselines) {
      fs.mkdirSync(opts.baselines, { recursive: true });
      fs.writeFileSync(
        baseFile,
        JSON.stringify(
          summary.kind === 'study' ? baselineFromSummary(summary.data) : baselineFromSynthetic(summary.data),
          null,
          2,
        ) + '\n',
      );
      continue;
    }
    if (!fs.existsSync(baseFile)) {
      problems.push(`${file}: no baseline ${baseFile}${opts.strict ? '' : ' (not checked)'}`);
      continue;
    }
    const parsed = BaselineSchema.safeParse(readJson(baseFile));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${baseFile}: bad baseline: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    rows.push(...compareToBaseline(summary.data, parsed.data, summary.name));
  }
  if (opts.strict && fs.existsSync(opts.baselines) && !opts.writeBaselines) {
    for (const f of fs.readdirSync(opts.baselines).filter((x) => x.endsWith('.json'))) {
      const name = f.replace(/\.json$/, '');
      if (!seen.has(name))
        problems.push(`baseline ${path.join(opts.baselines, f)} has no summary under ${opts.results}`);
    }
  }
  const bad = rows.filter((r) => r.status !== 'ok');
  const strictFail = opts.strict ? problems.length > 0 : files.length === 0;
  const ok = bad.length === 0 && !strictFail;
  const parts: string[] = [];
  if (opts.writeBaselines) parts.push(`wrote ${files.length} baseline(s) to ${opts.baselines}`);
  if (rows.length) parts.push(formatTable(rows));
  parts.push(...problems);
  parts.push(
    opts.writeBaselines
      ? ''
      : ok
        ? `check passed: ${rows.length} figure(s) within tolerance`
        : `check FAILED: ${bad.length} figure(s) regressed or missing${strictFail ? `, ${problems.length} problem(s)` : ''}`,
  );
  return { rows, problems, text: parts.filter(Boolean).join('\n'), ok: opts.writeBaselines ? true : ok };
}
