/**
 * Presets: how big a study run is.
 *
 * - `paper`: exactly the original studies (budgets 480 vs 4800 and 480 vs 1800, 500 FCN epochs, the Kim epochs
 *   parameter used as is, full data, the 75 % / 250 s failure rule for rotten). Meant for a GPU or a very long run.
 * - `default`: at most ~45 minutes per study on a 2-core machine. Same parameters (names, types, bounds) and the same
 *   optimizer:random budget ratio as the paper; epochs, budgets, data fraction and the rotten time limit are scaled.
 * - `smoke`: both studies together in a few minutes, for CI: tiny budgets, one epoch, data subsets.
 *
 * Every scaled quantity is printed when a run starts and written into the report.
 */
import { z } from 'zod';
import { ROTTEN, type StudyName } from './definitions.ts';

export const PRESET_NAMES = ['smoke', 'default', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const positiveInt = z.number().int().min(1);
const fraction = z.number().gt(0).max(1);

export const PresetSchema = z
  .object({
    name: z.enum(PRESET_NAMES),
    /**
     * Trials per comparison. `random` is 0 only in the optimizer-only arms of a replicated run (see
     * runner/replicates.ts); every named preset has both.
     */
    budgets: z.object({ optimizer: positiveInt, random: z.number().int().min(0) }),
    /**
     * Independent optimizer runs (seeds seed, seed + 1, ...) compared with one shared random-search arm: the
     * report shows the distribution of their figures, not one draw. `--seeds K` overrides it.
     */
    seeds: positiveInt.default(1),
    /** Diatom: every FCN trains for exactly this many epochs (paper 500). */
    fixedEpochs: positiveInt.nullable(),
    /** Rotten: the trained epochs are max(1, round(assignment.epochs * epochScale)) (paper 1). */
    epochScale: z.number().gt(0).max(1).nullable(),
    /**
     * Rotten, instead of epochScale: the assignment's epochs (5..100) mapped linearly onto min..max and rounded, so
     * every value of the parameter keeps its place in the range (more epochs: more accuracy and more time).
     */
    epochRange: z
      .object({ min: positiveInt, max: positiveInt })
      .refine((r) => r.min <= r.max, { message: 'min must not exceed max' })
      .nullable()
      .default(null),
    /** Fraction of the training split used (deterministic subset drawn with the run seed). */
    trainFraction: fraction,
    /** Fraction of the validation / dev split used. */
    valFraction: fraction,
    /** Rotten: a trial whose training time exceeds this is failed (paper 250 s); training is stopped there. */
    timeLimitSeconds: z.number().gt(0).nullable(),
    /** Rotten: a trial below this accuracy is failed (paper 0.75, never scaled). */
    minAccuracy: z.number().min(0).max(1).nullable(),
    /** Size of the optimizer's space-filling initial design (null: the optimizer's own default). */
    initialDesignSize: positiveInt.nullable(),
    /**
     * Diatom: batch-norm moving-statistics momentum of the FCN (paper: Keras' 0.99, as in Wang's code). Scaled
     * presets use PyTorch's 0.9: with 0.99 the moving statistics are still far from the data after the ~150 steps of
     * an 8-epoch trial, so every trial validates at chance accuracy; with 0.9 they settle within a few dozen steps.
     */
    batchNormMomentum: z.number().gt(0).lt(1).nullable(),
    /** Bootstrap repetitions of the random-search confidence region (paper: 800). */
    confidenceRepeats: positiveInt,
    /** In plain words: what a run of this preset can show and what it cannot (printed in the report). */
    scope: z.string().default(''),
  })
  .strict();
export type Preset = z.infer<typeof PresetSchema>;

const PRESETS: Record<StudyName, Record<PresetName, z.input<typeof PresetSchema>>> = {
  diatom: {
    paper: {
      name: 'paper',
      budgets: { optimizer: 480, random: 4800 },
      fixedEpochs: 500,
      epochScale: null,
      trainFraction: 1,
      valFraction: 1,
      timeLimitSeconds: null,
      minAccuracy: null,
      initialDesignSize: null,
      batchNormMomentum: 0.99,
      confidenceRepeats: 800,
      scope:
        "The original study at its own budgets (480 vs 4800 trials of 500 epochs). It can show the paper's finding " +
        "(the optimizer's share of the union frontier, 85.7 % there) on this code; it needs days of CPU or a GPU.",
    },
    default: {
      name: 'default',
      // An 8-epoch trial takes ~8 s of wall time on 2 workers with the native GEMM (random draws; the optimizer's,
      // smaller and faster, ~5 s): 200 random + 4 x 20 optimizer trials fit in ~35 minutes. 20 trials leave the
      // optimizer 15 model-based suggestions after its 5-point design (the policy's ceil(budget / 4)); 10 trials
      // (5 model-based) could not beat 100 random draws.
      budgets: { optimizer: 20, random: 200 },
      seeds: 4,
      fixedEpochs: 8,
      epochScale: null,
      trainFraction: 1,
      valFraction: 1,
      timeLimitSeconds: null,
      minAccuracy: null,
      initialDesignSize: null,
      batchNormMomentum: 0.9,
      confidenceRepeats: 800,
      scope:
        'Four optimizer runs of 20 trials (seeds seed..seed+3), each compared with the same 200 random-search trials ' +
        '(1:10, as in the paper). It can show whether the optimizer finds a better accuracy / inference-time frontier ' +
        'than ten times as many random draws, and how much that varies from one optimizer seed to the next. It ' +
        "cannot show the paper's accuracies (8 epochs per trial, not 500: the best models here are far from converged, " +
        'so the frontier ranks early learning speed as much as final accuracy), and the random arm is one draw: its ' +
        "own variability is shown only by the bootstrap confidence region at the optimizer's budget.",
    },
    smoke: {
      name: 'smoke',
      budgets: { optimizer: 2, random: 20 },
      fixedEpochs: 1,
      epochScale: null,
      trainFraction: 0.1,
      valFraction: 0.1,
      timeLimitSeconds: null,
      minAccuracy: null,
      initialDesignSize: 1,
      batchNormMomentum: 0.9,
      confidenceRepeats: 800,
      scope:
        'A check that both arms, the journal and the report work end to end (1 epoch, 10 % of the data, 2 vs 20 trials). ' +
        'Its figures say nothing about the optimizer.',
    },
  },
  rotten: {
    paper: {
      name: 'paper',
      budgets: { optimizer: 480, random: 1800 },
      fixedEpochs: null,
      epochScale: 1,
      trainFraction: 1,
      valFraction: 1,
      timeLimitSeconds: 250,
      minAccuracy: 0.75,
      initialDesignSize: null,
      batchNormMomentum: null,
      confidenceRepeats: 800,
      scope:
        'The original study at its own budgets (480 vs 1800 trials, 5-100 epochs, failed below 75 % accuracy or above ' +
        "250 s). It can show the paper's finding (48 % vs 26 % feasible, 100 % of the union frontier); it needs a GPU.",
    },
    default: {
      name: 'default',
      // With length-bucketed batches a full-data Kim epoch costs ~10 s (embed 128) to ~18 s (embed 500) at batch 50:
      // trials of 2..6 epochs take ~60 s on a worker, so 4 x 8 optimizer + 30 random = 62 trials fit in ~35 minutes.
      budgets: { optimizer: 8, random: 30 },
      seeds: 4,
      fixedEpochs: null,
      epochScale: null,
      // Kim's CNN-rand passes 0.75 after about 3 full-data epochs at a good learning rate: epochs 5..100 map onto
      // 2..6, so most of the epochs range can pass and long trainings cost time, as in the paper.
      epochRange: { min: 2, max: 6 },
      trainFraction: 1,
      valFraction: 1,
      // the time rule binds for many epochs with a large embedding or small batches (paper: 250 s for up to 100
      // epochs on a GPU)
      timeLimitSeconds: 100,
      minAccuracy: 0.75,
      initialDesignSize: null,
      batchNormMomentum: null,
      confidenceRepeats: 800,
      scope:
        'Four optimizer runs of 8 trials (seeds seed..seed+3), each compared with the same 30 random-search trials ' +
        "(1:3.75, as in the paper), with the paper's 75 % accuracy rule and a time rule scaled to this machine " +
        '(2 to 6 full-data epochs, failed above 100 s of training). It can show whether the optimizer learns where ' +
        'trials fail and spends more of its budget on feasible ones than random search does, and how that varies ' +
        'between optimizer seeds. With 8 trials (2 of them a space-filling design) it cannot show much about the ' +
        "frontier itself, nor the paper's accuracies at up to 100 epochs.",
    },
    smoke: {
      name: 'smoke',
      budgets: { optimizer: 4, random: 15 },
      fixedEpochs: null,
      epochScale: 0.01,
      trainFraction: 0.015,
      valFraction: 0.05,
      timeLimitSeconds: 60,
      minAccuracy: 0.75,
      initialDesignSize: 2,
      batchNormMomentum: null,
      confidenceRepeats: 800,
      scope:
        'A check that both arms, failures, the journal and the report work end to end (1 epoch, 1.5 % of the data). ' +
        'Its figures say nothing about the optimizer.',
    },
  },
};

export function getPreset(study: StudyName, name: string): Preset {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown preset "${name}": expected one of ${PRESET_NAMES.join(', ')}`);
  }
  return PresetSchema.parse(PRESETS[study][name as PresetName]);
}

/** Bounds of rotten's `epochs` parameter. */
function epochsBounds(): { min: number; max: number } {
  const p = ROTTEN.parameters.find((x) => x.name === 'epochs');
  if (!p || p.type !== 'int' || !p.bounds) throw new Error('rotten: no bounded int parameter "epochs"');
  return p.bounds;
}

/** Epochs actually trained for a trial of `study` under `preset`. */
export function trainedEpochs(study: StudyName, preset: Preset, assignments: Record<string, number | string>): number {
  if (study === 'diatom') {
    if (preset.fixedEpochs === null) throw new Error(`preset ${preset.name}: fixedEpochs is required for diatom`);
    return preset.fixedEpochs;
  }
  const e = assignments.epochs;
  if (typeof e !== 'number') throw new Error('rotten assignment: "epochs" must be a number');
  if (preset.epochRange !== null) {
    const { min, max } = epochsBounds();
    const u = Math.min(1, Math.max(0, (e - min) / (max - min)));
    return Math.round(preset.epochRange.min + u * (preset.epochRange.max - preset.epochRange.min));
  }
  if (preset.epochScale === null)
    throw new Error(`preset ${preset.name}: epochScale or epochRange is required for rotten`);
  return Math.max(1, Math.round(e * preset.epochScale));
}

/** The scaled quantities of a preset as lines of text (printed at start, shown in the report). */
export function describePreset(study: StudyName, preset: Preset): string[] {
  const lines = [
    `preset ${preset.name}: budgets optimizer ${preset.budgets.optimizer} vs random ${preset.budgets.random}` +
      ` (ratio 1:${(preset.budgets.random / preset.budgets.optimizer).toFixed(2)})`,
  ];
  if (preset.seeds > 1) {
    lines.push(
      `replicates: ${preset.seeds} optimizer runs (seeds seed..seed+${preset.seeds - 1}), each compared with one shared random-search arm`,
    );
  }
  if (study === 'diatom') {
    lines.push(`epochs per trial: ${preset.fixedEpochs} (paper 500)`);
    lines.push(`FCN batch-norm momentum: ${preset.batchNormMomentum ?? 0.99} (paper: Keras' 0.99)`);
  } else if (preset.epochRange !== null) {
    const { min, max } = epochsBounds();
    lines.push(
      `epochs per trial: epochs ${min}..${max} mapped linearly onto ${preset.epochRange.min}..${preset.epochRange.max} (paper: epochs as assigned)`,
    );
  } else lines.push(`epochs per trial: max(1, round(epochs x ${preset.epochScale})) (paper: epochs as assigned)`);
  lines.push(
    `data: ${(preset.trainFraction * 100).toFixed(0)}% of the training split, ${(preset.valFraction * 100).toFixed(0)}% of the validation split`,
  );
  if (preset.timeLimitSeconds !== null || preset.minAccuracy !== null) {
    lines.push(
      `failure rule: accuracy < ${preset.minAccuracy ?? '-'} or training time > ${preset.timeLimitSeconds ?? '-'} s (paper 0.75 / 250 s)`,
    );
  }
  lines.push(
    `optimizer initial design: ${preset.initialDesignSize ?? "optimizer's default"}; confidence region: ${preset.confidenceRepeats} resamples`,
  );
  return lines;
}
