/**
 * suite.json (per problem, per method: mean, sd, per-seed figures, time) and suite.md (the table of ours against
 * the peers, with wins and losses marked).
 *
 * The figure is the hypervolume (higher is better) for multi-objective problems and the final regret
 * (optimum - best value, lower is better) for single-objective ones. Ours wins against a peer on a problem when its
 * mean is better by more than two standard errors of the difference of the means (sqrt(sd_a^2/n_a + sd_b^2/n_b)),
 * loses when it is worse by as much, and ties otherwise (always with a single seed).
 */
import { z } from 'zod';
import { anchorFor, type Anchor } from './suite.ts';
import type { SyntheticProblem } from './problems.ts';
import type { AnyMethod, SyntheticRunResult } from './run.ts';
import { mean, sd } from './summary.ts';

export const MethodStatsSchema = z.object({
  evaluations: z.number().int(),
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  per_seed: z.array(z.number().nullable()),
  /** single objective: best value per seed (the figure is the regret) */
  best_value_per_seed: z.array(z.number().nullable()).optional(),
  failed_mean: z.number(),
  /** problems with observed constraints: evaluations per run that missed one */
  infeasible_mean: z.number().optional(),
  seconds: z.number(),
  seconds_per_run: z.number(),
  /** with noise: the same figure for the points the method would report (score.ts `scoreReported`) */
  reported: z
    .object({ mean: z.number().nullable(), sd: z.number().nullable(), per_seed: z.array(z.number().nullable()) })
    .optional(),
});
export type MethodStats = z.infer<typeof MethodStatsSchema>;

export const SuiteProblemSchema = z.object({
  id: z.string(),
  problem: z.string(),
  dim: z.number().int(),
  objectives: z.number().int(),
  budget: z.number().int(),
  figure: z.enum(['hypervolume', 'regret']),
  better: z.enum(['higher', 'lower']),
  reference_point: z.array(z.number()).nullable(),
  max_hv: z.number().nullable(),
  optimum: z.number().nullable(),
  anchor: z.object({ value: z.number(), evaluations: z.number(), max_hv: z.number() }).nullable(),
  methods: z.record(z.string(), MethodStatsSchema),
  /** ours against each peer: win, loss or tie (see the file comment) */
  vs: z.record(z.string(), z.enum(['win', 'loss', 'tie'])),
  /** with noise: the same for the figure of the reported points */
  vs_reported: z.record(z.string(), z.enum(['win', 'loss', 'tie'])).optional(),
});
export type SuiteProblem = z.infer<typeof SuiteProblemSchema>;

export const SuiteReportSchema = z.object({
  kind: z.literal('synthetic-suite'),
  suite: z.string(),
  ours: z.string(),
  /** ours with policy constants overridden (a variant measured against the default), e.g. "outputWarping: false" */
  variant: z.string().optional(),
  methods: z.array(z.string()),
  seeds: z.array(z.number().int()),
  thresholds: z.boolean(),
  /** observation noise told to every method, in units of each objective's spread (noise.ts; absent: exact values) */
  noise: z.number().min(0).optional(),
  /** ours as parallel workers: suggestions asked for `size` at a time (absent: one at a time) */
  batch: z.object({ size: z.number().int().min(1), mode: z.enum(['greedy', 'pending']) }).optional(),
  optuna: z.string().nullable(),
  generated_at: z.string(),
  wall_seconds: z.number(),
  load_average_1m: z.number(),
  problems: z.array(SuiteProblemSchema),
});
export type SuiteReport = z.infer<typeof SuiteReportSchema>;

