/**
 * Where assignments come from: the in-process optimizer (deterministic, journal-replayable) for the optimizer
 * method, and the optimizer package's random search (a function of seed and trial index) for the baseline.
 */
import {
  parseExperimentConfig,
  suggest,
  suggestThrough,
  type Assignments,
  type ExperimentStore,
  type StoreSnapshot,
  type ExperimentConfig,
  type Observation,
  type OptimizerState,
} from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import type { TrialRecord } from '../journal/records.ts';

export interface Suggester {
  /** Label written into the journal header (a resumed run must use the same kind). */
  readonly kind: string;
  optimizer(k: number, observations: readonly TrialRecord[], pending: readonly Assignments[]): Promise<Assignments>;
  random(j: number): Promise<Assignments>;
  /** Called when an optimizer trial is journaled (services that must be told; in-process: nothing). */
  observed?(k: number, record: TrialRecord): Promise<void>;
  close?(): Promise<void>;
}

/** Seed of the random-search stream, kept apart from the optimizer's. */
export const randomSeedFor = (seed: number): number => (seed + 1_000_003) % 2_147_483_647;

export function experimentConfig(
  study: Study,
  preset: Preset,
  seed: number,
  method: 'mobo' | 'random',
  parallel: number,
): ExperimentConfig {
  return parseExperimentConfig({
    name: `${study.name}-${preset.name}-${method}`,
    parameters: study.parameters,
    metrics: study.metrics,
    seed: method === 'mobo' ? seed : randomSeedFor(seed),
    // an optimizer-only arm of a replicated run has no random trials; its (unused) random stream still needs a budget
    observation_budget: method === 'mobo' ? preset.budgets.optimizer : Math.max(1, preset.budgets.random),
    parallel_bandwidth: Math.max(1, parallel),
    method,
    ...(method === 'mobo' && preset.initialDesignSize !== null
      ? { initial_design_size: preset.initialDesignSize }
      : {}),
  });
}

/**
 * What the optimizer is told about a finished trial: its metric values, or a bare failure when the study's rule failed
 * it, as the paper's protocol reported failures to SigOpt. (The optimizer could also take the values a failure was
 * judged on; the studies do not send them: a trial stopped at the time limit has no measured time or final accuracy,
 * and the paper's optimizer was not told them. packages/benchmarks BENCHMARKS.md has the measurement.)
 */
export function toObservation(record: TrialRecord): Observation {
  if (record.failed || record.metrics === null) return { assignments: record.assignments, failed: true };
  return {
    assignments: record.assignments,
    values: Object.entries(record.metrics).map(([name, value]) => ({ name, value })),
  };
}

/**
 * What runs in the optimizer arm: the optimizer ('mobo'), or random search / the Sobol sequence / Optuna's multivariate
 * TPE ('tpe', optuna-suggester.ts) in its place (`--optimizer-method`), to compare them through the same runner and
 * report, or to show what a gate on the optimizer's figures sees when the optimizer is no better than random.
 */
export const OPTIMIZER_METHODS = ['mobo', 'random', 'sobol', 'tpe'] as const;
export type OptimizerMethod = (typeof OPTIMIZER_METHODS)[number];

export class InProcessSuggester implements Suggester {
  readonly kind: string;
  private readonly mobo: ExperimentConfig;
  private readonly rand: ExperimentConfig;
  /**
   * The optimizer's warm-start state from the previous suggestion (fitted hyperparameters, refit schedule), kept as
   * the REST service keeps it per experiment, so both run the same optimizer. In memory only: after a resume the
   * first suggestion fits from scratch.
   */
  private state: OptimizerState | undefined;

  constructor(
    study: Study,
    preset: Preset,
    seed: number,
    lag: number,
    method: Exclude<OptimizerMethod, 'tpe'> = 'mobo',
  ) {
    this.kind = method === 'mobo' ? 'in-process' : `in-process-${method}`;
    this.mobo = { ...experimentConfig(study, preset, seed, 'mobo', lag + 1), method };
    this.rand = experimentConfig(study, preset, seed, 'random', 1);
  }

  async optimizer(
    k: number,
    observations: readonly TrialRecord[],
    pending: readonly Assignments[],
  ): Promise<Assignments> {
    // the optimizer's store loop over the study's journal: the snapshot is the journal's trials (observed and pending)
    // and trial index k; recording keeps the warm-start state (the runner journals the trial when it starts)
    const journal: ExperimentStore<StoreSnapshot, Assignments> = {
      snapshot: async () => ({
        input: {
          config: this.mobo,
          observations: observations.map(toObservation),
          pending: [...pending],
          index: k,
          state: this.state,
        },
        count: 1,
      }),
      record: async (_snapshot, out) => {
        this.state = out.state;
        return out.suggestions[0];
      },
    };
    return suggestThrough(journal);
  }

  async random(j: number): Promise<Assignments> {
    return suggest({ config: this.rand, observations: [], index: j }).assignments;
  }
}
