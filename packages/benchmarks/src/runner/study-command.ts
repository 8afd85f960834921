/**
 * The whole study command: print the preset, run (or resume) the trials with a progress display,
 * then write summary.json and report.html.
 */
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { getStudy } from '../studies/definitions.ts';
import { describePreset, getPreset } from '../studies/presets.ts';
import { readJournal } from '../journal/journal.ts';
import { OutDirLock } from '../journal/out-lock.ts';
import { SummarySchema, computeSummary, type Summary } from '../report/summary.ts';
import { renderReport } from '../report/html.ts';
import { createProgress } from '../progress/progress.ts';
import type { StudyArgs } from '../cli/study-args.ts';
import { ProcessPool } from './process-pool.ts';
import { runStudyTrials } from './run-study.ts';
import { InProcessSuggester, type Suggester } from './suggesters.ts';
import { RestSuggester } from './rest-suggester.ts';

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
  const study = getStudy(args.study);
  const preset = getPreset(study.name, args.preset);
  const journalFile = path.join(args.out, 'trials.jsonl');
  // a resumed run keeps the lag its journal was started with (see scheduler.ts), whatever --workers says now
  const lag = fs.existsSync(journalFile)
    ? (readJournal(journalFile).header?.lag ?? args.workers - 1)
    : Math.max(0, args.workers - 1);
  io.log(`${study.title}`);
  for (const line of describePreset(study.name, preset)) io.log(`  ${line}`);
  io.log(`  workers ${args.workers}, seed ${args.seed}, out ${args.out}, trainer ${args.trainer}`);

  let trials;
  let backend: string | null;
  let optimizerKind: string;
  // a rebuilt report keeps the wall time of the run that wrote the previous summary (it trained nothing itself)
  let sessionWallSeconds: number | null = null;
  if (args.reportOnly) {
    sessionWallSeconds = previousSessionWallSeconds(path.join(args.out, 'summary.json'));
    const j = readJournal(journalFile);
    if (!j.header) throw new Error(`${journalFile}: no journal to report on`);
    trials = j.trials;
    backend = trials.at(-1)?.backend ?? null;
    optimizerKind = j.header.optimizer;
  } else {
    const suggester: Suggester = args.optimizerUrl
      ? await RestSuggester.connect({
          url: args.optimizerUrl,
          token: args.token!,
          study,
          preset,
          seed: args.seed,
          lag,
          outDir: args.out,
        })
      : new InProcessSuggester(study, preset, args.seed, lag);
    optimizerKind = suggester.kind;
    const progress = createProgress({ tty: io.tty, write: io.log, accuracyMetric: study.accuracyMetric });
    try {
      const result = await runStudyTrials({
        study,
        preset,
        seed: args.seed,
        outDir: args.out,
        workers: args.workers,
        suggester,
        startEvaluator: async () => {
          io.log(`  starting ${args.workers} worker process(es) (backend init + dataset load)...`);
          const pool = await ProcessPool.start(
            args.workers,
            {
              type: 'init',
              study: study.name,
              preset,
              seed: args.seed,
              dataDir: args.dataDir,
              trainer: args.trainer,
              backend: args.backend,
            },
            path.join(args.out, 'workers.log'),
          );
          io.log(`  workers ready, backend ${pool.backend} (worker output: ${path.join(args.out, 'workers.log')})`);
          return pool;
        },
        events: {
          onStart: ({ resumed, scheduler }) => progress.start(scheduler, resumed),
          onTrial: (record, scheduler) => progress.trial(record, scheduler),
        },
      });
      trials = result.trials;
      backend = result.backend;
    } finally {
      progress.stop();
      await suggester.close?.();
    }
  }
  const summary = computeSummary({
    study,
    preset,
    seed: args.seed,
    workers: args.workers,
    backend,
    optimizer: optimizerKind,
    trials,
    sessionWallSeconds: args.reportOnly ? sessionWallSeconds : (Date.now() - t0) / 1000,
  });
  fs.mkdirSync(args.out, { recursive: true });
  // temp file + fsync + rename: a kill mid-write leaves the previous copy, never a truncated one
  writeFileAtomic.sync(path.join(args.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic.sync(path.join(args.out, 'report.html'), renderReport(summary, trials));
  return { summary };
}

/** session_wall_seconds of an existing summary.json, or null when there is none or it does not parse. */
function previousSessionWallSeconds(file: string): number | null {
  try {
    const parsed = SummarySchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.session_wall_seconds : null;
  } catch {
    return null; // missing or not JSON: the rebuilt summary says it was not measured
  }
}
