/**
 * The studies, found on disk: every folder `<name>/` with an `index.ts` under `src/studies/` (this folder) and under
 * each folder listed in PARETOBENCH_STUDIES_DIR (separated like PATH) is a study, its module's default export the
 * `Study`. Adding a study is adding such a folder; no list of names exists anywhere else.
 *
 * Names are found synchronously (zod schemas of the CLI, the journal, the worker protocol and summary.json validate
 * against them); a study's module is loaded with `import()` by `getStudy(name)`, in the coordinator and again in each
 * worker process (which inherits the environment, so it finds the same folders).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { MetricSchema, ParameterSchema } from '@paretobench/optimizer';
import { PRESET_NAMES, PresetSchema } from './presets.ts';
import type { Study } from './study.ts';

/** Extra folders of studies (tests, a study kept outside the repository), separated by path.delimiter. */
export const STUDIES_DIR_ENV = 'PARETOBENCH_STUDIES_DIR';

const BUILT_IN = path.dirname(fileURLToPath(import.meta.url));
const MODULE = 'index.ts';
/** A study name is also a file name, a CLI argument and part of report names (`<name>-<preset>`). */
const NAME = /^[a-z][a-z0-9_-]*$/;

/** The folders searched for studies: this one, then those of PARETOBENCH_STUDIES_DIR. */
export function studyFolders(): string[] {
  const extra = (process.env[STUDIES_DIR_ENV] ?? '')
    .split(path.delimiter)
    .filter((d) => d !== '')
    .map((d) => path.resolve(d));
  return [BUILT_IN, ...extra];
}

/** name -> folder of the study. Two studies of one name are an error naming both folders. */
function discover(): Map<string, string> {
  const found = new Map<string, string>();
  for (const root of studyFolders()) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(root, { withFileTypes: true });
    } catch (err) {
      throw new Error(`${STUDIES_DIR_ENV}: cannot read ${root}: ${(err as Error).message}`);
    }
    for (const e of entries) {
      if (!e.isDirectory() || !NAME.test(e.name)) continue;
      const dir = path.join(root, e.name);
      if (!fs.existsSync(path.join(dir, MODULE))) continue;
      const other = found.get(e.name);
      if (other !== undefined) throw new Error(`study "${e.name}" is defined twice: ${other} and ${dir}`);
      found.set(e.name, dir);
    }
  }
  return found;
}

/** The names of all studies, sorted. */
export function studyNames(): string[] {
  return [...discover().keys()].sort();
}

export function isStudyName(name: unknown): name is string {
  return typeof name === 'string' && discover().has(name);
}

/** "a or b", "a, b or c". */
export function orList(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** A study name, validated against the registry; the message lists the known studies. */
export const StudyNameSchema = z.string().refine(isStudyName, {
  error: () =>
    `Invalid option: expected one of ${studyNames()
      .map((n) => JSON.stringify(n))
      .join('|')}`,
});

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

/** What a loaded module must hold: checked once per load so a new study fails at start, naming its file and field. */
const StudyShapeSchema = z.object({
  name: z.string(),
  title: z.string(),
  parameters: z.array(ParameterSchema).min(1),
  metrics: z.tuple([MetricSchema, MetricSchema]),
  accuracyMetric: z.string(),
  timeMetric: z.string(),
  timeLabel: z.string(),
  timeMeasure: z.enum(['inference', 'training']),
  presets: z.object(Object.fromEntries(PRESET_NAMES.map((p) => [p, PresetSchema])) as Record<string, z.ZodType>),
  trainedEpochs: fn,
  describePreset: fn,
  loadData: fn,
  createTrainer: fn,
  fakeMetrics: fn,
  failureReason: fn,
  paperFigures: fn,
});

const loaded = new Map<string, Promise<Study>>();

async function load(name: string, file: string): Promise<Study> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const shape = StudyShapeSchema.safeParse(mod.default);
  if (!shape.success) {
    const issues = shape.error.issues.map((i) => `${i.path.join('.') || '(default export)'}: ${i.message}`);
    throw new Error(`${file}: the default export is not a study (${issues.join('; ')})`);
  }
  const study = mod.default as Study;
  const problems: string[] = [];
  if (study.name !== name) problems.push(`its name is "${study.name}", its folder "${name}"`);
  if (study.metrics[0].objective !== 'maximize' || study.metrics[0].name !== study.accuracyMetric)
    problems.push(`metrics[0] must be "${study.accuracyMetric}", maximized`);
  if (study.metrics[1].objective !== 'minimize' || study.metrics[1].name !== study.timeMetric)
    problems.push(`metrics[1] must be "${study.timeMetric}", minimized`);
  for (const p of PRESET_NAMES) {
    if (study.presets[p].name !== p) problems.push(`presets.${p}.name is "${study.presets[p].name}"`);
  }
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return study;
}

/** The study of that name (its module is imported once per process). */
export function getStudy(name: string): Promise<Study> {
  const dir = discover().get(name);
  if (dir === undefined) {
    return Promise.reject(new Error(`unknown study "${name}": expected one of ${studyNames().join(', ')}`));
  }
  const file = path.join(dir, MODULE);
  let study = loaded.get(file);
  if (study === undefined) {
    study = load(name, file);
    loaded.set(file, study);
  }
  return study;
}
