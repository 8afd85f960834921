/**
 * The whole study command: print the preset, run (or resume) the trials with a progress display,
 * then write summary.json and report.html.
 */
import { gemmAdvice } from '@paretobench/models/openblas-core';
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { getPreset, withBudget, type Preset } from '../studies/presets.ts';
import { getStudy } from '../studies/registry.ts';
import type { Study } from '../studies/study.ts';
import type { TrialRecord } from '../journal/records.ts';
import { readJournal } from '../journal/journal.ts';
import { OutDirLock } from '../journal/out-lock.ts';
import { SummarySchema, computeSummary, type Summary } from '../report/summary.ts';
import { renderReport } from '../report/html.ts';
import { createProgress } from '../progress/progress.ts';
import type { StudyArgs } from '../cli/study-args.ts';
import { ProcessPool, type Evaluator } from './process-pool.ts';
import { activeSeconds, computeReplicates } from '../report/replicates.ts';
import { replicateArms, type Arm } from './replicates.ts';
import { runStudyTrials } from './run-study.ts';
import { InProcessSuggester, type Suggester } from './suggesters.ts';
import { OptunaSuggester } from './optuna-suggester.ts';
import { RestSuggester } from './rest-suggester.ts';
import { defaultArchiveDir, loadSurrogate } from '../surrogate/load.ts';
import { surrogatePreset } from '../surrogate/study-preset.ts';
import { surrogateEvaluator } from '../surrogate/evaluator.ts';
import { runArmsInChildren } from './arm-jobs.ts';
import { RemoteStudy } from './remote-study.ts';
import { studyFingerprint } from './run-study.ts';
import type { JournalHeader } from '../journal/records.ts';

export interface StudyCommandIo {
  log: (line: string) => void;
  tty: boolean;
}

export async function runStudy(args: StudyArgs, io: StudyCommandIo): Promise<{ summary: Summary }> {
  // Before anything reads or writes the directory: one run per --out (a second one gets LockHeldError).
  const lock = await OutDirLock.acquire(args.out, { waitMs: 1500 });
  try {
    return await runLocked(args, io);
  } finally {
    lock.release();
  }
}

