/**
 * The policy: given the config, all observations and the pending suggestions, return the next assignments.
 * Deterministic given (config.seed, observations, pending, index, state, options). The math lives in models/,
 * acquisition/, multi-objective/ and optim/; this file only decides what to fit, which acquisition to use and how
 * to pick the suggestion.
 *
 * method 'random': uniform over the space; 'sobol': the scrambled Sobol sequence; 'mobo' (default):
 *   1. an initial Sobol design (initialDesignSize), continued while fewer than two observations succeeded;
 *   2. one GP per optimised and constraint metric (Matern 5/2 ARD, MAP fit, models/gp.ts), on denoised values
 *      (noisy-EI plug-in), integrated over hyperparameter samples while data are few; a log-EI target (one objective
 *      or a ParEGO scalarisation) after a fitted power transform (models/output-warping.ts);
 *      a success model (models/success-model.ts) once some observations failed;
 *      pending suggestions as kriging-believer fantasies;
 *   3. the acquisition (log space, maximisation orientation):
 *        1 objective:  log EI                       (acquisition/log-ei.ts)
 *        2 objectives: exact log EHVI                (acquisition/log-ehvi.ts), reference point from thresholds,
 *                                                      else inferred (multi-objective/reference-point.ts)
 *        3+:           with a threshold on every objective (the reference point), exact log EHVI over
 *                                                      columns (acquisition/log-ehvi-columns.ts); without, or when the
 *                                                      front needs more than options.ehviMaxColumns columns, log EI
 *                                                      of a ParEGO scalarisation (acquisition/parego.ts)
 *      times P(constraint metrics met) (acquisition/constraint.ts) and P(success);
 *   4. maximised over the mixed space (optim/acquisition-optimizer.ts) inside trust regions around the best points,
 *      whose side the history sets (optim/trust-region.ts); the best candidate that does not repeat an observed or
 *      pending point (options.minSeparation) is the suggestion.
 */
import { z } from 'zod';
import {
  IntegratedAcquisition,
  ProductAcquisition,
  type AcquisitionFunction,
} from './acquisition/acquisition-function.ts';
import { LogProbabilityOfFeasibility } from './acquisition/constraint.ts';
import { LogExpectedHypervolumeImprovement2d, prepareEhvi2d } from './acquisition/log-ehvi.ts';
import {
  LogExpectedHypervolumeImprovement,
  ehviColumnCount,
  prepareEhviColumns,
} from './acquisition/log-ehvi-columns.ts';
import { LogExpectedImprovement } from './acquisition/log-ei.ts';
import { chebyshevScalarise, simplexWeights } from './acquisition/parego.ts';
import { Sobol } from './design/sobol.ts';
import { SOBOL_MAX_DIM } from './design/sobol-directions.ts';
import { Rng } from './math/rng.ts';
import { BelievedCandidates } from './models/believed-candidates.ts';
import { GaussianProcess, sampleHyperparameters, type GpHyperparameters, type Posterior } from './models/gp.ts';
import { SuccessModel } from './models/success-model.ts';
import { OutputWarping } from './models/output-warping.ts';
import { PriorWeight } from './acquisition/prior-weight.ts';
import { satisfiesAll } from './space/linear-constraints.ts';
import { isFeasible, thresholdViolations } from './multi-objective/feasibility.ts';
import { paretoFront } from './multi-objective/pareto.ts';
import { inferReferencePoint } from './multi-objective/reference-point.ts';
import { optimizeAcquisition } from './optim/acquisition-optimizer.ts';
import { buildMultitaskModel, chooseTask, costSpent, initialTask, realTask, type MultitaskFit } from './multitask.ts';
import { improvements, trustRegionSide } from './optim/trust-region.ts';
import { DEFAULT_OPTIONS, type OptimizerOptions } from './options.ts';
import {
  SpaceEncoding,
  assignmentsKey,
  conditionalParameters,
  parseExperimentConfig,
  validateAssignments,
  validateObservation,
  type Assignments,
  type ExperimentConfig,
  type Metric,
  type Observation,
} from './space/space.ts';

export type OptimizerState = Record<string, unknown>;

export interface SuggestInput {
  config: ExperimentConfig;
  observations: Observation[];
  pending?: Assignments[];
  /** a multitask experiment's pending suggestions' tasks, parallel to `pending` (missing: the real task) */
  pendingTasks?: (string | undefined)[];
  state?: OptimizerState;
  index?: number;
  /** overrides of single policy constants (options.ts); the defaults are the optimizer */
  options?: Partial<OptimizerOptions>;
}

