/**
 * The stateless core: given the config, all observations and the pending suggestions, return the next
 * assignments. Deterministic given (config.seed, observations, pending, index, state).
 *
 * method 'random': uniform over the space; 'sobol': the scrambled Sobol sequence (one coordinate per
 * parameter); 'mobo' (default): 2(p+1) Sobol points, then Bayesian optimisation:
 *   - one GP (Matern 5/2 ARD, gp.ts) per optimize and constraint metric, fitted on non-failed observations;
 *   - a success-probability model (failure.ts) once some observations failed;
 *   - pending suggestions as kriging-believer fantasies (posterior mean taken as observed);
 *   - acquisition (maximisation orientation, in log space):
 *       1 objective:  log EI
 *       2 objectives: log EHVI (exact box decomposition, ehvi.ts) over the feasible observed front,
 *                     reference point from thresholds, else nadir - 10% of range
 *       3+:           log EI of a random augmented-Chebyshev scalarisation (ParEGO)
 *     plus log P(constraints met) plus log P(success);
 *   - optimised over the relaxed unit cube with lattice projection and neighbour search (candidates.ts);
 *   - never a duplicate of an observed or pending point.
 */
import { z } from 'zod';
import {
  inferReferencePoint,
  chebyshevScalarise,
  logExpectedImprovement,
  logProbabilityAbove,
} from './acquisition/log-ei.ts';
import { optimizeAcquisition } from './optim/acquisition-optimizer.ts';
import { logEhvi2dBatch, prepareEhvi2d } from './acquisition/log-ehvi.ts';
import { SuccessModel } from './models/success-model.ts';
import { GaussianProcess, type GpHyperparameters } from './models/gp.ts';
import { paretoFront } from './multi-objective/pareto.ts';
import { Rng } from './math/rng.ts';
import { Sobol } from './design/sobol.ts';
import { SOBOL_MAX_DIM } from './design/sobol-directions.ts';
import {
  SpaceEncoding,
  assignmentsKey,
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
  state?: OptimizerState;
  index?: number;
}

export interface SuggestOutput {
  assignments: Assignments;
  state: OptimizerState;
  info: { phase: 'initial' | 'model' | 'random'; ms: number };
}

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

/**
 * Hyperparameters are refitted on every call below 100 observations; above, a warm state is reused
 * until the data grew by 5% since the last fit (a fit costs O(m^3) per L-BFGS step, the posterior
 * update with fixed hyperparameters O(n^3) once).
 */
function needsRefit(n: number, fittedN: number | undefined): boolean {
  if (fittedN === undefined || n < 100) return true;
  return n - fittedN >= Math.max(1, Math.floor(0.05 * n)) || n < fittedN;
}

/** Default size of the initial Sobol design: 2 (p + 1) for p parameters (as BoTorch's tutorials). */
export function initialDesignSize(config: ExperimentConfig): number {
  return config.initial_design_size ?? 2 * (config.parameters.length + 1);
}