async function runLocked(args: StudyArgs, io: StudyCommandIo): Promise<{ summary: Summary }> {
  const t0 = Date.now();
  const study = await getStudy(args.study);
  const named = withBudget(getPreset(study, args.preset), args.budget);
  const surrogate =
    args.trainer === 'surrogate'
      ? loadSurrogate(study, args.archive ?? defaultArchiveDir(study.name), { log: io.log })
      : null;
  const base: Preset = surrogate ? surrogatePreset(study, named, surrogate) : named;
  const count = args.remote ? 1 : (args.repeats ?? args.seeds);
  const preset: Preset = count === null ? base : { ...base, seeds: count };
  const arms = replicateArms(args.out, args.seed, preset, args.repeats !== null);
  io.log(`${study.title}`);
  for (const line of study.describePreset(preset)) io.log(`  ${line}`);
  io.log(`  workers ${args.workers}, seed ${args.seed}, out ${args.out}, trainer ${args.trainer}`);

  // One worker pool for every arm, started when the first arm needs it and with the run seed, so that all arms
  // train on the same data subset as the shared random arm.
  let pool: ProcessPool | null = null;
  const sharedEvaluator = async (): Promise<Evaluator> => {
    if (surrogate) return surrogateEvaluator(surrogate.surrogate, preset, args.workers, surrogate.archiveHash);
    if (pool === null) {
      io.log(`  starting ${args.workers} worker process(es) (backend init + dataset load)...`);
      pool = await ProcessPool.start(
        args.workers,
        {
          type: 'init',
          study: study.name,
          preset,
          seed: args.seed,
          dataDir: args.dataDir,
          trainer: args.trainer === 'fake' ? 'fake' : 'real',
          backend: args.backend,
        },
        path.join(args.out, 'workers.log'),
      );
      io.log(`  workers ready, backend ${pool.backend} (worker output: ${path.join(args.out, 'workers.log')})`);
      const advice = gemmAdvice(pool.backend);
      if (advice) io.log(`  note: ${advice}`);
    }
    const p: ProcessPool = pool;
    // each arm closes its evaluator when done; the pool itself is closed once, after the last arm
    return { size: p.size, backend: p.backend, evaluate: (w, task) => p.evaluate(w, task), close: async () => {} };
  };

  const results: ArmResult[] = [];
  // one arm's trials: in this process's worker pool, or (--remote: one comparison) by benchmarks:worker processes
  // through the service
  const runOne = (arm: Arm): Promise<ArmResult> =>
    args.remote ? runRemoteArm(args, io, study, arm) : runArm(args, io, study, arm, () => sharedEvaluator());
  try {
    const parallel = args.jobs > 1 && args.repeats !== null && arms.length > 1 && !args.reportOnly;
    if (parallel) {
      io.log(`${arms.length} repeats, ${args.jobs} at a time (in this process and in child processes)`);
      // one queue: J - 1 child lanes take arms from it while this process runs arm 0, then this process joins in
      const queue = arms.slice(1);
      const children = runArmsInChildren(args, queue, args.jobs - 1, io.log);
      try {
        results.push(await runArm(args, io, study, arms[0], () => sharedEvaluator()));
        for (let arm = queue.shift(); arm !== undefined; arm = queue.shift()) {
          await runArm(args, io, study, arm, () => sharedEvaluator());
          io.log(`repeat seed ${arm.seed} done (${arm.outDir})`);
        }
      } finally {
        // the children's failure (if any) is reported once this process's arms are done
        await children;
      }
    }
    for (const arm of parallel ? arms.slice(1) : arms) {
      if (arms.length > 1) {
        io.log(
          `replicate ${arm.replicate + 1}/${arms.length}: optimizer seed ${arm.seed}` +
            (args.repeats !== null
              ? ' and its own random-search arm'
              : arm.replicate === 0
                ? ' and the shared random-search arm'
                : ' (optimizer only)') +
            `, out ${arm.outDir}`,
        );
      }
      results.push(args.reportOnly ? readArm(arm) : await runOne(arm));
    }
  } finally {
    // pool is assigned inside the sharedEvaluator closure, which TypeScript does not track
    const started = pool as ProcessPool | null;
    if (started !== null) await started.close();
  }

  // a rebuilt report keeps the wall time of the run that wrote the previous summary (it trained nothing itself)
  const sessionWallSeconds = args.reportOnly
    ? previousSessionWallSeconds(path.join(args.out, 'summary.json'))
    : (Date.now() - t0) / 1000;
  const shared = results[0];
  const sharedRandom = shared.trials.filter((t) => t.method === 'random');
  const summaryOf = (r: ArmResult, wall: number | null): Summary =>
    computeSummary({
      study,
      preset,
      seed: r.arm.seed,
      workers: args.workers,
      backend: r.backend,
      optimizer: r.optimizerKind,
      trials: r.arm.replicate === 0 || args.repeats !== null ? r.trials : [...r.trials, ...sharedRandom],
      sessionWallSeconds: wall,
    });
  let summary = summaryOf(shared, sessionWallSeconds);
  for (const r of results.slice(1)) {
    // each optimizer-only arm's own report: its trials against the shared random arm
    const s = summaryOf(r, null);
    writeOutputs(r.arm.outDir, s, args.repeats !== null ? r.trials : [...r.trials, ...sharedRandom]);
  }
  if (results.length > 1) {
    summary = SummarySchema.parse({
      ...summary,
      replicates: computeReplicates({
        study,
        preset,
        sharedRandom,
        arms: results.map((r) => ({ seed: r.arm.seed, outDir: r.arm.outDir, trials: r.trials })),
        ownRandom: args.repeats !== null,
        outDir: args.out,
        wallSeconds: results.reduce((s, r) => s + r.activeSeconds, 0),
      }),
    });
  }
  writeOutputs(args.out, summary, shared.trials);
  return { summary };
}

interface ArmResult {
  arm: Arm;
  /** This arm's own trials (replicate 0: both methods; later replicates: the optimizer's only). */
  trials: TrialRecord[];
  backend: string | null;
  optimizerKind: string;
  /** Active seconds of this arm's trials (sum over invocations). */
  activeSeconds: number;
}

function writeOutputs(outDir: string, summary: Summary, trials: readonly TrialRecord[]): void {
  fs.mkdirSync(outDir, { recursive: true });
  // temp file + fsync + rename: a kill mid-write leaves the previous copy, never a truncated one
  writeFileAtomic.sync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic.sync(path.join(outDir, 'report.html'), renderReport(summary, trials));
}

function readArm(arm: Arm): ArmResult {
  const journalFile = path.join(arm.outDir, 'trials.jsonl');
  const j = readJournal(journalFile);
  if (!j.header) throw new Error(`${journalFile}: no journal to report on`);
  // a report of other budgets than the journal's would count its trials against the wrong budgets (--budget)
  const ran = j.header.preset.budgets;
  const asked = arm.preset.budgets;
  if (ran.optimizer !== asked.optimizer || ran.random !== asked.random) {
    throw new Error(
      `${journalFile}: the journal ran ${ran.optimizer} optimizer vs ${ran.random} random trials, the command asks ` +
        `for ${asked.optimizer} vs ${asked.random}; give the run's --preset and --budget`,
    );
  }
  return {
    arm,
    trials: j.trials,
    backend: j.trials.at(-1)?.backend ?? null,
    optimizerKind: j.header.optimizer,
    activeSeconds: activeSeconds(j.trials),
  };
}

