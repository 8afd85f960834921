/**
 * `npx nx run benchmarks:collect -- --study diatom|rotten --preset default --trials N --design sobol|random
 *   --workers 2 --out DIR [--from JOURNAL ...]`
 *
 * Trains real models on a space-filling design and appends every trial to an archive (runner/collect.ts), resumable
 * after a kill like a study; `--from` copies existing study journals of the same fidelity into the archive.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BACKEND_CHOICES } from '@paretobench/models/backend-names';
import { getPreset, PRESET_NAMES } from '../studies/presets.ts';
import { getStudy } from '../studies/registry.ts';
import { readJournal } from '../journal/journal.ts';
import { OutDirLock, LockHeldError } from '../journal/out-lock.ts';
import { ProcessPool } from '../runner/process-pool.ts';
import { runStudyTrials } from '../runner/run-study.ts';
import { createProgress } from '../progress/progress.ts';
import { exitWithParent } from '../process/exit-with-parent.ts';
import {
  DESIGNS,
  DesignSuggester,
  collectJournalName,
  collectHeaderMismatches,
  collectTrialSeed,
  fidelityDifferences,
  importJournal,
  readArchive,
} from '../runner/collect.ts';

const USAGE = `usage: collect.ts --study <name> [--preset default] [--trials N] [--design sobol|random] [--workers N]
                  [--seed S] [--out DIR] [--from JOURNAL ...] [--data-dir DIR] [--trainer real|fake]
  --trials   grow this design's journal in the archive to N trials (default 0: only --from imports)
  --design   sobol (default; scrambled Sobol sequence, seeded), random (uniform draws), or repeats (the first 8
             Sobol points trained again with new seeds, to measure training noise)
  --out      the archive directory (default reports/archives/<study>-<preset>)
  --from     study journals (trials.jsonl) to copy into the archive; repeatable; refused if their fidelity differs`;

const ArgsSchema = z.object({
  study: z.string().min(1, 'required'),
  preset: z.enum(PRESET_NAMES),
  trials: z.number().int().min(0),
  design: z.enum(DESIGNS),
  workers: z.number().int().min(1).max(64),
  seed: z.number().int().min(0),
  out: z.string(),
  from: z.array(z.string()),
  dataDir: z.string().nullable(),
  trainer: z.enum(['real', 'fake']),
  backend: z.enum(BACKEND_CHOICES),
});

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new Error(`--${name}: expected a non-negative integer, got "${v}"`);
  return Number(v);
}

function parse(argv: string[]): z.infer<typeof ArgsSchema> {
  const { values } = parseArgs({
    args: argv,
    options: {
      study: { type: 'string' },
      preset: { type: 'string', default: 'default' },
      trials: { type: 'string' },
      design: { type: 'string', default: 'sobol' },
      workers: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      trainer: { type: 'string', default: 'real' },
      backend: { type: 'string', default: 'auto' },
    },
  });
  const parsed = ArgsSchema.safeParse({
    study: values.study ?? '',
    preset: values.preset,
    trials: int('trials', values.trials, 0),
    design: values.design,
    workers: int('workers', values.workers, Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
    seed: int('seed', values.seed, 0),
    out: values.out ?? path.join('reports', 'archives', `${values.study}-${values.preset}`),
    from: values.from ?? [],
    dataDir: values['data-dir'] ?? process.env.PARETOBENCH_DATA_DIR ?? null,
    trainer: values.trainer,
    backend: values.backend,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const key = String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new Error(`--${key}: ${i.message}`);
  }
  return parsed.data;
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`collect: ${(err as Error).message.split('. ')[0]} (--help for usage)\n`);
    return 2;
  }
  exitWithParent((reason) => process.stderr.write(`collect: ${reason}\n`));
  const study = await getStudy(args.study);
  const preset = { ...getPreset(study, args.preset), seeds: 1 };
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const lock = await OutDirLock.acquire(args.out, { waitMs: 1500 });
  try {
    // an archive holds one fidelity: check the one already there before importing or training anything
    const hasJournals = fs.existsSync(args.out) && fs.readdirSync(args.out).some((f) => f.endsWith('.jsonl'));
    if (hasJournals) {
      const existing = readArchive(args.out, study);
      const diff = fidelityDifferences(existing[0].header.preset, preset);
      if (diff.length) {
        throw new Error(
          `--preset ${preset.name}: the archive ${args.out} holds another fidelity (${diff.join('; ')}); ` +
            'use the preset it was collected with, or another --out',
        );
      }
    }
    for (const source of args.from) {
      const r = importJournal(source, args.out, study, preset, { allowFake: args.trainer === 'fake' });
      log(`imported ${r.trials} trials of ${source} as ${r.file}`);
    }
    const journalFile = path.join(args.out, collectJournalName(args.design, args.seed));
    const have = readJournal(journalFile).trials.length;
    if (args.trials > have) {
      log(
        `${study.title}: archive ${args.out}, ${args.design} design (seed ${args.seed}), ${have} -> ${args.trials} trials`,
      );
      for (const line of study.describePreset(preset)) log(`  ${line}`);
      const progress = createProgress({
        tty: Boolean(process.stdout.isTTY) && !process.env.CI,
        write: log,
        accuracyMetric: study.accuracyMetric,
      });
      try {
        await runStudyTrials({
          study,
          preset,
          seed: args.seed,
          outDir: args.out,
          journalFile,
          budgets: { optimizer: 0, random: args.trials },
          workers: args.workers,
          suggester: new DesignSuggester(study, args.design, args.seed, args.trials),
          trialSeedOf: (_method, index) => collectTrialSeed(args.design, args.seed, index),
          headerCheck: collectHeaderMismatches,
          startEvaluator: () =>
            ProcessPool.start(
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
            ),
          events: {
            onStart: ({ resumed, scheduler }) => progress.start(scheduler, resumed),
            onTrial: (record, scheduler) => progress.trial(record, scheduler),
          },
        });
      } finally {
        progress.stop();
      }
    } else if (args.trials > 0) log(`${journalFile} already holds ${have} trials (asked for ${args.trials})`);
    const archive = readArchive(args.out, study);
    const total = archive.reduce((s, j) => s + j.trials.length, 0);
    log(`archive ${args.out}: ${total} trials in ${archive.length} journal(s)`);
    for (const j of archive) log(`  ${path.basename(j.file)}: ${j.trials.length} trials (${j.header.optimizer})`);
  } finally {
    lock.release();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `error: ${err instanceof LockHeldError || err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