export function suggest(input: SuggestInput): SuggestOutput {
  const t0 = performance.now();
  const config = parseExperimentConfig(input.config);
  const observations = input.observations.map((o) => validateObservation(config, o));
  const pending = (input.pending ?? []).map((a, i) => validateAssignments(config, a, `pending[${i}]`));
  const index = input.index ?? observations.length + pending.length;
  const enc = new SpaceEncoding(config);
  const seen = new Set<string>();
  for (const o of observations) seen.add(assignmentsKey(config, o.assignments));
  for (const a of pending) seen.add(assignmentsKey(config, a));
  const rng = new Rng(config.seed).fork(index + 1);
  const prevState = StateSchema.safeParse(input.state ?? {});
  const state: OptimizerState = prevState.success ? { ...prevState.data } : {};
  const done = (assignments: Assignments, phase: SuggestOutput['info']['phase']): SuggestOutput => ({
    assignments,
    state,
    info: { phase, ms: performance.now() - t0 },
  });

  if (config.method === 'random') return done(randomNonDuplicate(enc, config, seen, rng), 'random');
  if (config.method === 'sobol') return done(sobolAt(enc, config, seen, index), 'random');

  const nOk = observations.filter((o) => !o.failed).length;
  if (index < initialDesignSize(config)) return done(sobolAt(enc, config, seen, index), 'initial');
  if (nOk < 2) {
    // Too few successes for objective models. With one success and some failures, look where success is most
    // likely (near the success, away from failures). With no success at all, a success model has only one class
    // and says nothing about where success lies: maximising it just pushes to the edges of the space, far from
    // every failure. Keep filling the space with the Sobol design instead until something succeeds.
    if (nOk === 1 && observations.length - nOk >= 2)
      return done(suggestFeasible(config, enc, observations, rng, seen), 'model');
    return done(sobolAt(enc, config, seen, index), 'initial');
  }

  const x = suggestModel(config, enc, observations, pending, rng, prevState.success ? prevState.data : {}, state, seen);
  return done(x, 'model');
}

function suggestFeasible(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: Observation[],
  rng: Rng,
  seen: Set<string>,
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
  const rawSobol = D <= SOBOL_MAX_DIM ? new Sobol(D, { scramble: true, seed: rng.nextUint32() }) : null;
  const ranked = optimizeAcquisition(enc, (Xs, m) => model.logProbability(Xs, m), {
    rng,
    rawSamples: 1024,
    anchors,
    perturbationsPerAnchor: 64,
    refineStarts: 3,
    refineIterations: 8,
    rawPoints: rawSobol ? (k) => rawSobol.draw(k) : undefined,
  });
  for (const p of ranked) {
    const a = enc.decode(p.x);
    if (!seen.has(assignmentsKey(config, a))) return a;
  }
  return randomNonDuplicate(enc, config, seen, rng);
}

function sobolAt(enc: SpaceEncoding, config: ExperimentConfig, seen: Set<string>, index: number): Assignments {
  const sobol = new Sobol(enc.nParams, { scramble: true, seed: config.seed });
  let a: Assignments | null = null;
  for (let i = 0; i <= index + 1000; i++) {
    const u = sobol.next();
    if (i < index) continue;
    a = enc.fromParamUnit(u);
    if (!seen.has(assignmentsKey(config, a))) return a;
  }
  return a!;
}

