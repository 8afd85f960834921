import { FcnHyperparametersSchema, KimHyperparametersSchema } from '@paretobench/models';
import { describe, expect, it } from 'vitest';
import { judgeOutcome } from '../runner/judge.ts';
import type { TrialOutcome } from '../runner/protocol.ts';
import DIATOM from './diatom/index.ts';
import ROTTEN from './rotten/index.ts';
import { PRESET_NAMES, getPreset, withBudget } from './presets.ts';
import type { Study } from './study.ts';

/**
 * The published specification of the two studies, written out once: parameter spaces (type, bounds), metrics, the
 * failure rule and the budgets of the original runs. The definitions and presets are checked against it.
 */
const SPEC = {
  diatom: {
    parameters: {
      batch_size: ['int', 8, 32],
      conv_1_num_filters: ['int', 32, 256],
      conv_2_num_filters: ['int', 32, 256],
      conv_3_num_filters: ['int', 32, 256],
      conv_1_filter_size: ['int', 2, 10],
      conv_2_filter_size: ['int', 2, 10],
      conv_3_filter_size: ['int', 2, 10],
      log_lr: ['double', -23, 0],
      log_beta_1: ['double', -4.6, -0.7],
      log_beta_2: ['double', -13.8, -0.7],
      log_epsilon: ['double', -23, -13.8],
      log_decay: ['double', -23, -2.3],
    },
    metrics: { maximize: 'accuracy', minimize: 'inference_time' },
    failure: null,
    paperBudgets: { optimizer: 480, random: 4800 },
  },
  rotten: {
    parameters: {
      dropout_rate: ['double', 0.1, 0.9],
      log_learning_rate: ['double', -18.42, 0],
      max_grad_norm: ['double', 1, 10],
      epochs: ['int', 5, 100],
      batch_size: ['int', 10, 100],
      embed_dim: ['int', 100, 500],
    },
    metrics: { maximize: 'accuracy', minimize: 'training_time' },
    /** At paper scale a trial fails when its accuracy is below 0.75 or its training takes more than 250 s. */
    failure: { minAccuracy: 0.75, timeLimitSeconds: 250 },
    paperBudgets: { optimizer: 480, random: 1800 },
  },
} as const;

const STUDIES: [keyof typeof SPEC, Study][] = [
  ['diatom', DIATOM],
  ['rotten', ROTTEN],
];

const outcome = (o: Partial<TrialOutcome>): TrialOutcome => ({
  accuracy: 0.9,
  trainSeconds: 10,
  inferenceSeconds: 0.1,
  epochs: 1,
  stoppedEarly: null,
  error: null,
  ...o,
});

describe('study definitions against the specification', () => {
  for (const [name, def] of STUDIES) {
    it(`${name}: every parameter with its type and bounds, nothing else`, () => {
      const actual = Object.fromEntries(def.parameters.map((p) => [p.name, [p.type, p.bounds?.min, p.bounds?.max]]));
      expect(actual).toEqual(SPEC[name].parameters);
      expect(def.parameters).toHaveLength(Object.keys(SPEC[name].parameters).length);
    });

    it(`${name}: maximises ${SPEC[name].metrics.maximize}, minimises ${SPEC[name].metrics.minimize}`, () => {
      expect(def.metrics.map((m) => [m.name, m.objective])).toEqual([
        [SPEC[name].metrics.maximize, 'maximize'],
        [SPEC[name].metrics.minimize, 'minimize'],
      ]);
      expect([def.accuracyMetric, def.timeMetric]).toEqual([SPEC[name].metrics.maximize, SPEC[name].metrics.minimize]);
    });

    it(`${name}: the paper preset runs the published budgets and failure rule`, () => {
      const paper = getPreset(def, 'paper');
      expect(paper.budgets).toEqual(SPEC[name].paperBudgets);
      const failure = SPEC[name].failure;
      if (failure === null) {
        // no failure region: any trained model is a result, however poor or slow
        const v = judgeOutcome(def, paper, outcome({ accuracy: 0.01, trainSeconds: 1e5, inferenceSeconds: 100 }));
        expect(v.failed).toBe(false);
        expect([paper.minAccuracy, paper.timeLimitSeconds]).toEqual([null, null]);
        return;
      }
      const judge = (o: Partial<TrialOutcome>) => judgeOutcome(def, paper, outcome(o)).failed;
      expect(judge({ accuracy: failure.minAccuracy, trainSeconds: failure.timeLimitSeconds })).toBe(false);
      expect(judge({ accuracy: failure.minAccuracy - 1e-6 })).toBe(true);
      expect(judge({ trainSeconds: failure.timeLimitSeconds + 0.01 })).toBe(true);
    });
  }
});

describe('the spaces and the models', () => {
  // the real trainers parse a trial's assignments with these schemas: every parameter must be a field of the model,
  // and every field the model requires must be a parameter
  const required = (shape: Record<string, { safeParse(v: unknown): { success: boolean } }>): string[] =>
    Object.keys(shape).filter((k) => !shape[k].safeParse(undefined).success);
  const cases: [Study, Record<string, { safeParse(v: unknown): { success: boolean } }>][] = [
    [DIATOM, FcnHyperparametersSchema.shape],
    [ROTTEN, KimHyperparametersSchema.shape],
  ];
  for (const [study, shape] of cases) {
    it(`${study.name}: the parameters are the model's hyperparameters`, () => {
      const names = study.parameters.map((p) => p.name);
      expect(names.filter((n) => !(n in shape))).toEqual([]);
      expect(required(shape).filter((k) => !names.includes(k))).toEqual([]);
    });
  }
});

