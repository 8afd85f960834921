/**
 * Installs the optional native BLAS (@paretobench/blas: OpenBLAS or another optimised BLAS, opened at run time) as
 * the accelerator of math/linalg.ts, when it loads. index.ts does this on import, so every Node process that uses the
 * optimizer (library, server, studies) runs the same arithmetic; PARETOBENCH_NATIVE_LINALG=0 keeps JavaScript.
 *
 * The two paths agree to rounding (tests compare them), not bit for bit, so suggestions from a process with the
 * addon and one without may differ after a few dozen observations, as they would on another BLAS.
 */
import { loadNativeBlas } from '@paretobench/blas';
import { setLinearAlgebraAccelerator } from './math/linalg.ts';

/** Installs the native accelerator, or says why not (then JavaScript runs, as before the call). */
export function useNativeLinearAlgebra(): { name: string } | { reason: string } {
  const env = process.env.PARETOBENCH_NATIVE_LINALG;
  if (env !== undefined && env !== '0' && env !== '1')
    throw new Error(`PARETOBENCH_NATIVE_LINALG must be 0 (JavaScript) or 1 (native when it loads), got '${env}'`);
  if (env === '0') return { reason: 'PARETOBENCH_NATIVE_LINALG=0' };
  const loaded = loadNativeBlas();
  if (!('blas' in loaded)) return loaded;
  const { blas } = loaded;
  if (!blas.dcholesky && !blas.dsolveLowerRows) return { reason: `${blas.library} has neither dpotrf nor dtrsm` };
  const name = `native (${blas.library}${blas.core ? `, core ${blas.core}` : ''})`;
  setLinearAlgebraAccelerator({
    name,
    cholesky: blas.dcholesky ? (A, n) => blas.dcholesky!(A, n) : undefined,
    solveLowerRows: blas.dsolveLowerRows ? (L, n, m, B) => blas.dsolveLowerRows!(L, n, m, B) : undefined,
  });
  return { name };
}
