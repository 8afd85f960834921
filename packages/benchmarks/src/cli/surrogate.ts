/**
 * `npx nx run benchmarks:surrogate -- --study diatom|rotten [--archive DIR] [--preset default] [--out FILE]`
 *
 * Fits a study's surrogate on its archive and validates it by cross-validation (surrogate/validate.ts): writes the
 * figures as JSON (default `reports/surrogate-<study>/validation.json`) and prints them as a table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import { getPreset, PRESET_NAMES } from '../studies/presets.ts';
import { getStudy } from '../studies/registry.ts';
import { readArchive, fidelityDifferences } from '../runner/collect.ts';
import { archiveRows } from '../surrogate/dataset.ts';
import { crossValidate } from '../surrogate/validate.ts';
import { defaultArchiveDir } from '../surrogate/load.ts';

const USAGE = `usage: surrogate.ts --study <name> [--archive DIR] [--preset default] [--folds K] [--out FILE]
  --archive  the trial archive (default reports/archives/<study>-default)
  --preset   whose failure rule the calibration uses; its fidelity must be the archive's (default: default)
  --out      the validation figures as JSON (default reports/surrogate-<study>/validation.json)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      study: { type: 'string' },
      archive: { type: 'string' },
      preset: { type: 'string', default: 'default' },
      folds: { type: 'string', default: '5' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.study) throw new Error('--study: required (--help for usage)');
  if (!(PRESET_NAMES as readonly string[]).includes(values.preset)) {
    throw new Error(`--preset: expected one of ${PRESET_NAMES.join(', ')}, got "${values.preset}"`);
  }
  const folds = Number(values.folds);
  if (!Number.isInteger(folds) || folds < 2)
    throw new Error(`--folds: expected an integer >= 2, got "${values.folds}"`);
  const study = await getStudy(values.study);
  const preset = getPreset(study, values.preset);
  const dir = values.archive ?? defaultArchiveDir(study.name);
  const archive = readArchive(dir, study);
  const diff = fidelityDifferences(archive[0].header.preset, preset);
  if (diff.length) throw new Error(`--preset ${preset.name}: fidelity differs from the archive's (${diff.join('; ')})`);
  const rows = archiveRows(study, archive);
  const t0 = performance.now();
  const v = crossValidate(study, preset, rows, { folds });
  const seconds = (performance.now() - t0) / 1000;
  const out = values.out ?? path.join('reports', `surrogate-${study.name}`, 'validation.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic.sync(out, JSON.stringify({ archive: dir, preset: preset.name, seconds, ...v }, null, 2) + '\n');
  const f3 = (x: number) => x.toFixed(3);
  process.stdout.write(
    `${study.title}: archive ${dir}, ${v.trials} trials (${v.configurations} configurations), ${v.folds}-fold ` +
      `cross-validation by configuration (${seconds.toFixed(0)} s)\n`,
  );
  process.stdout.write(`| metric | scale | n | Spearman | R^2 |\n|---|---|---:|---:|---:|\n`);
  for (const m of v.metrics)
    process.stdout.write(`| ${m.metric} | ${m.scale} | ${m.n} | ${f3(m.spearman)} | ${f3(m.r2)} |\n`);
  if (v.failure) {
    const f = v.failure;
    process.stdout.write(
      `failure (${f.rule}): observed rate ${f3(f.observed_rate)}, Brier ${f3(f.brier)} (constant ${f3(f.brier_constant)})\n` +
        `| predicted | n | mean predicted | observed |\n|---|---:|---:|---:|\n`,
    );
    for (const b of f.bins) {
      process.stdout.write(
        `| ${b.lo.toFixed(1)}-${b.hi.toFixed(1)} | ${b.n} | ${f3(b.mean_predicted)} | ${f3(b.observed_rate)} |\n`,
      );
    }
  }
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
