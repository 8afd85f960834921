import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireDataDir } from './data-dir.ts';
import { DatasetError } from './errors.ts';
import { loadUcrDataset } from './ucr.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-ucr-'));
}

async function failure(p: Promise<unknown>): Promise<DatasetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

/** Index of the first differing element (-1 when equal); cheaper than toEqual on 70k-element arrays. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Raw rows of a 2015 file read with a plain split (independent of the csv-parse path under test). */
function rawRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').map(Number));
}

describe('Adiac (real files, PARETOBENCH_DATA_DIR)', () => {
  // Each test fails with instructions when PARETOBENCH_DATA_DIR is unset (never skips).
  const dataDir = (): string => requireDataDir();
  const adiacDir = (): string => join(dataDir(), 'ucr', 'Adiac');

  it('has the published counts: 390 train, 391 test, 37 classes, length 176', async () => {
    const d = await loadUcrDataset('Adiac', { dataDir: dataDir() });
    expect(d.format).toBe('ucr2015');
    expect([d.train.n, d.test.n, d.numClasses, d.length]).toEqual([390, 391, 37, 176]);
    expect(d.train.x.length).toBe(390 * 176);
    expect(d.test.x.length).toBe(391 * 176);
    expect(d.classLabels).toEqual(Array.from({ length: 37 }, (_, i) => String(i + 1)));
    expect(new Set(d.train.y).size).toBe(37);
    expect(Math.min(...d.train.y, ...d.test.y)).toBe(0);
    expect(Math.max(...d.train.y, ...d.test.y)).toBe(36);
    expect(d.variableLength).toBe(false);
  });

  it('normalises with the TRAIN global mean and population std (train → mean 0, std 1; test uses the same constants)', async () => {
    const d = await loadUcrDataset('Adiac', { dataDir: dataDir() });
    let s = 0;
    let s2 = 0;
    for (const v of d.train.x) {
      s += v;
      s2 += v * v;
    }
    const n = d.train.x.length;
    expect(Math.abs(s / n)).toBeLessThan(1e-6);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 5);

    const train = rawRows(join(adiacDir(), 'Adiac_TRAIN'));
    const values = train.flatMap((r) => r.slice(1));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(d.normalisation.mean).toBeCloseTo(mean, 10);
    expect(d.normalisation.std).toBeCloseTo(std, 10);
    const test = rawRows(join(adiacDir(), 'Adiac_TEST'));
    for (const [r, t] of [
      [0, 0],
      [390, 175],
      [200, 88],
    ]) {
      expect(d.test.x[r * 176 + t]).toBeCloseTo((test[r][t + 1] - mean) / std, 5);
      expect(d.classLabels[d.test.y[r]]).toBe(String(test[r][0]));
    }
  });

  it('reads the same data from the 2018 .tsv, the aeon .ts and the space-separated .txt layouts', async () => {
    const ref = await loadUcrDataset('Adiac', { dataDir: dataDir() });
    const dir = tempDir();
    const tsv = join(dir, 'tsv', 'Adiac');
    const ts = join(dir, 'ts', 'ucr', 'Adiac');
    mkdirSync(tsv, { recursive: true });
    mkdirSync(ts, { recursive: true });
    const txt = join(dir, 'txt');
    mkdirSync(txt, { recursive: true });
    const labels = [...new Set(rawRows(join(adiacDir(), 'Adiac_TRAIN')).map((r) => r[0]))].sort((a, b) => a - b);
    for (const split of ['TRAIN', 'TEST']) {
      const rows = rawRows(join(adiacDir(), `Adiac_${split}`));
      writeFileSync(join(tsv, `Adiac_${split}.tsv`), rows.map((r) => r.join('\t')).join('\n') + '\n');
      writeFileSync(join(txt, `Adiac_${split}.txt`), rows.map((r) => `  ${r.join('   ')} `).join('\n') + '\n');
      const header = `@problemName Adiac\n@timeStamps false\n@missing false\n@univariate true\n@equalLength true\n@seriesLength 176\n@classLabel true ${labels.join(' ')}\n@data\n`;
      writeFileSync(
        join(ts, `Adiac_${split}.ts`),
        header + rows.map((r) => `${r.slice(1).join(',')}:${r[0]}`).join('\n') + '\n',
      );
    }
    for (const [sub, format] of [
      ['tsv', 'ucr2018'],
      ['ts', 'ts'],
      ['txt', 'txt'],
    ]) {
      const d = await loadUcrDataset('Adiac', { dataDir: join(dir, sub) });
      expect(d.format).toBe(format);
      expect(d.classLabels).toEqual(ref.classLabels);
      expect(d.train.y).toEqual(ref.train.y);
      expect(d.test.y).toEqual(ref.test.y);
      expect(firstDifference(d.train.x, ref.train.x)).toBe(-1);
      expect(firstDifference(d.test.x, ref.test.x)).toBe(-1);
    }
  });
});

