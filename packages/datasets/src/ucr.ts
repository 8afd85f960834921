/**
 * UCR/UEA univariate time-series classification datasets (e.g. Adiac: 390 train / 391 test, 37 classes, length 176).
 *
 * Labels become 0..K-1 in sorted order (numerically when every label is a number, else by code point);
 * `classLabels[k]` is the original label of class k. Values are normalised with the global mean and
 * (population) standard deviation of all observed TRAIN values; the same constants are applied to TEST.
 *
 * Variable-length data (2018 NaN padding, `.ts` with @equalLength false): trailing NaNs are padding; a NaN
 * between observed values is a missing value and is filled by linear interpolation (edges: nearest value).
 * Every series is then brought to the longest length L over train and test by `variableLength`:
 * - 'pad' (default): observed values first, then zeros (= the train mean after normalisation); `lengths` keeps
 *   each series' true length so a model can mask the padding.
 * - 'resample': linear interpolation of each series onto L evenly spaced points.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DataSourceOptionsSchema, locateOrFetch, parseOptions } from './data-source.ts';
import { DatasetError } from './errors.ts';
import {
  isNumericLabel,
  parseDelimitedSeries,
  parseTsFile,
  type ParsedSeriesFile,
  type UcrFormat,
} from './ucr-parse.ts';

export const UCR_BASE_URL = 'https://www.timeseriesclassification.com/aeon-toolkit';

export interface UcrSplit {
  /** Row-major n × length, normalised with the TRAIN global mean/std. */
  x: Float32Array;
  /** Class index 0..K-1 per row. */
  y: Int32Array;
  n: number;
  length: number;
  /** Observed length of each series before padding/resampling (all equal to `length` for equal-length data). */
  lengths: Int32Array;
}

export interface UcrDataset {
  name: string;
  train: UcrSplit;
  test: UcrSplit;
  numClasses: number;
  length: number;
  classLabels: string[];
  format: UcrFormat;
  files: { train: string; test: string };
  normalisation: { mean: number; std: number };
  /** True when series lengths differ (then `variableLength` says how they were made equal). */
  variableLength: boolean;
  variableLengthPolicy: 'pad' | 'resample';
  /** Interior missing values filled by interpolation (train + test). */
  missingValuesFilled: number;
}

export const UcrOptionsSchema = DataSourceOptionsSchema.extend({
  variableLength: z.enum(['pad', 'resample']).optional(),
});
export type UcrLoadOptions = z.infer<typeof UcrOptionsSchema>;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const LAYOUTS: ReadonlyArray<{ format: UcrFormat; suffix: string }> = [
  { format: 'ucr2015', suffix: '' },
  { format: 'ucr2018', suffix: '.tsv' },
  { format: 'ts', suffix: '.ts' },
  { format: 'txt', suffix: '.txt' },
];

