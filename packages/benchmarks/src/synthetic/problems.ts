/**
 * The benchmark problems, defined once, for every method (ours, Sobol, random, Optuna through its bridge).
 * Everything is MAXIMISED: objective values are minus BoTorch's `evaluate_true` (negate=True), reference points
 * and optima are negated likewise. A problem takes the optimizer's assignments (names x0, x1, ... plus, for the
 * mixed problems, int and categorical parameters) and returns objective values or a failure.
 *
 * single objective (BoTorch synthetic.py; bounds, optimum):
 *   branin          d = 2, [-5, 10] x [0, 15], min 0.397887
 *   levy            [-10, 10]^d, min 0 at 1
 *   rosenbrock      [-5, 10]^d, min 0 at 1
 *   styblinskitang  [-5, 5]^d, min -39.166166 d at -2.903534
 *   michalewicz     [0, pi]^d, min -1.80130341 (d 2), -4.687658 (d 5), -9.66015 (d 10)
 * multi-objective (BoTorch multi_objective.py; reference point, maximum hypervolume):
 *   branincurrin    d = 2, [0, 1]^2, ref (18, 6), max HV 59.36011874867746
 *   zdt1/2/3        [0, 1]^d, ref (11, 11), max HV 120 + 2/3, 120 + 1/3, 128.77811613069076
 *   dtlz1           [0, 1]^d, 2 objectives, ref 400 each, max HV 400^2 - 0.5^2 / 2!
 *   dtlz2           [0, 1]^d, 2 objectives, ref 1.1 each, max HV 1.1^2 - pi / 4
 *   dtlz2m3         DTLZ2 with 3 objectives, ref 1.1 each, max HV 1.1^3 - pi / 6
 *   vehiclesafety   d = 5, [1, 3]^5, 3 objectives, ref (1864.72022, 11.81993945, 0.2903999384), max HV 246.81607081187002
 * mixed spaces (ours):
 *   rosenbrock-int  Rosenbrock on [-5, 10]^d with the first floor(d/2) coordinates integers; min 0 at 1
 *   fn-switch       categorical fn in {a, b} choosing between two shifted quadratics on d - 2 doubles in [0, 1] and an
 *                   int k in [0, 4]: a = 0.8 - sum (x - 0.25)^2 - 0.05 (k - 1)^2 (the wide, lower hill),
 *                   b = 1 - 2 sum (x - 0.7)^2 - 0.05 (k - 3)^2 (the narrow, higher one); max 1 at fn = b, x = 0.7, k = 3
 * classic single-objective problems outside the public suite (the `extra` suite; BoTorch synthetic.py where it has
 * them):
 *   hartmann6       [0, 1]^6, min -3.32237;  hartmann6-embedded: Hartmann-6 on coordinates 3, 7, 11, 13, 16, 19 of
 *                   [0, 1]^d (d >= 20), the others without effect
 *   ackley          [-32.768, 32.768]^d, min 0;  griewank [-600, 600]^d, min 0;  powell [-4, 5]^d (d a multiple of 4), min 0
 *   shekel          m = 10, [0, 10]^4, min -10.53641;  sixhumpcamel [-3, 3] x [-2, 2], min -1.0316
 * multi-objective problems outside the public suite (also `extra`; BoTorch multi_objective.py):
 *   dh1             [0, 1] x [-1, 1]^(d-1), ref (1.1, 1.1), max HV 1.21 - 2/3 (a Rastrigin-like g)
 *   dh3             [0, 1]^2 x [-1, 1]^(d-2), ref (1.1, 1.1), max HV 1.21 - 0.328449169794718 (a narrow global front)
 *   carsideimpact   d = 7, 4 objectives, ref (45.4872, 4.5114, 13.3394, 10.3942), max HV 484.72654347642793
 *   (zdt3, above, with d = 6: a front in five disconnected pieces)
 *   zdt-mixed       (ours) d mixed parameters (12, as many as diatom tunes): a categorical `front` in {convex,
 *                   concave} choosing ZDT1 or ZDT2, the position x0 in [0, 1], and d - 2 distance coordinates, the
 *                   first floor((d - 2) / 2) of them integers in [0, 10] (read as tenths), the others doubles in
 *                   [0, 1]; ref (11, 11), max HV 120 + 2/3 (ZDT1's front, which dominates ZDT2's: 1 - sqrt f1 <=
 *                   1 - f1^2)
 * failure region:
 *   constrained-branincurrin  BoTorch's ConstrainedBraninCurrin (d = 2, ref (80, 12), max HV 608.4004237022673);
 *                   a point outside its disk constraint comes back failed (no values), so it counts for nothing
 * observed constraints (also `extra`; BoTorch's ConstrainedBaseTestProblem: each constraint's slack is measured with
 * the objectives, feasible when every slack is >= 0; an infeasible point counts for nothing):
 *   branincurrin-slack  ConstrainedBraninCurrin with its disk slack measured (d = 2, ref (80, 12), max HV 608.4004237022673)
 *   c2dtlz2         C2-DTLZ2 (Deb et al. 2001; BoTorch's C2DTLZ2, r = 0.2), 2 objectives, ref 1.1 each: the DTLZ2
 *                   front cut into three pieces by one constraint on the objectives; max HV 0.400057, that of the
 *                   feasible arcs of the front (BoTorch's 0.3996406303723544 is an NSGA-II estimate below it)
 */
