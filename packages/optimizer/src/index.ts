export { Rng } from './math/rng.ts';
export { dominates, nonDominatedSort, paretoFront } from './multi-objective/pareto.ts';
export { hypervolume, hypervolumeImprovement } from './multi-objective/hypervolume.ts';
export { Sobol, type SobolOptions } from './design/sobol.ts';
export { SpaceError, ObservationError } from './space/errors.ts';
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
} from './space/space.ts';
export { GaussianProcess, type GpHyperparameters } from './models/gp.ts';
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
} from './acquisition/log-ehvi.ts';
export { normalPdf, normalCdf, normalLogCdf, erfcx, erfc, log1mexp } from './math/normal.ts';
