/**
 * Diatom: Wang's FCN on UCR Adiac, 12 parameters (7 int, 5 double), accuracy vs inference time over the validation
 * set, exactly as SPEC.md states it. No failure rule: every trained model is a result, however poor or slow.
 */
import type { Parameter } from '@paretobench/optimizer';
import { budgetLines, dataLine, designLine } from '../presets.ts';
import type { Study } from '../study.ts';
import { loadAdiac } from './data.ts';
import { PRESETS } from './presets.ts';
import { createFcnTrainer, fakeFcnMetrics } from './trainer.ts';

const int = (name: string, min: number, max: number): Parameter => ({ name, type: 'int', bounds: { min, max } });
const dbl = (name: string, min: number, max: number): Parameter => ({ name, type: 'double', bounds: { min, max } });

const diatom: Study = {
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
  timeMeasure: 'inference',
  presets: PRESETS,

  /** Every FCN trains for the preset's fixed number of epochs (paper 500). */
  trainedEpochs(preset) {
    if (preset.fixedEpochs === null) throw new Error(`preset ${preset.name}: fixedEpochs is required for diatom`);
    return preset.fixedEpochs;
  },

  describePreset: (preset) => [
    ...budgetLines(preset),
    `epochs per trial: ${preset.fixedEpochs} (paper 500)`,
    `FCN batch-norm momentum: ${preset.batchNormMomentum ?? 0.99} (paper: Keras' 0.99)`,
    dataLine(preset),
    designLine(preset),
  ],

  loadData: loadAdiac,
  createTrainer: createFcnTrainer,
  fakeMetrics: fakeFcnMetrics,

  failureReason: () => null,

  /** The optimizer's frontier is 85.7 % of the union frontier (480 optimizer vs 4800 random trials). */
  paperFigures: (methods) => [
    { figure: "optimizer's share of the union frontier", paper: 0.857, measured: methods.optimizer.union_share },
  ],
};

export default diatom;
