import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeGemm, NATIVE_GEMM_PATH } from './backend.ts';
import { Rng } from './rng.ts';

/** op(a) @ op(b) in float64, row-major. */
function reference(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  b: Float32Array,
): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (transA ? a[k * M + i] : a[i * K + k]) * (transB ? b[j * K + k] : b[k * N + j]);
      c[i * N + j] = s;
    }
  return c;
}

const loaded = loadNativeGemm();
const requireNative = process.env.PARETOBENCH_REQUIRE_NATIVE_GEMM === '1';

describe('native GEMM addon', () => {
  if (!('gemm' in loaded)) {
    it(requireNative ? 'loads (PARETOBENCH_REQUIRE_NATIVE_GEMM=1)' : 'reports why it cannot load', () => {
      if (requireNative) throw new Error(`native GEMM addon required but not loadable: ${loaded.reason}`);
      expect(loaded.reason).toMatch(/not built|CBLAS|cannot open|\.node/);
    });
    return;
  }
  const { gemm } = loaded;

  it("runs OpenBLAS on the CPU's own kernels, not the generic fallback it picks for a model it does not know", () => {
    if (!/openblas/i.test(gemm.library)) return expect(gemm.core).toBe('');
    const flags =
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(/\s+/) ?? [];
    const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.includes(f));
    const avx2 = flags.includes('avx2') && flags.includes('fma');
    if (process.env.OPENBLAS_CORETYPE)
      expect(gemm.core?.toLowerCase()).toBe(process.env.OPENBLAS_CORETYPE.toLowerCase());
    else if (avx2) expect(gemm.core).not.toMatch(/^(Prescott|Core2|Penryn|Dunnington|Nehalem|Atom|Unknown)$/);
    if (gemm.coreFallback) expect(gemm.core).toBe(avx512 ? 'SkylakeX' : 'Haswell');
  });

  it('does not leave its override in the environment of processes it starts', () => {
    if (!gemm.coreFallback) return;
    expect(process.env.OPENBLAS_CORETYPE).toBeUndefined();
    const child = execFileSync(process.execPath, ['-e', 'console.log(process.env.OPENBLAS_CORETYPE ?? "unset")'], {
      encoding: 'utf8',
    });
    expect(child.trim()).toBe('unset');
  });

  it("leaves a user's OPENBLAS_CORETYPE alone", () => {
    if (!/openblas/i.test(gemm.library)) return;
    const out = execFileSync(
      process.execPath,
      ['-e', `const g = require(${JSON.stringify(NATIVE_GEMM_PATH)}); console.log(g.core + '|' + g.coreFallback)`],
      { env: { ...process.env, OPENBLAS_CORETYPE: 'Haswell' }, encoding: 'utf8' },
    );
    // the addon applied no override of its own (coreFallback empty) and OpenBLAS runs the family the user named
    expect(out.trim()).toBe('Haswell|');
  });

  it('multiplies a known 2x3 by 3x2', () => {
    const c = new Float32Array(4);
    gemm.sgemm(false, false, 2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 0, 0, 1, 1, 1), c);
    expect(Array.from(c)).toEqual([4, 5, 10, 11]);
    expect(gemm.library).toMatch(/blas|blis|mkl/i);
  });

  it.each([
    [false, false, 7, 5, 3],
    [true, false, 17, 9, 33],
    [false, true, 4, 11, 6],
    [true, true, 13, 8, 21],
    [true, false, 640, 16, 300],
  ])('transA=%s transB=%s M=%i N=%i K=%i matches a float64 reference', (tA, tB, M, N, K) => {
    const rng = new Rng(M * 100 + N * 10 + K);
    const a = Float32Array.from({ length: M * K }, () => rng.normal());
    const b = Float32Array.from({ length: K * N }, () => rng.normal());
    const c = new Float32Array(M * N).fill(Number.NaN); // beta = 0: old contents must not leak in
    gemm.sgemm(tA, tB, M, N, K, a, b, c);
    const ref = reference(tA, tB, M, N, K, a, b);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - ref[i])).toBeLessThan(1e-4 * Math.sqrt(K) * 4);
  });

  it('works on a view into a larger buffer (as on the wasm heap)', () => {
    const heap = new Float32Array(64);
    heap.set([1, 2, 3, 4], 10);
    heap.set([5, 6, 7, 8], 20);
    const c = heap.subarray(40, 44);
    gemm.sgemm(false, false, 2, 2, 2, heap.subarray(10, 14), heap.subarray(20, 24), c);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    expect(heap[39]).toBe(0);
    expect(heap[44]).toBe(0);
  });

  it('rejects bad arguments with errors naming them', () => {
    const a = new Float32Array(6);
    expect(() => gemm.sgemm(false, false, 2, 2, 4, a, a, new Float32Array(4))).toThrow(
      /array too short for M=2 N=2 K=4/,
    );
    expect(() => gemm.sgemm(false, false, 2, 2, 3, a, [1, 2] as unknown as Float32Array, a)).toThrow(
      /b must be a Float32Array/,
    );
    expect(() => gemm.sgemm(false, false, 2, 2, 3, new Float64Array(6) as unknown as Float32Array, a, a)).toThrow(
      /a must be a Float32Array/,
    );
    expect(() => gemm.sgemm(false, false, 0, 2, 3, a, a, a)).toThrow(/M must be a positive 32-bit integer/);
  });
});
