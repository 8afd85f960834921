/**
 * Rotten's data: MR sentence polarity (train / dev split drawn with the run seed, as in Kim's code), subset by the
 * preset with the run seed.
 */
import { subsetIndices, takeItems, takeRows } from '../subset.ts';
import type { DataRequest } from '../study.ts';

export interface MovieReviewData {
  xTrain: Int32Array;
  yTrain: Int32Array;
  xVal: Int32Array;
  yVal: Int32Array;
  maxLen: number;
  vocabSize: number;
  numClasses: number;
}

export async function loadMovieReviewData({ preset, seed, dataDir }: DataRequest): Promise<MovieReviewData> {
  const datasets = await import('@paretobench/datasets');
  const ds = await datasets.loadMovieReviews({ dataDir, seed });
  const tr = subsetIndices(ds.train.n, preset.trainFraction, seed);
  const va = subsetIndices(ds.dev.n, preset.valFraction, seed + 1);
  return {
    xTrain: takeRows(ds.train.x, ds.maxLen, tr),
    yTrain: takeItems(ds.train.y, tr),
    xVal: takeRows(ds.dev.x, ds.maxLen, va),
    yVal: takeItems(ds.dev.y, va),
    maxLen: ds.maxLen,
    vocabSize: ds.vocabSize,
    numClasses: 2,
  };
}
