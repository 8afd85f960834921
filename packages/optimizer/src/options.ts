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
   * Side length of the trust regions (in the unit cube of the encoded space, by its dimension; 0 = none) that the
   * acquisition is maximised in: boxes centred at the anchor points (the observed Pareto set, or the best points), as
   * in TuRBO / MORBO. In high dimension a GP fitted on a few dozen points cannot resolve most coordinates (their
   * length scales stay near the prior's, the model is near-linear in them), and its variance grows towards the box
   * edges, so a global search of the acquisition chases that variance to the boundary, away from what was learnt.
   * Confining candidates near the best points keeps the search local where the model is uninformative.
   */
  trustRegion: (dim: number) => number;
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
  trustRegion: (dim) => (dim >= 10 ? 0.2 : 0),
  candidates: (n) =>
    n <= 120
      ? { rawSamples: 2048, perturbations: 400, refineStarts: 5, refineIterations: 15 }
      : n <= 250
        ? { rawSamples: 1024, perturbations: 200, refineStarts: 3, refineIterations: 8 }
        : { rawSamples: 512, perturbations: 200, refineStarts: 3, refineIterations: 8 },
};
