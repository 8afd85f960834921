/**
 * Replicated runs: K optimizer runs (seeds seed, seed + 1, ..., seed + K - 1) compared with one shared random-search
 * arm, so a report shows the distribution of the optimizer's figures rather than one draw.
 *
 * Layout of the output directory:
 * - `OUT/trials.jsonl`: replicate 0, a complete study (optimizer arm with `seed` and the random arm), exactly what a
 *   one-seed run writes;
 * - `OUT/replicates/seed-S/trials.jsonl`: the optimizer-only arm of seed S (random budget 0), with its own
 *   summary.json and report.html computed against the shared random arm.
 *
 * With `ownRandom` (`--repeats K`), every arm is a complete comparison instead: arm S runs its optimizer with seed S
 * and its own random-search arm (stream of seed S), so the report shows the random arm's variability too. That is
 * what a surrogate run does, where a random arm costs nothing.
 *
 * Every arm has its own journal, so a killed run resumes arm by arm. The arms' journal headers carry the preset with
 * `seeds: 1`: changing `--seeds` later reuses the arms already run instead of refusing them. All arms train on the
 * same data (the worker pool is started once with the run seed), so their trials are comparable with the shared arm.
 */
import path from 'node:path';
import type { Preset } from '../studies/presets.ts';

export interface Arm {
  /** Position in the replicate list (0: the shared arm's run). */
  replicate: number;
  /** Seed of the optimizer (and, for replicate 0, of the random-search stream). */
  seed: number;
  outDir: string;
  /** The preset this arm's journal is written with. */
  preset: Preset;
}

export const replicateDir = (outDir: string, seed: number): string => path.join(outDir, 'replicates', `seed-${seed}`);

export function replicateArms(outDir: string, seed: number, preset: Preset, ownRandom = false): Arm[] {
  const arms: Arm[] = [{ replicate: 0, seed, outDir, preset: { ...preset, seeds: 1 } }];
  for (let r = 1; r < preset.seeds; r++) {
    arms.push({
      replicate: r,
      seed: seed + r,
      outDir: replicateDir(outDir, seed + r),
      preset: {
        ...preset,
        seeds: 1,
        budgets: { optimizer: preset.budgets.optimizer, random: ownRandom ? preset.budgets.random : 0 },
      },
    });
  }
  return arms;
}