export interface UcrFiles {
  format: UcrFormat;
  train: string;
  test: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function candidateDirs(dir: string, name: string): string[] {
  return [join(dir, 'ucr', name), join(dir, name), dir];
}

/** Finds NAME_TRAIN[.tsv|.ts] and the matching NAME_TEST under <dir>/ucr/<name>/, <dir>/<name>/ or <dir>. */
export async function findUcrFiles(dir: string, name: string): Promise<UcrFiles | undefined> {
  for (const d of candidateDirs(dir, name)) {
    for (const { format, suffix } of LAYOUTS) {
      const train = join(d, `${name}_TRAIN${suffix}`);
      if (!(await isFile(train))) continue;
      const test = join(d, `${name}_TEST${suffix}`);
      if (!(await isFile(test))) throw new DatasetError(test, `test file missing (found the training file ${train})`);
      return { format, train, test };
    }
  }
  return undefined;
}

async function parseFile(path: string, format: UcrFormat): Promise<ParsedSeriesFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(path, `cannot read: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (text.trim() === '') throw new DatasetError(path, 'file is empty');
  return format === 'ts' ? parseTsFile(text, path) : parseDelimitedSeries(text, path, format);
}

function labelKey(label: string, numeric: boolean): string {
  return numeric ? String(Number(label)) : label;
}

/** Index of the last observed (non-NaN) value + 1. */
function observedLength(v: Float64Array): number {
  let n = v.length;
  while (n > 0 && Number.isNaN(v[n - 1])) n--;
  return n;
}

/** Fills interior NaNs of v[0..len) by linear interpolation; returns how many were filled. */
function fillMissing(v: Float64Array, len: number): number {
  let filled = 0;
  let prev = -1;
  for (let i = 0; i < len; i++) {
    if (!Number.isNaN(v[i])) {
      if (i - prev > 1) {
        for (let k = prev + 1; k < i; k++) {
          v[k] = prev < 0 ? v[i] : v[prev] + ((v[i] - v[prev]) * (k - prev)) / (i - prev);
          filled++;
        }
      }
      prev = i;
    }
  }
  return filled;
}

function buildSplit(
  parsed: ParsedSeriesFile,
  classOf: (label: string, line: number) => number,
  lengths: number[],
  L: number,
  mean: number,
  std: number,
  policy: 'pad' | 'resample',
): UcrSplit {
  const n = parsed.series.length;
  const x = new Float32Array(n * L);
  const y = new Int32Array(n);
  const lens = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    y[r] = classOf(parsed.labels[r], parsed.lines[r]);
    const v = parsed.series[r];
    const len = lengths[r];
    lens[r] = len;
    const off = r * L;
    if (len === L || policy === 'pad') {
      for (let t = 0; t < len; t++) x[off + t] = (v[t] - mean) / std;
    } else if (len === 1) {
      x.fill((v[0] - mean) / std, off, off + L);
    } else {
      for (let t = 0; t < L; t++) {
        const pos = (t * (len - 1)) / (L - 1);
        const i = Math.min(Math.floor(pos), len - 2);
        const f = pos - i;
        x[off + t] = (v[i] * (1 - f) + v[i + 1] * f - mean) / std;
      }
    }
  }
  return { x, y, n, length: L, lengths: lens };
}

/** Builds the dataset from two already-located files (any of the four layouts). */
export async function loadUcrFiles(
  name: string,
  files: UcrFiles,
  variableLength: 'pad' | 'resample' = 'pad',
): Promise<UcrDataset> {
  const train = await parseFile(files.train, files.format);
  const test = await parseFile(files.test, files.format);

  // Class labels: declared (.ts) or those present in TRAIN.
  const source = train.declaredLabels ?? train.labels;
  const numeric = source.every(isNumericLabel);
  const keys = [...new Set(source.map((l) => labelKey(l, numeric)))];
  keys.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(keys.map((k, i) => [k, i]));
  const classOf =
    (file: string, role: string) =>
    (label: string, line: number): number => {
      const k = index.get(labelKey(label, numeric));
      if (k === undefined) {
        throw new DatasetError(
          file,
          `class label "${label}" of this ${role} row does not occur among the training labels`,
          line,
        );
      }
      return k;
    };

  // Lengths, missing values.
  let filled = 0;
  const lengthsOf = (p: ParsedSeriesFile): number[] =>
    p.series.map((v, r) => {
      const len = observedLength(v);
      if (len === 0) throw new DatasetError(p.file, 'series has no observed values (all missing)', p.lines[r]);
      filled += fillMissing(v, len);
      return len;
    });
  const trainLens = lengthsOf(train);
  const testLens = lengthsOf(test);
  const all = trainLens.concat(testLens);
  const L = all.reduce((m, l) => (l > m ? l : m), 0);
  const isVariable = all.some((l) => l !== L);
  if (files.format === 'ucr2015' && isVariable) {
    // The 2015 layout has no padding: every TRAIN row has the same width (checked by the parser), so a
    // different TEST width is a broken file.
    const r = testLens.findIndex((l) => l !== trainLens[0]);
    throw new DatasetError(
      test.file,
      `row has ${testLens[r]} values but the training rows have ${trainLens[0]}`,
      test.lines[r],
    );
  }

  // Global mean/std of the observed TRAIN values.
  let sum = 0;
  let count = 0;
  for (let r = 0; r < train.series.length; r++) {
    const v = train.series[r];
    for (let t = 0; t < trainLens[r]; t++) sum += v[t];
    count += trainLens[r];
  }
  const mean = sum / count;
  let ss = 0;
  for (let r = 0; r < train.series.length; r++) {
    const v = train.series[r];
    for (let t = 0; t < trainLens[r]; t++) ss += (v[t] - mean) ** 2;
  }
  const rawStd = Math.sqrt(ss / count);
  const std = rawStd > 0 && Number.isFinite(rawStd) ? rawStd : 1;

  return {
    name,
    train: buildSplit(train, classOf(train.file, 'training'), trainLens, L, mean, std, variableLength),
    test: buildSplit(test, classOf(test.file, 'test'), testLens, L, mean, std, variableLength),
    numClasses: keys.length,
    length: L,
    classLabels: keys,
    format: files.format,
    files: { train: files.train, test: files.test },
    normalisation: { mean, std },
    variableLength: isVariable,
    variableLengthPolicy: variableLength,
    missingValuesFilled: filled,
  };
}

/**
 * Loads a UCR dataset from <dir>/ucr/<name>/, <dir>/<name>/ or <dir> (dir = opts.dataDir or env
 * PARETOBENCH_DATA_DIR), else from the cache, downloading `<baseUrl>/<name>.zip` (default the aeon-toolkit
 * archive at timeseriesclassification.com) when needed. Layouts tried: 2015, 2018 `.tsv`, aeon `.ts`, `.txt`.
 */
export async function loadUcrDataset(name: string, opts?: UcrLoadOptions): Promise<UcrDataset> {
  const o = parseOptions(UcrOptionsSchema, opts, 'loadUcrDataset');
  if (!NAME_RE.test(name))
    throw new DatasetError(`<dataset name>`, `"${name}" is not a UCR dataset name (letters, digits, _ and -)`);
  const files = await locateOrFetch(o, {
    what: `UCR dataset "${name}"`,
    find: (dir) => findUcrFiles(dir, name),
    searched: (dir) => candidateDirs(dir, name).map((d) => join(d, `${name}_TRAIN{,.tsv,.ts,.txt}`)),
    defaultBaseUrl: UCR_BASE_URL,
    archiveName: `${name}.zip`,
    cacheSubdir: 'ucr',
    extractName: name,
  });
  o.onProgress?.(`reading ${files.train} and ${files.test} (${files.format})`);
  return loadUcrFiles(name, files, o.variableLength ?? 'pad');
}
