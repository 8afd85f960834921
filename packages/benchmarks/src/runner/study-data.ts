/**
 * The data a study run trains and validates on: its dataset, subset by the preset with the run seed. The workers train
 * on it; the regression check reads its validation labels to know what accuracy a model that learned nothing reaches.
 */
import type { StudyName } from '../studies/definitions.ts';
import type { Preset } from '../studies/presets.ts';
import { subsetIndices, takeItems, takeRows } from './subset.ts';

export interface FcnStudyData {
  study: 'diatom';
  xTrain: Float32Array;
  yTrain: Int32Array;
  xVal: Float32Array;
  yVal: Int32Array;
  length: number;
  numClasses: number;
}

export interface KimStudyData {
  study: 'rotten';
  xTrain: Int32Array;
  yTrain: Int32Array;
  xVal: Int32Array;
  yVal: Int32Array;
  maxLen: number;
  vocabSize: number;
  numClasses: number;
}

export type StudyData = FcnStudyData | KimStudyData;

/** Diatom: UCR Adiac (train / test split), subset by the preset. */
export async function loadFcnData(preset: Preset, seed: number, dataDir: string | undefined): Promise<FcnStudyData> {
  const datasets = await import('@paretobench/datasets');
  const ds = await datasets.loadUcrDataset('Adiac', { dataDir });
  const tr = subsetIndices(ds.train.n, preset.trainFraction, seed);
  const va = subsetIndices(ds.test.n, preset.valFraction, seed + 1);
  return {
    study: 'diatom',
    xTrain: takeRows(ds.train.x, ds.length, tr),
    yTrain: takeItems(ds.train.y, tr),
    xVal: takeRows(ds.test.x, ds.length, va),
    yVal: takeItems(ds.test.y, va),
    length: ds.length,
    numClasses: ds.numClasses,
  };
}

/** Rotten: MR polarity (train / dev split drawn with the seed), subset by the preset. */
export async function loadKimData(preset: Preset, seed: number, dataDir: string | undefined): Promise<KimStudyData> {
  const datasets = await import('@paretobench/datasets');
  const ds = await datasets.loadMovieReviews({ dataDir, seed });
  const tr = subsetIndices(ds.train.n, preset.trainFraction, seed);
  const va = subsetIndices(ds.dev.n, preset.valFraction, seed + 1);
  return {
    study: 'rotten',
    xTrain: takeRows(ds.train.x, ds.maxLen, tr),
    yTrain: takeItems(ds.train.y, tr),
    xVal: takeRows(ds.dev.x, ds.maxLen, va),
    yVal: takeItems(ds.dev.y, va),
    maxLen: ds.maxLen,
    vocabSize: ds.vocabSize,
    numClasses: 2,
  };
}

export function loadStudyData(
  study: StudyName,
  preset: Preset,
  seed: number,
  dataDir: string | undefined,
): Promise<StudyData> {
  return study === 'diatom' ? loadFcnData(preset, seed, dataDir) : loadKimData(preset, seed, dataDir);
}
