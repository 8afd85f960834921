/**
 * The benchmark suites: which problems, at which budgets, and BoTorch's published results as anchors.
 *
 *   public  all problems of problems.ts in their benchmark dimensions
 *   ci      six of them, two seeds in CI: one single objective (levy-d8), ZDT1 (anchor), a 3-objective problem,
 *           both mixed spaces (int; categorical + int), the failure region
 *
 * Budget: 30 evaluations for d <= 2, 60 for d <= 8, 100 above.
 */
import { z } from 'zod';
import { makeProblem, type ProblemName, type SyntheticProblem } from './problems.ts';

export const SuiteNameSchema = z.enum(['public', 'ci', 'extra']);
export type SuiteName = z.infer<typeof SuiteNameSchema>;

const PUBLIC: [ProblemName, number][] = [
  ['branin', 2],
  ['levy', 8],
  ['rosenbrock', 6],
  ['styblinskitang', 10],
  ['michalewicz', 5],
  ['branincurrin', 2],
  ['zdt1', 6],
  ['zdt1', 20],
  ['zdt2', 6],
  ['dtlz2', 6],
  ['dtlz2', 8],
  ['dtlz2', 16],
  ['dtlz1', 6],
  ['dtlz2m3', 8],
  ['vehiclesafety', 5],
  ['rosenbrock-int', 6],
  ['fn-switch', 5],
  ['constrained-branincurrin', 2],
];

const CI: [ProblemName, number][] = [
  ['levy', 8],
  ['zdt1', 6],
  ['dtlz2m3', 8],
  ['rosenbrock-int', 6],
  ['fn-switch', 5],
  ['constrained-branincurrin', 2],
];

/**
 * Classic problems the optimizer was not tuned on (none of them shaped a policy constant): the check that a change
 * which helps the public suite is not tuned to it. Single objective, then multi-objective: a disconnected front
 * (ZDT3), a Rastrigin-like distance function (DH1), a narrow global front beside a broad local one (DH3), four
 * objectives from an engineering design (car side impact), and two with observed constraints (SigOpt's constraint
 * metrics): the disk of the public suite's failure region with its slack measured instead (the failure handling
 * measured on that region was left as it was), and C2-DTLZ2; last, two objectives over 12 mixed parameters, as many
 * as diatom tunes (ZDT1 or ZDT2 by a categorical, half the distance coordinates integers).
 */
const EXTRA: [ProblemName, number][] = [
  ['hartmann6', 6],
  ['hartmann6-embedded', 20],
  ['ackley', 10],
  ['shekel', 4],
  ['sixhumpcamel', 2],
  ['griewank', 8],
  ['powell', 8],
  ['zdt3', 6],
  ['dh1', 2],
  ['dh3', 5],
  ['carsideimpact', 7],
  ['branincurrin-slack', 2],
  ['c2dtlz2', 6],
  ['zdt-mixed', 12],
];

export function suiteBudget(dim: number): number {
  return dim <= 2 ? 30 : dim <= 8 ? 60 : 100;
}

/** The problems of a suite, optionally filtered by `--problems` (ids like zdt1-d6, or names like zdt1 for all dims). */
export function suiteProblems(suite: SuiteName, filter?: string[]): SyntheticProblem[] {
  const all = { public: PUBLIC, ci: CI, extra: EXTRA }[suite].map(([name, dim]) => makeProblem(name, dim));
  if (!filter || filter.length === 0) return all;
  const unknown = filter.filter((f) => !all.some((p) => p.id === f || p.name === f));
  if (unknown.length > 0)
    throw new Error(`--problems: ${unknown.join(', ')} not in suite ${suite} (has ${all.map((p) => p.id).join(', ')})`);
  return all.filter((p) => filter.includes(p.id) || filter.includes(p.name));
}

/** BoTorch's qNEHVI results the suite is anchored to (mean hypervolume at 60 evaluations, and the max). */
export interface Anchor {
  value: number;
  evaluations: number;
  max_hv: number;
}

const ANCHORS: Record<string, Anchor> = {
  'branincurrin-d2': { value: 58.3887, evaluations: 60, max_hv: 59.3601 },
  'zdt1-d6': { value: 120.5727, evaluations: 60, max_hv: 120.667 },
  'dtlz2-d6': { value: 0.3739, evaluations: 60, max_hv: 0.424602 },
};

export function anchorFor(problem: SyntheticProblem): Anchor | null {
  return ANCHORS[problem.id] ?? null;
}
