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
import { z } from 'zod';
import type { Assignments } from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import type { TrialRecord } from '../journal/records.ts';
import { InProcessSuggester, experimentConfig, toObservation, type Suggester } from './suggesters.ts';

const ExperimentReply = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const SuggestionReply = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  assignments: z.record(z.string(), z.union([z.number(), z.string()])),
});

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
    private readonly base: string,
    private readonly auth: string,
    private readonly experimentId: string,
    private readonly local: InProcessSuggester,
  ) {}

  static async connect(opts: RestOptions): Promise<RestSuggester> {
    const base = opts.url.replace(/\/+$/, '');
    const auth = 'Basic ' + Buffer.from(`${opts.token}:`).toString('base64');
    const config = experimentConfig(opts.study, opts.preset, opts.seed, 'mobo', opts.lag + 1);
    // Everything the in-process optimizer is configured with, so that the service runs the same optimizer: the
    // seed, the method, the observation budget (it sizes the initial design) and an explicit initial design size.
    const body = {
      name: `${opts.study.name}-${opts.preset.name}-seed${opts.seed}`,
      parameters: config.parameters,
      metrics: config.metrics,
      observation_budget: config.observation_budget,
      parallel_bandwidth: config.parallel_bandwidth,
      seed: config.seed,
      method: config.method,
      ...(config.initial_design_size !== undefined ? { initial_design_size: config.initial_design_size } : {}),
      metadata: { study: opts.study.name, preset: opts.preset.name, seed: opts.seed, out: opts.outDir },
    };
    const exp = ExperimentReply.parse(await request(base, auth, 'POST', '/v1/experiments', body));
    return new RestSuggester(base, auth, exp.id, new InProcessSuggester(opts.study, opts.preset, opts.seed, opts.lag));
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return request(this.base, this.auth, 'POST', `/v1/experiments/${this.experimentId}${path}`, body);
  }

  private async report(k: number, record: TrialRecord): Promise<void> {
    if (this.reported.has(k)) return;
    const suggestion = this.suggestionIds.get(k);
    const body: Record<string, unknown> = suggestion ? { suggestion } : { assignments: record.assignments };
    // as the in-process optimizer is told (toObservation)
    const o = toObservation(record);
    if (o.failed) body.failed = true;
    if (o.values) body.values = o.values;
    body.metadata = { trial_index: k };
    await this.post('/observations', body);
    this.reported.add(k);
  }

  async optimizer(k: number, observations: readonly TrialRecord[]): Promise<Assignments> {
    for (const r of observations) await this.report(r.index, r); // uploads the journal after a resume
    const s = SuggestionReply.parse(await this.post('/suggestions', {}));
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

async function request(base: string, auth: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${base}${path}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${method} ${base}${path}: response is not JSON: ${text.slice(0, 200)}`);
  }
}
