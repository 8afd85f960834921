/**
 * Rotten: Kim's CNN-rand on MR sentence polarity, the 6-parameter space, accuracy vs training time, exactly as
 * SPEC.md states it. The paper's failure region: a trial below the preset's accuracy threshold (paper 0.75) or over its
 * training-time limit (250 s in the paper) is reported to the optimizer as failed; its measured metrics stay in the
 * journal and the report.
 */
import type { Parameter } from '@paretobench/optimizer';
import { budgetLines, dataLine, designLine } from '../presets.ts';
import type { Study } from '../study.ts';
import { loadMovieReviewData } from './data.ts';
import { PRESETS } from './presets.ts';
import { createKimTrainer, fakeKimMetrics } from './trainer.ts';

const int = (name: string, min: number, max: number): Parameter => ({ name, type: 'int', bounds: { min, max } });
const dbl = (name: string, min: number, max: number): Parameter => ({ name, type: 'double', bounds: { min, max } });

/** Bounds of the `epochs` parameter (5..100). */
function epochsBounds(): { min: number; max: number } {
  const p = rotten.parameters.find((x) => x.name === 'epochs');
  if (!p || p.type !== 'int' || !p.bounds) throw new Error('rotten: no bounded int parameter "epochs"');
  return p.bounds;
}

const rotten: Study = {
  name: 'rotten',
  title: 'Rotten Tomatoes (MR polarity, Kim CNN-rand): accuracy vs training time',
  parameters: [
    dbl('dropout_rate', 0.1, 0.9),
    dbl('log_learning_rate', -18.42, 0),
    dbl('max_grad_norm', 1, 10),
    int('epochs', 5, 100),
    int('batch_size', 10, 100),
    int('embed_dim', 100, 500),
  ],
  metrics: [
    { name: 'accuracy', objective: 'maximize', strategy: 'optimize' },
    { name: 'training_time', objective: 'minimize', strategy: 'optimize' },
  ],
  accuracyMetric: 'accuracy',
  timeMetric: 'training_time',
  timeLabel: 'training time (s)',
  timeMeasure: 'training',
  presets: PRESETS,

  /**
   * The trained epochs: the assignment's epochs mapped linearly onto preset.epochRange, or
   * max(1, round(assignment.epochs x preset.epochScale)) (paper: the assignment as is).
   */
  trainedEpochs(preset, assignments) {
    const e = assignments.epochs;
    if (typeof e !== 'number') throw new Error('rotten assignment: "epochs" must be a number');
    if (preset.epochRange !== null) {
      const { min, max } = epochsBounds();
      const u = Math.min(1, Math.max(0, (e - min) / (max - min)));
      return Math.round(preset.epochRange.min + u * (preset.epochRange.max - preset.epochRange.min));
    }
    if (preset.epochScale === null) {
      throw new Error(`preset ${preset.name}: epochScale or epochRange is required for rotten`);
    }
    return Math.max(1, Math.round(e * preset.epochScale));
  },

  describePreset(preset) {
    const lines = [
      ...budgetLines(preset),
      preset.epochRange !== null
        ? `epochs per trial: epochs ${epochsBounds().min}..${epochsBounds().max} mapped linearly onto ${preset.epochRange.min}..${preset.epochRange.max} (paper: epochs as assigned)`
        : `epochs per trial: max(1, round(epochs x ${preset.epochScale})) (paper: epochs as assigned)`,
      dataLine(preset),
    ];
    if (preset.timeLimitSeconds !== null || preset.minAccuracy !== null) {
      lines.push(
        `failure rule: accuracy < ${preset.minAccuracy ?? '-'} or training time > ${preset.timeLimitSeconds ?? '-'} s (paper 0.75 / 250 s)`,
      );
    }
    lines.push(designLine(preset));
    return lines;
  },

  loadData: loadMovieReviewData,
  createTrainer: createKimTrainer,
  fakeMetrics: fakeKimMetrics,

  /** Over the time limit (or stopped there) first, then below the accuracy threshold (diverged if training did). */
  failureReason(preset, outcome) {
    if (preset.timeLimitSeconds !== null) {
      const trainTime = outcome.trainSeconds ?? 0;
      if (outcome.stoppedEarly === 'time_limit' || trainTime > preset.timeLimitSeconds) return 'time_limit';
    }
    if (preset.minAccuracy !== null && outcome.accuracy < preset.minAccuracy) {
      return outcome.stoppedEarly === 'diverged' ? 'diverged' : 'accuracy_below_threshold';
    }
    return null;
  },

  /** The optimizer is 100 % of the union frontier below 250 s; 48 % of its trials are feasible vs 26 % of random's. */
  paperFigures: (methods) => [
    {
      figure: "optimizer's share of the union frontier (feasible trials)",
      paper: 1,
      measured: methods.optimizer.union_share,
    },
    { figure: 'feasible fraction, optimizer', paper: 0.48, measured: methods.optimizer.feasible_fraction },
    { figure: 'feasible fraction, random search', paper: 0.26, measured: methods.random.feasible_fraction },
  ],
};

export default rotten;
