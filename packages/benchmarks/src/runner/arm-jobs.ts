/**
 * Repeats run side by side (`--jobs J`, surrogate and fake trainers): a repeat's cost is its optimizer's suggestions,
 * which run in the coordinator's one thread, so J repeats at a time need J processes. Arms 1..K-1 run as ordinary
 * one-arm study commands (`--repeats 1`) in child processes, J - 1 at a time, writing their journals into their own
 * arm directories, while this process runs arm 0; the command then reads every arm's complete journal as usual.
 * A child writes exactly the journal the arm would have (same preset with `seeds: 1`, same seed, same fingerprint),
 * so a run killed midway resumes arm by arm, with or without --jobs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudyArgs } from '../cli/study-args.ts';
import type { Arm } from './replicates.ts';

const STUDY_CLI = fileURLToPath(new URL('../cli/study.ts', import.meta.url));

export function armCommand(args: StudyArgs, arm: Arm): string[] {
  const out = [
    '--import',
    'tsx',
    STUDY_CLI,
    args.study,
    '--preset',
    args.preset,
    '--trainer',
    args.trainer,
    '--workers',
    String(args.workers),
    '--seed',
    String(arm.seed),
    '--repeats',
    '1',
    '--out',
    arm.outDir,
  ];
  if (args.archive !== null) out.push('--archive', args.archive);
  if (args.optimizerMethod !== 'mobo') out.push('--optimizer-method', args.optimizerMethod);
  if (args.budget !== null) out.push('--budget', String(args.budget));
  return out;
}

/**
 * Runs arms from `queue` in child processes, `concurrency` at a time, until the queue is empty; the caller may take
 * arms from the same queue meanwhile (this process runs arm 0, then joins in). Rejects naming the arms that failed.
 */
export async function runArmsInChildren(
  args: StudyArgs,
  queue: Arm[],
  concurrency: number,
  log: (line: string) => void,
): Promise<void> {
  const failures: string[] = [];
  const runOne = (arm: Arm) =>
    new Promise<void>((resolve) => {
      fs.mkdirSync(arm.outDir, { recursive: true });
      const logFile = path.join(arm.outDir, 'arm.log');
      const fd = fs.openSync(logFile, 'a');
      const done = (failure: string | null) => {
        fs.closeSync(fd);
        if (failure === null) log(`repeat seed ${arm.seed} done (${arm.outDir})`);
        else failures.push(`seed ${arm.seed}: ${failure} (see ${logFile})`);
        resolve();
      };
      const child = spawn(process.execPath, armCommand(args, arm), {
        stdio: ['ignore', fd, fd],
        env: { ...process.env, CI: '1' },
      });
      child.once('error', (err) => done(`could not start: ${err.message}`));
      child.once('exit', (code, signal) => done(code === 0 ? null : `exit ${code ?? signal}`));
    });
  const lanes = Array.from({ length: Math.max(1, concurrency) }, async () => {
    for (let arm = queue.shift(); arm !== undefined && failures.length === 0; arm = queue.shift()) await runOne(arm);
  });
  await Promise.all(lanes);
  if (failures.length) throw new Error(`repeats run in child processes failed: ${failures.join('; ')}`);
}
