/**
 * Synthetic benchmark: our optimizer (and, with --peers, Optuna TPE, NSGA-II, Sobol and random) on BoTorch's test
 * problems and our mixed-space / failure-region problems (src/synthetic/problems.ts).
 *
 *   npx nx run benchmarks:synthetic -- --suite public|ci|extra [--problems a,b,c] [--peers] [--thresholds]
 *       [--method mobo|random|sobol] [--budget N] [--seed S] [--seeds K] [--batch Q [--batch-mode greedy|pending]]
 *       [--no-output-warping] [--noise F] [--jobs J] [--out DIR]
 *   npx nx run benchmarks:synthetic -- --problem P [--dim D] [same options]
 *
 * Runs seeds S, S+1, ..., S+K-1 (S = 0, K = 1 by default) of every method on every problem. The budget is 30
 * evaluations for d <= 2, 60 for d <= 8, 100 above (--budget overrides it); Sobol and random get 10x.
 * --thresholds passes the reference point to the optimizer as metric thresholds (off by default: a real user rarely
 * knows one; it is only used to compute hypervolumes). --problems filters a suite by id (zdt1-d6) or name (zdt1).
 * --no-output-warping: ours with OptimizerOptions.outputWarping off (the variant the default is measured against).
 * --batch Q: ours as Q parallel workers would use it (Q suggestions with the same observations, then Q evaluations):
 * with suggestBatch() (greedy, the default) or Q consecutive suggest() calls with the earlier ones pending.
 * --noise F: every method is told values with Gaussian noise of F times each objective's spread over the domain, and
 * scored on the exact values of its points (src/synthetic/noise.ts; 0, exact values, by default).
 * --jobs J: J runs at a time in child processes (one per core; the figures are the same as with --jobs 1, each run's
 * seconds are measured beside the others; src/synthetic/parallel-runs.ts).
 *
 * Writes, in DIR (default reports/synthetic/<suite> or reports/synthetic/<problem>-d<dim>-<method>-<budget>):
 *   suite.json, suite.md                    every problem and method: mean, sd, per-seed figures, time (see suite-report.ts)
 *   [<problem id>/]summary.json             ours per problem, as the regression check reads it (see summary.ts)
 *   [<problem id>/]<peer>.json              each peer per problem, same shape (not picked up by the check)
 * (the <problem id>/ folder level only with --suite).
 */
import { mkdirSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatDuration } from '../progress/progress.ts';
import { optunaVersion, OPTUNA_INSTALL_HINT, optunaPython } from '../synthetic/optuna-peer.ts';
import { ProblemNameSchema, makeProblem, type SyntheticProblem } from '../synthetic/problems.ts';
import { quantile, runMethod, type AnyMethod, type PeerMethod, type SyntheticRunResult } from '../synthetic/run.ts';
import { SuiteNameSchema, suiteBudget, suiteProblems } from '../synthetic/suite.ts';
import {
  renderSuiteMarkdown,
  suiteProblemEntry,
  type SuiteProblem,
  type SuiteReport,
} from '../synthetic/suite-report.ts';
import { buildSummary } from '../synthetic/summary.ts';
import { runTasks, taskCost, type RunTask } from '../synthetic/parallel-runs.ts';

const ArgsSchema = z
  .object({
    suite: SuiteNameSchema.optional(),
    problem: ProblemNameSchema.optional(),
    problems: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .optional(),
    dim: z.coerce.number().int().min(1).optional(),
    method: z.enum(['mobo', 'random', 'sobol']).default('mobo'),
    budget: z.coerce.number().int().min(1).optional(),
    seed: z.coerce.number().int().default(0),
    seeds: z.coerce.number().int().min(1).default(1),
    out: z.string().optional(),
    peers: z.boolean().default(false),
    thresholds: z.boolean().default(false),
    batch: z.coerce.number().int().min(1).default(1),
    'batch-mode': z.enum(['greedy', 'pending']).default('greedy'),
    'no-output-warping': z.boolean().default(false),
    jobs: z.coerce.number().int().min(1).max(64).default(1),
    noise: z.coerce.number().min(0).max(10).default(0),
  })
  .superRefine((a, ctx) => {
    if ((a.suite === undefined) === (a.problem === undefined))
      ctx.addIssue({ code: 'custom', path: ['suite'], message: 'give either --suite or --problem' });
    if (a.suite && a.dim !== undefined)
      ctx.addIssue({ code: 'custom', path: ['dim'], message: 'only with --problem (a suite fixes the dims)' });
    if (a.problem && a.problems) ctx.addIssue({ code: 'custom', path: ['problems'], message: 'only with --suite' });
  });
