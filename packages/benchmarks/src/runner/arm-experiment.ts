/**
 * The experiment a study arm becomes on a SigOpt-compatible service, for both REST paths of the study runner
 * (rest-suggester.ts for `--optimizer-url`, remote-study.ts for `--remote`), created with @paretobench/client.
 */
import type { ExperimentCreateBody, ExperimentObject, SigoptClient } from '@paretobench/client';
import type { ExperimentConfig } from '@paretobench/optimizer';

/**
 * Creates the service's experiment for an arm's configuration (suggesters.ts `experimentConfig`): everything the
 * in-process optimizer is configured with (seed, method, budget, parallel bandwidth, initial design size), so the
 * service runs the same optimizer; `extra` adds fields such as `metadata` or `suggestion_lease_seconds`.
 */
export function createArmExperiment(
  client: SigoptClient,
  name: string,
  config: ExperimentConfig,
  extra: Partial<ExperimentCreateBody>,
): Promise<ExperimentObject> {
  return client.createExperiment({
    name,
    parameters: config.parameters,
    metrics: config.metrics,
    observation_budget: config.observation_budget,
    parallel_bandwidth: config.parallel_bandwidth,
    seed: config.seed,
    method: config.method,
    ...(config.initial_design_size !== undefined ? { initial_design_size: config.initial_design_size } : {}),
    ...extra,
  });
}