export interface SuggestOutput {
  assignments: Assignments;
  /** the task to evaluate it on (multitask experiments only; multitask.ts) */
  task?: string;
  state: OptimizerState;
  info: { phase: 'initial' | 'model' | 'random'; ms: number };
}

/** The state key of a multitask experiment's GP (over the parameters and the fidelity). */
const MULTITASK_MODEL = '__multitask';

const HyperSchema = z.object({
  logLengthscales: z.array(z.number()),
  logSignalVar: z.number(),
  logNoiseVar: z.number(),
});
const StateSchema = z.object({
  gp: z.record(z.string(), HyperSchema).optional(),
  failure: HyperSchema.optional(),
  /** number of observations when the hyperparameters were last fitted */
  fitted_n: z.number().optional(),
});
type State = z.infer<typeof StateSchema>;

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

export function suggest(input: SuggestInput): SuggestOutput {
  const out = suggestBatch(input, 1);
  return {
    assignments: out.suggestions[0],
    ...(out.tasks ? { task: out.tasks[0] } : {}),
    state: out.state,
    info: { phase: out.info.phases[0], ms: out.info.ms },
  };
}

export interface SuggestBatchOutput {
  /** `count` suggestions, in order: the first is what suggest() returns for the same input. */
  suggestions: Assignments[];
  /** the task of each suggestion (multitask experiments only) */
  tasks?: string[];
  state: OptimizerState;
  info: { phases: SuggestOutput['info']['phase'][]; ms: number };
}

/**
 * `count` suggestions at once, for `count` workers asking together (SigOpt's parallel bandwidth): suggestion j is
 * chosen with suggestions 0..j-1 as pending points, believed at their predicted values (kriging believer), and takes
 * suggestion index index + j, as consecutive suggest() calls would. The models are fitted and the acquisition is
 * optimised once, for the first; each later one re-scores `options.batchCandidates` candidates of that
 * optimisation (its best quarter and an even spread over the rest) under the models with the earlier picks believed,
 * and takes the best (the sequential greedy batch of BoTorch's optimize_acqf_discrete with fantasies, on the
 * candidate set the first optimisation found). Cheaper than full optimisations with pending points, and measurably
 * worse on some multi-objective problems (packages/optimizer/BENCHMARKS.md, "Batches"). The
 * models are extended, not refitted, per pick (GaussianProcess.condition), so a pick costs a small fraction of a
 * suggestion. Initial-design and random suggestions are simply the next points of their sequence.
 */