describe('presets', () => {
  it('every preset of both studies keeps the paper optimizer:random budget ratio and says so', () => {
    for (const [name, def] of STUDIES) {
      const { optimizer, random } = SPEC[name].paperBudgets;
      for (const p of PRESET_NAMES) {
        const preset = getPreset(def, p);
        // integer budgets: a / b = c / d exactly when a d = b c
        expect(preset.budgets.random * optimizer, `${name} ${p}`).toBe(preset.budgets.optimizer * random);
        expect(def.describePreset(preset)[0]).toContain(`(ratio 1:${(random / optimizer).toFixed(2)})`);
      }
    }
  });

  it('rotten: paper and smoke keep the 75 % accuracy rule, default scales it to 70 % at 2-6 epochs; only the paper keeps the 250 s limit', () => {
    expect(getPreset(ROTTEN, 'paper').minAccuracy).toBe(SPEC.rotten.failure.minAccuracy);
    expect(getPreset(ROTTEN, 'smoke').minAccuracy).toBe(SPEC.rotten.failure.minAccuracy);
    expect(getPreset(ROTTEN, 'default').minAccuracy).toBe(0.7);
    expect(getPreset(ROTTEN, 'default').timeLimitSeconds).toBeLessThan(SPEC.rotten.failure.timeLimitSeconds);
  });

  it('paper trains as published: 500 FCN epochs with Keras batch-norm momentum, Kim epochs as assigned, full data', () => {
    const d = getPreset(DIATOM, 'paper');
    expect([d.fixedEpochs, d.batchNormMomentum, d.trainFraction, d.valFraction]).toEqual([500, 0.99, 1, 1]);
    const r = getPreset(ROTTEN, 'paper');
    expect([r.epochScale, r.trainFraction, r.valFraction]).toEqual([1, 1, 1]);
    expect(ROTTEN.trainedEpochs(r, { epochs: 37 })).toBe(37);
    expect(d.confidenceRepeats).toBe(800);
  });

  it('scaled diatom presets use the PyTorch batch-norm momentum and say so', () => {
    const d = getPreset(DIATOM, 'default');
    expect(d.batchNormMomentum).toBe(0.9);
    expect(DIATOM.describePreset(d).join('\n')).toMatch(/FCN batch-norm momentum: 0.9 \(paper: Keras' 0.99\)/);
    expect(getPreset(ROTTEN, 'default').batchNormMomentum).toBeNull();
  });

  it('scales rotten epochs: smoke with a floor of one, default linearly from 5..100 onto 2..6', () => {
    const smoke = getPreset(ROTTEN, 'smoke');
    expect(ROTTEN.trainedEpochs(smoke, { epochs: 5 })).toBe(1);
    const def = getPreset(ROTTEN, 'default');
    expect(def.epochScale).toBeNull();
    expect(def.epochRange).toEqual({ min: 2, max: 6 });
    const at = (e: number) => ROTTEN.trainedEpochs(def, { epochs: e });
    // 2 + 4 (e - 5) / 95, rounded
    expect([5, 16, 17, 40, 41, 64, 65, 100].map(at)).toEqual([2, 2, 3, 3, 4, 4, 5, 6]);
    expect(() => ROTTEN.trainedEpochs(def, {})).toThrow(/"epochs"/);
    expect(ROTTEN.describePreset(def).join('\n')).toMatch(/epochs 5\.\.100 mapped linearly onto 2\.\.6/);
  });

  it('names unknown presets and describes the scaled quantities', () => {
    expect(() => getPreset(DIATOM, 'huge')).toThrow(/unknown preset "huge"/);
    const lines = ROTTEN.describePreset(getPreset(ROTTEN, 'default')).join('\n');
    expect(lines).toMatch(/budgets optimizer 12 vs random 45/);
    expect(lines).toMatch(/failure rule: accuracy < 0.7 or training time > 100 s \(paper 0.75 \/ 250 s\)/);
  });

  it('--budget sets the optimizer arm\u2019s budget and scales the random arm\u2019s to the preset\u2019s ratio, saying so', () => {
    const diatom = withBudget(getPreset(DIATOM, 'default'), 40);
    expect(diatom.budgets).toEqual({ optimizer: 40, random: 400 });
    expect(diatom.scope).toMatch(/^Budgets changed on the command line \(--budget 40\): 40 optimizer vs 400 random/);
    expect(diatom.fixedEpochs).toBe(getPreset(DIATOM, 'default').fixedEpochs);
    // rotten's 12 : 45 (1 : 3.75) at 16 optimizer trials: 60 random
    expect(withBudget(getPreset(ROTTEN, 'default'), 16).budgets).toEqual({ optimizer: 16, random: 60 });
    expect(withBudget(getPreset(ROTTEN, 'default'), 7).budgets).toEqual({ optimizer: 7, random: 26 });
    expect(withBudget(getPreset(ROTTEN, 'default'), null)).toEqual(getPreset(ROTTEN, 'default'));
  });
});
