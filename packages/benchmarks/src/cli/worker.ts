/**
 * `npx nx run benchmarks:worker -- --optimizer-url URL --token T --study diatom|rotten [--preset P] [--seed S]`
 *
 * A study worker for a run whose trials live in the optimization service (`benchmarks:diatom -- --remote`): on any
 * machine, it trains the service's suggestions of the study's two arms and reports them, until both budgets are
 * observed (runner/remote-worker.ts). Start as many as there are machines or cores; kill one and another takes its
 * trial over when the lease ends.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BACKEND_CHOICES } from '@paretobench/models/backend-names';
import { getPreset, PRESET_NAMES } from '../studies/presets.ts';
import { getStudy, StudyNameSchema } from '../studies/registry.ts';
import { ProcessPool, WorkerStartError } from '../runner/process-pool.ts';
import { RemoteStudy } from '../runner/remote-study.ts';
import { runRemoteWorker } from '../runner/remote-worker.ts';
import { exitWithParent } from '../process/exit-with-parent.ts';

const USAGE = `usage: worker.ts --optimizer-url URL --token T --study <name> [--preset default] [--seed S]
                 [--data-dir DIR] [--trainer real|fake] [--backend B] [--name NAME] [--wait SECONDS]
                 [--max-trials N] [--log FILE]
  --study, --preset, --seed   the study run to work on (as given to benchmarks:<study> -- --remote)
  --wait        how long to wait for the coordinator to create the study's experiments (default 600 s)
  --max-trials  stop after N trials (default: when both arms' budgets are observed)
  --name        this worker's name in the trials' records (default host:pid)
  --log         the training process's output (default: a temporary file)`;

const ArgsSchema = z.object({
  optimizerUrl: z.string().url(),
  token: z.string().min(1),
  study: StudyNameSchema,
  preset: z.enum(PRESET_NAMES),
  seed: z.number().int().min(0),
  dataDir: z.string().nullable(),
  trainer: z.enum(['real', 'fake']),
  backend: z.enum(BACKEND_CHOICES),
  name: z.string().min(1),
  wait: z.number().int().min(0),
  maxTrials: z.number().int().min(1).nullable(),
  log: z.string().nullable(),
});
const FLAG: Record<string, string> = {
  optimizerUrl: '--optimizer-url',
  dataDir: '--data-dir',
  maxTrials: '--max-trials',
};

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name}: expected a non-negative integer, got "${v}"`);
  return Number(v);
}

function parse(argv: string[]): z.infer<typeof ArgsSchema> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'optimizer-url': { type: 'string' },
      token: { type: 'string' },
      study: { type: 'string' },
      preset: { type: 'string', default: 'default' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      trainer: { type: 'string', default: 'real' },
      backend: { type: 'string', default: 'auto' },
      name: { type: 'string' },
      wait: { type: 'string' },
      'max-trials': { type: 'string' },
      log: { type: 'string' },
      verbose: { type: 'boolean' },
    },
  });
  const parsed = ArgsSchema.safeParse({
    optimizerUrl: values['optimizer-url'],
    token: values.token,
    study: values.study,
    preset: values.preset,
    seed: int('seed', values.seed) ?? 0,
    dataDir: values['data-dir'] ?? process.env.PARETOBENCH_DATA_DIR ?? null,
    trainer: values.trainer,
    backend: values.backend,
    name: values.name ?? `${os.hostname()}:${process.pid}`,
    wait: int('wait', values.wait) ?? 600,
    maxTrials: int('max-trials', values['max-trials']) ?? null,
    log: values.log ?? null,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const key = String(i.path[0]);
    throw new Error(`${FLAG[key] ?? `--${key}`}: ${i.message} (--help for usage)`);
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
    process.stderr.write(`worker: ${(err as Error).message}\n`);
    return 2;
  }
  exitWithParent((reason) => process.stderr.write(`worker: ${reason}\n`));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const study = await getStudy(args.study);
  // one comparison per remote run: the preset as the coordinator's first (and only) arm has it
  const preset = { ...getPreset(study, args.preset), seeds: 1 };
  const seen = { stale: [] as string[] };
  const find = () =>
    RemoteStudy.find({ url: args.optimizerUrl, token: args.token, study, preset, seed: args.seed }, false, seen);
  let remote = await find();
  const deadline = Date.now() + args.wait * 1000;
  if (remote === null) log(`${args.name}: waiting for the study's experiments at ${args.optimizerUrl}...`);
  while (remote === null) {
    if (Date.now() > deadline) {
      throw new Error(
        `no experiments for ${RemoteStudy.keyOf(study, preset, args.seed)} at ${args.optimizerUrl} after ` +
          `${args.wait} s: start the study first (benchmarks:${study.name} -- --preset ${preset.name} ` +
          `--seed ${args.seed} --optimizer-url URL --token T --remote)` +
          (seen.stale.length
            ? `; the service has experiments ${seen.stale.join(', ')} for this study, preset and seed made with ` +
              `another study definition or preset (another fingerprint): run the worker from the coordinator's version`
            : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
    remote = await find();
  }
  log(
    `${args.name}: ${study.name} ${preset.name} seed ${args.seed}: optimizer experiment ${remote.arms.optimizer.experimentId}, ` +
      `random experiment ${remote.arms.random.experimentId}; starting the trainer (${args.trainer})...`,
  );
  const pool = await ProcessPool.start(
    1,
    {
      type: 'init',
      study: study.name,
      preset,
      seed: args.seed,
      dataDir: args.dataDir,
      trainer: args.trainer,
      backend: args.backend,
    },
    args.log ?? path.join(os.tmpdir(), `paretobench-worker-${process.pid}.log`),
  );
  try {
    const r = await runRemoteWorker({
      remote,
      study,
      preset,
      seed: args.seed,
      evaluator: pool,
      name: args.name,
      log,
      maxTrials: args.maxTrials ?? undefined,
    });
    log(`${args.name}: done, ${r.trained} trial(s) trained, ${r.duplicates} dropped as already reported`);
  } finally {
    await pool.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`worker: error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.argv.includes('--verbose') && err instanceof Error) {
      process.stderr.write(`${err.stack}\n`);
      if (err instanceof WorkerStartError && err.workerStack)
        process.stderr.write(`in the worker: ${err.workerStack}\n`);
    }
    process.exit(1);
  },
);
