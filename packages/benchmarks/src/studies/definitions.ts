/**
 * The two reproduced studies, exactly as their specifications (diatom/SPEC.md, rotten/SPEC.md) state them:
 * parameter names, types and bounds, and the two metrics each (accuracy maximised, a wall-clock time minimised).
 *
 * These objects are plain data in the optimizer's SigOpt-style shape (`ExperimentConfig.parameters`,
 * `ExperimentConfig.metrics`), so the in-process optimizer and the REST service receive the same thing.
 */
import type { Metric, Parameter } from '@paretobench/optimizer';

export type StudyName = 'diatom' | 'rotten';
export const STUDY_NAMES: readonly StudyName[] = ['diatom', 'rotten'];

export interface StudyDefinition {
  name: StudyName;
  title: string;
  parameters: Parameter[];
  /** [accuracy (maximize), time (minimize)] — always in this order. */
  metrics: [Metric, Metric];
  accuracyMetric: 'accuracy';
  timeMetric: 'inference_time' | 'training_time';
  /** Human label of the time axis in reports. */
  timeLabel: string;
}

const int = (name: string, min: number, max: number): Parameter => ({ name, type: 'int', bounds: { min, max } });
const dbl = (name: string, min: number, max: number): Parameter => ({ name, type: 'double', bounds: { min, max } });

/** Wang FCN on UCR Adiac: 12 parameters (7 int, 5 double). */
export const DIATOM: StudyDefinition = {
  name: 'diatom',
  title: 'Diatom (UCR Adiac, Wang FCN): accuracy vs inference time',
  parameters: [
    int('batch_size', 8, 32),
    int('conv_1_num_filters', 32, 256),
    int('conv_2_num_filters', 32, 256),
    int('conv_3_num_filters', 32, 256),
    int('conv_1_filter_size', 2, 10),
    int('conv_2_filter_size', 2, 10),
    int('conv_3_filter_size', 2, 10),
    dbl('log_lr', -23, 0),
    dbl('log_beta_1', -4.6, -0.7),
    dbl('log_beta_2', -13.8, -0.7),
    dbl('log_epsilon', -23, -13.8),
    dbl('log_decay', -23, -2.3),
  ],
  metrics: [
    { name: 'accuracy', objective: 'maximize', strategy: 'optimize' },
    { name: 'inference_time', objective: 'minimize', strategy: 'optimize' },
  ],
  accuracyMetric: 'accuracy',
  timeMetric: 'inference_time',
  timeLabel: 'inference time over the validation set (s)',
};

/** Kim CNN-rand on MR sentence polarity: the 6-parameter space. */
export const ROTTEN: StudyDefinition = {
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
};

export const STUDIES: Record<StudyName, StudyDefinition> = { diatom: DIATOM, rotten: ROTTEN };

export function getStudy(name: string): StudyDefinition {
  if (name === 'diatom' || name === 'rotten') return STUDIES[name];
  throw new Error(`unknown study "${name}": expected one of ${STUDY_NAMES.join(', ')}`);
}
