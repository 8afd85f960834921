/**
 * summary.json: the figures of one study run, per method, computed from the journal's trials.
 * The regression check reads this file; its schema is the contract (types inferred from zod).
 *
 * Orientation: all Pareto computations use points [accuracy, -time] (both maximised), as the optimizer's
 * Pareto tools expect. Frontiers only contain trials that were not failed.
 */
import { z } from 'zod';
import { hypervolume, paretoFront } from '@paretobench/optimizer';
import { confidenceRegion } from '../analysis/confidence-region.ts';
import { frontierShare } from '../analysis/frontier-share.ts';
import { PresetSchema, type Preset } from '../studies/presets.ts';
import { StudyNameSchema } from '../studies/registry.ts';
import type { Study } from '../studies/study.ts';
import { ReplicatesSchema } from './replicates.ts';
import { AssignmentsSchema, METHODS, type Method, type TrialRecord } from '../journal/records.ts';

const FrontierPointSchema = z.object({
  method: z.enum(METHODS),
  index: z.number().int(),
  accuracy: z.number(),
  time: z.number(),
  assignments: AssignmentsSchema,
});
export type FrontierPoint = z.infer<typeof FrontierPointSchema>;

const MethodSummarySchema = z.object({
  budget: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  /** Share of completed trials that were not failed (the paper's "feasible" fraction for rotten). */
  feasible_fraction: z.number(),
  best_accuracy: z.number().nullable(),
  hypervolume: z.number(),
  hypervolume_curve: z.object({ evaluations: z.array(z.number().int()), hypervolume: z.array(z.number()) }),
  frontier: z.array(FrontierPointSchema),
  /** Share of the union frontier's points contributed by this method. */
  union_share: z.number(),
  trial_seconds_median: z.number().nullable(),
  /** Median CPU seconds of one trial's worker process (null when not recorded): the load-independent trial cost. */
  trial_cpu_seconds_median: z.number().nullable().default(null),
  /**
   * Median over trials of the trial's CPU in units of its worker's host-speed reference (CPU milliseconds / reference
   * CPU milliseconds; null when not recorded): the trial cost the regression check gates, as it holds still when the
   * whole host is slower or faster.
   */
  trial_cpu_per_reference_median: z.number().nullable().default(null),
  /** Median seconds of one training epoch over this method's trials (null when not recorded). */
  epoch_seconds_median: z.number().nullable(),
  suggest_ms_median: z.number().nullable(),
});
export type MethodSummary = z.infer<typeof MethodSummarySchema>;

export const SummarySchema = z.object({
  name: z.string(),
  study: StudyNameSchema,
  title: z.string(),
  preset: PresetSchema,
  preset_description: z.array(z.string()),
  seed: z.number().int(),
  workers: z.number().int(),
  backend: z.string().nullable(),
  optimizer: z.string(),
  /**
   * Active wall time of the study: for each invocation of the study command, first trial start to last trial end,
   * summed (the downtime between a kill and its resume is not counted).
   */
  wall_seconds: z.number(),
  /**
   * Sum of the trials' wall seconds over (workers x wall_seconds): the share of the run the workers spent training.
   * Near 1 whatever the machine's load; it drops when workers idle (waiting for suggestions, trials run one at a time)
   * or when a resumed run's pause is inside the span. Null for a run without trials.
   */
  worker_utilisation: z.number().nullable().default(null),
  /** The invocations that ran trials, in order (a journal without invocation numbers counts as one). */
  invocations: z
    .array(
      z.object({
        invocation: z.number().int(),
        trials: z.number().int(),
        started_at: z.string(),
        finished_at: z.string(),
        active_seconds: z.number(),
      }),
    )
    .default([]),
  /** Wall time of the invocation that wrote this summary, start-up included (null when not measured). */
  session_wall_seconds: z.number().nullable(),
  metric_names: z.object({ accuracy: z.string(), time: z.string(), time_label: z.string() }),
  reference_point: z.object({ accuracy: z.number(), time: z.number() }),
  methods: z.object({ optimizer: MethodSummarySchema, random: MethodSummarySchema }),
  union_frontier: z.array(FrontierPointSchema),
  /** For each random-search frontier point: how many optimizer trials dominate it. */
  random_frontier_dominated_by_optimizer: z.array(
    z.object({ index: z.number().int(), accuracy: z.number(), time: z.number(), dominated_by: z.number().int() }),
  ),
  confidence_region: z
    .object({
      k: z.number().int(),
      repeats: z.number().int(),
      /** Bin edges on the time axis (ascending) and the accuracy axis (ascending). */
      time_edges: z.array(z.number()),
      accuracy_edges: z.array(z.number()),
      /** density[accuracy bin][time bin]: share of resamples whose frontier has a point in the cell. */
      density: z.array(z.array(z.number())),
    })
    .nullable(),
  /** The original study's headline figures beside this run's (`Study.paperFigures`). */
  paper_comparison: z.array(z.object({ figure: z.string(), paper: z.number(), measured: z.number() })).default([]),
  /**
   * A replicated run (preset.seeds > 1): every optimizer arm against the shared random arm, and their distribution.
   * The rest of this summary is replicate 0 (optimizer seed `seed` and the random arm). Null for a one-seed run.
   */
  replicates: ReplicatesSchema.nullable().default(null),
  generated_at: z.string(),
});
export type Summary = z.infer<typeof SummarySchema>;

