/**
 * Which figures of a summary.json the regression check may gate, and what regression each gate is there to catch.
 *
 * A baseline is written from K repeated runs (write-baseline.ts). For each figure below:
 *
 *   tolerance = max(SD_MULTIPLIER x sd, floor(mean))      (sd: sample standard deviation over the K runs)
 *   bound     = mean - tolerance (higher is better) | mean + tolerance (lower is better) | mean exactly (equal)
 *
 * and the figure is gated only if its regression value (the value the figure takes in the regression the gate is
 * there to catch, e.g. 0 feasible trials, chance accuracy, twice the CPU time) lies beyond that bound. A figure whose
 * regression value is within the run-to-run noise is listed under `ungated` in the baseline, with the reason, instead of
 * being gated: such a gate could only trip on noise, never on the regression.
 */
import type { Summary } from '../report/summary.ts';
import { lookup } from './baseline.ts';
import type { z } from 'zod';
import type {
  SyntheticHypervolumeSummarySchema,
  SyntheticRegretSummarySchema,
  SyntheticSummary,
} from './summary-files.ts';

/** How many sample standard deviations of run-to-run spread a figure may move before it is a regression. */
export const SD_MULTIPLIER = 3;

/** What a healthy run may not undercut: a slowdown by this factor is the timing regression the check must catch. */
export const SLOWDOWN_FACTOR = 2;

/**
 * The smallest tolerance of a CPU-per-reference figure, as a fraction of its mean: how far the ratio moves between
 * two machines of the same kind on the same commit. The reference is a plain-JavaScript workload, while training's
 * convolutions and the optimizer's factorisations run in OpenBLAS, whose kernel family depends on the host: the
 * diatom smoke's random-trial ratio was 19.9 with SkylakeX kernels, 25.6 and 29.1 (+29 %, +46 %) on two machines whose
 * environment sets OPENBLAS_CORETYPE=Haswell (a user's choice the addon keeps; models:bench's FCN epoch is 1.45x
 * slower with those kernels on these AVX-512 CPUs); a synthetic model phase moved +27 %. A bound at 1.6x the baseline stays below
 * the 2x slowdown the gate is there to catch.
 */
export const CROSS_HOST_SPREAD = 0.6;

/** What the writer knows about the runs besides the figure itself. */
export interface GateContext {
  /**
   * Study runs: the best validation accuracy a run whose training learned nothing can reach (no-learning.ts), or null
   * when unknown.
   */
  noLearningAccuracy: number | null;
}

export interface GateRule<S> {
  path: string;
  better: 'higher' | 'lower' | 'equal';
  /** The smallest tolerance whatever the measured spread, from the mean over the runs. */
  floor: (mean: number, runs: readonly S[]) => number;
  /** The regression this gate catches, in words. */
  catches: string;
  /** The value the figure takes in that regression, from the healthy mean (null: not known, so not gated). */
  regression: (mean: number, runs: readonly S[], ctx: GateContext) => number | null;
}

const METHODS = ['optimizer', 'random'] as const;

/** Gates of a study run (diatom / rotten, any preset). */
export const STUDY_RULES: GateRule<Summary>[] = [
  ...METHODS.flatMap((m): GateRule<Summary>[] => [
    {
      path: `methods.${m}.completed`,
      better: 'equal',
      floor: () => 0,
      catches: 'a trial lost (the budget is a fixed count)',
      regression: (mean) => mean - 1,
    },
    {
      path: `methods.${m}.errors`,
      better: 'lower',
      floor: () => 0,
      catches: 'a trial that throws (training error, worker crash)',
      regression: (mean) => mean + 1,
    },
    {
      path: `methods.${m}.feasible_fraction`,
      better: 'higher',
      floor: () => 0.1,
      catches: 'every trial failed',
      regression: () => 0,
    },
    {
      path: `methods.${m}.best_accuracy`,
      better: 'higher',
      floor: () => 0.05,
      catches: 'training that learns nothing (best accuracy at the no-learning level)',
      regression: (_mean, _runs, ctx) => ctx.noLearningAccuracy,
    },
  ]),
  {
    path: 'methods.optimizer.union_share',
    better: 'higher',
    floor: () => 0.1,
    catches: 'an optimizer that contributes no point to the union frontier of both methods',
    regression: () => 0,
  },
  {
    // Only random search's: its trials are a fixed set of configurations for the seed, while the optimizer's depend on
    // the measured times it is told, so their cost moves with the path it takes. In units of the host-speed
    // reference timed by the same worker (host/reference-workload.ts), not raw CPU seconds: those moved by 27-46 % at
    // once, every trial and every suggestion alike, between two machines of the same kind running the same commit.
    path: 'methods.random.trial_cpu_per_reference_median',
    better: 'lower',
    floor: (mean) => CROSS_HOST_SPREAD * mean,
    catches: `trials that cost ${SLOWDOWN_FACTOR}x the CPU time (median over random search's trials, per host-speed reference)`,
    regression: (mean) => SLOWDOWN_FACTOR * mean,
  },
  {
    path: 'worker_utilisation',
    better: 'higher',
    floor: () => 0.1,
    catches: 'workers idle half the run (trials one at a time, or waiting for suggestions)',
    regression: (mean) => mean / 2,
  },
  // Not wall_seconds, nor the per-trial or per-epoch wall medians: on the shared 2-core machine they vary with the
  // load of other processes (8 smoke runs: coefficient of variation 0.34-0.57 for all of them, up to 3x between two
  // runs), so no bound inside the noise catches a 2x slowdown. The per-trial CPU medians (4 runs) vary by 1-6 %.
  // Nor raw trial_cpu_seconds_median: see above.
];

const meanOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** A figure of a summary by dotted path (NaN when absent). */
const figure = (s: Summary, p: string): number => lookup(s, p) ?? NaN;

/**
 * Gates of a study run on a surrogate with repeats (`--trainer surrogate --repeats K`): the optimizer's figures over
 * the repeats against what random search reaches in the same runs. A surrogate run is deterministic for its seeds and
 * archive, so run-to-run spread is 0 and each bound sits halfway between the healthy figure and the regressed one.
 * (The per-trial cost and worker figures of real runs mean nothing here: a trial is a model evaluation.)
 */
export const SURROGATE_STUDY_RULES: GateRule<Summary>[] = [
  ...STUDY_RULES.filter((r) => /\.(completed|errors)$/.test(r.path)),
  {
    path: 'replicates.distribution.hypervolume.median',
    better: 'higher',
    floor: (mean, runs) =>
      0.5 *
      Math.max(
        mean -
          meanOf(runs.map((r) => figure(r, 'replicates.distribution.random_hypervolume_at_optimizer_budget.median'))),
        0,
      ),
    catches:
      "an optimizer no better than random search with the same budget (median over the repeats of each arm's hypervolume)",
    regression: (_mean, runs) => {
      const v = meanOf(
        runs.map((r) => figure(r, 'replicates.distribution.random_hypervolume_at_optimizer_budget.median')),
      );
      return Number.isFinite(v) ? v : null;
    },
  },
  {
    path: 'replicates.distribution.feasible_fraction.median',
    better: 'higher',
    floor: (mean, runs) =>
      0.5 *
      Math.max(mean - meanOf(runs.map((r) => figure(r, 'replicates.distribution.random_feasible_fraction.median'))), 0),
    catches: "an optimizer whose trials fail as often as random search's (median over the repeats)",
    regression: (_mean, runs) => {
      const v = meanOf(runs.map((r) => figure(r, 'replicates.distribution.random_feasible_fraction.median')));
      return Number.isFinite(v) ? v : null;
    },
  },
  {
    path: 'replicates.distribution.union_share.median',
    better: 'higher',
    floor: (mean) => 0.5 * mean,
    catches: 'an optimizer that contributes nothing to the union frontier with ten times as many random trials',
    regression: () => 0,
  },
];

/** The rules of a study summary: a surrogate run's, or a real (or fake-trainer) run's. */
export function studyRules(summary: Summary): GateRule<Summary>[] {
  return summary.backend?.startsWith('surrogate:') && summary.replicates ? SURROGATE_STUDY_RULES : STUDY_RULES;
}

type HypervolumeSummary = z.infer<typeof SyntheticHypervolumeSummarySchema>;
type RegretSummary = z.infer<typeof SyntheticRegretSummarySchema>;

/** Model-phase suggestion CPU in units of the host-speed reference timed in the same process (not raw milliseconds). */
const SUGGEST_CPU_RULE: GateRule<SyntheticSummary> = {
  path: 'suggest_cpu_model_phase_per_reference',
  better: 'lower',
  floor: (mean) => CROSS_HOST_SPREAD * mean,
  catches: `suggestions that cost ${SLOWDOWN_FACTOR}x the CPU time (median over the model phase, per host-speed reference)`,
  regression: (mean) => SLOWDOWN_FACTOR * mean,
};

/** Gates of a multi-objective synthetic benchmark (deterministic for its seeds apart from timing). */
export const SYNTHETIC_HYPERVOLUME_RULES: GateRule<HypervolumeSummary>[] = [
  {
    path: 'hypervolume',
    better: 'higher',
    // 5 % of the gap to the problem's maximum plus 0.1 % of the value: rounding-level changes pass, a worse optimizer
    // does not
    floor: (mean, runs) => 0.05 * Math.max(meanOf(runs.map((r) => r.max_hv)) - mean, 0) + 0.001 * Math.abs(mean),
    catches: 'an optimizer no better than random search with the same budget and seeds',
    regression: (_mean, runs) => {
      const hv = runs.map((r) => r.random_hypervolume);
      return hv.every((x): x is number => typeof x === 'number') ? meanOf(hv) : null;
    },
  },
  SUGGEST_CPU_RULE,
];

/** Gates of a single-objective synthetic benchmark: the mean final regret (optimum - best value, lower is better). */
export const SYNTHETIC_REGRET_RULES: GateRule<RegretSummary>[] = [
  {
    path: 'regret',
    better: 'lower',
    // 5 % of the regret plus 0.1 % of the optimum's magnitude (at least 0.001)
    floor: (mean, runs) => 0.05 * Math.max(mean, 0) + 0.001 * Math.max(1, Math.abs(runs[0].optimum)),
    catches: 'an optimizer no better than random search with the same budget and seeds',
    regression: (_mean, runs) => {
      const rs = runs.map((r) => r.random_regret);
      return rs.every((x): x is number => typeof x === 'number') ? meanOf(rs) : null;
    },
  },
  SUGGEST_CPU_RULE,
];

/** The rules for a synthetic summary: hypervolume ones for several objectives, regret ones for one. */
export function syntheticRules(summary: SyntheticSummary): GateRule<SyntheticSummary>[] {
  return (
    'hypervolume' in summary ? SYNTHETIC_HYPERVOLUME_RULES : SYNTHETIC_REGRET_RULES
  ) as GateRule<SyntheticSummary>[];
}
