/** @paretobench/datasets — UCR and movie-review loaders, fetch + cache, Kim's tokenizer, vocabulary. */
export { DatasetError } from './errors.ts';
export { resolveDataDir, requireDataDir, resolveCacheDir, DATA_DIR_ENV, CACHE_DIR_ENV } from './data-dir.ts';
export { DataSourceOptionsSchema, type DataSourceOptions } from './data-source.ts';
export {
  loadUcrDataset,
  loadUcrFiles,
  findUcrFiles,
  UcrOptionsSchema,
  UCR_BASE_URL,
  type UcrDataset,
  type UcrSplit,
  type UcrFiles,
  type UcrLoadOptions,
} from './ucr.ts';
export { type UcrFormat } from './ucr-parse.ts';
export {
  loadMovieReviews,
  loadMovieReviewFiles,
  findMovieReviewFiles,
  MovieReviewOptionsSchema,
  MOVIE_REVIEW_BASE_URL,
  PAD_TOKEN,
  type SentenceDataset,
  type SentenceSplit,
  type MovieReviewOptions,
} from './movie-reviews.ts';
export { cleanStr, tokenize } from './clean-str.ts';
export { Sfc32, seededPermutation } from './prng.ts';
export { decodeWindows1252 } from './windows-1252.ts';
