import { describe, expect, it } from 'vitest';
import { DIATOM, ROTTEN } from './definitions.ts';
import { PRESET_NAMES, describePreset, getPreset, trainedEpochs } from './presets.ts';

describe('study definitions', () => {
  it('diatom has the 12 parameters of diatom/SPEC.md (7 int, 5 double) and its two metrics', () => {
    expect(DIATOM.parameters).toHaveLength(12);
    expect(DIATOM.parameters.filter((p) => p.type === 'int')).toHaveLength(7);
    expect(DIATOM.parameters.filter((p) => p.type === 'double')).toHaveLength(5);
    const byName = Object.fromEntries(DIATOM.parameters.map((p) => [p.name, p.bounds]));
    expect(byName.batch_size).toEqual({ min: 8, max: 32 });
    expect(byName.conv_2_num_filters).toEqual({ min: 32, max: 256 });
    expect(byName.conv_3_filter_size).toEqual({ min: 2, max: 10 });
    expect(byName.log_lr).toEqual({ min: -23, max: 0 });
    expect(byName.log_beta_1).toEqual({ min: -4.6, max: -0.7 });
    expect(byName.log_beta_2).toEqual({ min: -13.8, max: -0.7 });
    expect(byName.log_epsilon).toEqual({ min: -23, max: -13.8 });
    expect(byName.log_decay).toEqual({ min: -23, max: -2.3 });
    expect(DIATOM.metrics).toEqual([
      { name: 'accuracy', objective: 'maximize', strategy: 'optimize' },
      { name: 'inference_time', objective: 'minimize', strategy: 'optimize' },
    ]);
  });

  it('rotten has the 6-parameter space of rotten/SPEC.md', () => {
    const byName = Object.fromEntries(ROTTEN.parameters.map((p) => [p.name, [p.type, p.bounds]]));
    expect(byName).toEqual({
      dropout_rate: ['double', { min: 0.1, max: 0.9 }],
      log_learning_rate: ['double', { min: -18.42, max: 0 }],
      max_grad_norm: ['double', { min: 1, max: 10 }],
      epochs: ['int', { min: 5, max: 100 }],
      batch_size: ['int', { min: 10, max: 100 }],
      embed_dim: ['int', { min: 100, max: 500 }],
    });
    expect(ROTTEN.metrics[1]).toEqual({ name: 'training_time', objective: 'minimize', strategy: 'optimize' });
  });
});

describe('presets', () => {
  it('paper is exactly the original studies', () => {
    const d = getPreset('diatom', 'paper');
    expect(d.budgets).toEqual({ optimizer: 480, random: 4800 });
    expect(d.fixedEpochs).toBe(500);
    expect([d.trainFraction, d.valFraction]).toEqual([1, 1]);
    const r = getPreset('rotten', 'paper');
    expect(r.budgets).toEqual({ optimizer: 480, random: 1800 });
    expect([r.minAccuracy, r.timeLimitSeconds, r.epochScale]).toEqual([0.75, 250, 1]);
    expect(trainedEpochs('rotten', r, { epochs: 37 })).toBe(37);
    expect(d.confidenceRepeats).toBe(800);
    expect(d.batchNormMomentum).toBe(0.99); // Keras, as Wang's code
  });

  it('scaled diatom presets use the PyTorch batch-norm momentum and say so', () => {
    const d = getPreset('diatom', 'default');
    expect(d.batchNormMomentum).toBe(0.9);
    expect(describePreset('diatom', d).join('\n')).toMatch(/FCN batch-norm momentum: 0.9 \(paper: Keras' 0.99\)/);
    expect(getPreset('rotten', 'default').batchNormMomentum).toBeNull();
  });

  it('every preset keeps the paper budget ratio (1:10 diatom, 480:1800 rotten) and the 75% accuracy rule', () => {
    for (const name of PRESET_NAMES) {
      const d = getPreset('diatom', name);
      expect(d.budgets.random / d.budgets.optimizer).toBe(10);
      const r = getPreset('rotten', name);
      expect(r.budgets.random / r.budgets.optimizer).toBeCloseTo(1800 / 480, 12);
      expect(r.minAccuracy).toBe(0.75);
    }
  });

  it('scales rotten epochs with a floor of one', () => {
    const smoke = getPreset('rotten', 'smoke');
    expect(trainedEpochs('rotten', smoke, { epochs: 5 })).toBe(1);
    const def = getPreset('rotten', 'default');
    expect(trainedEpochs('rotten', def, { epochs: 100 })).toBe(Math.round(100 * def.epochScale!));
    expect(() => trainedEpochs('rotten', def, {})).toThrow(/"epochs"/);
  });

  it('names unknown presets and describes the scaled quantities', () => {
    expect(() => getPreset('diatom', 'huge')).toThrow(/unknown preset "huge"/);
    const lines = describePreset('rotten', getPreset('rotten', 'default')).join('\n');
    expect(lines).toMatch(/budgets optimizer 8 vs random 30/);
    expect(lines).toMatch(/failure rule: accuracy < 0.75 or training time > 150 s/);
  });
});