import type { Assignments, Parameter } from '@paretobench/optimizer';
import { z } from 'zod';
import {
  ackley,
  branin,
  carSideImpact,
  dh1,
  dh3,
  griewank,
  hartmann6,
  powell,
  shekel,
  sixHumpCamel,
  braninCurrinDiskSlack,
  c2dtlz2Slack,
  currin,
  dtlz,
  levy,
  michalewicz,
  rosenbrock,
  styblinskiTang,
  vehicleSafety,
  zdt,
} from './functions.ts';

export { branin, currin } from './functions.ts';

export const ProblemNameSchema = z.enum([
  'branin',
  'levy',
  'rosenbrock',
  'styblinskitang',
  'michalewicz',
  'branincurrin',
  'zdt1',
  'zdt2',
  'zdt3',
  'dtlz1',
  'dtlz2',
  'dtlz2m3',
  'vehiclesafety',
  'rosenbrock-int',
  'fn-switch',
  'constrained-branincurrin',
  'branincurrin-slack',
  'c2dtlz2',
  'hartmann6',
  'hartmann6-embedded',
  'ackley',
  'shekel',
  'sixhumpcamel',
  'griewank',
  'powell',
  'dh1',
  'dh3',
  'carsideimpact',
  'zdt-mixed',
]);
export type ProblemName = z.infer<typeof ProblemNameSchema>;

/**
 * An evaluation: objective values (maximised, in objective order), with the constraints' slacks of a problem with
 * observed constraints (feasible when every slack is >= 0), or a failure.
 */
export type Outcome = { values: number[]; constraints?: number[]; failed?: false } | { failed: true };

/** Whether an outcome counts for the figures: it did not fail, and it meets every observed constraint. */
export function isFeasibleOutcome(outcome: Outcome): boolean {
  return !outcome.failed && (outcome.constraints ?? []).every((c) => c >= 0);
}

export interface SyntheticProblem {
  name: ProblemName;
  /** number of parameters */
  dim: number;
  /** `${name}-d${dim}`: the problem's key in a suite */
  id: string;
  parameters: Parameter[];
  objectives: number;
  /** multi-objective: reference point in the maximisation orientation (negated BoTorch ref point); else null */
  refPoint: number[] | null;
  /** multi-objective: hypervolume of the true front above the reference point; else null */
  maxHv: number | null;
  /** single objective: the maximum of the (negated) function; else null */
  optimum: number | null;
  /** observed constraints: how many slacks each outcome carries (0: none) */
  constraints: number;
  evaluate(a: Assignments): Outcome;
}

const doubles = (bounds: [number, number][]): Parameter[] =>
  bounds.map(([min, max], i) => ({ name: `x${i}`, type: 'double', bounds: { min, max } }));
