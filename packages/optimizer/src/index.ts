export { Rng } from './math/rng.ts';
export { dominates, nonDominatedSort, paretoFront } from './multi-objective/pareto.ts';
export { hypervolume, hypervolumeImprovement } from './multi-objective/hypervolume.ts';
export { Sobol, type SobolOptions } from './design/sobol.ts';
export { SpaceError, ObservationError } from './space/errors.ts';
export {
  ParameterSchema,
  ConditionalSchema,
  TaskSchema,
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
  isActive,
  conditionalParameters,
  roundToPrecision,
  SpaceEncoding,
  type Parameter,
  type Conditional,
  type Task,
  type Metric,
  type ExperimentConfig,
  type Assignments,
  type Observation,
  type MetricValue,
} from './space/space.ts';
export { GaussianProcess, sampleHyperparameters, type GpHyperparameters } from './models/gp.ts';
export { SuccessModel } from './models/success-model.ts';
export { parameterImportances, type MetricImportances } from './models/importances.ts';
export { satisfies, satisfiesAll, type LinearConstraint } from './space/linear-constraints.ts';
export { stoppingCriteria, stagnationWindow, type StoppingCriteria } from './progress/stopping-criteria.ts';
export {
  suggest,
  suggestBatch,
  initialDesignSize,
  type SuggestInput,
  type SuggestOutput,
  type SuggestBatchOutput,
  type OptimizerState,
} from './suggest.ts';
export {
  Experiment,
  bestObservations,
  bestObservationIndices,
  type PendingSuggestion,
  type ObserveInput,
} from './experiment.ts';
export {
  suggestThrough,
  inlineBatch,
  ExperimentChangedError,
  type ExperimentStore,
  type StoreSnapshot,
  type BatchRunner,
} from './experiment-store.ts';
export {
  logEhvi2d,
  ehvi2d,
  prepareEhvi2d,
  logEhvi2dPrepared,
  logEhvi2dBatch,
  hvi2d,
  hvi2dPrepared,
  LogExpectedHypervolumeImprovement2d,
  type Ehvi2dPrepared,
} from './acquisition/log-ehvi.ts';
export {
  logEhviColumns,
  hviColumns,
  prepareEhviColumns,
  ehviColumnCount,
  LogExpectedHypervolumeImprovement,
  type EhviColumnsPrepared,
} from './acquisition/log-ehvi-columns.ts';
export { logH, logExpectedImprovement, LogExpectedImprovement } from './acquisition/log-ei.ts';
export { logProbabilityAbove, LogProbabilityOfFeasibility } from './acquisition/constraint.ts';
export { chebyshevScalarise, simplexWeights } from './acquisition/parego.ts';
export {
  IntegratedAcquisition,
  ProductAcquisition,
  logMeanExp,
  type AcquisitionFunction,
} from './acquisition/acquisition-function.ts';
export { inferReferencePoint } from './multi-objective/reference-point.ts';
export { isFeasible, meetsThreshold } from './multi-objective/feasibility.ts';
export { REAL_TASK_RESERVE, costSpent, fidelity, realTask, roundedCost } from './multitask.ts';
export { diverseSolutions, solutionDistance, type DiverseSolutionsOptions } from './solutions/diverse-solutions.ts';
export { DEFAULT_OPTIONS, type OptimizerOptions } from './options.ts';
export { normalPdf, normalCdf, normalLogCdf, erfcx, erfc, log1mexp } from './math/normal.ts';
export { setLinearAlgebraAccelerator, linearAlgebraInUse, type LinearAlgebraAccelerator } from './math/linalg.ts';
export { useNativeLinearAlgebra } from './native.ts';

// The native BLAS, when it is built and loads (see native.ts); otherwise the JavaScript linear algebra runs.
import { useNativeLinearAlgebra as installNative } from './native.ts';
installNative();
