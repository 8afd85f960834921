/**
 * The regression check: every summary.json under a results folder against reports/baselines/<name>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BaselineSchema, compareToBaseline, formatTable, type CheckRow } from './baseline.ts';
import { findSummaries, loadSummary, readJson } from './summary-files.ts';
import { describeZodIssues } from '../zod-issues.ts';

export interface CheckOptions {
  results: string;
  baselines: string;
  /** Fail when a baseline has no summary, or a summary no baseline. */
  strict?: boolean;
}

export interface CheckReport {
  rows: CheckRow[];
  problems: string[];
  text: string;
  ok: boolean;
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
    if (!fs.existsSync(baseFile)) {
      problems.push(`${file}: no baseline ${baseFile}${opts.strict ? '' : ' (not checked)'}`);
      continue;
    }
    const parsed = BaselineSchema.safeParse(readJson(baseFile));
    if (!parsed.success) {
      throw new Error(`${baseFile}: bad baseline: ${describeZodIssues(parsed.error)}`);
    }
    rows.push(...compareToBaseline(summary.data, parsed.data, summary.name));
  }
  if (opts.strict && fs.existsSync(opts.baselines)) {
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
  if (rows.length) parts.push(formatTable(rows));
  parts.push(...problems);
  parts.push(
    ok
      ? `check passed: ${rows.length} figure(s) within tolerance`
      : `check FAILED: ${bad.length} figure(s) regressed or missing${strictFail ? `, ${problems.length} problem(s)` : ''}`,
  );
  return { rows, problems, text: parts.join('\n'), ok };
}
