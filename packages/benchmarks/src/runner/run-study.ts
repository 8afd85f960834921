/**
 * Runs one study: journal -> scheduler -> worker pool -> journal, then summary.json and report.html.
 *
 * A trial counts once its journal line is fsync'ed. Starting the same command again reads the journal, re-runs
 * only what is missing and reproduces the same suggestions (see scheduler.ts for why). A journal written by a
 * different preset, seed or study is refused with the list of differences.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Assignments } from '@paretobench/optimizer';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { Journal, headerMismatches } from '../journal/journal.ts';
import type { JournalHeader, Method, TrialRecord } from '../journal/records.ts';
import { TrialScheduler, type Budgets, type TrialSlot } from './scheduler.ts';
import type { Suggester } from './suggesters.ts';
import type { Evaluator } from './process-pool.ts';
import { judgeOutcome } from './judge.ts';
import { errorOutcome, trialRecord } from './trial-record.ts';
import type { TrialOutcome } from './protocol.ts';

export interface RunEvents {
  /** Called once the journal is read and the workers are up, before any training. */
  onStart?(info: { resumed: number; scheduler: TrialScheduler }): void;
  onTrial?(record: TrialRecord, scheduler: TrialScheduler): void;
}

export interface StudyRunOptions {
  study: Study;
  preset: Preset;
  seed: number;
  outDir: string;
  workers: number;
  suggester: Suggester;
  /** The journal (default `outDir/trials.jsonl`). */
  journalFile?: string;
  /**
   * Trials to run per method (default the preset's budgets). An archive collection (runner/collect.ts) runs only
   * random-method trials and may grow later: its budget is not part of the journal header, the preset (fidelity) is.
   */
  budgets?: Budgets;
  /**
   * Where an existing journal's header differs from this run's, as messages (default `headerMismatches`: every preset
   * field and the fingerprint). An archive collection compares only what decides its trials (collect.ts).
   */
  headerCheck?: (existing: JournalHeader, wanted: JournalHeader) => string[];
  /** Training seed of a trial (default `trialSeed(seed, method, index)`). */
  trialSeedOf?: (method: Method, index: number) => number;
  /** Creates the evaluator lazily (not needed when the journal is already complete). */
  startEvaluator: () => Promise<Evaluator>;
  events?: RunEvents;
}

export interface StudyRunResult {
  header: JournalHeader;
  trials: TrialRecord[];
  backend: string | null;
  journalFile: string;
  resumed: number;
}

