/**
 * A study's surrogate from its archive, fitted once and cached: `.cache/surrogates/<study>-<hash>.json`, where the
 * hash covers the archive's journals, the study's parameters (the feature columns), the fitting code and the tree
 * libraries' versions, so a grown archive or a changed model refits and an unchanged one loads in a fraction of a second.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { readArchive, type ArchiveJournal } from '../runner/collect.ts';
import { archiveRows } from './dataset.ts';
import { FOREST_OPTIONS, Surrogate, type SurrogateJson } from './model.ts';

/** The code a fitted model depends on: the model and rows, and how training seeds (noise groups) are derived. */
const FITTING_SOURCES = ['./model.ts', './dataset.ts', '../runner/collect.ts', '../runner/run-study.ts'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);
const require = createRequire(import.meta.url);
/** Versions of the tree libraries (their splits and seeded sampling make the model). */
const LIBRARIES = ['ml-random-forest/package.json', 'ml-cart/package.json'].map(
  (p) => (require(p) as { version: string }).version,
);

export const defaultArchiveDir = (study: string): string => path.join('reports', 'archives', `${study}-default`);

export interface LoadedSurrogate {
  surrogate: Surrogate;
  archiveDir: string;
  journals: ArchiveJournal[];
  /** The fidelity the archive was collected at (its journals' preset). */
  archivePreset: Preset;
  /** sha256 of the archive's journals (first 12 hex digits), recorded with every run on it. */
  archiveHash: string;
  fitSeconds: number;
  cached: boolean;
}

export function loadSurrogate(
  study: Study,
  archiveDir: string,
  options: { cacheDir?: string | null; log?: (line: string) => void } = {},
): LoadedSurrogate {
  const journals = readArchive(archiveDir, study);
  const h = crypto.createHash('sha256');
  for (const j of journals) h.update(path.basename(j.file)).update(fs.readFileSync(j.file));
  const archiveHash = h.digest('hex').slice(0, 12);
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ archiveHash, FOREST_OPTIONS, LIBRARIES, parameters: study.parameters }))
    .update(FITTING_SOURCES.map((f) => fs.readFileSync(f)).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = options.cacheDir === undefined ? path.join('.cache', 'surrogates') : options.cacheDir;
  const cacheFile = cacheDir === null ? null : path.join(cacheDir, `${study.name}-${key}.json`);
  const archivePreset = journals[0].header.preset;
  const t0 = performance.now();
  if (cacheFile && fs.existsSync(cacheFile)) {
    try {
      const surrogate = Surrogate.fromJSON(study, JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as SurrogateJson);
      const fitSeconds = (performance.now() - t0) / 1000;
      return { surrogate, archiveDir, journals, archivePreset, archiveHash, fitSeconds, cached: true };
    } catch (err) {
      options.log?.(`surrogate cache ${cacheFile} unreadable (${(err as Error).message}); refitting`);
    }
  }
  const rows = archiveRows(study, journals);
  options.log?.(`fitting the ${study.name} surrogate on ${rows.length} archived trials...`);
  const surrogate = Surrogate.fit(study, rows);
  const fitSeconds = (performance.now() - t0) / 1000;
  if (cacheFile) {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic.sync(cacheFile, JSON.stringify(surrogate.toJSON()));
  }
  return { surrogate, archiveDir, journals, archivePreset, archiveHash, fitSeconds, cached: false };
}
