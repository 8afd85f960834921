import { describe, expect, it } from 'vitest';
import {
  cholesky,
  cholInverse,
  cholSolve,
  invertLower,
  linearAlgebraInUse,
  setLinearAlgebraAccelerator,
  solveLower,
  solveLowerRows,
  solveUpperT,
} from './linalg.ts';
import { useNativeLinearAlgebra } from '../native.ts';
import { Rng } from './rng.ts';

describe('cholesky', () => {
  it('factors a known 3x3 matrix exactly', () => {
    // A = L L^T with L = [[2,0,0],[6,1,0],[-8,5,3]] (the classic textbook example)
    const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    const { L, jitter } = cholesky(A, 3);
    expect(jitter).toBe(0);
    expect(Array.from(L)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('adds jitter to a singular PSD matrix and reports it', () => {
    const A = Float64Array.from([1, 1, 1, 1]);
    const { L, jitter } = cholesky(A, 2);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-3);
    expect(L[0]).toBeCloseTo(1, 6);
  });

  it('rejects an indefinite matrix', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('triangular solves and inverse', () => {
  const A = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
  const { L } = cholesky(A, 3);
  it('solves L x = b and L^T x = b', () => {
    // rows of L times (1, 1, 3): 2, 6 + 1 = 7, -8 + 5 + 9 = 6
    expect(Array.from(solveLower(L, 3, [2, 7, 6]))).toEqual([1, 1, 3]);
    const x = solveUpperT(L, 3, [1, 1, 3]);
    // L^T x = b  <=> check by multiplication
    const b = [0, 0, 0];
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) b[i] += L[k * 3 + i] * x[k];
    expect(b[0]).toBeCloseTo(1, 12);
    expect(b[1]).toBeCloseTo(1, 12);
    expect(b[2]).toBeCloseTo(3, 12);
  });
  it('cholSolve solves A x = b', () => {
    const x = cholSolve(L, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j] * x[j];
      expect(s).toBeCloseTo([1, 2, 3][i], 10);
    }
  });
  it('inverse from the factor gives A A^{-1} = I', () => {
    const Ai = cholInverse(L, 3);
    const Li = invertLower(L, 3);
    expect(Li[0]).toBeCloseTo(0.5, 14);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k] * Ai[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});

/** A random symmetric positive definite n x n matrix (row-major). */
function spd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const G = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += G[i * n + k] * G[j * n + k];
      A[i * n + j] = s;
    }
  return A;
}

describe('solveLowerRows', () => {
  it('solves each row as solveLower does, for row counts around the 8-row block', () => {
    const n = 23;
    const { L } = cholesky(spd(n, 2), n);
    const rng = new Rng(3);
    for (const m of [1, 7, 8, 9, 20]) {
      const B = Float64Array.from({ length: m * n }, () => rng.normal());
      const expected = Array.from({ length: m }, (_, b) => solveLower(L, n, B.subarray(b * n, (b + 1) * n)));
      solveLowerRows(L, n, m, B);
      for (let b = 0; b < m; b++) expect(Array.from(B.subarray(b * n, (b + 1) * n))).toEqual(Array.from(expected[b]));
    }
  });
});

/**
 * The native BLAS accelerator (installed on import of the package's index in Node): the same results as the
 * JavaScript kernels to rounding. CI builds the addon and sets PARETOBENCH_REQUIRE_NATIVE_BLAS=1, so there its absence
 * fails here instead of silently testing JavaScript against itself.
 */
describe('native accelerator', () => {
  const installed = useNativeLinearAlgebra();
  setLinearAlgebraAccelerator(null); // the other tests of this file run JavaScript
  if (!('name' in installed)) {
    it('reports why it is not in use', () => {
      if (process.env.PARETOBENCH_REQUIRE_NATIVE_BLAS === '1')
        throw new Error(`native BLAS required (PARETOBENCH_REQUIRE_NATIVE_BLAS=1) but not used: ${installed.reason}`);
      expect(installed.reason).toMatch(/not built|PARETOBENCH_NATIVE_LINALG|CBLAS|dpotrf/);
    });
    return;
  }
  const withNative = <T>(f: () => T): T => {
    useNativeLinearAlgebra();
    try {
      return f();
    } finally {
      setLinearAlgebraAccelerator(null);
    }
  };

  it('names itself', () => {
    expect(withNative(() => linearAlgebraInUse())).toMatch(/^native \(/);
    expect(linearAlgebraInUse()).toBe('javascript');
  });

  it('factors and solves as the JavaScript kernels do, to rounding', () => {
    const n = 140;
    const m = 37;
    const A = spd(n, 7);
    const js = cholesky(A, n).L;
    const nat = withNative(() => cholesky(A, n));
    expect(nat.jitter).toBe(0);
    for (let i = 0; i < js.length; i++) expect(nat.L[i]).toBeCloseTo(js[i], 9);
    const rng = new Rng(8);
    const B = Float64Array.from({ length: m * n }, () => rng.normal());
    const Bjs = B.slice();
    solveLowerRows(js, n, m, Bjs);
    withNative(() => solveLowerRows(js, n, m, B));
    for (let i = 0; i < B.length; i++) expect(B[i]).toBeCloseTo(Bjs[i], 8);
  });

  it('keeps the jitter loop: a singular matrix gets the same jitter, an indefinite one is still rejected', () => {
    const js = cholesky(Float64Array.from([1, 1, 1, 1]), 2);
    const nat = withNative(() => cholesky(Float64Array.from([1, 1, 1, 1]), 2));
    expect(nat.jitter).toBe(js.jitter);
    expect(Array.from(nat.L)).toEqual(Array.from(js.L).map((v, i) => (i === 1 ? 0 : expect.closeTo(v, 12))));
    expect(() => withNative(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2))).toThrow(/not positive definite/);
  });

  it('PARETOBENCH_NATIVE_LINALG: 0 keeps JavaScript, other values than 0/1 are rejected naming the variable', () => {
    const saved = process.env.PARETOBENCH_NATIVE_LINALG;
    try {
      process.env.PARETOBENCH_NATIVE_LINALG = '0';
      expect(useNativeLinearAlgebra()).toEqual({ reason: 'PARETOBENCH_NATIVE_LINALG=0' });
      expect(linearAlgebraInUse()).toBe('javascript');
      process.env.PARETOBENCH_NATIVE_LINALG = 'yes';
      expect(() => useNativeLinearAlgebra()).toThrow(/PARETOBENCH_NATIVE_LINALG must be 0 .* or 1 .*, got 'yes'/);
    } finally {
      if (saved === undefined) delete process.env.PARETOBENCH_NATIVE_LINALG;
      else process.env.PARETOBENCH_NATIVE_LINALG = saved;
    }
  });
});
