/**
 * Optuna's multivariate TPE in the optimizer arm's place (`--optimizer-method tpe`): a peer run through the same
 * runner, trainer and report as our optimizer, so a study (real or surrogate) compares the two in one run. The random
 * arm is the same stream as with our optimizer.
 *
 * Optuna proposes; the runner trains. Each call tells Optuna the trials finished since the last one (in trial order,
 * the observations the scheduler lets trial k see, so a run is reproducible for a seed), then asks. Trials still
 * training are left out, as Optuna's TPE leaves running trials out by default. A resumed run's earlier trials are
 * added as finished trials Optuna did not propose. Objectives go to Optuna in maximisation orientation; a failed
 * trial is TrialState.FAIL, as our optimizer is told a bare failure.
 */
import type { Assignments } from '@paretobench/optimizer';
import type { TrialRecord } from '../journal/records.ts';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { OptunaPeer } from '../synthetic/optuna-peer.ts';
import type { Outcome } from '../synthetic/problems.ts';
import { InProcessSuggester, type Suggester } from './suggesters.ts';

export class OptunaSuggester implements Suggester {
  readonly kind = 'optuna-tpe';
  private peer: OptunaPeer | null = null;
  private readonly randomArm: InProcessSuggester;
  /** trial index -> Optuna trial number, for trials asked and not yet told */
  private readonly asked = new Map<number, number>();
  /** trial indexes Optuna has been told (or given with add) */
  private readonly told = new Set<number>();

  constructor(
    private readonly study: Study,
    preset: Preset,
    private readonly seed: number,
    lag: number,
  ) {
    this.randomArm = new InProcessSuggester(study, preset, seed, lag, 'random');
  }

  /** What Optuna is told about a finished trial: every optimized metric, maximised, or a failure. */
  outcome(record: TrialRecord): Outcome {
    if (record.failed || record.metrics === null) return { failed: true };
    const metrics = record.metrics;
    return {
      values: this.study.metrics.map((m) => {
        const v = metrics[m.name];
        if (v === undefined) throw new Error(`optuna suggester: trial ${record.index} has no ${m.name}`);
        return m.objective === 'minimize' ? -v : v;
      }),
    };
  }

  async optimizer(
    k: number,
    observations: readonly TrialRecord[],
    _pending: readonly Assignments[],
  ): Promise<Assignments> {
    this.peer ??= await OptunaPeer.start({
      sampler: 'tpe',
      seed: this.seed,
      parameters: this.study.parameters,
      objectives: this.study.metrics.length,
    });
    for (const record of [...observations].sort((a, b) => a.index - b.index)) {
      if (this.told.has(record.index)) continue;
      const trial = this.asked.get(record.index);
      if (trial === undefined) await this.peer.add(record.assignments, this.outcome(record));
      else await this.peer.tellTrial(trial, this.outcome(record));
      this.asked.delete(record.index);
      this.told.add(record.index);
    }
    const { trial, params } = await this.peer.askTrial();
    this.asked.set(k, trial);
    return params;
  }

  random(j: number): Promise<Assignments> {
    return this.randomArm.random(j);
  }

  async close(): Promise<void> {
    await this.peer?.close();
    this.peer = null;
  }
}
