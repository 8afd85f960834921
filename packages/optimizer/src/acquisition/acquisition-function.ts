/**
 * The shape every acquisition shares, and the two ways they are combined.
 *
 * An acquisition scores m candidates (row-major m x d in the unit cube) in LOG space, larger is better. Working in
 * log space keeps products of small probabilities and improvements finite (Ament et al. 2023).
 *
 * - `IntegratedAcquisition`: the mean of an acquisition over GP hyperparameter samples, log(1/K sum_k exp(a_k)),
 *   i.e. the integrated acquisition of Snoek, Larochelle & Adams 2012 with the samples drawn by
 *   `sampleHyperparameters` (models/gp.ts).
 * - `ProductAcquisition`: an objective term times probability terms, log a + sum_j log p_j, as constrained EI
 *   (Gardner et al. 2014) and SigOpt's failure regions: P(constraint metric meets its threshold) (constraint.ts)
 *   and P(success) from the success model (models/success-model.ts).
 */
import type { Posterior } from '../models/gp.ts';

export interface AcquisitionFunction {
  logScore(X: Float64Array, m: number): Float64Array;
}

/**
 * A pointwise acquisition of one GP: `f(mean, standard deviation)` of the posterior at each of the m candidates.
 */
export function scorePosterior(
  model: Posterior,
  X: Float64Array,
  m: number,
  f: (mu: number, sigma: number) => number,
): Float64Array {
  const { mean, variance } = model.predict(X, m);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = f(mean[i], Math.sqrt(variance[i]));
  return out;
}

export class IntegratedAcquisition implements AcquisitionFunction {
  constructor(readonly members: readonly AcquisitionFunction[]) {
    if (members.length === 0) throw new Error('IntegratedAcquisition: needs at least one member');
  }

  logScore(X: Float64Array, m: number): Float64Array {
    if (this.members.length === 1) return this.members[0].logScore(X, m);
    const parts = this.members.map((a) => a.logScore(X, m));
    return logMeanExp(parts, m);
  }
}

/** log(1/K sum_k exp(parts[k][i])) for each i, computed with the max taken out. */
export function logMeanExp(parts: readonly Float64Array[], m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let mx = -Infinity;
    for (const p of parts) if (p[i] > mx) mx = p[i];
    if (!Number.isFinite(mx)) {
      out[i] = mx;
      continue;
    }
    let acc = 0;
    for (const p of parts) acc += Math.exp(p[i] - mx);
    out[i] = mx + Math.log(acc / parts.length);
  }
  return out;
}

export class ProductAcquisition implements AcquisitionFunction {
  constructor(
    readonly objective: AcquisitionFunction,
    readonly factors: readonly AcquisitionFunction[],
  ) {}

  logScore(X: Float64Array, m: number): Float64Array {
    const s = this.objective.logScore(X, m);
    for (const f of this.factors) {
      const e = f.logScore(X, m);
      for (let i = 0; i < m; i++) s[i] += e[i];
    }
    return s;
  }
}
