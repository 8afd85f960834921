/**
 * Reliability: a damaged-file corpus. The real Adiac and MR files (from PARETOBENCH_DATA_DIR) are damaged in the ways
 * files get damaged (truncated at random bytes, emptied, blank lines, bytes flipped, labels rewritten, binary junk,
 * NUL bytes, foreign line endings). Every variant must either load as the data it still validly is, or be refused
 * with a DatasetError naming the file (and the line where there is one); any other exception, or a load of data that
 * should have been refused, is a failure. Counts by outcome are printed.
 *
 *   cd packages/datasets && PARETOBENCH_DATA_DIR=... npx vitest run --config vitest.reliability.config.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../src/errors.ts';
import { loadMovieReviewFiles } from '../src/movie-reviews.ts';
import { Sfc32 } from '../src/prng.ts';
import { loadUcrFiles } from '../src/ucr.ts';

const DATA = process.env.PARETOBENCH_DATA_DIR;
if (!DATA) throw new Error('the damaged-file corpus damages the real files: set PARETOBENCH_DATA_DIR');
const ADIAC = join(DATA, 'ucr', 'Adiac');
const MR = join(DATA, 'rt-polaritydata');

type Expect = 'refuse' | 'load';
interface Variant {
  label: string;
  /** which file is damaged */
  target: 'train' | 'test' | 'pos' | 'neg';
  bytes: Buffer;
  expect: Expect;
  /** for 'load': the number of TRAIN rows / sentences the damaged file still holds */
  rows?: number;
}

const rng = new Sfc32(20261128);
const pick = (n: number) => rng.nextInt(n);
const lineStarts = (b: Buffer) => [
  0,
  ...b.reduce<number[]>((a, x, i) => (x === 0x0a && i + 1 < b.length ? [...a, i + 1] : a), []),
];
const countLines = (b: Buffer) =>
  b
    .toString('latin1')
    .split('\n')
    .filter((l) => l.trim() !== '').length;

function linesOf(b: Buffer): string[] {
  const t = b.toString('latin1').split('\n');
  if (t[t.length - 1] === '') t.pop();
  return t;
}
const join1 = (lines: string[]) => Buffer.from(lines.join('\n') + '\n', 'latin1');

