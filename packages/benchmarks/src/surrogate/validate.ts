/**
 * How faithful a surrogate is, by k-fold cross-validation on its archive: folds are drawn by configuration (repeated
 * trainings of one configuration stay in one fold, so a fold never predicts a configuration it has seen).
 *
 * Per metric (accuracy; time on the log scale, as modelled): Spearman rank correlation and R^2 of the held-out
 * predictions. For a study with a failure rule: calibration of the surrogate's probability that a trial fails under
 * the preset's rule (an error, or the accuracy / time rule applied to the noisy prediction), by bins of predicted
 * probability against the observed failure rate, and the Brier score beside that of a constant prediction.
 */
import { Rng, normalCdf } from '@paretobench/optimizer';
import type { Preset } from '../studies/presets.ts';
import type { Study } from '../studies/study.ts';
import { judgeOutcome } from '../runner/judge.ts';
import type { SurrogateRow } from './dataset.ts';
import { Surrogate, type SurrogatePrediction } from './model.ts';

/** Ranks with ties averaged (1-based). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = r;
    i = j + 1;
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}

/** 1 - SS_res / SS_tot of predictions `p` for observations `y`. */
export function rSquared(y: readonly number[], p: readonly number[]): number {
  const m = y.reduce((s, v) => s + v, 0) / y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i] - p[i]) ** 2;
    tot += (y[i] - m) ** 2;
  }
  return tot > 0 ? 1 - res / tot : 0;
}

export interface MetricValidation {
  metric: string;
  scale: 'linear' | 'log';
  n: number;
  spearman: number;
  r2: number;
}

export interface CalibrationBin {
  /** Predicted probability range [lo, hi). */
  lo: number;
  hi: number;
  n: number;
  mean_predicted: number;
  observed_rate: number;
}

export interface SurrogateValidation {
  study: string;
  trials: number;
  configurations: number;
  folds: number;
  metrics: MetricValidation[];
  /** null for a study without a failure rule and without errors in the archive. */
  failure: {
    rule: string;
    observed_rate: number;
    brier: number;
    /** Brier score of predicting the observed rate for every trial (what "no model" scores). */
    brier_constant: number;
    bins: CalibrationBin[];
  } | null;
}

/**
 * Probability that a simulated trial fails under the preset's rule, as Surrogate.sample draws it: an error, or (one
 * tree's prediction at random, plus normal noise on accuracy and on log time) its accuracy below the threshold or its
 * time above the limit.
 */
export function failureProbability(
  study: Study,
  preset: Preset,
  errorProbability: number,
  stopProbability: number,
  trees: { accuracy: number[]; logTime: number[] },
  noise: { accuracySd: number; logTimeSd: number },
): number {
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  let pass = 1;
  if (preset.minAccuracy !== null) {
    const m = preset.minAccuracy;
    pass *= mean(
      trees.accuracy.map((a) => (noise.accuracySd > 0 ? 1 - normalCdf((m - a) / noise.accuracySd) : Number(a >= m))),
    );
  }
  if (preset.timeLimitSeconds !== null && study.timeMeasure === 'training') {
    const l = Math.log(preset.timeLimitSeconds);
    pass *= 1 - stopProbability;
    pass *= mean(
      trees.logTime.map((t) => (noise.logTimeSd > 0 ? normalCdf((l - t) / noise.logTimeSd) : Number(t <= l))),
    );
  }
  return errorProbability + (1 - errorProbability) * (1 - pass);
}

/** Whether an archived trial fails under the preset's rule (judged as the runner judges a real trial). */
function observedFailure(study: Study, preset: Preset, r: SurrogateRow): boolean {
  if (r.error) return true;
  if (r.stopped && preset.timeLimitSeconds !== null) return true;
  const time = Math.exp(r.logTime!);
  const v = judgeOutcome(study, preset, {
    accuracy: r.accuracy,
    trainSeconds: study.timeMeasure === 'training' ? time : null,
    inferenceSeconds: study.timeMeasure === 'inference' ? time : null,
    epochs: 1,
    stoppedEarly: null,
    error: null,
  });
  return v.failed;
}

