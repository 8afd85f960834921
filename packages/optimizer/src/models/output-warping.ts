/**
 * Output warping: a monotone power transform of one metric's observed values, fitted so that the transformed values
 * look as Gaussian as possible, before a GP models them (HEBO, Cowen-Rivers et al. 2022, which fits a Box-Cox or
 * Yeo-Johnson transform to the outputs; sklearn's PowerTransformer). A GP with a stationary kernel and Gaussian noise
 * models a skewed objective badly: a few very bad values set the scale, and the differences among the good values,
 * the ones that decide where to look next, are a small fraction of it. Because the transform is strictly increasing,
 * it keeps which observation is better, so expected improvement can be computed in the warped space as it is (the
 * incumbent is the model's own mean at the best observation). acquisition/build.ts warps the target of every log-EI
 * acquisition (one objective, or a ParEGO scalarisation), not the objectives of a hypervolume acquisition, whose
 * improvement is a volume in their own units.
 *
 * The transform: standardise (mean 0, sd 1), then Yeo-Johnson (2000) with the lambda that maximises the Gaussian
 * profile log likelihood of the transformed values, searched on [0, 2] (lambda = 1 is the identity). That interval is
 * where the transform maps the real line onto the real line: outside it, one half-line goes onto a bounded interval,
 * so a whole tail of observations would be squashed together and their order all but lost to the GP.
 *
 * Measured (packages/benchmarks BENCHMARKS.md, "Output warping", 8 seeds): better on 5 of the public suite's 7
 * single-objective problems (Rosenbrock-6 regret 803 -> 353, Rosenbrock-int 1,827 -> 450) and on all 7 of the `extra`
 * suite (Hartmann-6 0.115 -> 0.016, Shekel 6.0 -> 4.2, Ackley-10 5.9 -> 4.3); fn-switch 0.025 -> 0.100 on seeds 0-7,
 * the same on seeds 8-31.
 */

import { standardise } from './gp.ts';

/** The Yeo-Johnson transform of x with parameter lambda: defined and strictly increasing on the whole real line. */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-10 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  const l2 = 2 - lambda;
  return Math.abs(l2) < 1e-10 ? -Math.log1p(-x) : -(Math.pow(1 - x, l2) - 1) / l2;
}

/** Gaussian profile log likelihood of Yeo-Johnson(x, lambda), up to a constant (Yeo & Johnson 2000, section 3). */
export function yeoJohnsonLogLikelihood(xs: ArrayLike<number>, lambda: number): number {
  const n = xs.length;
  let mean = 0;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = yeoJohnson(xs[i], lambda);
    mean += t[i];
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (t[i] - mean) ** 2;
  v /= n;
  if (!(v > 0) || !Number.isFinite(v)) return -Infinity;
  let jac = 0;
  for (let i = 0; i < n; i++) jac += Math.sign(xs[i]) * Math.log1p(Math.abs(xs[i]));
  return -0.5 * n * Math.log(v) + (lambda - 1) * jac;
}

export class OutputWarping {
  private constructor(
    readonly mean: number,
    readonly std: number,
    readonly lambda: number,
  ) {}

  /** The identity (used when there are too few values to fit). */
  static identity(): OutputWarping {
    return new OutputWarping(0, 1, 1);
  }

  /** Fitted to the observed values: standardisation, then the maximum-likelihood Yeo-Johnson lambda. */
  static fit(y: ArrayLike<number>, bounds: [number, number] = [0, 2]): OutputWarping {
    const n = y.length;
    if (n < 3) return OutputWarping.identity();
    // the GP's own standardisation (its sd is 1 for values that do not vary: those stay as they are)
    const { mean, std } = standardise(y);
    const z = Float64Array.from({ length: n }, (_, i) => (y[i] - mean) / std);
    if (z.every((v) => Math.abs(v) < 1e-12)) return OutputWarping.identity();
    // golden-section search of the (unimodal in practice) profile likelihood, after a coarse grid
    const f = (l: number) => yeoJohnsonLogLikelihood(z, l);
    let best = 1;
    let bestF = f(1);
    const steps = 24;
    for (let s = 0; s <= steps; s++) {
      const l = bounds[0] + ((bounds[1] - bounds[0]) * s) / steps;
      const fl = f(l);
      if (fl > bestF) [best, bestF] = [l, fl];
    }
    const h = (bounds[1] - bounds[0]) / steps;
    let a = Math.max(bounds[0], best - h);
    let b = Math.min(bounds[1], best + h);
    const g = (Math.sqrt(5) - 1) / 2;
    let c = b - g * (b - a);
    let d = a + g * (b - a);
    let fc = f(c);
    let fd = f(d);
    for (let it = 0; it < 40; it++) {
      if (fc > fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - g * (b - a);
        fc = f(c);
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + g * (b - a);
        fd = f(d);
      }
    }
    const l = (a + b) / 2;
    return new OutputWarping(mean, std, f(l) > bestF ? l : best);
  }

  /** The warped value of y (strictly increasing in y). */
  apply(y: number): number {
    return yeoJohnson((y - this.mean) / this.std, this.lambda);
  }

  applyAll(y: ArrayLike<number>): Float64Array {
    return Float64Array.from({ length: y.length }, (_, i) => this.apply(y[i]));
  }
}
