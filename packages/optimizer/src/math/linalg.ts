/**
 * Dense float64 linear algebra on row-major Float64Array matrices, just what the GP needs:
 * Cholesky with adaptive jitter, triangular solves, inverse from a Cholesky factor.
 *
 * Everything here is plain JavaScript. An accelerator (setLinearAlgebraAccelerator; in Node the optional native BLAS
 * addon, installed by ../native.ts) may take over the two kernels that dominate a suggestion at a few hundred
 * observations: the Cholesky factorisation and the triangular solves for many right-hand sides.
 */

/** Optional replacements for the O(n^3) and O(n^2 m) kernels, in float64 with the same contracts as below. */
export interface LinearAlgebraAccelerator {
  /** Name shown by linearAlgebraInUse(), e.g. 'native (libopenblas.so.0)'. */
  readonly name: string;
  /** In place lower Cholesky factor of A (upper triangle zeroed); 0, or k > 0 when the minor of order k fails. */
  readonly cholesky?: (A: Float64Array, n: number) => number;
  /** B <- B L^-T in place: each of the m rows of B (m x n) becomes the x of L x = row. */
  readonly solveLowerRows?: (L: Float64Array, n: number, m: number, B: Float64Array) => void;
}

let accelerator: LinearAlgebraAccelerator | null = null;

/** Routes cholesky() and solveLowerRows() to `acc` (null: back to JavaScript). */
export function setLinearAlgebraAccelerator(acc: LinearAlgebraAccelerator | null): void {
  accelerator = acc;
}

/** 'javascript', or the accelerator's name. */
export function linearAlgebraInUse(): string {
  return accelerator?.name ?? 'javascript';
}

/** Whether solveLowerRows() runs on an accelerator (callers may then batch differently). */
export function hasAcceleratedSolve(): boolean {
  return accelerator?.solveLowerRows !== undefined;
}

/**
 * Lower Cholesky factor L (row-major n x n, upper triangle zero) of a symmetric positive
 * (semi-)definite A, adding jitter * mean(diag) to the diagonal (1e-10, 1e-9, ... up to 1e-3)
 * when a pivot is not positive. Returns the factor and the jitter actually added.
 */
export function cholesky(A: Float64Array, n: number): { L: Float64Array; jitter: number } {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i];
  meanDiag = n > 0 ? Math.abs(meanDiag / n) || 1 : 1;
  const L = new Float64Array(n * n);
  let jitter = 0;
  const native = n > 0 ? accelerator?.cholesky : undefined;
  for (let attempt = 0; attempt < 9; attempt++) {
    if (native) {
      L.set(A);
      if (jitter > 0) for (let i = 0; i < n; i++) L[i * n + i] += jitter;
      if (native(L, n) === 0) return { L, jitter };
    } else if (tryCholesky(A, n, jitter, L)) return { L, jitter };
    jitter = jitter === 0 ? 1e-10 * meanDiag : jitter * 10;
  }
  throw new Error(`cholesky: matrix is not positive definite even with jitter ${jitter.toExponential(1)}`);
}

function tryCholesky(A: Float64Array, n: number, jitter: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j] + jitter;
    for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s * inv;
    }
  }
  return true;
}

/** Solves L x = b (L lower triangular, row-major). */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * x[k];
    x[i] = s / L[ri + i];
  }
  return x;
}

/**
 * B <- B L^-T in place: each of the m rows of B (row-major m x n) becomes the solution x of L x = row (L lower
 * triangular, row-major n x n). On the accelerator when it has one; in JavaScript, 8 rows at a time with their
 * elements interleaved, so that each row of L is read once per block and eight independent running sums keep the
 * floating-point units busy (this loop is bound by memory traffic and by the latency of dependent additions, not by
 * arithmetic). Each row's operations are those of solveLower, in the same order.
 */
export function solveLowerRows(L: Float64Array, n: number, m: number, B: Float64Array): void {
  if (m === 0 || n === 0) return;
  if (accelerator?.solveLowerRows) return accelerator.solveLowerRows(L, n, m, B);
  const W = 8;
  const T = new Float64Array(W * n);
  for (let r0 = 0; r0 < m; r0 += W) {
    const nb = Math.min(W, m - r0);
    T.fill(0);
    for (let b = 0; b < nb; b++) {
      const row = (r0 + b) * n;
      for (let i = 0; i < n; i++) T[i * W + b] = B[row + i];
    }
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      const ti = i * W;
      let a0 = T[ti],
        a1 = T[ti + 1],
        a2 = T[ti + 2],
        a3 = T[ti + 3],
        a4 = T[ti + 4],
        a5 = T[ti + 5],
        a6 = T[ti + 6],
        a7 = T[ti + 7];
      for (let k = 0; k < i; k++) {
        const l = L[ri + k];
        const tk = k * W;
        a0 -= l * T[tk];
        a1 -= l * T[tk + 1];
        a2 -= l * T[tk + 2];
        a3 -= l * T[tk + 3];
        a4 -= l * T[tk + 4];
        a5 -= l * T[tk + 5];
        a6 -= l * T[tk + 6];
        a7 -= l * T[tk + 7];
      }
      const inv = L[ri + i];
      T[ti] = a0 / inv;
      T[ti + 1] = a1 / inv;
      T[ti + 2] = a2 / inv;
      T[ti + 3] = a3 / inv;
      T[ti + 4] = a4 / inv;
      T[ti + 5] = a5 / inv;
      T[ti + 6] = a6 / inv;
      T[ti + 7] = a7 / inv;
    }
    for (let b = 0; b < nb; b++) {
      const row = (r0 + b) * n;
      for (let i = 0; i < n; i++) B[row + i] = T[i * W + b];
    }
  }
}

/** Solves L^T x = b (L lower triangular, row-major). */
export function solveUpperT(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    x[i] /= L[i * n + i];
    const xi = x[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) x[k] -= L[ri + k] * xi;
  }
  return x;
}

/** Solves A x = b given A = L L^T. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(L, n, solveLower(L, n, b));
}

/** L^{-1} (lower triangular, row-major); row i = (e_i - sum_{k<i} L_ik row_k) / L_ii, contiguous row updates. */
export function invertLower(L: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) M[ri + j] -= l * M[rk + j];
    }
    const inv = 1 / L[ri + i];
    for (let j = 0; j < i; j++) M[ri + j] *= inv;
    M[ri + i] = inv;
  }
  return M;
}

/** A^{-1} = L^{-T} L^{-1} given the Cholesky factor L (symmetric, full storage). */
export function cholInverse(L: Float64Array, n: number): Float64Array {
  const M = invertLower(L, n);
  const out = new Float64Array(n * n);
  // out_ij = sum_{k >= max(i,j)} M_ki M_kj
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const mki = M[rk + i];
      if (mki === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j] += mki * M[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return out;
}

/** sum(log diag L) = 0.5 log det A. */
export function logDetHalf(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return s;
}

/** Rows of equal length d as one row-major matrix. */
export function toMatrix(rows: readonly number[][], d: number): Float64Array {
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => X.set(r, i * d));
  return X;
}
