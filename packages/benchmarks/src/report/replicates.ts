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
  /** This arm's share of the frontier of (this arm + the shared random arm). */
  union_share: z.number(),
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
  }),
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
  /** Each optimizer arm's trials (replicate 0's may include the random ones; only optimizer trials are read). */
  arms: readonly { seed: number; outDir: string; trials: readonly TrialRecord[] }[];
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
  const optimizerTrials = input.arms.map((a) => a.trials.filter((t) => t.method === 'optimizer'));
  const randomPts = points(input.sharedRandom);
  const armPts = optimizerTrials.map(points);
  const maxTime = [...randomPts, ...armPts.flat()].reduce((m, p) => Math.max(m, -p[1]), 0);
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
    union_share: frontierShare({ optimizer: armPts[i], random: randomPts }).share.optimizer ?? 0,
  }));
  if (optimizer.length === 0) throw new Error('computeReplicates: no optimizer arm');
  const bests = optimizer.map((o) => o.best_accuracy).filter((x): x is number => x !== null);

  const perArm = optimizer.map((o) =>
    study.paperFigures({
      optimizer: o,
      random: { union_share: 1 - o.union_share, feasible_fraction: random.feasible_fraction },
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
      union_share: distribution(optimizer.map((o) => o.union_share)),
      hypervolume: distribution(optimizer.map((o) => o.hypervolume)),
      feasible_fraction: distribution(optimizer.map((o) => o.feasible_fraction)),
      best_accuracy: bests.length ? distribution(bests) : null,
    },
    arms_beating_random_hypervolume: optimizer.filter((o) => o.hypervolume > random.hypervolume).length,
    arms_with_majority_share: optimizer.filter((o) => o.union_share > 0.5).length,
    paper,
    wall_seconds: input.wallSeconds,
  });
}
