/**
 * The policy: given the config, all observations and the pending suggestions, return the next assignments.
 * Deterministic given (config.seed, observations, pending, index, state, options). The math lives in models/,
 * acquisition/, multi-objective/ and optim/; this file only decides which phase a suggestion is in, and in the model
 * phase optimises the acquisition that acquisition/build.ts builds (steps 2 and 3 below) and picks the suggestion.
 *
 * method 'random': uniform over the space; 'sobol': the scrambled Sobol sequence; 'mobo' (default):
 *   1. an initial Sobol design (design/initial-design.ts), continued while fewer than two observations succeeded;
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
import { buildAcquisition, categoryAnchors, type ModelMemo } from './acquisition/build.ts';
import { initialDesignSize, randomNonDuplicate, sobolAt } from './design/initial-design.ts';
import { Sobol } from './design/sobol.ts';
import { SOBOL_MAX_DIM } from './design/sobol-directions.ts';
import { toMatrix } from './math/linalg.ts';
import { Rng } from './math/rng.ts';
import { BelievedCandidates } from './models/believed-candidates.ts';
import { fitOptions } from './models/fit-schedule.ts';
import { GaussianProcess, type Posterior } from './models/gp.ts';
import { SuccessModel } from './models/success-model.ts';
import { thresholdViolations } from './multi-objective/feasibility.ts';
import { buildMultitaskModel, chooseTask, costSpent, initialTask, realTask, type MultitaskFit } from './multitask.ts';
import { optimizeAcquisition } from './optim/acquisition-optimizer.ts';
import { RepeatCheck } from './optim/repeat-check.ts';
import { improvements, trustRegionSide } from './optim/trust-region.ts';
import { DEFAULT_OPTIONS, type OptimizerOptions } from './options.ts';
import { satisfiesAll } from './space/linear-constraints.ts';
import { sign, valueOf } from './space/metric-values.ts';
import {
  SpaceEncoding,
  assignmentsKey,
  parseExperimentConfig,
  validateAssignments,
  validateObservation,
  type Assignments,
  type ExperimentConfig,
  type Observation,
} from './space/space.ts';

export { categoryAnchors, initialDesignSize };

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
