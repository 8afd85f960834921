/**
 * Turns a training outcome into what the optimizer is told: metric values, or failed.
 *
 * For every study a trial fails with reason 'error' when training threw or produced no accuracy or time; otherwise
 * the study's own failure rule (`Study.failureReason`) decides. Diatom has none; rotten's is the paper's failure
 * region (accuracy below preset.minAccuracy, training time above preset.timeLimitSeconds).
 */
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import type { FailureReason } from '../journal/records.ts';
import type { TrialOutcome } from './protocol.ts';

export interface Judgement {
  failed: boolean;
  reason: FailureReason | null;
  /** Measured metrics by name (null when training produced no model). */
  metrics: Record<string, number> | null;
}

export function judgeOutcome(study: Study, preset: Preset, outcome: TrialOutcome): Judgement {
  const time = study.timeMeasure === 'inference' ? outcome.inferenceSeconds : outcome.trainSeconds;
  const accuracy = outcome.accuracy;
  if (outcome.error !== null || accuracy === null || time === null || !Number.isFinite(accuracy)) {
    return { failed: true, reason: 'error', metrics: null };
  }
  const metrics = { [study.accuracyMetric]: accuracy, [study.timeMetric]: time };
  const reason = study.failureReason(preset, { ...outcome, accuracy });
  return reason === null ? { failed: false, reason: null, metrics } : { failed: true, reason, metrics };
}
