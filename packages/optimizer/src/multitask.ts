/**
 * Multitask experiments (SigOpt's `tasks`): besides the real evaluation (cost 1) the user can run cheaper, less
 * faithful ones (fewer epochs, a subset of the data) at a known relative cost, and the observation budget counts
 * costs. Cheap tasks inform the expensive one through one model over both:
 *
 * - **Model.** One GP over the parameters plus a fidelity coordinate, s proportional to 1 - log(cost) / log(cheapest
 *   cost) (highest for the real task, 0 for the cheapest; FIDELITY_SPAN), with the same Matern 5/2 ARD kernel as
 *   every other input: its length scale along s is how far the tasks agree, learned from the data (the "fidelity as
 *   an input" model of multi-fidelity BO; BoTorch's SingleTaskMultiFidelityGP is a refinement of it).
 * - **Where.** Log expected improvement of the real task over the best real observation (before any, over the
 *   best predicted real value at an observed point), times P(success) when some failed, maximised as everywhere else.
 * - **Which task.** For that point x, the task whose observation removes the most posterior variance of the real
 *   task's value at x per unit cost: var(f(x, 1)) - var(f(x, 1) | y(x, s_t)), divided by cost_t, on the noisy model.
 *   Noise aside, a cheap task wins when its correlation with the real one, squared, exceeds its relative cost, so
 *   it is chosen while the tasks agree and dropped where the data show they do not.
 * - **When.** The initial design cycles through the tasks from the cheapest, so the model sees every task early; the
 *   last third of the budget goes to the real task only, so the best assignments (taken over real observations) rest
 *   on enough real evaluations. SigOpt's documentation describes the same shape: cheap tasks early, expensive later.
 */
import type { AcquisitionFunction } from './acquisition/acquisition-function.ts';
import { ProductAcquisition } from './acquisition/acquisition-function.ts';
import { LogExpectedImprovement } from './acquisition/log-ei.ts';
import { PriorWeight } from './acquisition/prior-weight.ts';
import { GaussianProcess, type GpHyperparameters } from './models/gp.ts';
import { SuccessModel } from './models/success-model.ts';
import { sign, valueOf } from './space/metric-values.ts';
import type { SpaceEncoding, ExperimentConfig, Observation, Assignments, Task } from './space/space.ts';

/** The share of the budget (in cost units) kept for the real task at the end. */
export const REAL_TASK_RESERVE = 1 / 3;

/** The real task: the one with cost 1. */
export function realTask(config: ExperimentConfig): Task {
  return config.tasks!.find((t) => t.cost === 1)!;
}

/**
 * How far apart the cheapest and the real task sit on the fidelity coordinate, in the unit cube's length: a quarter.
 * Scaling an input is scaling its length-scale prior, so this is the prior belief that tasks agree: at the prior's
 * mode (0.45 for 4 parameters) the real and the cheapest task correlate at 0.8 under the Matern 5/2 kernel, where the
 * full unit would give 0.4 and every cheap task would look useless until data said otherwise. Data that show the
 * tasks disagree still shorten that length scale (the fit's box goes down to 1e-3).
 */
export const FIDELITY_SPAN = 0.25;

/** A task's fidelity coordinate: FIDELITY_SPAN for the real task, 0 for the cheapest, log-linear in the cost between. */
export function fidelity(config: ExperimentConfig, task: string | undefined): number {
  const tasks = config.tasks!;
  const cost = tasks.find((t) => t.name === task)?.cost ?? 1;
  const cheapest = Math.min(...tasks.map((t) => t.cost));
  return FIDELITY_SPAN * (1 - Math.log(cost) / Math.log(cheapest));
}

/** The budget spent by observations (and pending suggestions) on these tasks, in cost units. */
export function costSpent(config: ExperimentConfig, tasks: readonly (string | undefined)[]): number {
  let total = 0;
  for (const name of tasks) total += config.tasks?.find((t) => t.name === name)?.cost ?? 1;
  return total;
}

/**
 * A budget spent as SigOpt reports it (progress.observation_budget_consumed): rounded to 1e-9, so that ten
 * observations of cost 0.1 spend 1, not 0.9999999999999999. The service's figure and stoppingCriteria use it alike.
 */
export function roundedCost(total: number): number {
  return Math.round(total * 1e9) / 1e9;
}

/** The task of initial-design point number `index`: the tasks in turn, cheapest first. */
export function initialTask(config: ExperimentConfig, index: number): string {
  const byCost = [...config.tasks!].sort((a, b) => a.cost - b.cost);
  return byCost[index % byCost.length].name;
}

export interface MultitaskModel {
  /** the noisy GP over [encoded point, fidelity], pending points believed */
  gp: GaussianProcess;
  /** the acquisition over encoded points (the real task's log EI, times P(success) and the priors' weight) */
  acquisition: AcquisitionFunction;
  /** the encoded observed points the acquisition optimiser starts from (the best real-task ones first) */
  anchors: number[][];
  hyper: GpHyperparameters;
  success?: SuccessModel;
}

/** Appends the fidelity column s to m encoded rows of width d. */
export function withFidelity(X: ArrayLike<number>, m: number, d: number, s: number | readonly number[]): Float64Array {
  const out = new Float64Array(m * (d + 1));
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < d; k++) out[i * (d + 1) + k] = X[i * d + k];
    out[i * (d + 1) + d] = typeof s === 'number' ? s : s[i];
  }
  return out;
}

