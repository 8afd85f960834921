/**
 * Optimizer suggestions from a SigOpt-compatible REST service (`nx run server:serve`) instead of the in-process
 * optimizer, so that training workers on several machines can share one experiment.
 *
 * Speaks the SigOpt v1 JSON API over fetch (HTTP Basic, token as user name): each run session creates an
 * experiment, uploads the optimizer trials already in the local journal as observations, then asks for
 * suggestions and posts results. Random search stays local. The journal remains the source of truth, so a killed
 * run resumes; but suggestions depend on the server's view of open suggestions, so a REST run is not bit-for-bit
 * reproducible the way an in-process run is.
 */
import { SigoptClient, type ObservationCreateBody } from '@paretobench/client';
import type { Assignments } from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import type { TrialRecord } from '../journal/records.ts';
import { InProcessSuggester, experimentConfig, toObservation, type Suggester } from './suggesters.ts';
import { createArmExperiment } from './arm-experiment.ts';

export interface RestOptions {
  url: string;
  token: string;
  study: Study;
  preset: Preset;
  seed: number;
  lag: number;
  outDir: string;
}

export class RestSuggester implements Suggester {
  readonly kind = 'rest';
  private readonly reported = new Set<number>();
  private readonly suggestionIds = new Map<number, string>();

  private constructor(
    private readonly client: SigoptClient,
    private readonly experimentId: string,
    private readonly local: InProcessSuggester,
  ) {}

  static async connect(opts: RestOptions): Promise<RestSuggester> {
    const client = new SigoptClient({ url: opts.url, token: opts.token });
    const config = experimentConfig(opts.study, opts.preset, opts.seed, 'mobo', opts.lag + 1);
    const exp = await createArmExperiment(client, `${opts.study.name}-${opts.preset.name}-seed${opts.seed}`, config, {
      metadata: { study: opts.study.name, preset: opts.preset.name, seed: opts.seed, out: opts.outDir },
    });
    return new RestSuggester(client, exp.id, new InProcessSuggester(opts.study, opts.preset, opts.seed, opts.lag));
  }

  private async report(k: number, record: TrialRecord): Promise<void> {
    if (this.reported.has(k)) return;
    const suggestion = this.suggestionIds.get(k);
    const body: ObservationCreateBody = suggestion ? { suggestion } : { assignments: record.assignments };
    // as the in-process optimizer is told (toObservation)
    const o = toObservation(record);
    if (o.failed) body.failed = true;
    if (o.values) body.values = o.values;
    body.metadata = { trial_index: k };
    await this.client.observe(this.experimentId, body);
    this.reported.add(k);
  }

  async optimizer(k: number, observations: readonly TrialRecord[]): Promise<Assignments> {
    for (const r of observations) await this.report(r.index, r); // uploads the journal after a resume
    const s = await this.client.suggest(this.experimentId);
    this.suggestionIds.set(k, s.id);
    return s.assignments;
  }

  random(j: number): Promise<Assignments> {
    return this.local.random(j);
  }

  async observed(k: number, record: TrialRecord): Promise<void> {
    await this.report(k, record);
  }
}
