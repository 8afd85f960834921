/**
 * summary.json of one method on one problem over its seeds (what the regression check reads):
 *   multi-objective:  hypervolume (mean), hypervolume_per_seed, hypervolume_std, hypervolume_mean_trace,
 *                     reference_point, max_hv
 *   single objective: best_value (mean), best_value_per_seed, optimum, regret (mean final regret),
 *                     regret_per_seed, regret_std, regret_mean_trace (regret after each evaluation)
 * plus suggestion times (ours; CPU also per host-speed reference, host/reference-workload.ts), failures and every run (with its points, except for the 10x peers). With `random`
 * (random search with the same budget and seeds), random_hypervolume or random_regret: what an optimizer that learns
 * nothing reaches, the regression check's reference for the figure.
 */
import { loadavg } from 'node:os';
import { quantile, type AnyMethod, type SyntheticRunResult } from './run.ts';
import type { SyntheticProblem } from './problems.ts';

export function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

/** Sample standard deviation (0 for one value). */
export function sd(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(v.length - 1, 1));
}

export function summaryName(
  problem: SyntheticProblem,
  method: AnyMethod,
  evaluations: number,
  thresholds = false,
  noise = 0,
): string {
  return `synthetic-${problem.name}-d${problem.dim}-${method}${thresholds ? '-thresholds' : ''}${noise ? `-noise${noise}` : ''}-${evaluations}`;
}

function timing(ms: number[]): { median: number; p95: number; count: number } | null {
  return ms.length ? { median: quantile(ms, 0.5), p95: quantile(ms, 0.95), count: ms.length } : null;
}

export function buildSummary(
  problem: SyntheticProblem,
  method: AnyMethod,
  runs: SyntheticRunResult[],
  opts: { thresholds: boolean; noise?: number; random?: readonly SyntheticRunResult[] },
): Record<string, unknown> {
  const n = runs[0].evaluations;
  const meanTrace = runs[0].trace.map((_, i) => mean(runs.map((r) => r.trace[i])));
  const figures: Record<string, unknown> =
    problem.refPoint !== null
      ? {
          hypervolume: mean(runs.map((r) => r.hypervolume!)),
          hypervolume_per_seed: runs.map((r) => r.hypervolume),
          hypervolume_std: sd(runs.map((r) => r.hypervolume!)),
          hypervolume_mean_trace: meanTrace,
          reference_point: problem.refPoint,
          max_hv: problem.maxHv,
          ...(opts.random ? { random_hypervolume: mean(opts.random.map((r) => r.hypervolume!)) } : {}),
        }
      : {
          best_value: mean(runs.map((r) => r.best_value ?? NaN)),
          best_value_per_seed: runs.map((r) => r.best_value),
          optimum: problem.optimum,
          regret: mean(runs.map((r) => r.regret ?? NaN)),
          regret_per_seed: runs.map((r) => r.regret),
          regret_std: sd(runs.map((r) => r.regret ?? NaN)),
          regret_mean_trace: meanTrace,
          ...(opts.random ? { random_regret: mean(opts.random.map((r) => r.regret ?? NaN)) } : {}),
        };
  // with noise: the figure of the points the method would report (score.ts scoreReported)
  const reported = runs.every((r) => r.reported !== null)
    ? problem.refPoint !== null
      ? {
          reported_hypervolume: mean(runs.map((r) => r.reported!.hypervolume!)),
          reported_hypervolume_per_seed: runs.map((r) => r.reported!.hypervolume),
        }
      : {
          reported_regret: mean(runs.map((r) => r.reported!.regret ?? NaN)),
          reported_regret_per_seed: runs.map((r) => r.reported!.regret),
        }
    : {};
  const model = runs.flatMap((r) => r.suggest_ms.filter((_, i) => r.phases[i] === 'model'));
  const modelCpu = runs.flatMap((r) => r.suggest_cpu_ms.filter((_, i) => r.phases[i] === 'model'));
  const all = runs.flatMap((r) => r.suggest_ms);
  const reference = runs.flatMap((r) => r.reference_cpu_ms ?? []);
  // each model-phase suggestion's CPU over the reference sample timed just before it: the host's speed swings within
  // a run (reference medians of 15-27 ms between the problems of one run here), so only adjacent pairs cancel it
  const perReference = runs.flatMap((r) =>
    r.suggest_cpu_ms.flatMap((c, i) =>
      r.phases[i] === 'model' && r.reference_cpu_ms?.[i] ? [c / r.reference_cpu_ms[i]] : [],
    ),
  );
  return {
    name: summaryName(problem, method, n, opts.thresholds, opts.noise),
    problem: problem.name,
    dim: problem.dim,
    objectives: problem.objectives,
    method,
    budget: n,
    thresholds: opts.thresholds,
    ...(opts.noise ? { noise: opts.noise } : {}),
    seed: runs[0].seed,
    seeds: runs.map((r) => r.seed),
    ...figures,
    ...reported,
    trace_at: runs[0].trace_at,
    failed_mean: mean(runs.map((r) => r.failed)),
    ...(problem.constraints > 0 ? { infeasible_mean: mean(runs.map((r) => r.infeasible)) } : {}),
    seconds_per_run: mean(runs.map((r) => r.seconds)),
    suggest_ms: all.length ? { median: quantile(all, 0.5), p95: quantile(all, 0.95) } : null,
    suggest_ms_model_phase: timing(model),
    suggest_cpu_ms_model_phase: timing(modelCpu),
    // the host-speed reference timed in the same process before every suggestion, and the median of the model-phase
    // suggestions' CPU in its unit: the figure the regression check gates, as it holds still when the host is slower
    reference_cpu_ms: timing(reference),
    suggest_cpu_model_phase_per_reference: perReference.length ? quantile(perReference, 0.5) : null,
    load_average_1m: loadavg()[0],
    runs: runs.map((r) => ({
      seed: r.seed,
      hypervolume: r.hypervolume,
      best_value: r.best_value,
      regret: r.regret,
      ...(r.reported ? { reported: r.reported } : {}),
      trace: r.trace,
      failed: r.failed,
      ...(problem.constraints > 0 ? { infeasible: r.infeasible } : {}),
      seconds: r.seconds,
      // the 10x peers evaluate too many points to keep; ours and Optuna keep theirs
      ...(method === 'sobol-10x' || method === 'random-10x' ? {} : { points: r.points }),
      suggest_ms: r.suggest_ms,
      suggest_cpu_ms: r.suggest_cpu_ms,
      phases: r.phases,
      reference_cpu_ms: r.reference_cpu_ms,
    })),
  };
}
