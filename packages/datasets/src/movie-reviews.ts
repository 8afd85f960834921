/**
 * Movie Review sentence polarity dataset v1.0 (Pang & Lee 2005; 5331 positive + 5331 negative snippets),
 * prepared as in Kim (2014) CNN-rand: Windows-1252 bytes, one sentence per "\n"-terminated line, Kim's
 * clean_str tokenisation, vocabulary over all sentences (18,765 words), every sentence right-padded with id 0
 * to the longest one (56 tokens), a seeded shuffle, and the last `devSize` (1000) sentences as the dev set.
 *
 * Vocabulary ids: 0 = "<pad>", then words in order of first occurrence (positive file first, then negative),
 * so `vocabSize` = words + 1. Labels: positive = 1, negative = 0.
 *
 * One deliberate difference from Kim's script: a line that clean_str reduces to nothing (a blank line) is an
 * error naming file and line instead of a zero-length sentence; the MR files have none.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tokenize } from './clean-str.ts';
import { DataSourceOptionsSchema, locateOrFetch, parseOptions } from './data-source.ts';
import { DatasetError } from './errors.ts';
import { seededPermutation } from './prng.ts';
import { decodeWindows1252 } from './windows-1252.ts';

export const MOVIE_REVIEW_BASE_URL = 'https://www.cs.cornell.edu/people/pabo/movie-review-data';
export const MOVIE_REVIEW_ARCHIVE = 'rt-polaritydata.tar.gz';
export const PAD_TOKEN = '<pad>';

export interface SentenceSplit {
  /** Row-major n × maxLen token ids; 0 = padding. */
  x: Int32Array;
  /** 1 = positive, 0 = negative. */
  y: Int32Array;
  n: number;
}

export interface SentenceDataset {
  /** index = id; id 0 = "<pad>". */
  vocab: string[];
  vocabSize: number;
  maxLen: number;
  train: SentenceSplit;
  dev: SentenceSplit;
  files: { pos: string; neg: string };
  seed: number;
}

export const MovieReviewOptionsSchema = DataSourceOptionsSchema.extend({
  seed: z.number().int().optional(),
  devSize: z.number().int().positive().optional(),
});
export type MovieReviewOptions = z.infer<typeof MovieReviewOptionsSchema>;

