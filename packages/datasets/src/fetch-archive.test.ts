import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DatasetError } from './errors.ts';
import { fetchArchive } from './fetch-archive.ts';
import { loadMovieReviews } from './movie-reviews.ts';
import { loadUcrDataset } from './ucr.ts';

// Download path tests: fixture archives built here from tiny synthetic files, served from 127.0.0.1 — never the internet.

const TS_HEAD =
  '@problemName Synth\n@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel true 1 2\n@data\n';
const SYNTH_TRAIN = `${TS_HEAD}1,2,3:1\n4,5,6:2\n`; // values 1..6: mean 3.5, population std sqrt(35/12)
const SYNTH_TEST = `${TS_HEAD}3.5,3.5,3.5:2\n`;

function buildZip(): Buffer {
  const zip = new AdmZip();
  zip.addFile('Synth/Synth_TRAIN.ts', Buffer.from(SYNTH_TRAIN));
  zip.addFile('Synth/Synth_TEST.ts', Buffer.from(SYNTH_TEST));
  zip.addFile('Synth/Synth.txt', Buffer.from('readme'));
  return zip.toBuffer();
}

async function buildTarGz(): Promise<Buffer> {
  const src = mkdtempSync(join(tmpdir(), 'pb-tar-src-'));
  mkdirSync(join(src, 'rt-polaritydata'));
  writeFileSync(
    join(src, 'rt-polaritydata', 'rt-polarity.pos'),
    Buffer.from('a \x93fine\x94 film\ngreat fun !\n', 'latin1'),
  );
  writeFileSync(join(src, 'rt-polaritydata', 'rt-polarity.neg'), 'dull film\nnot fun\n');
  writeFileSync(join(src, 'rt-polaritydata.README.1.0.txt'), 'readme\n');
  const file = join(src, 'out.tar.gz');
  await tar.c({ gzip: true, file, cwd: src }, ['rt-polaritydata', 'rt-polaritydata.README.1.0.txt']);
  return readFileSync(file);
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let server: Server;
let base = '';
let zipBytes: Buffer;
let tarBytes: Buffer;
const hits = new Map<string, number>();

beforeAll(async () => {
  zipBytes = buildZip();
  tarBytes = await buildTarGz();
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (url === '/ucr/Synth.zip') {
      res.writeHead(200, { 'content-length': zipBytes.length, 'content-type': 'application/zip' });
      res.end(zipBytes);
    } else if (url === '/mr/rt-polaritydata.tar.gz') {
      res.writeHead(200, { 'content-length': tarBytes.length });
      res.end(tarBytes);
    } else if (url === '/cut/Synth.zip') {
      // announces the whole archive, sends half, then drops the connection (a download killed midway)
      res.writeHead(200, { 'content-length': zipBytes.length });
      res.write(zipBytes.subarray(0, zipBytes.length >> 1), () => res.socket?.destroy());
    } else if (url === '/stall/Synth.zip') {
      // sends the headers and a few bytes, then nothing
      res.writeHead(200, { 'content-length': zipBytes.length });
      res.write(zipBytes.subarray(0, 16));
    } else if (url === '/junk/Synth.zip') {
      const junk = Buffer.from('this is not a zip archive');
      res.writeHead(200, { 'content-length': junk.length });
      res.end(junk);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  vi.stubEnv('PARETOBENCH_DATA_DIR', ''); // force the cache/download path even when CI sets a data dir
  hits.clear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function cacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-cache-'));
}

/** Every file and directory name under dir, recursively. */
function listAll(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String);
}

describe('download into the cache', () => {
  it('downloads a UCR zip, records its sha256, and reuses the verified archive without a new request', async () => {
    const cache = cacheDir();
    const messages: string[] = [];
    const d = await loadUcrDataset('Synth', {
      cacheDir: cache,
      baseUrl: `${base}/ucr/`,
      onProgress: (m) => messages.push(m),
    });
    expect([d.train.n, d.test.n, d.numClasses, d.length, d.format]).toEqual([2, 1, 2, 3, 'ts']);
    expect(Array.from(d.train.y)).toEqual([0, 1]);
    expect(d.test.x[0]).toBeCloseTo(0, 6); // 3.5 is the train mean
    expect(d.train.x[0]).toBeCloseTo((1 - 3.5) / Math.sqrt(35 / 12), 6);

    const archive = join(cache, 'ucr', 'Synth.zip');
    expect(readFileSync(archive).equals(zipBytes)).toBe(true);
    expect(readFileSync(`${archive}.sha256`, 'utf8')).toBe(`${sha256(zipBytes)}  Synth.zip\n`);
    expect(messages.some((m) => m === `downloading ${base}/ucr/Synth.zip`)).toBe(true);
    expect(messages.some((m) => m.includes('(100%)'))).toBe(true);
    expect(hits.get('/ucr/Synth.zip')).toBe(1);

    messages.length = 0;
    const again = await loadUcrDataset('Synth', {
      cacheDir: cache,
      baseUrl: `${base}/ucr`,
      onProgress: (m) => messages.push(m),
    });
    expect(again.train.x).toEqual(d.train.x);
    expect(hits.get('/ucr/Synth.zip')).toBe(1);
    expect(messages.some((m) => m.includes('verified'))).toBe(true);
    // nothing temporary is left behind
    expect(listAll(cache).filter((p) => /\.part$|\.extracting/.test(p))).toEqual([]);
  });

  it('lets concurrent loaders share one cache (parallel workers)', async () => {
    const cache = cacheDir();
    const opts = { cacheDir: cache, baseUrl: `${base}/ucr` };
    const results = await Promise.all([1, 2, 3].map(() => loadUcrDataset('Synth', opts)));
    for (const d of results) expect(Array.from(d.train.x)).toEqual(Array.from(results[0].train.x));
    expect(listAll(join(cache, 'ucr')).filter((p) => /\.part$|\.extracting/.test(p))).toEqual([]);
    expect(readFileSync(join(cache, 'ucr', 'Synth.zip.sha256'), 'utf8').slice(0, 64)).toBe(sha256(zipBytes));
  });

  it('downloads again when the cached archive no longer matches its checksum', async () => {
    const cache = cacheDir();
    await loadUcrDataset('Synth', { cacheDir: cache, baseUrl: `${base}/ucr` });
    writeFileSync(join(cache, 'ucr', 'Synth.zip'), 'corrupted');
    const messages: string[] = [];
    const d = await loadUcrDataset('Synth', {
      cacheDir: cache,
      baseUrl: `${base}/ucr`,
      onProgress: (m) => messages.push(m),
    });
    expect(d.train.n).toBe(2);
    expect(hits.get('/ucr/Synth.zip')).toBe(2);
    expect(messages.some((m) => m.includes('does not match the recorded'))).toBe(true);
    // with downloads disabled the mismatch is an error instead
    writeFileSync(join(cache, 'ucr', 'Synth.zip'), 'corrupted again');
    await expect(
      loadUcrDataset('Synth', { cacheDir: cache, baseUrl: `${base}/ucr`, allowDownload: false }),
    ).rejects.toThrow(/does not match the recorded .* downloads are disabled/);
  });

  it('does not download when allowDownload is false', async () => {
    const err = await loadUcrDataset('Synth', {
      cacheDir: cacheDir(),
      baseUrl: `${base}/ucr`,
      allowDownload: false,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toContain('not in the cache and downloads are disabled');
    expect(hits.size).toBe(0);
  });

  it('fails on HTTP errors naming the URL, leaving no file', async () => {
    const cache = cacheDir();
    const err = (await loadUcrDataset('Nope', { cacheDir: cache, baseUrl: base }).catch((e) => e)) as DatasetError;
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.file).toBe(`${base}/Nope.zip`);
    expect(err.message).toContain('HTTP 404');
    // what was tried, and how to point at local files instead
    expect(err.message).toContain(`no local copy in the cache (${join(cache, 'ucr')})`);
    expect(err.message).toContain(
      'pass --data-dir DIR or set PARETOBENCH_DATA_DIR=DIR, where DIR holds UCR dataset "Nope"',
    );
    expect(err.message).toContain('DIR/Nope/Nope_TRAIN{,.tsv,.ts,.txt}');
    expect(listAll(join(cache, 'ucr'))).toEqual([]);
  });

  it('names the local-file alternative when the server cannot be reached at all', async () => {
    const cache = cacheDir();
    // a port nobody listens on: connection refused, the same path as having no network
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = (await loadMovieReviews({ cacheDir: cache, baseUrl: `http://127.0.0.1:${port}/mr` }).catch(
      (e) => e,
    )) as DatasetError;
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toMatch(/download failed: fetch failed; no local copy in the cache/);
    expect(err.message).toContain('DIR/rt-polaritydata/rt-polarity.{pos,neg}');
  });

  it('leaves neither the archive nor a partial file when the connection drops midway', async () => {
    const cache = cacheDir();
    const err = await loadUcrDataset('Synth', { cacheDir: cache, baseUrl: `${base}/cut` }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).file).toBe(`${base}/cut/Synth.zip`);
    expect((err as Error).message).toMatch(/download interrupted after \d+ of \d+ bytes .*nothing was saved/);
    expect(listAll(join(cache, 'ucr'))).toEqual([]);
  });

  it('aborts a stalled download after the idle timeout, leaving nothing behind', async () => {
    const cache = cacheDir();
    const archivePath = join(cache, 'Synth.zip');
    const err = await fetchArchive({
      url: `${base}/stall/Synth.zip`,
      archivePath,
      allowDownload: true,
      idleTimeoutMs: 300,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/interrupted after 16 of \d+ bytes \(no data received for 0.3 s\)/);
    expect(listAll(cache)).toEqual([]);
  });

  it('reports an archive that cannot be extracted, drops it and leaves no half-extracted directory', async () => {
    const cache = cacheDir();
    const err = await loadUcrDataset('Synth', { cacheDir: cache, baseUrl: `${base}/junk` }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toContain('cannot extract zip archive');
    expect((err as Error).message).toContain('removed it from the cache');
    // the bad archive is dropped (so the next run downloads afresh) and no half-extracted directory remains
    expect(listAll(join(cache, 'ucr'))).toEqual([]);
  });

  it('downloads and extracts the movie-review tar.gz', async () => {
    const cache = cacheDir();
    const d = await loadMovieReviews({ cacheDir: cache, baseUrl: `${base}/mr`, devSize: 1 });
    expect(d.train.n + d.dev.n).toBe(4);
    expect(d.vocab).toEqual(['<pad>', 'a', 'fine', 'film', 'great', 'fun', '!', 'dull', 'not']);
    expect(d.maxLen).toBe(3);
    const archive = join(cache, 'rt-polaritydata', 'rt-polaritydata.tar.gz');
    expect(readFileSync(`${archive}.sha256`, 'utf8').slice(0, 64)).toBe(sha256(tarBytes));
    await loadMovieReviews({ cacheDir: cache, baseUrl: `${base}/mr`, devSize: 1 });
    expect(hits.get('/mr/rt-polaritydata.tar.gz')).toBe(1);
  });
});
