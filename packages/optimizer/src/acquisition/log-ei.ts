/**
 * Log expected improvement for maximisation (Ament, Daulton, Eriksson, Balandat & Bakshy 2023, "Unexpected
 * improvements to expected improvement for Bayesian optimization", eq. 9):
 *
 *   EI(x) = E[(f(x) - best)^+] = sigma h(z),   z = (mu - best) / sigma,   h(z) = phi(z) + z Phi(z),
 *
 * computed as log sigma + log h(z) so that it stays finite and informative (strictly increasing in mu) far below
 * the incumbent, where EI itself underflows to 0. `logH` is shared with the 2-D EHVI (log-ehvi.ts).
 *
 * `LogExpectedImprovement` scores candidates under one GP posterior; the incumbent is the best *denoised* value at
 * a feasible observed input (the plug-in form of noisy EI, Letham et al. 2019), see GaussianProcess.denoised().
 */
import { erfcx, expNegHalfSq, INV_SQRT_2PI, LOG_SQRT_2PI, log1mexp, SQRT2 } from '../math/normal.ts';
import type { Posterior } from '../models/gp.ts';
import { scorePosterior, type AcquisitionFunction } from './acquisition-function.ts';

const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);

/** log h(z), h(z) = phi(z) + z Phi(z) = E[(Z + z)^+] for Z ~ N(0, 1); finite for |z| < 1e154. */
export function logH(z: number): number {
  if (z > -1) {
    // h(z) = z + phi(z) / z^2 (1 + O(1/z^2)); the correction is below 1e-19 relative for z > 8.5
    if (z > 8.5) return Math.log(z);
    const e = expNegHalfSq(z);
    const phi = INV_SQRT_2PI * e;
    const Phi = z < 0 ? 0.5 * erfcx(-z / SQRT2) * e : 1 - 0.5 * erfcx(z / SQRT2) * e;
    return Math.log(phi + z * Phi);
  }
  if (z > -20) {
    // h(z) = phi(z) (1 - |z| sqrt(pi/2) erfcx(|z| / sqrt 2))
    const x = -z;
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(x * erfcx(x / SQRT2)) + HALF_LOG_PI_OVER_2);
  }
  if (z === -Infinity) return -Infinity;
  // 1 - x R(x) with the Mills ratio R(x) ~ 1/x - 1/x^3 + 3/x^5 - ...:  sum_{k>=1} (-1)^{k+1} (2k-1)!! / x^{2k}
  const inv = 1 / (z * z);
  let term = inv;
  let sum = inv;
  for (let k = 2; k <= 12; k++) {
    term *= -(2 * k - 1) * inv;
    sum += term;
  }
  return -0.5 * z * z - LOG_SQRT_2PI + Math.log(sum);
}

/** log EI for maximisation at posterior N(mu, sigma^2) against incumbent `best`. */
export function logExpectedImprovement(mu: number, sigma: number, best: number): number {
  const s = Math.max(sigma, 1e-12);
  return Math.log(s) + logH((mu - best) / s);
}

/** log EI under one GP posterior against a fixed incumbent. */
export class LogExpectedImprovement implements AcquisitionFunction {
  constructor(
    readonly model: Posterior,
    readonly best: number,
  ) {}

  logScore(X: Float64Array, m: number): Float64Array {
    return scorePosterior(this.model, X, m, (mu, sigma) => logExpectedImprovement(mu, sigma, this.best));
  }
}
