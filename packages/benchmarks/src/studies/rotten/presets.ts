/**
 * Rotten presets. `paper` is the original study: 480 optimizer vs 1800 random trials, the Kim epochs parameter used as
 * assigned, full data, failed below 75 % accuracy or above 250 s of training. The scaled presets keep the 480:1800
 * budget ratio and the space; epochs, data and the time limit are scaled, and `default` scales the accuracy rule with
 * its fidelity (0.70 at 2..6 epochs, see below); `smoke` keeps 0.75.
 */
import type { PresetInput, PresetName } from '../presets.ts';

export const PRESETS: Record<PresetName, PresetInput> = {
  paper: {
    name: 'paper',
    budgets: { optimizer: 480, random: 1800 },
    fixedEpochs: null,
    epochScale: 1,
    trainFraction: 1,
    valFraction: 1,
    timeLimitSeconds: 250,
    minAccuracy: 0.75,
    initialDesignSize: null,
    batchNormMomentum: null,
    confidenceRepeats: 800,
    scope:
      'The original study at its own budgets (480 vs 1800 trials, 5-100 epochs, failed below 75 % accuracy or above ' +
      "250 s). It can show the paper's finding (48 % vs 26 % feasible, 100 % of the union frontier); it needs a GPU.",
  },
  default: {
    name: 'default',
    // With length-bucketed batches a full-data Kim epoch costs ~10 s (embed 128) to ~18 s (embed 500) at batch 50:
    // trials of 2..6 epochs take ~55 s on a worker (28 s of wall per trial on 2 workers; the optimizer's, which stay
    // in the feasible band, ~40 s), so 4 x 12 optimizer + 45 random = 93 trials fit in ~40 minutes (3 x 12 + 45 took
    // 31.6 min). Four seeds, so that the report shows a distribution. 12 trials per arm, not 8: with a ~10 % feasible region and failures
    // reported without values, an arm needs a few trials to find the feasible band and the rest to stay in it (the
    // 4 x 8 preset measured 0 / 37.5 / 0 / 12.5 % feasible, BENCHMARKS.md).
    budgets: { optimizer: 12, random: 45 },
    seeds: 4,
    fixedEpochs: null,
    epochScale: null,
    // Kim's CNN-rand passes 0.75 after about 3 full-data epochs at a good learning rate: epochs 5..100 map onto
    // 2..6, so most of the epochs range can pass and long trainings cost time, as in the paper.
    epochRange: { min: 2, max: 6 },
    trainFraction: 1,
    valFraction: 1,
    // the time rule binds for many epochs with a large embedding or small batches (paper: 250 s for up to 100
    // epochs on a GPU)
    timeLimitSeconds: 100,
    // The accuracy rule scaled with the fidelity, as the time rule is. At 2..6 epochs the random trials' accuracies
    // split into not-learned (0.48-0.68) and learned (0.70-0.78) with nothing in between; the paper's 0.75, meant for
    // up to 100 epochs, cuts through the learned group: 7 of 75 random trials (9 %, two runs) met it, and optimizer
    // arms whose trials all failed learned nothing (failures carry no values). 0.70, the lower edge of the learned
    // group, passes 16 of 75 (21 %); the paper's random arm 26 %. BENCHMARKS.md, "Rotten default".
    minAccuracy: 0.7,
    initialDesignSize: null,
    batchNormMomentum: null,
    confidenceRepeats: 800,
    scope:
      'Four optimizer runs of 12 trials (seeds seed..seed+3), each compared with the same 45 random-search trials ' +
      '(1:3.75, as in the paper), with failure rules scaled to this fidelity and machine (2 to 6 full-data epochs; ' +
      "failed below 70 % accuracy, where the paper's 75 % is for up to 100 epochs, or above 100 s of training). " +
      'It can show whether the optimizer learns where ' +
      'trials fail and spends more of its budget on feasible ones than random search does, and how that varies ' +
      'between optimizer seeds. With 12 trials (3 of them a space-filling design) it cannot show much about the ' +
      "frontier itself, nor the paper's accuracies at up to 100 epochs.",
  },
  smoke: {
    name: 'smoke',
    budgets: { optimizer: 4, random: 15 },
    fixedEpochs: null,
    epochScale: 0.01,
    trainFraction: 0.015,
    valFraction: 0.05,
    timeLimitSeconds: 60,
    minAccuracy: 0.75,
    initialDesignSize: 2,
    batchNormMomentum: null,
    confidenceRepeats: 800,
    scope:
      'A check that both arms, failures, the journal and the report work end to end (1 epoch, 1.5 % of the data). ' +
      'Its figures say nothing about the optimizer.',
  },
};
