import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DatasetError } from './errors.ts';

export interface FetchArchiveOptions {
  url: string;
  /** Where the archive lives in the cache; `<archivePath>.sha256` records its checksum. */
  archivePath: string;
  allowDownload: boolean;
  onProgress?: (msg: string) => void;
  /** Abort when no bytes arrive for this long (default 60 s): a stalled server must not hang a study. */
  idleTimeoutMs?: number;
}

export interface FetchedArchive {
  path: string;
  sha256: string;
  downloaded: boolean;
}

/** sha256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export function checksumPath(archivePath: string): string {
  return `${archivePath}.sha256`;
}

/** Reads the hex digest from a `sha256sum`-style line ("<hex>  <name>"); undefined when absent or malformed. */
async function readRecordedChecksum(archivePath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(checksumPath(archivePath), 'utf8');
  } catch {
    return undefined;
  }
  const m = /^([0-9a-f]{64})\b/.exec(text.trim());
  return m ? m[1] : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function tempName(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
}

/** Write a small file atomically: temp file in the same directory, then rename. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = tempName(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}

/**
 * Returns the archive from the cache when its recorded sha256 still matches, else downloads it.
 * The body streams into a temp file beside the target which is renamed into place only when complete,
 * so a killed download never leaves a partial archive under the final name; the checksum file is written
 * (atomically) after the rename, so an archive without a checksum is treated as unverified and fetched again.
 */
export async function fetchArchive(opts: FetchArchiveOptions): Promise<FetchedArchive> {
  const { url, archivePath, onProgress } = opts;
  if (await exists(archivePath)) {
    const recorded = await readRecordedChecksum(archivePath);
    const actual = await sha256File(archivePath);
    if (recorded === actual) {
      onProgress?.(`using cached ${archivePath} (sha256 ${actual.slice(0, 12)}… verified)`);
      return { path: archivePath, sha256: actual, downloaded: false };
    }
    const why =
      recorded === undefined
        ? `has no recorded checksum (${basename(checksumPath(archivePath))} missing)`
        : `sha256 ${actual} does not match the recorded ${recorded}`;
    if (!opts.allowDownload) {
      throw new DatasetError(archivePath, `cached archive ${why}, and downloads are disabled (allowDownload: false)`);
    }
    onProgress?.(`cached ${archivePath} ${why}; downloading it again`);
  } else if (!opts.allowDownload) {
    throw new DatasetError(
      archivePath,
      `not in the cache and downloads are disabled (allowDownload: false); set PARETOBENCH_DATA_DIR or pass --data-dir to use local files`,
    );
  }

  await mkdir(dirname(archivePath), { recursive: true });
  onProgress?.(`downloading ${url}`);
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  const controller = new AbortController();
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => controller.abort(new Error(`no data received for ${idleMs / 1000} s`)), idleMs);
  };
  armIdleTimer();
  let res: Response;
  try {
    // identity: the archive's own bytes (a server adding Content-Encoding would otherwise change length and checksum)
    res = await fetch(url, {
      redirect: 'follow',
      signal: controller.signal,
      headers: { 'accept-encoding': 'identity' },
    });
  } catch (err) {
    clearTimeout(idleTimer);
    const reason = controller.signal.aborted ? (controller.signal.reason as Error) : (err as Error);
    throw new DatasetError(url, `download failed: ${reason.message}`, undefined, { cause: err });
  }
  if (!res.ok || res.body === null) {
    clearTimeout(idleTimer);
    throw new DatasetError(url, `download failed: HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const lengthHeader = res.headers.get('content-length');
  const encoding = (res.headers.get('content-encoding') ?? 'identity').toLowerCase();
  // With a Content-Encoding, fetch decodes the body, so Content-Length no longer counts the bytes we see.
  const expected =
    lengthHeader !== null && /^\d+$/.test(lengthHeader) && encoding === 'identity' ? Number(lengthHeader) : undefined;

  const hash = createHash('sha256');
  let received = 0;
  let nextReport = 0;
  const reportStep = expected !== undefined ? Math.max(expected / 10, 64 * 1024) : 5 * 1024 * 1024;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      armIdleTimer();
      hash.update(chunk);
      received += chunk.length;
      if (received >= nextReport) {
        nextReport = received + reportStep;
        const pct = expected ? ` (${Math.floor((100 * received) / expected)}%)` : '';
        onProgress?.(
          `${basename(archivePath)}: ${formatBytes(received)}${expected ? ` of ${formatBytes(expected)}` : ''}${pct}`,
        );
      }
      cb(null, chunk);
    },
  });

  const tmp = tempName(archivePath);
  try {
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    await pipeline(body, meter, createWriteStream(tmp));
    clearTimeout(idleTimer);
    if (expected !== undefined && received !== expected) {
      throw new DatasetError(url, `download truncated: received ${received} of ${expected} bytes`);
    }
    const digest = hash.digest('hex');
    await rename(tmp, archivePath);
    await writeFileAtomic(checksumPath(archivePath), `${digest}  ${basename(archivePath)}\n`);
    onProgress?.(`saved ${archivePath} (${formatBytes(received)}, sha256 ${digest})`);
    return { path: archivePath, sha256: digest, downloaded: true };
  } catch (err) {
    clearTimeout(idleTimer);
    await rm(tmp, { force: true });
    if (err instanceof DatasetError) throw err;
    const cause = controller.signal.aborted ? (controller.signal.reason as Error) : (err as Error);
    const where = expected !== undefined ? ` after ${received} of ${expected} bytes` : ` after ${received} bytes`;
    throw new DatasetError(url, `download interrupted${where} (${cause.message}); nothing was saved`, undefined, {
      cause: err,
    });
  }
}
