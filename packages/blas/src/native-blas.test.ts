import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeBlas, NATIVE_BLAS_PATH } from './index.ts';

/** A seeded standard-normal stream (mulberry32 + Box-Muller): test data only. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

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

const loaded = loadNativeBlas();
const requireNative = process.env.PARETOBENCH_REQUIRE_NATIVE_BLAS === '1';

describe('native BLAS addon', () => {
  if (!('blas' in loaded)) {
    it(requireNative ? 'loads (PARETOBENCH_REQUIRE_NATIVE_BLAS=1)' : 'reports why it cannot load', () => {
      if (requireNative) throw new Error(`native BLAS addon required but not loadable: ${loaded.reason}`);
      expect(loaded.reason).toMatch(/not built|CBLAS|cannot open|\.node/);
    });
    return;
  }
  const blas = loaded.blas;

  it("runs OpenBLAS on the CPU's own kernels, not the generic fallback it picks for a model it does not know", () => {
    if (!/openblas/i.test(blas.library)) return expect(blas.core).toBe('');
    const flags =
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(/\s+/) ?? [];
    const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.includes(f));
    const avx2 = flags.includes('avx2') && flags.includes('fma');
    if (process.env.OPENBLAS_CORETYPE)
      expect(blas.core?.toLowerCase()).toBe(process.env.OPENBLAS_CORETYPE.toLowerCase());
    else if (avx2) expect(blas.core).not.toMatch(/^(Prescott|Core2|Penryn|Dunnington|Nehalem|Atom|Unknown)$/);
    if (blas.coreFallback) expect(blas.core).toBe(avx512 ? 'SkylakeX' : 'Haswell');
  });

  it('does not leave its override in the environment of processes it starts', () => {
    if (!blas.coreFallback) return;
    expect(process.env.OPENBLAS_CORETYPE).toBeUndefined();
    const child = execFileSync(process.execPath, ['-e', 'console.log(process.env.OPENBLAS_CORETYPE ?? "unset")'], {
      encoding: 'utf8',
    });
    expect(child.trim()).toBe('unset');
  });

  it("leaves a user's OPENBLAS_CORETYPE alone", () => {
    if (!/openblas/i.test(blas.library)) return;
    const out = execFileSync(
      process.execPath,
      ['-e', `const g = require(${JSON.stringify(NATIVE_BLAS_PATH)}); console.log(g.core + '|' + g.coreFallback)`],
      { env: { ...process.env, OPENBLAS_CORETYPE: 'Haswell' }, encoding: 'utf8' },
    );
    // the addon applied no override of its own (coreFallback empty) and OpenBLAS runs the family the user named
    expect(out.trim()).toBe('Haswell|');
  });

  it('multiplies a known 2x3 by 3x2', () => {
    const c = new Float32Array(4);
    blas.sgemm(false, false, 2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(1, 0, 0, 1, 1, 1), c);
    expect(Array.from(c)).toEqual([4, 5, 10, 11]);
    expect(blas.library).toMatch(/blas|blis|mkl/i);
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
    blas.sgemm(tA, tB, M, N, K, a, b, c);
    const ref = reference(tA, tB, M, N, K, a, b);
    for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - ref[i])).toBeLessThan(1e-4 * Math.sqrt(K) * 4);
  });

  it('works on a view into a larger buffer (as on the wasm heap)', () => {
    const heap = new Float32Array(64);
    heap.set([1, 2, 3, 4], 10);
    heap.set([5, 6, 7, 8], 20);
    const c = heap.subarray(40, 44);
    blas.sgemm(false, false, 2, 2, 2, heap.subarray(10, 14), heap.subarray(20, 24), c);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    expect(heap[39]).toBe(0);
    expect(heap[44]).toBe(0);
  });

  it('rejects bad arguments with errors naming them', () => {
    const a = new Float32Array(6);
    expect(() => blas.sgemm(false, false, 2, 2, 4, a, a, new Float32Array(4))).toThrow(
      /array too short for M=2 N=2 K=4/,
    );
    expect(() => blas.sgemm(false, false, 2, 2, 3, a, [1, 2] as unknown as Float32Array, a)).toThrow(
      /b must be a Float32Array/,
    );
    expect(() => blas.sgemm(false, false, 2, 2, 3, new Float64Array(6) as unknown as Float32Array, a, a)).toThrow(
      /a must be a Float32Array/,
    );
    expect(() => blas.sgemm(false, false, 0, 2, 3, a, a, a)).toThrow(/M must be a positive 32-bit integer/);
  });

  /** A random symmetric positive definite n x n matrix (row-major) and its lower Cholesky factor in float64 JS. */
  const spd = (n: number, seed: number) => {
    const rng = new Rng(seed);
    const G = Float64Array.from({ length: n * n }, () => rng.normal());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += G[i * n + k] * G[j * n + k];
        A[i * n + j] = s;
      }
    const L = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = A[j * n + j];
      for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
      L[j * n + j] = Math.sqrt(d);
      for (let i = j + 1; i < n; i++) {
        let s = A[i * n + j];
        for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
        L[i * n + j] = s / L[j * n + j];
      }
    }
    return { A, L };
  };

  it('dcholesky: the lower factor of a known 2x2, and of a random 150x150 as a JS factorisation gives it', () => {
    if (!blas.dcholesky) return expect(blas.library).not.toMatch(/openblas/i); // OpenBLAS always has LAPACK
    const A = Float64Array.of(4, 2, 2, 5); // = [[2, 0], [1, 2]] [[2, 1], [0, 2]]
    expect(blas.dcholesky(A, 2)).toBe(0);
    expect(Array.from(A)).toEqual([2, 0, 1, 2]);
    const { A: B, L } = spd(150, 4);
    expect(blas.dcholesky(B, 150)).toBe(0);
    for (let i = 0; i < L.length; i++) expect(B[i]).toBeCloseTo(L[i], 9);
  });

  it('dcholesky: reports the first minor that is not positive definite', () => {
    if (!blas.dcholesky) return;
    // [[1, 2], [2, 1]]: the 1x1 minor is fine, the 2x2 has determinant -3
    expect(blas.dcholesky(Float64Array.of(1, 2, 2, 1), 2)).toBe(2);
    expect(() => blas.dcholesky!(new Float64Array(3), 2)).toThrow(/dcholesky: array too short for n=2/);
  });

  it('dsolveLowerRows: each row b of B becomes the x of L x = b', () => {
    if (!blas.dsolveLowerRows) return expect(blas.library).not.toMatch(/openblas/i);
    // L = [[2, 0], [1, 4]]: L x = (4, 6) -> x = (2, 1); L x = (2, 9) -> x = (1, 2)
    const B = Float64Array.of(4, 6, 2, 9);
    blas.dsolveLowerRows(Float64Array.of(2, 0, 1, 4), 2, 2, B);
    expect(Array.from(B)).toEqual([2, 1, 1, 2]);
    const n = 97;
    const m = 13;
    const { L } = spd(n, 9);
    const rng = new Rng(5);
    const X = Float64Array.from({ length: m * n }, () => rng.normal());
    const rhs = new Float64Array(m * n); // row b = L x_b
    for (let b = 0; b < m; b++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k <= i; k++) s += L[i * n + k] * X[b * n + k];
        rhs[b * n + i] = s;
      }
    blas.dsolveLowerRows(L, n, m, rhs);
    for (let i = 0; i < X.length; i++) expect(rhs[i]).toBeCloseTo(X[i], 9);
    expect(() => blas.dsolveLowerRows!(L, n, m, new Float64Array(5))).toThrow(/array too short for n=97 m=13/);
    expect(() => blas.dsolveLowerRows!(new Float32Array(4) as unknown as Float64Array, 2, 1, B)).toThrow(
      /L must be a Float64Array/,
    );
  });
});
