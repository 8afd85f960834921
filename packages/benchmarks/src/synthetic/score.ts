/**
 * The figures of a run, computed the same way for every method from the evaluated points (failed ones, and those that
 * miss an observed constraint, count for nothing: their y is null here): the hypervolume above the problem's
 * reference point (multi-objective), or the best value and the regret = optimum - best value (single objective).
 */
import { hypervolume, paretoFront } from '@paretobench/optimizer';
import type { SyntheticProblem } from './problems.ts';

export interface Score {
  hypervolume: number | null;
  best_value: number | null;
  regret: number | null;
}

/** The score of the first n evaluations (y null = failed or infeasible). */
export function scoreAt(problem: SyntheticProblem, ys: readonly (number[] | null)[], n: number): Score {
  const ok = ys.slice(0, n).filter((y): y is number[] => y !== null);
  if (problem.refPoint) return { hypervolume: hypervolume(ok, problem.refPoint), best_value: null, regret: null };
  if (ok.length === 0) return { hypervolume: null, best_value: null, regret: null };
  const best = Math.max(...ok.map((y) => y[0]));
  return { hypervolume: null, best_value: best, regret: problem.optimum! - best };
}

/** The figure (hypervolume, or regret for a single objective; NaN before the first success) after each count in `at`. */
export function scoreTrace(
  problem: SyntheticProblem,
  ys: readonly (number[] | null)[],
  at: readonly number[],
): number[] {
  if (problem.refPoint) return at.map((n) => scoreAt(problem, ys, n).hypervolume!);
  const out: number[] = [];
  let best = -Infinity;
  let k = 0;
  for (const n of at) {
    for (; k < n; k++) if (ys[k] !== null) best = Math.max(best, ys[k]![0]);
    out.push(best === -Infinity ? NaN : problem.optimum! - best);
  }
  return out;
}

/**
 * The figure of the points a method would report when the values it was told are noisy (noise.ts): the point with
 * the best told value (single objective), or the points whose told values no other told values dominate, scored on
 * their exact values. Without noise this is the figure of every point (the front's hypervolume is the set's, the
 * best told value is the best). `told[i]` is what the method was told for `ys[i]` (null: failed or infeasible).
 */
export function scoreReported(
  problem: SyntheticProblem,
  ys: readonly (number[] | null)[],
  told: readonly (number[] | null)[],
): Score {
  const ok = ys.flatMap((y, i) => (y !== null && told[i] !== null ? [i] : []));
  if (problem.refPoint) {
    const front = paretoFront(ok.map((i) => told[i]!)).map((k) => ys[ok[k]]!);
    return { hypervolume: hypervolume(front, problem.refPoint), best_value: null, regret: null };
  }
  if (ok.length === 0) return { hypervolume: null, best_value: null, regret: null };
  let pick = ok[0];
  for (const i of ok) if (told[i]![0] > told[pick]![0]) pick = i;
  const best = ys[pick]![0];
  return { hypervolume: null, best_value: best, regret: problem.optimum! - best };
}
