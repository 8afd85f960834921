/**
 * A study's surrogate: random forests (mljs' `ml-random-forest`, CART trees on bootstrap samples with a random subset
 * of features per split) of the accuracy, of log(time), and of the chance that training produces no model, fitted on
 * an archive of real trainings; plus the training noise measured on repeated configurations.
 *
 * Why random forests: they are the model class of the surrogate-benchmark literature (Eggensperger et al. 2015 found
 * them the most faithful of the models they compared; HPOBench and YAHPO Gym's first surrogates use them), they need
 * no scaling of mixed integer / log-scale inputs, and they are not the optimizer's own model class (a GP surrogate
 * would favour a GP optimizer). Validation: surrogate/validate.ts.
 *
 * A surrogate trial is drawn with the trial's own seed (so a run is reproducible and resumable): with the predicted
 * probability of an error, no model at all; with the predicted probability of being stopped at the time limit
 * (rotten), a training stopped there; otherwise the prediction of one tree of each forest, chosen at random,
 * plus Gaussian training noise with the measured standard deviations (accuracy clipped to [0, 1]; noise on log(time),
 * i.e. multiplicative). One tree, not the forest's mean: outcomes can be bimodal (a Kim CNN either learns within a
 * few epochs or stays near chance), and the mean of two modes is an accuracy no training produces, which would move
 * every such trial across a failure threshold. A tree's leaf holds observed outcomes, and the spread over trees is the
 * model's own uncertainty where the archive is thin.
 */
import { RandomForestRegression } from 'ml-random-forest';
import { Rng, type Assignments } from '@paretobench/optimizer';
import type { Study } from '../studies/study.ts';
import type { Preset } from '../studies/presets.ts';
import type { TrialOutcome, TrialTask } from '../runner/protocol.ts';
import { encodeAssignments, measureNoise, type NoiseEstimate, type SurrogateRow } from './dataset.ts';

/** Forest settings (one for every study and metric; chosen by cross-validation, surrogate/validate.ts). */
export const FOREST_OPTIONS = {
  nEstimators: 32,
  /** Smallest node that is still split. */
  minNumSamples: 3,
} as const;

type Forest = RandomForestRegression;

function fitForest(x: number[][], y: number[], seed: number): Forest {
  const rf = new RandomForestRegression({
    nEstimators: FOREST_OPTIONS.nEstimators,
    // Every tree sees every feature. (ml-random-forest's maxFeatures draws one feature subset per tree, not per
    // split as Breiman's forests do: a tree without the learning-rate column predicts noise, and with one tree drawn
    // per surrogate trial that noise would be the landscape. All features per tree is bagging, which is also what
    // scikit-learn's RandomForestRegressor does by default, max_features=1.0.)
    maxFeatures: x[0].length,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed,
    treeOptions: { minNumSamples: FOREST_OPTIONS.minNumSamples },
  });
  // ml-cart refuses a split whose squared error is exactly 0 (it compares the error with a threshold of 0 and with
  // the parent's, which is 0 at the root), so a split separating two groups perfectly (errors from successes, a
  // learned mode from an unlearned one, repeated trainings with identical results) would leave the node a leaf that
  // averages both. A jitter of at most 1e-9 on the targets, far below any measured difference, makes such errors
  // positive without changing any prediction beyond that.
  const jitter = new Rng(seed ^ 0x5eed);
  rf.train(
    x,
    y.map((v) => v + 1e-9 * jitter.next()),
  );
  return rf;
}

export interface SurrogatePrediction {
  accuracy: number;
  /** exp of the predicted log time (the median time under the multiplicative noise). */
  time: number;
  logTime: number;
  /** Probability that training produces no model. */
  errorProbability: number;
  /** Probability that a training that produces a model is stopped at the time limit. */
  stopProbability: number;
}

export interface SurrogateDescription {
  trials: number;
  configurations: number;
  errors: number;
  /** Trainings stopped at the time limit. */
  stops: number;
  noise: NoiseEstimate;
  forest: typeof FOREST_OPTIONS;
}

/** A fitted surrogate as stored in the cache (surrogate/load.ts). */
export interface SurrogateJson {
  version: number;
  accuracy: unknown;
  logTime: unknown;
  error: unknown;
  stopped: unknown;
  description: SurrogateDescription;
}

export class Surrogate {
  private constructor(
    readonly study: Study,
    private readonly accuracy: Forest,
    private readonly logTime: Forest,
    /** null when the archive holds no error (the probability is then 0). */
    private readonly error: Forest | null,
    /** Of a training that produced a model, the chance it was stopped at the time limit (null: none was). */
    private readonly stopped: Forest | null,
    readonly noise: NoiseEstimate,
    readonly description: SurrogateDescription,
  ) {}

