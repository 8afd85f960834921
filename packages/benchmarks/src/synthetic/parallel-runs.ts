/**
 * The synthetic suite's runs side by side (`--jobs J`). A run is one problem, one method and one seed: closed-form,
 * seeded, and independent of every other run, and its cost is the optimizer's suggestions in one JavaScript thread.
 * So J runs at a time need J processes: J child processes (child_process.fork of run-child.ts under tsx) take runs
 * from one queue, the longest first, and send each result back whole. A run gives the same result in a child as in
 * this process (tested), so --jobs changes the wall time, not the figures; the per-run seconds and suggestion times
 * are measured beside J - 1 other runs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { makeProblem, ProblemNameSchema } from './problems.ts';
import { methodBudget, PEER_METHODS, runMethod, type RunOptions, type SyntheticRunResult } from './run.ts';

/** One run as a child receives it: every field a plain value (the problem by name and dim). */
export const RunTaskSchema = z.object({
  id: z.number().int().min(0),
  problem: ProblemNameSchema,
  dim: z.number().int().min(1),
  method: z.enum(['mobo', 'random', 'sobol', ...PEER_METHODS]),
  budget: z.number().int().min(1),
  seed: z.number().int(),
  thresholds: z.boolean(),
  batch: z.object({ size: z.number().int().min(1), mode: z.enum(['greedy', 'pending']) }),
  outputWarping: z.boolean(),
  noise: z.number().min(0),
});
export type RunTask = z.infer<typeof RunTaskSchema>;

/** What a child sends back for a task: its result, or the error that ended the run. */
export type RunReply = { id: number; result: SyntheticRunResult } | { id: number; error: string };

/** Runs one task in this process (the child's body, and --jobs 1). */
export function runTask(task: RunTask): Promise<SyntheticRunResult> {
  const opts: RunOptions = {
    budget: task.budget,
    seed: task.seed,
    thresholds: task.thresholds,
    batch: task.batch,
    noise: task.noise,
    ...(task.outputWarping ? {} : { optimizerOptions: { outputWarping: false } }),
  };
  return runMethod(makeProblem(task.problem, task.dim), task.method, opts);
}

/**
 * The relative cost of a run, to start the longest first and to weigh the progress display: about 4 ms per unit on
 * this machine. Ours costs about budget^2 x dim (each suggestion's model grows with both: ZDT1 at d = 20 and 100
 * evaluations about 27 s, Branin at 30 about 0.5 s); Optuna's TPE and NSGA-II pay a Python step per trial; the 10x
 * quasi-random peers only evaluate closed forms.
 */
export function taskCost(task: Pick<RunTask, 'method' | 'budget' | 'dim'>): number {
  const n = methodBudget(task.method, task.budget);
  if (task.method === 'sobol-10x' || task.method === 'random-10x') return 0.01 * n;
  if (task.method === 'optuna-tpe' || task.method === 'optuna-nsga2') return 20 * n;
  return 0.05 * task.budget * task.budget * Math.max(1, task.dim);
}

const CHILD = fileURLToPath(new URL('./run-child.ts', import.meta.url));

/**
 * Runs every task, `jobs` at a time (1: in this process, one after another, in the given order), calling `onDone`
 * as each finishes. Rejects with the first failed run named (problem, method, seed) after stopping the others.
 */
export async function runTasks(
  tasks: readonly RunTask[],
  jobs: number,
  onDone: (task: RunTask, result: SyntheticRunResult) => void,
): Promise<void> {
  if (jobs <= 1 || tasks.length <= 1) {
    for (const t of tasks) onDone(t, await runTask(t));
    return;
  }
  const queue = [...tasks].sort((a, b) => taskCost(b) - taskCost(a) || a.id - b.id);
  const children: ChildProcess[] = [];
  // the first failure (an object: the lanes set it from their closures)
  const stop: { failure: Error | null } = { failure: null };
  const describe = (t: RunTask) => `${t.problem}-d${t.dim} ${t.method} seed=${t.seed}`;
  const lane = async (): Promise<void> => {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    let pending: { task: RunTask; resolve: (r: SyntheticRunResult) => void; reject: (e: Error) => void } | null = null;
    child.on('message', (raw: unknown) => {
      const reply = raw as RunReply;
      const p = pending;
      if (!p || reply.id !== p.task.id) return;
      pending = null;
      if ('error' in reply) p.reject(new Error(`${describe(p.task)}: ${reply.error}`));
      else p.resolve(reply.result);
    });
    child.on('error', (err) => {
      // the child could not be started, or a task could not be sent to it
      const p = pending;
      pending = null;
      p?.reject(new Error(`${describe(p.task)}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      const p = pending;
      pending = null;
      p?.reject(new Error(`${describe(p.task)}: the child process exited (code ${code}, signal ${signal})`));
    });
    try {
      for (let t = queue.shift(); t !== undefined && stop.failure === null; t = queue.shift()) {
        const task = t;
        const result = await new Promise<SyntheticRunResult>((resolve, reject) => {
          pending = { task, resolve, reject };
          child.send(task);
        });
        onDone(task, result);
      }
    } catch (e) {
      if (stop.failure === null) {
        stop.failure = e as Error;
        for (const c of children) if (c.exitCode === null) c.kill(); // the other lanes' runs end here too
      }
    } finally {
      if (child.connected) child.disconnect();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, lane));
  if (stop.failure) throw stop.failure;
}