function ucrVariants(train: Buffer, test: Buffer): Variant[] {
  const out: Variant[] = [];
  const lines = linesOf(train);
  const starts = lineStarts(train);
  out.push({ label: 'TRAIN emptied', target: 'train', bytes: Buffer.alloc(0), expect: 'refuse' });
  out.push({ label: 'TEST emptied', target: 'test', bytes: Buffer.alloc(0), expect: 'refuse' });
  for (let k = 0; k < 40; k++) {
    // a cut inside a number can leave a shorter number: only cuts inside the separators-and-digits structure that
    // drop at least one whole value are detectable, so cut right after a comma
    const line = 1 + pick(lines.length - 1);
    const commas = [...lines[line].matchAll(/,/g)].map((m) => m.index);
    const at = starts[line] + commas[1 + pick(commas.length - 1)] + 1;
    out.push({
      label: `TRAIN truncated at byte ${at} (inside line ${line + 1})`,
      target: 'train',
      bytes: train.subarray(0, at),
      expect: 'refuse',
    });
  }
  // (TRAIN truncated between rows can lose every row of a class, and TEST is then refused: truncate TEST instead)
  const testStarts = lineStarts(test);
  for (let k = 0; k < 5; k++) {
    const line = 1 + pick(testStarts.length - 1);
    out.push({
      label: `TEST truncated at the start of line ${line + 1}`,
      target: 'test',
      bytes: test.subarray(0, testStarts[line]),
      expect: 'load',
      rows: line,
    });
  }
  for (let k = 0; k < 10; k++) {
    const line = 1 + pick(lines.length - 1);
    const l = [...lines];
    l.splice(line, 0, k % 2 ? '' : '   ');
    out.push({
      label: `TRAIN blank line inserted at line ${line + 1}`,
      target: 'train',
      bytes: join1(l),
      expect: 'refuse',
    });
  }
  for (const [label, expect] of [
    ['1.5', 'refuse'],
    ['abc', 'refuse'],
    ['', 'refuse'],
    ['NaN', 'refuse'],
    ['1e400', 'refuse'],
    ['99', 'load'],
    ['-1', 'load'],
    ['3.0000000e+00', 'load'],
  ] as const) {
    const line = pick(lines.length);
    const l = [...lines];
    l[line] = l[line].replace(/^[^,]*/, label);
    out.push({
      label: `TRAIN label of line ${line + 1} rewritten as "${label}"`,
      target: 'train',
      bytes: join1(l),
      expect,
      rows: lines.length,
    });
  }
  {
    const l = linesOf(test);
    l[3] = l[3].replace(/^[^,]*/, '38');
    out.push({ label: 'TEST label 38 absent from TRAIN', target: 'test', bytes: join1(l), expect: 'refuse' });
  }
  for (let k = 0; k < 20; k++) {
    // a digit or separator replaced by a letter, a NUL or a control byte
    const b = Buffer.from(train);
    const line = pick(lines.length);
    const at = starts[line] + 1 + pick(lines[line].length - 2);
    const junk = [0x41, 0x00, 0x07, 0xff, 0x3b][k % 5];
    b[at] = junk;
    out.push({
      label: `TRAIN byte ${at} (line ${line + 1}) set to 0x${junk.toString(16)}`,
      target: 'train',
      bytes: b,
      expect: 'refuse',
    });
  }
  {
    const l = [...lines];
    l[7] += ',0.5';
    out.push({ label: 'TRAIN line 8 with an extra value', target: 'train', bytes: join1(l), expect: 'refuse' });
    const m = [...lines];
    m[9] = m[9].replace(/,[^,]*$/, '');
    out.push({ label: 'TRAIN line 10 missing its last value', target: 'train', bytes: join1(m), expect: 'refuse' });
  }
  const junk = Buffer.from(Array.from({ length: 50_000 }, () => pick(256)));
  out.push({ label: 'TRAIN replaced by random bytes', target: 'train', bytes: junk, expect: 'refuse' });
  out.push({
    label: 'TRAIN with a UTF-8 byte-order mark',
    target: 'train',
    bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), train]),
    expect: 'load', // the UTF-8 decoder drops it
    rows: lines.length,
  });
  out.push({
    label: 'TRAIN with CRLF line endings',
    target: 'train',
    bytes: Buffer.from(train.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
    expect: 'load',
    rows: lines.length,
  });
  out.push({
    label: 'TRAIN with blank lines at the end',
    target: 'train',
    bytes: Buffer.concat([train, Buffer.from('\n\n  \n')]),
    expect: 'load',
    rows: lines.length,
  });
  out.push({
    label: 'TRAIN without its final newline',
    target: 'train',
    bytes: train.subarray(0, train.length - 1),
    expect: 'load',
    rows: lines.length,
  });
  return out;
}