export interface SummaryInput {
  study: Study;
  preset: Preset;
  seed: number;
  workers: number;
  backend: string | null;
  optimizer: string;
  trials: readonly TrialRecord[];
  sessionWallSeconds?: number | null;
  /** Confidence-region grid resolution (bins per axis). */
  gridBins?: number;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Scored {
  record: TrialRecord;
  accuracy: number;
  time: number;
}

function feasible(study: Study, trials: readonly TrialRecord[]): Scored[] {
  return trials
    .filter((t) => !t.failed && t.metrics !== null)
    .map((t) => ({ record: t, accuracy: t.metrics![study.accuracyMetric], time: t.metrics![study.timeMetric] }))
    .filter((s) => Number.isFinite(s.accuracy) && Number.isFinite(s.time));
}

const toPoint = (s: Scored): number[] => [s.accuracy, -s.time];

const asFrontierPoint = (s: Scored): FrontierPoint => ({
  method: s.record.method,
  index: s.record.index,
  accuracy: s.accuracy,
  time: s.time,
  assignments: s.record.assignments,
});

function hvCurve(scored: Scored[], completedInOrder: TrialRecord[], ref: number[]): MethodSummary['hypervolume_curve'] {
  const n = completedInOrder.length;
  const steps = Math.min(n, 200);
  const evaluations: number[] = [];
  const hv: number[] = [];
  const byIndex = new Map(scored.map((s) => [s.record.index, s]));
  for (let s = 1; s <= steps; s++) {
    const upto = Math.round((s * n) / steps);
    const pts: number[][] = [];
    for (let i = 0; i < upto; i++) {
      const sc = byIndex.get(completedInOrder[i].index);
      if (sc) pts.push(toPoint(sc));
    }
    evaluations.push(upto);
    hv.push(pts.length ? hypervolume(pts, ref) : 0);
  }
  return { evaluations, hypervolume: hv };
}

export function computeSummary(input: SummaryInput): Summary {
  const { study, preset, trials } = input;
  const byMethod: Record<Method, TrialRecord[]> = {
    optimizer: trials.filter((t) => t.method === 'optimizer').sort((a, b) => a.index - b.index),
    random: trials.filter((t) => t.method === 'random').sort((a, b) => a.index - b.index),
  };
  const scored: Record<Method, Scored[]> = {
    optimizer: feasible(study, byMethod.optimizer),
    random: feasible(study, byMethod.random),
  };
  const all = [...scored.optimizer, ...scored.random];
  const maxTime = all.reduce((m, s) => Math.max(m, s.time), 0);
  const refAcc = preset.minAccuracy ?? 0;
  const refTime = preset.timeLimitSeconds ?? (maxTime > 0 ? maxTime * 1.1 : 1);
  const ref = [refAcc, -refTime];

  const frontierOf = (xs: Scored[]): Scored[] =>
    paretoFront(xs.map(toPoint))
      .map((i) => xs[i])
      .sort((a, b) => a.time - b.time || b.accuracy - a.accuracy);

  const { share } = frontierShare({ optimizer: scored.optimizer.map(toPoint), random: scored.random.map(toPoint) });
  const unionFrontier = frontierOf(all);

  const methodSummary = (m: Method): MethodSummary => {
    const done = byMethod[m];
    const sc = scored[m];
    return {
      budget: preset.budgets[m],
      completed: done.length,
      failed: done.filter((t) => t.failed).length,
      errors: done.filter((t) => t.failure_reason === 'error').length,
      feasible_fraction: done.length ? sc.length / done.length : 0,
      best_accuracy: sc.length ? Math.max(...sc.map((s) => s.accuracy)) : null,
      hypervolume: sc.length ? hypervolume(sc.map(toPoint), ref) : 0,
      hypervolume_curve: hvCurve(sc, done, ref),
      frontier: frontierOf(sc).map(asFrontierPoint),
      union_share: share[m] ?? 0,
      trial_seconds_median: median(done.map((t) => t.timing.wall_seconds)),
      trial_cpu_seconds_median: median(
        done.map((t) => t.timing.cpu_seconds).filter((x): x is number => x !== undefined),
      ),
      trial_cpu_per_reference_median: median(
        done.flatMap((t) =>
          t.timing.cpu_seconds !== undefined && t.timing.reference_cpu_ms !== undefined
            ? [(1000 * t.timing.cpu_seconds) / t.timing.reference_cpu_ms]
            : [],
        ),
      ),
      epoch_seconds_median: median(done.flatMap((t) => t.epoch_seconds ?? [])),
      suggest_ms_median: median(done.map((t) => t.timing.suggest_ms).filter((x): x is number => x !== null)),
    };
  };

  const randomFrontier = frontierOf(scored.random);
  const dominatedBy = randomFrontier.map((r) => ({
    index: r.record.index,
    accuracy: r.accuracy,
    time: r.time,
    dominated_by: scored.optimizer.filter(
      (o) => o.accuracy >= r.accuracy && o.time <= r.time && (o.accuracy > r.accuracy || o.time < r.time),
    ).length,
  }));

  // Bootstrap confidence region of random search at the optimizer's budget: draw k of the n random trials (failed
  // ones included, as points far outside the grid that never reach the frontier) 'repeats' times.
  let region: Summary['confidence_region'] = null;
  const k = byMethod.optimizer.length;
  const n = byMethod.random.length;
  if (all.length >= 2 && k >= 1 && n >= k && scored.random.length > 0) {
    const bins = input.gridBins ?? 40;
    const tMin = Math.min(...all.map((s) => s.time));
    const tMax = Math.max(...all.map((s) => s.time));
    const aMin = Math.min(...all.map((s) => s.accuracy));
    const aMax = Math.max(...all.map((s) => s.accuracy));
    const pad = (lo: number, hi: number): [number, number] => {
      const w = hi - lo || Math.abs(hi) || 1;
      return [lo - 0.02 * w, hi + 0.02 * w];
    };
    const [t0, t1] = pad(tMin, tMax);
    const [a0, a1] = pad(aMin, aMax);
    const scoredRandom = new Map(scored.random.map((s) => [s.record.index, s]));
    // raw coordinates [time, accuracy], time minimised; a failed trial is a point that everything dominates
    const FAR = 1e12;
    const points = byMethod.random.map((t) => {
      const s = scoredRandom.get(t.index);
      return s ? [s.time, s.accuracy] : [FAR, -FAR];
    });
    const cr = confidenceRegion(points, k, {
      repeats: preset.confidenceRepeats,
      grid: { x: [t0, t1], y: [a0, a1], nx: bins, ny: bins },
      seed: input.seed,
      maximize: [false, true],
    });
    region = {
      k,
      repeats: preset.confidenceRepeats,
      time_edges: cr.xEdges,
      accuracy_edges: cr.yEdges,
      density: cr.density,
    };
  }

  const methods = { optimizer: methodSummary('optimizer'), random: methodSummary('random') };
  const invocations = invocationSpans(trials);
  return SummarySchema.parse({
    // a run on a surrogate is named apart from real runs of the same preset (its figures are not theirs)
    name: `${study.name}-${preset.name}${input.backend?.startsWith('surrogate:') ? '-surrogate' : ''}`,
    study: study.name,
    title: study.title,
    preset,
    preset_description: study.describePreset(preset),
    seed: input.seed,
    workers: input.workers,
    backend: input.backend,
    optimizer: input.optimizer,
    wall_seconds: invocations.reduce((s, i) => s + i.active_seconds, 0),
    worker_utilisation: workerUtilisation(trials, invocations, input.workers),
    invocations,
    session_wall_seconds: input.sessionWallSeconds ?? null,
    metric_names: { accuracy: study.accuracyMetric, time: study.timeMetric, time_label: study.timeLabel },
    reference_point: { accuracy: refAcc, time: refTime },
    methods,
    union_frontier: unionFrontier.map(asFrontierPoint),
    random_frontier_dominated_by_optimizer: dominatedBy,
    confidence_region: region,
    paper_comparison: study.paperFigures(methods),
    generated_at: new Date().toISOString(),
  });
}

function workerUtilisation(
  trials: readonly TrialRecord[],
  invocations: Summary['invocations'],
  workers: number,
): number | null {
  const span = invocations.reduce((s, i) => s + i.active_seconds, 0);
  if (span <= 0 || workers < 1) return null;
  return trials.reduce((s, t) => s + t.timing.wall_seconds, 0) / (workers * span);
}

/** First trial start to last trial end of each invocation's trials. */
function invocationSpans(trials: readonly TrialRecord[]): Summary['invocations'] {
  const groups = new Map<number, TrialRecord[]>();
  for (const t of trials) {
    const k = t.invocation ?? 0;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([invocation, ts]) => {
      const start = Math.min(...ts.map((t) => Date.parse(t.timing.started_at)));
      const end = Math.max(...ts.map((t) => Date.parse(t.timing.finished_at)));
      return {
        invocation,
        trials: ts.length,
        started_at: new Date(start).toISOString(),
        finished_at: new Date(end).toISOString(),
        active_seconds: (end - start) / 1000,
      };
    });
}