export type SyntheticArgs = z.infer<typeof ArgsSchema>;

export function parseSyntheticArgs(argv: string[]): SyntheticArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string' },
      problem: { type: 'string' },
      problems: { type: 'string' },
      dim: { type: 'string' },
      method: { type: 'string' },
      budget: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
      peers: { type: 'boolean' },
      thresholds: { type: 'boolean' },
      batch: { type: 'string' },
      'batch-mode': { type: 'string' },
      'no-output-warping': { type: 'boolean' },
      jobs: { type: 'string' },
      noise: { type: 'string' },
    },
    strict: true,
  });
  const r = ArgsSchema.safeParse(values);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return r.data;
}

/** The peers run on a problem: Optuna TPE, NSGA-II (multi-objective only), Sobol and random at 10x. */
export function peersFor(problem: SyntheticProblem): PeerMethod[] {
  return problem.objectives > 1
    ? ['optuna-tpe', 'optuna-nsga2', 'sobol-10x', 'random-10x']
    : ['optuna-tpe', 'sobol-10x', 'random-10x'];
}

function describe(r: SyntheticRunResult): string {
  if (r.hypervolume !== null) return `HV ${r.hypervolume.toFixed(4)}`;
  return `best ${r.best_value?.toFixed(5) ?? '-'}, regret ${r.regret?.toExponential(3) ?? '-'}`;
}

