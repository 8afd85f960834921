import { describe, expect, it } from 'vitest';
import { cholesky, cholInverse, cholSolve, invertLower, solveLower, solveUpperT } from './linalg.ts';

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
