import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseSentences, summariseUcr } from './dataset-summary.ts';
import { loadMovieReviews } from './movie-reviews.ts';
import { loadUcrDataset } from './ucr.ts';

describe('dataset summaries', () => {
  it('counts UCR rows per class and reports shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-sum-'));
    writeFileSync(join(dir, 'T_TRAIN'), '3,1,2\n1,3,4\n3,5,6\n');
    writeFileSync(join(dir, 'T_TEST'), '1,1,1\n');
    const s = summariseUcr(await loadUcrDataset('T', { dataDir: dir }));
    expect(s).toMatchObject({
      name: 'T',
      format: 'ucr2015',
      train: 3,
      test: 1,
      classes: 2,
      length: 2,
      trainClassCounts: [1, 2],
    });
    expect(s.normalisation.mean).toBeCloseTo(3.5, 12);
  });

  it('counts sentences, words without padding and label balance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-sum-'));
    writeFileSync(join(dir, 'rt-polarity.pos'), 'good film\ngood fun\n');
    writeFileSync(join(dir, 'rt-polarity.neg'), 'bad\n');
    const s = summariseSentences(await loadMovieReviews({ dataDir: dir, devSize: 1, seed: 9 }));
    expect(s).toEqual({
      sentences: 3,
      words: 4,
      vocabSize: 5,
      maxLen: 2,
      train: 2,
      dev: 1,
      positive: 2,
      negative: 1,
      seed: 9,
    });
  });
});
