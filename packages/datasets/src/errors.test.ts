import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireDataDir, resolveCacheDir, resolveDataDir } from './data-dir.ts';
import { DatasetError } from './errors.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('DatasetError', () => {
  it('prefixes the message with file and line', () => {
    const e = new DatasetError('a/X_TRAIN', 'bad value', 12);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.file, e.line, e.detail]).toEqual([
      'DatasetError',
      'a/X_TRAIN:12: bad value',
      'a/X_TRAIN',
      12,
      'bad value',
    ]);
    expect(new DatasetError('f', 'empty').message).toBe('f: empty');
  });
});

describe('data and cache directories', () => {
  it('prefers the flag over PARETOBENCH_DATA_DIR and treats empty values as unset', () => {
    vi.stubEnv('PARETOBENCH_DATA_DIR', '/from/env');
    expect(resolveDataDir('/from/flag')).toBe(resolve('/from/flag'));
    expect(resolveDataDir()).toBe(resolve('/from/env'));
    vi.stubEnv('PARETOBENCH_DATA_DIR', '');
    expect(resolveDataDir()).toBeUndefined();
    expect(() => requireDataDir()).toThrow(/set PARETOBENCH_DATA_DIR=DIR/);
  });

  it('uses PARETOBENCH_CACHE_DIR, else ~/.cache/paretobench', () => {
    vi.stubEnv('PARETOBENCH_CACHE_DIR', '/tmp/pb-cache-env');
    expect(resolveCacheDir()).toBe('/tmp/pb-cache-env');
    expect(resolveCacheDir('/tmp/x')).toBe('/tmp/x');
    vi.stubEnv('PARETOBENCH_CACHE_DIR', '');
    vi.stubEnv('HOME', '/home/someone');
    expect(resolveCacheDir()).toBe('/home/someone/.cache/paretobench');
  });
});
