/**
 * Priors on double parameters, as SigOpt accepted them: a belief about where good values lie.
 *
 *   { name: 'normal', mean, scale }       a normal on the parameter's value, truncated to its bounds
 *   { name: 'beta', shape_a, shape_b }    a beta on (value - min) / (max - min)
 *
 * They shape the search twice, as πBO does (Hvarfner et al. 2022, "πBO: Augmenting Acquisition Functions with User
 * Beliefs for Bayesian Optimization"): the initial design and random draws map their uniform coordinates through the
 * prior's inverse CDF (so the first points follow the belief), and the acquisition is multiplied by the prior density
 * raised to beta / n after n observations (acquisition/prior-weight.ts), which fades as data accumulate, so a wrong
 * prior slows the search down without stopping it.
 */
import { normalCdf, normalLogPdf } from '../math/normal.ts';

export type Prior =
  { name: 'normal'; mean: number; scale: number } | { name: 'beta'; shape_a: number; shape_b: number };

/** log of the prior density of value v of a parameter bounded by [min, max] (-Infinity outside). */
export function priorLogDensity(prior: Prior, v: number, min: number, max: number): number {
  if (!(v >= min && v <= max)) return -Infinity;
  if (prior.name === 'normal') {
    const { mean, scale } = prior;
    const mass = normalCdf((max - mean) / scale) - normalCdf((min - mean) / scale);
    return normalLogPdf((v - mean) / scale) - Math.log(scale) - Math.log(mass);
  }
  const w = max - min;
  const x = (v - min) / w;
  const { shape_a: a, shape_b: b } = prior;
  if ((x === 0 && a < 1) || (x === 1 && b < 1)) return Infinity;
  // a = 1 (b = 1): no factor x^0 ((1 - x)^0), also at x = 0 (1), where (a - 1) log x would be 0 * -Infinity
  const left = a === 1 ? 0 : (a - 1) * Math.log(x);
  const right = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return left + right - logBeta(a, b) - Math.log(w);
}

/** The prior's CDF at v. */
export function priorCdf(prior: Prior, v: number, min: number, max: number): number {
  if (v <= min) return 0;
  if (v >= max) return 1;
  if (prior.name === 'normal') {
    const lo = normalCdf((min - prior.mean) / prior.scale);
    const hi = normalCdf((max - prior.mean) / prior.scale);
    return (normalCdf((v - prior.mean) / prior.scale) - lo) / (hi - lo);
  }
  return regularizedIncompleteBeta((v - min) / (max - min), prior.shape_a, prior.shape_b);
}

/** The value whose CDF is u in [0, 1] (bisection on the CDF: monotone, to 1e-12 of the range). */
export function priorQuantile(prior: Prior, u: number, min: number, max: number): number {
  let lo = min;
  let hi = max;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * (max - min); i++) {
    const mid = 0.5 * (lo + hi);
    if (priorCdf(prior, mid, min, max) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** log Gamma(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * I_x(a, b), the regularised incomplete beta function: its continued fraction evaluated by the modified Lentz method,
 * on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges fast (x < (a + 1) / (a + b + 2)).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b)) / a;
  const TINY = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 300; i++) {
    const m = Math.floor(i / 2);
    let num: number;
    if (i === 0) num = 1;
    else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    const delta = c * d;
    f *= delta;
    if (Math.abs(1 - delta) < 1e-15) break;
  }
  return front * (f - 1);
}
