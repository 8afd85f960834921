/**
 * Where the points come from before a model does, and when no model can: the size of the initial design, its
 * points (the scrambled Sobol sequence, counting only points that satisfy the linear constraints), and uniform draws
 * that avoid points already seen.
 */
import { Rng } from '../math/rng.ts';
import { satisfiesAll } from '../space/linear-constraints.ts';
import { assignmentsKey, type Assignments, type ExperimentConfig, type SpaceEncoding } from '../space/space.ts';
import { Sobol } from './sobol.ts';

/**
 * Size of the initial Sobol design: `initial_design_size` when given; else 2 (p + 1) for p parameters (BoTorch's
 * tutorials), but never more than a quarter of `observation_budget` (at least 2), so that a small budget still
 * leaves most of its evaluations to the model.
 */
export function initialDesignSize(config: ExperimentConfig): number {
  if (config.initial_design_size !== undefined) return config.initial_design_size;
  const standard = 2 * (config.parameters.length + (config.conditionals?.length ?? 0) + 1);
  if (config.observation_budget === undefined) return standard;
  return Math.min(standard, Math.max(2, Math.ceil(config.observation_budget / 4)));
}

/**
 * The design's point number `index`: of the scrambled Sobol sequence, counting only points that satisfy the linear
 * constraints (all of them when there are none), the first one not yet seen from there on.
 */
export function sobolAt(enc: SpaceEncoding, config: ExperimentConfig, seen: Set<string>, index: number): Assignments {
  const sobol = new Sobol(enc.nParams, { scramble: true, seed: config.seed });
  let a: Assignments | null = null;
  let feasible = 0;
  for (let i = 0; i <= (index + 1000) * 64; i++) {
    const candidate = enc.fromParamUnit(sobol.next());
    if (!satisfiesAll(config.linear_constraints, candidate)) continue;
    a = candidate;
    if (feasible++ < index) continue;
    if (!seen.has(assignmentsKey(config, a))) return a;
    if (feasible > index + 1000) break;
  }
  return a ?? randomNonDuplicate(enc, config, seen, new Rng(config.seed).fork(index + 1));
}

/** A uniform draw (following priors) satisfying the linear constraints, not yet seen when possible. */
export function randomNonDuplicate(
  enc: SpaceEncoding,
  config: ExperimentConfig,
  seen: Set<string>,
  rng: Rng,
): Assignments {
  let a = enc.randomAssignments(rng);
  for (
    let t = 0;
    t < 100_000 && (seen.has(assignmentsKey(config, a)) || !satisfiesAll(config.linear_constraints, a));
    t++
  )
    a = enc.randomAssignments(rng);
  return a;
}
