/**
 * Loads (fetching into the cache if needed) and summarises the datasets as JSON:
 *   tsx packages/datasets/src/cli/describe.ts [--data-dir DIR] [--cache-dir DIR] [--dataset Adiac|mr|all] [--seed N] [--no-download]
 * Progress goes to stderr, the JSON summary to stdout.
 */
import { parseArgs } from 'node:util';
import { summariseSentences, summariseUcr } from '../dataset-summary.ts';
import { DatasetError } from '../errors.ts';
import { loadMovieReviews } from '../movie-reviews.ts';
import { loadUcrDataset } from '../ucr.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      dataset: { type: 'string', default: 'all' },
      seed: { type: 'string', default: '0' },
      'no-download': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  const common = {
    dataDir: values['data-dir'],
    cacheDir: values['cache-dir'],
    allowDownload: !values['no-download'],
    onProgress: (m: string) => process.stderr.write(`${m}\n`),
  };
  const which = values.dataset ?? 'all';
  const out: Record<string, unknown> = {};
  if (which === 'all' || which.toLowerCase() !== 'mr') {
    const name = which === 'all' ? 'Adiac' : which;
    out[name] = summariseUcr(await loadUcrDataset(name, common));
  }
  if (which === 'all' || which.toLowerCase() === 'mr') {
    out.mr = summariseSentences(await loadMovieReviews({ ...common, seed }));
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof DatasetError ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