export function methodStats(problem: SyntheticProblem, runs: SyntheticRunResult[]): MethodStats {
  const multi = problem.refPoint !== null;
  const perSeed = runs.map((r) => (multi ? r.hypervolume : r.regret));
  const ok = perSeed.every((v): v is number => v !== null);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const reported = runs.every((r) => r.reported !== null)
    ? runs.map((r) => (multi ? r.reported!.hypervolume : r.reported!.regret))
    : null;
  const reportedOk = reported !== null && reported.every((v): v is number => v !== null);
  return {
    evaluations: runs[0].evaluations,
    mean: ok ? mean(perSeed) : null,
    sd: ok ? sd(perSeed) : null,
    per_seed: perSeed,
    ...(multi ? {} : { best_value_per_seed: runs.map((r) => r.best_value) }),
    failed_mean: mean(runs.map((r) => r.failed)),
    ...(problem.constraints > 0 ? { infeasible_mean: mean(runs.map((r) => r.infeasible)) } : {}),
    seconds,
    seconds_per_run: seconds / runs.length,
    ...(reported
      ? {
          reported: {
            mean: reportedOk ? mean(reported) : null,
            sd: reportedOk ? sd(reported) : null,
            per_seed: reported,
          },
        }
      : {}),
  };
}

/** A method's stats with the reported figure in place of the in-sample one (undefined without noise). */
export function reportedStats(s: MethodStats): MethodStats | undefined {
  return s.reported ? { ...s, ...s.reported } : undefined;
}

/** win / loss / tie of a against b (see the file comment). */
export function compare(a: MethodStats, b: MethodStats, better: 'higher' | 'lower'): 'win' | 'loss' | 'tie' {
  if (a.mean === null || b.mean === null || a.sd === null || b.sd === null) return 'tie';
  if (a.per_seed.length < 2 || b.per_seed.length < 2) return 'tie'; // no spread to judge a difference by
  const se = Math.sqrt(a.sd ** 2 / a.per_seed.length + b.sd ** 2 / b.per_seed.length);
  const diff = better === 'higher' ? a.mean - b.mean : b.mean - a.mean;
  const margin = 2 * se + 1e-12 * Math.max(1, Math.abs(a.mean));
  return diff > margin ? 'win' : diff < -margin ? 'loss' : 'tie';
}

export function suiteProblemEntry(
  problem: SyntheticProblem,
  budget: number,
  ours: AnyMethod,
  results: Map<AnyMethod, SyntheticRunResult[]>,
): SuiteProblem {
  const multi = problem.refPoint !== null;
  const better = multi ? 'higher' : 'lower';
  const methods: Record<string, MethodStats> = {};
  for (const [m, runs] of results) methods[m] = methodStats(problem, runs);
  const vs: Record<string, 'win' | 'loss' | 'tie'> = {};
  for (const m of Object.keys(methods)) if (m !== ours) vs[m] = compare(methods[ours], methods[m], better);
  const vsReported: Record<string, 'win' | 'loss' | 'tie'> = {};
  const oursReported = methods[ours] ? reportedStats(methods[ours]) : undefined;
  for (const m of Object.keys(methods)) {
    const theirs = reportedStats(methods[m]);
    if (m !== ours && oursReported && theirs) vsReported[m] = compare(oursReported, theirs, better);
  }
  const anchor: Anchor | null = anchorFor(problem);
  return {
    id: problem.id,
    problem: problem.name,
    dim: problem.dim,
    objectives: problem.objectives,
    budget,
    figure: multi ? 'hypervolume' : 'regret',
    better,
    reference_point: problem.refPoint,
    max_hv: problem.maxHv,
    optimum: problem.optimum,
    anchor,
    methods,
    vs,
    ...(oursReported ? { vs_reported: vsReported } : {}),
  };
}

const COLUMNS: { method: string; title: string }[] = [
  { method: 'optuna-tpe', title: 'Optuna TPE' },
  { method: 'optuna-nsga2', title: 'NSGA-II' },
  { method: 'sobol-10x', title: 'Sobol 10x' },
  { method: 'random-10x', title: 'random 10x' },
];

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
  return a >= 1000 ? v.toFixed(1) : v.toPrecision(4);
}

function cell(s: MethodStats | undefined): string {
  if (!s) return '';
  return `${fmt(s.mean)} ± ${fmt(s.sd)}`;
}

const MARK = { win: '▲', loss: '▼', tie: '·' } as const;

