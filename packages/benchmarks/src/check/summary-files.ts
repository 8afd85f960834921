/**
 * The summary.json files the regression check reads: study runs (report/summary.ts) and synthetic optimizer
 * benchmarks (cli/synthetic.ts), found anywhere under a results folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SummarySchema, type Summary } from '../report/summary.ts';
import { describeZodIssues } from '../zod-issues.ts';

/**
 * Every summary.json under `dir` (not under `skip`, nor node_modules, nor a replicated run's `replicates/` folder:
 * its arms' figures are in the run's own summary, under `replicates`), sorted.
 */
export function findSummaries(dir: string, skip?: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (
          (skip === undefined || path.resolve(p) !== path.resolve(skip)) &&
          e.name !== 'node_modules' &&
          e.name !== 'replicates'
        )
          walk(p);
      } else if (e.name === 'summary.json') out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function readJson(file: string): unknown {
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
export const SyntheticHypervolumeSummarySchema = z
  .object({
    name: z.string().regex(/^synthetic-/),
    problem: z.string(),
    hypervolume: z.number(),
    max_hv: z.number(),
    /** Random search with the same budget and seeds (absent in summaries written before it was added). */
    random_hypervolume: z.number().optional(),
  })
  .passthrough();
export const SyntheticRegretSummarySchema = z
  .object({
    name: z.string().regex(/^synthetic-/),
    problem: z.string(),
    regret: z.number(),
    best_value: z.number(),
    optimum: z.number(),
    /** Random search with the same budget and seeds. */
    random_regret: z.number().optional(),
  })
  .passthrough();
export const SyntheticSummarySchema = z.union([SyntheticHypervolumeSummarySchema, SyntheticRegretSummarySchema]);
export type SyntheticSummary = z.infer<typeof SyntheticSummarySchema>;

/** A summary.json found under the results folder: a study run, or a synthetic optimizer benchmark. */
export type CheckedSummary =
  | { kind: 'study'; name: string; file: string; data: Summary }
  | { kind: 'synthetic'; name: string; file: string; data: SyntheticSummary };

export function loadSummary(file: string): CheckedSummary {
  const json = readJson(file);
  const synthetic = SyntheticSummarySchema.safeParse(json);
  if (synthetic.success) return { kind: 'synthetic', name: synthetic.data.name, file, data: synthetic.data };
  const parsed = SummarySchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${file}: not a study summary: ${describeZodIssues(parsed.error)}`);
  }
  return { kind: 'study', name: parsed.data.name, file, data: parsed.data };
}