export function suggestBatch(input: SuggestInput, count: number): SuggestBatchOutput {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`suggestBatch: count must be a positive integer, got ${count}`);
  const t0 = performance.now();
  const options: OptimizerOptions = { ...DEFAULT_OPTIONS, ...input.options };
  const config = parseExperimentConfig(input.config);
  const observations = input.observations.map((o) => validateObservation(config, o));
  const pending = (input.pending ?? []).map((a, i) => validateAssignments(config, a, `pending[${i}]`));
  const index = input.index ?? observations.length + pending.length;
  const enc = new SpaceEncoding(config);
  const seen = new Set<string>();
  for (const o of observations) seen.add(assignmentsKey(config, o.assignments));
  for (const a of pending) seen.add(assignmentsKey(config, a));
  const prevState = StateSchema.safeParse(input.state ?? {});
  const state: OptimizerState = prevState.success ? { ...prevState.data } : {};
  const picks: Assignments[] = [];
  const phases: SuggestOutput['info']['phase'][] = [];
  const multitask = config.tasks !== undefined;
  const pickTasks: string[] = [];
  const pick = (a: Assignments, phase: SuggestOutput['info']['phase'], task?: string) => {
    picks.push(a);
    phases.push(phase);
    if (multitask)
      pickTasks.push(
        task ?? (phase === 'initial' ? initialTask(config, index + picks.length - 1) : realTask(config).name),
      );
    seen.add(assignmentsKey(config, a));
  };
  const nOk = observations.filter((o) => !o.failed).length;

  while (picks.length < count) {
    const at = index + picks.length;
    const rng = new Rng(config.seed).fork(at + 1);
    if (config.method === 'random') pick(randomNonDuplicate(enc, config, seen, rng), 'random');
    else if (config.method === 'sobol') pick(sobolAt(enc, config, seen, at), 'random');
    else if (at < initialDesignSize(config)) pick(sobolAt(enc, config, seen, at), 'initial');
    else {
      const waiting = [...pending, ...picks];
      const repeats = new RepeatCheck(enc, [...observations.map((o) => o.assignments), ...waiting], options);
      if (nOk < 2) {
        // Too few successes for objective models. With one success and some failures, look where success is most
        // likely (near the success, away from failures). With no success at all, a success model has only one
        // class and says nothing about where success lies: maximising it just pushes to the edges of the space,
        // far from every failure. Keep filling the space with the Sobol design instead until something succeeds.
        if (nOk === 1 && observations.length - nOk >= 2)
          pick(suggestFeasible(config, enc, observations, rng, seen, repeats), 'model');
        else pick(sobolAt(enc, config, seen, at), 'initial');
        continue;
      }
      if (multitask) multitaskBatch(count - picks.length, repeats, rng);
      else modelBatch(count - picks.length, waiting, repeats, rng);
    }
  }
  return {
    suggestions: picks,
    ...(multitask ? { tasks: pickTasks } : {}),
    state,
    info: { phases, ms: performance.now() - t0 },
  };

  /**
   * A multitask experiment's model-phase suggestions (multitask.ts): the point by the real task's expected
   * improvement, then its task by variance reduction per cost; later picks of a batch with the earlier ones believed.
   */
  function multitaskBatch(k: number, repeats: RepeatCheck, rng: Rng): void {
    const prev: State = prevState.success ? prevState.data : {};
    let fitted: GaussianProcess | undefined;
    let success: SuccessModel | undefined;
    const fitter: MultitaskFit = {
      fit: (X, y, d, warm) => (fitted ??= GaussianProcess.fit(X, y, d, fitOptions(y.length, warm, rng, options))),
      successFit: (X, d, ok, warm) =>
        (success ??= SuccessModel.fit(X, d, ok, { warm, rng, maxFitPoints: 128, maxIter: warm ? 20 : 80 })),
    };
    const pendingTasks = input.pendingTasks ?? [];
    const waitingWithTasks = pending.map((a, i) => ({ assignments: a, task: pendingTasks[i] }));
    for (let j = 0; j < k; j++) {
      const believed = [
        ...waitingWithTasks,
        ...picks.slice(picks.length - j).map((a, i) => ({ assignments: a, task: pickTasks[pickTasks.length - j + i] })),
      ];
      const model = buildMultitaskModel(config, enc, observations, believed, fitter, {
        gp: prev.gp?.[MULTITASK_MODEL],
        failure: prev.failure,
      });
      state.gp = { [MULTITASK_MODEL]: model.hyper };
      state.fitted_n = observations.length;
      if (model.success) state.failure = model.success.hyper;
      const ranked = optimizeAcquisition(
        enc,
        withinConstraints(config, enc, (X, m) => model.acquisition.logScore(X, m)),
        {
          rng,
          ...candidateBudget(options, observations.length, model.anchors.length),
          anchors: model.anchors,
          rawPoints: sobolRaw(enc.dim, rng),
          trustRegion: options.trustRegion
            ? trustRegionSide(
                modelPhaseImprovements(
                  config,
                  observations.filter((o) => o.task === realTask(config).name),
                ),
                enc.dim,
                options.trustRegion,
              )
            : 0,
        },
      );
      let a: Assignments | undefined;
      for (const p of ranked) {
        const c = enc.decode(p.x);
        if (
          !seen.has(assignmentsKey(config, c)) &&
          !repeats.isRepeat(c) &&
          satisfiesAll(config.linear_constraints, c)
        ) {
          a = c;
          break;
        }
      }
      a ??= randomNonDuplicate(enc, config, seen, rng);
      const spent = costSpent(config, [...observations.map((o) => o.task), ...believed.map((b) => b.task)]);
      pick(a, 'model', chooseTask(config, model.gp, enc.encode(a), spent).task);
      repeats.add(a);
    }
  }

  /** The model-phase suggestions: one acquisition optimisation, then greedy picks with the earlier ones believed. */
  function modelBatch(k: number, waiting: Assignments[], repeats: RepeatCheck, rng: Rng): void {
    const prev: State = prevState.success ? prevState.data : {};
    const memo: ModelMemo = { ensembles: new Map() };
    const acquisition = buildAcquisition(config, enc, observations, waiting, rng, prev, state, options, memo);
    const ranked = optimizeAcquisition(
      enc,
      withinConstraints(config, enc, (X, m) => acquisition.logScore(X, m)),
      {
        rng,
        ...candidateBudget(options, observations.length, acquisition.anchors.length),
        anchors: acquisition.anchors,
        rawPoints: sobolRaw(enc.dim, rng),
        trustRegion: options.trustRegion
          ? trustRegionSide(modelPhaseImprovements(config, observations), enc.dim, options.trustRegion)
          : 0,
      },
    );
    const fresh = (a: Assignments) =>
      !seen.has(assignmentsKey(config, a)) && !repeats.isRepeat(a) && satisfiesAll(config.linear_constraints, a);
    // The later picks' candidates: the best quarter of options.batchCandidates by the first acquisition (where the
    // refinement crowds them around its optimum), the rest spread evenly over the remaining ranks (the whole search
    // region, as the first optimisation sampled it), so that a believed pick can move the next one elsewhere.
    const candidates: { x: number[]; a: Assignments }[] = [];
    const top = k > 1 ? Math.ceil(options.batchCandidates / 4) : 1;
    let next = 0;
    for (; next < ranked.length && candidates.length < top; next++) {
      const a = enc.decode(ranked[next].x);
      if (fresh(a)) candidates.push({ x: ranked[next].x, a });
    }
    if (k > 1) {
      const step = Math.max(1, (ranked.length - next) / (options.batchCandidates - candidates.length));
      for (let r = next; r < ranked.length && candidates.length < options.batchCandidates; r += step) {
        const p = ranked[Math.floor(r)];
        const a = enc.decode(p.x);
        if (fresh(a)) candidates.push({ x: p.x, a });
      }
    }
    if (candidates.length === 0) return pick(randomNonDuplicate(enc, config, seen, rng), 'model');
    pick(candidates[0].a, 'model');
    repeats.add(candidates[0].a);
    const X = toMatrix(
      candidates.map((c) => c.x),
      enc.dim,
    );
    // Each model with the waiting points conditioned on once, then this batch's picks believed by rank-one updates
    // of the candidates' variances (models/believed-candidates.ts): the posterior a full conditioning would give.
    const Xw = toMatrix(
      waiting.map((a) => enc.encode(a)),
      enc.dim,
    );
    const picked: number[][] = [enc.encode(candidates[0].a)];
    const believers = new Map<GaussianProcess, BelievedCandidates>();
    const believer = (gp: GaussianProcess): Posterior => {
      let b = believers.get(gp);
      if (!b) {
        const base = waiting.length > 0 ? gp.condition(Xw, gp.predictMean(Xw, waiting.length)) : gp;
        b = new BelievedCandidates(base, X, candidates.length);
        believers.set(gp, b);
      }
      while (b.count < picked.length) b.believe(picked[b.count]);
      return b;
    };
    for (let j = 1; j < k; j++) {
      const believed = buildAcquisition(
        config,
        enc,
        observations,
        [...waiting, ...picks.slice(picks.length - j)],
        rng,
        prev,
        state,
        options,
        memo,
        believer,
      );
      const scores = believed.logScore(X, candidates.length);
      let best = -1;
      for (let c = 0; c < candidates.length; c++)
        if ((best < 0 || scores[c] > scores[best]) && fresh(candidates[c].a)) best = c;
      const a = best >= 0 ? candidates[best].a : randomNonDuplicate(enc, config, seen, rng);
      pick(a, 'model');
      repeats.add(a);
      picked.push(enc.encode(a));
    }
  }
}

