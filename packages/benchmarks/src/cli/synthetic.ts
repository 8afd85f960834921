/**
 * Synthetic benchmark against BoTorch's multi-objective test problems.
 *
 *   npx nx run benchmarks:synthetic -- --problem <branincurrin|zdt1|zdt2|zdt3|dtlz2> [--dim D]
 *       [--method mobo|random|sobol] [--budget N] [--seed S] [--seeds K] [--out DIR]
 *
 * Runs seeds S, S+1, ..., S+K-1 (K = 1 without --seeds) and writes DIR/summary.json with the mean
 * hypervolume, per-seed values, the reference point, suggestion times, every evaluated point and the
 * hypervolume after each evaluation.
 */
import { mkdirSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ProblemNameSchema, makeProblem } from '../synthetic/problems.ts';
import { quantile, runSynthetic, type SyntheticRunResult } from '../synthetic/run.ts';
import { describeZodIssues } from '../zod-issues.ts';

const ArgsSchema = z.object({
  problem: ProblemNameSchema,
  dim: z.coerce.number().int().min(2).optional(),
  method: z.enum(['mobo', 'random', 'sobol']).default('mobo'),
  budget: z.coerce.number().int().min(1).default(60),
  seed: z.coerce.number().int().default(0),
  seeds: z.coerce.number().int().min(1).default(1),
  out: z.string().optional(),
});

export function parseSyntheticArgs(argv: string[]): z.infer<typeof ArgsSchema> {
  const { values } = parseArgs({
    args: argv,
    options: {
      problem: { type: 'string' },
      dim: { type: 'string' },
      method: { type: 'string' },
      budget: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const r = ArgsSchema.safeParse(values);
  if (!r.success) {
    throw new Error(describeZodIssues(r.error, '--'));
  }
  return r.data;
}

export function runSyntheticCli(
  argv: string[],
  log: (s: string) => void = (s) => process.stderr.write(s + '\n'),
): { summaryPath: string; summary: Record<string, unknown> } {
  const args = parseSyntheticArgs(argv);
  const problem = makeProblem(args.problem, args.dim);
  const out = args.out ?? join('reports', 'synthetic', `${args.problem}-${problem.dim}-${args.method}-${args.budget}`);
  const runs: SyntheticRunResult[] = [];
  for (let k = 0; k < args.seeds; k++) {
    const seed = args.seed + k;
    const r = runSynthetic(args.problem, problem.dim, args.method, args.budget, seed);
    const model = r.suggest_ms.filter((_, i) => r.phases[i] === 'model');
    log(
      `${args.problem} d=${problem.dim} ${args.method} seed=${seed}: HV@${args.budget} = ${r.hypervolume.toFixed(4)}` +
        (model.length ? `, model-phase suggest median ${quantile(model, 0.5).toFixed(0)} ms wall` : ''),
    );
    runs.push(r);
  }
  const hvs = runs.map((r) => r.hypervolume);
  const mean = hvs.reduce((s, v) => s + v, 0) / hvs.length;
  // Random search with the same budget and seeds: the hypervolume an optimizer that learns nothing reaches (the
  // regression check's reference for this benchmark). Instantaneous on these closed-form problems.
  const randomHvs = runs.map((r) => runSynthetic(args.problem, problem.dim, 'random', args.budget, r.seed).hypervolume);
  const randomMean = randomHvs.reduce((s, v) => s + v, 0) / randomHvs.length;
  const allMs = runs.flatMap((r) => r.suggest_ms);
  const modelMs = runs.flatMap((r) => r.suggest_ms.filter((_, i) => r.phases[i] === 'model'));
  const modelCpu = runs.flatMap((r) => r.suggest_cpu_ms.filter((_, i) => r.phases[i] === 'model'));
  const summary = {
    name: `synthetic-${args.problem}-d${problem.dim}-${args.method}-${args.budget}`,
    problem: args.problem,
    dim: problem.dim,
    method: args.method,
    budget: args.budget,
    seed: args.seed,
    seeds: runs.map((r) => r.seed),
    hypervolume: mean,
    hypervolume_per_seed: hvs,
    hypervolume_std: Math.sqrt(hvs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(hvs.length - 1, 1)),
    hypervolume_mean_trace: runs[0].hv_trace.map((_, i) => runs.reduce((s, r) => s + r.hv_trace[i], 0) / runs.length),
    /** Mean hypervolume of random search with the same budget and seeds. */
    random_hypervolume: randomMean,
    reference_point: problem.refPoint,
    max_hv: problem.maxHv,
    suggest_ms: { median: quantile(allMs, 0.5), p95: quantile(allMs, 0.95) },
    suggest_ms_model_phase: modelMs.length
      ? { median: quantile(modelMs, 0.5), p95: quantile(modelMs, 0.95), count: modelMs.length }
      : null,
    suggest_cpu_ms_model_phase: modelCpu.length
      ? { median: quantile(modelCpu, 0.5), p95: quantile(modelCpu, 0.95), count: modelCpu.length }
      : null,
    load_average_1m: loadavg()[0],
    runs: runs.map((r) => ({
      seed: r.seed,
      hypervolume: r.hypervolume,
      hv_trace: r.hv_trace,
      points: r.points,
      suggest_ms: r.suggest_ms,
      suggest_cpu_ms: r.suggest_cpu_ms,
      phases: r.phases,
    })),
  };
  mkdirSync(out, { recursive: true });
  const summaryPath = join(out, 'summary.json');
  writeFileAtomic.sync(summaryPath, JSON.stringify(summary, null, 1));
  log(`mean HV over ${runs.length} seed(s): ${mean.toFixed(4)}  -> ${summaryPath}`);
  return { summaryPath, summary };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  try {
    runSyntheticCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`synthetic: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
