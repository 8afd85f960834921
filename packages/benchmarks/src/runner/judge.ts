/**
 * Turns a training outcome into what the optimizer is told: metric values, or failed.
 *
 * Diatom: a trial fails only when training threw. Rotten (the paper's failure region): accuracy below
 * preset.minAccuracy (0.75) or training time above preset.timeLimitSeconds (250 s in the paper) is failed.
 */
import type { StudyDefinition } from '../studies/definitions.ts';
import type { Preset } from '../studies/presets.ts';
import type { FailureReason } from '../journal/records.ts';
import type { TrialOutcome } from './protocol.ts';

export interface Judgement {
  failed: boolean;
  reason: FailureReason | null;
  /** Measured metrics by name (null when training produced no model). */
  metrics: Record<string, number> | null;
}

export function judgeOutcome(study: StudyDefinition, preset: Preset, outcome: TrialOutcome): Judgement {
  const time = study.timeMetric === 'inference_time' ? outcome.inferenceSeconds : outcome.trainSeconds;
  if (outcome.error !== null || outcome.accuracy === null || time === null || !Number.isFinite(outcome.accuracy)) {
    return { failed: true, reason: 'error', metrics: null };
  }
  const metrics = { [study.accuracyMetric]: outcome.accuracy, [study.timeMetric]: time };
  if (preset.timeLimitSeconds !== null) {
    const trainTime = outcome.trainSeconds ?? 0;
    if (outcome.stoppedEarly === 'time_limit' || trainTime > preset.timeLimitSeconds) {
      return { failed: true, reason: 'time_limit', metrics };
    }
  }
  if (preset.minAccuracy !== null && outcome.accuracy < preset.minAccuracy) {
    return {
      failed: true,
      reason: outcome.stoppedEarly === 'diverged' ? 'diverged' : 'accuracy_below_threshold',
      metrics,
    };
  }
  return { failed: false, reason: null, metrics };
}
