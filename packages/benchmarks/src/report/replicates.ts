/**
 * The figures of a replicated run (runner/replicates.ts): for each optimizer arm, its figures against the one shared
 * random-search arm, all with one hypervolume reference point so they can be compared; then their distribution
 * (min / median / max) beside the original study's figure.
 */
import path from 'node:path';
import { z } from 'zod';
import { hypervolume } from '@paretobench/optimizer';
import { frontierShare } from '../analysis/frontier-share.ts';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import type { TrialRecord } from '../journal/records.ts';

const DistributionSchema = z.object({
  min: z.number(),
  median: z.number(),
  max: z.number(),
  mean: z.number(),
});
export type Distribution = z.infer<typeof DistributionSchema>;

const ArmFiguresSchema = z.object({
  seed: z.number().int(),
  /** Output directory of the arm, relative to the run's (empty for replicate 0). */
  dir: z.string(),
  completed: z.number().int(),
  feasible_fraction: z.number(),
  best_accuracy: z.number().nullable(),
  hypervolume: z.number(),
  /** This arm's share of the frontier of (this arm + its random arm: the shared one, or its own with --repeats). */
  union_share: z.number(),
  /** With --repeats: this arm's own random-search arm. */
  random: z
    .object({
      completed: z.number().int(),
      feasible_fraction: z.number(),
      best_accuracy: z.number().nullable(),
      hypervolume: z.number(),
    })
    .optional(),
});
export type ArmFigures = z.infer<typeof ArmFiguresSchema>;

export const ReplicatesSchema = z.object({
  /** Hypervolume reference point common to every arm (accuracy, time). */
  reference_point: z.object({ accuracy: z.number(), time: z.number() }),
  random: z.object({
    seed: z.number().int(),
    completed: z.number().int(),
    feasible_fraction: z.number(),
    best_accuracy: z.number().nullable(),
    hypervolume: z.number(),
  }),
  optimizer: z.array(ArmFiguresSchema),
  distribution: z.object({
    union_share: DistributionSchema,
    hypervolume: DistributionSchema,
    feasible_fraction: DistributionSchema,
    best_accuracy: DistributionSchema.nullable(),
    /** With --repeats (every arm has its own random arm): the random arms' figures. */
    random_hypervolume: DistributionSchema.optional(),
    random_feasible_fraction: DistributionSchema.optional(),
    /** With --repeats: each random arm's hypervolume after as many trials as the optimizer's budget. */
    random_hypervolume_at_optimizer_budget: DistributionSchema.optional(),
  }),
  /**
   * Hypervolume (common reference point) after n evaluations of each method, across arms: 5th percentile, median and
   * 95th percentile at each checkpoint (n log-spaced up to the budget).
   */
  hypervolume_bands: z
    .object({
      optimizer: z.object({
        evaluations: z.array(z.number().int()),
        p05: z.array(z.number()),
        median: z.array(z.number()),
        p95: z.array(z.number()),
      }),
      random: z.object({
        evaluations: z.array(z.number().int()),
        p05: z.array(z.number()),
        median: z.array(z.number()),
        p95: z.array(z.number()),
      }),
    })
    .optional(),
  /** Distribution ranges are min-max; with many arms also the 5th and 95th percentiles of the share. */
  union_share_p05_p95: z.tuple([z.number(), z.number()]).optional(),
  /** Optimizer arms whose hypervolume exceeds the random arm's, and whose union-frontier share exceeds one half. */
  arms_beating_random_hypervolume: z.number().int(),
  arms_with_majority_share: z.number().int(),
  /** The original study's figures beside the distribution measured here. */
  paper: z.array(
    z.object({ figure: z.string(), paper: z.number(), median: z.number(), min: z.number(), max: z.number() }),
  ),
  /** Active wall seconds summed over every arm's trials. */
  wall_seconds: z.number(),
});
export type Replicates = z.infer<typeof ReplicatesSchema>;

