import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gemmInUse, initBackend, loadNativeGemm, type GemmChoice } from './backend.ts';
import { Rng } from './rng.ts';

function randn(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Runs fn on the named backend with fresh tensors built from the given arrays; returns plain arrays. */
async function onBackend(
  name: 'cpu' | 'wasm',
  arrays: { data: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }[],
  fn: (...ts: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(name);
  return tf.tidy(() => {
    const ts = arrays.map((a) => tf.tensor(a.data, a.shape, a.dtype ?? 'float32'));
    return fn(...ts).map((t) => t.dataSync() as Float32Array);
  });
}

function expectClose(a: Float32Array, b: Float32Array, tol: number) {
  expect(a.length).toBe(b.length);
  let maxErr = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  expect(maxErr).toBeLessThanOrEqual(tol * Math.max(1, maxAbs));
}

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

/**
 * The native GEMM addon is an optional accelerator (it needs a C compiler at install and an optimised CBLAS at run
 * time). Where it cannot load, its value tests are replaced by a test of the fallback, unless
 * PARETOBENCH_REQUIRE_NATIVE_BLAS=1 (set by .ci/run), which makes its absence a failure naming the reason.
 */
const native = loadNativeGemm();
const requireNative = process.env.PARETOBENCH_REQUIRE_NATIVE_BLAS === '1';
const gemms: GemmChoice[] = 'gemm' in native || requireNative ? ['xnnpack', 'native'] : ['xnnpack'];

if (!('gemm' in native) && !requireNative) {
  it('without the native GEMM addon, auto falls back to XNNPACK and native names the reason', async () => {
    await expect(initBackend('wasm', { gemm: 'native' })).rejects.toThrow(/gemm 'native' is not available: .+/);
    expect(await initBackend('wasm', { gemm: 'auto' })).toBe('wasm');
    expect(gemmInUse()).toBe('xnnpack');
  });
}

describe.each(gemms)('wasm conv kernels with the %s GEMM agree with the cpu backend', (gemm) => {
  beforeAll(async () => {
    expect(await initBackend('wasm', { gemm })).toBe('wasm');
    expect(gemmInUse()).toMatch(gemm === 'native' ? /^native \(.+\)$/ : /^xnnpack$/);
  });

  const cases1d: [number, number, number, number, number, 'same' | 'valid'][] = [
    // batch, length, inChannels, outChannels, kernel, padding
    [1, 9, 1, 3, 1, 'same'],
    [2, 12, 1, 4, 8, 'same'],
    [3, 17, 5, 6, 5, 'same'],
    [4, 16, 6, 3, 3, 'valid'],
    [2, 11, 7, 5, 4, 'same'],
    [5, 13, 4, 8, 2, 'valid'],
    [3, 20, 8, 4, 10, 'same'],
  ];
  it.each(cases1d)('conv1d B=%i L=%i Cin=%i Cout=%i K=%i %s: value, dx, dW', async (B, L, Cin, Cout, K, pad) => {
    const rng = new Rng(B * 1000 + L * 10 + K);
    const x = { data: randn(rng, B * L * Cin), shape: [B, L, Cin] };
    const w = { data: randn(rng, K * Cin * Cout), shape: [K, Cin, Cout] };
    const outLen = pad === 'same' ? L : L - K + 1;
    const r = { data: randn(rng, B * outLen * Cout), shape: [B, outLen, Cout] };
    const f = (xt: tf.Tensor, wt: tf.Tensor, rt: tf.Tensor) => {
      const y = tf.conv1d(xt as tf.Tensor3D, wt as tf.Tensor3D, 1, pad);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 1, pad), rt)),
      );
      const [dx, dw] = g([xt, wt]);
      return [y, dx, dw];
    };
    const cpu = await onBackend('cpu', [x, w, r], f);
    const wasm = await onBackend('wasm', [x, w, r], f);
    for (let i = 0; i < 3; i++) expectClose(wasm[i], cpu[i], 1e-4);
  });

  const cases2d: [number, number, number, number, number, number, number, 'same' | 'valid'][] = [
    [2, 6, 7, 3, 4, 3, 2, 'same'],
    [1, 5, 5, 2, 3, 2, 3, 'valid'],
    [3, 4, 6, 4, 2, 3, 3, 'same'],
  ];
  it.each(cases2d)(
    'conv2d B=%i H=%i W=%i Cin=%i Cout=%i fh=%i fw=%i %s: dx, dW',
    async (B, H, W, Cin, Cout, fh, fw, pad) => {
      const rng = new Rng(B + H * 7 + W * 13 + fh * 17 + fw);
      const x = { data: randn(rng, B * H * W * Cin), shape: [B, H, W, Cin] };
      const w = { data: randn(rng, fh * fw * Cin * Cout), shape: [fh, fw, Cin, Cout] };
      const f = (xt: tf.Tensor, wt: tf.Tensor) => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad))),
        );
        return g([xt, wt]);
      };
      const cpu = await onBackend('cpu', [x, w], f);
      const wasm = await onBackend('wasm', [x, w], f);
      for (let i = 0; i < 2; i++) expectClose(wasm[i], cpu[i], 1e-4);
    },
  );

  it('conv2d with stride 2 (fallback paths) matches', async () => {
    const rng = new Rng(77);
    const x = { data: randn(rng, 2 * 7 * 8 * 3), shape: [2, 7, 8, 3] };
    const w = { data: randn(rng, 3 * 3 * 3 * 4), shape: [3, 3, 3, 4] };
    const f = (xt: tf.Tensor, wt: tf.Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([xt, wt]);
    const cpu = await onBackend('cpu', [x, w], f);
    const wasm = await onBackend('wasm', [x, w], f);
    for (let i = 0; i < 2; i++) expectClose(wasm[i], cpu[i], 1e-4);
  });
});