function mrVariants(pos: Buffer): Variant[] {
  const out: Variant[] = [];
  const lines = linesOf(pos);
  out.push({ label: 'pos emptied', target: 'pos', bytes: Buffer.alloc(0), expect: 'refuse' });
  out.push({ label: 'neg emptied', target: 'neg', bytes: Buffer.alloc(0), expect: 'refuse' });
  const garbage: number[] = [];
  for (let line = 0; line < 10_800; line++) {
    for (let i = 0; i < 30; i++) {
      const b = pick(256);
      garbage.push(b === 0x0a ? 0x20 : b);
    }
    garbage.push(0x61, 0x0a);
  }
  out.push({
    label: 'pos replaced by binary junk with a letter per line (10,800 lines)',
    target: 'pos',
    bytes: Buffer.from(garbage),
    expect: 'refuse',
  });
  out.push({
    label: 'neg replaced by random bytes',
    target: 'neg',
    bytes: Buffer.from(Array.from({ length: 100_000 }, () => pick(256))),
    expect: 'refuse',
  });
  for (let k = 0; k < 10; k++) {
    const line = 1 + pick(lines.length - 1);
    const l = [...lines];
    l.splice(line, 0, k % 2 ? '' : ' \t ');
    out.push({
      label: `pos blank line inserted at line ${line + 1}`,
      target: 'pos',
      bytes: join1(l),
      expect: 'refuse',
    });
  }
  for (let k = 0; k < 5; k++) {
    const line = 1 + pick(lines.length - 1);
    out.push({
      label: `pos truncated after line ${line}`,
      target: 'pos',
      bytes: join1(lines.slice(0, line)),
      expect: 'load',
      rows: line,
    });
  }
  {
    const l = [...lines];
    l[100] = l[100].replace(/ /g, '\u0000');
    out.push({
      label: 'pos line 101 with NUL bytes for spaces (below the 1% control share)',
      target: 'pos',
      bytes: join1(l),
      expect: 'load',
      rows: lines.length,
    });
  }
  out.push({
    label: 'pos with CRLF line endings',
    target: 'pos',
    bytes: Buffer.from(pos.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
    expect: 'load',
    rows: lines.length,
  });
  return out;
}

type Outcome = 'refused naming file and line' | 'refused naming file' | 'loaded as expected' | 'WRONG';

async function attempt(
  v: Variant,
  files: Record<string, string>,
  original: Record<string, Buffer>,
): Promise<[Outcome, string]> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-damaged-'));
  const paths: Record<string, string> = {};
  for (const [k, name] of Object.entries(files)) {
    paths[k] = join(dir, name);
    writeFileSync(paths[k], k === v.target ? v.bytes : original[k]);
  }
  try {
    const rows =
      v.target === 'train' || v.target === 'test'
        ? await loadUcrFiles('Adiac', { format: 'ucr2015', train: paths.train, test: paths.test }).then((d) =>
            v.target === 'train' ? d.train.n : d.test.n,
          )
        : await loadMovieReviewFiles({ pos: paths.pos, neg: paths.neg }).then(
            (d) => d.train.n + d.dev.n - countLines(original.neg),
          );
    if (v.expect === 'load' && (v.rows === undefined || rows === v.rows)) return ['loaded as expected', ''];
    return [
      'WRONG',
      `${v.label}: loaded ${rows} rows, expected ${v.expect === 'load' ? `${v.rows} rows` : 'a refusal'}`,
    ];
  } catch (err) {
    if (!(err instanceof DatasetError)) return ['WRONG', `${v.label}: ${String(err)}`];
    if (v.expect === 'load') return ['WRONG', `${v.label}: refused: ${err.message}`];
    if (err.file !== paths[v.target]) return ['WRONG', `${v.label}: the error names ${err.file}: ${err.message}`];
    return [err.line !== undefined ? 'refused naming file and line' : 'refused naming file', ''];
  }
}

describe('damaged-file corpus', () => {
  it('every damaged file loads as what it still is, or is refused naming the file', async () => {
    const original = {
      train: readFileSync(join(ADIAC, 'Adiac_TRAIN')),
      test: readFileSync(join(ADIAC, 'Adiac_TEST')),
      pos: readFileSync(join(MR, 'rt-polarity.pos')),
      neg: readFileSync(join(MR, 'rt-polarity.neg')),
    };
    const ucr = { train: 'Adiac_TRAIN', test: 'Adiac_TEST' };
    const mr = { pos: 'rt-polarity.pos', neg: 'rt-polarity.neg' };
    const counts: Record<string, number> = {};
    const wrong: string[] = [];
    const variants = [...ucrVariants(original.train, original.test), ...mrVariants(original.pos)];
    for (const v of variants) {
      const [outcome, why] = await attempt(v, v.target === 'train' || v.target === 'test' ? ucr : mr, original);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (outcome === 'WRONG') wrong.push(why);
    }
    process.stdout.write(
      `reliability damaged-files: ${variants.length} damaged files by outcome ${JSON.stringify(counts)}\n`,
    );
    expect(wrong).toEqual([]);
  }, 300_000);
});