const BIN_EDGES = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0000001];

export function crossValidate(
  study: Study,
  preset: Preset,
  rows: readonly SurrogateRow[],
  options: { folds?: number; seed?: number } = {},
): SurrogateValidation {
  const folds = options.folds ?? 5;
  const keys = [...new Set(rows.map((r) => r.key))];
  new Rng(options.seed ?? 7).shuffle(keys);
  const foldOf = new Map(keys.map((k, i) => [k, i % folds]));
  const preds: (SurrogatePrediction | null)[] = rows.map(() => null);
  const failP: number[] = rows.map(() => 0);
  for (let f = 0; f < folds; f++) {
    const train = rows.filter((r) => foldOf.get(r.key) !== f);
    const testIdx = rows.map((r, i) => (foldOf.get(r.key) === f ? i : -1)).filter((i) => i >= 0);
    if (testIdx.length === 0) continue;
    const s = Surrogate.fit(study, train, 11 + f);
    const ps = s.predictRows(testIdx.map((i) => rows[i].x));
    testIdx.forEach((i, k) => {
      preds[i] = ps[k];
      failP[i] = failureProbability(
        study,
        preset,
        ps[k].errorProbability,
        ps[k].stopProbability,
        s.treePredictions(rows[i].x),
        s.noise,
      );
    });
  }
  const ok = rows.map((r, i) => i).filter((i) => !rows[i].error);
  const acc = ok.map((i) => rows[i].accuracy!);
  const accP = ok.map((i) => preds[i]!.accuracy);
  const timed = ok.filter((i) => !rows[i].stopped);
  const lt = timed.map((i) => rows[i].logTime!);
  const ltP = timed.map((i) => preds[i]!.logTime);
  const metrics: MetricValidation[] = [
    {
      metric: study.accuracyMetric,
      scale: 'linear',
      n: ok.length,
      spearman: spearman(acc, accP),
      r2: rSquared(acc, accP),
    },
    { metric: study.timeMetric, scale: 'log', n: timed.length, spearman: spearman(lt, ltP), r2: rSquared(lt, ltP) },
  ];

  const hasRule = preset.minAccuracy !== null || (preset.timeLimitSeconds !== null && study.timeMeasure === 'training');
  const anyError = rows.some((r) => r.error);
  let failure: SurrogateValidation['failure'] = null;
  if (hasRule || anyError) {
    const y = rows.map((r) => Number(observedFailure(study, preset, r)));
    const q = failP;
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    const brier = y.reduce((s, v, i) => s + (v - q[i]) ** 2, 0) / y.length;
    const brierConstant = y.reduce((s, v) => s + (v - rate) ** 2, 0) / y.length;
    const bins: CalibrationBin[] = [];
    for (let b = 0; b + 1 < BIN_EDGES.length; b++) {
      const idx = q.map((v, i) => (v >= BIN_EDGES[b] && v < BIN_EDGES[b + 1] ? i : -1)).filter((i) => i >= 0);
      if (idx.length === 0) continue;
      bins.push({
        lo: BIN_EDGES[b],
        hi: Math.min(1, BIN_EDGES[b + 1]),
        n: idx.length,
        mean_predicted: idx.reduce((s, i) => s + q[i], 0) / idx.length,
        observed_rate: idx.reduce((s, i) => s + y[i], 0) / idx.length,
      });
    }
    const rule: string[] = [];
    if (preset.minAccuracy !== null) rule.push(`accuracy < ${preset.minAccuracy}`);
    if (preset.timeLimitSeconds !== null && study.timeMeasure === 'training') {
      rule.push(`training > ${preset.timeLimitSeconds} s`);
    }
    rule.push('no model');
    failure = { rule: rule.join(' or '), observed_rate: rate, brier, brier_constant: brierConstant, bins };
  }
  return {
    study: study.name,
    trials: rows.length,
    configurations: keys.length,
    folds,
    metrics,
    failure,
  };
}
