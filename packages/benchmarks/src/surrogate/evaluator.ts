/**
 * The runner's evaluator for `--trainer surrogate`: trials are drawn from the surrogate in the coordinator process
 * (microseconds each; no worker processes). `size` is still the run's `--workers`, so the scheduler keeps the same
 * parallelism (and optimizer lag) as a real run of that many workers.
 *
 * Each evaluation yields to the event loop once (setImmediate) before it answers. Without that, an arm run in this
 * process is a chain of promises that all resolve as microtasks, so Node never reaches its I/O phase while the arm
 * runs: the child processes of `--jobs` (arm-jobs.ts) exit unseen, their lanes stall, and 20 repeats at `--jobs 2`
 * ran one after another (measured 2026-11-29: each repeat's first trial started when the previous one's last ended).
 */
import type { Preset } from '../studies/presets.ts';
import type { Evaluator } from '../runner/process-pool.ts';
import type { Surrogate } from './model.ts';

export function surrogateEvaluator(surrogate: Surrogate, preset: Preset, size: number, archiveHash: string): Evaluator {
  return {
    size,
    backend: `surrogate:${archiveHash}`,
    async evaluate(_worker, task) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const t0 = process.cpuUsage();
      const outcome = surrogate.sample(preset, task);
      const dt = process.cpuUsage(t0);
      return { ...outcome, cpuSeconds: (dt.user + dt.system) / 1e6 };
    },
    async close() {},
  };
}
