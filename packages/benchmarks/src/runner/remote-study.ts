/**
 * A study whose trials live in a SigOpt-compatible service (`nx run server:serve`) instead of a local journal, so that
 * workers on any machine can train them (remote-worker.ts) and the coordinator (`benchmarks:diatom -- --remote`)
 * only creates the experiments, shows progress and writes the report.
 *
 * One study run is two experiments of the service: the optimizer arm (`method: mobo`, the preset's optimizer budget
 * and initial design, the run seed) and the random arm (`method: random`, its own seed and budget, as the local random
 * stream). Both carry `metadata.paretobench` = `<study>/<preset>/seed<S>/<fingerprint>`, by which every worker and
 * the coordinator find them, and a suggestion lease: a worker renews its lease while it trains, and a killed
 * worker's trial is handed to another worker when the lease ends (the server's `suggestion_lease_seconds`).
 *
 * A worker stores each finished trial as the observation of its suggestion: values, or `failed` as the local runner
 * tells the in-process optimizer (suggesters.ts `toObservation`), with the trial's journal fields (metrics, failure
 * reason, epochs, timing, backend) in the observation's metadata. `trialRecords()` turns them back into journal
 * records, so the report is the local one.
 */
import { z } from 'zod';
import { ExperimentObject, SigoptClient, type SuggestionObject } from '@paretobench/client';
import type { Assignments } from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import { TrialRecordSchema, type Method, type TrialRecord } from '../journal/records.ts';
import { experimentConfig } from './suggesters.ts';
import { studyFingerprint } from './run-study.ts';
import { createArmExperiment } from './arm-experiment.ts';

export const DEFAULT_LEASE_SECONDS = 300;

/** What a worker puts in an observation's metadata: the trial's journal record without what the service knows. */
export const TrialMetadataSchema = TrialRecordSchema.omit({
  type: true,
  method: true,
  index: true,
  seq: true,
  assignments: true,
  worker: true,
  invocation: true,
}).extend({ worker: z.string() });
export type TrialMetadata = z.infer<typeof TrialMetadataSchema>;

export interface RemoteArm {
  method: Method;
  experimentId: string;
  budget: number;
  leaseSeconds: number | null;
}

export interface ArmProgress {
  observed: number;
  open: number;
  budget: number;
}

export interface RemoteStudyOptions {
  url: string;
  token: string;
  study: Study;
  preset: Preset;
  seed: number;
  /** the optimizer arm's parallel_bandwidth (how many workers are expected) */
  parallel?: number;
  leaseSeconds?: number;
}

export class RemoteStudy {
  private constructor(
    readonly client: SigoptClient,
    readonly key: string,
    readonly arms: Record<Method, RemoteArm>,
  ) {}

  /** `<study>/<preset>/seed<S>/<fingerprint>`: the same study definition, preset and seed give the same key. */
  static keyOf(study: Study, preset: Preset, seed: number): string {
    return `${study.name}/${preset.name}/seed${seed}/${studyFingerprint(study, preset, seed).slice(0, 16)}`;
  }

  /**
   * The study's two experiments at the service, created when `create` (the coordinator) and missing. Null when they
   * do not exist and `create` is false (a worker started before the coordinator waits and asks again). `seen.stale` receives the ids of experiments for the same study, preset and seed made with another study
   * definition or preset version (another fingerprint): a worker that finds only those is from another version.
   */
  static async find(
    opts: RemoteStudyOptions,
    create: boolean,
    seen?: { stale: string[] },
  ): Promise<RemoteStudy | null> {
    const client = new SigoptClient({ url: opts.url, token: opts.token });
    const key = RemoteStudy.keyOf(opts.study, opts.preset, opts.seed);
    const found = new Map<Method, ExperimentObject>();
    const sameName: string[] = [];
    const prefix = key.slice(0, key.lastIndexOf('/') + 1);
    // every experiment of the token, oldest first; one that is not an experiment this client can read is skipped
    // (another tool's, another service version's), and of two with the same key the oldest is the study's
    const listed = await client.all('/experiments', z.unknown());
    for (const e of listed.flatMap((raw) => {
      const parsed = ExperimentObject.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    })) {
      const tag = e.metadata?.paretobench;
      const arm = e.metadata?.arm;
      if (typeof tag !== 'string' || (arm !== 'optimizer' && arm !== 'random')) continue;
      if (tag === key && !found.has(arm)) found.set(arm, e);
      else if (tag.startsWith(prefix) && tag !== key) sameName.push(e.id);
    }
    if (seen) seen.stale = sameName;
    if (found.size < 2 && !create) return null;
    const lease = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    for (const method of ['optimizer', 'random'] as const) {
      if (found.has(method)) continue;
      const config = experimentConfig(
        opts.study,
        opts.preset,
        opts.seed,
        method === 'optimizer' ? 'mobo' : 'random',
        method === 'optimizer' ? Math.max(1, opts.parallel ?? 1) : 1,
      );
      const created = await createArmExperiment(
        client,
        `${opts.study.name}-${opts.preset.name}-seed${opts.seed}-${method}`,
        config,
        { suggestion_lease_seconds: lease, metadata: { paretobench: key, arm: method } },
      );
      found.set(method, created);
    }
    const armOf = (method: Method): RemoteArm => {
      const e = found.get(method)!;
      return {
        method,
        experimentId: e.id,
        budget: opts.preset.budgets[method],
        leaseSeconds: e.suggestion_lease_seconds ?? null,
      };
    };
    return new RemoteStudy(client, key, { optimizer: armOf('optimizer'), random: armOf('random') });
  }