function randomNonDuplicate(enc: SpaceEncoding, config: ExperimentConfig, seen: Set<string>, rng: Rng): Assignments {
  let a = enc.randomAssignments(rng);
  for (let t = 0; t < 1000 && seen.has(assignmentsKey(config, a)); t++) a = enc.randomAssignments(rng);
  return a;
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

function fitOptions(n: number, warm: GpHyperparameters | undefined, rng: Rng) {
  const big = n > 100;
  return {
    warm,
    rng,
    maxFitPoints: big ? 128 : 160,
    maxIter: warm ? (big ? 20 : 40) : big ? 50 : 80,
    randomStarts: warm ? 0 : big ? 1 : 2,
    singleStart: warm !== undefined && big,
  };
}

function suggestModel(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: Observation[],
  pending: Assignments[],
  rng: Rng,
  prev: z.infer<typeof StateSchema>,
  state: OptimizerState,
  seen: Set<string>,
): Assignments {
  const D = enc.dim;
  const objectives = config.metrics.filter((m) => m.strategy === 'optimize');
  const constraints = config.metrics.filter((m) => m.strategy === 'constraint');
  const ok = observations.filter((o) => !o.failed);
  const Xok = ok.map((o) => enc.encode(o.assignments));
  const XokM = toMatrix(Xok, D);
  const Xpend = pending.map((a) => enc.encode(a));
  const XpM = toMatrix(Xpend, D);
  const gpState: Record<string, GpHyperparameters> = {};
  const refit = needsRefit(observations.length, prev.fitted_n);
  state.fitted_n = refit ? observations.length : prev.fitted_n;
  const reuse = (h: GpHyperparameters | undefined) => (!refit && h && h.logLengthscales.length === D ? h : undefined);

  const fitMetric = (name: string, y: Float64Array, X: Float64Array): GaussianProcess => {
    const keep = reuse(prev.gp?.[name]);
    const gp = keep
      ? new GaussianProcess(X, y, keep)
      : GaussianProcess.fit(X, y, D, fitOptions(y.length, prev.gp?.[name], rng));
    gpState[name] = gp.hyper;
    if (pending.length === 0) return gp;
    return gp.condition(XpM, gp.predict(XpM, pending.length).mean); // kriging believer
  };

  // Objectives in maximisation orientation.
  const Y = ok.map((o) => objectives.map((m) => sign(m) * valueOf(o, m.name)!));
  // Objective models also see failed points, imputed with the worst observed value of each objective
  // (as SMAC does for crashed runs): the acquisition then drops near failures through the objective
  // posterior as well as through P(success), where extrapolated improvements would otherwise dominate.
  const failedX = observations.filter((o) => o.failed).map((o) => enc.encode(o.assignments));
  const XobjM = failedX.length > 0 ? toMatrix([...Xok, ...failedX], D) : XokM;
  const withImputed = (y: Float64Array): Float64Array => {
    if (failedX.length === 0) return y;
    let worst = Infinity;
    for (const v of y) worst = Math.min(worst, v);
    const out = new Float64Array(y.length + failedX.length).fill(worst);
    out.set(y);
    return out;
  };
  const feasible = ok.map((o) =>
    constraints.every((c) => {
      const v = valueOf(o, c.name)!;
      return c.objective === 'minimize' ? v <= c.threshold! : v >= c.threshold!;
    }),
  );

  let score: (X: Float64Array, m: number) => Float64Array;
  let anchorIdx: number[];
  const extraTerms: ((X: Float64Array, m: number) => Float64Array)[] = [];

  for (const c of constraints) {
    const y = Float64Array.from(ok, (o) => sign(c) * valueOf(o, c.name)!);
    const gp = fitMetric(c.name, y, XokM);
    const thr = sign(c) * c.threshold!;
    extraTerms.push((X, m) => {
      const { mean, variance } = gp.predict(X, m);
      return Float64Array.from(mean, (mu, i) => logProbabilityAbove(mu, Math.sqrt(variance[i]), thr));
    });
  }
  const nFailed = observations.length - ok.length;
  if (nFailed > 0) {
    const Xall = toMatrix(
      observations.map((o) => enc.encode(o.assignments)),
      D,
    );
    const success = observations.map((o) => !o.failed);
    const keep = reuse(prev.failure);
    const model = keep
      ? SuccessModel.withHyperparameters(Xall, success, keep)
      : SuccessModel.fit(Xall, D, success, {
          warm: prev.failure,
          rng,
          maxFitPoints: 128,
          maxIter: prev.failure ? 20 : 80,
        });
    state.failure = model.hyper;
    extraTerms.push((X, m) => model.logPenalty(X, m));
  }

  if (objectives.length === 2) {
    const gps = objectives.map((m, j) => fitMetric(m.name, withImputed(Float64Array.from(Y, (r) => r[j])), XobjM));
    const believed: number[][] = [];
    if (pending.length > 0) {
      const p0 = gps[0].predict(XpM, pending.length).mean;
      const p1 = gps[1].predict(XpM, pending.length).mean;
      for (let i = 0; i < pending.length; i++) believed.push([p0[i], p1[i]]);
    }
    const feasY = Y.filter((_, i) => feasible[i]);
    const frontIdxAll = paretoFront(feasY.length > 0 ? feasY : Y);
    const frontBase = feasY.length > 0 ? feasY : Y;
    const front = [...frontIdxAll.map((i) => frontBase[i]), ...believed];
    const ref = objectives.map((m, j) =>
      m.threshold !== undefined ? sign(m) * m.threshold : inferReferencePoint(frontIdxAll.map((i) => frontBase[i]))[j],
    ) as [number, number];
    const frontPts = paretoFront(front).map((i) => front[i]);
    const prep = prepareEhvi2d(frontPts, ref);
    score = (X, m) => {
      const a = gps[0].predict(X, m);
      const b = gps[1].predict(X, m);
      const s0 = a.variance.map(Math.sqrt);
      const s1 = b.variance.map(Math.sqrt);
      return logEhvi2dBatch(prep, a.mean, b.mean, s0, s1, new Float64Array(m));
    };
    const ids = ok.map((_, i) => i).filter((i) => feasY.length === 0 || feasible[i]);
    anchorIdx = paretoFront(ids.map((i) => Y[i])).map((k) => ids[k]);
  } else {
    let target: Float64Array;
    let name: string;
    if (objectives.length === 1) {
      target = Float64Array.from(Y, (r) => r[0]);
      name = objectives[0].name;
    } else {
      // random augmented Chebyshev scalarisation (ParEGO); weights ~ Dirichlet(1)
      const w = objectives.map(() => -Math.log(Math.max(rng.next(), 1e-300)));
      const ws = w.reduce((s, v) => s + v, 0);
      for (let j = 0; j < w.length; j++) w[j] /= ws;
      const lo = objectives.map((m, j) =>
        m.threshold !== undefined ? sign(m) * m.threshold : Math.min(...Y.map((r) => r[j])),
      );
      const hi = objectives.map((_, j) => Math.max(...Y.map((r) => r[j])));
      target = Float64Array.from(Y, (r) => chebyshevScalarise(r, w, lo, hi));
      name = '__chebyshev';
    }
    const gp = fitMetric(name, withImputed(target), XobjM);
    let best = -Infinity;
    target.forEach((v, i) => {
      if (feasible[i]) best = Math.max(best, v);
    });
    if (!Number.isFinite(best)) best = Math.min(...target);
    if (pending.length > 0) {
      const pm = gp.predict(XpM, pending.length).mean;
      for (const v of pm) best = Math.max(best, v);
    }
    score = (X, m) => {
      const { mean, variance } = gp.predict(X, m);
      return Float64Array.from(mean, (mu, i) => logExpectedImprovement(mu, Math.sqrt(variance[i]), best));
    };
    anchorIdx = Array.from(target.keys())
      .sort((a, b) => target[b] - target[a])
      .slice(0, 5);
  }
  state.gp = gpState;

  const fullScore = (X: Float64Array, m: number): Float64Array => {
    const s = score(X, m);
    for (const t of extraTerms) {
      const e = t(X, m);
      for (let i = 0; i < m; i++) s[i] += e[i];
    }
    return s;
  };

  const n = observations.length;
  const anchors = anchorIdx.slice(0, 20).map((i) => Xok[i]);
  const rawSobol = D <= SOBOL_MAX_DIM ? new Sobol(D, { scramble: true, seed: rng.nextUint32() }) : null;
  const ranked = optimizeAcquisition(enc, fullScore, {
    rng,
    // scoring costs O(n^2) per candidate and model: fewer candidates for large n
    rawSamples: n <= 120 ? 2048 : n <= 250 ? 1024 : 512,
    anchors,
    perturbationsPerAnchor: Math.max(8, Math.floor((n <= 120 ? 400 : 200) / Math.max(anchors.length, 1))),
    refineStarts: n <= 120 ? 5 : 3,
    refineIterations: n <= 120 ? 15 : 8,
    rawPoints: rawSobol ? (k) => rawSobol.draw(k) : undefined,
  });
  for (const p of ranked) {
    const a = enc.decode(p.x);
    if (!seen.has(assignmentsKey(config, a))) return a;
  }
  return randomNonDuplicate(enc, config, seen, rng);
}
