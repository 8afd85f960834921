/**
 * A study worker on any machine (`nx run benchmarks:worker`): asks the service for a suggestion of the study's
 * optimizer or random arm, trains it in a local worker process, reports the observation, and loops until both arms'
 * budgets are observed.
 *
 * - Which arm: one with room (observed + open < budget), the less advanced first (as the local scheduler interleaves
 *   them); when neither has room but trials are still open, it waits, and takes over an open trial whose lease has
 *   ended (its worker was killed): the service hands that suggestion out again.
 * - While a trial trains (in a child process, so this event loop stays free) the worker renews its lease every third
 *   of the lease with an empty PUT on the suggestion.
 * - Two workers that both saw one place left may both get a new suggestion: the newer one is deleted again (by its
 *   worker, which then looks again), so an arm never runs past its budget.
 * - A report the service refuses with 409 (another worker took the trial over after our lease ended, and reported
 *   first) is dropped: the trial is stored once.
 * - A trial whose worker process dies is trained once more, then reported as failed with the error (run-study.ts
 *   does the same locally).
 */
import { randomUUID } from 'node:crypto';
import { SigoptApiError, type ObservationCreateBody, type SuggestionObject } from '@paretobench/client';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import type { Method } from '../journal/records.ts';
import type { Evaluator } from './process-pool.ts';
import type { TrialOutcome } from './protocol.ts';
import { judgeOutcome } from './judge.ts';
import { errorOutcome, trialRecord } from './trial-record.ts';
import { toObservation } from './suggesters.ts';
import { trialSeed } from './run-study.ts';
import { RemoteStudy, type ArmProgress, type RemoteArm, type TrialMetadata } from './remote-study.ts';

export interface RemoteWorkerOptions {
  remote: RemoteStudy;
  study: Study;
  preset: Preset;
  seed: number;
  evaluator: Evaluator;
  /** this worker's name in the trials' metadata (host:pid by default) */
  name: string;
  log: (line: string) => void;
  /** how often to look again when every remaining trial is taken (ms) */
  pollMs?: number;
  /** stop after this many trials (tests; default: until the budgets are spent) */
  maxTrials?: number;
}

