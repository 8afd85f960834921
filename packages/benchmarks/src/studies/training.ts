/**
 * Helpers for the real trainers of studies that train a model of @paretobench/models (tfjs), shared so that every
 * such study reports backend, outcome and errors the same way. Only the worker processes load the models package
 * (`import()` inside `startModels`), so importing a study module stays cheap for the coordinator.
 */
import type { BackendChoice } from '@paretobench/models/backend-names';
import type { z } from 'zod';
import type { TrialOutcome, TrialTask } from '../runner/protocol.ts';
import { describeZodIssues } from '../zod-issues.ts';
import type { Preset } from './presets.ts';
import type { TrainerContext } from './study.ts';

export type Models = typeof import('@paretobench/models');

/** Loads the models package and initialises its tfjs backend once; `backend` is the label recorded with each trial. */
export async function startModels(choice: BackendChoice): Promise<{ models: Models; backend: string }> {
  const models = await import('@paretobench/models');
  const chosen = await models.initBackend(choice);
  // On wasm, say which GEMM the convolutions ran on (the native addon roughly halves an FCN epoch).
  return { models, backend: chosen === 'wasm' ? `wasm, GEMM: ${models.gemmInUse()}` : chosen };
}

/** A trial's assignments as a model's hyperparameters, parsed with the model's own schema (errors name the field). */
export function parseHyperparameters<T>(schema: z.ZodType<T>, assignments: TrialTask['assignments'], what: string): T {
  const r = schema.safeParse(assignments);
  if (!r.success) throw new Error(`invalid ${what}: ${describeZodIssues(r.error)}`);
  return r.data;
}

/** The same epochs, seed, epoch hook and time limit for every model. */
export function trainOptions(
  context: TrainerContext,
  task: TrialTask,
): { epochs: number; seed: number; onEpoch: () => void; timeLimitSeconds?: number } {
  const preset: Preset = context.preset;
  return {
    epochs: task.epochs,
    seed: task.seed,
    onEpoch: () => context.onEpoch(),
    ...(preset.timeLimitSeconds !== null ? { timeLimitSeconds: preset.timeLimitSeconds } : {}),
  };
}

/** A finished training (possibly stopped early) as a trial outcome. */
export function trainedOutcome(r: {
  accuracy: number;
  trainSeconds: number;
  inferenceSeconds: number;
  epochs: number;
  stoppedEarly?: string;
  history: { seconds: number }[];
}): TrialOutcome {
  return {
    accuracy: r.accuracy,
    trainSeconds: r.trainSeconds,
    inferenceSeconds: r.inferenceSeconds,
    epochs: r.epochs,
    stoppedEarly: r.stoppedEarly ?? null,
    error: null,
    epochSeconds: r.history.map((h) => h.seconds),
  };
}

/** A training that threw, as a trial outcome (the trial is then failed with reason 'error'). */
export function errorOutcome(err: unknown, epochs: number): TrialOutcome {
  const message = err instanceof Error ? err.message : String(err);
  return { accuracy: null, trainSeconds: null, inferenceSeconds: null, epochs, stoppedEarly: null, error: message };
}

/** A finite number from the assignments (for the closed-form stand-in trainers). */
export function num(a: TrialTask['assignments'], key: string): number {
  const v = a[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`assignment "${key}" must be a finite number, got ${String(v)}`);
  return v;
}