describe('synthetic UCR files', () => {
  function write(dir: string, files: Record<string, string>): string {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('maps numeric labels in numeric order (not string order) to 0..K-1', async () => {
    const dir = write(join(tempDir(), 'Toy'), {
      Toy_TRAIN: '10,1,2\n2,3,4\n-1,5,6\n2.0,7,8\n',
      Toy_TEST: '-1,1,1\n10,2,2\n',
    });
    const d = await loadUcrDataset('Toy', { dataDir: dir });
    expect(d.classLabels).toEqual(['-1', '2', '10']);
    expect(Array.from(d.train.y)).toEqual([2, 1, 0, 1]);
    expect(Array.from(d.test.y)).toEqual([0, 2]);
    // values 1..8: mean 4.5, population std sqrt(5.25)
    expect(d.normalisation.mean).toBeCloseTo(4.5, 12);
    expect(d.normalisation.std).toBeCloseTo(Math.sqrt(5.25), 12);
    expect(d.train.x[0]).toBeCloseTo((1 - 4.5) / Math.sqrt(5.25), 6);
  });

  it('sorts non-numeric .ts labels by code point', async () => {
    const head = '@problemName S\n@classLabel true dog cat ant\n@data\n';
    const dir = write(tempDir(), {
      S_TRAIN: '',
      'S_TRAIN.ts': `${head}1,2:dog\n3,4:ant\n`,
      'S_TEST.ts': `${head}1,2:cat\n`,
    });
    // "S_TRAIN" (2015 name) exists but is empty here; the 2015 layout is tried first and must fail loudly.
    const e = await failure(loadUcrDataset('S', { dataDir: dir }));
    expect(e.message).toContain('S_TEST: test file missing');
    const dir2 = write(tempDir(), { 'S_TRAIN.ts': `${head}1,2:dog\n3,4:ant\n`, 'S_TEST.ts': `${head}1,2:cat\n` });
    const d = await loadUcrDataset('S', { dataDir: dir2 });
    expect(d.classLabels).toEqual(['ant', 'cat', 'dog']);
    expect(d.numClasses).toBe(3);
    expect(Array.from(d.train.y)).toEqual([2, 0]);
    expect(Array.from(d.test.y)).toEqual([1]);
  });

  it('fails when a TEST label does not occur in TRAIN, naming file and line', async () => {
    const dir = write(tempDir(), { Toy_TRAIN: '1,1,2\n2,3,4\n', Toy_TEST: '1,1,1\n3,2,2\n' });
    const e = await failure(loadUcrDataset('Toy', { dataDir: dir }));
    expect(e.file).toBe(join(dir, 'Toy_TEST'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('class label "3"');
  });

  it('fails when the TEST width differs from TRAIN in the 2015 layout', async () => {
    const dir = write(tempDir(), { Toy_TRAIN: '1,1,2,3\n2,3,4,5\n', Toy_TEST: '1,1,1\n' });
    const e = await failure(loadUcrDataset('Toy', { dataDir: dir }));
    expect([e.file, e.line]).toEqual([join(dir, 'Toy_TEST'), 1]);
  });

  it('fails on an empty file, naming it', async () => {
    const dir = write(tempDir(), { Toy_TRAIN: '1,1,2\n', Toy_TEST: '' });
    const e = await failure(loadUcrDataset('Toy', { dataDir: dir }));
    expect(e.message).toBe(`${join(dir, 'Toy_TEST')}: file is empty`);
  });

  describe('variable length (2018 NaN padding)', () => {
    // observed train values 1,2,3,4,5 → mean 3, population std sqrt(2)
    const files = {
      'V_TRAIN.tsv': '1\t1\t2\t3\tNaN\n2\t4\t5\tNaN\tNaN\n',
      'V_TEST.tsv': '1\t1\tNaN\t3\t5\n',
    };
    const z = (v: number) => (v - 3) / Math.SQRT2;

    it("'pad' keeps the observed values, zero-fills the tail and records true lengths", async () => {
      const d = await loadUcrDataset('V', { dataDir: write(tempDir(), files) });
      expect(d.variableLength).toBe(true);
      expect(d.length).toBe(4);
      expect(Array.from(d.train.lengths)).toEqual([3, 2]);
      expect(Array.from(d.test.lengths)).toEqual([4]);
      const expected = [z(1), z(2), z(3), 0, z(4), z(5), 0, 0];
      Array.from(d.train.x).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      // the interior NaN of the test row is interpolated between 1 and 3
      Array.from(d.test.x).forEach((v, i) => expect(v).toBeCloseTo([z(1), z(2), z(3), z(5)][i], 6));
      expect(d.missingValuesFilled).toBe(1);
    });

    it("'resample' linearly interpolates every series onto the longest length", async () => {
      const d = await loadUcrDataset('V', { dataDir: write(tempDir(), files), variableLength: 'resample' });
      const expected = [z(1), z(5 / 3), z(7 / 3), z(3), z(4), z(13 / 3), z(14 / 3), z(5)];
      Array.from(d.train.x).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      expect(d.variableLengthPolicy).toBe('resample');
    });
  });
});

describe('locating files', () => {
  it('finds <dir>/<name>/ and <dir> itself, and uses PARETOBENCH_DATA_DIR when no dataDir is given', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'Toy'));
    writeFileSync(join(root, 'Toy', 'Toy_TRAIN'), '1,1,2\n2,3,4\n');
    writeFileSync(join(root, 'Toy', 'Toy_TEST'), '1,1,2\n');
    expect((await loadUcrDataset('Toy', { dataDir: root })).train.n).toBe(2);
    expect((await loadUcrDataset('Toy', { dataDir: join(root, 'Toy') })).train.n).toBe(2);
    vi.stubEnv('PARETOBENCH_DATA_DIR', root);
    expect((await loadUcrDataset('Toy', { allowDownload: false })).test.n).toBe(1);
  });

  it('fails with the searched paths when the configured directory lacks the dataset (no silent download)', async () => {
    const root = tempDir();
    const e = await failure(loadUcrDataset('Missing', { dataDir: root }));
    expect(e.message).toContain('UCR dataset "Missing" not found');
    expect(e.message).toContain(join(root, 'ucr', 'Missing', 'Missing_TRAIN{,.tsv,.ts,.txt}'));
  });

  it('rejects bad options and dataset names, naming the field', async () => {
    const bad = { dataDir: tempDir(), variableLength: 'stretch' } as unknown as Parameters<typeof loadUcrDataset>[1];
    expect((await failure(loadUcrDataset('Toy', bad))).message).toContain('variableLength');
    expect((await failure(loadUcrDataset('../etc', { dataDir: tempDir() }))).message).toContain(
      'not a UCR dataset name',
    );
  });
});
