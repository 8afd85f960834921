import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatasetError } from './errors.ts';

/** Environment variable naming the local directory that holds the datasets. */
export const DATA_DIR_ENV = 'PARETOBENCH_DATA_DIR';
/** Environment variable naming the download cache directory. */
export const CACHE_DIR_ENV = 'PARETOBENCH_CACHE_DIR';

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** Local data directory: the flag (e.g. `--data-dir`) wins over env PARETOBENCH_DATA_DIR; undefined when neither is set. */
export function resolveDataDir(flag?: string): string | undefined {
  const dir = nonEmpty(flag) ?? nonEmpty(process.env[DATA_DIR_ENV]);
  return dir === undefined ? undefined : resolve(dir);
}

/** Like resolveDataDir, but throws a DatasetError explaining how to point at the data when none is configured. */
export function requireDataDir(flag?: string): string {
  const dir = resolveDataDir(flag);
  if (dir === undefined) {
    throw new DatasetError(
      '<data dir>',
      `no dataset directory configured: pass --data-dir DIR or set ${DATA_DIR_ENV}=DIR ` +
        `(DIR holds ucr/<Name>/ and rt-polaritydata/, e.g. ${DATA_DIR_ENV}=/work/shared/datasets)`,
    );
  }
  return dir;
}

/** Download cache: the explicit option, else env PARETOBENCH_CACHE_DIR, else ~/.cache/paretobench. */
export function resolveCacheDir(option?: string): string {
  return resolve(nonEmpty(option) ?? nonEmpty(process.env[CACHE_DIR_ENV]) ?? join(homedir(), '.cache', 'paretobench'));
}
