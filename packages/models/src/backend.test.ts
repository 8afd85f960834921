import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { currentBackend, gemmInUse, initBackend } from './backend.ts';

const require = createRequire(import.meta.url);
const installed = (pkg: string) => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

describe('initBackend', () => {
  it('auto picks the first loadable backend in the documented order', async () => {
    const expected = installed('@tensorflow/tfjs-node-gpu')
      ? 'tensorflow-gpu'
      : installed('@tensorflow/tfjs-node')
        ? 'tensorflow'
        : 'wasm';
    const got = await initBackend();
    expect(got).toBe(expected);
    expect(currentBackend()).toBe(got);
    if (got === 'wasm') {
      expect(tf.getBackend()).toBe('wasm');
      // our kernels are registered: the filter gradient of a conv1d works (it is missing from tfjs-backend-wasm)
      const g = tf.tidy(() =>
        tf.grad((w: tf.Tensor) => tf.sum(tf.conv1d(tf.ones<tf.Rank.R3>([1, 4, 1]), w as tf.Tensor3D, 1, 'valid')))(
          tf.ones([2, 1, 1]),
        ),
      );
      expect(Array.from(g.dataSync())).toEqual([3, 3]);
      g.dispose();
    }
  });
  it('refuses an unknown backend, listing the known ones, and keeps the current one', async () => {
    const before = currentBackend();
    await expect(initBackend('xyz' as 'auto')).rejects.toThrow(
      "initBackend: unknown backend 'xyz' (known: auto, tensorflow-gpu, tensorflow, wasm, cpu)",
    );
    expect(currentBackend()).toBe(before);
  });
  it('selects cpu on request and back to wasm', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  it('uses tfjs-node when installed, else names the package to install', async () => {
    if (installed('@tensorflow/tfjs-node')) expect(await initBackend('tensorflow')).toBe('tensorflow');
    else await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node/);
    await initBackend('wasm');
  });
  it('PARETOBENCH_NATIVE_GEMM: 0 selects XNNPACK, other values than 0/1 are rejected naming the variable', async () => {
    const saved = process.env.PARETOBENCH_NATIVE_GEMM;
    try {
      process.env.PARETOBENCH_NATIVE_GEMM = '0';
      expect(await initBackend('wasm')).toBe('wasm');
      expect(gemmInUse()).toBe('xnnpack');
      process.env.PARETOBENCH_NATIVE_GEMM = 'yes';
      await expect(initBackend('wasm')).rejects.toThrow(/PARETOBENCH_NATIVE_GEMM must be 0 .* or 1 .*, got 'yes'/);
    } finally {
      if (saved === undefined) delete process.env.PARETOBENCH_NATIVE_GEMM;
      else process.env.PARETOBENCH_NATIVE_GEMM = saved;
      await initBackend('wasm');
    }
  });
});