export function distribution(xs: readonly number[]): Distribution {
  if (xs.length === 0) throw new Error('distribution: no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return {
    min: s[0],
    median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2,
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (s[Math.min(s.length - 1, lo + 1)] - s[lo]) * (h - lo);
}

/** 1, 2, 5, 10, 20, 50, ... up to n, and n itself. */
export function checkpoints(n: number): number[] {
  const out: number[] = [];
  for (let m = 1; m <= n; m *= 10) for (const f of [1, 2, 5]) if (f * m <= n) out.push(f * m);
  if (out.at(-1) !== n && n > 0) out.push(n);
  return out;
}

/** Active seconds of a set of trials: first start to last end of each invocation, summed. */
export function activeSeconds(trials: readonly TrialRecord[]): number {
  const spans = new Map<number, [number, number]>();
  for (const t of trials) {
    const k = t.invocation ?? 0;
    const a = Date.parse(t.timing.started_at);
    const b = Date.parse(t.timing.finished_at);
    const cur = spans.get(k);
    spans.set(k, cur ? [Math.min(cur[0], a), Math.max(cur[1], b)] : [a, b]);
  }
  return [...spans.values()].reduce((s, [a, b]) => s + (b - a) / 1000, 0);
}

export interface ReplicatesInput {
  study: Study;
  preset: Preset;
  /** The shared arm's random-search trials. */
  sharedRandom: readonly TrialRecord[];
  /**
   * Each arm's trials. Without `ownRandom` only their optimizer trials are read (replicate 0's random ones are
   * `sharedRandom`); with it, each arm's own random trials are its random arm.
   */
  arms: readonly { seed: number; outDir: string; trials: readonly TrialRecord[] }[];
  ownRandom?: boolean;
  outDir: string;
  wallSeconds: number;
}

export function computeReplicates(input: ReplicatesInput): Replicates {
  const { study, preset } = input;
  const points = (trials: readonly TrialRecord[]): number[][] =>
    trials
      .filter((t) => !t.failed && t.metrics !== null)
      .map((t) => [t.metrics![study.accuracyMetric], -t.metrics![study.timeMetric]])
      .filter((p) => p.every(Number.isFinite));
  // each arm's trials of a method in index order (the order of the hypervolume curves below)
  const byIndex = (ts: readonly TrialRecord[]) => [...ts].sort((a, b) => a.index - b.index);
  const optimizerTrials = input.arms.map((a) => byIndex(a.trials.filter((t) => t.method === 'optimizer')));
  const randomTrials = input.arms.map((a) =>
    byIndex(input.ownRandom ? a.trials.filter((t) => t.method === 'random') : input.sharedRandom),
  );
  const randomPts = points(input.sharedRandom);
  const armPts = optimizerTrials.map(points);
  const armRandomPts = randomTrials.map(points);
  const maxTime = [...randomPts, ...armPts.flat(), ...(input.ownRandom ? armRandomPts.flat() : [])].reduce(
    (m, p) => Math.max(m, -p[1]),
    0,
  );
  const ref = [preset.minAccuracy ?? 0, -(preset.timeLimitSeconds ?? (maxTime > 0 ? maxTime * 1.1 : 1))];
  const hv = (pts: number[][]): number => (pts.length ? hypervolume(pts, ref) : 0);
  const best = (pts: number[][]): number | null => (pts.length ? Math.max(...pts.map((p) => p[0])) : null);
  const fraction = (n: number, d: number): number => (d ? n / d : 0);

  const random = {
    seed: input.arms[0]?.seed ?? 0,
    completed: input.sharedRandom.length,
    feasible_fraction: fraction(randomPts.length, input.sharedRandom.length),
    best_accuracy: best(randomPts),
    hypervolume: hv(randomPts),
  };
  const optimizer: ArmFigures[] = input.arms.map((a, i) => ({
    seed: a.seed,
    dir: path.relative(input.outDir, a.outDir),
    completed: optimizerTrials[i].length,
    feasible_fraction: fraction(armPts[i].length, optimizerTrials[i].length),
    best_accuracy: best(armPts[i]),
    hypervolume: hv(armPts[i]),
    union_share: frontierShare({ optimizer: armPts[i], random: armRandomPts[i] }).share.optimizer ?? 0,
    ...(input.ownRandom
      ? {
          random: {
            completed: randomTrials[i].length,
            feasible_fraction: fraction(armRandomPts[i].length, randomTrials[i].length),
            best_accuracy: best(armRandomPts[i]),
            hypervolume: hv(armRandomPts[i]),
          },
        }
      : {}),
  }));
  if (optimizer.length === 0) throw new Error('computeReplicates: no optimizer arm');
  // hypervolume after n evaluations (trials in index order; failed ones count as evaluations), per arm and method
  const band = (trialSets: readonly (readonly TrialRecord[])[]) => {
    const n = Math.max(0, ...trialSets.map((t) => t.length));
    const evaluations = checkpoints(n);
    const curves = trialSets.map((ts) => evaluations.map((e) => hv(points(ts.slice(0, e)))));
    const at = (q: number) =>
      evaluations.map((_, c) =>
        quantile(
          curves.map((cv) => cv[c]),
          q,
        ),
      );
    return { evaluations, p05: at(0.05), median: at(0.5), p95: at(0.95) };
  };
  const hypervolumeBands = { optimizer: band(optimizerTrials), random: band(randomTrials) };
  const shares = optimizer.map((o) => o.union_share);
  const bests = optimizer.map((o) => o.best_accuracy).filter((x): x is number => x !== null);

  const perArm = optimizer.map((o) =>
    study.paperFigures({
      optimizer: o,
      random: { union_share: 1 - o.union_share, feasible_fraction: (o.random ?? random).feasible_fraction },
    }),
  );
  const paper = perArm[0].map((f, j) => {
    const d = distribution(perArm.map((figs) => figs[j].measured));
    return { figure: f.figure, paper: f.paper, median: d.median, min: d.min, max: d.max };
  });
  return ReplicatesSchema.parse({
    reference_point: { accuracy: ref[0], time: -ref[1] },
    random,
    optimizer,
    distribution: {
      union_share: distribution(shares),
      hypervolume: distribution(optimizer.map((o) => o.hypervolume)),
      feasible_fraction: distribution(optimizer.map((o) => o.feasible_fraction)),
      best_accuracy: bests.length ? distribution(bests) : null,
      ...(input.ownRandom
        ? {
            random_hypervolume: distribution(optimizer.map((o) => o.random!.hypervolume)),
            random_feasible_fraction: distribution(optimizer.map((o) => o.random!.feasible_fraction)),
            random_hypervolume_at_optimizer_budget: distribution(
              randomTrials.map((ts) => hv(points(ts.slice(0, input.preset.budgets.optimizer)))),
            ),
          }
        : {}),
    },
    ...(shares.length >= 10 ? { union_share_p05_p95: [quantile(shares, 0.05), quantile(shares, 0.95)] } : {}),
    hypervolume_bands: hypervolumeBands,
    arms_beating_random_hypervolume: optimizer.filter((o) => o.hypervolume > (o.random ?? random).hypervolume).length,
    arms_with_majority_share: optimizer.filter((o) => o.union_share > 0.5).length,
    paper,
    wall_seconds: input.wallSeconds,
  });
}
