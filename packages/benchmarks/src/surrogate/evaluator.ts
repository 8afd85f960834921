/**
 * The runner's evaluator for `--trainer surrogate`: trials are drawn from the surrogate in the coordinator process
 * (microseconds each; no worker processes). `size` is still the run's `--workers`, so the scheduler keeps the same
 * parallelism (and optimizer lag) as a real run of that many workers.
 */
import type { Preset } from '../studies/presets.ts';
import type { Evaluator } from '../runner/process-pool.ts';
import type { Surrogate } from './model.ts';

export function surrogateEvaluator(surrogate: Surrogate, preset: Preset, size: number, archiveHash: string): Evaluator {
  return {
    size,
    backend: `surrogate:${archiveHash}`,
    async evaluate(_worker, task) {
      const t0 = process.cpuUsage();
      const outcome = surrogate.sample(preset, task);
      const dt = process.cpuUsage(t0);
      return { ...outcome, cpuSeconds: (dt.user + dt.system) / 1e6 };
    },
    async close() {},
  };
}