describe('wasm UnsortedSegmentSum', () => {
  it('matches a hand computation, drops out-of-range ids', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() =>
      tf
        .unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), tf.tensor1d([2, 0, 2, 1], 'int32'), 3)
        .arraySync(),
    );
    expect(out).toEqual([
      [3, 4],
      [7, 8],
      [6, 8],
    ]);
  });
  it('embedding (gather) gradient matches cpu', async () => {
    const rng = new Rng(5);
    const table = { data: randn(rng, 30 * 4), shape: [30, 4] };
    const idxData = new Int32Array(3 * 7);
    for (let i = 0; i < idxData.length; i++) idxData[i] = Math.floor(rng.uniform() * 30);
    const idx = { data: idxData, shape: [3, 7], dtype: 'int32' as const };
    const r = { data: randn(rng, 3 * 7 * 4), shape: [3, 7, 4] };
    const f = (tb: tf.Tensor, ix: tf.Tensor, rt: tf.Tensor) => {
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ix), rt)));
      return [g(tb)];
    };
    const cpu = await onBackend('cpu', [table, idx, r], f);
    const wasm = await onBackend('wasm', [table, idx, r], f);
    expectClose(wasm[0], cpu[0], 1e-5);
  });
});

describe('wasm Tile', () => {
  it.each([
    [[3], [4]],
    [
      [1, 1, 5],
      [2, 3, 1],
    ],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [2, 1, 3],
      [1, 4, 2],
    ],
  ])('shape %j reps %j matches cpu', async (shape, reps) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = { data: Float32Array.from({ length: n }, (_, i) => i + 1), shape };
    const f = (t: tf.Tensor) => [tf.tile(t, reps)];
    const cpu = await onBackend('cpu', [x], f);
    const wasm = await onBackend('wasm', [x], f);
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
  });
});

describe('wasm GatherV2', () => {
  it('row gather (axis 0) and other axes match cpu; bad ids throw', async () => {
    const rng = new Rng(9);
    const table = { data: randn(rng, 6 * 4), shape: [6, 4] };
    const idx = { data: Int32Array.from([5, 0, 2, 2, 1, 5]), shape: [2, 3], dtype: 'int32' as const };
    const f = (t: tf.Tensor, i: tf.Tensor) => [tf.gather(t, i), tf.gather(t, tf.tensor1d([3, 0], 'int32'), 1)];
    const cpu = await onBackend('cpu', [table, idx], f);
    const wasm = await onBackend('wasm', [table, idx], f);
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
    expect(Array.from(wasm[1])).toEqual(Array.from(cpu[1]));
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], 'int32')))).toThrow(/index value 3/);
  });
});