const box = (d: number, min: number, max: number) => Array.from({ length: d }, () => [min, max] as [number, number]);
const xs = (a: Assignments, d: number): number[] => Array.from({ length: d }, (_, i) => Number(a[`x${i}`]));

function fixedDim(name: string, dim: number | undefined, d: number): number {
  if (dim !== undefined && dim !== d) throw new Error(`--dim: ${name} has dim ${d} (got ${dim})`);
  return d;
}
function minDim(name: string, dim: number | undefined, fallback: number, min: number): number {
  const d = dim ?? fallback;
  if (!(d >= min)) throw new Error(`--dim: ${name} needs dim >= ${min} (got ${d})`);
  return d;
}

interface Spec {
  dim: number;
  parameters: Parameter[];
  objectives: number;
  refPoint?: number[];
  maxHv?: number;
  optimum?: number;
  constraints?: number;
  evaluate(a: Assignments): Outcome;
}

function single(d: number, bounds: [number, number][], fMin: number, f: (x: number[]) => number): Spec {
  return {
    dim: d,
    parameters: doubles(bounds),
    objectives: 1,
    optimum: -fMin,
    evaluate: (a) => ({ values: [-f(xs(a, d))] }),
  };
}

function multi(
  d: number,
  bounds: [number, number][],
  botorchRef: number[],
  maxHv: number,
  f: (x: number[]) => number[],
): Spec {
  return {
    dim: d,
    parameters: doubles(bounds),
    objectives: botorchRef.length,
    refPoint: botorchRef.map((r) => -r),
    maxHv,
    evaluate: (a) => ({ values: f(xs(a, d)).map((v) => -v) }),
  };
}

/** the coordinates of hartmann6-embedded that Hartmann-6 reads */
const HARTMANN6_EMBEDDED = [3, 7, 11, 13, 16, 19];

const MICHALEWICZ_MIN: Record<number, number> = { 2: -1.80130341, 5: -4.687658, 10: -9.66015 };