  /** Fits the forests on rows (the trials of an archive, or a cross-validation fold of them). */
  static fit(study: Study, rows: readonly SurrogateRow[], seed = 1): Surrogate {
    const ok = rows.filter((r) => !r.error);
    if (ok.length < 10) throw new Error(`a surrogate needs at least 10 trials that produced a model, got ${ok.length}`);
    const timed = ok.filter((r) => !r.stopped);
    if (timed.length < 10) throw new Error(`a surrogate needs at least 10 trials not stopped at the time limit`);
    const accuracy = fitForest(
      ok.map((r) => r.x),
      ok.map((r) => r.accuracy!),
      seed,
    );
    const logTime = fitForest(
      timed.map((r) => r.x),
      timed.map((r) => r.logTime!),
      seed + 1,
    );
    const stops = ok.length - timed.length;
    const stopped =
      stops === 0
        ? null
        : fitForest(
            ok.map((r) => r.x),
            ok.map((r) => (r.stopped ? 1 : 0)),
            seed + 3,
          );
    const errors = rows.filter((r) => r.error).length;
    const error =
      errors === 0
        ? null
        : fitForest(
            rows.map((r) => r.x),
            rows.map((r) => (r.error ? 1 : 0)),
            seed + 2,
          );
    const noise = measureNoise(rows);
    return new Surrogate(study, accuracy, logTime, error, stopped, noise, {
      trials: rows.length,
      configurations: new Set(rows.map((r) => r.key)).size,
      errors,
      stops,
      noise,
      forest: FOREST_OPTIONS,
    });
  }

  toJSON(): SurrogateJson {
    return {
      version: 1,
      accuracy: this.accuracy.toJSON(),
      logTime: this.logTime.toJSON(),
      error: this.error ? this.error.toJSON() : null,
      stopped: this.stopped ? this.stopped.toJSON() : null,
      description: this.description,
    };
  }

  static fromJSON(study: Study, json: SurrogateJson): Surrogate {
    if (json.version !== 1) throw new Error(`surrogate model version ${String(json.version)} is not 1`);
    return new Surrogate(
      study,
      RandomForestRegression.load(json.accuracy as never),
      RandomForestRegression.load(json.logTime as never),
      json.error === null ? null : RandomForestRegression.load(json.error as never),
      json.stopped === null ? null : RandomForestRegression.load(json.stopped as never),
      json.description.noise,
      json.description,
    );
  }

  predictRows(x: number[][]): SurrogatePrediction[] {
    if (x.length === 0) return [];
    const acc = this.accuracy.predict(x);
    const lt = this.logTime.predict(x);
    const err = this.error ? this.error.predict(x) : x.map(() => 0);
    const stop = this.stopped ? this.stopped.predict(x) : x.map(() => 0);
    return x.map((_, i) => ({
      stopProbability: Math.min(1, Math.max(0, stop[i])),
      accuracy: Math.min(1, Math.max(0, acc[i])),
      logTime: lt[i],
      time: Math.exp(lt[i]),
      errorProbability: Math.min(1, Math.max(0, err[i])),
    }));
  }

  /** Each tree's prediction of accuracy (clipped to [0, 1]) and log time, for one configuration. */
  treePredictions(x: number[]): { accuracy: number[]; logTime: number[] } {
    const a = this.accuracy.predictionValues([x]);
    const t = this.logTime.predictionValues([x]);
    return {
      accuracy: Array.from({ length: a.columns }, (_, j) => Math.min(1, Math.max(0, a.get(0, j)))),
      logTime: Array.from({ length: t.columns }, (_, j) => t.get(0, j)),
    };
  }

  predict(assignments: Assignments): SurrogatePrediction {
    return this.predictRows([encodeAssignments(this.study.parameters, assignments)])[0];
  }

  /**
   * One simulated training of a trial: what the real trainer would return, drawn with the task's seed. The time
   * lands in the measure the study's time metric reads; a time over the preset's limit stops there, as the real
   * trainer stops training at the limit.
   */
  sample(preset: Preset, task: TrialTask): TrialOutcome {
    const x = encodeAssignments(this.study.parameters, task.assignments);
    const p = this.predictRows([x])[0];
    const trees = this.treePredictions(x);
    const rng = new Rng(task.seed);
    const base = {
      epochs: task.epochs,
      stoppedEarly: null as string | null,
      error: null as string | null,
      accuracy: null as number | null,
      trainSeconds: null as number | null,
      inferenceSeconds: null as number | null,
    };
    if (rng.next() < p.errorProbability) return { ...base, epochs: 0, error: 'surrogate: training produced no model' };
    const mu = trees.accuracy[rng.int(trees.accuracy.length)];
    const logT = trees.logTime[rng.int(trees.logTime.length)];
    const accuracy = Math.min(1, Math.max(0, mu + this.noise.accuracySd * rng.normal()));
    let time = Math.exp(logT + this.noise.logTimeSd * rng.normal());
    let stoppedEarly: string | null = null;
    const stopDraw = rng.next();
    const limit = this.study.timeMeasure === 'training' ? preset.timeLimitSeconds : null;
    if (limit !== null && (stopDraw < p.stopProbability || time > limit)) {
      time = limit;
      stoppedEarly = 'time_limit';
    }
    return {
      ...base,
      accuracy,
      stoppedEarly,
      trainSeconds: this.study.timeMeasure === 'training' ? time : null,
      inferenceSeconds: this.study.timeMeasure === 'inference' ? time : null,
    };
  }
}
