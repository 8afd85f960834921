/**
 * One definition of a feasible observation, used by the optimizer's policy, `Experiment.bestAssignments()`, the
 * REST service's best assignments and the studies: it did not fail, and every metric that has a threshold
 * (constraint metrics, and optimised metrics with a threshold; never 'store' metrics) has a value on the right
 * side of it (>= for maximised metrics, <= for minimised ones).
 */
import type { ExperimentConfig, Metric, Observation } from '../space/space.ts';

export function meetsThreshold(metric: Metric, value: number | undefined): boolean {
  return thresholdMiss(metric, value) === 0;
}

/**
 * How far `value` misses the metric's threshold: 0 when met (and for a metric without one, or a 'store' metric), the
 * distance to the threshold otherwise, Infinity when the value is missing or not a number.
 */
export function thresholdMiss(metric: Metric, value: number | undefined): number {
  if (metric.threshold === undefined || metric.strategy === 'store') return 0;
  if (value === undefined) return Infinity;
  const miss = metric.objective === 'minimize' ? value - metric.threshold : metric.threshold - value;
  return miss <= 0 ? 0 : miss > 0 ? miss : Infinity;
}

export function isFeasible(config: Pick<ExperimentConfig, 'metrics'>, observation: Observation): boolean {
  if (observation.failed) return false;
  return config.metrics.every((m) => meetsThreshold(m, observation.values?.find((v) => v.name === m.name)?.value));
}

/**
 * How far an observation that did not fail misses each threshold, one entry per thresholded metric in config order
 * (constraint metrics and optimised metrics with a threshold; never 'store' metrics), by `thresholdMiss`. All zero
 * exactly when `isFeasible`. What a search that has nothing feasible yet can still make progress on
 * (optim/trust-region.ts).
 */
export function thresholdViolations(config: Pick<ExperimentConfig, 'metrics'>, observation: Observation): number[] {
  return config.metrics
    .filter((m) => m.threshold !== undefined && m.strategy !== 'store')
    .map((m) => thresholdMiss(m, observation.values?.find((v) => v.name === m.name)?.value));
}