function candidateBudget(options: OptimizerOptions, n: number, nAnchors: number) {
  const c = options.candidates(n);
  return {
    rawSamples: c.rawSamples,
    perturbationsPerAnchor: Math.max(8, Math.floor(c.perturbations / Math.max(nAnchors, 1))),
    refineStarts: c.refineStarts,
    refineIterations: c.refineIterations,
  };
}

function sobolRaw(dim: number, rng: Rng): ((k: number) => number[][]) | undefined {
  if (dim > SOBOL_MAX_DIM) return undefined;
  const sobol = new Sobol(dim, { scramble: true, seed: rng.nextUint32() });
  return (k) => sobol.draw(k);
}

/**
 * Suggestions closer than options.minSeparation to an observed or pending point (continuous coordinates, in the
 * unit cube; discrete ones equal) are repeats.
 */
class RepeatCheck {
  private readonly points: number[][];
  private readonly continuous: number[];
  private readonly discrete: number[];

  constructor(
    private readonly enc: SpaceEncoding,
    earlier: readonly Assignments[],
    private readonly options: OptimizerOptions,
  ) {
    this.points = earlier.map((a) => enc.encode(a));
    this.continuous = [];
    this.discrete = [];
    for (const c of enc.columns) {
      for (let k = 0; k < c.width; k++)
        (c.param.type === 'double' && !c.grid ? this.continuous : this.discrete).push(c.offset + k);
    }
  }

  /** Counts `a` as one more earlier point. */
  add(a: Assignments): void {
    this.points.push(this.enc.encode(a));
  }

  isRepeat(a: Assignments): boolean {
    const x = this.enc.encode(a);
    const r2 = this.options.minSeparation ** 2;
    return this.points.some((p) => {
      for (const k of this.discrete) if (Math.abs(p[k] - x[k]) > 1e-12) return false;
      let d2 = 0;
      for (const k of this.continuous) d2 += (p[k] - x[k]) ** 2;
      return d2 < r2;
    });
  }
}

