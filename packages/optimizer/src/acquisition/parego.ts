/**
 * ParEGO (Knowles 2006, "ParEGO: a hybrid algorithm with on-line landscape approximation for expensive
 * multiobjective optimization problems") for three or more objectives: each suggestion draws weights w from the
 * simplex (Dirichlet(1)), scalarises the normalised objectives with the augmented Chebyshev function
 *
 *   s(y) = min_j w_j u_j + rho sum_j w_j u_j,   u_j = (y_j - lo_j) / (hi_j - lo_j)   (maximisation),
 *
 * fits one GP to s and maximises log EI of it (log-ei.ts). Different weights on different calls cover the front.
 */
import type { Rng } from '../math/rng.ts';

export function chebyshevScalarise(
  y: readonly number[],
  w: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  rho = 0.05,
): number {
  let mn = Infinity;
  let sum = 0;
  for (let j = 0; j < y.length; j++) {
    const u = (y[j] - lo[j]) / (hi[j] - lo[j] || 1);
    mn = Math.min(mn, w[j] * u);
    sum += w[j] * u;
  }
  return mn + rho * sum;
}

/** Weights uniform on the simplex (normalised exponentials). */
export function simplexWeights(k: number, rng: Rng): number[] {
  const w = Array.from({ length: k }, () => -Math.log(Math.max(rng.next(), 1e-300)));
  const total = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / total);
}
