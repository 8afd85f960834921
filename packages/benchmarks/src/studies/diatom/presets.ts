/**
 * Diatom presets. `paper` is the original study: 480 optimizer vs 4800 random trials of 500 FCN epochs each with Keras'
 * batch-norm momentum, full data, no failure rule. The scaled presets keep the 1:10 budget ratio and the space.
 */
import type { PresetInput, PresetName } from '../presets.ts';

export const PRESETS: Record<PresetName, PresetInput> = {
  paper: {
    name: 'paper',
    budgets: { optimizer: 480, random: 4800 },
    fixedEpochs: 500,
    epochScale: null,
    trainFraction: 1,
    valFraction: 1,
    timeLimitSeconds: null,
    minAccuracy: null,
    initialDesignSize: null,
    batchNormMomentum: 0.99,
    confidenceRepeats: 800,
    scope:
      "The original study at its own budgets (480 vs 4800 trials of 500 epochs). It can show the paper's finding " +
      "(the optimizer's share of the union frontier, 85.7 % there) on this code; it needs days of CPU or a GPU.",
  },
  default: {
    name: 'default',
    // An 8-epoch trial takes ~8 s of wall time on 2 workers with the native GEMM (random draws; the optimizer's,
    // smaller and faster, ~5 s): 200 random + 4 x 20 optimizer trials fit in ~35 minutes. 20 trials leave the
    // optimizer 15 model-based suggestions after its 5-point design (the policy's ceil(budget / 4)); 10 trials
    // (5 model-based) could not beat 100 random draws.
    budgets: { optimizer: 20, random: 200 },
    seeds: 4,
    fixedEpochs: 8,
    epochScale: null,
    trainFraction: 1,
    valFraction: 1,
    timeLimitSeconds: null,
    minAccuracy: null,
    initialDesignSize: null,
    batchNormMomentum: 0.9,
    confidenceRepeats: 800,
    scope:
      'Four optimizer runs of 20 trials (seeds seed..seed+3), each compared with the same 200 random-search trials ' +
      '(1:10, as in the paper). It can show whether the optimizer finds a better accuracy / inference-time frontier ' +
      'than ten times as many random draws, and how much that varies from one optimizer seed to the next. At 20 ' +
      'trials in 12 dimensions it usually does not: on a surrogate of 1,004 trainings at this fidelity the ' +
      "optimizer's median share of the union frontier is 25 % at 20 trials, 41 % at 40 and 63 % at 80 (level with " +
      'ten times as many random draws there), while at equal budgets it is ahead of random search and of Optuna TPE ' +
      '(packages/benchmarks/BENCHMARKS.md, budget sweep). It ' +
      "cannot show the paper's accuracies (8 epochs per trial, not 500: the best models here are far from converged, " +
      'so the frontier ranks early learning speed as much as final accuracy), and the random arm is one draw: its ' +
      "own variability is shown only by the bootstrap confidence region at the optimizer's budget.",
  },
  smoke: {
    name: 'smoke',
    budgets: { optimizer: 2, random: 20 },
    fixedEpochs: 1,
    epochScale: null,
    trainFraction: 0.1,
    valFraction: 0.1,
    timeLimitSeconds: null,
    minAccuracy: null,
    initialDesignSize: 1,
    batchNormMomentum: 0.9,
    confidenceRepeats: 800,
    scope:
      'A check that both arms, the journal and the report work end to end (1 epoch, 10 % of the data, 2 vs 20 trials). ' +
      'Its figures say nothing about the optimizer.',
  },
};
