/**
 * Baseline files (reports/baselines/<summary name>.json) and the comparison of a summary.json against one.
 *
 * A baseline lists figures by their path in summary.json, the baseline value (the mean over the runs it was written
 * from), which direction is better and the tolerance (absolute, or relative to the baseline value). A figure regresses
 * when it is worse than the baseline by more than the tolerance; "equal" figures (e.g. trial counts) regress when they
 * differ by more. How baselines are written, and why some figures are not gated: gate-rules.ts, write-baseline.ts.
 */
import { z } from 'zod';

export const BaselineCheckSchema = z
  .object({
    path: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/),
    value: z.number(),
    better: z.enum(['higher', 'lower', 'equal']),
    tolerance: z.number().min(0),
    mode: z.enum(['abs', 'rel']).default('abs'),
    note: z.string().optional(),
    /** The run-to-run spread the tolerance was derived from. */
    spread: z
      .object({ runs: z.number().int().min(1), sd: z.number().min(0), min: z.number(), max: z.number() })
      .strict()
      .optional(),
    /** The regression this gate is there to catch and the value the figure takes in it (beyond the bound). */
    catches: z.object({ regression: z.string(), value: z.number() }).strict().optional(),
  })
  .strict();
export type BaselineCheck = z.infer<typeof BaselineCheckSchema>;

export const BaselineSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    checks: z.array(BaselineCheckSchema).min(1),
    /** Figures deliberately not gated, with the reason (e.g. one that does not move at this preset). */
    ungated: z.array(z.object({ path: z.string(), reason: z.string() }).strict()).optional(),
  })
  .strict();
export type Baseline = z.infer<typeof BaselineSchema>;

export interface CheckRow {
  summary: string;
  path: string;
  baseline: number;
  actual: number | null;
  better: BaselineCheck['better'];
  allowed: string;
  delta: number | null;
  status: 'ok' | 'regressed' | 'missing';
}

export function lookup(obj: unknown, path: string): number | null {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

/** The allowed slack of a check in absolute units. */
export function slack(check: BaselineCheck): number {
  return check.mode === 'rel' ? Math.abs(check.value) * check.tolerance : check.tolerance;
}

export function compareToBaseline(summary: unknown, baseline: Baseline, name: string): CheckRow[] {
  return baseline.checks.map((c) => {
    const actual = lookup(summary, c.path);
    const s = slack(c);
    const allowed =
      (c.better === 'higher' ? '>= ' : c.better === 'lower' ? '<= ' : '= ') +
      (c.better === 'higher' ? c.value - s : c.better === 'lower' ? c.value + s : c.value).toPrecision(4) +
      (c.better === 'equal' && s > 0 ? ` ± ${s.toPrecision(3)}` : '') +
      (c.mode === 'rel' ? ` (${(c.tolerance * 100).toFixed(0)}%)` : '');
    if (actual === null) {
      return {
        summary: name,
        path: c.path,
        baseline: c.value,
        actual,
        better: c.better,
        allowed,
        delta: null,
        status: 'missing',
      };
    }
    const delta = actual - c.value;
    const eps = 1e-12 * Math.max(1, Math.abs(c.value));
    const regressed =
      c.better === 'higher' ? delta < -s - eps : c.better === 'lower' ? delta > s + eps : Math.abs(delta) > s + eps;
    return {
      summary: name,
      path: c.path,
      baseline: c.value,
      actual,
      better: c.better,
      allowed,
      delta,
      status: regressed ? 'regressed' : 'ok',
    };
  });
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function formatTable(rows: CheckRow[]): string {
  const cells = rows.map((r) => [
    r.status === 'ok' ? 'ok' : r.status === 'missing' ? 'MISSING' : 'REGRESSED',
    r.summary,
    r.path,
    r.baseline.toPrecision(4),
    r.actual === null ? '-' : r.actual.toPrecision(4),
    r.delta === null
      ? '-'
      : (r.delta >= 0 ? '+' : '') +
        r.delta.toPrecision(3) +
        (r.baseline !== 0 ? ` (${((100 * r.delta) / Math.abs(r.baseline)).toFixed(1)}%)` : ''),
    r.allowed,
  ]);
  const head = ['status', 'summary', 'figure', 'baseline', 'actual', 'change', 'allowed'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => pad(x, widths[i], i >= 3 && i <= 5)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