  /** Observations and open suggestions of each arm, as the service counts them now. */
  async progress(): Promise<Record<Method, ArmProgress>> {
    const one = async (arm: RemoteArm): Promise<ArmProgress> => {
      const { observed, open } = counts(await this.client.getExperiment(arm.experimentId));
      return { observed, open, budget: arm.budget };
    };
    const [optimizer, random] = await Promise.all([one(this.arms.optimizer), one(this.arms.random)]);
    return { optimizer, random };
  }

  /** The arm's open suggestions (at most one per worker; the newest 100). */
  async openSuggestions(arm: RemoteArm): Promise<SuggestionObject[]> {
    return (await this.client.listSuggestions(arm.experimentId, { state: 'open', limit: 100 })).data;
  }

  /**
   * The open suggestions of an arm whose lease has ended by the service's rule as this machine's clock reads it: the
   * service hands a suggestion out again once the current whole second is past `lease_expires`.
   */
  async expiredLeases(arm: RemoteArm, nowSeconds = Math.floor(Date.now() / 1000)): Promise<number> {
    return (await this.openSuggestions(arm)).filter(
      (s) => s.lease_expires !== undefined && s.lease_expires < nowSeconds,
    ).length;
  }

  /**
   * Whether `suggestionId` (just handed out) takes the arm past its budget. When the observations and open
   * suggestions exceed the budget, the oldest open suggestions keep the remaining places and every newer one is over,
   * so any number of workers asking at once give back exactly the surplus. A suggestion handed out again after its
   * lease ended keeps its old id, so it ranks before the new ones.
   */
  async overBudget(arm: RemoteArm, suggestionId: string): Promise<boolean> {
    const { observed, open } = counts(await this.client.getExperiment(arm.experimentId));
    if (observed + open <= arm.budget) return false;
    const places = arm.budget - observed;
    const older = (await this.openSuggestions(arm)).filter((s) => Number(s.id) < Number(suggestionId)).length;
    return older >= places;
  }

  /**
   * The arm's finished trials as journal records, at most its budget (the first observed: two workers that each saw
   * one trial left may both have run one): index = the suggestion's order in the arm, seq = the order observed.
   */
  async trialRecords(arm: RemoteArm): Promise<TrialRecord[]> {
    const all = await this.client.allObservations(arm.experimentId);
    const observed = all.sort((a, b) => Number(a.id) - Number(b.id)).slice(0, arm.budget);
    const bySuggestion = [...observed].sort(
      (a, b) => Number(a.suggestion ?? a.id) - Number(b.suggestion ?? b.id) || Number(a.id) - Number(b.id),
    );
    const seqOf = new Map(observed.map((o, seq) => [o, seq]));
    const workers = new Map<string, number>();
    return bySuggestion.map((o, index) => {
      if (o.assignments === null) {
        throw new Error(`observation ${o.id} of experiment ${arm.experimentId} has no assignments`);
      }
      const parsed = TrialMetadataSchema.safeParse(o.metadata?.trial);
      if (!parsed.success) {
        throw new Error(
          `observation ${o.id} of experiment ${arm.experimentId} has no trial record in its metadata ` +
            `(metadata.trial: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}): ` +
            `was it reported by benchmarks:worker?`,
        );
      }
      const { worker, ...rest } = parsed.data;
      if (!workers.has(worker)) workers.set(worker, workers.size);
      return TrialRecordSchema.parse({
        type: 'trial',
        method: arm.method,
        index,
        seq: seqOf.get(o)!,
        assignments: o.assignments as Assignments,
        ...rest,
        worker: workers.get(worker)!,
        invocation: 0,
      });
    });
  }
}

/** The service's counts of an arm's observations and open suggestions (both in its `progress`, on this service). */
function counts(e: ExperimentObject): { observed: number; open: number } {
  if (e.progress?.open_suggestion_count === undefined) {
    throw new Error(`experiment ${e.id}: the service does not count open suggestions (progress.open_suggestion_count)`);
  }
  return { observed: e.progress.observation_count, open: e.progress.open_suggestion_count };
}
