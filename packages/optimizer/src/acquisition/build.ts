/**
 * The acquisition of one suggestion call (suggest.ts step 2 and 3): the models fitted to the observations (one
 * denoised GP per metric, integrated over hyperparameter draws while data are few; the success model once something
 * failed; pending points believed), the acquisition chosen for the number of objectives (log EI, exact log EHVI,
 * ParEGO), the factors it is multiplied by (P(constraints met), P(success), a prior's weight), and the observed points
 * the acquisition optimiser starts from.
 */
import { IntegratedAcquisition, ProductAcquisition, type AcquisitionFunction } from './acquisition-function.ts';
import { LogProbabilityOfFeasibility } from './constraint.ts';
import { LogExpectedHypervolumeImprovement2d, prepareEhvi2d } from './log-ehvi.ts';
import { LogExpectedHypervolumeImprovement, ehviColumnCount, prepareEhviColumns } from './log-ehvi-columns.ts';
import { LogExpectedImprovement } from './log-ei.ts';
import { chebyshevScalarise, simplexWeights } from './parego.ts';
import { PriorWeight } from './prior-weight.ts';
import { toMatrix } from '../math/linalg.ts';
import type { Rng } from '../math/rng.ts';
import { fitOptions, refitDue } from '../models/fit-schedule.ts';
import { GaussianProcess, sampleHyperparameters, type GpHyperparameters, type Posterior } from '../models/gp.ts';
import { OutputWarping } from '../models/output-warping.ts';
import { SuccessModel } from '../models/success-model.ts';
import { isFeasible } from '../multi-objective/feasibility.ts';
import { paretoFront } from '../multi-objective/pareto.ts';
import { inferReferencePoint } from '../multi-objective/reference-point.ts';
import type { OptimizerOptions } from '../options.ts';
import { sign, valueOf } from '../space/metric-values.ts';
import {
  conditionalParameters,
  type Assignments,
  type ExperimentConfig,
  type Observation,
  type SpaceEncoding,
} from '../space/space.ts';

/** What a suggestion call's state carries over from the previous call's fits (suggest.ts `StateSchema`). */
export interface FittedState {
  /** the hyperparameters of each metric's GP */
  gp?: Record<string, GpHyperparameters>;
  /** the success model's hyperparameters */
  failure?: GpHyperparameters;
  /** the number of observations when they were fitted */
  fitted_n?: number;
}

/**
 * The models of one suggestion call before the pending points are believed: the fitted, denoised GPs per metric
 * (with their hyperparameter draws) and the success model. A batch (suggestBatch) builds them once and then only
 * believes each pick as one more pending point.
 */
export interface ModelMemo {
  ensembles: Map<string, GaussianProcess[]>;
  success?: SuccessModel;
}

/** The acquisition to maximise, and the encoded points its optimiser starts from (the best observed ones). */
export function buildAcquisition(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: Observation[],
  pending: Assignments[],
  rng: Rng,
  prev: FittedState,
  /** this call's state (suggest.ts `OptimizerState`), where the fits are recorded */
  state: Record<string, unknown>,
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
