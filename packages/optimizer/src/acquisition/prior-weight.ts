/**
 * The πBO factor (Hvarfner et al. 2022): the acquisition times pi(x)^(beta / n) after n observations, pi the product
 * of the parameters' prior densities (space/prior.ts) in the encoded unit cube (the density of the value times the
 * Jacobian of the encoding, so log-scaled parameters are weighed where the search actually moves). In log space a
 * term (beta / n) log pi(x) added to the log acquisition: strong while there are few observations, fading as 1/n.
 *
 * beta = observation_budget / 10 (100 / 10 without a budget): the prior counts at full weight until a tenth of the
 * budget has been observed, about where the initial design ends, and at a tenth of that at the end.
 */
import type { AcquisitionFunction } from './acquisition-function.ts';
import { priorLogDensity } from '../space/prior.ts';
import type { SpaceEncoding } from '../space/space.ts';

export class PriorWeight implements AcquisitionFunction {
  private readonly weight: number;

  constructor(
    private readonly enc: SpaceEncoding,
    observations: number,
    budget: number | undefined,
  ) {
    const beta = (budget ?? 100) / 10;
    this.weight = beta / Math.max(1, observations);
  }

  /** Whether any parameter of the space has a prior (else the factor is not needed). */
  static applies(enc: SpaceEncoding): boolean {
    return enc.columns.some((c) => c.param.prior !== undefined);
  }

  /** (beta / n) log pi(x) at m encoded points (row-major m x d). */
  logScore(X: Float64Array, m: number): Float64Array {
    const out = new Float64Array(m);
    const d = this.enc.dim;
    // a parameter that a point's conditionals leave inactive has no value there: no prior factor either
    const active = this.enc.conditional
      ? Array.from({ length: m }, (_, i) => this.enc.activeColumns(X.subarray(i * d, (i + 1) * d)))
      : null;
    for (const c of this.enc.columns) {
      const prior = c.param.prior;
      if (!prior) continue;
      const { min, max } = c.param.bounds!;
      const width = c.hi - c.lo;
      for (let i = 0; i < m; i++) {
        if (active && !active[i][c.offset]) continue;
        const u = Math.min(1, Math.max(0, X[i * d + c.offset]));
        const t = c.lo + u * width;
        const v = c.log ? Math.exp(t) : t;
        // density in u: p(v) |dv/du|, dv/du = width (v width on a log scale)
        const logJacobian = Math.log(width) + (c.log ? t : 0);
        // a beta prior with a shape below 1 has an infinite density at a bound: read it a hair inside (finite)
        const inside = Math.min(max - 1e-9 * (max - min), Math.max(min + 1e-9 * (max - min), v));
        out[i] += this.weight * (priorLogDensity(prior, inside, min, max) + logJacobian);
      }
    }
    return out;
  }
}