function suggestFeasible(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: Observation[],
  rng: Rng,
  seen: Set<string>,
  repeats: RepeatCheck,
): Assignments {
  const D = enc.dim;
  const X = observations.map((o) => enc.encode(o.assignments));
  const model = SuccessModel.fit(
    toMatrix(X, D),
    D,
    observations.map((o) => !o.failed),
    { rng, zeroMean: true, maxFitPoints: 128 },
  );
  const anchors = X.filter((_, i) => !observations[i].failed);
  const ranked = optimizeAcquisition(
    enc,
    withinConstraints(config, enc, (Xs, m) => model.logProbability(Xs, m)),
    {
      rng,
      rawSamples: 1024,
      anchors,
      perturbationsPerAnchor: 64,
      refineStarts: 3,
      refineIterations: 8,
      rawPoints: sobolRaw(D, rng),
    },
  );
  for (const p of ranked) {
    const a = enc.decode(p.x);
    if (!seen.has(assignmentsKey(config, a)) && !repeats.isRepeat(a) && satisfiesAll(config.linear_constraints, a))
      return a;
  }
  return randomNonDuplicate(enc, config, seen, rng);
}

/**
 * The design's point number `index`: of the scrambled Sobol sequence, counting only points that satisfy the linear
 * constraints (all of them when there are none), the first one not yet seen from there on.
 */
function sobolAt(enc: SpaceEncoding, config: ExperimentConfig, seen: Set<string>, index: number): Assignments {
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
function randomNonDuplicate(enc: SpaceEncoding, config: ExperimentConfig, seen: Set<string>, rng: Rng): Assignments {
  let a = enc.randomAssignments(rng);
  for (
    let t = 0;
    t < 100_000 && (seen.has(assignmentsKey(config, a)) || !satisfiesAll(config.linear_constraints, a));
    t++
  )
    a = enc.randomAssignments(rng);
  return a;
}

/** The acquisition with points that break a linear constraint ranked below every other (none: unchanged). */
function withinConstraints(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  score: (X: Float64Array, m: number) => Float64Array,
): (X: Float64Array, m: number) => Float64Array {
  if (!config.linear_constraints || config.linear_constraints.length === 0) return score;
  const D = enc.dim;
  return (X, m) => {
    const s = score(X, m);
    for (let i = 0; i < m; i++)
      if (!satisfiesAll(config.linear_constraints, enc.decode(X.subarray(i * D, (i + 1) * D)))) s[i] -= 1e12;
    return s;
  };
}

/**
 * For each observation after the initial design (in the order observed), whether it improved on every earlier
 * observation: the history the trust region's side is replayed from (optim/trust-region.ts).
 */
function modelPhaseImprovements(config: ExperimentConfig, observations: readonly Observation[]): boolean[] {
  const objectives = config.metrics.filter((m) => m.strategy === 'optimize');
  const values = observations.map((o) =>
    o.failed ? null : objectives.map((m) => sign(m) * (valueOf(o, m.name) ?? -Infinity)),
  );
  const violations = observations.map((o) => (o.failed ? [] : thresholdViolations(config, o)));
  return improvements(values, violations).slice(Math.min(initialDesignSize(config), observations.length));
}

const sign = (m: Metric) => (m.objective === 'minimize' ? -1 : 1);

function valueOf(o: Observation, name: string): number | undefined {
  return o.values?.find((v) => v.name === name)?.value;
}

function toMatrix(rows: readonly number[][], d: number): Float64Array {
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => X.set(r, i * d));
  return X;
}

/** Hyperparameters are refitted every call while data are few; above, a warm state is reused until the data grew. */
function refitDue(n: number, fittedN: number | undefined, options: OptimizerOptions): boolean {
  if (fittedN === undefined || n < options.alwaysRefitBelow) return true;
  return n - fittedN >= Math.max(1, Math.floor(options.refitGrowth * n)) || n < fittedN;
}

function fitOptions(n: number, warm: GpHyperparameters | undefined, rng: Rng, options: OptimizerOptions) {
  const big = n > 100;
  return {
    warm,
    rng,
    maxFitPoints: big ? 128 : options.maxFitPoints,
    maxIter: warm ? (big ? 20 : 40) : big ? 50 : 80,
    randomStarts: warm ? 0 : big ? 1 : 2,
    singleStart: warm !== undefined && big,
  };
}

/**
 * The models of one suggestion call before the pending points are believed: the fitted, denoised GPs per metric
 * (with their hyperparameter draws) and the success model. A batch (suggestBatch) builds them once and then only
 * believes each pick as one more pending point.
 */
