/**
 * One synthetic optimisation run of one method on one problem and seed. Every method goes through the same
 * loop: ask a proposer for assignments, evaluate the problem (TypeScript, problems.ts), tell the outcome back, and
 * score the evaluated points with our own hypervolume / best value (score.ts), so figures cannot drift between
 * methods.
 *
 * Methods:
 *   ours (mobo, or the optimizer's own random / sobol): the stateless `suggest()` as a journal-replaying runner
 *     would call it, its state passed back on every call;
 *   sobol-10x / random-10x: scrambled Sobol points / uniform random points straight from `Sobol` / `Rng`, decoded
 *     to the space, at 10 times the budget;
 *   optuna-tpe / optuna-nsga2: Optuna through the ask/tell bridge (optuna-peer.ts).
 */
import {
  Rng,
  Sobol,
  categoricalNames,
  parseExperimentConfig,
  suggest,
  suggestBatch,
  type Assignments,
  type SuggestOutput,
  type ExperimentConfig,
  type Observation,
  type OptimizerOptions,
  type OptimizerState,
  type Parameter,
} from '@paretobench/optimizer';
import { measureReference } from '../host/reference-workload.ts';
import { ObservationNoise } from './noise.ts';
import { OptunaPeer } from './optuna-peer.ts';
import { isFeasibleOutcome, makeProblem, type Outcome, type ProblemName, type SyntheticProblem } from './problems.ts';
import { scoreAt, scoreReported, scoreTrace, type Score } from './score.ts';

export type SyntheticMethod = 'mobo' | 'random' | 'sobol';
export const PEER_METHODS = ['optuna-tpe', 'optuna-nsga2', 'sobol-10x', 'random-10x'] as const;
export type PeerMethod = (typeof PEER_METHODS)[number];
export type AnyMethod = SyntheticMethod | PeerMethod;

/** How many evaluations a method gets for a problem budget (the quasi-random peers get 10x). */
export function methodBudget(method: AnyMethod, budget: number): number {
  return method === 'sobol-10x' || method === 'random-10x' ? 10 * budget : budget;
}

export interface SyntheticRunResult {
  seed: number;
  evaluations: number;
  /** multi-objective: hypervolume of the non-failed points after all evaluations; else null */
  hypervolume: number | null;
  /** single objective: best value after all evaluations, and optimum - best value; else null */
  best_value: number | null;
  regret: number | null;
  /** the figure after each evaluation (ours), or at the checkpoints (peers): hypervolume or regret */
  trace: number[];
  trace_at: number[];
  failed: number;
  /** problems with observed constraints: evaluations that missed one (they count for nothing, like failures) */
  infeasible: number;
  seconds: number;
  /**
   * noise only: the figure of the points the method would report, judged by the noisy values it was told (the best
   * told value, or the told values' front), scored on their exact values (score.ts `scoreReported`); else null
   */
  reported: Score | null;
  /**
   * every evaluated point, with its exact values (y null = failed), its constraints' slacks (c, problems with observed
   * constraints) and, with noise, the values the method was told
   */
  points: { x: Assignments; y: number[] | null; c?: number[]; observed?: number[] | null }[];
  /** ours only: wall and process CPU time (user + system) per suggestion, and the optimizer's phase */
  suggest_ms: number[];
  suggest_cpu_ms: number[];
  phases: string[];
  /**
   * mobo only: CPU milliseconds of one sample of the host-speed reference workload (host/reference-workload.ts)
   * timed in the same process just before each suggestion (index i: before suggestion i), the unit of the
   * host-independent suggestion cost (summary.ts)
   */
  reference_cpu_ms: number[];
}

/**
 * The optimizer config for a problem: its parameters and one maximised metric per objective (f0, f1, ...).
 * Thresholds are left out: a user rarely knows a reference point. `thresholds: true` passes the problem's
 * reference point as metric thresholds (the old behaviour). `budget` is the experiment's observation budget, as a
 * SigOpt user states it (it caps the initial design at a quarter of the budget).
 */
export function problemConfig(
  problem: SyntheticProblem,
  method: SyntheticMethod,
  seed: number,
  opts: { thresholds?: boolean; budget?: number } = {},
): ExperimentConfig {
  return parseExperimentConfig({
    name: problem.id,
    parameters: problem.parameters,
    metrics: [
      ...Array.from({ length: problem.objectives }, (_, j) => ({
        name: `f${j}`,
        objective: 'maximize' as const,
        ...(opts.thresholds && problem.refPoint ? { threshold: problem.refPoint[j] } : {}),
      })),
      // observed constraints: SigOpt's constraint metrics, met when the slack is >= 0
      ...Array.from({ length: problem.constraints }, (_, j) => ({
        name: `c${j}`,
        objective: 'maximize' as const,
        strategy: 'constraint' as const,
        threshold: 0,
      })),
    ],
    seed,
    method,
    ...(opts.budget !== undefined ? { observation_budget: opts.budget } : {}),
  });
}

