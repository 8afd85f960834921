/**
 * One synthetic optimisation run: the optimizer's stateless `suggest()` (as a journal-replaying runner
 * would call it) against a BoTorch test problem, with hypervolume after every evaluation.
 */
import {
  hypervolume,
  parseExperimentConfig,
  suggest,
  type ExperimentConfig,
  type Observation,
  type OptimizerState,
} from '@paretobench/optimizer';
import { makeProblem, type ProblemName, type SyntheticProblem } from './problems.ts';

export type SyntheticMethod = 'mobo' | 'random' | 'sobol';

export interface SyntheticRunResult {
  seed: number;
  hypervolume: number;
  hv_trace: number[];
  points: { x: number[]; y: number[] }[];
  suggest_ms: number[];
  /** process CPU time (user + system) per suggestion: the one-core cost regardless of machine load */
  suggest_cpu_ms: number[];
  phases: string[];
}

/** The optimizer config for a problem: one double per input, two maximised metrics whose thresholds are the reference point. */
export function problemConfig(problem: SyntheticProblem, method: SyntheticMethod, seed: number): ExperimentConfig {
  return parseExperimentConfig({
    name: `${problem.name}-${problem.dim}`,
    parameters: problem.bounds.map(([min, max], i) => ({ name: `x${i}`, type: 'double', bounds: { min, max } })),
    metrics: [
      { name: 'f0', objective: 'maximize', threshold: problem.refPoint[0] },
      { name: 'f1', objective: 'maximize', threshold: problem.refPoint[1] },
    ],
    seed,
    method,
  });
}

export function runSynthetic(
  name: ProblemName,
  dim: number | undefined,
  method: SyntheticMethod,
  budget: number,
  seed: number,
  onStep?: (i: number, hv: number) => void,
): SyntheticRunResult {
  const problem = makeProblem(name, dim);
  const config = problemConfig(problem, method, seed);
  const observations: Observation[] = [];
  let state: OptimizerState | undefined;
  const ys: number[][] = [];
  const out: SyntheticRunResult = {
    seed,
    hypervolume: 0,
    hv_trace: [],
    points: [],
    suggest_ms: [],
    suggest_cpu_ms: [],
    phases: [],
  };
  for (let i = 0; i < budget; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s = suggest({ config, observations, state });
    const dc = process.cpuUsage(c0);
    out.suggest_ms.push(performance.now() - t0);
    out.suggest_cpu_ms.push((dc.user + dc.system) / 1000);
    out.phases.push(s.info.phase);
    state = s.state;
    const x = problem.bounds.map((_, j) => Number(s.assignments[`x${j}`]));
    const y = problem.evaluate(x);
    observations.push({
      assignments: s.assignments,
      values: [
        { name: 'f0', value: y[0] },
        { name: 'f1', value: y[1] },
      ],
    });
    ys.push(y);
    out.points.push({ x, y });
    const hv = hypervolume(ys, problem.refPoint);
    out.hv_trace.push(hv);
    onStep?.(i, hv);
  }
  out.hypervolume = out.hv_trace[out.hv_trace.length - 1] ?? 0;
  return out;
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