interface ModelMemo {
  ensembles: Map<string, GaussianProcess[]>;
  success?: SuccessModel;
}

/** The acquisition to maximise, and the encoded points its optimiser starts from (the best observed ones). */
function buildAcquisition(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: Observation[],
  pending: Assignments[],
  rng: Rng,
  prev: State,
  state: OptimizerState,
  options: OptimizerOptions,
  memo: ModelMemo = { ensembles: new Map() },
  /** the model with the pending points believed (default: conditioned on them at its means) */
  believer?: (gp: GaussianProcess) => Posterior,
): AcquisitionFunction & { anchors: number[][] } {
  const D = enc.dim;
  const objectives = config.metrics.filter((m) => m.strategy === 'optimize');
  const constraints = config.metrics.filter((m) => m.strategy === 'constraint');
  const ok = observations.filter((o) => !o.failed);
  const Xok = ok.map((o) => enc.encode(o.assignments));
  const XokM = toMatrix(Xok, D);
  const XpM = toMatrix(
    pending.map((a) => enc.encode(a)),
    D,
  );
  const feasible = ok.map((o) => isFeasible(config, o));
  const anyFeasible = feasible.some((f) => f);
  const gpState: Record<string, GpHyperparameters> = {};
  const refit = refitDue(observations.length, prev.fitted_n, options);
  state.fitted_n = refit ? observations.length : prev.fitted_n;
  const reuse = (h: GpHyperparameters | undefined) => (!refit && h && h.logLengthscales.length === D ? h : undefined);

  const believe =
    believer ??
    ((gp: GaussianProcess): Posterior =>
      pending.length === 0 ? gp : gp.condition(XpM, gp.predictMean(XpM, pending.length))); // kriging believer
  /**
   * The MAP model (warm-started from the previous call's state) plus models at hyperparameters drawn from their
   * posterior (integrated acquisition), denoised; from the memo when this call's batch already built them.
   */
  const samples = observations.length <= options.integrateUpTo ? options.hyperparameterSamples : 1;
  const ensembleOf = (name: string, y: Float64Array, X: Float64Array, draws = true): GaussianProcess[] => {
    const known = memo.ensembles.get(name);
    if (known) {
      gpState[name] = known[0].hyper;
      return known;
    }
    const keep = reuse(prev.gp?.[name]);
    const fitted = keep
      ? new GaussianProcess(X, y, keep)
      : GaussianProcess.fit(X, y, D, fitOptions(y.length, prev.gp?.[name], rng, options));
    gpState[name] = fitted.hyper;
    const models = [fitted.denoised()];
    if (draws && samples > 1) {
      const drawn = sampleHyperparameters(X, y, D, fitted.hyper, {
        rng,
        count: samples - 1,
        maxFitPoints: options.maxFitPoints,
      });
      for (const h of drawn) models.push(new GaussianProcess(X, y, h).denoised());
    }
    memo.ensembles.set(name, models);
    return models;
  };
  /** The ensemble with the pending points believed, and each model's mean at the successful observed inputs. */
  const fitEnsemble = (name: string, y: Float64Array, X: Float64Array) =>
    ensembleOf(name, y, X).map((base) => ({
      gp: believe(base),
      // the rows of X start with the successful observations; a believed fantasy leaves the mean unchanged
      atObserved: base.meanAtTrainingInputs().subarray(0, ok.length),
    }));
  /** The MAP model alone (constraint metrics), denoised, the pending points believed. */
  const fitMetric = (name: string, y: Float64Array, X: Float64Array): Posterior =>
    believe(ensembleOf(name, y, X, false)[0]);

  // Objectives in maximisation orientation. The objective models also see the failed points: a failure that reports
  // the objective values it was judged on (a study's rule: too inaccurate, too slow) with those values; one without
  // them (a crash) imputed with the worst observed value (as SMAC does for crashed runs), so the acquisition drops near
  // failures through the objective posterior as well as through P(success), where extrapolated improvements would
  // otherwise dominate. Measured on rotten's surrogate (packages/benchmarks BENCHMARKS.md): reported values beat the
  // imputation there (hypervolume median 4.41 -> 5.17 over 20 repeats, an upper bound: see there).
  const Y = ok.map((o) => objectives.map((m) => sign(m) * valueOf(o, m.name)!));
  const failedRows = observations
    .filter((o) => o.failed)
    .map((o) => ({
      x: enc.encode(o.assignments),
      y: objectives.every((m) => valueOf(o, m.name) !== undefined)
        ? objectives.map((m) => sign(m) * valueOf(o, m.name)!)
        : null,
    }));
  const XobjM = failedRows.length > 0 ? toMatrix([...Xok, ...failedRows.map((r) => r.x)], D) : XokM;
  const withImputed = (y: Float64Array, of: (row: number[]) => number = (r) => r[0]): Float64Array => {
    if (failedRows.length === 0) return y;
    let worst = Infinity;
    for (const v of y) worst = Math.min(worst, v);
    const out = new Float64Array(y.length + failedRows.length);
    out.set(y);
    failedRows.forEach((r, i) => (out[y.length + i] = r.y ? of(r.y) : worst));
    return out;
  };

  const factors: AcquisitionFunction[] = constraints.map((c) => {
    const y = Float64Array.from(ok, (o) => sign(c) * valueOf(o, c.name)!);
    return new LogProbabilityOfFeasibility(fitMetric(c.name, y, XokM), sign(c) * c.threshold!);
  });
  if (ok.length < observations.length) {
    const Xall = toMatrix(
      observations.map((o) => enc.encode(o.assignments)),
      D,
    );
    const success = observations.map((o) => !o.failed);
    const keep = reuse(prev.failure);
    const model =
      memo.success ??
      (keep
        ? SuccessModel.withHyperparameters(Xall, success, keep)
        : SuccessModel.fit(Xall, D, success, {
            warm: prev.failure,
            rng,
            maxFitPoints: 128,
            maxIter: prev.failure ? 20 : 80,
          }));
    memo.success = model;
    state.failure = model.hyper;
    factors.push(model);
  }

  let objective: AcquisitionFunction;
  let anchorIdx: number[];
  /**
   * Exact log EHVI of the objectives (2: log-ehvi.ts, 3+: log-ehvi-columns.ts), integrated over the hyperparameter
   * draws. null (ParEGO instead) for 3+ objectives unless every one has a threshold, or when their front needs more
   * than options.ehviMaxColumns columns. Why: with 3+ objectives, a front of a few dozen points has a nadir close to
   * the worst observation, so an inferred reference point puts most of the volume EHVI rewards in the corners of the
   * observed box (an extreme on one objective, poor on the others), while ParEGO's scalarisations need no reference
   * point. Measured (packages/benchmarks BENCHMARKS.md): EHVI beats ParEGO by far with the reference point given
   * and loses to it with the reference point inferred.
   */
  const buildEhvi = (): AcquisitionFunction | null => {
    const k = objectives.length;
    if (k >= 3 && objectives.some((m) => m.threshold === undefined)) return null;
    if (k >= 3) {
      // Decide before fitting: the observed front above the thresholds, plus the pending points, bounds the front the
      // models will see (each point adds at most one breakpoint per objective).
      const ref = objectives.map((m) => sign(m) * m.threshold!);
      const base = anyFeasible ? Y.filter((_, i) => feasible[i]) : Y;
      const above = paretoFront(base).filter((i) => base[i].every((v, j) => v > ref[j])).length;
      if ((above + pending.length + 1) ** (k - 1) > options.ehviMaxColumns) return null;
    }
    const ensembles = objectives.map((m, j) =>
      fitEnsemble(
        m.name,
        withImputed(
          Float64Array.from(Y, (r) => r[j]),
          (r) => r[j],
        ),
        XobjM,
      ),
    );
    const members: AcquisitionFunction[] = [];
    for (let e = 0; e < ensembles[0].length; e++) {
      const models = ensembles.map((en) => en[e].gp);
      // The observed front as this model sees it (denoised values), plus the believed pending points.
      const denoised = ensembles.map((en) => en[e].atObserved);
      const Yd = ok.map((_, i) => denoised.map((d) => d[i]));
      const base = anyFeasible ? Yd.filter((_, i) => feasible[i]) : Yd;
      const observedFront = paretoFront(base).map((i) => base[i]);
      const inferred = inferReferencePoint(observedFront, { observed: Yd });
      const ref = objectives.map((m, j) => (m.threshold !== undefined ? sign(m) * m.threshold : inferred[j]));
      const believed: number[][] = [];
      if (pending.length > 0) {
        const means = models.map((g) => g.predictMean(XpM, pending.length));
        for (let i = 0; i < pending.length; i++) believed.push(means.map((p) => p[i]));
      }
      const all = [...observedFront, ...believed];
      const front = paretoFront(all).map((i) => all[i]);
      if (k === 2) {
        members.push(new LogExpectedHypervolumeImprovement2d([models[0], models[1]], prepareEhvi2d(front, ref)));
      } else {
        if (ehviColumnCount(front, ref) > options.ehviMaxColumns) return null;
        members.push(new LogExpectedHypervolumeImprovement(models, prepareEhviColumns(front, ref)));
      }
    }
    return new IntegratedAcquisition(members);
  };
  const ehvi = objectives.length >= 2 ? buildEhvi() : null;
  if (ehvi) {
    objective = ehvi;
    const ids = ok.map((_, i) => i).filter((i) => !anyFeasible || feasible[i]);
    anchorIdx = paretoFront(ids.map((i) => Y[i])).map((k) => ids[k]);
  } else {
    let target: Float64Array;
    let name: string;
    let toTarget = (r: number[]): number => r[0];
    if (objectives.length === 1) {
      target = Float64Array.from(Y, (r) => r[0]);
      name = objectives[0].name;
    } else {
      const w = simplexWeights(objectives.length, rng);
      const lo = objectives.map((m, j) =>
        m.threshold !== undefined ? sign(m) * m.threshold : Math.min(...Y.map((r) => r[j])),
      );
      const hi = objectives.map((_, j) => Math.max(...Y.map((r) => r[j])));
      toTarget = (r) => chebyshevScalarise(r, w, lo, hi);
      target = Float64Array.from(Y, toTarget);
      name = '__chebyshev';
    }
    // The GP models the target (the objective, or the scalarisation) after a fitted monotone power transform
    // (models/output-warping.ts): a skewed target, with a few very bad values, otherwise sets the GP's scale and
    // flattens the region that matters. The incumbent below is on the same warped scale (the model's means).
    const warp = options.outputWarping ? OutputWarping.fit(target) : OutputWarping.identity();
    objective = new IntegratedAcquisition(
      fitEnsemble(name, warp.applyAll(withImputed(target, toTarget)), XobjM).map(({ gp, atObserved: denoised }) => {
        // incumbent: the best denoised value at a feasible observed input (noisy-EI plug-in), or a believed one
        // with nothing feasible yet, any value improves: the probability factors then lead to feasibility
        let best = anyFeasible ? -Infinity : Math.min(...denoised);
        denoised.forEach((v, i) => {
          if (feasible[i]) best = Math.max(best, v);
        });
        if (pending.length > 0) for (const v of gp.predictMean(XpM, pending.length)) best = Math.max(best, v);
        return new LogExpectedImprovement(gp, best);
      }),
    );
    anchorIdx = Array.from(target.keys())
      .sort((a, b) => target[b] - target[a])
      .slice(0, 5);
  }
  state.gp = gpState;
  // priors on parameters (πBO): the acquisition times the prior density to the power beta / n
  if (PriorWeight.applies(enc)) factors.push(new PriorWeight(enc, observations.length, config.observation_budget));
  const product = new ProductAcquisition(objective, factors);
  const eligible = ok.map((_, i) => i).filter((i) => !anyFeasible || feasible[i]);
  const extra = categoryAnchors(config, ok, eligible, Y).filter((i) => !anchorIdx.includes(i));
  return {
    logScore: (X, m) => product.logScore(X, m),
    anchors: [...anchorIdx.slice(0, Math.max(1, 20 - extra.length)), ...extra].map((i) => Xok[i]),
  };
}