interface Proposer {
  ask(): Promise<Assignments> | Assignments;
  tell(a: Assignments, outcome: Outcome): Promise<void> | void;
  close?(): Promise<void>;
}

/** Decodes a point of the unit cube to assignments (one coordinate per parameter). */
export function decodeUnit(parameters: Parameter[], u: readonly number[]): Assignments {
  const a: Assignments = {};
  parameters.forEach((p, j) => {
    if (p.transformation === 'log') throw new Error(`parameter ${p.name}: log transformation not supported here`);
    if (p.type === 'categorical') {
      const names = categoricalNames(p);
      a[p.name] = names[Math.min(names.length - 1, Math.floor(u[j] * names.length))];
    } else if (p.type === 'int') {
      const { min, max } = p.bounds!;
      a[p.name] = Math.min(max, min + Math.floor(u[j] * (max - min + 1)));
    } else {
      const { min, max } = p.bounds!;
      a[p.name] = min + u[j] * (max - min);
    }
  });
  return a;
}

/**
 * Parallel workers: `size` suggestions are asked for with the same observations, all evaluated, then the next
 * `size`. 'greedy' asks suggestBatch() for them at once; 'pending' makes `size` consecutive suggest() calls, each
 * with the earlier ones pending (a full acquisition optimisation per suggestion: the reference the batch is measured
 * against). Timings are per suggestion (a batch's time divided by its size).
 */
export interface BatchOptions {
  size: number;
  mode: 'greedy' | 'pending';
}

function oursProposer(
  problem: SyntheticProblem,
  method: SyntheticMethod,
  seed: number,
  thresholds: boolean,
  budget: number,
  out: SyntheticRunResult,
  batch: BatchOptions = { size: 1, mode: 'greedy' },
  options?: Partial<OptimizerOptions>,
): Proposer {
  const config = problemConfig(problem, method, seed, { thresholds, budget });
  const observations: Observation[] = [];
  let state: OptimizerState | undefined;
  const queue: Assignments[] = [];
  const refill = () => {
    const size = Math.min(batch.size, budget - observations.length);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const made: { assignments: Assignments; phase: SuggestOutput['info']['phase'] }[] = [];
    if (batch.mode === 'greedy') {
      const s = suggestBatch({ config, observations, state, options }, size);
      state = s.state;
      s.suggestions.forEach((a, j) => made.push({ assignments: a, phase: s.info.phases[j] }));
    } else {
      for (let j = 0; j < size; j++) {
        const pending = made.map((m) => m.assignments);
        const s = suggest({ config, observations, pending, state, index: observations.length + j, options });
        state = s.state;
        made.push({ assignments: s.assignments, phase: s.info.phase });
      }
    }
    const dc = process.cpuUsage(c0);
    for (const m of made) {
      out.suggest_ms.push((performance.now() - t0) / size);
      out.suggest_cpu_ms.push((dc.user + dc.system) / 1000 / size);
      out.phases.push(m.phase);
      queue.push(m.assignments);
    }
  };
  return {
    ask() {
      if (queue.length === 0) refill();
      return queue.shift()!;
    },
    tell(assignments, outcome) {
      observations.push(
        outcome.failed
          ? { assignments, failed: true }
          : {
              assignments,
              values: [
                ...outcome.values.map((value, j) => ({ name: `f${j}`, value })),
                ...(outcome.constraints ?? []).map((value, j) => ({ name: `c${j}`, value })),
              ],
            },
      );
    },
  };
}

function unitProposer(parameters: Parameter[], next: () => number[]): Proposer {
  return { ask: () => decodeUnit(parameters, next()), tell: () => undefined };
}

async function proposerFor(
  problem: SyntheticProblem,
  method: AnyMethod,
  seed: number,
  thresholds: boolean,
  budget: number,
  out: SyntheticRunResult,
  batch?: BatchOptions,
  optimizerOptions?: Partial<OptimizerOptions>,
): Promise<Proposer> {
  const d = problem.parameters.length;
  switch (method) {
    case 'mobo':
    case 'random':
    case 'sobol':
      return oursProposer(problem, method, seed, thresholds, budget, out, batch, optimizerOptions);
    case 'sobol-10x': {
      const sobol = new Sobol(d, { scramble: true, seed });
      return unitProposer(problem.parameters, () => sobol.next());
    }
    case 'random-10x': {
      const rng = new Rng(seed);
      return unitProposer(problem.parameters, () => Array.from({ length: d }, () => rng.next()));
    }
    case 'optuna-tpe':
    case 'optuna-nsga2': {
      const peer = await OptunaPeer.start({
        sampler: method === 'optuna-tpe' ? 'tpe' : 'nsga2',
        seed,
        parameters: problem.parameters,
        objectives: problem.objectives,
        constraints: problem.constraints,
      });
      return { ask: () => peer.ask(), tell: (_a, o) => peer.tell(o), close: () => peer.close() };
    }
  }
}