function spec(name: ProblemName, dim: number | undefined): Spec {
  switch (name) {
    case 'branin': {
      const d = fixedDim(name, dim, 2);
      return single(
        d,
        [
          [-5, 10],
          [0, 15],
        ],
        0.397887,
        (x) => branin(x[0], x[1]),
      );
    }
    case 'levy': {
      const d = minDim(name, dim, 8, 1);
      return single(d, box(d, -10, 10), 0, levy);
    }
    case 'rosenbrock': {
      const d = minDim(name, dim, 6, 2);
      return single(d, box(d, -5, 10), 0, rosenbrock);
    }
    case 'styblinskitang': {
      const d = minDim(name, dim, 10, 1);
      return single(d, box(d, -5, 5), -39.166166 * d, styblinskiTang);
    }
    case 'michalewicz': {
      const d = dim ?? 5;
      if (!(d in MICHALEWICZ_MIN))
        throw new Error(`--dim: michalewicz has a known optimum for dim 2, 5 or 10 (got ${d})`);
      return single(d, box(d, 0, Math.PI), MICHALEWICZ_MIN[d], michalewicz);
    }
    case 'branincurrin': {
      const d = fixedDim(name, dim, 2);
      return multi(d, box(2, 0, 1), [18, 6], 59.36011874867746, (x) => [
        branin(15 * x[0] - 5, 15 * x[1]),
        currin(x[0], x[1]),
      ]);
    }
    case 'zdt1':
    case 'zdt2':
    case 'zdt3': {
      const d = minDim(name, dim, 6, 2);
      const kind = Number(name[3]) as 1 | 2 | 3;
      const maxHv = [120 + 2 / 3, 120 + 1 / 3, 128.77811613069076][kind - 1];
      return multi(d, box(d, 0, 1), [11, 11], maxHv, (x) => zdt(kind, x));
    }
    case 'dtlz1': {
      const d = minDim(name, dim, 6, 3);
      return multi(d, box(d, 0, 1), [400, 400], 400 ** 2 - 0.5 ** 2 / 2, (x) => dtlz(1, 2, x));
    }
    case 'dtlz2': {
      const d = minDim(name, dim, 6, 3);
      return multi(d, box(d, 0, 1), [1.1, 1.1], 1.1 ** 2 - Math.PI / 4, (x) => dtlz(2, 2, x));
    }
    case 'dtlz2m3': {
      const d = minDim(name, dim, 8, 4);
      return multi(d, box(d, 0, 1), [1.1, 1.1, 1.1], 1.1 ** 3 - Math.PI / 6, (x) => dtlz(2, 3, x));
    }
    case 'vehiclesafety': {
      const d = fixedDim(name, dim, 5);
      return multi(d, box(5, 1, 3), [1864.72022, 11.81993945, 0.2903999384], 246.81607081187002, vehicleSafety);
    }
    case 'rosenbrock-int': {
      const d = minDim(name, dim, 6, 2);
      const nInt = Math.floor(d / 2);
      const parameters: Parameter[] = Array.from({ length: d }, (_, i) => ({
        name: `x${i}`,
        type: i < nInt ? 'int' : 'double',
        bounds: { min: -5, max: 10 },
      }));
      return { dim: d, parameters, objectives: 1, optimum: 0, evaluate: (a) => ({ values: [-rosenbrock(xs(a, d))] }) };
    }
    case 'fn-switch': {
      const d = minDim(name, dim, 5, 3);
      const nx = d - 2;
      const parameters: Parameter[] = [
        { name: 'fn', type: 'categorical', categorical_values: ['a', 'b'] },
        ...doubles(box(nx, 0, 1)),
        { name: 'k', type: 'int', bounds: { min: 0, max: 4 } },
      ];
      return {
        dim: d,
        parameters,
        objectives: 1,
        optimum: 1,
        evaluate: (a) => {
          const x = xs(a, nx);
          const k = Number(a.k);
          if (a.fn === 'a') return { values: [0.8 - sq(x, 0.25) - 0.05 * (k - 1) ** 2] };
          if (a.fn === 'b') return { values: [1 - 2 * sq(x, 0.7) - 0.05 * (k - 3) ** 2] };
          throw new Error(`fn-switch: fn must be a or b (got ${String(a.fn)})`);
        },
      };
    }
    case 'zdt-mixed': {
      const d = minDim(name, dim, 12, 4);
      const nInt = Math.floor((d - 2) / 2);
      const parameters: Parameter[] = [
        { name: 'front', type: 'categorical', categorical_values: ['convex', 'concave'] },
        { name: 'x0', type: 'double', bounds: { min: 0, max: 1 } },
        ...Array.from({ length: d - 2 }, (_, i): Parameter =>
          i < nInt
            ? { name: `x${i + 1}`, type: 'int', bounds: { min: 0, max: 10 } }
            : { name: `x${i + 1}`, type: 'double', bounds: { min: 0, max: 1 } },
        ),
      ];
      return {
        dim: d,
        parameters,
        objectives: 2,
        refPoint: [-11, -11],
        maxHv: 120 + 2 / 3,
        evaluate: (a) => {
          const x = xs(a, d - 1).map((v, i) => (i >= 1 && i <= nInt ? v / 10 : v));
          if (a.front === 'convex') return { values: zdt(1, x).map((v) => -v) };
          if (a.front === 'concave') return { values: zdt(2, x).map((v) => -v) };
          throw new Error(`zdt-mixed: front must be convex or concave (got ${String(a.front)})`);
        },
      };
    }
    case 'hartmann6':
      return single(fixedDim(name, dim, 6), box(6, 0, 1), -3.32237, hartmann6);
    case 'hartmann6-embedded': {
      const d = minDim(name, dim, 20, 20);
      return single(d, box(d, 0, 1), -3.32237, (x) => hartmann6(HARTMANN6_EMBEDDED.map((i) => x[i])));
    }
    case 'ackley': {
      const d = minDim(name, dim, 10, 1);
      return single(d, box(d, -32.768, 32.768), 0, ackley);
    }
    case 'shekel':
      return single(fixedDim(name, dim, 4), box(4, 0, 10), -10.53641, shekel);
    case 'sixhumpcamel':
      return single(
        fixedDim(name, dim, 2),
        [
          [-3, 3],
          [-2, 2],
        ],
        -1.0316285,
        sixHumpCamel,
      );
    case 'griewank': {
      const d = minDim(name, dim, 8, 1);
      return single(d, box(d, -600, 600), 0, griewank);
    }
    case 'powell': {
      const d = minDim(name, dim, 8, 4);
      if (d % 4 !== 0) throw new Error(`--dim: powell needs a multiple of 4 (got ${d})`);
      return single(d, box(d, -4, 5), 0, powell);
    }
    case 'dh1': {
      const d = minDim(name, dim, 5, 2);
      return multi(d, [[0, 1], ...box(d - 1, -1, 1)], [1.1, 1.1], 1.21 - 2 / 3, dh1);
    }
    case 'dh3': {
      const d = minDim(name, dim, 5, 3);
      return multi(d, [[0, 1], [0, 1], ...box(d - 2, -1, 1)], [1.1, 1.1], 1.21 - 0.328449169794718, dh3);
    }
    case 'carsideimpact': {
      const d = fixedDim(name, dim, 7);
      const bounds: [number, number][] = [
        [0.5, 1.5],
        [0.45, 1.35],
        [0.5, 1.5],
        [0.5, 1.5],
        [0.875, 2.625],
        [0.4, 1.2],
        [0.4, 1.2],
      ];
      return multi(d, bounds, [45.4872, 4.5114, 13.3394, 10.3942], 484.72654347642793, carSideImpact);
    }
    case 'constrained-branincurrin': {
      const base = constrainedBraninCurrin(name, dim);
      return {
        ...base,
        evaluate: (a) => (braninCurrinDiskSlack(Number(a.x0), Number(a.x1)) >= 0 ? base.evaluate(a) : { failed: true }),
      };
    }
    case 'branincurrin-slack': {
      const base = constrainedBraninCurrin(name, dim);
      return {
        ...base,
        constraints: 1,
        evaluate: (a) => {
          const o = base.evaluate(a) as { values: number[] };
          return { values: o.values, constraints: [braninCurrinDiskSlack(Number(a.x0), Number(a.x1))] };
        },
      };
    }
    case 'c2dtlz2': {
      const d = minDim(name, dim, 6, 3);
      return {
        ...multi(d, box(d, 0, 1), [1.1, 1.1], 0.400057, (x) => dtlz(2, 2, x)),
        constraints: 1,
        evaluate: (a) => {
          const f = dtlz(2, 2, xs(a, d));
          return { values: f.map((v) => -v), constraints: [c2dtlz2Slack(f)] };
        },
      };
    }
  }
}

/** BoTorch's ConstrainedBraninCurrin without its constraint: BraninCurrin with reference point (80, 12). */
function constrainedBraninCurrin(name: ProblemName, dim: number | undefined): Spec {
  return { ...spec('branincurrin', fixedDim(name, dim, 2)), refPoint: [-80, -12], maxHv: 608.4004237022673 };
}

function sq(x: readonly number[], c: number): number {
  let s = 0;
  for (const v of x) s += (v - c) ** 2;
  return s;
}

export function makeProblem(name: ProblemName, dim?: number): SyntheticProblem {
  const s = spec(name, dim);
  return {
    name,
    dim: s.dim,
    id: `${name}-d${s.dim}`,
    parameters: s.parameters,
    objectives: s.objectives,
    refPoint: s.refPoint ?? null,
    maxHv: s.maxHv ?? null,
    optimum: s.optimum ?? null,
    constraints: s.constraints ?? 0,
    evaluate: (a) => s.evaluate(a),
  };
}

/** Assignments for doubles x0..x{d-1} (tests and callers with plain vectors). */
export function vectorAssignments(x: readonly number[]): Assignments {
  return Object.fromEntries(x.map((v, i) => [`x${i}`, v]));
}
