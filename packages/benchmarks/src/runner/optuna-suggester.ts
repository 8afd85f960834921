/**
 * Optuna's multivariate TPE in the optimizer arm's place (`--optimizer-method tpe`): a peer run through the same
 * runner, trainer and report as our optimizer, so a study (real or surrogate) compares the two in one run. The random
 * arm is the same stream as with our optimizer.
 *
 * Optuna proposes; the runner trains. Trial k is told what the scheduler lets it see (trials 0..k-lag-1, in index
 * order), then asked, so a run is reproducible for a seed. Trials still training are left out, as Optuna's TPE leaves
 * running trials out by default. A resumed run replays: its new peer asks again for every trial of the journal in
 * order, told what that trial saw, so Optuna's random state and model are those of the uninterrupted run and the
 * trials after the restart are the same (checked: an answer that differs from the journal, e.g. under another Optuna
 * version, is left unanswered and the journal's trial added as a finished trial Optuna did not propose, with a
 * warning). Objectives go to Optuna in maximisation orientation; a failed trial is TrialState.FAIL, as our optimizer
 * is told a bare failure. The Optuna version is part of the journal's optimizer kind, so a resume under another
 * version is refused.
 */
import type { Assignments } from '@paretobench/optimizer';
import type { TrialRecord } from '../journal/records.ts';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { OPTUNA_INSTALL_HINT, OptunaPeer, optunaVersion } from '../synthetic/optuna-peer.ts';
import type { Outcome } from '../synthetic/problems.ts';
import { InProcessSuggester, type Suggester } from './suggesters.ts';

export class OptunaSuggester implements Suggester {
  readonly kind: string;
  private peer: OptunaPeer | null = null;
  private readonly randomArm: InProcessSuggester;
  /** trial index -> Optuna trial number, for trials asked and not yet told */
  private readonly asked = new Map<number, number>();
  /** trial indexes Optuna has been told (or given with add) */
  private readonly told = new Set<number>();
  /** the next trial index this peer asks for (below it: asked, or replayed after a restart) */
  private nextIndex = 0;
  private warned = false;

  constructor(
    private readonly study: Study,
    preset: Preset,
    private readonly seed: number,
    private readonly lag: number,
    private readonly warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    const v = optunaVersion();
    if ('error' in v) throw new Error(`--optimizer-method tpe needs Optuna: ${v.error}; ${OPTUNA_INSTALL_HINT}`);
    this.kind = `optuna-tpe-${v.version}`;
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

  /** Tells Optuna the finished trials below `end` it has not been told, in index order. */
  private async tellUpTo(peer: OptunaPeer, byIndex: Map<number, TrialRecord>, end: number): Promise<void> {
    for (let i = 0; i < end; i++) {
      if (this.told.has(i)) continue;
      const record = byIndex.get(i);
      if (!record) throw new Error(`optuna suggester: trial ${i} is not finished`);
      const trial = this.asked.get(i);
      if (trial === undefined) await peer.add(record.assignments, this.outcome(record));
      else await peer.tellTrial(trial, this.outcome(record));
      this.asked.delete(i);
      this.told.add(i);
    }
  }

  private same(a: Assignments, b: Assignments): boolean {
    return this.study.parameters.every((p) => a[p.name] === b[p.name]);
  }

  async optimizer(
    k: number,
    observations: readonly TrialRecord[],
    pending: readonly Assignments[],
  ): Promise<Assignments> {
    this.peer ??= await OptunaPeer.start({
      sampler: 'tpe',
      seed: this.seed,
      parameters: this.study.parameters,
      objectives: this.study.metrics.length,
    });
    const peer = this.peer;
    const byIndex = new Map(observations.map((r) => [r.index, r]));
    // after a restart: ask again for the journal's trials, each told what it saw, to rebuild Optuna's state
    const pendingFrom = k - pending.length;
    for (; this.nextIndex < k; this.nextIndex++) {
      const i = this.nextIndex;
      await this.tellUpTo(peer, byIndex, Math.max(0, i - this.lag));
      const journaled = i < pendingFrom ? byIndex.get(i)?.assignments : pending[i - pendingFrom];
      if (!journaled) throw new Error(`optuna suggester: trial ${i} has no assignments to replay`);
      const { trial, params } = await peer.askTrial();
      if (this.same(params, journaled)) this.asked.set(i, trial);
      else if (!this.warned) {
        this.warned = true;
        this.warn(
          `optuna suggester: replaying the journal, Optuna proposed other parameters for trial ${i} than the ` +
            'journal holds; the journal\u2019s trials are added as given, and later trials differ from an uninterrupted run',
        );
      }
    }
    await this.tellUpTo(peer, byIndex, Math.max(0, k - this.lag));
    const { trial, params } = await peer.askTrial();
    this.asked.set(k, trial);
    this.nextIndex = k + 1;
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