async function runArm(
  args: StudyArgs,
  io: StudyCommandIo,
  study: Study,
  arm: Arm,
  startEvaluator: () => Promise<Evaluator>,
): Promise<ArmResult> {
  const journalFile = path.join(arm.outDir, 'trials.jsonl');
  // a resumed run keeps the lag its journal was started with (see scheduler.ts), whatever --workers says now
  const lag = fs.existsSync(journalFile)
    ? (readJournal(journalFile).header?.lag ?? args.workers - 1)
    : Math.max(0, args.workers - 1);
  const suggester: Suggester = args.optimizerUrl
    ? await RestSuggester.connect({
        url: args.optimizerUrl,
        token: args.token!,
        study,
        preset: arm.preset,
        seed: arm.seed,
        lag,
        outDir: arm.outDir,
      })
    : args.optimizerMethod === 'tpe'
      ? new OptunaSuggester(study, arm.preset, arm.seed, lag)
      : new InProcessSuggester(study, arm.preset, arm.seed, lag, args.optimizerMethod);
  const progress = createProgress({ tty: io.tty, write: io.log, accuracyMetric: study.accuracyMetric });
  try {
    const result = await runStudyTrials({
      study,
      preset: arm.preset,
      seed: arm.seed,
      outDir: arm.outDir,
      workers: args.workers,
      suggester,
      startEvaluator,
      events: {
        onStart: ({ resumed, scheduler }) => progress.start(scheduler, resumed),
        onTrial: (record, scheduler) => progress.trial(record, scheduler),
      },
    });
    return {
      arm,
      trials: result.trials,
      backend: result.backend,
      optimizerKind: suggester.kind,
      activeSeconds: activeSeconds(result.trials),
    };
  } finally {
    progress.stop();
    await suggester.close?.();
  }
}

/**
 * A remote run (--remote): the study's experiments at the service (created when missing), progress while
 * benchmarks:worker processes train them, then the service's observations as this arm's journal (trials.jsonl,
 * rewritten from the service each time: the service is the source of truth).
 */
async function runRemoteArm(args: StudyArgs, io: StudyCommandIo, study: Study, arm: Arm): Promise<ArmResult> {
  const remote = (await RemoteStudy.find(
    {
      url: args.optimizerUrl!,
      token: args.token!,
      study,
      preset: arm.preset,
      seed: arm.seed,
      parallel: args.workers,
      leaseSeconds: args.lease ?? undefined,
    },
    true,
  ))!;
  io.log(
    `  service ${args.optimizerUrl}: optimizer experiment ${remote.arms.optimizer.experimentId}, random experiment ` +
      `${remote.arms.random.experimentId} (${remote.key})`,
  );
  io.log(
    `  workers: npx nx run benchmarks:worker -- --optimizer-url ${args.optimizerUrl} --token <token> ` +
      `--study ${study.name} --preset ${arm.preset.name} --seed ${arm.seed}`,
  );
  const t0 = Date.now();
  let shown = '';
  for (;;) {
    const p = await remote.progress();
    const line =
      `optimizer ${Math.min(p.optimizer.observed, p.optimizer.budget)}/${p.optimizer.budget} (${p.optimizer.open} training), ` +
      `random ${Math.min(p.random.observed, p.random.budget)}/${p.random.budget} (${p.random.open} training)`;
    if (line !== shown) {
      const s = Math.round((Date.now() - t0) / 1000);
      io.log(`[${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s] ${line}`);
      shown = line;
    }
    if (p.optimizer.observed >= p.optimizer.budget && p.random.observed >= p.random.budget) break;
    await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
  }
  const trials = [
    ...(await remote.trialRecords(remote.arms.optimizer)),
    ...(await remote.trialRecords(remote.arms.random)),
  ];
  const header: JournalHeader = {
    type: 'header',
    version: 1,
    study: study.name,
    preset: arm.preset,
    seed: arm.seed,
    fingerprint: studyFingerprint(study, arm.preset, arm.seed),
    lag: Math.max(0, args.workers - 1),
    optimizer: 'remote',
    created_at: new Date().toISOString(),
  };
  fs.mkdirSync(arm.outDir, { recursive: true });
  writeFileAtomic.sync(
    path.join(arm.outDir, 'trials.jsonl'),
    [header, ...trials].map((r) => JSON.stringify(r)).join('\n') + '\n',
  );
  return {
    arm,
    trials,
    backend: trials.at(-1)?.backend ?? null,
    optimizerKind: 'remote',
    activeSeconds: activeSeconds(trials),
  };
}

/** How often a remote run asks the service for progress (ms; PARETOBENCH_REMOTE_POLL_MS for tests). */
const REMOTE_POLL_MS = Number(process.env.PARETOBENCH_REMOTE_POLL_MS ?? '2000');

/** session_wall_seconds of an existing summary.json, or null when there is none or it does not parse. */
function previousSessionWallSeconds(file: string): number | null {
  try {
    const parsed = SummarySchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.session_wall_seconds : null;
  } catch {
    return null; // missing or not JSON: the rebuilt summary says it was not measured
  }
}
