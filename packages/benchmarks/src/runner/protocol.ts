/**
 * Messages between the study coordinator and its worker processes (child_process IPC).
 * Validated with zod on receipt: a worker is a separate program and its replies are a boundary.
 */
import { z } from 'zod';
import { BACKEND_CHOICES } from '@paretobench/models/backend-names';
import { PresetSchema } from '../studies/presets.ts';
import { StudyNameSchema } from '../studies/registry.ts';
import { AssignmentsSchema } from '../journal/records.ts';

export const TrainerKindSchema = z.enum(['real', 'fake']);

export const WorkerInitSchema = z.object({
  type: z.literal('init'),
  worker: z.number().int().min(0),
  study: StudyNameSchema,
  preset: PresetSchema,
  seed: z.number().int(),
  dataDir: z.string().nullable(),
  trainer: TrainerKindSchema,
  backend: z.enum(BACKEND_CHOICES),
});
export type WorkerInit = z.infer<typeof WorkerInitSchema>;

export const TrialTaskSchema = z.object({
  type: z.literal('trial'),
  id: z.string(),
  assignments: AssignmentsSchema,
  epochs: z.number().int().min(1),
  seed: z.number().int(),
});
export type TrialTask = z.infer<typeof TrialTaskSchema>;

export const TrialOutcomeSchema = z.object({
  accuracy: z.number().nullable(),
  trainSeconds: z.number().nullable(),
  inferenceSeconds: z.number().nullable(),
  epochs: z.number().int().min(0),
  stoppedEarly: z.string().nullable(),
  error: z.string().nullable(),
  /** Wall seconds of each training epoch (from the trainer's history). */
  epochSeconds: z.array(z.number()).optional(),
  /**
   * CPU seconds (user + system) the worker process spent on the trial. Unlike wall time it hardly changes when other
   * processes compete for the cores, so the regression check gates trial cost on it.
   */
  cpuSeconds: z.number().min(0).optional(),
  /**
   * The worker's host-speed reference (host/reference-workload.ts) for this trial: mean CPU milliseconds of two
   * samples timed at the worker's start-up or right after its previous result was sent, i.e. just before the trial
   * arrived. cpuSeconds in this unit holds still when the whole host is slower or faster.
   */
  referenceCpuMs: z.number().positive().optional(),
});
export type TrialOutcome = z.infer<typeof TrialOutcomeSchema>;

export const WorkerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: z.string() }),
  /** `message` is shown; `stack` only with --verbose (a dataset error is the user's to fix, not a crash). */
  z.object({ type: z.literal('init_error'), message: z.string(), stack: z.string().optional() }),
  z.object({ type: z.literal('result'), id: z.string(), outcome: TrialOutcomeSchema }),
]);
export type WorkerReply = z.infer<typeof WorkerReplySchema>;
