import type { SentenceDataset } from './movie-reviews.ts';
import type { UcrDataset } from './ucr.ts';

export interface UcrSummary {
  name: string;
  format: string;
  train: number;
  test: number;
  classes: number;
  length: number;
  variableLength: boolean;
  /** Rows per class in TRAIN, by class index. */
  trainClassCounts: number[];
  normalisation: { mean: number; std: number };
}

export interface SentenceSummary {
  sentences: number;
  /** Distinct tokens, without the padding id. */
  words: number;
  vocabSize: number;
  maxLen: number;
  train: number;
  dev: number;
  positive: number;
  negative: number;
  seed: number;
}

/** The published counts of a UCR dataset, as checked against Adiac's 390 / 391 / 37 / 176. */
export function summariseUcr(d: UcrDataset): UcrSummary {
  const counts = new Array<number>(d.numClasses).fill(0);
  for (const y of d.train.y) counts[y]++;
  return {
    name: d.name,
    format: d.format,
    train: d.train.n,
    test: d.test.n,
    classes: d.numClasses,
    length: d.length,
    variableLength: d.variableLength,
    trainClassCounts: counts,
    normalisation: d.normalisation,
  };
}

/** The published counts of the MR data (10,662 sentences, 18,765 words, 56 tokens). */
export function summariseSentences(d: SentenceDataset): SentenceSummary {
  let positive = 0;
  for (const y of d.train.y) positive += y;
  for (const y of d.dev.y) positive += y;
  const sentences = d.train.n + d.dev.n;
  return {
    sentences,
    words: d.vocabSize - 1,
    vocabSize: d.vocabSize,
    maxLen: d.maxLen,
    train: d.train.n,
    dev: d.dev.n,
    positive,
    negative: sentences - positive,
    seed: d.seed,
  };
}
