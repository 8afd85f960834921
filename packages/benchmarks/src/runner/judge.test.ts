import { describe, expect, it } from 'vitest';
import { judgeOutcome } from './judge.ts';
import DIATOM from '../studies/diatom/index.ts';
import ROTTEN from '../studies/rotten/index.ts';
import { getPreset } from '../studies/presets.ts';
import type { TrialOutcome } from './protocol.ts';

const outcome = (o: Partial<TrialOutcome>): TrialOutcome => ({
  accuracy: 0.8,
  trainSeconds: 100,
  inferenceSeconds: 0.2,
  epochs: 5,
  stoppedEarly: null,
  error: null,
  ...o,
});

describe('judgeOutcome', () => {
  const paper = getPreset(ROTTEN, 'paper');

  it('applies the paper failure rule for rotten: accuracy < 75% or training time > 250 s', () => {
    expect(judgeOutcome(ROTTEN, paper, outcome({}))).toEqual({
      failed: false,
      reason: null,
      metrics: { accuracy: 0.8, training_time: 100 },
    });
    expect(judgeOutcome(ROTTEN, paper, outcome({ accuracy: 0.7499 })).reason).toBe('accuracy_below_threshold');
    expect(judgeOutcome(ROTTEN, paper, outcome({ accuracy: 0.75 })).failed).toBe(false);
    expect(judgeOutcome(ROTTEN, paper, outcome({ trainSeconds: 250.5 })).reason).toBe('time_limit');
    expect(judgeOutcome(ROTTEN, paper, outcome({ trainSeconds: 250 })).failed).toBe(false);
    expect(judgeOutcome(ROTTEN, paper, outcome({ stoppedEarly: 'time_limit', trainSeconds: 249 })).reason).toBe(
      'time_limit',
    );
    expect(judgeOutcome(ROTTEN, paper, outcome({ accuracy: 0.5, stoppedEarly: 'diverged' })).reason).toBe('diverged');
    // failed trials keep their measured metrics for the report
    expect(judgeOutcome(ROTTEN, paper, outcome({ accuracy: 0.6 })).metrics).toEqual({
      accuracy: 0.6,
      training_time: 100,
    });
  });

  it('uses the preset time limit for scaled presets', () => {
    const smoke = getPreset(ROTTEN, 'smoke');
    expect(judgeOutcome(ROTTEN, smoke, outcome({ trainSeconds: smoke.timeLimitSeconds! + 1 })).reason).toBe(
      'time_limit',
    );
  });

  it('never fails a diatom trial that trained, whatever its accuracy; measures inference time', () => {
    const j = judgeOutcome(DIATOM, getPreset(DIATOM, 'paper'), outcome({ accuracy: 0.02, trainSeconds: 9999 }));
    expect(j).toEqual({ failed: false, reason: null, metrics: { accuracy: 0.02, inference_time: 0.2 } });
  });

  it('reports errors as failed without metrics', () => {
    expect(judgeOutcome(DIATOM, getPreset(DIATOM, 'paper'), outcome({ error: 'OOM', accuracy: null }))).toEqual({
      failed: true,
      reason: 'error',
      metrics: null,
    });
    expect(judgeOutcome(DIATOM, getPreset(DIATOM, 'paper'), outcome({ accuracy: NaN })).reason).toBe('error');
  });
});