/** One table: a row per problem, ours and each peer's figure (picked by `stats`) with its mark, and the tally. */
function figureTable(
  report: SuiteReport,
  cols: { method: string; title: string }[],
  stats: (s: MethodStats) => MethodStats | undefined,
  marks: (p: SuiteProblem) => Record<string, 'win' | 'loss' | 'tie'>,
  extra: boolean,
): string[] {
  const lines: string[] = [];
  const head = ['problem', 'figure', 'budget', 'ours', ...cols.map((c) => c.title)];
  if (extra) head.push('BoTorch (anchor)', 'ours s/run');
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`);
  const tally: Record<string, { win: number; loss: number; tie: number }> = {};
  for (const c of cols) tally[c.method] = { win: 0, loss: 0, tie: 0 };
  for (const p of report.problems) {
    const ours = p.methods[report.ours];
    const fig = p.figure === 'hypervolume' ? `HV (max ${fmt(p.max_hv)})` : `regret (opt ${fmt(p.optimum)})`;
    const row = [p.id, fig, String(p.budget), cell(ours && stats(ours))];
    for (const c of cols) {
      const s = p.methods[c.method] && stats(p.methods[c.method]);
      const v = marks(p)[c.method];
      if (s && v) tally[c.method][v]++;
      row.push(s ? `${cell(s)} ${v ? MARK[v] : ''}`.trim() : '');
    }
    if (extra) {
      row.push(p.anchor ? `${fmt(p.anchor.value)} / ${fmt(p.anchor.max_hv)}` : '');
      row.push(ours ? ours.seconds_per_run.toFixed(1) : '');
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (cols.length > 0) {
    const row = ['**ours: wins / ties / losses**', '', '', ''];
    for (const c of cols) row.push(`${tally[c.method].win} / ${tally[c.method].tie} / ${tally[c.method].loss}`);
    if (extra) row.push('', '');
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines;
}

export function renderSuiteMarkdown(report: SuiteReport): string {
  const lines: string[] = [];
  lines.push(`# Synthetic suite \`${report.suite}\``);
  lines.push('');
  lines.push(
    `Seeds ${report.seeds.join(', ')}; ours = \`${report.ours}\`` +
      (report.variant ? ` (${report.variant})` : '') +
      (report.thresholds ? ' with the reference point as metric thresholds' : ' without metric thresholds') +
      (report.noise
        ? `, every method told values with noise of ${report.noise} times each objective's spread (scored on the exact values)`
        : '') +
      (report.batch ? `, ${report.batch.size} suggestions at a time (${report.batch.mode})` : '') +
      `; Optuna ${report.optuna ?? 'not run'}; ${report.generated_at}; wall ${Math.round(report.wall_seconds)} s.`,
  );
  lines.push('');
  lines.push(
    'Mean ± sd over the seeds of the hypervolume (HV, higher is better) or the final regret (lower is better), ' +
      'computed by our code from every method’s evaluated points (failed points, and those that miss an observed ' +
      'constraint, count for nothing). ' +
      'Sobol and random get 10x the budget. ' +
      'Marks on a peer: ▲ ours better, ▼ ours worse (by more than 2 standard errors of the difference), · no clear difference. ' +
      'BoTorch: qNEHVI anchor (mean HV at 60 evaluations / max HV).',
  );
  lines.push('');
  const cols = COLUMNS.filter((c) => report.methods.includes(c.method));
  lines.push(
    ...figureTable(
      report,
      cols,
      (s) => s,
      (p) => p.vs,
      true,
    ),
  );
  if (report.problems.some((p) => p.vs_reported)) {
    lines.push('');
    lines.push(
      'The points each method would report: judged by the noisy values it was told (the best told value, or the ' +
        'front of the told values), scored on their exact values. Sobol and random report their own noisy best too.',
    );
    lines.push('');
    lines.push(...figureTable(report, cols, reportedStats, (p) => p.vs_reported ?? {}, false));
  }
  lines.push('');
  return lines.join('\n');
}
