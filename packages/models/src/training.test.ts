import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';
import { trainFcn } from './fcn.ts';
import { trainKimCnn } from './kim-cnn.ts';
import { Rng } from './rng.ts';
import type { FcnHyperparameters, KimHyperparameters } from './hyperparameters.ts';

/** Three classes of noisy sine waves (1, 3 or 6 periods per series, random phase): shape, not position, decides. */
function bumps(n: number, length: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * length);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    const freq = [1, 3, 6][c];
    const phase = 2 * Math.PI * rng.uniform();
    for (let t = 0; t < length; t++)
      x[i * length + t] = Math.sin((2 * Math.PI * freq * t) / length + phase) + 0.3 * rng.normal();
  }
  return { x, y };
}

/** Sentences of filler tokens 4..19 with token 2 (positive) or 3 (negative) somewhere; 0-padded tails. */
function sentences(n: number, maxLen: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Int32Array(n * maxLen);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const len = 4 + rng.int(maxLen - 4);
    for (let t = 0; t < len; t++) x[i * maxLen + t] = 4 + rng.int(16);
    x[i * maxLen + rng.int(len)] = y[i] === 1 ? 2 : 3;
  }
  return { x, y };
}

const fcnHp: FcnHyperparameters = {
  batch_size: 8,
  conv_1_num_filters: 8,
  conv_2_num_filters: 8,
  conv_3_num_filters: 8,
  conv_1_filter_size: 5,
  conv_2_filter_size: 3,
  conv_3_filter_size: 3,
  log_lr: Math.log(1e-2),
  log_beta_1: Math.log(0.1),
  log_beta_2: Math.log(1e-3),
  log_epsilon: Math.log(1e-8),
  log_decay: -23,
};

const kimHp: KimHyperparameters = {
  dropout_rate: 0.2,
  log_learning_rate: Math.log(1e-2),
  max_grad_norm: 5,
  epochs: 12,
  batch_size: 10,
  embed_dim: 8,
  filter_size_1: 1,
  filter_size_2: 2,
  filter_size_3: 3,
  num_feature_maps: 4,
};

const L = 24;
const fcnTrain = bumps(45, L, 1);
const fcnVal = bumps(30, L, 2);
const fcnData = { xTrain: fcnTrain.x, yTrain: fcnTrain.y, xVal: fcnVal.x, yVal: fcnVal.y, length: L, numClasses: 3 };
const M = 10;
const kimTrain = sentences(100, M, 3);
const kimVal = sentences(40, M, 4);
const kimData = { xTrain: kimTrain.x, yTrain: kimTrain.y, xVal: kimVal.x, yVal: kimVal.y, maxLen: M, vocabSize: 20 };

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
});