export interface RunOptions {
  /** evaluations; the quasi-random peers get methodBudget() of it */
  budget: number;
  seed: number;
  thresholds?: boolean;
  /** ours only: parallel workers (see BatchOptions); one at a time by default */
  batch?: BatchOptions;
  /** ours only: overrides of the optimizer's policy constants (a variant measured against the default) */
  optimizerOptions?: Partial<OptimizerOptions>;
  /**
   * Observation noise (noise.ts): the method is told values with Gaussian noise of this many times each objective's
   * spread over the domain, and scored on the exact values. 0 (the default): exact values.
   */
  noise?: number;
  onStep?: (i: number) => void;
}

export async function runMethod(
  problem: SyntheticProblem,
  method: AnyMethod,
  opts: RunOptions,
): Promise<SyntheticRunResult> {
  const n = methodBudget(method, opts.budget);
  const out: SyntheticRunResult = {
    seed: opts.seed,
    evaluations: n,
    hypervolume: null,
    best_value: null,
    regret: null,
    trace: [],
    trace_at: [],
    failed: 0,
    infeasible: 0,
    seconds: 0,
    reported: null,
    points: [],
    suggest_ms: [],
    suggest_cpu_ms: [],
    phases: [],
    reference_cpu_ms: [],
  };
  const ours = method === 'mobo' || method === 'random' || method === 'sobol';
  // only the model's suggestions are gated on their CPU per reference; its timing is left out of `seconds`
  const timeReference = method === 'mobo';
  let referenceWallMs = 0;
  // before the proposer starts (an Optuna process to close) and the clock: the spread takes 1,024 evaluations
  const noise = opts.noise ? new ObservationNoise(problem, opts.noise, opts.seed) : null;
  const t0 = performance.now();
  const proposer = await proposerFor(
    problem,
    method,
    opts.seed,
    opts.thresholds ?? false,
    n,
    out,
    opts.batch,
    opts.optimizerOptions,
  );
  const ys: (number[] | null)[] = [];
  const told: (number[] | null)[] = [];
  try {
    for (let i = 0; i < n; i++) {
      if (timeReference) {
        const r0 = performance.now();
        out.reference_cpu_ms.push(measureReference(1).cpu_ms);
        referenceWallMs += performance.now() - r0;
      }
      const a = await proposer.ask();
      const outcome = problem.evaluate(a);
      const seen = noise ? noise.observe(outcome) : outcome;
      await proposer.tell(a, seen);
      const y = outcome.failed ? null : outcome.values;
      const observed = seen.failed ? null : seen.values;
      const c = outcome.failed ? undefined : outcome.constraints;
      const feasible = isFeasibleOutcome(outcome);
      if (!y) out.failed++;
      else if (!feasible) out.infeasible++;
      // the figures count feasible points only (the noise leaves the slacks exact: what was told is feasible alike)
      ys.push(feasible ? y : null);
      told.push(feasible ? observed : null);
      out.points.push({ x: a, y, ...(c ? { c } : {}), ...(noise ? { observed } : {}) });
      opts.onStep?.(i);
    }
  } finally {
    await proposer.close?.();
  }
  out.seconds = (performance.now() - t0 - referenceWallMs) / 1000;
  // ours: the figure after every evaluation; the peers (up to 10x the budget): at the budget and at the end.
  out.trace_at = ours ? ys.map((_, i) => i + 1) : [...new Set([Math.min(opts.budget, n), n])];
  out.trace = scoreTrace(problem, ys, out.trace_at);
  const final = scoreAt(problem, ys, n);
  out.hypervolume = final.hypervolume;
  out.best_value = final.best_value;
  out.regret = final.regret;
  if (noise) out.reported = scoreReported(problem, ys, told);
  return out;
}

/** Convenience for callers with a problem name (the CLI, tests). */
export function runSynthetic(
  name: ProblemName,
  dim: number | undefined,
  method: AnyMethod,
  opts: RunOptions,
): Promise<SyntheticRunResult> {
  return runMethod(makeProblem(name, dim), method, opts);
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
