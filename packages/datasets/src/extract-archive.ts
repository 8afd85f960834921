import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import * as tar from 'tar';
import { DatasetError } from './errors.ts';
import { writeFileAtomic } from './fetch-archive.ts';

/** File inside an extracted directory recording which archive (sha256) it came from. */
const STAMP = '.paretobench-archive.sha256';

export type ArchiveKind = 'zip' | 'tar.gz' | 'tar';

export function archiveKind(path: string): ArchiveKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  throw new DatasetError(path, 'unknown archive type (expected .zip, .tar.gz, .tgz or .tar)');
}

/**
 * Extracts `archivePath` into `destDir` unless destDir already holds an extraction of the archive with this
 * sha256. Extraction goes to a temp directory that is renamed into place, so a killed run never leaves a
 * half-extracted directory under the final name. zip via adm-zip, tar via node-tar (both refuse paths
 * escaping the target directory).
 */
async function stampMatches(dir: string, sha256: string): Promise<boolean> {
  try {
    return (await readFile(join(dir, STAMP), 'utf8')).trim() === sha256;
  } catch {
    return false;
  }
}

export async function extractArchive(
  archivePath: string,
  sha256: string,
  destDir: string,
  onProgress?: (msg: string) => void,
): Promise<string> {
  if (await stampMatches(destDir, sha256)) return destDir;
  const kind = archiveKind(archivePath);
  const tmp = `${destDir}.${process.pid}-${randomBytes(4).toString('hex')}.extracting`;
  onProgress?.(`extracting ${archivePath}`);
  try {
    await mkdir(tmp, { recursive: true });
    if (kind === 'zip') {
      const zip = new AdmZip(archivePath);
      zip.extractAllTo(tmp, true);
    } else {
      await tar.x({ file: archivePath, cwd: tmp, strict: true });
    }
    if ((await readdir(tmp)).length === 0) throw new Error('archive is empty');
    await writeFileAtomic(join(tmp, STAMP), `${sha256}\n`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(archivePath, `cannot extract ${kind} archive: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  // Parallel workers share the cache, so never delete a directory that holds this archive's contents (its readers
  // would see files vanish). rename() onto a missing path is atomic; an occupied path is kept when its stamp
  // matches, else (stale contents of an older archive) moved aside atomically and removed after the swap.
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await rename(tmp, destDir);
        onProgress?.(`extracted into ${destDir}`);
        return destDir;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw err;
      }
      if (await stampMatches(destDir, sha256)) break; // someone else finished the same extraction
      const stale = `${destDir}.${process.pid}-${randomBytes(4).toString('hex')}.stale`;
      try {
        await rename(destDir, stale);
      } catch {
        continue; // it moved or was replaced meanwhile; look again
      }
      await rm(stale, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new DatasetError(destDir, `cannot move the extraction into place: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  if (!(await stampMatches(destDir, sha256))) {
    await rm(tmp, { recursive: true, force: true });
    throw new DatasetError(
      destDir,
      'cannot move the extraction into place: the directory keeps changing (concurrent extractions?)',
    );
  }
  await rm(tmp, { recursive: true, force: true });
  return destDir;
}
