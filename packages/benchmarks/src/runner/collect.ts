/**
 * Trial archives: real trainings recorded once, for the surrogate tier (surrogate/). An archive is a directory of
 * journals in the study journal format, all at one fidelity (the preset in their headers):
 *
 * - `<design>-seed-<S>.jsonl`: trials collected here, a space-filling design (`sobol`: the scrambled Sobol sequence;
 *   `random`: uniform draws) trained by the same worker pool as a study; or `repeats`: the first
 *   REPEATED_CONFIGURATIONS points of the Sobol design trained again and again with other training seeds, on the
 *   same data, to measure training noise (surrogate/dataset.ts `measureNoise`). It is an ordinary journal (method `random`,
 *   index = position in the design), so a killed collection resumes from it, and `--trials N` later grows it to N.
 * - `imported-<name>.jsonl`: study journals copied in verbatim (`--from`), refused when their fidelity differs.
 *   Optimizer trials add coverage where the landscape matters most.
 *
 * The fidelity of a preset is everything that changes what a trial measures (epochs, data fractions, batch-norm
 * momentum, and the time limit, which stops training); budgets, seeds, the accuracy rule and the design size do not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseExperimentConfig, suggest, type ExperimentConfig } from '@paretobench/optimizer';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { readJournal } from '../journal/journal.ts';
import type { JournalHeader, TrialRecord } from '../journal/records.ts';
import type { Suggester } from './suggesters.ts';
import { trialSeed } from './run-study.ts';

export const DESIGNS = ['sobol', 'random', 'repeats'] as const;
export type Design = (typeof DESIGNS)[number];

/** The preset fields that decide what a trial measures. */
export const FIDELITY_KEYS = [
  'fixedEpochs',
  'epochScale',
  'epochRange',
  'trainFraction',
  'valFraction',
  'batchNormMomentum',
  'timeLimitSeconds',
] as const satisfies readonly (keyof Preset)[];

export type Fidelity = Pick<Preset, (typeof FIDELITY_KEYS)[number]>;

export function fidelityOf(preset: Preset): Fidelity {
  const out: Record<string, unknown> = {};
  for (const k of FIDELITY_KEYS) out[k] = preset[k];
  return out as Fidelity;
}

