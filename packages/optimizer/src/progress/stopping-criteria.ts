/**
 * Whether an experiment may stop, as SigOpt's `stopping_criteria` said it: `should_stop` with its reasons.
 *
 * - `observation_budget_reached`: as many observations as the experiment's `observation_budget` (a multitask
 *   experiment's: observations' task costs adding up to it).
 * - `possible_stagnation`: none of the last K observations improved the feasible front (K = the initial design's
 *   size for the experiment's parameters, 2 (p + 1), and at least 10), after at least 2K observations. An observation
 *   improves the front when it is feasible and no earlier feasible observation is at least as good on every optimized
 *   metric (with one metric: it beats the best so far).
 *
 * In a multitask experiment only the real task's observations can improve the front: a cheaper task's value is not the
 * objective's.
 *
 * Advice, not a rule: the service keeps suggesting either way.
 */
import { isFeasible } from '../multi-objective/feasibility.ts';
import { costSpent, realTask, roundedCost } from '../multitask.ts';
import type { ExperimentConfig, Observation } from '../space/space.ts';

export interface StoppingCriteria {
  should_stop: boolean;
  reasons: string[];
}

export function stagnationWindow(config: Pick<ExperimentConfig, 'parameters'>): number {
  return Math.max(10, 2 * (config.parameters.length + 1));
}

export function stoppingCriteria(config: ExperimentConfig, all: readonly Observation[]): StoppingCriteria {
  const reasons: string[] = [];
  const spent = config.tasks
    ? roundedCost(
        costSpent(
          config,
          all.map((o) => o.task),
        ),
      )
    : all.length;
  if (config.observation_budget !== undefined && spent >= config.observation_budget) {
    reasons.push('observation_budget_reached');
  }
  const real = config.tasks ? realTask(config).name : undefined;
  const observations = real === undefined ? all : all.filter((o) => o.task === real);
  const K = stagnationWindow(config);
  if (observations.length >= 2 * K) {
    const optimized = config.metrics.filter((m) => (m.strategy ?? 'optimize') === 'optimize');
    const front: number[][] = [];
    let lastImprovement = -1;
    observations.forEach((o, i) => {
      if (!isFeasible(config, o)) return;
      const p = optimized.map((m) => {
        const v = o.values?.find((x) => x.name === m.name)?.value ?? Number.NaN;
        return m.objective === 'minimize' ? -v : v;
      });
      if (p.some(Number.isNaN)) return;
      const covered = front.some((q) => q.every((v, j) => v >= p[j]));
      if (covered) return;
      lastImprovement = i;
      for (let k = front.length - 1; k >= 0; k--) if (front[k].every((v, j) => p[j] >= v)) front.splice(k, 1);
      front.push(p);
    });
    if (lastImprovement < observations.length - K) reasons.push('possible_stagnation');
  }
  return { should_stop: reasons.length > 0, reasons };
}
