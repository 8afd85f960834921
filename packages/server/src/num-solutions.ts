/**
 * SigOpt's `num_solutions` (multisolution experiments): how many good and different solutions an experiment's
 * best_assignments returns. An integer >= 1 (1 by default, null read as not given); more than 1 needs exactly one
 * optimized metric, no tasks (multitask) and an observation budget of at least num_solutions, as SigOpt (and
 * sigoptlite) required; fixed at creation. It is kept in the experiment's stored config JSON next to the optimizer's fields (only when it is not 1,
 * so the config of an ordinary experiment is unchanged); the optimizer's config parse ignores it.
 */
import type { ExperimentConfig } from '@paretobench/optimizer';
import { ApiError } from './errors.ts';

/** The experiment's num_solutions, from its stored (or about to be stored) config. */
export function numSolutions(config: object): number {
  const n = (config as { num_solutions?: unknown }).num_solutions;
  return typeof n === 'number' ? n : 1;
}

/**
 * The parsed config with the `num_solutions` of `input` (a create body's or a stored config) kept, checked against
 * the config: 400 naming `field` (num_solutions on a create; observation_budget or budget on an update that removes
 * or lowers the budget).
 */
export function keepNumSolutions(input: unknown, config: ExperimentConfig, field: string): ExperimentConfig {
  const n = input !== null && typeof input === 'object' ? numSolutions(input) : 1;
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, `num_solutions: must be an integer >= 1 (got ${n})`);
  if (n === 1) return config;
  const optimized = config.metrics.filter((m) => (m.strategy ?? 'optimize') === 'optimize').length;
  if (optimized !== 1)
    throw new ApiError(
      400,
      `num_solutions: more than 1 solution needs exactly 1 metric with strategy 'optimize' (got ${optimized})`,
    );
  if (config.tasks !== undefined && config.tasks.length > 0)
    throw new ApiError(400, 'num_solutions: more than 1 solution cannot be combined with tasks (multitask)');
  const budget = config.observation_budget;
  if (budget === undefined || budget < n)
    throw new ApiError(
      400,
      `${field}: num_solutions ${n} needs an observation budget of at least ${n} (got ${budget ?? 'none'})`,
    );
  return { ...config, num_solutions: n } as ExperimentConfig;
}