export interface MultitaskFit {
  fit: (X: Float64Array, y: Float64Array, d: number, warm: GpHyperparameters | undefined) => GaussianProcess;
  successFit: (X: Float64Array, d: number, success: boolean[], warm: GpHyperparameters | undefined) => SuccessModel;
}

/**
 * The model of a multitask experiment, from the observations (with their tasks) and the pending points (believed at
 * their predicted values on their tasks).
 */
export function buildMultitaskModel(
  config: ExperimentConfig,
  enc: SpaceEncoding,
  observations: readonly Observation[],
  pending: readonly { assignments: Assignments; task: string | undefined }[],
  fitter: MultitaskFit,
  warm: { gp?: GpHyperparameters; failure?: GpHyperparameters },
): MultitaskModel {
  const D = enc.dim;
  const metric = config.metrics.find((m) => m.strategy === 'optimize')!;
  const s = sign(metric);
  const ok = observations.filter((o) => !o.failed);
  const failed = observations.filter((o) => o.failed);
  const value = (o: Observation) => valueOf(o, metric.name);
  const yOk = ok.map((o) => s * value(o)!);
  const worst = Math.min(...yOk);
  // failures are imputed with the worst value seen unless they carry theirs (as in the single-task models)
  const rows = [...ok, ...failed];
  const y = Float64Array.from(rows, (o, i) =>
    i < ok.length ? yOk[i] : value(o) !== undefined ? s * value(o)! : worst,
  );
  const X = withFidelity(
    rows.flatMap((o) => enc.encode(o.assignments)),
    rows.length,
    D,
    rows.map((o) => fidelity(config, o.task)),
  );
  const fitted = fitter.fit(X, y, D + 1, warm.gp?.logLengthscales.length === D + 1 ? warm.gp : undefined);
  const Xp = withFidelity(
    pending.flatMap((p) => enc.encode(p.assignments)),
    pending.length,
    D,
    pending.map((p) => fidelity(config, p.task)),
  );
  const gp = pending.length > 0 ? fitted.condition(Xp, fitted.predict(Xp, pending.length).mean) : fitted;
  const latent = gp.denoised();

  // the incumbent: the best denoised real-task value; before any real observation, the best predicted real value
  const real = rows.map((o, i) => ({ o, i })).filter(({ o, i }) => i < ok.length && o.task === realTask(config).name);
  const atObserved = latent.meanAtTrainingInputs();
  let best = -Infinity;
  for (const { i } of real) best = Math.max(best, atObserved[i]);
  const Xreal = withFidelity(
    ok.flatMap((o) => enc.encode(o.assignments)),
    ok.length,
    D,
    FIDELITY_SPAN,
  );
  const realMeans = latent.predict(Xreal, ok.length).mean;
  if (real.length === 0) for (const v of realMeans) best = Math.max(best, v);

  const ei = new LogExpectedImprovement(latent, best);
  const objective: AcquisitionFunction = {
    logScore: (Xs, m) => ei.logScore(withFidelity(Xs, m, D, FIDELITY_SPAN), m),
  };
  const factors: AcquisitionFunction[] = [];
  let success: SuccessModel | undefined;
  if (failed.length > 0) {
    const Xall = new Float64Array(observations.length * D);
    observations.forEach((o, i) => Xall.set(enc.encode(o.assignments), i * D));
    success = fitter.successFit(
      Xall,
      D,
      observations.map((o) => !o.failed),
      warm.failure?.logLengthscales.length === D ? warm.failure : undefined,
    );
    factors.push(success);
  }
  if (PriorWeight.applies(enc)) factors.push(new PriorWeight(enc, observations.length, config.observation_budget));
  const acquisition = new ProductAcquisition(objective, factors);
  // anchors: the observed points with the best predicted real-task values
  const order = Array.from(realMeans.keys()).sort((a, b) => realMeans[b] - realMeans[a]);
  const anchors = order.slice(0, 10).map((i) => enc.encode(ok[i].assignments));
  return { gp, acquisition, anchors, hyper: fitted.hyper, success };
}

/**
 * The task to evaluate encoded point x on: the largest reduction of the real task's posterior variance at x per
 * unit cost (on the noisy model, so that an observation is worth what its noise allows); the real task once the
 * budget left is within the reserve.
 */
export function chooseTask(
  config: ExperimentConfig,
  gp: GaussianProcess,
  x: readonly number[],
  spent: number,
): { task: string; scores: Record<string, number> } {
  const real = realTask(config);
  const budget = config.observation_budget ?? Infinity;
  const scores: Record<string, number> = {};
  const d = x.length;
  const target = withFidelity(x, 1, d, FIDELITY_SPAN);
  const before = gp.predict(target, 1).variance[0];
  let bestTask = real.name;
  let bestScore = -Infinity;
  for (const t of config.tasks!) {
    const at = withFidelity(x, 1, d, fidelity(config, t.name));
    const after = gp.condition(at, gp.predict(at, 1).mean).predict(target, 1).variance[0];
    const score = Math.max(0, before - after) / t.cost;
    scores[t.name] = score;
    if (score > bestScore) [bestScore, bestTask] = [score, t.name];
  }
  if (budget - spent <= REAL_TASK_RESERVE * budget) bestTask = real.name;
  return { task: bestTask, scores };
}
