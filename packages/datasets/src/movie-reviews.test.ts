import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenize } from './clean-str.ts';
import { requireDataDir } from './data-dir.ts';
import { DatasetError } from './errors.ts';
import { loadMovieReviews, PAD_TOKEN, type SentenceDataset, type SentenceSplit } from './movie-reviews.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-mr-'));
}

function row(split: SentenceSplit, maxLen: number, r: number): Int32Array {
  return split.x.subarray(r * maxLen, (r + 1) * maxLen);
}

function words(d: SentenceDataset, split: SentenceSplit, r: number): string[] {
  return Array.from(row(split, d.maxLen, r))
    .filter((id) => id !== 0)
    .map((id) => d.vocab[id]);
}

describe('MR sentence polarity v1.0 (real files, PARETOBENCH_DATA_DIR)', () => {
  // Fails with instructions when PARETOBENCH_DATA_DIR is unset (never skips).
  const dataDir = (): string => requireDataDir();
  let cached: SentenceDataset | undefined;
  const load = async (): Promise<SentenceDataset> => (cached ??= await loadMovieReviews({ dataDir: dataDir() }));

  it("has Kim's published figures: 10,662 sentences, 18,765 words, longest sentence 56 tokens", async () => {
    const d = await load();
    expect(d.train.n + d.dev.n).toBe(10662);
    expect(d.vocabSize).toBe(18765 + 1); // + the padding id 0
    expect(d.vocab[0]).toBe(PAD_TOKEN);
    expect(new Set(d.vocab).size).toBe(d.vocabSize);
    expect(d.maxLen).toBe(56);
  });

  it('splits 9,662 train / 1,000 dev with 5,331 positive (1) and 5,331 negative (0) labels', async () => {
    const d = await load();
    expect([d.train.n, d.dev.n]).toEqual([9662, 1000]);
    expect(d.train.x.length).toBe(9662 * 56);
    const ones = [...d.train.y, ...d.dev.y].filter((y) => y === 1).length;
    const zeros = [...d.train.y, ...d.dev.y].filter((y) => y === 0).length;
    expect([ones, zeros]).toEqual([5331, 5331]);
    // the shuffle mixes the two files: dev positives ~ Binomial(1000, 0.5), sd 15.8; allow 4.4 sd
    const devPos = d.dev.y.reduce((acc, y) => acc + y, 0);
    expect(Math.abs(devPos - 500)).toBeLessThan(70);
  });

  it('stores each sentence as its clean_str tokens followed only by padding, with the right label', async () => {
    const d = await load();
    const decode = (f: string) => new TextDecoder('latin1').decode(readFileSync(f)); // ASCII part suffices: clean_str drops the rest
    const pos = new Set(
      decode(d.files.pos)
        .split('\n')
        .map((s) => tokenize(s).join(' ')),
    );
    const neg = new Set(
      decode(d.files.neg)
        .split('\n')
        .map((s) => tokenize(s).join(' ')),
    );
    for (const [split, n] of [
      [d.train, d.train.n],
      [d.dev, d.dev.n],
    ] as const) {
      for (let r = 0; r < n; r += 97) {
        const ids = Array.from(row(split, d.maxLen, r));
        const len = ids.indexOf(0) < 0 ? ids.length : ids.indexOf(0);
        expect(ids.slice(len).every((id) => id === 0)).toBe(true);
        const sentence = words(d, split, r).join(' ');
        expect((split.y[r] === 1 ? pos : neg).has(sentence)).toBe(true);
      }
    }
  });

  it('shuffles deterministically by seed', async () => {
    const a = await load();
    const b = await loadMovieReviews({ dataDir: dataDir(), seed: 0 });
    const c = await loadMovieReviews({ dataDir: dataDir(), seed: 1, devSize: 500 });
    const same = (u: Int32Array, v: Int32Array) =>
      Buffer.from(u.buffer, u.byteOffset, u.byteLength).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    expect(same(b.dev.x, a.dev.x)).toBe(true);
    expect(same(b.train.y, a.train.y)).toBe(true);
    expect(c.dev.n).toBe(500);
    expect(c.vocab.join('\n') === a.vocab.join('\n')).toBe(true); // vocabulary does not depend on the shuffle
    expect(words(c, c.train, 0)).not.toEqual(words(a, a.train, 0));
  });
});