export function studyFingerprint(study: Study, preset: Preset, seed: number): string {
  // the preset's scope is prose about what it can show: rewording it must not orphan a run's journal
  const { scope: _prose, ...settings } = preset;
  const canonical = JSON.stringify({
    study: study.name,
    parameters: study.parameters,
    metrics: study.metrics,
    preset: settings,
    seed,
  });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Seed of the training run of one trial: a function of the run seed, method and index only. */
export function trialSeed(seed: number, method: Method, index: number): number {
  const h = crypto.createHash('sha256').update(`${seed}:${method}:${index}`).digest();
  return h.readUInt32LE(0) & 0x7fffffff;
}

export async function runStudyTrials(opts: StudyRunOptions): Promise<StudyRunResult> {
  const { study, preset, seed, suggester } = opts;
  const seedOf = opts.trialSeedOf ?? ((m: Method, i: number) => trialSeed(seed, m, i));
  const journalFile = opts.journalFile ?? path.join(opts.outDir, 'trials.jsonl');
  const wanted: JournalHeader = {
    type: 'header',
    version: 1,
    study: study.name,
    preset,
    seed,
    fingerprint: studyFingerprint(study, preset, seed),
    lag: Math.max(0, opts.workers - 1),
    optimizer: suggester.kind,
    created_at: new Date().toISOString(),
  };
  fs.mkdirSync(opts.outDir, { recursive: true });
  const { journal, existing } = Journal.open(journalFile, wanted);
  const header = existing.header!;
  try {
    const diff = (opts.headerCheck ?? headerMismatches)(header, wanted);
    if (diff.length > 0) {
      throw new Error(
        `${journalFile} was written by a different run configuration (${diff.join('; ')}); ` +
          `use another --out directory, or delete the journal to start over`,
      );
    }
    const scheduler = new TrialScheduler(opts.budgets ?? preset.budgets, header.lag, existing.trials);
    const resumed = existing.trials.length;
    let seq = existing.trials.reduce((m, t) => Math.max(m, t.seq + 1), 0);
    // trials of older journals (no invocation field) count as invocation 0
    const invocation = existing.trials.reduce((m, t) => Math.max(m, (t.invocation ?? 0) + 1), 0);
    let backend: string | null = existing.trials.at(-1)?.backend ?? null;

    if (scheduler.finished()) opts.events?.onStart?.({ resumed, scheduler });
    else {
      const evaluator = await opts.startEvaluator();
      backend = evaluator.backend;
      opts.events?.onStart?.({ resumed, scheduler });
      // Trials running on the workers: all of them settle before the workers are closed and the journal with them.
      const inFlight = new Set<Promise<void>>();
      try {
        const assignmentsOf = new Map<string, Assignments>();
        for (const r of existing.trials) assignmentsOf.set(`${r.method}#${r.index}`, r.assignments);
        const suggestMs = new Map<string, number>();

        const assignmentFor = async (slot: TrialSlot): Promise<Assignments> => {
          const key = `${slot.method}#${slot.index}`;
          const known = assignmentsOf.get(key);
          if (known) return known;
          const t0 = performance.now();
          let a: Assignments;
          if (slot.method === 'random') a = await suggester.random(slot.index);
          else {
            const pending = scheduler.pendingFor(slot.index).map((i) => {
              const p = assignmentsOf.get(`optimizer#${i}`);
              if (!p) throw new Error(`internal: optimizer trial ${i} has no assignment yet`);
              return p;
            });
            a = await suggester.optimizer(slot.index, scheduler.observationsFor(slot.index), pending);
          }
          suggestMs.set(key, performance.now() - t0);
          assignmentsOf.set(key, a);
          return a;
        };

        const crashes = new Map<string, number>();
        const idle: number[] = Array.from({ length: evaluator.size }, (_, w) => w);
        let wake: () => void = () => {};
        // Set by a failing trial (from its callback, so TypeScript must not narrow the initial null).
        let fatal = null as Error | null;

        const runOne = async (worker: number, slot: TrialSlot, assignments: Assignments): Promise<void> => {
          const startedAt = new Date();
          const epochs = study.trainedEpochs(preset, assignments);
          let outcome: TrialOutcome;
          const key = `${slot.method}#${slot.index}`;
          try {
            outcome = await evaluator.evaluate(worker, {
              type: 'trial',
              id: `${slot.method}#${slot.index}`,
              assignments,
              epochs,
              seed: seedOf(slot.method, slot.index),
            });
          } catch (err) {
            // the worker died mid-trial (e.g. out of memory): run the trial again once, then record it as an error
            const n = (crashes.get(key) ?? 0) + 1;
            crashes.set(key, n);
            const message = (err as Error).message;
            if (n < 2) {
              scheduler.abandon(slot);
              process.stderr.write(`${key}: ${message}; retrying\n`);
              return;
            }
            outcome = errorOutcome(message);
          }
          const finishedAt = new Date();
          const verdict = judgeOutcome(study, preset, outcome);
          const record = trialRecord({
            method: slot.method,
            index: slot.index,
            seq: seq++,
            assignments,
            outcome,
            verdict,
            worker,
            invocation,
            backend: evaluator.backend,
            startedAt,
            finishedAt,
            suggestMs: suggestMs.get(key) ?? null,
          });
          journal.append(record);
          scheduler.complete(record);
          if (slot.method === 'optimizer') await suggester.observed?.(slot.index, record);
          opts.events?.onTrial?.(record, scheduler);
        };

        while (!scheduler.finished()) {
          if (fatal) throw fatal;
          let slot: TrialSlot | null;
          while (idle.length > 0 && (slot = scheduler.choose()) !== null) {
            const worker = idle.shift()!;
            scheduler.dispatch(slot);
            const s = slot;
            const a = await assignmentFor(s);
            const trial = runOne(worker, s, a)
              .catch((err: unknown) => {
                fatal ??= err instanceof Error ? err : new Error(String(err));
              })
              .finally(() => {
                inFlight.delete(trial);
                idle.push(worker);
                wake();
              });
            inFlight.add(trial);
          }
          if (scheduler.finished()) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        if (fatal) throw fatal;
      } finally {
        // After a fatal error the other trials may still be training: closing the workers ends them, and awaiting
        // them here keeps their records from reaching the journal after it is closed.
        await evaluator.close();
        await Promise.allSettled(inFlight);
      }
    }
    const trials = [...scheduler.done.optimizer.values(), ...scheduler.done.random.values()].sort(
      (a, b) => a.method.localeCompare(b.method) || a.index - b.index,
    );
    return { header, trials, backend, journalFile, resumed };
  } finally {
    journal.close();
  }
}
