/**
 * Diatom's data: UCR Adiac (the TRAIN file trains, the TEST file validates, as in Wang et al.), subset by the preset
 * with the run seed.
 */
import { subsetIndices, takeItems, takeRows } from '../subset.ts';
import type { DataRequest } from '../study.ts';

export interface AdiacData {
  xTrain: Float32Array;
  yTrain: Int32Array;
  xVal: Float32Array;
  yVal: Int32Array;
  length: number;
  numClasses: number;
}

export async function loadAdiac({ preset, seed, dataDir }: DataRequest): Promise<AdiacData> {
  const datasets = await import('@paretobench/datasets');
  const ds = await datasets.loadUcrDataset('Adiac', { dataDir });
  const tr = subsetIndices(ds.train.n, preset.trainFraction, seed);
  const va = subsetIndices(ds.test.n, preset.valFraction, seed + 1);
  return {
    xTrain: takeRows(ds.train.x, ds.length, tr),
    yTrain: takeItems(ds.train.y, tr),
    xVal: takeRows(ds.test.x, ds.length, va),
    yVal: takeItems(ds.test.y, va),
    length: ds.length,
    numClasses: ds.numClasses,
  };
}
