import type { TrustRegionPolicy } from './optim/trust-region.ts';

/**
 * The optimizer's policy constants in one typed object. There is one default configuration, used for every
 * problem; callers (and benchmarks comparing variants) may override single fields with `suggest({ options })`.
 * Why each value: see the comments and packages/optimizer/BENCHMARKS.md.
 */
export interface OptimizerOptions {
  /**
   * GP models per metric whose acquisitions are averaged: the MAP fit plus (samples - 1) hyperparameter draws from
   * their posterior (integrated acquisition, Snoek et al. 2012). 1 = MAP only.
   */
  hyperparameterSamples: number;
  /** Above this many observations the posterior over hyperparameters is narrow and only the MAP model is used. */
  integrateUpTo: number;
  /** Hyperparameters are refitted on every call below this many observations (see refitDue). */
  alwaysRefitBelow: number;
  /** Above alwaysRefitBelow, a warm state is reused until the data grew by this fraction. */
  refitGrowth: number;
  /** At most this many points enter a hyperparameter fit (a seeded subset; the posterior always uses all). */
  maxFitPoints: number;
  /**
   * Suggestions closer than this (Euclidean, in the unit cube of the continuous coordinates, with equal discrete
   * values) to an observed or pending point count as repeats and are skipped: the resolution below which two
   * suggestions are one for any practical objective.
   */
  minSeparation: number;
  /**
   * Trust regions for the acquisition search (optim/trust-region.ts): boxes around the anchor points (the observed
   * Pareto set, or the best points) whose side follows TuRBO's success/failure rule; null searches the whole cube.
   */
  trustRegion: TrustRegionPolicy | null;
  /**
   * Largest column decomposition (acquisition/log-ehvi-columns.ts) the exact EHVI of 3+ objectives may use; a front
   * needing more (about 64 points with 3 objectives, 16 with 4) falls back to ParEGO. Each candidate costs one
   * exponential per column and one addition per column and objective.
   */
  ehviMaxColumns: number;
  /**
   * suggestBatch: the later picks of a batch are chosen among this many of the best candidates of the first pick's
   * acquisition optimisation, re-scored with the earlier picks believed (each re-scoring costs O(n^2) per candidate).
   */
  batchCandidates: number;
  /**
   * The expected-improvement acquisitions (one objective, or a ParEGO scalarisation) fit their GP to the target after
   * a maximum-likelihood Yeo-Johnson power transform (models/output-warping.ts), as HEBO does. Not applied to the
   * hypervolume acquisitions, whose improvement is a volume in the objectives' own units (measured: warping each
   * objective there lost on ZDT1, ZDT2, DTLZ1 and DTLZ2-6; packages/benchmarks BENCHMARKS.md).
   */
  outputWarping: boolean;
  /** Candidate budget of the acquisition optimiser, by number of observations n (scoring costs O(n^2) each). */
  candidates: (n: number) => {
    rawSamples: number;
    perturbations: number;
    refineStarts: number;
    refineIterations: number;
  };
}

export const DEFAULT_OPTIONS: OptimizerOptions = {
  hyperparameterSamples: 4,
  integrateUpTo: 150,
  alwaysRefitBelow: 100,
  refitGrowth: 0.05,
  maxFitPoints: 160,
  minSeparation: 1e-3,
  // TuRBO's rule and limits, but a first side of 0.4 (TuRBO: 0.8): with a few dozen points the model is trusted
  // within +-0.2 of the best points, and the region grows after 3 improvements in a row (packages/benchmarks
  // BENCHMARKS.md, "Synthetic suite", measures 0.4 against 0.8 and against no region)
  trustRegion: {
    initial: 0.4,
    min: 0.5 ** 7,
    max: 1.6,
    successTolerance: 3,
    failureTolerance: (dim) => Math.ceil(Math.max(4, dim)),
  },
  ehviMaxColumns: 4096,
  batchCandidates: 256,
  outputWarping: true,
  candidates: (n) =>
    n <= 120
      ? { rawSamples: 2048, perturbations: 400, refineStarts: 5, refineIterations: 15 }
      : n <= 250
        ? { rawSamples: 1024, perturbations: 200, refineStarts: 3, refineIterations: 8 }
        : { rawSamples: 512, perturbations: 200, refineStarts: 3, refineIterations: 8 },
};
