/**
 * Acquisition pieces other than EHVI (which lives in ehvi.ts):
 *
 * - logExpectedImprovement: log EI for maximisation, EI = sigma * h(z), h(z) = phi(z) + z Phi(z),
 *   z = (mu - best) / sigma, computed stably in log space for very negative z
 *   (Ament et al. 2023, "Unexpected Improvements to Expected Improvement", eq. 9).
 * - logProbabilityAbove: log P(f >= threshold) for a Gaussian posterior (constraint metrics).
 * - chebyshevScalarise: augmented Chebyshev scalarisation (Knowles 2006, ParEGO) for 3+ objectives.
 * - inferReferencePoint: nadir of the Pareto front minus 10% of its range (BoTorch's infer_reference_point).
 */
import { erfcx, log1mexp, normalLogCdf, normalLogPdf } from '../math/normal.ts';

const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);

/** log h(z), h(z) = phi(z) + z Phi(z) = E[max(Z + z, 0)] for Z ~ N(0,1). */
export function logH(z: number): number {
  if (z > -1) {
    const phi = Math.exp(normalLogPdf(z));
    const Phi = Math.exp(normalLogCdf(z));
    return Math.log(phi + z * Phi);
  }
  if (z < -1e8) return normalLogPdf(z) - 2 * Math.log(-z);
  // h(z) = phi(z) (1 + z Phi(z)/phi(z)) = phi(z) (1 - |z| sqrt(pi/2) erfcx(-z/sqrt2))
  return normalLogPdf(z) + log1mexp(Math.log(erfcx(-z / Math.SQRT2) * -z) + HALF_LOG_PI_OVER_2);
}

/** log EI for maximisation at posterior N(mu, sigma^2) against incumbent `best`. */
export function logExpectedImprovement(mu: number, sigma: number, best: number): number {
  const s = Math.max(sigma, 1e-12);
  return Math.log(s) + logH((mu - best) / s);
}

/** log P(f >= threshold) (maximisation orientation). */
export function logProbabilityAbove(mu: number, sigma: number, threshold: number): number {
  return normalLogCdf((mu - threshold) / Math.max(sigma, 1e-12));
}

/**
 * Augmented Chebyshev scalarisation of a maximisation vector y with weights w (on the simplex)
 * after normalising each objective to [0,1] with (lo, hi): s = min_j w_j u_j + rho * sum_j w_j u_j.
 */
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

/** Nadir of `front` minus `scale` times its range per objective (maximisation orientation). */
export function inferReferencePoint(front: readonly number[][], scale = 0.1): number[] {
  const m = front[0].length;
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of front) {
      lo = Math.min(lo, p[j]);
      hi = Math.max(hi, p[j]);
    }
    const range = hi - lo;
    ref.push(lo - scale * (range > 0 ? range : Math.max(Math.abs(lo), 1)));
  }
  return ref;
}
