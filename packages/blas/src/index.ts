/**
 * Loads the optional native BLAS addon (native/blas.c, built at `npm ci` from source by scripts/build-native.mjs;
 * it opens an optimised BLAS such as OpenBLAS at run time). Node only. Nothing here is required: callers fall back
 * to their own code (tfjs-wasm's GEMM, the optimizer's JavaScript linear algebra) when `loadNativeBlas()` gives a
 * reason instead of the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's exports (see native/blas.c for the exact contracts). */
export interface NativeBlas {
  /** c[M x N] = op(a) @ op(b), row-major float32. */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
  ): void;
  /** B <- B L^-T in place: each of the m rows of B (m x n) becomes the x of L x = row, L lower (n x n), float64. */
  dsolveLowerRows?(L: Float64Array, n: number, m: number, B: Float64Array): void;
  /** In place lower Cholesky factor of the symmetric A (n x n), upper triangle zeroed; 0, or k > 0 if minor k fails. */
  dcholesky?(A: Float64Array, n: number): number;
  /** The BLAS library that was opened (soname or path). */
  library: string;
  /** OpenBLAS's kernel family in use ('' for another BLAS). */
  core: string;
  /** The generic kernel family OpenBLAS detected before the addon set a better one ('' when it did not). */
  coreFallback: string;
}

/** Where scripts/build-native.mjs writes the addon. */
export const NATIVE_BLAS_PATH = fileURLToPath(new URL('../build/native/blas.node', import.meta.url));

let cached: { blas: NativeBlas } | { reason: string } | undefined;

/** The native addon (loaded once per process), or why it cannot be used. */
export function loadNativeBlas(): { blas: NativeBlas } | { reason: string } {
  if (cached) return cached;
  if (!existsSync(NATIVE_BLAS_PATH))
    cached = { reason: `${NATIVE_BLAS_PATH} is not built (npx nx run blas:build-native; needs a C compiler)` };
  else {
    try {
      cached = { blas: createRequire(import.meta.url)(NATIVE_BLAS_PATH) as NativeBlas };
    } catch (e) {
      cached = { reason: e instanceof Error ? e.message : String(e) };
    }
  }
  return cached;
}
