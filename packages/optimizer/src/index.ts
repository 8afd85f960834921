export { Rng } from './rng.ts';
export { dominates, nonDominatedSort, paretoFront } from './pareto.ts';
export { hypervolume, hypervolumeImprovement } from './hypervolume.ts';
export { Sobol, type SobolOptions } from './sobol.ts';
export { SpaceError, ObservationError } from './errors.ts';
export {
  ParameterSchema,
  MetricSchema,
  ExperimentConfigSchema,
  ObservationSchema,
  AssignmentsSchema,
  MetricValueSchema,
  parseExperimentConfig,
  validateObservation,
  validateAssignments,
  categoricalNames,
  assignmentsKey,
  SpaceEncoding,
  type Parameter,
  type Metric,
  type ExperimentConfig,
  type Assignments,
  type Observation,
  type MetricValue,
} from './space.ts';
export { GaussianProcess, type GpHyperparameters } from './gp.ts';
export { suggest, initialDesignSize, type SuggestInput, type SuggestOutput, type OptimizerState } from './suggest.ts';
export { Experiment, bestObservations, type PendingSuggestion, type ObserveInput } from './experiment.ts';
export {
  logEhvi2d,
  ehvi2d,
  prepareEhvi2d,
  logEhvi2dPrepared,
  logEhvi2dBatch,
  hvi2d,
  hvi2dPrepared,
  mcEhvi,
  logH,
  QmcNormal,
  type Ehvi2dPrepared,
} from './ehvi.ts';
export { frontierShare, type FrontierShareResult } from './frontier-share.ts';
export {
  confidenceRegion,
  ConfidenceGridSchema,
  ConfidenceRegionOptionsSchema,
  type ConfidenceGrid,
  type ConfidenceRegionOptions,
  type ConfidenceRegion,
} from './confidence-region.ts';
export { normalPdf, normalCdf, normalLogCdf, erfcx, erfc, log1mexp } from './normal.ts';