describe('trainFcn', () => {
  it('learns a separable 3-class problem (accuracy >= 0.9, chance 1/3) and reports a full history', async () => {
    const r = await trainFcn(fcnData, fcnHp, { epochs: 15, seed: 1 });
    expect(r.backend).toBe('wasm');
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.epochs).toBe(15);
    expect(r.history.map((h) => h.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(r.history[14].loss).toBeLessThan(r.history[0].loss);
    expect(r.stoppedEarly).toBeUndefined();
    expect(r.inferenceSeconds).toBeGreaterThan(0);
    expect(r.trainSeconds).toBeGreaterThan(0);
  });
  it('is deterministic for a seed', async () => {
    const a = await trainFcn(fcnData, fcnHp, { epochs: 2, seed: 7 });
    const b = await trainFcn(fcnData, fcnHp, { epochs: 2, seed: 7 });
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
  });
  it('validates every n-th epoch and the last when asked; the last equals the reported accuracy', async () => {
    const r = await trainFcn(fcnData, fcnHp, { epochs: 5, seed: 1, validateEvery: 2 });
    expect(r.history.map((h) => h.valAccuracy !== undefined)).toEqual([false, true, false, true, true]);
    expect(r.history[4].valAccuracy).toBe(r.accuracy);
    const plain = await trainFcn(fcnData, fcnHp, { epochs: 5, seed: 1 });
    // validating does not touch the training trajectory
    expect(plain.history.map((h) => h.loss)).toEqual(r.history.map((h) => h.loss));
    expect(plain.history.every((h) => h.valAccuracy === undefined)).toBe(true);
    await expect(trainFcn(fcnData, fcnHp, { epochs: 1, validateEvery: 0 })).rejects.toThrow(/validateEvery/);
  });
  it('takes the batch-norm momentum from the options (Keras 0.99 by default) and rejects one outside (0, 1)', async () => {
    const keras = await trainFcn(fcnData, fcnHp, { epochs: 3, seed: 1 });
    const torch = await trainFcn(fcnData, fcnHp, { epochs: 3, seed: 1, batchNormMomentum: 0.9 });
    // the training loss uses batch statistics only, so it is identical; validation uses the moving statistics
    expect(torch.history.map((h) => h.loss)).toEqual(keras.history.map((h) => h.loss));
    await expect(trainFcn(fcnData, fcnHp, { epochs: 1, batchNormMomentum: 1 })).rejects.toThrow(/batchNormMomentum/);
  });
  it('applies the Keras time decay to the reported lr', async () => {
    const decay = 0.01;
    const r = await trainFcn(fcnData, { ...fcnHp, log_decay: Math.log(decay) }, { epochs: 2, seed: 1 });
    const stepsPerEpoch = Math.ceil(45 / 8);
    expect(r.history[1].lr).toBeCloseTo(1e-2 / (1 + decay * 2 * stepsPerEpoch), 8);
  });
  it('stops with stoppedEarly=diverged on a NaN loss instead of crashing', async () => {
    const bad = Float32Array.from(fcnData.xTrain);
    bad[3] = NaN;
    const r = await trainFcn({ ...fcnData, xTrain: bad }, { ...fcnHp, batch_size: 64 }, { epochs: 5, seed: 1 });
    expect(r.stoppedEarly).toBe('diverged');
    expect(r.epochs).toBe(1);
    expect(Number.isNaN(r.history[0].loss)).toBe(true);
    // the NaN reached the model, so every validation prediction is one class: exactly the share of one of the three
    // balanced classes (10 of 30), not a number a trained or untouched model would give
    expect(r.accuracy).toBe(1 / 3);
  });
  it('stops with stoppedEarly=time_limit', async () => {
    const r = await trainFcn(fcnData, fcnHp, { epochs: 50, seed: 1, timeLimitSeconds: 1e-6 });
    expect(r.stoppedEarly).toBe('time_limit');
    expect(r.epochs).toBe(1);
  });
  it('rejects bad input with a message naming the field', async () => {
    await expect(trainFcn(fcnData, { ...fcnHp, batch_size: 0 }, { epochs: 1 })).rejects.toThrow(/batch_size/);
    await expect(trainFcn(fcnData, fcnHp, {})).rejects.toThrow(/epochs/);
    await expect(trainFcn({ ...fcnData, xTrain: fcnData.xTrain.subarray(1) }, fcnHp, { epochs: 1 })).rejects.toThrow(
      /xTrain/,
    );
    const y = Int32Array.from(fcnData.yTrain);
    y[4] = 3;
    await expect(trainFcn({ ...fcnData, yTrain: y }, fcnHp, { epochs: 1 })).rejects.toThrow(/yTrain\[4\]/);
  });
});

describe('trainKimCnn', () => {
  it('learns which marker token decides the class (accuracy >= 0.9, chance 1/2)', async () => {
    const r = await trainKimCnn(kimData, kimHp, { seed: 1 });
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.epochs).toBe(12);
    expect(r.history[11].loss).toBeLessThan(r.history[0].loss);
  });
  it('halves the learning rate every 50 epochs; opts.epochs overrides hp.epochs', async () => {
    const r = await trainKimCnn(
      { ...kimData, xTrain: kimData.xTrain.subarray(0, 10 * M), yTrain: kimData.yTrain.subarray(0, 10) },
      { ...kimHp, epochs: 3 },
      { epochs: 101, seed: 1 },
    );
    expect(r.epochs).toBe(101);
    expect(r.history[49].lr).toBeCloseTo(1e-2, 12);
    expect(r.history[50].lr).toBeCloseTo(5e-3, 12);
    expect(r.history[100].lr).toBeCloseTo(2.5e-3, 12);
  });
  it('stops with stoppedEarly=diverged on an absurd learning rate; a sane one keeps every loss finite', async () => {
    const r = await trainKimCnn(
      kimData,
      { ...kimHp, log_learning_rate: 80, max_grad_norm: 1e30 },
      { epochs: 3, seed: 1 },
    );
    // e^80 ~ 5.5e34: the first step overflows the weights to Infinity and the next loss is NaN
    expect(r.stoppedEarly).toBe('diverged');
    expect(r.epochs).toBe(1);
    expect(Number.isNaN(r.history[0].loss)).toBe(true);
    // NaN logits: every prediction is one class, so the accuracy is exactly one class's share (20 of 40)
    expect(r.accuracy).toBe(0.5);

    const sane = await trainKimCnn(kimData, kimHp, { epochs: 3, seed: 1 });
    expect(sane.stoppedEarly).toBeUndefined();
    expect(sane.history.map((h) => Number.isFinite(h.loss))).toEqual([true, true, true]);
    // binary cross-entropy starts near ln 2 = 0.693 and falls every epoch on this easy problem
    expect(sane.history[0].loss).toBeLessThan(Math.LN2 + 0.05);
    expect(sane.history[1].loss).toBeLessThan(sane.history[0].loss);
    expect(sane.history[2].loss).toBeLessThan(sane.history[1].loss);
  });
  it('is deterministic for a seed (initialisation, shuffling, dropout masks)', async () => {
    const a = await trainKimCnn(kimData, kimHp, { epochs: 2, seed: 3 });
    const b = await trainKimCnn(kimData, kimHp, { epochs: 2, seed: 3 });
    const c = await trainKimCnn(kimData, kimHp, { epochs: 2, seed: 4 });
    expect(b.history.map((h) => h.loss)).toEqual(a.history.map((h) => h.loss));
    expect(c.history.map((h) => h.loss)).not.toEqual(a.history.map((h) => h.loss));
  });
  it('validates every n-th epoch and the last when asked', async () => {
    const r = await trainKimCnn(kimData, kimHp, { epochs: 3, seed: 1, validateEvery: 3 });
    expect(r.history.map((h) => h.valAccuracy !== undefined)).toEqual([false, false, true]);
    expect(r.history[2].valAccuracy).toBe(r.accuracy);
  });
  it('rejects token ids outside the vocabulary', async () => {
    const x = Int32Array.from(kimData.xTrain);
    x[7] = 20;
    await expect(trainKimCnn({ ...kimData, xTrain: x }, kimHp, {})).rejects.toThrow(/xTrain\[7\]/);
  });
});

describe('no tensor leaks', () => {
  it('tf.memory() (tensors and bytes) is flat over 100 tiny trainings of each model', async () => {
    const tinyFcn = { ...fcnData, xTrain: fcnData.xTrain.subarray(0, 9 * L), yTrain: fcnData.yTrain.subarray(0, 9) };
    const tinyKim = { ...kimData, xTrain: kimData.xTrain.subarray(0, 10 * M), yTrain: kimData.yTrain.subarray(0, 10) };
    await trainFcn(tinyFcn, fcnHp, { epochs: 1, seed: 0 });
    await trainKimCnn(tinyKim, kimHp, { epochs: 1, seed: 0 });
    const before = tf.memory();
    for (let i = 0; i < 100; i++) {
      await trainFcn(tinyFcn, fcnHp, { epochs: 1, seed: i, validateEvery: 1 });
      await trainKimCnn(tinyKim, kimHp, { epochs: 1, seed: i, validateEvery: 1 });
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
