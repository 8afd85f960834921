/**
 * `npx nx run benchmarks:study -- <study> --preset smoke|default|paper --workers N --seed S --data-dir DIR --out DIR`
 * (`benchmarks:diatom -- ...` and `benchmarks:rotten -- ...` name the study for you).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runStudy } from '../runner/study-command.ts';
import { LockHeldError } from '../journal/out-lock.ts';
import { WorkerStartError } from '../runner/process-pool.ts';
import { exitWithParent } from '../process/exit-with-parent.ts';
import { parseStudyArgs, studyUsage } from './study-args.ts';

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${studyUsage()}\n`);
    return 0;
  }
  let args;
  try {
    args = parseStudyArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`study: ${(err as Error).message}\n`);
    return 2;
  }
  // killing the launcher (nx, tsx, a shell) ends this coordinator too, and its workers with it
  exitWithParent((reason) => process.stderr.write(`study: ${reason}\n`));
  let result;
  try {
    result = await runStudy(args, {
      log: (line) => process.stdout.write(`${line}\n`),
      tty: Boolean(process.stdout.isTTY) && !process.env.CI,
    });
  } catch (err) {
    if (err instanceof LockHeldError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write(
    `\nwrote ${path.join(args.out, 'report.html')} (${(fs.statSync(path.join(args.out, 'report.html')).size / 1e6).toFixed(1)} MB), ` +
      `${path.join(args.out, 'summary.json')}\n`,
  );
  const s = result.summary;
  for (const m of ['optimizer', 'random'] as const) {
    const x = s.methods[m];
    process.stdout.write(
      `${m.padEnd(9)} ${x.completed}/${x.budget} trials, feasible ${(100 * x.feasible_fraction).toFixed(1)}%, ` +
        `best accuracy ${x.best_accuracy?.toFixed(3) ?? '-'}, share of union frontier ${(100 * x.union_share).toFixed(1)}%\n`,
    );
  }
  if (s.replicates) {
    const r = s.replicates;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    for (const o of r.optimizer) {
      process.stdout.write(
        `optimizer seed ${o.seed}: feasible ${pct(o.feasible_fraction)}, best accuracy ${o.best_accuracy?.toFixed(3) ?? '-'}, ` +
          `hypervolume ${o.hypervolume.toFixed(4)} (random ${(o.random ?? r.random).hypervolume.toFixed(4)}), share of union frontier ${pct(o.union_share)}\n`,
      );
    }
    if (r.union_share_p05_p95) {
      process.stdout.write(
        `optimizer's share of the union frontier: 5-95 % range ${pct(r.union_share_p05_p95[0])}-${pct(r.union_share_p05_p95[1])} over ${r.optimizer.length} arms\n`,
      );
    }
    for (const f of r.paper) {
      process.stdout.write(
        `${f.figure}: median ${pct(f.median)} (${pct(f.min)}-${pct(f.max)}) over ${r.optimizer.length} seeds; original study ${pct(f.paper)}\n`,
      );
    }
  }
  process.stdout.write(
    `wall time ${s.wall_seconds.toFixed(0)} s (this invocation ${(s.session_wall_seconds ?? 0).toFixed(0)} s), backend ${s.backend}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // expected errors (journal, dataset, configuration) name their file or flag in one line; stacks on request
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.argv.includes('--verbose') && err instanceof Error) {
      process.stderr.write(`${err.stack}\n`);
      if (err instanceof WorkerStartError && err.workerStack)
        process.stderr.write(`in the worker: ${err.workerStack}\n`);
    }
    process.exit(1);
  },
);