describe('synthetic movie-review files', () => {
  function write(pos: Buffer | string, neg: Buffer | string): string {
    const dir = tempDir();
    mkdirSync(join(dir, 'rt-polaritydata'));
    writeFileSync(join(dir, 'rt-polaritydata', 'rt-polarity.pos'), pos);
    writeFileSync(join(dir, 'rt-polaritydata', 'rt-polarity.neg'), neg);
    return dir;
  }

  it('decodes Windows-1252, splits on "\\n" only, pads with id 0 and labels pos = 1, neg = 0', async () => {
    // 0x93/0x94 are curly quotes in Windows-1252 (dropped by clean_str); "\r" inside a line is not a line break.
    const pos = Buffer.concat([
      Buffer.from('a \x93good\x94 film\rindeed\n', 'latin1'),
      Buffer.from("it's fine (really)\n"),
    ]);
    const dir = write(pos, 'bad film\n');
    const d = await loadMovieReviews({ dataDir: dir, devSize: 1, seed: 5 });
    expect(d.train.n + d.dev.n).toBe(3);
    expect(d.maxLen).toBe(6); // it \'s fine \( really \)
    expect(d.vocab).toEqual([
      PAD_TOKEN,
      'a',
      'good',
      'film',
      'indeed',
      'it',
      "\\'s",
      'fine',
      '\\(',
      'really',
      '\\)',
      'bad',
    ]);
    const all = [d.train, d.dev].flatMap((s) =>
      Array.from({ length: s.n }, (_, r) => [words(d, s, r).join(' '), s.y[r]]),
    );
    expect(all.sort()).toEqual(
      [
        ['a good film indeed', 1],
        ['bad film', 0],
        ["it \\'s fine \\( really \\)", 1],
      ].sort(),
    );
    // 'bad film' padded to 6
    const badRow = [d.train, d.dev]
      .flatMap((s) => Array.from({ length: s.n }, (_, r) => Array.from(row(s, d.maxLen, r))))
      .find((ids) => ids[0] === 11);
    expect(badRow).toEqual([11, 3, 0, 0, 0, 0]);
  });

  it('fails on an empty file and on a blank line, naming file and line', async () => {
    const e1 = await loadMovieReviews({ dataDir: write('good\n', ''), devSize: 1 }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(DatasetError);
    expect((e1 as DatasetError).message).toContain('rt-polarity.neg: file is empty');
    const e2 = await loadMovieReviews({ dataDir: write('good\n\nfine\n', 'bad\n'), devSize: 1 }).catch(
      (e: unknown) => e,
    );
    expect(e2).toBeInstanceOf(DatasetError);
    expect((e2 as DatasetError).line).toBe(2);
    expect((e2 as DatasetError).file).toContain('rt-polarity.pos');
  });

  it('refuses binary data with a letter per line, naming file and line', async () => {
    // random bytes (no newline among them) then " a\n": every line still tokenizes to at least one word
    let x = 7;
    const bytes: number[] = [];
    for (let line = 0; line < 200; line++) {
      for (let i = 0; i < 40; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const b = x >>> 24;
        bytes.push(b === 0x0a ? 0x0b : b);
      }
      bytes.push(0x20, 0x61, 0x0a);
    }
    const dir = write('good\n', Buffer.from(bytes));
    const e = await loadMovieReviews({ dataDir: dir, devSize: 1 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as DatasetError).file).toContain('rt-polarity.neg');
    expect((e as DatasetError).line).toBe(1);
    expect((e as DatasetError).message).toMatch(
      /rt-polarity\.neg:1: not text: 13\.2% of its characters are control characters \(at most 1% allowed; binary data\?\)/,
    );
  });

  it('accepts text with a stray control character', async () => {
    const d = await loadMovieReviews({
      dataDir: write(`a good\u0007 film\n${'fine words here\n'.repeat(20)}`, 'bad\n'),
      devSize: 1,
    });
    expect(d.train.n + d.dev.n).toBe(22);
  });

  it('fails when the dev set would take every sentence, or a file is missing', async () => {
    const dir = write('good\n', 'bad\n');
    await expect(loadMovieReviews({ dataDir: dir })).rejects.toThrow(
      /devSize 1000 leaves no training sentences \(2 sentences/,
    );
    const lone = tempDir();
    writeFileSync(join(lone, 'rt-polarity.pos'), 'good\n');
    await expect(loadMovieReviews({ dataDir: lone })).rejects.toThrow(/rt-polarity\.neg: missing/);
    await expect(loadMovieReviews({ dataDir: tempDir() })).rejects.toThrow(/movie-review data .* not found/);
  });
});