export async function runSyntheticCli(
  argv: string[],
  log: (s: string) => void = (s) => process.stderr.write(s + '\n'),
): Promise<{ out: string; report: SuiteReport; summaries: Record<string, Record<string, unknown>> }> {
  const args = parseSyntheticArgs(argv);
  const problems = args.suite ? suiteProblems(args.suite, args.problems) : [makeProblem(args.problem!, args.dim)];
  const budgetOf = (p: SyntheticProblem) => args.budget ?? suiteBudget(p.dim);
  const single = args.suite === undefined;
  const out =
    args.out ??
    (single
      ? join('reports', 'synthetic', `${problems[0].id}-${args.method}-${budgetOf(problems[0])}`)
      : join('reports', 'synthetic', args.suite!));

  let optuna: string | null = null;
  if (args.peers) {
    const v = optunaVersion();
    if ('error' in v)
      throw new Error(`--peers needs Optuna: ${v.error}; ${OPTUNA_INSTALL_HINT} (python: ${optunaPython()})`);
    optuna = v.version;
  }
  const seeds = Array.from({ length: args.seeds }, (_, k) => args.seed + k);
  const plan = problems.map((p) => ({
    problem: p,
    methods: [args.method, ...(args.peers ? peersFor(p) : [])] as AnyMethod[],
  }));
  // progress: runs weighted by their expected cost (parallel-runs.ts)
  const weight = (p: SyntheticProblem, m: AnyMethod) => taskCost({ method: m, budget: budgetOf(p), dim: p.dim });
  const totalWork = plan.reduce(
    (s, x) => s + x.methods.reduce((t, m) => t + weight(x.problem, m) * seeds.length, 0),
    0,
  );
  let doneWork = 0;
  const started = performance.now();
  mkdirSync(out, { recursive: true });

  const summaries: Record<string, Record<string, unknown>> = {};
  // each problem's suite row once its last run is in, in the suite's order
  const done: (SuiteProblem | undefined)[] = plan.map(() => undefined);
  const report = (): SuiteReport => ({
    kind: 'synthetic-suite',
    suite: args.suite ?? `problem ${problems[0].id}`,
    ours: args.method,
    ...(args['no-output-warping'] ? { variant: 'outputWarping: false' } : {}),
    methods: [...new Set(plan.flatMap((x) => x.methods))],
    seeds,
    thresholds: args.thresholds,
    ...(args.noise > 0 ? { noise: args.noise } : {}),
    ...(args.batch > 1 ? { batch: { size: args.batch, mode: args['batch-mode'] } } : {}),
    optuna,
    generated_at: new Date().toISOString(),
    wall_seconds: (performance.now() - started) / 1000,
    load_average_1m: loadavg()[0],
    problems: done.filter((e): e is SuiteProblem => e !== undefined),
  });
  const writeSuite = () => {
    const r = report();
    writeFileAtomic.sync(join(out, 'suite.json'), JSON.stringify(r, null, 1));
    writeFileAtomic.sync(join(out, 'suite.md'), renderSuiteMarkdown(r));
    return r;
  };

  // every run (problem, method, seed) is a task; --jobs J runs J at a time in child processes (parallel-runs.ts)
  const tasks: RunTask[] = plan.flatMap(({ problem, methods }) =>
    methods.flatMap((method) =>
      seeds.map((seed) => ({
        id: 0,
        problem: problem.name,
        dim: problem.dim,
        method,
        budget: budgetOf(problem),
        seed,
        thresholds: args.thresholds,
        batch: { size: args.batch, mode: args['batch-mode'] },
        outputWarping: !args['no-output-warping'],
        noise: args.noise,
      })),
    ),
  );
  tasks.forEach((t, i) => (t.id = i));
  const results = new Map<number, SyntheticRunResult>();
  const remaining = plan.map(({ methods }) => methods.length * seeds.length);
  const planIndex = (t: RunTask) => plan.findIndex((x) => x.problem.name === t.problem && x.problem.dim === t.dim);

  // a problem's summaries and suite row, once its last run is in (in plan order in suite.json whatever the order)
  const finishProblem = async (pi: number): Promise<void> => {
    const { problem, methods } = plan[pi];
    const budget = budgetOf(problem);
    const dir = single ? out : join(out, problem.id);
    mkdirSync(dir, { recursive: true });
    const byMethod = new Map<AnyMethod, SyntheticRunResult[]>();
    for (const method of methods) {
      const runs = tasks
        .filter((t) => t.problem === problem.name && t.dim === problem.dim && t.method === method)
        .map((t) => results.get(t.id)!);
      byMethod.set(method, runs);
      // ours: random search with the same budget and seeds beside it (instant on closed-form problems), the
      // regression check's reference for what an optimizer that learns nothing reaches
      const random =
        method === args.method && method !== 'random'
          ? await Promise.all(seeds.map((seed) => runMethod(problem, 'random', { budget, seed })))
          : undefined;
      const summary = buildSummary(problem, method, runs, { thresholds: args.thresholds, noise: args.noise, random });
      const file = join(dir, method === args.method ? 'summary.json' : `${method}.json`);
      writeFileAtomic.sync(file, JSON.stringify(summary, null, 1));
      summaries[`${problem.id}/${method}`] = summary;
    }
    done[pi] = suiteProblemEntry(problem, budget, args.method, byMethod);
    writeSuite();
  };
  let finishing = Promise.resolve();
  if (args.jobs > 1) log(`${tasks.length} runs, ${args.jobs} at a time in child processes, the longest first`);
  await runTasks(tasks, args.jobs, (task, r) => {
    results.set(task.id, r);
    const pi = planIndex(task);
    const problem = plan[pi].problem;
    doneWork += weight(problem, task.method);
    const elapsed = (performance.now() - started) / 1000;
    const model = r.suggest_ms.filter((_, i) => r.phases[i] === 'model');
    log(
      `${problem.id} ${task.method} seed=${task.seed} (${r.evaluations} ev.): ${describe(r)}, ${r.seconds.toFixed(1)} s` +
        (model.length ? `, model-phase suggest median ${quantile(model, 0.5).toFixed(0)} ms` : '') +
        `  [${((100 * doneWork) / totalWork).toFixed(0)}%, elapsed ${formatDuration(elapsed)}, ETA ${formatDuration((elapsed / doneWork) * (totalWork - doneWork))}]`,
    );
    if (--remaining[pi] === 0) finishing = finishing.then(() => finishProblem(pi));
  });
  await finishing;
  const final = writeSuite();
  log(
    `wrote ${join(out, 'suite.json')} and suite.md (${problems.length} problem(s), ${Math.round(final.wall_seconds)} s)`,
  );
  return { out, report: final, summaries };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  runSyntheticCli(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`synthetic: ${e.message}\n`);
    process.exit(2);
  });
}
