/**
 * Presets: how big a study run is. Every study has the same three, each in its own folder
 * (`<name>/presets.ts`), all of the one shape `PresetSchema`:
 *
 * - `paper`: exactly the original study (its budgets, epochs, full data, its failure rule). Meant for a GPU or a very
 *   long run.
 * - `default`: at most ~45 minutes per study on a 2-core machine. Same parameters (names, types, bounds) and the same
 *   optimizer:random budget ratio as the paper; epochs, budgets, data fraction and time limits are scaled.
 * - `smoke`: all studies together in a few minutes, for CI: tiny budgets, one epoch, data subsets.
 *
 * Every scaled quantity is printed when a run starts and written into the report (`Study.describePreset`, built from
 * the shared lines below).
 */
import { z } from 'zod';
import type { Study } from './study.ts';

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

/** A preset as a study writes it (defaults such as `seeds` filled in by `PresetSchema`). */
export type PresetInput = z.input<typeof PresetSchema>;

/** The named preset of a study, validated. */
export function getPreset(study: Pick<Study, 'presets'>, name: string): Preset {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown preset "${name}": expected one of ${PRESET_NAMES.join(', ')}`);
  }
  return PresetSchema.parse(study.presets[name as PresetName]);
}

/**
 * The preset with `optimizer` trials in the optimizer arm and the random arm's budget scaled to keep the preset's
 * ratio (`--budget`, a budget sweep of one preset); the preset itself for null. Its scope says so, since the preset's
 * own text describes its own budgets.
 */
export function withBudget(preset: Preset, optimizer: number | null): Preset {
  if (optimizer === null || optimizer === preset.budgets.optimizer) return preset;
  const random = Math.round((optimizer * preset.budgets.random) / preset.budgets.optimizer);
  return PresetSchema.parse({
    ...preset,
    budgets: { optimizer, random },
    scope:
      `Budgets changed on the command line (--budget ${optimizer}): ${optimizer} optimizer vs ${random} random ` +
      `trials instead of the preset's ${preset.budgets.optimizer} vs ${preset.budgets.random}, same ratio. ` +
      `The preset's own description, at its own budgets: ${preset.scope}`,
  });
}

/*
 * The lines of a preset description every study shares; a study's `describePreset` puts its own lines (epochs,
 * model settings, failure rule) between them.
 */

/** Budgets and their ratio, then the replicates when there are several optimizer seeds. */
export function budgetLines(preset: Preset): string[] {
  const lines = [
    `preset ${preset.name}: budgets optimizer ${preset.budgets.optimizer} vs random ${preset.budgets.random}` +
      ` (ratio 1:${(preset.budgets.random / preset.budgets.optimizer).toFixed(2)})`,
  ];
  if (preset.seeds > 1) {
    lines.push(
      `replicates: ${preset.seeds} optimizer runs (seeds seed..seed+${preset.seeds - 1}), each compared with random search ` +
        '(one shared arm with --seeds; an arm of its own with --repeats)',
    );
  }
  return lines;
}

/** The share of each split a trial trains and validates on. */
export function dataLine(preset: Preset): string {
  return `data: ${(preset.trainFraction * 100).toFixed(0)}% of the training split, ${(preset.valFraction * 100).toFixed(0)}% of the validation split`;
}

/** The optimizer's initial design and the bootstrap repetitions of the confidence region. */
export function designLine(preset: Preset): string {
  return `optimizer initial design: ${preset.initialDesignSize ?? "optimizer's default"}; confidence region: ${preset.confidenceRepeats} resamples`;
}