export interface MovieReviewFiles {
  pos: string;
  neg: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function candidateDirs(dir: string): string[] {
  return [join(dir, 'rt-polaritydata'), dir];
}

/** Finds rt-polarity.pos/.neg under <dir>/rt-polaritydata/ or <dir>. */
export async function findMovieReviewFiles(dir: string): Promise<MovieReviewFiles | undefined> {
  for (const d of candidateDirs(dir)) {
    const pos = join(d, 'rt-polarity.pos');
    const neg = join(d, 'rt-polarity.neg');
    const hasPos = await isFile(pos);
    const hasNeg = await isFile(neg);
    if (hasPos && hasNeg) return { pos, neg };
    if (hasPos !== hasNeg)
      throw new DatasetError(hasPos ? neg : pos, `missing (found ${hasPos ? pos : neg} beside it)`);
  }
  return undefined;
}

/**
 * Sentences of one file: Windows-1252 decoded, split on "\n" only (a "\r" stays part of the sentence, where
 * clean_str turns it into a space); the empty piece after a final "\n" is not a sentence.
 */
export async function readSentences(path: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DatasetError(path, `cannot read: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (bytes.length === 0) throw new DatasetError(path, 'file is empty');
  const lines = decodeWindows1252(bytes).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  refuseBinary(path, lines);
  return lines;
}

/** C0/C1 control characters other than tab and carriage return: absent from text, ~14% of random bytes. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
}

function controlCount(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) if (isControl(line.charCodeAt(i))) n++;
  return n;
}

/** Share of control characters above which a sentence file is taken for binary data (the MR files have none). */
export const MAX_CONTROL_SHARE = 0.01;

function refuseBinary(path: string, lines: readonly string[]): void {
  let chars = 0;
  let control = 0;
  let first = -1;
  lines.forEach((l, i) => {
    chars += l.length + 1;
    const n = controlCount(l);
    if (n > 0 && first < 0) first = i;
    control += n;
  });
  if (control > MAX_CONTROL_SHARE * chars) {
    throw new DatasetError(
      path,
      `not text: ${((100 * control) / chars).toFixed(1)}% of its characters are control characters ` +
        `(at most ${100 * MAX_CONTROL_SHARE}% allowed; binary data?), the first on this line`,
      first + 1,
    );
  }
}

/** Builds the padded, shuffled, split dataset from the two files. */
export async function loadMovieReviewFiles(
  files: MovieReviewFiles,
  options: { seed?: number; devSize?: number } = {},
): Promise<SentenceDataset> {
  const seed = options.seed ?? 0;
  const devSize = options.devSize ?? 1000;
  const sources: Array<{ file: string; label: number }> = [
    { file: files.pos, label: 1 },
    { file: files.neg, label: 0 },
  ];
  const vocab: string[] = [PAD_TOKEN];
  const ids = new Map<string, number>();
  const sentences: number[][] = [];
  const labels: number[] = [];
  let maxLen = 0;
  for (const { file, label } of sources) {
    const lines = await readSentences(file);
    for (let i = 0; i < lines.length; i++) {
      const tokens = tokenize(lines[i]);
      if (tokens.length === 0)
        throw new DatasetError(file, 'sentence has no tokens after clean_str (blank line?)', i + 1);
      const row = tokens.map((w) => {
        let id = ids.get(w);
        if (id === undefined) {
          id = vocab.length;
          ids.set(w, id);
          vocab.push(w);
        }
        return id;
      });
      sentences.push(row);
      labels.push(label);
      if (row.length > maxLen) maxLen = row.length;
    }
  }
  const n = sentences.length;
  if (devSize >= n) {
    throw new DatasetError(files.pos, `devSize ${devSize} leaves no training sentences (${n} sentences in total)`);
  }
  const perm = seededPermutation(n, seed);
  const split = (from: number, to: number): SentenceSplit => {
    const m = to - from;
    const x = new Int32Array(m * maxLen);
    const y = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      const s = perm[from + r];
      x.set(sentences[s], r * maxLen);
      y[r] = labels[s];
    }
    return { x, y, n: m };
  };
  return {
    vocab,
    vocabSize: vocab.length,
    maxLen,
    train: split(0, n - devSize),
    dev: split(n - devSize, n),
    files,
    seed,
  };
}

/**
 * Loads rt-polarity.pos/.neg from <dir>/rt-polaritydata/ or <dir> (dir = opts.dataDir or env
 * PARETOBENCH_DATA_DIR), else from the cache, downloading `<baseUrl>/rt-polaritydata.tar.gz` (default Cornell).
 */
export async function loadMovieReviews(opts?: MovieReviewOptions): Promise<SentenceDataset> {
  const o = parseOptions(MovieReviewOptionsSchema, opts, 'loadMovieReviews');
  const files = await locateOrFetch(o, {
    what: 'movie-review data (rt-polarity.pos/.neg)',
    find: findMovieReviewFiles,
    searched: (dir) => candidateDirs(dir).map((d) => join(d, 'rt-polarity.{pos,neg}')),
    defaultBaseUrl: MOVIE_REVIEW_BASE_URL,
    archiveName: MOVIE_REVIEW_ARCHIVE,
    cacheSubdir: 'rt-polaritydata',
    extractName: 'rt-polaritydata-v1.0',
  });
  o.onProgress?.(`reading ${files.pos} and ${files.neg}`);
  return loadMovieReviewFiles(files, { seed: o.seed, devSize: o.devSize });
}
