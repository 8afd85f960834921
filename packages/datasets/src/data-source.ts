import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveCacheDir, resolveDataDir } from './data-dir.ts';
import { DatasetError } from './errors.ts';
import { extractArchive } from './extract-archive.ts';
import { checksumPath, fetchArchive } from './fetch-archive.ts';

export const DataSourceOptionsSchema = z.object({
  /** Local directory; if absent: env PARETOBENCH_DATA_DIR; else download into cacheDir. */
  dataDir: z.string().min(1).optional(),
  /** Default: env PARETOBENCH_CACHE_DIR or ~/.cache/paretobench. */
  cacheDir: z.string().min(1).optional(),
  /** Default true. */
  allowDownload: z.boolean().optional(),
  /** Overrides the official source URL (the directory holding the archive). */
  baseUrl: z.url().optional(),
  onProgress: z
    .custom<(msg: string) => void>((v) => typeof v === 'function', { message: 'onProgress must be a function' })
    .optional(),
});

export type DataSourceOptions = z.infer<typeof DataSourceOptionsSchema>;

/** Validates options with a zod schema; a bad field becomes a DatasetError naming it. */
export function parseOptions<S extends z.ZodType>(schema: S, opts: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(opts ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DatasetError(`<${what} options>`, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

export interface SourceSpec<T> {
  /** Human name for messages, e.g. 'UCR dataset "Adiac"'. */
  what: string;
  /** Looks for the files under a directory; undefined when they are not there. */
  find: (dir: string) => Promise<T | undefined>;
  /** Paths `find` looked at, for the not-found message. */
  searched: (dir: string) => string[];
  /** Official directory URL holding the archive (overridden by opts.baseUrl). */
  defaultBaseUrl: string;
  /** Archive file name, e.g. "Adiac.zip"; also its name in the cache. */
  archiveName: string;
  /** Cache sub-path where the archive and its extraction live, e.g. "ucr". */
  cacheSubdir: string;
  /** Directory name of the extraction inside the cache sub-path. */
  extractName: string;
}

/**
 * Local directory (opts.dataDir, else env PARETOBENCH_DATA_DIR) when configured — a configured directory that lacks
 * the files is an error, never a silent download — else the cache, downloading and extracting the archive if needed.
 */
export async function locateOrFetch<T>(opts: DataSourceOptions, spec: SourceSpec<T>): Promise<T> {
  const dataDir = resolveDataDir(opts.dataDir);
  if (dataDir !== undefined) {
    const found = await spec.find(dataDir);
    if (found !== undefined) return found;
    throw new DatasetError(
      dataDir,
      `${spec.what} not found; looked for ${spec.searched(dataDir).join(', ')} ` +
        `(directory from ${opts.dataDir ? '--data-dir/dataDir' : 'PARETOBENCH_DATA_DIR'})`,
    );
  }
  const cacheRoot = join(resolveCacheDir(opts.cacheDir), spec.cacheSubdir);
  const base = (opts.baseUrl ?? spec.defaultBaseUrl).replace(/\/+$/, '');
  const url = `${base}/${spec.archiveName}`;
  opts.onProgress?.(`${spec.what}: no local data directory (PARETOBENCH_DATA_DIR unset), using cache ${cacheRoot}`);
  let archive;
  try {
    archive = await fetchArchive({
      url,
      archivePath: join(cacheRoot, spec.archiveName),
      allowDownload: opts.allowDownload ?? true,
      onProgress: opts.onProgress,
    });
  } catch (err) {
    // say what was tried and how to use files already on disk instead
    if (err instanceof DatasetError && /download failed/.test(err.detail)) {
      throw new DatasetError(
        err.file,
        `${err.detail}; no local copy in the cache (${cacheRoot}). To use local files, pass --data-dir DIR or set ` +
          `PARETOBENCH_DATA_DIR=DIR, where DIR holds ${spec.what} as one of ${spec.searched('DIR').join(', ')}`,
        undefined,
        { cause: err },
      );
    }
    throw err;
  }
  let dir: string;
  try {
    dir = await extractArchive(archive.path, archive.sha256, join(cacheRoot, spec.extractName), opts.onProgress);
  } catch (err) {
    // A corrupt archive would fail the same way on every run: drop it so the next run downloads it afresh.
    await rm(archive.path, { force: true });
    await rm(checksumPath(archive.path), { force: true });
    if (err instanceof DatasetError) {
      throw new DatasetError(err.file, `${err.detail} (removed it from the cache)`, err.line, { cause: err });
    }
    throw err;
  }
  const found = await spec.find(dir);
  if (found !== undefined) return found;
  throw new DatasetError(
    archive.path,
    `archive from ${url} does not contain ${spec.what}; looked for ${spec.searched(dir).join(', ')}`,
  );
}
