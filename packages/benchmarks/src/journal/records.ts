/**
 * Record types of the trial journal (`trials.jsonl`): one header line, then one line per finished trial.
 * Types are inferred from the zod schemas so the file format and the code never drift.
 */
import { z } from 'zod';
import { PresetSchema } from '../studies/presets.ts';
import { StudyNameSchema } from '../studies/registry.ts';

export const METHODS = ['optimizer', 'random'] as const;
export const MethodSchema = z.enum(METHODS);
export type Method = z.infer<typeof MethodSchema>;

export const AssignmentsSchema = z.record(z.string(), z.union([z.number(), z.string()]));

export const JournalHeaderSchema = z
  .object({
    type: z.literal('header'),
    version: z.literal(1),
    study: StudyNameSchema,
    preset: PresetSchema,
    seed: z.number().int(),
    /** sha256 of the canonical study definition + preset + seed + optimizer source; a resumed run must match it. */
    fingerprint: z.string(),
    /**
     * Optimizer suggestion k sees the observations of optimizer trials 0..k-lag-1 and treats trials k-lag..k-1
     * as pending, whatever finished in the meantime: this is what makes a run reproducible after a resume.
     */
    lag: z.number().int().min(0),
    optimizer: z.string(),
    created_at: z.string(),
  })
  .strict();
export type JournalHeader = z.infer<typeof JournalHeaderSchema>;

export const FailureReasonSchema = z.enum(['accuracy_below_threshold', 'time_limit', 'diverged', 'error']);
export type FailureReason = z.infer<typeof FailureReasonSchema>;

export const TrialRecordSchema = z
  .object({
    type: z.literal('trial'),
    method: MethodSchema,
    /** Index of the trial within its method (0-based); suggestions are a function of this index. */
    index: z.number().int().min(0),
    /** Order in which trials finished in this journal (informational; resumed runs continue the count). */
    seq: z.number().int().min(0),
    assignments: AssignmentsSchema,
    /** What the optimizer was told: values, or failed. */
    failed: z.boolean(),
    failure_reason: FailureReasonSchema.nullable(),
    /** Measured metrics (present whenever training produced a model, also for failed-by-rule trials). */
    metrics: z.record(z.string(), z.number()).nullable(),
    error: z.string().nullable(),
    epochs: z.number().int().min(0),
    stopped_early: z.string().nullable(),
    /** Seconds per training epoch, as the trainer measured them (absent in older journals). */
    epoch_seconds: z.array(z.number()).optional(),
    worker: z.number().int().min(0),
    /** Invocation of the study command that ran the trial: 0 for the first, +1 per resume (absent in older journals). */
    invocation: z.number().int().min(0).optional(),
    backend: z.string(),
    timing: z
      .object({
        started_at: z.string(),
        finished_at: z.string(),
        wall_seconds: z.number().min(0),
        train_seconds: z.number().min(0).nullable(),
        inference_seconds: z.number().min(0).nullable(),
        suggest_ms: z.number().min(0).nullable(),
        /** CPU seconds of the worker process for this trial (absent in older journals and after a worker crash). */
        cpu_seconds: z.number().min(0).optional(),
        /**
         * The worker's host-speed reference for the trial: mean CPU milliseconds of two samples of the fixed workload
         * of host/reference-workload.ts, timed after the worker's previous result (or at its start-up), just before
         * this trial arrived (absent in older journals): the unit of the host-independent trial cost.
         */
        reference_cpu_ms: z.number().positive().optional(),
      })
      .strict(),
  })
  .strict();
export type TrialRecord = z.infer<typeof TrialRecordSchema>;
