/**
 * Multi-objective test problems exactly as BoTorch's `botorch.test_functions.multi_objective`
 * with negate=True: both objectives are MAXIMISED (values are the negated minimisation objectives)
 * and the reference points are the negated BoTorch reference points.
 *
 * - BraninCurrin (Belakaria et al. 2019), d = 2 on [0,1]^2, ref [-18, -6]:
 *     Branin on x0' = 15 x0 - 5, x1' = 15 x1:
 *       (x1' - 5.1/(4 pi^2) x0'^2 + 5/pi x0' - 6)^2 + 10 (1 - 1/(8 pi)) cos(x0') + 10
 *     Currin: (1 - exp(-1/(2 x1))) (2300 x0^3 + 1900 x0^2 + 2092 x0 + 60) / (100 x0^3 + 500 x0^2 + 4 x0 + 20)
 * - ZDT1/2/3 (Zitzler, Deb, Thiele 2000), [0,1]^d, ref [-11, -11], g = 1 + 9 mean(x1..x_{d-1}):
 *     f0 = x0; ZDT1 f1 = g (1 - sqrt(x0/g)); ZDT2 f1 = g (1 - (x0/g)^2);
 *     ZDT3 f1 = 1 - sqrt(x0/g) - (x0/g) sin(10 pi x0)   (BoTorch's form, without the factor g)
 * - DTLZ2 (Deb et al. 2002) with 2 objectives, [0,1]^d, ref [-1.1, -1.1], g = sum_{i>=1} (x_i - 0.5)^2:
 *     f0 = (1 + g) cos(pi/2 x0), f1 = (1 + g) sin(pi/2 x0)
 */
import { z } from 'zod';

export const ProblemNameSchema = z.enum(['branincurrin', 'zdt1', 'zdt2', 'zdt3', 'dtlz2']);
export type ProblemName = z.infer<typeof ProblemNameSchema>;

export interface SyntheticProblem {
  name: ProblemName;
  dim: number;
  bounds: [number, number][];
  /** reference point in the maximisation orientation (negated BoTorch ref point) */
  refPoint: [number, number];
  /** BoTorch's _max_hv (hypervolume of the true front above the reference point) */
  maxHv: number;
  /** objective values, maximised (= minus BoTorch's evaluate_true) */
  evaluate(x: readonly number[]): [number, number];
}

export function branin(x0: number, x1: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x1 - b * x0 * x0 + c * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
}

export function currin(x0: number, x1: number): number {
  const factor1 = 1 - Math.exp(-1 / (2 * x1));
  const numer = 2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60;
  const denom = 100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20;
  return (factor1 * numer) / denom;
}

function zdtG(x: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i];
  return 1 + (9 * s) / (x.length - 1);
}

export function makeProblem(name: ProblemName, dim?: number): SyntheticProblem {
  const unit = (d: number) => Array.from({ length: d }, () => [0, 1] as [number, number]);
  switch (name) {
    case 'branincurrin': {
      if (dim !== undefined && dim !== 2) throw new Error(`--dim: branincurrin has dim 2 (got ${dim})`);
      return {
        name,
        dim: 2,
        bounds: unit(2),
        refPoint: [-18, -6],
        maxHv: 59.36011874867746,
        evaluate: (x) => [-branin(15 * x[0] - 5, 15 * x[1]), -currin(x[0], x[1])],
      };
    }
    case 'zdt1':
    case 'zdt2':
    case 'zdt3': {
      const d = dim ?? 6;
      if (!(d >= 2)) throw new Error(`--dim: ${name} needs dim >= 2 (got ${d})`);
      const maxHv = { zdt1: 120 + 2 / 3, zdt2: 120 + 1 / 3, zdt3: 128.77811613069076 }[name];
      return {
        name,
        dim: d,
        bounds: unit(d),
        refPoint: [-11, -11],
        maxHv,
        evaluate: (x) => {
          const f0 = x[0];
          const g = zdtG(x);
          let f1: number;
          if (name === 'zdt1') f1 = g * (1 - Math.sqrt(f0 / g));
          else if (name === 'zdt2') f1 = g * (1 - (f0 / g) ** 2);
          else f1 = 1 - Math.sqrt(f0 / g) - (f0 / g) * Math.sin(10 * Math.PI * f0);
          return [-f0, -f1];
        },
      };
    }
    case 'dtlz2': {
      const d = dim ?? 6;
      if (!(d > 2)) throw new Error(`--dim: dtlz2 with 2 objectives needs dim > 2 (got ${d})`);
      return {
        name,
        dim: d,
        bounds: unit(d),
        refPoint: [-1.1, -1.1],
        maxHv: 1.1 * 1.1 - Math.PI / 4,
        evaluate: (x) => {
          let g = 0;
          for (let i = 1; i < d; i++) g += (x[i] - 0.5) ** 2;
          return [-(1 + g) * Math.cos((x[0] * Math.PI) / 2), -(1 + g) * Math.sin((x[0] * Math.PI) / 2)];
        },
      };
    }
  }
}