/** Fields in which two presets' fidelities differ, as "key: a vs b" (empty: same fidelity). */
export function fidelityDifferences(a: Preset, b: Preset): string[] {
  const out: string[] = [];
  for (const k of FIDELITY_KEYS) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      out.push(`${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
    }
  }
  return out;
}

/**
 * Where an existing collection journal differs from a collection being resumed: its study, seed, design and
 * fidelity. Not the rest of the preset (budgets, the accuracy rule, wording), which an archive's trials do not depend
 * on: editing them must not lock a committed archive against growing.
 */
export function collectHeaderMismatches(existing: JournalHeader, wanted: JournalHeader): string[] {
  const out: string[] = [];
  if (existing.study !== wanted.study)
    out.push(`study: journal has ${existing.study}, command asks for ${wanted.study}`);
  if (existing.seed !== wanted.seed) out.push(`seed: journal has ${existing.seed}, command asks for ${wanted.seed}`);
  if (existing.optimizer !== wanted.optimizer) {
    out.push(`design: journal has ${existing.optimizer}, command asks for ${wanted.optimizer}`);
  }
  for (const d of fidelityDifferences(existing.preset, wanted.preset)) out.push(`fidelity ${d} (journal vs command)`);
  return out;
}

/** Why a study journal's trials may not join an archive (null: they may): simulated trials are not trainings. */
export function importRefusal(trials: readonly TrialRecord[], allowFake: boolean): string | null {
  const simulated = trials.find((t) => t.backend.startsWith('surrogate:') || (!allowFake && t.backend === 'fake'));
  return simulated
    ? `its trials were not trained (backend ${simulated.backend}, trial ${simulated.method}#${simulated.index}); ` +
        'an archive holds real trainings only'
    : null;
}

export const collectJournalName = (design: Design, seed: number): string => `${design}-seed-${seed}.jsonl`;

/** Configurations of the `repeats` design (trial j trains Sobol point j mod this). */
export const REPEATED_CONFIGURATIONS = 8;

/**
 * Training seed of a collected trial. The `repeats` design's seeds are drawn apart from the Sobol design's (whose
 * trials 0..7 are the same configurations), so a repeat never retrains a configuration with a seed used before.
 */
export function collectTrialSeed(design: Design, seed: number, index: number): number {
  return design === 'repeats' ? trialSeed(seed, 'random', 1_000_000 + index) : trialSeed(seed, 'random', index);
}

/** Design points as the random method of a journal: trial j is point j of the design, a function of (seed, j). */
export class DesignSuggester implements Suggester {
  readonly kind: string;
  private readonly config: ExperimentConfig;

  constructor(
    study: Study,
    private readonly design: Design,
    seed: number,
    size: number,
  ) {
    this.kind = `collect-${design}`;
    this.config = parseExperimentConfig({
      name: `${study.name}-archive-${design}`,
      parameters: study.parameters,
      metrics: study.metrics,
      seed,
      observation_budget: Math.max(1, size),
      method: design === 'repeats' ? 'sobol' : design,
    });
  }

  async optimizer(): Promise<never> {
    throw new Error('internal: an archive collection runs no optimizer trials');
  }

  async random(j: number) {
    const index = this.design === 'repeats' ? j % REPEATED_CONFIGURATIONS : j;
    return suggest({ config: this.config, observations: [], index }).assignments;
  }
}

export interface ArchiveJournal {
  file: string;
  header: JournalHeader;
  trials: TrialRecord[];
}

/** Every journal of an archive directory, checked to be of `study` and of one fidelity. */
export function readArchive(dir: string, study?: Study): ArchiveJournal[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `archive ${dir}: not a directory (collect one with: npx nx run benchmarks:collect -- --study <name> --out ${dir})`,
    );
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const out: ArchiveJournal[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const j = readJournal(file);
    if (!j.header) continue; // an empty file left by a collection killed before its header
    if (study && j.header.study !== study.name) {
      throw new Error(`${file}: a ${j.header.study} journal in an archive of ${study.name}`);
    }
    const first = out[0];
    if (first) {
      const diff = fidelityDifferences(first.header.preset, j.header.preset);
      if (diff.length) throw new Error(`${file}: fidelity differs from ${first.file} (${diff.join('; ')})`);
    }
    out.push({ file, header: j.header, trials: j.trials });
  }
  if (out.length === 0) throw new Error(`archive ${dir}: no journal in it`);
  return out;
}

/**
 * Copies a study journal into an archive as `imported-<name>.jsonl` (name from its path, so importing the same file
 * twice replaces the copy instead of duplicating its trials). Refused when its study or fidelity differs.
 */
export function importJournal(
  source: string,
  archiveDir: string,
  study: Study,
  preset: Preset,
  options: { allowFake?: boolean } = {},
): { file: string; trials: number } {
  const j = readJournal(source);
  if (!j.header) throw new Error(`${source}: not a journal (no header line)`);
  if (j.header.study !== study.name) throw new Error(`${source}: a ${j.header.study} journal, not ${study.name}`);
  const refusal = importRefusal(j.trials, options.allowFake ?? false);
  if (refusal) throw new Error(`${source}: ${refusal}`);
  const diff = fidelityDifferences(preset, j.header.preset);
  if (diff.length) throw new Error(`${source}: fidelity differs from the archive's (${diff.join('; ')})`);
  const name =
    path
      .relative(process.cwd(), path.resolve(source))
      .replace(/\.jsonl$/, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'journal';
  fs.mkdirSync(archiveDir, { recursive: true });
  const file = path.join(archiveDir, `imported-${name}.jsonl`);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, [j.header, ...j.trials].map((x) => JSON.stringify(x)).join('\n') + '\n');
  fs.renameSync(tmp, file);
  return { file, trials: j.trials.length };
}