/**
 * For each value of each categorical parameter and conditional, the best eligible observation with that value (single objective:
 * the largest value; several: the largest equal-weight Chebyshev value of the objectives scaled to the observed
 * range), at most 8 in all. The trust regions sit around the anchors and leave categoricals free, but a category
 * whose optimum lies elsewhere in the other coordinates (another function altogether) is only found by searching
 * around that category's own best point.
 */
export function categoryAnchors(
  config: ExperimentConfig,
  ok: readonly Observation[],
  eligible: readonly number[],
  Y: readonly number[][],
): number[] {
  if (eligible.length === 0 || Y.length === 0) return [];
  const k = Y[0].length;
  const lo = Array.from({ length: k }, (_, j) => Math.min(...Y.map((r) => r[j])));
  const hi = Array.from({ length: k }, (_, j) => Math.max(...Y.map((r) => r[j])));
  const equal = new Array<number>(k).fill(1 / k);
  const rank = (i: number) => (k === 1 ? Y[i][0] : chebyshevScalarise(Y[i], equal, lo, hi));
  const out: number[] = [];
  for (const p of [...config.parameters, ...conditionalParameters(config)]) {
    if (p.type !== 'categorical') continue;
    const byValue = new Map<string, number>();
    for (const i of eligible) {
      if (ok[i].assignments[p.name] === undefined) continue; // inactive there
      const v = String(ok[i].assignments[p.name]);
      const cur = byValue.get(v);
      if (cur === undefined || rank(i) > rank(cur)) byValue.set(v, i);
    }
    for (const i of byValue.values()) if (!out.includes(i)) out.push(i);
  }
  return out.slice(0, 8);
}
