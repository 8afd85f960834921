/**
 * Command-line options of `nx run benchmarks:study -- <study> ...` (and of `benchmarks:diatom|rotten -- ...`), parsed
 * with node:util parseArgs and validated with zod (errors name the flag; the study name against the registry).
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BACKEND_CHOICES } from '@paretobench/models/backend-names';
import { PRESET_NAMES } from '../studies/presets.ts';
import { StudyNameSchema, orList, studyNames } from '../studies/registry.ts';
import { OPTIMIZER_METHODS } from '../runner/suggesters.ts';

export const StudyArgsSchema = z.object({
  study: StudyNameSchema,
  preset: z.enum(PRESET_NAMES),
  workers: z.number().int().min(1).max(64),
  seed: z.number().int().min(0),
  /** Replicates (optimizer seeds against one shared random arm); null: the preset's own number. */
  seeds: z.number().int().min(1).max(64).nullable(),
  /** Repeats: complete comparisons, each optimizer seed against its own random arm (null: not asked). */
  repeats: z.number().int().min(1).max(1000).nullable(),
  /**
   * The optimizer arm's budget instead of the preset's, the random arm's scaled to keep the preset's ratio (a budget
   * sweep of one preset); null: the preset's.
   */
  budget: z.number().int().min(1).max(100_000).nullable(),
  /** What runs in the optimizer arm (runner/suggesters.ts): the optimizer, or random search / Sobol / TPE in its place. */
  optimizerMethod: z.enum(OPTIMIZER_METHODS),
  /** Repeats run side by side (surrogate and fake trainers; a real trainer's parallelism is --workers). */
  jobs: z.number().int().min(1).max(64),
  /** The trial archive a surrogate trainer is fitted on (null: reports/archives/<study>-default). */
  archive: z.string().nullable(),
  dataDir: z.string().nullable(),
  out: z.string(),
  trainer: z.enum(['real', 'fake', 'surrogate']),
  backend: z.enum(BACKEND_CHOICES, {
    error: (i) => `unknown backend ${JSON.stringify(i.input)} (known: ${BACKEND_CHOICES.join(', ')})`,
  }),
  optimizerUrl: z.string().url().nullable(),
  token: z.string().nullable(),
  /** The trials live in the service at --optimizer-url and are trained by benchmarks:worker anywhere. */
  remote: z.boolean(),
  /** The suggestion lease of a remote run's experiments (seconds; null: remote-study.ts's default). */
  lease: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .nullable(),
  reportOnly: z.boolean(),
  verbose: z.boolean(),
});
export type StudyArgs = z.infer<typeof StudyArgsSchema>;

/** The usage text (`--help`); the study names are those of the registry. */
export function studyUsage(): string {
  return `usage: study.ts <${studyNames().join('|')}> [--preset smoke|default|paper] [--workers N] [--seed S] [--seeds K]
                [--data-dir DIR] [--out DIR] [--backend ${BACKEND_CHOICES.join('|')}] [--report-only]
                [--optimizer-url URL --token T [--remote [--lease SECONDS]]]
                [--trainer surrogate [--archive DIR] [--repeats K]]
  --preset      default: "default" (at most ~45 min per study on 2 cores); "paper" = the original budgets
  --workers     worker processes training in parallel (default: one per core)
  --seeds       K optimizer runs (seeds S..S+K-1), each against the same random-search arm; the report shows the
                distribution of their figures (default: the preset's, 4 for "default", 1 otherwise)
  --out         output directory (default reports/<study>-<preset>/, with -surrogate, -b<N> and -<method> for those
                options): trials.jsonl, summary.json, report.html
  --report-only rebuild summary.json and report.html from the journal without training
  --remote      the trials live in the service at --optimizer-url: create the study's two experiments there (or find
                them), wait while benchmarks:worker processes on any machine train them (progress from the
                service), then write the report from the service's observations; one comparison (no --seeds)
  --lease       seconds a remote trial stays with its worker without a heartbeat before another worker may take it
                over (default 300; workers renew it every third of it while they train)
  --repeats     K complete comparisons (seeds S..S+K-1), each optimizer run against its own random-search arm
  --trainer     real (default) | surrogate (trials drawn from random forests fitted on real trainings, see
                --archive; the preset's budgets at the archive's fidelity) | fake (closed-form stand-in, for tests)
  --archive     the trial archive of --trainer surrogate (default reports/archives/<study>-default)
  --budget      N optimizer trials instead of the preset's, the random arm's budget scaled to keep the preset's ratio
                (a budget sweep; its own default --out, see --out); not with --optimizer-url
  --optimizer-method  mobo (default: the optimizer) | random | sobol | tpe (Optuna's multivariate TPE, Debian's
                python3-optuna): what runs in the optimizer arm's place, to compare through the same runner and report
  --jobs        repeats run side by side, in child processes (surrogate and fake trainers, not with --optimizer-url;
                default: one per core for surrogate, 1 otherwise)
  --verbose     stack traces with errors`;
}

function intFlag(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v)) throw new Error(`--${name}: expected an integer, got "${v}"`);
  return Number(v);
}

const STRING_OPTIONS = [
  'preset',
  'workers',
  'seed',
  'seeds',
  'data-dir',
  'out',
  'trainer',
  'backend',
  'optimizer-url',
  'token',
  'repeats',
  'archive',
  'jobs',
  'optimizer-method',
  'lease',
  'budget',
];