export interface RemoteWorkerResult {
  trained: number;
  /** reports refused because another worker had reported the same trial */
  duplicates: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The arm to ask next: one with room, the less advanced first; null when none has room. */
export function chooseArm(progress: Record<Method, ArmProgress>): Method | null {
  const room = (['optimizer', 'random'] as const).filter((m) => {
    const p = progress[m];
    return p.observed + p.open < p.budget;
  });
  if (room.length === 0) return null;
  const done = (m: Method) => (progress[m].observed + progress[m].open) / progress[m].budget;
  return room.reduce((a, b) => (done(b) < done(a) ? b : a));
}

export async function runRemoteWorker(opts: RemoteWorkerOptions): Promise<RemoteWorkerResult> {
  const { remote } = opts;
  const pollMs = opts.pollMs ?? 2000;
  let trained = 0;
  let duplicates = 0;
  while (opts.maxTrials === undefined || trained < opts.maxTrials) {
    const progress = await remote.progress();
    const unfinished = (['optimizer', 'random'] as const).filter((m) => progress[m].observed < progress[m].budget);
    if (unfinished.length === 0) break;
    let method = chooseArm(progress);
    if (method === null) {
      // every remaining trial is being trained: take over one whose lease ended, or wait
      for (const m of unfinished) {
        if ((await remote.expiredLeases(remote.arms[m])) > 0) {
          method = m;
          break;
        }
      }
      if (method === null) {
        await sleep(pollMs);
        continue;
      }
    }
    const arm = remote.arms[method];
    const t0 = performance.now();
    // retried: a suggestion whose answer was lost stays open and goes out again when its lease ends
    const s = await remote.client.suggest(arm.experimentId, { metadata: { worker: opts.name } }, { retries: 4 });
    const suggestMs = performance.now() - t0;
    if (await remote.overBudget(arm, s.id)) {
      // another worker took the last place at the same moment, and ours is the newer suggestion: give it back
      await remote.client.deleteSuggestion(arm.experimentId, s.id);
      await sleep(pollMs); // not at once again: a clock ahead of the service's would make this loop hot
      continue;
    }
    opts.log(`${opts.name}: training ${arm.method} suggestion ${s.id}`);
    const ok = await trainAndReport(opts, arm, s, suggestMs);
    trained++;
    if (!ok) duplicates++;
  }
  return { trained, duplicates };
}

/** Trains one suggestion with its lease renewed, reports it; false when another worker had reported it first. */
async function trainAndReport(
  opts: RemoteWorkerOptions,
  arm: RemoteArm,
  s: SuggestionObject,
  suggestMs: number,
): Promise<boolean> {
  const { remote, study, preset } = opts;
  let heartbeat: NodeJS.Timeout | null = null;
  if (arm.leaseSeconds !== null) {
    heartbeat = setInterval(
      () => {
        remote.client.updateSuggestion(arm.experimentId, s.id).catch((err: unknown) => {
          opts.log(`${opts.name}: lease renewal of suggestion ${s.id} failed: ${(err as Error).message}`);
        });
      },
      Math.max(250, (arm.leaseSeconds * 1000) / 3),
    );
  }
  const startedAt = new Date();
  let outcome: TrialOutcome | null = null;
  try {
    for (let attempt = 1; outcome === null; attempt++) {
      try {
        outcome = await opts.evaluator.evaluate(0, {
          type: 'trial',
          id: `${arm.method}#${s.id}`,
          assignments: s.assignments,
          epochs: study.trainedEpochs(preset, s.assignments),
          // the suggestion's place in its arm, as a local run seeds trial k: the random arm's experiment hands out
          // the local random arm's configurations in the same order, so both train the same models
          seed: trialSeed(opts.seed, arm.method, s.sequence ?? Number(s.id)),
        });
      } catch (err) {
        const message = (err as Error).message;
        if (attempt < 2) {
          opts.log(`${opts.name}: suggestion ${s.id}: ${message}; retrying`);
          continue;
        }
        outcome = errorOutcome(message);
      }
    }
  } finally {
    if (heartbeat) clearInterval(heartbeat);
  }
  const finishedAt = new Date();
  const verdict = judgeOutcome(study, preset, outcome);
  const record = trialRecord({
    method: arm.method,
    index: 0, // the service's order decides (RemoteStudy.trialRecords)
    seq: 0,
    assignments: s.assignments,
    outcome,
    verdict,
    worker: 0,
    invocation: 0,
    backend: opts.evaluator.backend,
    startedAt,
    finishedAt,
    suggestMs,
  });
  const { type: _t, method: _m, index: _i, seq: _s, assignments: _a, worker: _w, invocation: _v, ...rest } = record;
  const trial: TrialMetadata = { ...rest, worker: opts.name };
  const o = toObservation(record);
  const body: ObservationCreateBody = { suggestion: s.id, metadata: { trial } };
  if (o.failed) body.failed = true;
  if (o.values) body.values = o.values;
  try {
    // a lost answer is retried under the same key for about 4 minutes (a service restart): stored once
    await remote.client.observe(arm.experimentId, body, { idempotencyKey: randomUUID(), retries: 9 });
  } catch (err) {
    if (err instanceof SigoptApiError && err.status === 409) {
      opts.log(`${opts.name}: suggestion ${s.id} was reported by another worker first; this result is dropped`);
      return false;
    }
    throw err;
  }
  const shown = verdict.metrics?.[study.accuracyMetric];
  opts.log(
    `${opts.name}: ${arm.method} suggestion ${s.id}: ` +
      (verdict.failed ? `failed (${verdict.reason})` : `${study.accuracyMetric} ${shown?.toFixed(3)}`) +
      ` in ${record.timing.wall_seconds.toFixed(1)} s`,
  );
  return true;
}