/** `--workers -1` as `--workers=-1`: node's parseArgs takes a value starting with '-' for an option ("ambiguous"). */
function attachNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (STRING_OPTIONS.includes(argv[i].replace(/^--/, '')) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** Parses the command line; errors are one line naming the flag (the usage is behind --help). */
export function parseStudyArgs(argv: string[]): StudyArgs {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
      args: attachNegativeValues(argv),
      allowPositionals: true,
      options: {
        preset: { type: 'string', default: 'default' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        seeds: { type: 'string' },
        repeats: { type: 'string' },
        archive: { type: 'string' },
        jobs: { type: 'string' },
        'optimizer-method': { type: 'string', default: 'mobo' },
        budget: { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        trainer: { type: 'string', default: 'real' },
        backend: { type: 'string', default: 'auto' },
        'optimizer-url': { type: 'string' },
        token: { type: 'string' },
        remote: { type: 'boolean', default: false },
        lease: { type: 'string' },
        'report-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        verbose: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new Error(`${(err as Error).message.split('. ')[0]} (--help for usage)`);
  }
  const { values, positionals } = parsedArgs;
  if (values.help) throw new Error(studyUsage());
  if (positionals.length !== 1)
    throw new Error(
      `expected exactly one study name (${orList(studyNames())}), got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')} (--help for usage)`,
    );
  const study = positionals[0];
  const preset = values.preset;
  const budget = values.budget === undefined ? null : intFlag('budget', values.budget, 1);
  const method = values['optimizer-method'];
  // a surrogate run, a budget sweep or a peer in the optimizer's place gets a folder of its own (another run's journal
  // there would be refused): reports/<study>-<preset>[-surrogate][-b<N>][-<method>]
  const defaultOut =
    `${study}-${preset}${values.trainer === 'surrogate' ? '-surrogate' : ''}` +
    `${budget === null ? '' : `-b${budget}`}${method === 'mobo' ? '' : `-${method}`}`;
  const parsed = StudyArgsSchema.safeParse({
    study,
    preset,
    workers: intFlag('workers', values.workers, Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
    seed: intFlag('seed', values.seed, 0),
    seeds: values.seeds === undefined ? null : intFlag('seeds', values.seeds, 1),
    repeats: values.repeats === undefined ? null : intFlag('repeats', values.repeats, 1),
    archive: values.archive ?? null,
    optimizerMethod: values['optimizer-method'],
    budget,
    jobs: intFlag(
      'jobs',
      values.jobs,
      values.trainer === 'surrogate' && values['optimizer-url'] === undefined
        ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length)
        : 1,
    ),
    dataDir: values['data-dir'] ?? process.env.PARETOBENCH_DATA_DIR ?? null,
    out: values.out ?? path.join('reports', defaultOut),
    trainer: values.trainer,
    backend: values.backend,
    optimizerUrl: values['optimizer-url'] ?? null,
    token: values.token ?? null,
    remote: values.remote,
    lease: values.lease === undefined ? null : intFlag('lease', values.lease, 0),
    reportOnly: values['report-only'],
    verbose: values.verbose,
  });
  if (!parsed.success) {
    const flag: Record<string, string> = {
      study: 'study',
      dataDir: '--data-dir',
      optimizerUrl: '--optimizer-url',
      optimizerMethod: '--optimizer-method',
    };
    const msg = parsed.error.issues
      .map((i) => {
        const key = String(i.path[0]);
        return `${flag[key] ?? `--${key}`}: ${i.message}`;
      })
      .join('; ');
    throw new Error(`${msg} (--help for usage)`);
  }
  if (parsed.data.optimizerUrl && !parsed.data.token) throw new Error('--optimizer-url needs --token');
  if (parsed.data.seeds !== null && parsed.data.repeats !== null) {
    throw new Error('--seeds and --repeats: give one (--seeds shares one random arm, --repeats gives each its own)');
  }
  if (parsed.data.optimizerUrl && parsed.data.optimizerMethod !== 'mobo') {
    throw new Error('--optimizer-method: only in-process (without --optimizer-url)');
  }
  if (parsed.data.budget !== null && parsed.data.optimizerUrl) {
    throw new Error('--budget: only in-process (without --optimizer-url: remote workers read the preset itself)');
  }
  if (parsed.data.jobs > 1 && parsed.data.optimizerUrl) {
    throw new Error('--jobs: not with --optimizer-url (every repeat asks the one service; run them in turn)');
  }
  if (parsed.data.jobs > 1 && parsed.data.trainer === 'real') {
    throw new Error('--jobs: only with --trainer surrogate or fake (real trainings run in parallel with --workers)');
  }
  if (parsed.data.remote && !parsed.data.optimizerUrl) throw new Error('--remote needs --optimizer-url and --token');
  if (parsed.data.lease !== null && !parsed.data.remote) throw new Error('--lease: only with --remote');
  if (parsed.data.remote && (parsed.data.seeds !== null || parsed.data.repeats !== null)) {
    throw new Error('--remote: one comparison per run (no --seeds or --repeats; run another --seed for more)');
  }
  if (parsed.data.remote && parsed.data.trainer === 'surrogate') {
    throw new Error('--remote: the workers train (benchmarks:worker); --trainer surrogate runs in this process');
  }
  if (parsed.data.archive !== null && parsed.data.trainer !== 'surrogate') {
    throw new Error('--archive: only with --trainer surrogate');
  }
  return parsed.data;
}
